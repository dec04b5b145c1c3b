"""The evidence base: documents, their passages and the framework tags on them.

A ``Document`` is one ingested file (a review, report, evaluation, meeting report, speech...)
with its provenance: where it came from (upload, command line, another part of gcmhub), who
added it and when, its licence, the sha256 of its bytes. Its text is cut into ``Passage`` rows
(paragraph-aware, keeping the page and heading), each with its language and its sentence
embedding for semantic search.

A ``Tag`` links a passage (or a whole document, when ``passage`` is empty) to a framework item.
The tagger suggests; people confirm, reject or add. A rejected suggestion is kept, so that the
tagger never proposes it again for that passage and learns from it (see ``tagger.Exemplars``).

An ``IngestBatch`` is a set of files ingested by a background task, with its progress and the
failures listed file by file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gcmhub.accounts.models import Organisation
from gcmhub.framework.models import FrameworkItem
from gcmhub.registry.models import Area


class DocumentType(models.TextChoices):
    REVIEW = "review", _("Review")
    REPORT = "report", _("Report")
    PRACTICE = "practice", _("Practice")
    EVALUATION = "evaluation", _("Evaluation")
    MEETING = "meeting", _("Meeting report")
    SPEECH = "speech", _("Speech")
    PLEDGE = "pledge", _("Pledge")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    CHINESE = "zh", _("Chinese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")


class Source(models.TextChoices):
    UPLOAD = "upload", _("Upload")
    COMMAND = "command", _("Command line")
    ATTACHMENT = "attachment", _("Attachment")
    CORPUS = "corpus", _("Corpus import")


class Document(models.Model):
    title = models.CharField(_("title"), max_length=300)
    doc_type = models.CharField(
        _("document type"), max_length=20, choices=DocumentType.choices, default=DocumentType.OTHER
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("country"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    is_public = models.BooleanField(_("public"), default=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=300, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    media_type = models.CharField(_("media type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, unique=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    passage_count = models.PositiveIntegerField(default=0)
    tagger_version = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["doc_type", "year"]),
            models.Index(fields=["language"]),
        ]

    def __str__(self) -> str:
        return self.title


class Passage(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="passages")
    ordinal = models.PositiveIntegerField()
    page = models.PositiveIntegerField(null=True, blank=True)
    heading = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    language = models.CharField(max_length=2, choices=Language.choices)
    # 512 float16 values of the sentence embedding (normalised), for semantic search.
    vector = models.BinaryField()

    class Meta:
        ordering = ["document_id", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["document", "ordinal"], name="passage_doc_ordinal_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.document_id}#{self.ordinal}"


class TagStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class Tag(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="tags")
    passage = models.ForeignKey(
        Passage, null=True, blank=True, on_delete=models.CASCADE, related_name="tags"
    )
    item = models.ForeignKey(FrameworkItem, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=TagStatus.choices)
    # The tagger's calibrated probability, kept after a person decides; empty for added tags.
    score = models.FloatField(null=True, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    suggested = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["passage", "item"],
                condition=models.Q(passage__isnull=False),
                name="tag_passage_item_uniq",
            ),
            models.UniqueConstraint(
                fields=["document", "item"],
                condition=models.Q(passage__isnull=True),
                name="tag_document_item_uniq",
            ),
        ]
        indexes = [
            models.Index(fields=["item", "status"]),
            # the curated examples the tagger reads before each ingest (ingest.current_exemplars)
            models.Index(fields=["status", "decided_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} on {self.passage_id or self.document_id} ({self.status})"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class IngestBatch(models.Model):
    """Files waiting for, or done by, a background ingest; ``options`` are the shared defaults
    (document type, country, organisation, year, licence, public)."""

    status = models.CharField(max_length=10, choices=BatchStatus.choices, default="queued")
    options = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    ingested = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failures = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"batch {self.pk} ({self.status})"


class BatchFile(models.Model):
    batch = models.ForeignKey(IngestBatch, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to="evidence/incoming/%Y/%m/")
    status = models.CharField(max_length=10, default="queued")
    message = models.CharField(max_length=500, blank=True)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

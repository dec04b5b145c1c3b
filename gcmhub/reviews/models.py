"""Review cycles, national reviews objective by objective, stakeholder inputs and their workflow.

A national review belongs to one State (an Area) and one cycle, and is owned by that State's
government organisation: its focal points edit it, its contributors edit the sections assigned to
them. Each section holds one GCM objective or guiding principle. Every saved section is kept as a
``SectionVersion``; ``version`` on a section or review is the token an editor sends back so that a
save made on a stale copy is refused instead of overwriting someone else's work.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from gcmhub.accounts.models import Organisation, User
from gcmhub.registry.models import Area

# Organisations and users made by ``gcmhub generate-sample`` have slugs and names starting so.
SAMPLE_PREFIX = "sample-"


class CycleKind(models.TextChoices):
    NATIONAL = "national", _("Voluntary national review")
    REGIONAL = "regional", _("Regional review round")
    IMRF = "imrf", _("International Migration Review Forum")


class CycleStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open for inputs")
    CLOSED = "closed", _("Closed")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    VALIDATED = "validated", _("Validated")
    PUBLISHED = "published", _("Published")


# The states in which the authors may still change what they wrote.
EDITABLE_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)


class SectionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class BodyKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Agency or department")
    PARLIAMENT = "parliament", _("Parliament")
    LOCAL = "local", _("Local or regional government")
    OTHER = "other", _("Other public body")


class ConsultationMethod(models.TextChoices):
    MEETING = "meeting", _("Meeting or workshop")
    WRITTEN = "written", _("Written submissions")
    SURVEY = "survey", _("Survey")
    ONLINE = "online", _("Online platform")
    COMMITTEE = "committee", _("Standing committee or working group")
    OTHER = "other", _("Other")


class ReviewCycle(models.Model):
    """A round of review: a voluntary national review round, a regional round or an IMRF."""

    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CycleKind.choices)
    title = models.CharField(_("title"), max_length=200)
    round = models.PositiveSmallIntegerField(_("round"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    opens = models.DateField(_("inputs open"), null=True, blank=True)
    closes = models.DateField(_("inputs close"), null=True, blank=True)
    scope_commission = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("UN regional commission region"),
        help_text=_("Set when the cycle covers one commission's region only."),
    )
    scope_areas = models.ManyToManyField(
        Area,
        blank=True,
        related_name="+",
        verbose_name=_("countries"),
        help_text=_("Empty means every UN Member State (or the commission's region)."),
    )
    organiser = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organiser"),
        help_text=_("Its reviewers and secretariat validate and publish the cycle's inputs."),
    )
    description = models.TextField(_("description"), blank=True)
    sources = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    reference_key = models.CharField(max_length=60, blank=True)
    is_sample = models.BooleanField(default=False)

    class Meta:
        ordering = ["start_year", "kind", "slug"]

    def __str__(self) -> str:
        return self.title

    def status(self, today: dt.date | None = None) -> str:
        """Upcoming before ``opens``, closed after ``closes``, open otherwise."""
        today = today or dt.date.today()
        if self.opens and today < self.opens:
            return CycleStatus.UPCOMING
        if self.closes and today > self.closes:
            return CycleStatus.CLOSED
        return CycleStatus.OPEN


class CycleEvent(models.Model):
    """A dated meeting of a cycle: a regional review conference, an IMRF hearing or forum."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(max_length=200)
    commission = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    when = models.CharField(max_length=120, blank=True, help_text=_("When no exact date is known."))
    venue = models.TextField(blank=True)
    certainty = models.CharField(max_length=10, default="confirmed")
    sources = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return self.title


class NationalReview(models.Model):
    """One State's review of its implementation of the GCM in one cycle."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="reviews")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="reviews")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    summary = models.TextField(_("summary"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    is_sample = models.BooleanField(default=False)

    class Meta:
        ordering = ["cycle", "area__name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "area"], name="review_cycle_area_uniq")
        ]
        indexes = [models.Index(fields=["cycle", "status"])]

    def __str__(self) -> str:
        return f"{self.area.name}: {self.cycle.title}"


SECTION_TEXT_FIELDS = ("actions", "challenges", "good_practices", "support_needed", "free_text")
SECTION_FIELDS = ("status", *SECTION_TEXT_FIELDS, "sdg_targets")


class ReviewSection(models.Model):
    """What a State reports on one objective or guiding principle."""

    review = models.ForeignKey(NationalReview, on_delete=models.CASCADE, related_name="sections")
    item = models.ForeignKey(
        "framework.FrameworkItem", on_delete=models.PROTECT, related_name="review_sections"
    )
    status = models.CharField(
        _("implementation status"), max_length=16, choices=SectionStatus.choices, blank=True
    )
    actions = models.TextField(_("actions taken"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    good_practices = models.TextField(_("good practices"), blank=True)
    support_needed = models.TextField(_("support needed"), blank=True)
    free_text = models.TextField(_("other information"), blank=True)
    sdg_targets = models.JSONField(_("SDG targets concerned"), default=list, blank=True)
    assignees = models.ManyToManyField(
        User, blank=True, related_name="assigned_sections", verbose_name=_("assigned to")
    )
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "item__kind", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="section_review_item_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.review_id}/{self.item_id}"

    @property
    def reported(self) -> bool:
        return bool(self.status or any(getattr(self, f) for f in SECTION_TEXT_FIELDS))

    def values(self) -> dict[str, object]:
        """What the section says, with its version: what a conflict shows and a version keeps."""
        return {name: getattr(self, name) for name in SECTION_FIELDS} | {"version": self.version}


class SectionVersion(models.Model):
    """A saved state of a section, kept so that every change can be read and compared."""

    section = models.ForeignKey(ReviewSection, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["section", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["section", "version"], name="section_version_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.section_id} v{self.version}"


class ReviewContributor(models.Model):
    """Whole-of-government: a ministry or agency that contributed, and to which sections."""

    review = models.ForeignKey(
        NationalReview, on_delete=models.CASCADE, related_name="contributors"
    )
    body = models.CharField(_("ministry or agency"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=BodyKind.choices)
    items = models.ManyToManyField("framework.FrameworkItem", blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["body"]
        constraints = [
            models.UniqueConstraint(fields=["review", "body"], name="contributor_review_body_uniq")
        ]

    def __str__(self) -> str:
        return self.body


class ReviewConsultation(models.Model):
    """Whole-of-society: a stakeholder category consulted, how and when."""

    review = models.ForeignKey(
        NationalReview, on_delete=models.CASCADE, related_name="consultations"
    )
    category = models.ForeignKey(
        "framework.FrameworkItem", on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("how"), max_length=12, choices=ConsultationMethod.choices)
    held_on = models.DateField(_("when"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.review_id} consulted {self.category_id}"


class StakeholderInput(models.Model):
    """A stakeholder's contribution to a regional review or an IMRF."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="inputs")
    commission = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The regional review the input is addressed to, for a regional round."),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="review_inputs"
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    items = models.ManyToManyField(
        "framework.FrameworkItem", blank=True, related_name="review_inputs"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    is_sample = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["cycle", "status"])]

    def __str__(self) -> str:
        return self.title


class WorkflowStep(models.Model):
    """One move of a review or input through the workflow, with the reviewer's comment."""

    review = models.ForeignKey(
        NationalReview, null=True, blank=True, on_delete=models.CASCADE, related_name="steps"
    )
    input = models.ForeignKey(
        StakeholderInput, null=True, blank=True, on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(max_length=12)
    from_status = models.CharField(max_length=10)
    to_status = models.CharField(max_length=10)
    comment = models.TextField(blank=True)
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} -> {self.to_status}"


class Attachment(models.Model):
    """A PDF or DOCX file attached to a review or an input; its type is checked from its bytes."""

    review = models.ForeignKey(
        NationalReview, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    input = models.ForeignKey(
        StakeholderInput,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=4)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename

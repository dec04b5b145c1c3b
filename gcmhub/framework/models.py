from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gcmhub.framework.kinds import Basis, ItemKind, Relation


class FrameworkItem(models.Model):
    """One item of a reference framework: a GCM objective, an SDG target, a MiGOF principle...

    Items are loaded from the YAML files in ``framework/reference`` and never edited in place
    by users; ``code`` is the stable identifier within a kind ("20", "10.c", "a").
    """

    kind = models.CharField(_("kind"), max_length=32, choices=ItemKind.choices)
    code = models.CharField(_("code"), max_length=32)
    number = models.IntegerField(_("order"))
    title = models.TextField(_("title"))
    short_title = models.CharField(_("short title"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    sources = models.JSONField(_("sources"), default=list)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    titles = models.JSONField(
        _("titles in other languages"),
        default=dict,
        blank=True,
        help_text=_("Official translations only, keyed by language code."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="frameworkitem_kind_code_uniq")
        ]
        ordering = ["kind", "number", "code"]
        verbose_name = _("framework item")
        verbose_name_plural = _("framework items")

    def __str__(self) -> str:
        return f"{self.kind} {self.code}: {self.title}"

    def title_in(self, language: str | None) -> str:
        """The official title in ``language`` where one is recorded, else the English title."""
        if language and language != "en":
            return str(self.titles.get(language) or self.title)
        return self.title


class CrosswalkLink(models.Model):
    """A typed link between two framework items, with where it comes from."""

    from_item = models.ForeignKey(FrameworkItem, on_delete=models.CASCADE, related_name="links_out")
    to_item = models.ForeignKey(FrameworkItem, on_delete=models.CASCADE, related_name="links_in")
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    basis = models.CharField(_("basis"), max_length=12, choices=Basis.choices)
    sources = models.JSONField(_("sources"), default=list)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_item", "to_item", "relation"], name="crosswalk_link_uniq"
            )
        ]
        verbose_name = _("crosswalk link")
        verbose_name_plural = _("crosswalk links")

    def __str__(self) -> str:
        return f"{self.from_item_id} {self.relation} {self.to_item_id}"


class KeyDate(models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.TextField(_("event"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    document = models.CharField(_("document"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    sources = models.JSONField(_("sources"), default=list)
    notes = models.JSONField(_("notes"), default=list, blank=True)

    class Meta:
        ordering = ["start", "code"]
        verbose_name = _("key date")
        verbose_name_plural = _("key dates")

    def __str__(self) -> str:
        return f"{self.start} {self.title}"


class ReferenceRelease(models.Model):
    """A version of the reference files that was loaded, with a digest of their content."""

    version = models.CharField(max_length=40)
    checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)
    extras = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-loaded_at", "-id"]
        get_latest_by = "loaded_at"

    def __str__(self) -> str:
        return f"{self.version} ({self.checksum[:12]})"

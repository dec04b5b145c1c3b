"""Pledges: measurable commitments that States and organisations make to advance the GCM.

A pledge is entered and owned by one organisation (its focal points, secretariat and
administrators edit it); it names one or more pledgers, each either a State (a registry Area) or
an organisation. Its progress is a series of dated status updates with their evidence; the latest
one is copied onto the pledge (``status``, ``status_date``) so that lists filter on it cheaply.
``version`` is the token an editor sends back, so that a save made on a stale copy is refused
instead of overwriting someone else's change.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gcmhub.accounts.models import Organisation, User
from gcmhub.registry.models import Area


class PledgeKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual pledge")
    COMMON = "common", _("Common pledge")
    PARTNERSHIP = "partnership", _("Partnership pledge")


class PledgeType(models.TextChoices):
    FINANCIAL = "financial", _("Financial")
    HUMAN_RESOURCES = "human_resources", _("Human resources")
    PROCESS = "process", _("Process")
    POLICY = "policy", _("Policy")


class PledgeStatus(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DISCONTINUED = "discontinued", _("Discontinued")


class PledgerRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTNER = "partner", _("Partner")


DESCRIPTION_MIN = 300
DESCRIPTION_MAX = 3000


class Pledge(models.Model):
    """One commitment, with what it addresses, who makes it and where it stands."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    kind = models.CharField(_("kind"), max_length=12, choices=PledgeKind.choices)
    type = models.CharField(_("type"), max_length=16, choices=PledgeType.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="pledges",
        verbose_name=_("entered by"),
        help_text=_("The organisation that entered the pledge; its members keep it up to date."),
    )
    matches = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matched_by",
        verbose_name=_("matches"),
        help_text=_("The pledge this one answers or matches."),
    )
    items = models.ManyToManyField(
        "framework.FrameworkItem",
        related_name="pledges",
        verbose_name=_("objectives and guiding principles"),
    )
    start_year = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year announced"))
    cycle = models.ForeignKey(
        "reviews.ReviewCycle",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pledges",
        verbose_name=_("announced at"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PledgeStatus.choices, default=PledgeStatus.ANNOUNCED
    )
    status_date = models.DateField(_("status date"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_year__isnull=True)
                | models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="pledge_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["published", "status"]),
            models.Index(fields=["published", "type"]),
            models.Index(fields=["published", "year"]),
        ]

    def __str__(self) -> str:
        return self.title


class Pledger(models.Model):
    """A State or an organisation that makes a pledge, as its lead or as a partner."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="pledgers")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="pledged"
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="pledged"
    )
    role = models.CharField(
        _("role"), max_length=8, choices=PledgerRole.choices, default=PledgerRole.LEAD
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(organisation__isnull=False, area__isnull=True)
                    | models.Q(organisation__isnull=True, area__isnull=False)
                ),
                name="pledger_state_or_organisation",
            ),
            models.UniqueConstraint(
                fields=["pledge", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="pledger_organisation_uniq",
            ),
            models.UniqueConstraint(
                fields=["pledge", "area"],
                condition=models.Q(area__isnull=False),
                name="pledger_area_uniq",
            ),
        ]

    def __str__(self) -> str:
        who = self.area_id if self.area_id else self.organisation_id
        return f"{who} {self.role} of pledge {self.pledge_id}"


class StatusUpdate(models.Model):
    """Where a pledge stood on a date, and the evidence for it."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=12, choices=PledgeStatus.choices)
    date = models.DateField(_("date"))
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")

    def __str__(self) -> str:
        return f"pledge {self.pledge_id}: {self.status} on {self.date}"

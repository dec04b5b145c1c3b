"""Countries and areas, UN regions, consultation mechanisms and who belongs to what.

A membership row is a *claim*: one source saying that an area is a member of (or an observer
in, or absent from) a mechanism. The main list the registry counts with is the set of
``primary`` claims; the other claims are kept beside it so that disagreements stay visible.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gcmhub.accounts.models import Organisation, User


class RegionLevel(models.TextChoices):
    REGION = "region", _("Region")
    SUBREGION = "subregion", _("Sub-region")
    INTERMEDIATE = "intermediate", _("Intermediate region")


class UnStatus(models.TextChoices):
    MEMBER = "member_state", _("UN Member State")
    OBSERVER = "observer_state", _("Non-member observer State")
    OTHER = "other", _("Other area")


class Vote(models.TextChoices):
    IN_FAVOUR = "in_favour", _("In favour")
    AGAINST = "against", _("Against")
    ABSTAINING = "abstaining", _("Abstaining")
    NOT_VOTING = "not_voting", _("Not voting")
    IN_FAVOUR_OR_NOT_VOTING = "in_favour_or_not_voting", _("In favour or not voting")


class MechanismType(models.TextChoices):
    RCP = "rcp", _("Regional consultative process")
    IRF = "irf", _("Inter-regional forum")
    GLOBAL = "global", _("Global process")


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")
    NOT_LISTED = "not_listed", _("Not listed")


class Certainty(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    UNCERTAIN = "uncertain", _("Uncertain")
    INFERRED = "inferred", _("Inferred")


class Origin(models.TextChoices):
    REFERENCE = "reference", _("Reference data")
    EDIT = "edit", _("Edited")
    IMPORT = "import", _("Imported")


class Region(models.Model):
    """A UN M49 geographic region, sub-region or intermediate region."""

    m49 = models.CharField(_("M49 code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["m49"]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A country or area of the M49 list (or one the mechanisms name that M49 lacks)."""

    iso3 = models.CharField(_("ISO3 code"), max_length=3, unique=True)
    iso2 = models.CharField(_("ISO2 code"), max_length=2, blank=True)
    m49 = models.CharField(_("M49 code"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=120)
    names = models.JSONField(_("names in other languages"), default=dict, blank=True)
    un_status = models.CharField(
        _("UN status"), max_length=20, choices=UnStatus.choices, default=UnStatus.OTHER
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subregion = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    intermediate_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ldc = models.BooleanField(_("least developed country"), default=False)
    lldc = models.BooleanField(_("landlocked developing country"), default=False)
    sids = models.BooleanField(_("small island developing State"), default=False)
    gcm_vote = models.CharField(
        _("vote on the GCM (A/RES/73/195)"), max_length=30, choices=Vote.choices, blank=True
    )
    in_m49 = models.BooleanField(default=True)
    notes = models.JSONField(default=list, blank=True)
    sources = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Mechanism(models.Model):
    """An inter-state consultation mechanism on migration (RCP, IRF or global process)."""

    slug = models.SlugField(max_length=60, unique=True)
    short_name = models.CharField(_("short name"), max_length=80)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    full_name = models.CharField(_("full name"), max_length=300)
    type = models.CharField(_("type"), max_length=10, choices=MechanismType.choices)
    type_claims = models.JSONField(default=list, blank=True)
    type_sources = models.JSONField(default=list, blank=True)
    established = models.PositiveSmallIntegerField(_("established"), null=True, blank=True)
    established_note = models.TextField(blank=True)
    established_sources = models.JSONField(default=list, blank=True)
    established_claims = models.JSONField(default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    secretariat = models.TextField(_("secretariat or support"), blank=True)
    secretariat_sources = models.JSONField(default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    enumerated = models.BooleanField(
        default=True, help_text=_("False when the sources give no country-by-country list.")
    )
    membership_note = models.TextField(blank=True)
    membership_certainty = models.CharField(
        max_length=10, choices=Certainty.choices, default=Certainty.CONFIRMED
    )
    membership_sources = models.JSONField(default=list, blank=True)
    membership_as_of = models.CharField(max_length=10, blank=True)
    member_count_stated = models.CharField(max_length=200, blank=True)
    notes = models.JSONField(default=list, blank=True)
    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="mechanism",
        help_text=_("Users of this organisation with the secretariat role edit the membership."),
    )
    support_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="supported_mechanisms"
    )

    class Meta:
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name


class MechanismFocus(models.Model):
    mechanism = models.ForeignKey(Mechanism, on_delete=models.CASCADE, related_name="focus")
    item = models.ForeignKey(
        "framework.FrameworkItem", on_delete=models.CASCADE, related_name="mechanisms"
    )
    basis = models.CharField(max_length=10)
    source = models.TextField(blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "item"], name="focus_mechanism_item_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.mechanism_id} works on {self.item_id}"


class Membership(models.Model):
    """One source's claim about an area's place in a mechanism."""

    mechanism = models.ForeignKey(Mechanism, on_delete=models.CASCADE, related_name="memberships")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=MembershipRole.choices)
    primary = models.BooleanField(
        _("main list"),
        default=True,
        help_text=_("Part of the list the registry counts with; other claims are kept beside."),
    )
    certainty = models.CharField(
        _("certainty"), max_length=10, choices=Certainty.choices, default=Certainty.CONFIRMED
    )
    source = models.TextField(_("source"))
    note = models.TextField(_("note"), blank=True)
    joined = models.CharField(_("joined"), max_length=10, blank=True)
    left = models.CharField(_("left"), max_length=10, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.REFERENCE)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mechanism", "area"],
                condition=models.Q(primary=True),
                name="membership_primary_uniq",
            ),
            models.UniqueConstraint(
                fields=["mechanism", "area", "source"],
                condition=models.Q(primary=False),
                name="membership_claim_uniq",
            ),
        ]
        indexes = [models.Index(fields=["area", "primary"])]

    def __str__(self) -> str:
        return f"{self.area_id} in {self.mechanism_id} ({self.role})"

    @property
    def is_current(self) -> bool:
        return self.primary and not self.left


class MembershipEvent(models.Model):
    """A sourced event in a membership's history: joining or leaving."""

    mechanism = models.ForeignKey(Mechanism, on_delete=models.CASCADE, related_name="events")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    event = models.CharField(max_length=10)
    date = models.CharField(max_length=10, blank=True)
    source = models.TextField(blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.area_id} {self.event} {self.mechanism_id} {self.date}"


class MechanismOrganisation(models.Model):
    mechanism = models.ForeignKey(Mechanism, on_delete=models.CASCADE, related_name="bodies")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12)
    source = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mechanism", "organisation"], name="mechanism_organisation_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.role} of {self.mechanism_id}"


class Affiliation(models.Model):
    """An area's membership of an organisation: a UN regional commission or an economic body."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="affiliations"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="affiliations")
    role = models.CharField(max_length=20)
    certainty = models.CharField(max_length=10, choices=Certainty.choices)
    source = models.TextField(blank=True)
    as_of = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "area"], name="affiliation_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.role} of {self.organisation_id}"


class Meeting(models.Model):
    """A meeting in a series, such as the global meetings of chairs and secretariats (GRCP)."""

    series = models.CharField(max_length=20)
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField()
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    host = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT)
    city = models.CharField(max_length=100, blank=True)
    organisers = models.JSONField(default=list, blank=True)
    theme = models.TextField(blank=True)
    certainty = models.CharField(max_length=10, choices=Certainty.choices)
    sources = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["series", "number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="meeting_series_number_uniq")
        ]

    def __str__(self) -> str:
        return self.title

"""Statistics: datasets as their publishers released them, and the observations read from them.

A ``Dataset`` is one imported file (or Open SDG folder) with its provenance: who published it,
which edition, under which licence, and the sha256 of the bytes that were read. Importing the
same bytes again changes nothing; a new edition becomes a new dataset beside the old one.

A ``Series`` is what is measured (international migrant stock, migrants dead or missing, ...),
shared by every dataset that reports it. An ``Observation`` is one value of one series in one
dataset, for one place and period, broken down by the dimensions the source gives (sex, age,
origin, and any others in ``dims``), with the source's flags and notes.

Places are coded in ``geo``: an ISO3 code for a country or area of the registry (``area`` is then
set), an M49 code for a UN region or the world ("001"), or a publisher's own code for other
groupings (``desa:1834`` for an SDG region of UN DESA, for instance), with ``geo_kind`` telling
which. Regions are also computed from their countries in the selectors, with their coverage.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gcmhub.registry.models import Area

TOTAL = "_T"
UNKNOWN = "_U"


class Source(models.TextChoices):
    MIGRANT_STOCK = "migrant_stock", _("UN DESA International Migrant Stock, by destination")
    MIGRANT_STOCK_ORIGIN = (
        "migrant_stock_origin",
        _("UN DESA International Migrant Stock, by destination and origin"),
    )
    MISSING_MIGRANTS = "missing_migrants", _("IOM Missing Migrants Project")
    OPEN_SDG = "open_sdg", _("Open SDG data repository")
    SDMX = "sdmx", _("SDMX message")
    CSV = "csv", _("CSV with a column mapping")


class GeoKind(models.TextChoices):
    AREA = "area", _("Country or area")
    OTHER_AREA = "other_area", _("Area outside the M49 list")
    REGION = "region", _("UN region")
    WORLD = "world", _("World")
    GROUP = "group", _("Publisher's grouping")


class Sex(models.TextChoices):
    TOTAL = TOTAL, _("Both sexes")
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Dataset(models.Model):
    """One imported release of a publisher's data, and where it came from."""

    slug = models.SlugField(max_length=120, unique=True)
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    publisher = models.CharField(_("publisher"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    edition = models.CharField(_("edition"), max_length=60)
    licence = models.CharField(_("licence"), max_length=120)
    licence_url = models.URLField(_("licence URL"), blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    citation = models.TextField(_("citation"))
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    importer_version = models.CharField(_("importer version"), max_length=20)
    imported_at = models.DateTimeField(_("imported at"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    observation_count = models.PositiveIntegerField(_("observations"), default=0)
    record_count = models.PositiveIntegerField(_("records"), default=0)
    series_codes = models.JSONField(_("series"), default=list, blank=True)
    groups = models.JSONField(
        _("publisher's groupings"),
        default=dict,
        blank=True,
        help_text="Names of the publisher's own geographic codes, by code.",
    )
    notes = models.JSONField(_("notes"), default=list, blank=True)

    class Meta:
        ordering = ("source", "-edition")
        verbose_name = _("dataset")

    def __str__(self) -> str:
        return f"{self.title} ({self.edition})"


class Series(models.Model):
    """What is measured, in which unit; shared across datasets and editions."""

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=60)
    definition = models.TextField(_("definition"), blank=True)
    sdg_indicator = models.CharField(_("SDG indicator"), max_length=12, blank=True)
    dimensions = models.JSONField(_("dimensions"), default=list, blank=True)
    decimals = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("code",)
        verbose_name_plural = _("series")

    def __str__(self) -> str:
        return self.name


class Observation(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="observations")
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="observations")
    geo = models.CharField(max_length=16)
    geo_kind = models.CharField(max_length=10, choices=GeoKind.choices)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period = models.CharField(max_length=32)
    year = models.SmallIntegerField()
    value = models.FloatField()
    sex = models.CharField(max_length=3, default=TOTAL)
    age = models.CharField(max_length=24, default=TOTAL)
    counterpart = models.CharField(
        max_length=16, default=TOTAL, help_text="Origin of the migrants, for stocks by destination."
    )
    dims = models.JSONField(default=dict, blank=True)
    dims_key = models.CharField(max_length=300, default="", blank=True)
    flags = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=(
                    "dataset",
                    "series",
                    "geo",
                    "period",
                    "sex",
                    "age",
                    "counterpart",
                    "dims_key",
                ),
                name="statistics_observation_key",
            )
        ]
        indexes = [
            models.Index(fields=("series", "area", "dataset"), name="stat_obs_series_area"),
            models.Index(fields=("series", "counterpart", "dataset"), name="stat_obs_series_cp"),
            models.Index(fields=("dataset", "series", "year"), name="stat_obs_dataset_year"),
        ]

    def __str__(self) -> str:
        return f"{self.geo} {self.period} {self.value}"


class Incident(models.Model):
    """One record of the IOM Missing Migrants Project, kept as the source gives it."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="incidents")
    main_id = models.CharField(max_length=40)
    incident_id = models.CharField(max_length=400, blank=True)
    incident_type = models.CharField(max_length=80, blank=True)
    region = models.CharField(_("region of incident"), max_length=80, blank=True)
    date = models.DateField(null=True, blank=True)
    year = models.SmallIntegerField()
    month = models.CharField(max_length=12, blank=True)
    dead = models.IntegerField(null=True, blank=True)
    missing = models.IntegerField(null=True, blank=True)
    dead_and_missing = models.IntegerField(default=0)
    survivors = models.IntegerField(null=True, blank=True)
    females = models.IntegerField(null=True, blank=True)
    males = models.IntegerField(null=True, blank=True)
    children = models.IntegerField(null=True, blank=True)
    origin = models.CharField(_("country of origin"), max_length=300, blank=True)
    origin_codes = models.CharField(max_length=200, blank=True)
    region_of_origin = models.CharField(max_length=200, blank=True)
    cause = models.CharField(_("cause of death"), max_length=200, blank=True)
    country = models.CharField(_("country of incident"), max_length=120, blank=True)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    route = models.CharField(_("migration route"), max_length=120, blank=True)
    location = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    unsd_grouping = models.CharField(max_length=120, blank=True)
    information_source = models.TextField(blank=True)
    url = models.TextField(blank=True)
    source_quality = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("dataset", "main_id"), name="statistics_incident_key")
        ]
        indexes = [models.Index(fields=("dataset", "area", "year"), name="stat_inc_area_year")]

    def __str__(self) -> str:
        return f"{self.main_id} ({self.date or self.year})"


class PolicyAssessment(models.Model):
    """SDG indicator 10.7.2 for one country and year: the 30 answers and what they score."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    year = models.SmallIntegerField(_("year"))
    answers = models.JSONField(_("answers"), default=dict)
    domain_scores = models.JSONField(_("domain scores"), default=dict)
    overall = models.FloatField(_("overall score"))
    level = models.PositiveSmallIntegerField(_("level"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("area", "year"), name="statistics_assessment_key")
        ]
        ordering = ("area__name", "-year")

    def __str__(self) -> str:
        return f"{self.area_id} {self.year}"

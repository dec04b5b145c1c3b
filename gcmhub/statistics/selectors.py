"""Reading statistics: datasets, series, a selection of observations, country, corridor and
region views. Pages, the JSON API and the exports call the same functions.

Which dataset a view reads: the one asked for (``dataset=<slug>``), else the default for the
series, which is the newest edition that reports it (among equal editions, the one with the
most observations: the full workbook before a dump of one of its tables). Every other dataset
reporting the series is offered beside it, so earlier editions stay one click away.

Regions are computed from their countries (``in_region``): the sum over the countries that have
a value, with the coverage (how many of the region's countries and areas have one). Where the
publisher gives its own figure for the region, it is shown beside the computed one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from gcmhub.common.errors import InvalidInput, NotFound
from gcmhub.registry.models import Area, Region
from gcmhub.registry.selectors import BOUNDARY_DISCLAIMER, in_region
from gcmhub.statistics.models import (
    TOTAL,
    UNKNOWN,
    Dataset,
    GeoKind,
    Incident,
    Observation,
    Series,
    Source,
)

API_URL = "/api/v1/statistics"
STOCK = "migrant-stock"
SHARE = "migrant-stock-share"
DEAD_MISSING = "missing-migrants-dead-missing"
MAX_ROWS = 50_000
SEX_LABELS = {TOTAL: _("Both sexes"), "F": _("Female"), "M": _("Male")}
EXPORT_COLUMNS = [
    ("series", "series"),
    ("series_name", "series_name"),
    ("geo", "geo"),
    ("geo_name", "geo_name"),
    ("period", "period"),
    ("value", "value"),
    ("unit", "unit"),
    ("sex", "sex"),
    ("age", "age"),
    ("counterpart", "origin"),
    ("dims", "dimensions"),
    ("flags", "flags"),
    ("note", "note"),
    ("dataset", "dataset"),
    ("citation", "citation"),
    ("licence", "licence"),
]


def disclaimer() -> str:
    return _(BOUNDARY_DISCLAIMER)


# --- datasets and series ------------------------------------------------------------------


def _dataset_dict(d: Dataset) -> dict[str, Any]:
    return {
        "slug": d.slug,
        "source": d.source,
        "source_label": Source(d.source).label,
        "publisher": d.publisher,
        "title": d.title,
        "edition": d.edition,
        "licence": d.licence,
        "licence_url": d.licence_url,
        "source_url": d.source_url,
        "citation": d.citation,
        "file_name": d.file_name,
        "sha256": d.sha256,
        "importer_version": d.importer_version,
        "imported_at": d.imported_at,
        "rows_read": d.rows_read,
        "observations": d.observation_count,
        "records": d.record_count,
        "notes": d.notes,
        "url": reverse("statistics:dataset", args=[d.slug]),
    }


def dataset_list() -> list[dict[str, Any]]:
    return [_dataset_dict(d) for d in Dataset.objects.order_by("source", "-edition", "slug")]


def dataset_detail(slug: str) -> dict[str, Any]:
    d = Dataset.objects.filter(slug=slug).first()
    if d is None:
        raise NotFound(_("No dataset %(slug)s.") % {"slug": slug})
    data = _dataset_dict(d)
    counts = dict(
        Observation.objects.filter(dataset=d)
        .values("series")
        .annotate(n=Count("id"))
        .values_list("series", "n")
    )
    data["series"] = [
        {**_series_ref(s), "observations": counts[s.pk]}
        for s in Series.objects.filter(pk__in=list(counts)).order_by("pk")
    ]
    data["groups"] = d.groups
    return data


def _series_ref(s: Series) -> dict[str, Any]:
    return {
        "code": s.code,
        "name": s.name,
        "unit": s.unit,
        "sdg_indicator": s.sdg_indicator,
        "url": reverse("statistics:series", args=[s.code]),
    }


def _all_datasets() -> list[Dataset]:
    """Newest edition first; within an edition, totals before breakdowns by origin, then the
    fuller file (a workbook before a dump of one of its tables)."""
    rows = list(Dataset.objects.order_by("slug"))
    rows.sort(key=lambda d: (d.source == Source.MIGRANT_STOCK_ORIGIN, -d.observation_count))
    rows.sort(key=lambda d: d.edition, reverse=True)
    return rows


def number(value: float | None) -> float | int | None:
    """Whole numbers as integers, so that exports read 9188, not 9188.0."""
    if value is not None and float(value).is_integer():
        return int(value)
    return value


def series_list() -> list[dict[str, Any]]:
    """Every series some dataset reports, with those datasets (newest edition first)."""
    datasets = _all_datasets()
    out = []
    for s in Series.objects.order_by("code"):
        slugs = [d.slug for d in datasets if s.code in d.series_codes]
        if slugs:
            out.append({**_series_ref(s), "definition": s.definition, "datasets": slugs})
    return out


def _series(code: str) -> Series:
    s = Series.objects.filter(code=code).first()
    if s is None:
        raise NotFound(_("No series %(code)s.") % {"code": code})
    return s


def _datasets_for(series: Series, sources: tuple[str, ...] = ()) -> list[Dataset]:
    return [
        d
        for d in _all_datasets()
        if series.code in d.series_codes and (not sources or d.source in sources)
    ]


def _pick(datasets: list[Dataset], slug: str | None) -> Dataset | None:
    if slug:
        for d in datasets:
            if d.slug == slug:
                return d
        raise NotFound(_("No dataset %(slug)s for this series.") % {"slug": slug})
    return datasets[0] if datasets else None


def _geo_names(codes: set[str], dataset: Dataset | None = None) -> dict[str, str]:
    names: dict[str, str] = {"001": _("World"), UNKNOWN: _("Unknown origin")}
    iso3 = [c for c in codes if len(c) == 3 and c.isalpha()]
    for code, name in Area.objects.filter(iso3__in=iso3).values_list("iso3", "name"):
        names[code] = name
    m49 = [c for c in codes if c.isdigit()]
    for code, name in Region.objects.filter(m49__in=m49).values_list("m49", "name"):
        names.setdefault(code, name)
    from gcmhub.statistics.places import reference

    for code, entry in reference()["other_areas"].items():
        names.setdefault(code, entry["name"])
    if dataset is not None:
        for code, name in dataset.groups.items():
            names.setdefault(code, name)
    return names


# --- a selection of observations ----------------------------------------------------------


@dataclass
class Selection:
    """Which observations of a series to read: place, breakdowns, periods."""

    dataset: str = ""
    geo: list[str] = field(default_factory=list)
    sex: str = ""
    age: str = ""
    counterpart: str = ""
    dims: dict[str, str] = field(default_factory=dict)
    start: int | None = None
    end: int | None = None

    @classmethod
    def from_params(cls, params: QueryDict | dict[str, Any]) -> Selection:
        def get(key: str) -> str:
            value = params.get(key, "")
            return str(value).strip() if value is not None else ""

        def year(key: str) -> int | None:
            raw = get(key)
            if not raw:
                return None
            if not raw.isdigit():
                raise InvalidInput(_("%(key)s must be a year.") % {"key": key})
            return int(raw)

        geo = [
            g.strip().upper() if len(g.strip()) == 3 and g.strip().isalpha() else g.strip()
            for g in get("geo").split(",")
            if g.strip()
        ]
        dims = {
            key[4:]: str(value)
            for key, value in params.items()
            if key.startswith("dim.") and str(value).strip()
        }
        return cls(
            dataset=get("dataset"),
            geo=geo,
            sex=get("sex"),
            age=get("age"),
            counterpart=get("origin") or get("counterpart"),
            dims=dims,
            start=year("from"),
            end=year("to"),
        )

    def params(self) -> dict[str, str]:
        out = {
            "dataset": self.dataset,
            "geo": ",".join(self.geo),
            "sex": self.sex,
            "age": self.age,
            "origin": self.counterpart,
            "from": str(self.start or ""),
            "to": str(self.end or ""),
        }
        out.update({f"dim.{k}": v for k, v in self.dims.items()})
        return {k: v for k, v in out.items() if v}

    def filter(self) -> Q:
        q = Q()
        if self.geo:
            q &= Q(geo__in=self.geo)
        if self.sex:
            q &= Q(sex=self.sex)
        if self.age:
            q &= Q(age=self.age)
        if self.counterpart:
            q &= Q(counterpart=self.counterpart.upper())
        for key, value in self.dims.items():
            q &= Q(**{f"dims__{key}": value})
        if self.start is not None:
            q &= Q(year__gte=self.start)
        if self.end is not None:
            q &= Q(year__lte=self.end)
        return q


def _obs_dict(o: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {
        "geo": o["geo"],
        "geo_name": names.get(o["geo"], o["geo"]),
        "geo_kind": o["geo_kind"],
        "period": o["period"],
        "year": o["year"],
        "value": number(o["value"]),
        "sex": o["sex"],
        "age": o["age"],
        "counterpart": o["counterpart"],
        "dims": o["dims"],
        "flags": o["flags"],
        "note": o["note"],
    }


OBS_FIELDS = (
    "geo",
    "geo_kind",
    "period",
    "year",
    "value",
    "sex",
    "age",
    "counterpart",
    "dims",
    "flags",
    "note",
)


def observations(code: str, selection: Selection, *, limit: int = MAX_ROWS) -> dict[str, Any]:
    """One series' observations in one dataset, filtered by ``selection``, with provenance."""
    series = _series(code)
    datasets = _datasets_for(series)
    dataset = _pick(datasets, selection.dataset)
    rows: list[dict[str, Any]] = []
    truncated = False
    if dataset is not None:
        qs = (
            Observation.objects.filter(dataset=dataset, series=series)
            .filter(selection.filter())
            .order_by("geo", "year", "period", "sex", "age", "counterpart", "dims_key")
            .values(*OBS_FIELDS)
        )
        raw = list(qs[: limit + 1])
        truncated = len(raw) > limit
        raw = raw[:limit]
        names = _geo_names({r["geo"] for r in raw} | {r["counterpart"] for r in raw}, dataset)
        rows = [_obs_dict(r, names) for r in raw]
        for r in rows:
            r["counterpart_name"] = names.get(r["counterpart"], r["counterpart"])
    return {
        "series": {
            **_series_ref(series),
            "definition": series.definition,
            "dimensions": series.dimensions,
            "decimals": series.decimals,
        },
        "dataset": _dataset_dict(dataset) if dataset else None,
        "datasets": [{"slug": d.slug, "title": d.title, "edition": d.edition} for d in datasets],
        "selection": selection.params(),
        "count": len(rows),
        "truncated": truncated,
        "observations": rows,
    }


def export_rows(codes: list[str], selection: Selection) -> list[dict[str, Any]]:
    """Rows for the CSV/XLSX/JSON/SDMX-CSV exports: each with its series, dataset and citation."""
    out: list[dict[str, Any]] = []
    for code in codes:
        data = observations(code, selection)
        dataset = data["dataset"]
        if dataset is None:
            continue
        series = data["series"]
        for o in data["observations"]:
            out.append(
                {
                    **o,
                    "series": series["code"],
                    "series_name": series["name"],
                    "unit": series["unit"],
                    "dataset": f"{dataset['title']} ({dataset['edition']})",
                    "dataflow": dataset["slug"],
                    "citation": dataset["citation"],
                    "licence": dataset["licence"],
                }
            )
    return out


def dimension_options(code: str, dataset_slug: str = "") -> dict[str, Any]:
    """What the pickers of an indicator page offer: places, sexes, ages, origins, other dims."""
    series = _series(code)
    dataset = _pick(_datasets_for(series), dataset_slug)
    if dataset is None:
        return {"geo": [], "sex": [], "age": [], "dims": {}}
    qs = Observation.objects.filter(dataset=dataset, series=series)
    geos = set(qs.values_list("geo", flat=True).distinct())
    names = _geo_names(geos, dataset)
    dims: dict[str, set[str]] = defaultdict(set)
    for key in qs.values_list("dims_key", flat=True).distinct()[:2000]:
        for part in filter(None, key.split("|")):
            k, _sep, v = part.partition("=")
            dims[k].add(v)
    return {
        "geo": sorted(
            ({"code": g, "name": names.get(g, g)} for g in geos),
            key=lambda x: (x["code"] != "001", x["name"]),
        ),
        "sex": sorted(set(qs.values_list("sex", flat=True).distinct())),
        "age": sorted(set(qs.values_list("age", flat=True).distinct())),
        "dims": {k: sorted(v) for k, v in sorted(dims.items())},
    }


def latest_map(code: str, selection: Selection) -> dict[str, Any]:
    """The latest period's value for every country, for the world map of an indicator page."""
    series = _series(code)
    dataset = _pick(_datasets_for(series), selection.dataset)
    if dataset is None:
        return {"period": None, "areas": []}
    base = Selection(**{**selection.__dict__, "geo": []})
    qs = Observation.objects.filter(dataset=dataset, series=series, geo_kind=GeoKind.AREA).filter(
        base.filter()
    )
    if not base.sex:
        qs = qs.filter(sex=TOTAL)
    if not base.counterpart:
        qs = qs.filter(counterpart=TOTAL)
    latest = qs.aggregate(y=Max("year"))["y"]
    if latest is None:
        return {"period": None, "areas": []}
    rows = (
        qs.filter(year=latest)
        .values("area__iso3", "area__m49", "area__name")
        .annotate(value=Sum("value"))
        .order_by("area__name")
    )
    return {
        "period": latest,
        "areas": [
            {
                "iso3": r["area__iso3"],
                "m49": r["area__m49"],
                "name": r["area__name"],
                "value": r["value"],
            }
            for r in rows
        ],
    }


# --- the country profile ------------------------------------------------------------------


def _default(code: str, sources: tuple[str, ...]) -> tuple[Series | None, Dataset | None]:
    series = Series.objects.filter(code=code).first()
    if series is None:
        return None, None
    datasets = _datasets_for(series, sources)
    return series, (datasets[0] if datasets else None)


def _by_year_sex(rows: Any) -> list[dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for period, year, sex, value in rows:
        entry = table.setdefault(period, {"period": period, "year": year})
        entry[sex] = number(value)
    return sorted(table.values(), key=lambda r: (r["year"], r["period"]))


def _citation(d: Dataset | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "slug": d.slug,
        "title": d.title,
        "edition": d.edition,
        "citation": d.citation,
        "licence": d.licence,
        "licence_url": d.licence_url,
        "url": reverse("statistics:dataset", args=[d.slug]),
    }


def country_profile(iso3: str, *, top: int = 10) -> dict[str, Any]:
    """Migration statistics for one country or area, from the default dataset of each series."""
    area = Area.objects.filter(iso3=iso3.upper()).first()
    if area is None:
        raise NotFound(_("No country or area with code %(code)s.") % {"code": iso3})
    stock, totals = _default(STOCK, (Source.MIGRANT_STOCK,))
    _share, share_ds = _default(SHARE, (Source.MIGRANT_STOCK,))
    _s, origin_ds = _default(STOCK, (Source.MIGRANT_STOCK_ORIGIN,))
    immigrants: list[dict[str, Any]] = []
    share: list[dict[str, Any]] = []
    emigrants: list[dict[str, Any]] = []
    origins: list[dict[str, Any]] = []
    destinations: list[dict[str, Any]] = []
    corridor_year = None
    if totals is not None and stock is not None:
        immigrants = _by_year_sex(
            Observation.objects.filter(dataset=totals, series=stock, area=area, counterpart=TOTAL)
            .order_by("year")
            .values_list("period", "year", "sex", "value")
        )
    if share_ds is not None and _share is not None:
        share = _by_year_sex(
            Observation.objects.filter(dataset=share_ds, series=_share, area=area)
            .order_by("year")
            .values_list("period", "year", "sex", "value")
        )
    if origin_ds is not None and stock is not None:
        by_origin = Observation.objects.filter(dataset=origin_ds, series=stock)
        sums = (
            by_origin.filter(counterpart=area.iso3)
            .values("period", "year", "sex")
            .annotate(v=Sum("value"))
            .order_by("year")
        )
        emigrants = _by_year_sex((r["period"], r["year"], r["sex"], r["v"]) for r in sums)
        for r in emigrants:
            if "F" in r and "M" in r:
                r[TOTAL] = r["F"] + r["M"]
        corridor_year = by_origin.aggregate(y=Max("year"))["y"]
        if corridor_year is not None:
            top_in = list(
                by_origin.filter(geo=area.iso3, year=corridor_year)
                .values("counterpart")
                .annotate(v=Sum("value"))
                .order_by("-v", "counterpart")[:top]
            )
            top_out = list(
                by_origin.filter(counterpart=area.iso3, year=corridor_year)
                .values("geo")
                .annotate(v=Sum("value"))
                .order_by("-v", "geo")[:top]
            )
            names = _geo_names({r["counterpart"] for r in top_in} | {r["geo"] for r in top_out})
            origins = [
                {
                    "code": r["counterpart"],
                    "name": names.get(r["counterpart"], r["counterpart"]),
                    "value": r["v"],
                    "url": corridor_url(r["counterpart"], area.iso3),
                }
                for r in top_in
            ]
            destinations = [
                {
                    "code": r["geo"],
                    "name": names.get(r["geo"], r["geo"]),
                    "value": r["v"],
                    "url": corridor_url(area.iso3, r["geo"]),
                }
                for r in top_out
            ]
    missing = _missing_for(Q(area=area))
    policy = None
    try:
        from gcmhub.statistics.policy_selectors import country_result
    except ImportError:  # pragma: no cover - the 10.7.2 part is optional
        country_result = None  # type: ignore[assignment]
    if country_result is not None:
        policy = country_result(area)
    return {
        "area": {"iso3": area.iso3, "m49": area.m49, "name": area.name},
        "immigrants": immigrants,
        "immigrants_source": _citation(totals),
        "share": share,
        "share_source": _citation(share_ds),
        "emigrants": emigrants,
        "emigrants_source": _citation(origin_ds),
        "corridor_year": corridor_year,
        "top_origins": origins,
        "top_destinations": destinations,
        "missing_migrants": missing,
        "policy": policy,
        "sexes": [{"code": k, "label": v} for k, v in SEX_LABELS.items()],
        "urls": {
            "page": reverse("statistics:country", args=[area.iso3]),
            "json": f"{API_URL}/countries/{area.iso3}",
            "csv": reverse("statistics:country", args=[area.iso3]) + "?format=csv",
        },
        "disclaimer": disclaimer(),
    }


def _missing_for(where: Q) -> dict[str, Any] | None:
    dataset = (
        Dataset.objects.filter(source=Source.MISSING_MIGRANTS).order_by("-edition", "slug").first()
    )
    if dataset is None:
        return None
    qs = Incident.objects.filter(where, dataset=dataset)
    by_year = list(
        qs.values("year")
        .annotate(incidents=Count("id"), dead_and_missing=Sum("dead_and_missing"))
        .order_by("year")
    )
    by_route = list(
        qs.values("route")
        .annotate(incidents=Count("id"), dead_and_missing=Sum("dead_and_missing"))
        .order_by("-dead_and_missing", "route")
    )
    for r in by_route:
        r["route"] = r["route"] or _("No route recorded")
    return {"source": _citation(dataset), "by_year": by_year, "by_route": by_route}


def country_rows(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """The profile's immigrant and emigrant stock as one table, for its CSV export."""
    rows = []
    for key, label in (("immigrants", "immigrant stock"), ("emigrants", "emigrant stock")):
        for r in profile[key]:
            for sex in (TOTAL, "F", "M"):
                if sex in r:
                    rows.append(
                        {"measure": label, "period": r["period"], "sex": sex, "value": r[sex]}
                    )
    return rows


COUNTRY_COLUMNS = [("measure", "measure"), ("period", "period"), ("sex", "sex"), ("value", "value")]


# --- corridors ----------------------------------------------------------------------------


def corridor_url(origin: str, destination: str) -> str:
    return reverse("statistics:corridor", args=[origin, destination])


def corridor(origin: str, destination: str, *, dataset: str = "") -> dict[str, Any]:
    """Migrants born in (or citizens of) ``origin`` living in ``destination``, over time."""
    origin, destination = origin.upper(), destination.upper()
    stock = Series.objects.filter(code=STOCK).first()
    datasets = _datasets_for(stock, (Source.MIGRANT_STOCK_ORIGIN,)) if stock else []
    chosen = _pick(datasets, dataset)
    names = _geo_names({origin, destination})
    for code in (origin, destination):
        if code not in names and code != UNKNOWN:
            raise NotFound(_("No country or area with code %(code)s.") % {"code": code})
    rows: list[dict[str, Any]] = []
    if chosen is not None:
        rows = _by_year_sex(
            Observation.objects.filter(
                dataset=chosen, series=stock, geo=destination, counterpart=origin
            )
            .order_by("year")
            .values_list("period", "year", "sex", "value")
        )
        for r in rows:
            if "F" in r and "M" in r:
                r[TOTAL] = r["F"] + r["M"]
    return {
        "origin": {"code": origin, "name": names.get(origin, origin)},
        "destination": {"code": destination, "name": names.get(destination, destination)},
        "rows": rows,
        "dataset": _citation(chosen),
        "datasets": [{"slug": d.slug, "edition": d.edition} for d in datasets],
        "reverse_url": corridor_url(destination, origin),
        "urls": {
            "page": corridor_url(origin, destination),
            "json": f"{API_URL}/corridors/{origin}/{destination}",
            "csv": corridor_url(origin, destination) + "?format=csv",
        },
    }


def corridor_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "origin": data["origin"]["code"],
            "destination": data["destination"]["code"],
            "period": r["period"],
            "sex": sex,
            "value": r[sex],
        }
        for r in data["rows"]
        for sex in (TOTAL, "F", "M")
        if sex in r
    ]


CORRIDOR_COLUMNS = [
    ("origin", "origin"),
    ("destination", "destination"),
    ("period", "period"),
    ("sex", "sex"),
    ("value", "value"),
]


# --- regions ------------------------------------------------------------------------------


def region_list() -> list[dict[str, Any]]:
    return [
        {
            "m49": r.m49,
            "name": r.name,
            "level": r.level,
            "url": reverse("statistics:region", args=[r.m49]),
        }
        for r in Region.objects.order_by("level", "name")
    ]


def region_view(m49: str) -> dict[str, Any]:
    """A UN region's migrant stock computed from its countries, with coverage, and the
    publisher's own figure beside it where there is one; missing migrants in the region."""
    region = Region.objects.filter(m49=m49).first()
    if region is None and m49 != "001":
        raise NotFound(_("No UN region with code %(code)s.") % {"code": m49})
    members = Area.objects.filter(in_region(m49)) if region else Area.objects.all()
    member_count = members.count()
    stock, totals = _default(STOCK, (Source.MIGRANT_STOCK,))
    rows: list[dict[str, Any]] = []
    if totals is not None and stock is not None:
        qs = Observation.objects.filter(dataset=totals, series=stock, counterpart=TOTAL)
        computed = (
            qs.filter(area__in=members)
            .values("period", "year", "sex")
            .annotate(v=Sum("value"), n=Count("area", distinct=True))
            .order_by("year")
        )
        published = {
            (r["period"], r["sex"]): r["value"]
            for r in qs.filter(geo=m49).values("period", "sex", "value")
        }
        table: dict[str, dict[str, Any]] = {}
        for r in computed:
            entry = table.setdefault(
                r["period"], {"period": r["period"], "year": r["year"], "coverage": 0}
            )
            entry[r["sex"]] = r["v"]
            entry[f"published_{r['sex']}"] = published.get((r["period"], r["sex"]))
            if r["sex"] == TOTAL:
                entry["coverage"] = r["n"]
        rows = sorted(table.values(), key=lambda e: e["year"])
    missing = _missing_for(Q(area__in=members))
    return {
        "region": {
            "m49": m49,
            "name": region.name if region else _("World"),
            "level": region.level if region else "world",
        },
        "member_count": member_count,
        "stock": rows,
        "stock_source": _citation(totals),
        "missing_migrants": missing,
        "countries": [
            {"iso3": a.iso3, "name": a.name, "url": reverse("statistics:country", args=[a.iso3])}
            for a in members.order_by("name")
        ],
        "urls": {
            "page": reverse("statistics:region", args=[m49]),
            "json": f"{API_URL}/regions/{m49}",
        },
    }


# --- the registry's country profile section -----------------------------------------------


def stock_summary(area: Area) -> dict[str, Any] | None:
    """Immigrant stock by year and sex, for the section the registry's profile shows."""
    stock, totals = _default(STOCK, (Source.MIGRANT_STOCK,))
    if totals is None or stock is None:
        return None
    rows = _by_year_sex(
        Observation.objects.filter(dataset=totals, series=stock, area=area, counterpart=TOTAL)
        .order_by("year")
        .values_list("period", "year", "sex", "value")
    )
    if not rows:
        return None
    return {"rows": rows, "source": _citation(totals)}

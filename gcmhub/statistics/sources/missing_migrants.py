"""IOM Missing Migrants Project: the export "Missing Migrants Global Figures - all data".

The Missing Migrants Project (MMP) of the International Organization for Migration records
people who died or went missing in the process of migration towards an international
destination (SDG indicator 10.7.3). Its download is one table of incidents, one per row, as an
xlsx workbook (sheet "Worksheet") or a CSV dump of the same cells, with 25 columns found here by
their header text, in any order. Columns beyond those 25 are ignored and named in the notes.

Each row is kept as an ``Incident`` record, with its text as IOM wrote it. The dead and missing
are also summed into series by year, country of incident, region of incident, migration route
and cause of death (see ``SERIES``); sums over these observations give IOM's totals.

Deliberate handling of the export's special values:

- Counts are stored as floats in the workbook (``1.0``); an empty count is unknown and stays
  None, never zero. "Total Number of Dead and Missing" is kept as given; when it is empty, it
  is the dead plus the missing, an unknown count adding nothing (as IOM's own total does).
- The missing and the survivors can be negative: IOM's way of correcting an earlier record
  (people first counted missing, later found dead and counted with this incident; survivors
  who died later). They are kept and summed as given, as IOM's own totals do; a negative
  number in the other count columns is a problem.
- "Source Quality" can list several grades (``"4,5"``: several sources of different kinds). The
  record keeps the highest grade, the best source the incident rests on, and the notes count
  them. Any other text in a count or grade cell is a problem.
- The export leaves a few incidents without date, year or month. Their year is read from the
  date when there is one, otherwise from the year that starts their Main ID (``2020.MMP01074``);
  the notes count them. A year that disagrees with the date is a problem.
- A few Main IDs start with a byte order mark (U+FEFF) left by the export; it is removed.
- "Incident ID" of a split incident lists the IDs of its parts, comma separated; kept as is.
- Compound values (``"Incident,Split Incident"``, two regions, causes or routes in one cell) and
  region-of-origin labels ending in "(P)" (presumed) are kept exactly as written, also as
  dimension labels of the observations; the notes count them.
- "Country of Incident" is read by name (registry names and ``reference/places.yaml``
  aliases). A name listed under ``no_country`` there ("Unknown", "Mixed", ...) and a list of
  several known countries tie the incident to no single country: its observations use the
  place ``_Z`` (a grouping: no single country of incident, such as deaths at sea or in border
  areas). Any other name is a problem.
- "Country of Origin" is free text, possibly a comma-separated list: the names that are known
  countries are coded (ISO3, space separated, in ``origin_codes``); "Unknown", "Mixed" and names
  not recognised are not coded (the latter are named in the notes). The text is kept as written.
- An empty route or cause is the dimension label "Not given" in the observations, the record
  keeps the empty text.
- "Coordinates" is one ``"lat, lon"`` text; empty is fine, anything else that is not two numbers
  in range is a problem.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gcmhub.common.errors import InvalidInput
from gcmhub.statistics.models import GeoKind, Incident, Source
from gcmhub.statistics.places import Place, Places, fold, reference
from gcmhub.statistics.sources.base import (
    DatasetMeta,
    Obs,
    Parsed,
    Problems,
    Progress,
    SeriesDef,
    dims_key,
    dims_tuple,
    is_blank,
    number,
    require_file,
    sha256_of,
    text,
    workbook_rows,
)

MAX_BYTES = 100 * 1024 * 1024
SHEET = "Worksheet"
PUBLISHER = "International Organization for Migration (IOM), Missing Migrants Project"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
SOURCE_URL = "https://missingmigrants.iom.int/downloads"
NO_COUNTRY_GEO = "_Z"
NO_COUNTRY_NAME = "No single country of incident (at sea, in border areas, several countries)"
NOT_GIVEN = "Not given"
PROGRESS_EVERY = 5000
DIMS_KEY_MAX = 300

# The export's columns, as its header writes them, and the Incident field each one fills.
COLUMNS = {
    "Main ID": "main_id",
    "Incident ID": "incident_id",
    "Incident Type": "incident_type",
    "Region of Incident": "region",
    "Incident Date": "date",
    "Incident Year": "year",
    "Month": "month",
    "Number of Dead": "dead",
    "Minimum Estimated Number of Missing": "missing",
    "Total Number of Dead and Missing": "dead_and_missing",
    "Number of Survivors": "survivors",
    "Number of Females": "females",
    "Number of Males": "males",
    "Number of Children": "children",
    "Country of Origin": "origin",
    "Region of Origin": "region_of_origin",
    "Cause of Death": "cause",
    "Country of Incident": "country",
    "Migration Route": "route",
    "Location of Incident": "location",
    "Coordinates": "coordinates",
    "UNSD Geographical Grouping": "unsd_grouping",
    "Information Source": "information_source",
    "URL": "url",
    "Source Quality": "source_quality",
}
COUNTS = (
    "Number of Dead", "Minimum Estimated Number of Missing", "Total Number of Dead and Missing",
    "Number of Survivors", "Number of Females", "Number of Males", "Number of Children",
)  # fmt: skip
TEXTS = (
    "Incident ID", "Incident Type", "Region of Incident", "Month", "Country of Origin",
    "Region of Origin", "Cause of Death", "Country of Incident", "Migration Route",
    "Location of Incident", "UNSD Geographical Grouping", "Information Source", "URL",
)  # fmt: skip
# Counts that may be negative: IOM corrects an earlier record this way (people first counted
# missing, then found dead and counted with this incident; survivors who died later).
SIGNED = frozenset({"Minimum Estimated Number of Missing", "Number of Survivors"})

DEAD_MISSING = SeriesDef(
    code="missing-migrants-dead-missing",
    name="Migrants recorded dead or missing",
    unit="persons",
    definition=(
        "People who lost their lives or disappeared while migrating towards an international "
        "destination, whatever their legal status, as recorded incident by incident by IOM's "
        "Missing Migrants Project: the dead whose bodies were found plus the lowest estimate "
        "of those missing and presumed dead. Deaths in camps, detention or after arrival are "
        "outside its scope. Counted where the incident happened."
    ),
    sdg_indicator="10.7.3",
    dimensions=("cause", "region", "route"),
)
INCIDENTS = SeriesDef(
    code="missing-migrants-incidents",
    name="Incidents in which migrants died or went missing",
    unit="incidents",
    definition=(
        "Number of incident records of IOM's Missing Migrants Project: one event in which one "
        "or more migrants died or went missing (split and cumulative records counting as one "
        "each, as the export lists them)."
    ),
    dimensions=("cause", "region", "route"),
)
DEAD = SeriesDef(
    code="missing-migrants-dead",
    name="Migrants recorded dead",
    unit="persons",
    definition=(
        "Migrants whose death was recorded by IOM's Missing Migrants Project (bodies found). "
        "Incidents where the number is not known are left out of the sum."
    ),
    dimensions=("cause", "region", "route"),
)
MISSING = SeriesDef(
    code="missing-migrants-missing",
    name="Migrants recorded missing",
    unit="persons",
    definition=(
        "The lowest estimate of migrants missing and presumed dead (bodies not found), as "
        "recorded by IOM's Missing Migrants Project. Incidents without such an estimate are "
        "left out of the sum."
    ),
    dimensions=("cause", "region", "route"),
)
SERIES = (DEAD_MISSING, INCIDENTS, DEAD, MISSING)

_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.0*)?$")
_GRADES = re.compile(r"^\d+(\.0*)?(\s*,\s*\d+(\.0*)?)+$")
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
_ID_YEAR = re.compile(r"^(\d{4})\.")
_INVISIBLE = "\ufeff\u200b\u200e\u200f"
# IOM joins several values in one cell with a bare comma ("Drowning,Violence"); a comma within
# one value is followed by a space ("lack of adequate shelter, food, water").
_LIST = re.compile(r",\S")
_LISTED = ("Region of Incident", "Migration Route", "Cause of Death")


def _meta(edition: str) -> DatasetMeta:
    return DatasetMeta(
        slug=f"iom-mmp-{edition}",
        source=Source.MISSING_MIGRANTS,
        publisher=PUBLISHER,
        title="IOM Missing Migrants Project: global figures, all incidents",
        edition=edition,
        licence=LICENCE,
        licence_url=LICENCE_URL,
        source_url=SOURCE_URL,
        citation=(
            f"IOM's Missing Migrants Project, International Organization for Migration. "
            f"Missing Migrants Global Figures, all data (incidents up to {edition}). "
            f"{SOURCE_URL}. Licensed under CC BY 4.0; imported into gcmhub as published, "
            "with the changes listed in the dataset notes."
        ),
    )


# --- reading cells ------------------------------------------------------------------------


class _Bad(ValueError):
    """A cell that cannot be read; the message says why."""


def _whole(cell: Any, *, signed: bool = False) -> int | None:
    """A count: None when empty, a whole number otherwise (2.0 and "2.0" read 2); negative
    only when ``signed`` (a correction of an earlier record)."""
    if type(cell) is float and cell.is_integer() and (signed or cell >= 0):
        return int(cell)  # the workbook's usual cell, read without the checks below
    if is_blank(cell):
        return None
    if isinstance(cell, str):
        raw = cell.strip()
        if "," in raw and not _THOUSANDS.match(raw):
            raise _Bad(f"{raw!r} is not a number")
    value = number(cell)
    if value is None:
        raise _Bad(f"{text(cell)!r} is not a number")
    if not value.is_integer():
        raise _Bad(f"{text(cell)} is not a whole number")
    if value < 0 and not signed:
        raise _Bad(f"{text(cell)} is negative")
    return int(value)


def _grade(cell: Any) -> tuple[int | None, bool]:
    """Source Quality (1 to 5): the highest of a list such as "4,5", and whether it was one."""
    compound = isinstance(cell, str) and bool(_GRADES.match(cell.strip()))
    grades = [_whole(part) for part in cell.split(",")] if compound else [_whole(cell)]
    for grade in grades:
        if grade is not None and not 1 <= grade <= 5:
            raise _Bad(f"{grade} is outside IOM's grades 1 to 5")
    known = [g for g in grades if g is not None]
    return (max(known) if known else None), compound


def _year(cell: Any) -> int | None:
    if is_blank(cell):
        return None
    try:
        value = _whole(cell)
    except _Bad:
        raise _Bad(f"{text(cell)!r} is not a whole number") from None
    if value is None or not 1900 <= value <= 2100:
        raise _Bad(f"{text(cell)} is not a plausible year")
    return value


def _date(cell: Any) -> dt.date | None:
    if is_blank(cell):
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    raw = text(cell)
    match = _ISO_DATE.match(raw)
    if match:
        try:
            return dt.date.fromisoformat(match.group(1))
        except ValueError:
            pass
    raise _Bad(f"{raw!r} is not a date (expected YYYY-MM-DD)")


def _coordinates(cell: Any) -> tuple[float | None, float | None]:
    if is_blank(cell):
        return None, None
    raw = text(cell)
    parts = raw.split(",")
    values = [number(p) if "," not in p and p.strip() else None for p in parts]
    if len(parts) != 2 or values[0] is None or values[1] is None:
        raise _Bad(f"{raw!r} is not 'latitude, longitude'")
    lat, lon = values[0], values[1]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise _Bad(f"{raw!r} is out of range for 'latitude, longitude'")
    return lat, lon


# --- places -------------------------------------------------------------------------------


def _no_country() -> frozenset[str]:
    return frozenset(fold(name) for name in reference().get("no_country", []))


def _split_names(value: str, places: Places) -> list[tuple[str, Place | None]]:
    """A comma-separated list of names, keeping names that hold a comma themselves together
    ("China, Hong Kong Special Administrative Region")."""
    parts = [p.strip() for p in value.split(",")]
    parts = [p for p in parts if p]
    out: list[tuple[str, Place | None]] = []
    i = 0
    while i < len(parts):
        for width in (3, 2, 1):
            if i + width > len(parts):
                continue
            name = ", ".join(parts[i : i + width])
            place = places.name(name)
            if place is not None or width == 1:
                out.append((name, place))
                i += width
                break
    return out


class _Countries:
    """Country of incident and of origin by name, each name looked up once."""

    def __init__(self, places: Places) -> None:
        self.places = places
        self.none = _no_country()
        self.incident: dict[str, tuple[str, Place | None]] = {}
        self.origin: dict[str, tuple[str, list[str]]] = {}

    def of_incident(self, name: str) -> tuple[str, Place | None]:
        """("country", place), ("none", None), ("several", None) or ("unknown", None)."""
        if name not in self.incident:
            place = self.places.name(name)
            if place is not None and place.kind in (GeoKind.AREA, GeoKind.OTHER_AREA):
                found: tuple[str, Place | None] = ("country", place)
            elif fold(name) in self.none:
                found = ("none", None)
            else:
                parts = _split_names(name, self.places)
                known = all(p is not None or fold(n) in self.none for n, p in parts)
                found = ("several", None) if len(parts) > 1 and known else ("unknown", None)
            self.incident[name] = found
        return self.incident[name]

    def of_origin(self, value: str) -> tuple[str, list[str]]:
        """The ISO3 codes of the known names, space separated, and the names not recognised."""
        if value not in self.origin:
            codes: list[str] = []
            unknown: list[str] = []
            for name, place in _split_names(value, self.places):
                if place is not None:
                    if place.geo not in codes:
                        codes.append(place.geo)
                elif fold(name) not in self.none:
                    unknown.append(name)
            self.origin[value] = (" ".join(codes), unknown)
        return self.origin[value]


# --- the file -----------------------------------------------------------------------------


def _rows(path: Path) -> Iterator[list[Any]]:
    if path.suffix.lower() == ".xlsx":
        yield from workbook_rows(path, SHEET)
        return
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            yield from csv.reader(fh)
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path.name}: not UTF-8 text ({exc.reason}).") from exc
    except csv.Error as exc:
        raise InvalidInput(f"{path.name}: not a readable CSV file ({exc}).") from exc


def _columns(header: list[Any], file_name: str) -> tuple[dict[str, int], list[str]]:
    names = [text(c).strip(_INVISIBLE + " ") for c in header]
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in COLUMNS and name in index:
            raise InvalidInput(f"{file_name}: the column {name!r} appears twice in the header.")
        index.setdefault(name, i)
    missing = [c for c in COLUMNS if c not in index]
    if missing:
        raise InvalidInput(
            f"{file_name}: missing column{'s' if len(missing) > 1 else ''} "
            + ", ".join(repr(c) for c in missing)
            + "; this is not the IOM Missing Migrants Project export (its header row names "
            f"{len(COLUMNS)} columns: {', '.join(COLUMNS)})."
        )
    extra = [n for n in names if n and n not in COLUMNS]
    return index, extra


class _Counts:
    """What the notes report."""

    def __init__(self) -> None:
        self.no_country = 0
        self.several_countries = 0
        self.presumed_region = 0
        self.compound_type = 0
        self.compound_other = 0
        self.compound_grade = 0
        self.year_from_date = 0
        self.year_from_id = 0
        self.no_date = 0
        self.marked_ids = 0
        self.no_route = 0
        self.no_cause = 0
        self.total_differs = 0
        self.origin_not_coded = 0
        self.origin_unknown: dict[str, int] = {}
        self.negative: dict[str, int] = {}


def parse(path: Path, places: Places, progress: Progress | None = None) -> Parsed:
    """Read and check the whole export; records and observations only when it has no problem."""
    require_file(path, max_bytes=MAX_BYTES, suffixes=(".xlsx", ".csv"))
    problems = Problems(path.name)
    rows = _rows(path)
    header = next(rows, None)
    header_line = 1
    while header is not None and all(is_blank(c) for c in header):
        header = next(rows, None)
        header_line += 1
    if header is None:
        raise InvalidInput(f"{path.name}: the file holds no header row and no incidents.")
    index, extra = _columns(header, path.name)
    width = len(header)
    positions = [index[c] for c in COLUMNS]
    limits = {
        column: getattr(Incident._meta.get_field(COLUMNS[column]), "max_length", None)
        for column in TEXTS
    }
    countries = _Countries(places)
    counts = _Counts()
    seen: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    latest: dt.date | None = None
    read = 0
    for line, row in enumerate(rows, start=header_line + 1):
        if all(is_blank(c) for c in row):
            continue
        read += 1
        if progress and read % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
        if len(row) != width and (len(row) < width or not all(is_blank(c) for c in row[width:])):
            problems.add(f"{len(row)} cells; the header has {width}", row=line)
            continue
        cell = dict(zip(COLUMNS, (row[i] for i in positions), strict=True))
        record = _record(cell, line, problems, countries, counts, seen, limits)
        if record is None:
            continue
        records.append(record)
        if record["date"] is not None and (latest is None or record["date"] > latest):
            latest = record["date"]
    if progress and read % PROGRESS_EVERY:
        progress(read % PROGRESS_EVERY)
    if read == 0:
        raise InvalidInput(f"{path.name}: the file has a header and no incidents.")
    problems.raise_if_any()
    if latest is None:
        raise InvalidInput(
            f"{path.name}: no incident has a date, so the edition (the latest incident date) "
            "cannot be told."
        )
    meta = _meta(latest.isoformat())
    observations = _observations(records, meta, counts)
    meta.notes.extend(_notes(counts, read, extra))
    for record in records:
        del record["_geo"], record["_dims"]
    return Parsed(
        file_name=path.name,
        sha256=sha256_of(path),
        dataset=meta,
        series=list(SERIES),
        observations=observations,
        records=records,
        rows_read=read,
    )


def _record(
    cell: dict[str, Any], line: int, problems: Problems, countries: _Countries, counts: _Counts,
    seen: dict[str, int], limits: dict[str, int | None],
) -> dict[str, Any] | None:  # fmt: skip
    """One row as Incident fields (plus "_geo" and "_dims" for the observations); None after a
    problem."""
    before = problems.count

    def bad(column: str, message: str) -> None:
        problems.add(message, row=line, column=column)

    raw_id = text(cell["Main ID"])
    main_id = raw_id.strip(_INVISIBLE + " ")
    if main_id != raw_id:
        counts.marked_ids += 1
    if not main_id:
        bad("Main ID", "empty Main ID")
    elif main_id in seen:
        bad("Main ID", f"Main ID {main_id!r} is already on row {seen[main_id]}")
    else:
        seen[main_id] = line

    values: dict[str, Any] = {}
    for column in COUNTS:
        try:
            values[column] = _whole(cell[column], signed=column in SIGNED)
            if column in SIGNED and (values[column] or 0) < 0:
                counts.negative[column] = counts.negative.get(column, 0) + 1
        except _Bad as exc:
            bad(column, str(exc))
    try:
        quality, compound = _grade(cell["Source Quality"])
        counts.compound_grade += compound
    except _Bad as exc:
        bad("Source Quality", str(exc))
        quality = None
    try:
        date = _date(cell["Incident Date"])
    except _Bad as exc:
        bad("Incident Date", str(exc))
        date = None
    try:
        year = _year(cell["Incident Year"])
    except _Bad as exc:
        bad("Incident Year", str(exc))
        year = 0
    try:
        latitude, longitude = _coordinates(cell["Coordinates"])
    except _Bad as exc:
        bad("Coordinates", str(exc))
        latitude = longitude = None

    strings = {column: text(cell[column]) for column in TEXTS}
    for column, limit in limits.items():
        if limit is not None and len(strings[column]) > limit:
            bad(column, f"{len(strings[column])} characters, more than the {limit} kept")

    if year is None:
        if date is not None:
            year = date.year
            counts.year_from_date += 1
        elif m := _ID_YEAR.match(main_id):
            year = int(m.group(1))
            counts.year_from_id += 1
        else:
            bad("Incident Year", "no year, and neither a date nor a Main ID to read one from")
    elif year and date is not None and date.year != year:
        bad("Incident Year", f"{year}, but the Incident Date is {date.isoformat()}")
    if date is None:
        counts.no_date += 1

    country = strings["Country of Incident"]
    geo: tuple[str, str, int | None] = (NO_COUNTRY_GEO, GeoKind.GROUP, None)
    if country:
        status, place = countries.of_incident(country)
        if place is not None:
            geo = (place.geo, place.kind, place.area_id)
        elif status == "unknown":
            bad(
                "Country of Incident",
                f"unknown country or area {country!r} (neither a registry name, an alias nor "
                "a 'no_country' name in reference/places.yaml)",
            )
        elif status == "several":
            counts.several_countries += 1
    if geo[0] == NO_COUNTRY_GEO:
        counts.no_country += 1

    origin = strings["Country of Origin"]
    origin_codes, not_coded = countries.of_origin(origin)
    if not origin_codes:
        counts.origin_not_coded += 1
    for name in not_coded:
        counts.origin_unknown[name] = counts.origin_unknown.get(name, 0) + 1

    dims = dims_tuple(
        {
            "cause": strings["Cause of Death"] or NOT_GIVEN,
            "region": strings["Region of Incident"] or NOT_GIVEN,
            "route": strings["Migration Route"] or NOT_GIVEN,
        }
    )
    if len(dims_key(dims)) > DIMS_KEY_MAX:
        bad(
            "Cause of Death",
            f"cause, region and route are longer together than the {DIMS_KEY_MAX} characters "
            "an observation's labels can hold",
        )

    if problems.count > before:
        return None

    dead = values["Number of Dead"]
    missing = values["Minimum Estimated Number of Missing"]
    total = values["Total Number of Dead and Missing"]
    summed = (dead or 0) + (missing or 0)
    if total is None:
        total = summed
    elif total != summed and (dead is not None or missing is not None):
        counts.total_differs += 1
    if "(P)" in strings["Region of Origin"]:
        counts.presumed_region += 1
    if _LIST.search(strings["Incident Type"]):
        counts.compound_type += 1
    if any(_LIST.search(strings[c]) for c in _LISTED):
        counts.compound_other += 1
    counts.no_route += not strings["Migration Route"]
    counts.no_cause += not strings["Cause of Death"]
    return {
        "main_id": main_id,
        "incident_id": strings["Incident ID"],
        "incident_type": strings["Incident Type"],
        "region": strings["Region of Incident"],
        "date": date,
        "year": year,
        "month": strings["Month"],
        "dead": dead,
        "missing": missing,
        "dead_and_missing": total,
        "survivors": values["Number of Survivors"],
        "females": values["Number of Females"],
        "males": values["Number of Males"],
        "children": values["Number of Children"],
        "origin": origin,
        "origin_codes": origin_codes,
        "region_of_origin": strings["Region of Origin"],
        "cause": strings["Cause of Death"],
        "country": country,
        "area_id": geo[2],
        "route": strings["Migration Route"],
        "location": strings["Location of Incident"],
        "latitude": latitude,
        "longitude": longitude,
        "unsd_grouping": strings["UNSD Geographical Grouping"],
        "information_source": strings["Information Source"],
        "url": strings["URL"],
        "source_quality": quality,
        "_geo": geo,
        "_dims": dims,
    }


def _observations(records: list[dict[str, Any]], meta: DatasetMeta, counts: _Counts) -> list[Obs]:
    """Sums by year, place, cause, region and route; dead and missing only where known."""
    # key -> [incidents, dead and missing, dead, dead known, missing, missing known]
    sums: dict[tuple[Any, ...], list[int]] = {}
    for r in records:
        key = (r["year"], r["_geo"], r["_dims"])
        acc = sums.get(key)
        if acc is None:
            acc = sums[key] = [0, 0, 0, 0, 0, 0]
        acc[0] += 1
        acc[1] += r["dead_and_missing"]
        if r["dead"] is not None:
            acc[2] += r["dead"]
            acc[3] += 1
        if r["missing"] is not None:
            acc[4] += r["missing"]
            acc[5] += 1
    out: list[Obs] = []
    for (year, (geo, kind, area_id), dims), acc in sums.items():
        period = str(year)
        base = (geo, kind, area_id, period, year)
        out.append(Obs(DEAD_MISSING.code, *base, float(acc[1]), dims=dims))
        out.append(Obs(INCIDENTS.code, *base, float(acc[0]), dims=dims))
        if acc[3]:
            out.append(Obs(DEAD.code, *base, float(acc[2]), dims=dims))
        if acc[5]:
            out.append(Obs(MISSING.code, *base, float(acc[4]), dims=dims))
    if counts.no_country:
        meta.groups[NO_COUNTRY_GEO] = NO_COUNTRY_NAME
    return out


def _notes(counts: _Counts, read: int, extra: list[str]) -> list[str]:
    notes = [
        f"{read:,} incidents read, each kept as a record. Empty counts are unknown, not zero; "
        "the dead and missing of an incident are IOM's total, or the dead plus the missing "
        "when the total is empty.",
        f"{counts.no_country:,} incidents have no single country of incident; their "
        f"observations use the place {NO_COUNTRY_GEO}, a grouping for incidents at sea, in "
        "border areas or across several countries."
        + (
            f" Of these, {counts.several_countries:,} name several countries."
            if counts.several_countries
            else ""
        ),
        f"{counts.presumed_region:,} incidents have a region of origin marked '(P)' (presumed); "
        "the labels are kept as written.",
    ]
    if counts.compound_type:
        notes.append(
            f"{counts.compound_type:,} incidents have a compound Incident Type (such as "
            "'Incident,Split Incident'), kept as written."
        )
    if counts.compound_other:
        notes.append(
            f"{counts.compound_other:,} incidents list several regions, routes or causes in one "
            "cell; the text is kept as written and is its own dimension label."
        )
    if counts.no_route or counts.no_cause:
        notes.append(
            f"Empty migration route ({counts.no_route:,} incidents) and cause of death "
            f"({counts.no_cause:,}) are labelled '{NOT_GIVEN}' in the observations."
        )
    for column, n in sorted(counts.negative.items()):
        notes.append(
            f"{n:,} incidents have a negative '{column}': IOM's correction of an earlier "
            "record, kept and summed as given."
        )
    if counts.compound_grade:
        notes.append(
            f"{counts.compound_grade:,} incidents list several source quality grades (such as "
            "'4,5'); the highest is kept."
        )
    if counts.no_date:
        notes.append(f"{counts.no_date:,} incidents have no Incident Date; it is left empty.")
    if counts.year_from_date:
        notes.append(
            f"{counts.year_from_date:,} incidents with an empty Incident Year take the year of "
            "their date."
        )
    if counts.year_from_id:
        notes.append(
            f"{counts.year_from_id:,} incidents with neither a date nor an Incident Year take "
            "the year that starts their Main ID (such as 2020 for 2020.MMP01074)."
        )
    if counts.marked_ids:
        notes.append(
            f"{counts.marked_ids:,} Main IDs started with an invisible mark (byte order mark), "
            "removed."
        )
    if counts.total_differs:
        notes.append(
            f"{counts.total_differs:,} incidents have a total of dead and missing that differs "
            "from the dead plus the missing; IOM's total is kept."
        )
    if counts.origin_not_coded:
        notes.append(
            f"{counts.origin_not_coded:,} incidents have no country of origin that could be "
            "coded (empty, 'Unknown', 'Mixed' or not recognised); the text is kept as written."
        )
    if counts.origin_unknown:
        top = sorted(counts.origin_unknown.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        notes.append(
            "Names of origin not recognised, not coded: "
            + ", ".join(f"{name!r} ({n})" for name, n in top)
            + (" and others." if len(counts.origin_unknown) > len(top) else ".")
        )
    if extra:
        notes.append("Columns not read: " + ", ".join(repr(c) for c in extra) + ".")
    return notes

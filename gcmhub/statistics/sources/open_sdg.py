"""Open SDG data repositories: a country's national SDG data, one tidy CSV per indicator.

The folder is laid out as the Open SDG platform (sdg-build) expects it:

- ``data/indicator_<goal>-<target>-<number>.csv``: ``Year`` first, ``Value`` last, and between
  them the breakdowns (``Sex``, ``Age``, ``Country``, ``Cause of death``, ...) and a few columns
  that describe the value rather than break it down: ``Units`` (or ``Unit measure``),
  ``Unit multiplier``, ``Observation status`` and ``GeoCode``. An empty breakdown cell means
  the headline figure.
- ``meta/<goal>-<target>-<number>.md``: YAML front matter between two ``---`` lines (indicator
  number, titles, reporting status, units, source organisation, ...).
- ``config_data.yml``: the build settings, which may name the country (the SDMX default
  ``REF_AREA``, or a ``country`` entry).

Each data file becomes one series, ``open-sdg-<goal>-<target>-<number>``, and every value is
an observation for the repository's country: sub-national breakdowns (``Country=England``,
``Region``, ``Local Authority``) stay dimensions of the country's figures, they are not places.

How columns are read:

- ``Sex`` becomes the observation's sex (Female ``F``, Male ``M``, blank or total ``_T``) and
  ``Age`` its age group (the source's text, ``_T`` when blank); every other breakdown column is
  a dimension whose key is the column name in lower case with ``_`` for anything that is not a
  letter or digit (``Cause of death`` -> ``cause_of_death``). ``Series`` becomes ``sdg_series``:
  the plain name is the SDMX ``SERIES`` column of gcmhub's exports.
- ``GeoCode`` (the statistical office's code of a sub-national area) is kept as the dimension
  ``geocode``, beside the area's name.
- ``Units``/``Unit measure`` with ``Unit multiplier`` give the series' unit ("Metric tons" with
  "Millions" reads "Metric tons (millions)"). When one file mixes several units, each value
  keeps its unit in the dimension ``unit`` so that values in different units never share a key.
- ``Observation status`` becomes the flags, as SDMX ``OBS_STATUS`` codes (``E`` estimated,
  ``P`` provisional, ``B`` break, ``D`` definition differs, ...). A normal value has no flag.
- ``Year`` is read by :func:`parse_period`: "2021/22 [Note 5]", "2000 Q1", "2021.0",
  "2001/2002", "2007/08 to 2008/09" and the like; the bracketed note goes to the observation's
  note.

What is skipped, and said so in the dataset's notes: placeholder files (one row whose ``Year``
holds a sentence such as "There is no data for this indicator yet"), indicators whose
metadata says ``reporting_status: notstarted``, metadata without a data file, and rows whose
``Value`` is empty. Two rows with the same year and breakdown and the same value are read
once; with different values neither is imported (the published file does not say which is
right) and both rows are named in the notes. Anything else that cannot be read (a year, a
number, a sex, a header) is a problem naming the file, row and column, and nothing is imported.
"""

from __future__ import annotations

import csv
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gcmhub.common.errors import FieldError, InvalidInput
from gcmhub.statistics.models import GeoKind, Source
from gcmhub.statistics.places import Place, Places
from gcmhub.statistics.sources.base import (
    MAX_LISTED,
    TOTAL,
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
    sha256_of_folder,
)

MAX_FILE_BYTES = 50 * 1024 * 1024
DATA_FILE = re.compile(r"^indicator_(\d{1,2})-([0-9a-z]{1,2})-(\d{1,2})\.csv$", re.IGNORECASE)
META_FILE = re.compile(r"^(\d{1,2})-([0-9a-z]{1,2})-(\d{1,2})\.md$", re.IGNORECASE)
TRANSLATION_KEY = re.compile(r"^[a-z_]+\.[A-Za-z0-9_.-]+$")

ONS = "Office for National Statistics (UK)"
OGL = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
GENERIC_PUBLISHER = "Open SDG data repository"

UNIT_COLUMNS = ("units", "unit measure", "unit of measure", "unit")
MULTIPLIER_COLUMNS = ("unit multiplier", "unit mult")
STATUS_COLUMNS = ("observation status", "obs status")
GEOCODE_COLUMNS = ("geocode", "geo code")
# Keys the SDMX-CSV export writes as columns of their own; a breakdown slugged to one of them
# is prefixed ``sdg_`` (in practice: the Open SDG "Series" column).
RESERVED_KEYS = frozenset(
    {"dataflow", "series", "ref_area", "time_period", "sex", "age", "counterpart_area",
     "obs_value", "unit_measure", "obs_status", "comment_obs", "unit"}
)  # fmt: skip
MULTI_UNIT = "various (see the unit dimension)"

# Observation status text -> SDMX OBS_STATUS code (names as in the SDMX code list CL_OBS_STATUS);
# a normal value carries no flag.
STATUS_CODES = {
    "normal value": "",
    "normal": "",
    "undefined": "",
    "": "",
    "time series break": "B",
    "break": "B",
    "definition differs": "D",
    "estimated value": "E",
    "estimated": "E",
    "forecast value": "F",
    "experimental value": "G",
    "missing value; holiday or weekend": "H",
    "imputed value": "I",
    "imputed value (ccsa definition)": "I",
    "derogation": "J",
    "missing value; data exist but were not collected": "L",
    "missing value; data cannot exist": "M",
    "not significant": "N",
    "missing value": "O",
    "provisional value": "P",
    "provisional": "P",
    "missing value; suppressed": "Q",
    "strike and other special events": "S",
    "low reliability": "U",
    "unvalidated value": "V",
}
SEX_CODES = {
    "": TOTAL, "total": TOTAL, "all": TOTAL, "persons": TOTAL, "all persons": TOTAL,
    "both sexes": TOTAL, "people": TOTAL, "_t": TOTAL,
    "female": "F", "females": "F", "women": "F", "girls": "F", "f": "F",
    "male": "M", "males": "M", "men": "M", "boys": "M", "m": "M",
}  # fmt: skip
MAX_AGE = 24  # Observation.age
MAX_DIMS_KEY = 300  # Observation.dims_key
MAX_NOTE = 300  # Observation.note
MAX_UNIT = 60  # Series.unit
MAX_NAME = 300  # Series.name


# --- periods ------------------------------------------------------------------------------

_NOTE = re.compile(r"\[([^\]]*)\]")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$|^Q([1-4])\s*-?\s*(\d{4})$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})\s*-?\s*[HS]([12])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SPLIT_YEAR = re.compile(r"^(\d{4})\s*/\s*(\d{2}|\d{4})$")
_RANGE = re.compile(r"^(.+?)\s*(?:\bto\b|-|\u2013|\u2014)\s*(.+)$", re.IGNORECASE)


def _split_year(text: str) -> tuple[str, int] | None:
    """ "2000/01" or "2001/2002" as ("2000/01", 2000); None when it is not a split year."""
    m = _SPLIT_YEAR.match(text)
    if not m:
        return None
    start = int(m.group(1))
    end_text = m.group(2)
    if len(end_text) == 4:
        end = int(end_text)
    else:
        end = start - start % 100 + int(end_text)
        if end <= start:
            end += 100
    if not 1 <= end - start <= 10:
        raise ValueError(f"{text!r} is not a span of years (the second year must follow the first)")
    return f"{start}/{end % 100:02d}", start


def _single_period(text: str) -> tuple[str, int] | None:
    if m := _YEAR.match(text):
        return m.group(1), int(m.group(1))
    if m := _QUARTER.match(text):
        year, quarter = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        return f"{year}-Q{quarter}", int(year)
    if m := _HALF.match(text):
        return f"{m.group(1)}-S{m.group(2)}", int(m.group(1))
    if m := _MONTH.match(text):
        if 1 <= int(m.group(2)) <= 12:
            return text, int(m.group(1))
        raise ValueError(f"{text!r}: there is no month {m.group(2)}")
    if m := _DAY.match(text):
        if 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
            return text, int(m.group(1))
        raise ValueError(f"{text!r} is not a date")
    return _split_year(text)


def parse_period(cell: str) -> tuple[str, int, str]:
    """A publisher's period as (period, first year, note); ValueError when it cannot be read.

    Notes in square brackets are taken out ("2021/22 [Note 5]" -> "2021/22", note "Note 5").
    Years written as floats lose their decimals ("2021.0" -> "2021"); quarters and half-years
    take the SDMX form ("2000 Q1" -> "2000-Q1", "2000 H2" -> "2000-S2"); split years keep two
    digits after the slash ("2001/2002" -> "2001/02"); spans of periods are joined with a
    hyphen ("2007/08 to 2008/09" -> "2007/08-2008/09", "2015 to 2017" -> "2015-2017").
    Months and days in ISO form ("2020-03", "2020-03-31") are kept as they are.
    """
    raw = str(cell).strip()
    notes = [n.strip() for n in _NOTE.findall(raw) if n.strip()]
    text = _NOTE.sub(" ", raw).strip()
    text = re.sub(r"\s+", " ", text)
    note = "; ".join(notes)
    if not text:
        raise ValueError("the period is empty")
    single = _single_period(text)
    if single is not None:
        return single[0], single[1], note
    if m := _RANGE.match(text):
        first, last = _single_period(m.group(1).strip()), _single_period(m.group(2).strip())
        if first is not None and last is not None:
            if last[1] < first[1]:
                raise ValueError(f"{raw!r}: the span ends before it starts")
            return f"{first[0]}-{last[0]}", first[1], note
    raise ValueError(f"{raw!r} is not a year or period")


# --- small helpers ------------------------------------------------------------------------


def _add(problems: Problems, where: str, message: str, *, row: int | None = None,
         column: str | None = None) -> None:  # fmt: skip
    """A problem located in one file of the folder (``Problems`` knows a single file)."""
    problems.count += 1
    if len(problems.listed) < MAX_LISTED:
        location = where if row is None else f"{where}, row {row}"
        problems.listed.append(FieldError(message, column, location))


def slug_key(name: str) -> str:
    """A column name as a dimension key: lower case, ``_`` for runs of other characters."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def _plain(value: Any) -> str:
    """Metadata text without HTML tags or runs of white space."""
    if value is None:
        return ""
    text = html.unescape(re.sub(r"<[^>]+>", " ", str(value)))
    return re.sub(r"\s+", " ", text).strip()


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count:,} rows"


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "\u2026"


def _decimals(cell: str) -> int:
    if "." not in cell or "e" in cell.lower():
        return 0
    return min(len(cell.split(".", 1)[1].rstrip("0")), 6)


def _unit_label(unit: str, multiplier: str) -> str:
    """A unit with its multiplier, unless the unit already says it ("GBP (£ thousands)")."""
    mult = multiplier.strip().lower()
    if mult in ("", "units", "unit", "0", "1", "none"):
        return unit
    word = mult.rstrip("s")
    if word in unit.lower():
        return unit
    return f"{unit} ({mult})" if unit else mult


# --- metadata and configuration -----------------------------------------------------------


def _front_matter(path: Path, where: str, problems: Problems) -> dict[str, Any] | None:
    try:
        body = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        _add(problems, where, f"cannot be read as UTF-8 text ({exc})")
        return None
    lines = body.splitlines()
    if not lines or lines[0].strip() != "---":
        _add(problems, where, "no YAML front matter: the file must start with a '---' line")
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        _add(problems, where, "the YAML front matter has no closing '---' line")
        return None
    try:
        data = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 2 if mark is not None else None
        _add(problems, where, f"the front matter is not valid YAML ({exc})", row=row)
        return None
    if not isinstance(data, dict):
        _add(problems, where, "the front matter is not a set of 'key: value' lines")
        return None
    return data


def _config(folder: Path) -> dict[str, Any]:
    path = folder / "config_data.yml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput(f"config_data.yml: cannot be read ({exc}).") from exc
    return data if isinstance(data, dict) else {}


def _area_from_config(config: dict[str, Any], places: Places) -> Place | None:
    """The country named by the configuration: the SDMX default REF_AREA, or ``country``."""
    for key in ("sdmx_output_global", "sdmx_output"):
        section = config.get(key)
        if isinstance(section, dict) and isinstance(section.get("default_values"), dict):
            ref = section["default_values"].get("REF_AREA")
            if ref is not None:
                code = str(ref).strip()
                place = places.m49(code) if code.isdigit() else places.code(code)
                if place is not None:
                    return place
    country = config.get("country")
    if isinstance(country, dict):
        country = country.get("name")
    if isinstance(country, str) and country.strip():
        return places.code(country) or places.name(country)
    return None


def _find_area(area: str, config: dict[str, Any], places: Places, folder: Path) -> Place:
    if area.strip():
        code = area.strip()
        place = places.m49(code) if code.isdigit() else places.code(code)
        if place is None:
            raise InvalidInput(
                f"{folder.name}: {code!r} is not the ISO3 code of a country or area of the "
                "registry."
            )
    else:
        found = _area_from_config(config, places)
        if found is None:
            raise InvalidInput(
                f"{folder.name}: the repository does not say which country it reports on "
                "(config_data.yml has no REF_AREA default nor 'country'); give its ISO3 code "
                "with --area."
            )
        place = found
    if place.kind not in (GeoKind.AREA, GeoKind.OTHER_AREA):
        raise InvalidInput(f"{folder.name}: {place.geo} is a region, not a country or area.")
    return place


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return ""


def _licence(folder: Path) -> tuple[str, str] | None:
    text = " ".join(_read_text(folder / name) for name in ("LICENSE", "LICENSE.md", "README.md"))
    low = text.lower()
    if re.search(r"open government licen[cs]e", low) and re.search(r"v(ersion)?\s*3", low):
        return OGL, OGL_URL
    if "cc by 4.0" in low or "creative commons attribution 4.0" in low:
        return "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"
    if "cc0" in low:
        return "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"
    return None


def _repository(folder: Path) -> str:
    """owner/name of the repository on GitHub when the README links to it."""
    m = re.search(
        r"(?:github\.com|travis-ci\.(?:org|com))/([\w.-]+/[\w.-]+?)(?:\.git|\.svg|[/?#)\s]|$)",
        _read_text(folder / "README.md"),
    )
    return m.group(1) if m else ""


def _source_url(config: dict[str, Any], repository: str) -> str:
    url = config.get("docs_indicator_url")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        return url.split("[id]")[0]
    return f"https://github.com/{repository}" if repository else ""


def _dataset_meta(folder: Path, place: Place, edition: str, config: dict[str, Any]) -> DatasetMeta:
    repository = _repository(folder)
    licence = _licence(folder)
    uk = place.geo == "GBR"
    publisher = ONS if uk else GENERIC_PUBLISHER
    if licence is None:
        licence = (OGL, OGL_URL) if uk else ("see source", "")
    name = place.name or place.geo
    title = (
        "UK data for the Sustainable Development Goals"
        if uk
        else f"National SDG data: {name} (Open SDG repository)"
    )
    where = f" ({repository})" if repository else ""
    edition_slug = re.sub(r"[^a-z0-9]+", "-", edition.lower()).strip("-") or "edition"
    return DatasetMeta(
        slug=f"open-sdg-{place.geo.lower()}-{edition_slug}"[:120],
        source=Source.OPEN_SDG,
        publisher=publisher,
        title=title,
        edition=edition,
        licence=licence[0],
        licence_url=licence[1],
        source_url=_source_url(config, repository),
        citation=f"{publisher}. {title}, Open SDG data repository{where}, edition {edition}.",
    )


# --- one indicator ------------------------------------------------------------------------


@dataclass
class _Columns:
    year: int
    value: int
    sex: int | None = None
    age: int | None = None
    unit: int | None = None
    multiplier: int | None = None
    status: int | None = None
    dims: list[tuple[int, str]] = field(default_factory=list)  # (column, key)


def _columns(header: list[str], where: str, problems: Problems) -> _Columns | None:
    names = [h.strip() for h in header]
    if len(names) < 2 or names[0].lower() != "year" or names[-1].lower() != "value":
        _add(problems, where, "the first column must be 'Year' and the last 'Value' "
             f"(found {', '.join(repr(n) for n in names)})", row=1)  # fmt: skip
        return None
    cols = _Columns(year=0, value=len(names) - 1)
    keys: dict[str, str] = {}
    for index in range(1, len(names) - 1):
        name = names[index]
        low = name.lower()
        if low == "sex" and cols.sex is None:
            cols.sex = index
        elif low == "age" and cols.age is None:
            cols.age = index
        elif low in UNIT_COLUMNS and cols.unit is None:
            cols.unit = index
        elif low in MULTIPLIER_COLUMNS and cols.multiplier is None:
            cols.multiplier = index
        elif low in STATUS_COLUMNS and cols.status is None:
            cols.status = index
        else:
            key = "geocode" if low in GEOCODE_COLUMNS else slug_key(name)
            if not key:
                _add(problems, where, "a breakdown column needs a name", row=1,
                     column=f"column {index + 1}")  # fmt: skip
                continue
            if key in RESERVED_KEYS:
                key = f"sdg_{key}"
            if key in keys:
                _add(problems, where, f"columns {keys[key]!r} and {name!r} would both be read "
                     f"as the dimension {key!r}", row=1, column=name)  # fmt: skip
                continue
            keys[key] = name
            cols.dims.append((index, key))
    return cols


def _is_placeholder(rows: list[list[str]]) -> str | None:
    """The sentence of a placeholder file (a single row of prose and no value), else None."""
    if len(rows) != 1:
        return None
    row = rows[0]
    year = row[0].strip() if row else ""
    if not year or not all(is_blank(c) for c in row[1:]):
        return None
    try:
        parse_period(year)
    except ValueError:
        return year if re.search(r"[A-Za-z]{3,}\s+\S", year) else None
    return None


@dataclass
class _Indicator:
    series: SeriesDef | None
    observations: list[Obs]
    rows: int


def _meta_title(meta: dict[str, Any]) -> str:
    name = _plain(meta.get("indicator_name"))
    if name and not TRANSLATION_KEY.match(name):
        return name
    for key in ("graph_title", "indicator_available", "national_indicator_description"):
        text = _plain(meta.get(key))
        if text and not TRANSLATION_KEY.match(text):
            return text
    return ""


def _read_indicator(
    path: Path, number_: str, meta: dict[str, Any], place: Place, problems: Problems,
    notes: list[str],
) -> _Indicator:  # fmt: skip
    where = f"data/{path.name}"
    if path.stat().st_size > MAX_FILE_BYTES:
        _add(problems, where, f"more than the {MAX_FILE_BYTES:,} bytes accepted for one file")
        return _Indicator(None, [], 0)
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            table = list(csv.reader(fh))
    except UnicodeDecodeError as exc:
        _add(problems, where, f"not UTF-8 text ({exc})")
        return _Indicator(None, [], 0)
    except csv.Error as exc:
        _add(problems, where, f"not a readable CSV file ({exc})")
        return _Indicator(None, [], 0)
    if not table:
        notes.append(f"Indicator {number_} ({where}): the file is empty; skipped.")
        return _Indicator(None, [], 0)
    header, rows = table[0], [r for r in table[1:] if any(c.strip() for c in r)]
    cols = _columns(header, where, problems)
    if cols is None:
        return _Indicator(None, [], len(rows))
    if not rows:
        notes.append(f"Indicator {number_} ({where}): a header and no rows; skipped.")
        return _Indicator(None, [], 0)
    sentence = _is_placeholder(rows)
    if sentence is not None:
        notes.append(f"Indicator {number_} ({where}): placeholder ({sentence!r}); skipped.")
        return _Indicator(None, [], len(rows))

    code = f"open-sdg-{number_.replace('.', '-').lower()}"
    width = len(header)
    empty = 0
    decimals = 0
    seen: dict[tuple[Any, ...], tuple[int, float]] = {}
    conflicts: dict[tuple[Any, ...], list[int]] = {}
    repeated = 0
    pending: list[tuple[int, str, int, float, str, str, dict[str, str], str, str, str]] = []
    units: set[str] = set()
    for line, row in enumerate(table[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != width:
            _add(problems, where, f"{len(row)} cells where the header has {width}", row=line)
            continue
        value_text = row[cols.value].strip()
        try:
            period, year, note = parse_period(row[cols.year])
        except ValueError as exc:
            _add(problems, where, str(exc), row=line, column=header[cols.year].strip())
            continue
        if value_text == "":
            empty += 1
            continue
        value = number(value_text)
        if value is None:
            _add(problems, where, f"{value_text!r} is not a number", row=line,
                 column=header[cols.value].strip())  # fmt: skip
            continue
        decimals = max(decimals, _decimals(value_text))
        sex = TOTAL
        if cols.sex is not None:
            sex_text = row[cols.sex].strip()
            found = SEX_CODES.get(sex_text.lower())
            if found is None:
                _add(problems, where, f"{sex_text!r} is not a sex gcmhub knows (Female, Male "
                     "or blank for both)", row=line, column=header[cols.sex].strip())  # fmt: skip
                continue
            sex = found
        age = TOTAL
        if cols.age is not None and row[cols.age].strip():
            age = row[cols.age].strip()
            if len(age) > MAX_AGE:
                _add(problems, where, f"the age group {age!r} is longer than {MAX_AGE} "
                     "characters", row=line, column=header[cols.age].strip())  # fmt: skip
                continue
        dims = {key: row[i].strip() for i, key in cols.dims if row[i].strip()}
        unit = row[cols.unit].strip() if cols.unit is not None else ""
        mult = row[cols.multiplier].strip() if cols.multiplier is not None else ""
        label = _unit_label(unit, mult)
        units.add(label)
        status = row[cols.status].strip() if cols.status is not None else ""
        flags = STATUS_CODES.get(status.lower(), status[:40])
        if len(note) > MAX_NOTE:
            _add(problems, where, f"the note in the year is longer than {MAX_NOTE} characters",
                 row=line, column=header[cols.year].strip())  # fmt: skip
            continue
        pending.append((line, period, year, value, sex, age, dims, label, flags, note))
    rows_read = len(rows)

    several = len(units) > 1
    observations: list[Obs] = []
    keep: dict[tuple[Any, ...], Obs] = {}
    for line, period, year, value, sex, age, dims, label, flags, note in pending:
        if several:
            dims = {**dims, "unit": label}
        dt = dims_tuple(dims)
        if len(dims_key(dt)) > MAX_DIMS_KEY:
            _add(problems, where, f"the breakdown is longer than {MAX_DIMS_KEY} characters "
                 "once written as a key", row=line)  # fmt: skip
            continue
        obs = Obs(code, place.geo, place.kind, place.area_id, period, year, value, sex=sex,
                  age=age, dims=dt, flags=flags, note=note)  # fmt: skip
        key = obs.key()
        if key in seen:
            first_line, first_value = seen[key]
            if first_value == value:
                repeated += 1
            else:
                conflicts.setdefault(key, [first_line]).append(line)
            continue
        seen[key] = (line, value)
        keep[key] = obs
    for key in conflicts:
        keep.pop(key, None)
    observations = list(keep.values())

    if empty:
        notes.append(f"Indicator {number_} ({where}): {_rows(empty)} with an empty Value skipped.")
    if repeated:
        notes.append(
            f"Indicator {number_} ({where}): {_rows(repeated)} repeating an earlier row with "
            "the same value read once."
        )
    if conflicts:
        pairs = [" and ".join(str(n) for n in lines) for lines in conflicts.values()]
        shown = "; ".join(f"rows {p}" for p in pairs[:10])
        more = f" and {len(pairs) - 10} more" if len(pairs) > 10 else ""
        notes.append(
            f"Indicator {number_} ({where}): different values for the same year and breakdown "
            f"on {len(pairs)} set{'s' if len(pairs) != 1 else ''} of rows ({shown}{more}); "
            "none of those values is imported."
        )
    if not observations:
        if not pending:
            notes.append(f"Indicator {number_} ({where}): no values; skipped.")
        return _Indicator(None, [], rows_read)

    title = _meta_title(meta)
    name = f"Indicator {number_}: {title}" if title else f"Indicator {number_}"
    unit = MULTI_UNIT if several else next(iter(units)) or _plain(meta.get("computation_units"))
    definition = _plain(meta.get("national_indicator_description")) or _plain(
        meta.get("indicator_available")
    )
    source = _plain(meta.get("source_organisation_1"))
    if source:
        definition = f"{definition}\n\nSource: {source}".strip()
    dimensions: list[str] = []
    if cols.sex is not None:
        dimensions.append("sex")
    if cols.age is not None:
        dimensions.append("age")
    dimensions += [key for _, key in cols.dims]
    if several:
        dimensions.append("unit")
    series = SeriesDef(
        code=code,
        name=_clip(name, MAX_NAME),
        unit=_clip(unit, MAX_UNIT),
        definition=definition,
        sdg_indicator=number_,
        dimensions=tuple(dimensions),
        decimals=decimals,
    )
    return _Indicator(series, observations, rows_read)


# --- the folder ---------------------------------------------------------------------------


def _indicator_number(m: re.Match[str]) -> str:
    return f"{int(m.group(1))}.{m.group(2).lower()}.{int(m.group(3))}"


def parse(
    path: Path, places: Places, progress: Progress | None = None, *, area: str = "",
    edition: str = "",
) -> Parsed:  # fmt: skip
    """Read an Open SDG data repository folder (see the module notes)."""
    folder = Path(path)
    if not folder.is_dir():
        raise InvalidInput(f"{folder}: not a folder; give the repository's top folder.")
    data_dir, meta_dir = folder / "data", folder / "meta"
    if not data_dir.is_dir():
        raise InvalidInput(
            f"{folder.name}: no data/ folder; an Open SDG repository keeps its indicator files "
            "in data/indicator_<goal>-<target>-<number>.csv."
        )
    data_files = sorted(p for p in data_dir.glob("*.csv") if p.is_file())
    indicator_files = {}
    for p in data_files:
        if m := DATA_FILE.match(p.name):
            indicator_files[_indicator_number(m)] = p
    if not indicator_files:
        raise InvalidInput(f"{folder.name}: data/ holds no indicator_<goal>-<target>-<number>.csv.")
    meta_files = (
        sorted(p for p in meta_dir.glob("*.md") if p.is_file()) if meta_dir.is_dir() else []
    )
    config = _config(folder)
    place = _find_area(area, config, places, folder)

    sha256 = sha256_of_folder([*data_files, *meta_files], folder)
    edition = edition.strip() or f"snapshot-{sha256[:8]}"
    if len(edition) > 60:
        raise InvalidInput(f"{folder.name}: the edition label is longer than 60 characters.")
    meta_info = _dataset_meta(folder, place, edition, config)
    notes = meta_info.notes
    problems = Problems(folder.name)

    metas: dict[str, dict[str, Any]] = {}
    for p in meta_files:
        if m := META_FILE.match(p.name):
            found = _front_matter(p, f"meta/{p.name}", problems)
            if found is not None:
                metas[_indicator_number(m)] = found

    not_started = sorted(
        (n for n, m in metas.items() if str(m.get("reporting_status", "")).lower() == "notstarted"),
        key=_sort_key,
    )
    if not_started:
        notes.append(
            "Reporting not started (reporting_status: notstarted) for "
            + ", ".join(not_started)
            + "; no values are read for them."
        )
    without_data = sorted(set(metas) - set(indicator_files), key=_sort_key)
    if without_data:
        notes.append("Metadata without a data file: " + ", ".join(without_data) + ".")
    others = [p.name for p in data_files if not DATA_FILE.match(p.name)]
    if others:
        notes.append("Files in data/ not named indicator_<goal>-<target>-<number>.csv were not "
                     "read: " + ", ".join(others) + ".")  # fmt: skip

    series: list[SeriesDef] = []
    observations: list[Obs] = []
    rows_read = 0
    for number_ in sorted(indicator_files, key=_sort_key):
        indicator = _read_indicator(
            indicator_files[number_], number_, metas.get(number_, {}), place, problems, notes
        )
        rows_read += indicator.rows
        if indicator.series is not None:
            series.append(indicator.series)
            observations.extend(indicator.observations)
        if progress and indicator.rows:
            progress(indicator.rows)
    problems.raise_if_any()
    if not observations:
        raise InvalidInput(f"{folder.name}: no values found in any indicator file.")
    return Parsed(
        file_name=folder.name,
        sha256=sha256,
        dataset=meta_info,
        series=series,
        observations=observations,
        rows_read=rows_read,
    )


def _sort_key(number_: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (999, p) for p in number_.split("."))

"""Any tidy CSV file, read as one series through a mapping file that says what each column is.

The mapping is a YAML file with four sections (see docs/statistics.md for an example):

``dataset`` (required): ``slug``, ``title``, ``publisher``, ``edition`` and ``licence`` are
required; ``licence_url``, ``source_url`` and ``citation`` are optional (the citation defaults
to "<publisher>. <title>, <edition>.").

``series`` (required): ``code``, ``name`` and ``unit`` are required; ``definition``,
``sdg_indicator`` and ``decimals`` are optional (decimals default to the most the values show).

``columns`` (required): which CSV column holds what, by its header text.
``area``, ``period`` and ``value`` are required. ``area_scheme`` says how areas are written:
``iso3`` (the default), ``m49`` (country, region or world codes) or ``name`` (English names and
the usual variants). ``sex``, ``age``, ``counterpart`` (with ``counterpart_scheme``, by
default the area's), ``flags`` and ``note`` are optional, and ``dims`` maps dimension keys of
your choice (lower case letters, digits and ``_``) to columns.

``sex_codes`` (optional): the file's sex values mapped to ``F``, ``M`` or ``_T``. Without it,
F/M/_T, Female/Male/Total and the like are understood. ``missing`` (optional): cell texts that
mean "no value" (default: only an empty cell); such rows are skipped and counted.
``decimal_mark`` (optional): ``.`` or ``,``; by default ``,`` for files separated by semicolons
and ``.`` otherwise. Thousands may be grouped with the other mark or a space; a value that
could be read two ways ("1,5" where the mark is ".") is a problem, not a guess.

The mapping is checked first: unknown or missing keys, a wrong scheme, a column the file does
not have are problems naming the mapping file and the key. Then every row is checked: an area
not found, a period that cannot be read (periods are read as the Open SDG importer reads
them), a value that is not a number, a sex not in ``sex_codes``, and two rows with the same
area, period and breakdown are problems naming the row and the column.

The file is UTF-8 (a byte order mark is allowed), separated by commas or semicolons (told from
the header line). The dataset's checksum covers the CSV file and the mapping together, so that
a corrected mapping re-imports the same file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path
from typing import Any

import yaml

from gcmhub.common.errors import FieldError, InvalidInput
from gcmhub.statistics.models import GeoKind, Source
from gcmhub.statistics.places import Place, Places
from gcmhub.statistics.sources.base import (
    TOTAL,
    UNKNOWN,
    DatasetMeta,
    Obs,
    Parsed,
    Problems,
    Progress,
    SeriesDef,
    dims_key,
    dims_tuple,
    number,
    require_file,
    sha256_of,
)
from gcmhub.statistics.sources.open_sdg import parse_period
from gcmhub.statistics.sources.sdmx import sniff_delimiter

MAX_BYTES = 200 * 1024 * 1024
MAX_MAPPING_BYTES = 1024 * 1024
SECTIONS = {"dataset", "series", "columns", "sex_codes", "missing", "decimal_mark"}
DATASET_KEYS = {
    "slug": True, "title": True, "publisher": True, "edition": True, "licence": True,
    "licence_url": False, "source_url": False, "citation": False,
}  # fmt: skip
SERIES_KEYS = {
    "code": True, "name": True, "unit": True, "definition": False, "sdg_indicator": False,
    "decimals": False,
}  # fmt: skip
COLUMN_KEYS = {
    "area": True, "area_scheme": False, "period": True, "value": True, "sex": False,
    "age": False, "counterpart": False, "counterpart_scheme": False, "dims": False,
    "flags": False, "note": False,
}  # fmt: skip
SCHEMES = ("iso3", "m49", "name")
# Field lengths of the models the values end up in.
LIMITS = {
    "dataset.slug": 120, "dataset.title": 300, "dataset.publisher": 200, "dataset.edition": 60,
    "dataset.licence": 120, "dataset.source_url": 500, "series.code": 80, "series.name": 300,
    "series.unit": 60, "series.sdg_indicator": 12,
}  # fmt: skip
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
DIM_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
RESERVED_DIMS = frozenset(
    {"dataflow", "series", "ref_area", "time_period", "sex", "age", "counterpart",
     "counterpart_area", "obs_value", "unit_measure", "obs_status", "comment_obs"}
)  # fmt: skip
SEX_CODES = {
    "f": "F", "female": "F", "females": "F", "women": "F", "girls": "F",
    "m": "M", "male": "M", "males": "M", "men": "M", "boys": "M",
    "_t": TOTAL, "t": TOTAL, "total": TOTAL, "all": TOTAL, "both sexes": TOTAL,
    "persons": TOTAL, "": TOTAL,
}  # fmt: skip


class Mapping:
    """A checked mapping file."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.dataset: dict[str, str] = data["dataset"]
        self.series: dict[str, Any] = data["series"]
        self.columns: dict[str, Any] = data["columns"]
        self.dims: dict[str, str] = data["columns"].get("dims") or {}
        self.sex_codes: dict[str, str] | None = data.get("sex_codes")
        self.missing: set[str] = {str(m).strip() for m in data.get("missing") or []} | {""}
        self.decimal_mark: str | None = data.get("decimal_mark")


_GROUPED = {
    ".": re.compile(r"^[+-]?\d{1,3}(?:[, \u00a0]\d{3})+(?:\.\d+)?$"),
    ",": re.compile(r"^[+-]?\d{1,3}(?:[. \u00a0]\d{3})+(?:,\d+)?$"),
}
_PLAIN = {
    ".": re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"),
    ",": re.compile(r"^[+-]?(?:\d+(?:,\d*)?|,\d+)$"),
}


def read_value(text: str, decimal_mark: str) -> float | None:
    """A number written with the given decimal mark (thousands may be grouped); else None.

    With "." the thousands separator may be a comma or a space ("1,250.5"); with "," a dot or
    a space ("1.250,5"). A value that fits neither form ("1,5" where the mark is ".") is not a
    number rather than a guess.
    """
    text = text.strip()
    if _GROUPED[decimal_mark].match(text):
        whole, mark, fraction = text.partition(decimal_mark)
        text = re.sub(r"[., \u00a0]", "", whole) + ("." + fraction if mark else "")
    elif _PLAIN[decimal_mark].match(text):
        text = text.replace(",", ".")
    else:
        return None
    return number(text)


def _check_section(
    data: dict[str, Any], name: str, keys: dict[str, bool], errors: list[FieldError], where: str
) -> None:
    section = data.get(name)
    if section is None:
        errors.append(FieldError(f"the section '{name}' is required", name, where))
        return
    if not isinstance(section, dict):
        errors.append(FieldError(f"'{name}' must be a set of 'key: value' lines", name, where))
        return
    for key in section:
        if key not in keys:
            known = ", ".join(keys)
            errors.append(FieldError(f"unknown key {key!r} (known: {known})", f"{name}.{key}",
                                     where))  # fmt: skip
    for key, required in keys.items():
        value = section.get(key)
        field_name = f"{name}.{key}"
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                errors.append(FieldError("required", field_name, where))
            continue
        if key == "dims" or (name == "series" and key == "decimals"):
            continue
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            errors.append(FieldError("must be a text", field_name, where))
            continue
        section[key] = str(value).strip()
        limit = LIMITS.get(field_name)
        if limit and len(section[key]) > limit:
            errors.append(FieldError(f"longer than {limit} characters", field_name, where))


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; InvalidInput lists every problem with its key."""
    require_file(path, max_bytes=MAX_MAPPING_BYTES, suffixes=(".yaml", ".yml"))
    where = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{where}: the mapping is not UTF-8 text ({exc}).") from exc
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{where}: the mapping is not valid YAML ({exc}).") from exc
    if not isinstance(data, dict):
        raise InvalidInput(
            f"{where}: the mapping must be a YAML mapping with the sections dataset, series "
            "and columns."
        )
    errors: list[FieldError] = []
    for key in data:
        if key not in SECTIONS:
            errors.append(FieldError(
                f"unknown section {key!r} (known: {', '.join(sorted(SECTIONS))})", str(key),
                where))  # fmt: skip
    _check_section(data, "dataset", DATASET_KEYS, errors, where)
    _check_section(data, "series", SERIES_KEYS, errors, where)
    _check_section(data, "columns", COLUMN_KEYS, errors, where)
    dataset, series, columns = (data.get(k) for k in ("dataset", "series", "columns"))
    slug = dataset.get("slug") if isinstance(dataset, dict) else None
    if isinstance(slug, str) and slug and not SLUG.match(slug):
        errors.append(FieldError("lower case letters, digits, '-' and '_' only", "dataset.slug",
                                 where))  # fmt: skip
    if isinstance(series, dict):
        if (
            isinstance(series.get("code"), str)
            and series["code"]
            and not SLUG.match(series["code"])
        ):
            errors.append(FieldError("lower case letters, digits, '-' and '_' only",
                                     "series.code", where))  # fmt: skip
        decimals = series.get("decimals")
        if decimals is not None and (
            not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6
        ):
            errors.append(FieldError("a whole number from 0 to 6", "series.decimals", where))
    if isinstance(columns, dict):
        for key in ("area_scheme", "counterpart_scheme"):
            scheme = columns.get(key)
            if scheme is not None and scheme not in SCHEMES:
                errors.append(FieldError(f"{scheme!r} is not one of {', '.join(SCHEMES)}",
                                         f"columns.{key}", where))  # fmt: skip
        if columns.get("counterpart_scheme") and not columns.get("counterpart"):
            errors.append(FieldError("given without columns.counterpart",
                                     "columns.counterpart_scheme", where))  # fmt: skip
        dims = columns.get("dims")
        if dims is not None:
            if not isinstance(dims, dict):
                errors.append(FieldError("must map dimension keys to column names",
                                         "columns.dims", where))  # fmt: skip
            else:
                for key, column in dims.items():
                    name = f"columns.dims.{key}"
                    if not isinstance(key, str) or not DIM_KEY.match(key):
                        errors.append(FieldError(
                            "a dimension key is lower case letters, digits and '_', starting "
                            "with a letter", name, where))  # fmt: skip
                    elif key in RESERVED_DIMS:
                        errors.append(FieldError(
                            f"{key!r} is reserved; use the columns' own key (sex, age, "
                            "counterpart) or another name", name, where))  # fmt: skip
                    if not isinstance(column, str) or not column.strip():
                        errors.append(FieldError("must name a column", name, where))
    sex_codes = data.get("sex_codes")
    if sex_codes is not None:
        if not isinstance(sex_codes, dict):
            errors.append(FieldError("must map the file's values to F, M or _T", "sex_codes",
                                     where))  # fmt: skip
        else:
            for key, value in list(sex_codes.items()):
                if value not in ("F", "M", TOTAL, "_U"):
                    errors.append(FieldError(f"{value!r} is not F, M, _T or _U",
                                             f"sex_codes.{key}", where))  # fmt: skip
            data["sex_codes"] = {str(k).strip(): v for k, v in sex_codes.items()}
    mark = data.get("decimal_mark")
    if mark is not None and mark not in (".", ","):
        errors.append(FieldError(f"{mark!r} is not '.' or ','", "decimal_mark", where))
    missing = data.get("missing")
    if missing is not None and not isinstance(missing, list):
        errors.append(FieldError("must be a list of texts", "missing", where))
    if errors:
        raise InvalidInput(
            f"{where}: {len(errors)} problem{'s' if len(errors) != 1 else ''} in the mapping; "
            "nothing was imported.",
            errors,
        )
    return Mapping(data)


def _read_rows(path: Path) -> tuple[list[str], list[list[str]], str]:
    try:
        body = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{path.name}: not UTF-8 text ({exc}); save the file as UTF-8 (CSV UTF-8)."
        ) from exc
    delimiter = sniff_delimiter(body.split("\n", 1)[0])
    try:
        rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InvalidInput(f"{path.name}: not a readable CSV file ({exc}).") from exc
    if not rows:
        raise InvalidInput(f"{path.name}: the file is empty.")
    return [h.strip() for h in rows[0]], rows[1:], delimiter


def _check_columns(header: list[str], mapping: Mapping, mapping_name: str,
                   csv_name: str) -> dict[str, int]:  # fmt: skip
    """Where each mapped column is; a column missing from the file is a mapping problem."""
    wanted = {
        f"columns.{k}": mapping.columns[k]
        for k in ("area", "period", "value", "sex", "age", "counterpart", "flags", "note")
        if mapping.columns.get(k)
    }
    wanted.update({f"columns.dims.{k}": v for k, v in mapping.dims.items()})
    errors = []
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        seen.setdefault(h, i)
    at: dict[str, int] = {}
    for key, column in wanted.items():
        column = str(column).strip()
        if column not in seen:
            errors.append(
                FieldError(
                    f"{csv_name} has no column {column!r} (its columns: "
                    + ", ".join(repr(h) for h in header)
                    + ")",
                    key,
                    mapping_name,
                )
            )
            continue
        at[key] = seen[column]
    if errors:
        raise InvalidInput(
            f"{mapping_name}: the mapping names columns {csv_name} does not have; nothing was "
            "imported.",
            errors,
        )
    return at


def _finder(places: Places, scheme: str) -> Any:
    regions = {p.geo: p for p in places.regions_by_name.values()}
    cache: dict[str, Place | None] = {}

    def find(text: str) -> Place | None:
        if text not in cache:
            if scheme == "iso3":
                cache[text] = places.code(text)
            elif scheme == "m49":
                key = text.strip()
                key = key.zfill(3) if key.isdigit() else key
                cache[text] = regions.get(key) or places.m49(key)
            else:
                cache[text] = places.name(text) or places.region(text)
        return cache[text]

    return find


def parse(path: Path, places: Places, progress: Progress | None = None, *, mapping: Path) -> Parsed:
    """Read a CSV file as its mapping says (see the module notes)."""
    if mapping is None:
        raise InvalidInput("A mapping file is required (--mapping).")
    mapping_path = Path(mapping)
    checked = load_mapping(mapping_path)
    require_file(path, max_bytes=MAX_BYTES, suffixes=(".csv", ".txt"))
    header, rows, delimiter = _read_rows(path)
    mark = checked.decimal_mark or ("," if delimiter == ";" else ".")
    at = _check_columns(header, checked, mapping_path.name, path.name)
    cols = checked.columns
    problems = Problems(path.name)
    area_scheme = cols.get("area_scheme") or "iso3"
    find_area = _finder(places, area_scheme)
    find_counterpart = _finder(places, cols.get("counterpart_scheme") or area_scheme)
    code = checked.series["code"]
    sex_codes = (
        {k.casefold(): v for k, v in checked.sex_codes.items()}
        if checked.sex_codes is not None
        else SEX_CODES
    )
    width = len(header)
    missing = 0
    decimals = 0
    seen: dict[tuple[Any, ...], int] = {}
    out: list[Obs] = []
    has = {k: f"columns.{k}" in at for k in ("sex", "age", "counterpart")}
    line = 1

    def column(key: str) -> str:
        return header[at[key]]

    for line, row in enumerate(rows, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < width:
            row = row + [""] * (width - len(row))
        elif len(row) > width and any(c.strip() for c in row[width:]):
            problems.add(f"{len(row)} cells where the header has {width}", row=line)
            continue
        cell = {k: row[i].strip() for k, i in at.items()}
        value_text = cell["columns.value"]
        area_text = cell["columns.area"]
        place = find_area(area_text) if area_text else None
        if place is None:
            problems.add(
                f"unknown area {area_text!r} (read as {area_scheme})" if area_text else "no area",
                row=line,
                column=column("columns.area"),
            )
            continue
        try:
            period, year, note = parse_period(cell["columns.period"])
        except ValueError as exc:
            problems.add(str(exc), row=line, column=column("columns.period"))
            continue
        if value_text in checked.missing:
            missing += 1
            continue
        value = read_value(value_text, mark)
        if value is None:
            problems.add(f"{value_text!r} is not a number (decimal mark {mark!r})", row=line,
                         column=column("columns.value"))  # fmt: skip
            continue
        if mark in value_text:
            decimals = max(decimals, min(len(value_text.rsplit(mark, 1)[1].rstrip("0")), 6))
        sex = TOTAL
        if has["sex"]:
            text = cell["columns.sex"]
            found = sex_codes.get(text.casefold())
            if found is None:
                problems.add(
                    f"{text!r} is not a sex the mapping knows"
                    + (" (add it to sex_codes)" if checked.sex_codes is not None else
                       " (map it with sex_codes)"),
                    row=line, column=column("columns.sex"),
                )  # fmt: skip
                continue
            sex = found
        age = TOTAL
        if has["age"] and cell["columns.age"]:
            age = cell["columns.age"]
            if len(age) > 24:
                problems.add("the age group is longer than 24 characters", row=line,
                             column=column("columns.age"))  # fmt: skip
                continue
        counterpart = TOTAL
        if has["counterpart"]:
            text = cell["columns.counterpart"]
            if text and text.upper() != TOTAL:
                if places.is_unknown(text):
                    counterpart = UNKNOWN
                else:
                    cp = find_counterpart(text)
                    if cp is None:
                        problems.add(f"unknown counterpart area {text!r}", row=line,
                                     column=column("columns.counterpart"))  # fmt: skip
                        continue
                    counterpart = cp.geo
        flags = cell.get("columns.flags", "")
        if len(flags) > 40:
            problems.add("the flags are longer than 40 characters", row=line,
                         column=column("columns.flags"))  # fmt: skip
            continue
        note = "; ".join(n for n in (cell.get("columns.note", ""), note) if n)
        if len(note) > 300:
            problems.add(
                "the note is longer than 300 characters",
                row=line,
                column=column("columns.note") if "columns.note" in at else None,
            )
            continue
        dims = dims_tuple({k: cell[f"columns.dims.{k}"] for k in checked.dims})
        if len(dims_key(dims)) > 300:
            problems.add("the dimensions are longer than 300 characters once written as a key",
                         row=line)  # fmt: skip
            continue
        obs = Obs(code, place.geo, place.kind, place.area_id, period, year, value, sex=sex,
                  age=age, counterpart=counterpart, dims=dims, flags=flags, note=note)  # fmt: skip
        key = obs.key()
        if key in seen:
            problems.add(f"the same area, period and breakdown as row {seen[key]}", row=line)
            continue
        seen[key] = line
        out.append(obs)
        if progress and line % 20000 == 0:
            progress(20000)
    if line == 1:
        raise InvalidInput(f"{path.name}: the file has a header and no rows.")
    problems.raise_if_any()
    if not out:
        raise InvalidInput(f"{path.name}: no values found.")

    ds = checked.dataset
    meta = DatasetMeta(
        slug=ds["slug"],
        source=Source.CSV,
        publisher=ds["publisher"],
        title=ds["title"],
        edition=ds["edition"],
        licence=ds["licence"],
        licence_url=ds.get("licence_url", "") or "",
        source_url=ds.get("source_url", "") or "",
        citation=ds.get("citation") or f"{ds['publisher']}. {ds['title']}, {ds['edition']}.",
    )
    if missing:
        meta.notes.append(f"{missing:,} row{'s' if missing != 1 else ''} without a value skipped.")
    kinds = {o.geo_kind for o in out}
    if kinds - {GeoKind.AREA}:
        meta.notes.append(
            "Places other than countries are included: "
            + ", ".join(sorted(str(GeoKind(k).label) for k in kinds - {GeoKind.AREA}))
            + "."
        )
    s = checked.series
    dimensions = [k for k in ("sex", "age", "counterpart") if has[k]] + list(checked.dims)
    series = SeriesDef(
        code=code,
        name=s["name"],
        unit=s["unit"],
        definition=s.get("definition", "") or "",
        sdg_indicator=s.get("sdg_indicator", "") or "",
        dimensions=tuple(dimensions),
        decimals=s["decimals"] if isinstance(s.get("decimals"), int) else decimals,
    )
    digest = hashlib.sha256(
        f"csv:{sha256_of(path)}\nmapping:{sha256_of(mapping_path)}\n".encode()
    ).hexdigest()
    return Parsed(
        file_name=path.name,
        sha256=digest,
        dataset=meta,
        series=[series],
        observations=out,
        rows_read=line - 1,
    )

"""SDMX data messages: SDMX-ML (generic or structure-specific, read with sdmx1) and SDMX-CSV.

No data structure definition is needed: components are told apart by their SDMX identifiers,
as the cross-domain concepts name them.

- ``REF_AREA`` is the place: an ISO3 code (``GBR``), an M49 code (``826`` for a country,
  ``419`` for a UN region known to the registry, ``001`` for the world), or a publisher's
  grouping written ``prefix:code`` (as gcmhub's own exports write them). Any other code is a
  problem.
- The series is the ``SERIES`` dimension, or else ``INDICATOR``, written as a gcmhub code
  ``sdmx-<value>`` (lower case, ``-`` for other characters; a value that already starts
  ``sdmx-`` is kept). A message with neither is one series named after its dataflow.
- ``SEX`` (``F``, ``M``, ``_T``), ``AGE`` and ``COUNTERPART_AREA`` fill the observation's own
  fields; ``FREQ`` is left out (the period's form says it); every other dimension becomes a
  dimension of the observation, keyed by its identifier in lower case.
- Attributes: ``OBS_STATUS`` gives the flags, ``UNIT_MEASURE`` (with ``UNIT_MULT`` when it is
  not 0) the series' unit, ``COMMENT_OBS``/``OBS_COMMENT`` the note and ``DECIMALS`` the number
  of decimals shown. Other attributes are listed in the dataset's notes and not kept. When one
  series has several units, each value keeps its unit in the dimension ``unit``.
- ``TIME_PERIOD`` is kept in its SDMX form (``2020``, ``2020-Q1``, ``2020-03``, ...); the forms
  gcmhub's Open SDG importer writes ("2021/22") are read too. An empty ``OBS_VALUE`` (or ``NaN``)
  is a value the publisher does not give: skipped and counted in the notes.

SDMX-CSV is read without sdmx1 (which reads only SDMX-CSV 2 and needs the structure for it):
version 1.0 files start with a ``DATAFLOW`` column (``AGENCY:ID(VERSION)``), version 2.0 files
with ``STRUCTURE`` and ``STRUCTURE_ID``; headers may carry labels (``REF_AREA: Reference area``).
The dataset is ``sdmx-<dataflow id>-<edition>``: the edition is the one given, else the date
the message was prepared (SDMX-ML), else "undated".

Every problem names where it is: for SDMX-CSV the row and column, for SDMX-ML the series key
and period. Nothing is imported while there is one.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gcmhub.common.errors import FieldError, InvalidInput
from gcmhub.statistics.models import GeoKind, Source
from gcmhub.statistics.places import Places
from gcmhub.statistics.sources.base import (
    MAX_LISTED,
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

MAX_BYTES = 200 * 1024 * 1024
MULTI_UNIT = "various (see the unit dimension)"

# Attributes of the SDMX cross-domain concepts (and a few common ones): in SDMX-CSV, and in
# structure-specific messages read without their structure, they cannot be told from
# dimensions by position, so they are known by name.
ATTRIBUTES = frozenset(
    {"OBS_STATUS", "OBS_CONF", "CONF_STATUS", "UNIT_MEASURE", "UNIT_MULT", "DECIMALS",
     "COMMENT_OBS", "OBS_COMMENT", "COMMENT_TS", "COMMENT_DSET", "TIME_FORMAT", "TITLE",
     "TITLE_COMPL", "SOURCE_DETAIL", "NATURE", "BASE_PER", "BASE_PERIOD", "COMPILING_ORG",
     "DATA_COMP", "EMBARGO_TIME", "OBS_PRE_BREAK", "TIME_PER_COLLECT", "FOOTNOTE",
     "FOOTNOTES", "GEO_INFO_URL", "GEO_INFO_TYPE", "GEO_INFO", "TIME_DETAIL", "UPPER_BOUND",
     "LOWER_BOUND", "REF_PERIOD_DETAIL", "UNIT_MULTIPLIER", "OBS_NOTE", "SOURCE"}
)  # fmt: skip
NOTE_ATTRIBUTES = ("COMMENT_OBS", "OBS_COMMENT", "OBS_NOTE")
SERIES_DIMENSIONS = ("SERIES", "INDICATOR")
DROPPED_DIMENSIONS = frozenset({"FREQ"})
SEX_CODES = {
    "F": "F", "M": "M", "_T": TOTAL, "_U": "_U", "_Z": "_Z", "_N": "_N", "_O": "_O",
    "T": TOTAL, "TOTAL": TOTAL, "BOTHSEX": TOTAL, "FEMALE": "F", "MALE": "M",
}  # fmt: skip
SDMX_PERIOD = re.compile(
    r"^\d{4}(?:-(?:A1|S[12]|T[1-3]|Q[1-4]|M(?:0[1-9]|1[0-2])|W(?:0[1-9]|[1-4]\d|5[0-3])"
    r"|D(?:00[1-9]|0[1-9]\d|[12]\d\d|3[0-5]\d|36[0-6])"
    r"|(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01])(?:T[\d:.]+(?:Z|[+-]\d\d:\d\d)?)?)?))?"
    r"(?:/P[0-9YMWDTHS.]+)?$"
)
DATAFLOW = re.compile(
    r"^(?:(?P<agency>[A-Za-z0-9_.@-]+):)?(?P<id>[A-Za-z0-9_@$-]+)(?:\((?P<version>[^)]*)\))?$"
)
MAX_DIMS_KEY = 300
MAX_PERIOD = 32
MAX_AGE = 24
MAX_FLAGS = 40
MAX_NOTE = 300
MAX_CODE = 80
MAX_UNIT = 60


@dataclass
class _Raw:
    """One observation as the message gives it, before it is checked."""

    where: str  # "row 5" (CSV) or "series (…), period 2020" (XML)
    row: int | None
    key: dict[str, str]  # dimension id -> code, without TIME_PERIOD
    period: str
    value: str | None
    attrs: dict[str, str]
    columns: dict[str, str] = field(default_factory=dict)  # component id -> CSV header


@dataclass
class _Message:
    dataflow: str  # AGENCY:ID(VERSION) or ID
    raws: list[_Raw]
    rows_read: int
    prepared: str = ""
    sender: str = ""


def _add(problems: Problems, raw: _Raw | None, message: str, column: str | None = None) -> None:
    """A problem located by CSV row or by series key and period."""
    problems.count += 1
    if len(problems.listed) < MAX_LISTED:
        where = problems.file_name if raw is None else f"{problems.file_name}, {raw.where}"
        if raw is not None and column is not None:
            column = raw.columns.get(column, column)
        problems.listed.append(FieldError(message, column, where))


def code_slug(value: str) -> str:
    """A component code as part of a gcmhub code: lower case, ``-`` for other characters."""
    return re.sub(r"[^a-z0-9]+", "-", value.strip().lower()).strip("-")


# --- SDMX-ML ------------------------------------------------------------------------------


@contextmanager
def _quiet() -> Iterator[None]:
    """sdmx1 warns when a structure-specific message comes without its structure: expected."""
    logger = logging.getLogger("sdmx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _text(value: Any) -> str:
    if value is None:
        return ""
    inner = getattr(value, "value", value)
    return "" if inner is None else str(inner).strip()


def _ident(obj: Any) -> str:
    ident = getattr(obj, "id", None)
    if not ident or str(ident) == "(missing id)":
        return ""
    agency = getattr(getattr(obj, "maintainer", None), "id", None)
    version = getattr(obj, "version", None)
    text = str(ident)
    if agency and str(agency) != "(missing id)":
        text = f"{agency}:{text}"
    if version:
        text = f"{text}({version})"
    return text


def _read_ml(path: Path) -> _Message:
    import sdmx
    from sdmx.message import DataMessage

    with path.open("rb") as fh:
        head = fh.read(65536)
        if re.search(rb"<!(DOCTYPE|ENTITY)", head, re.IGNORECASE):
            raise InvalidInput(
                f"{path.name}: the XML declares a DOCTYPE or entities; SDMX messages do not, "
                "and gcmhub does not read such files."
            )
        fh.seek(0)
        try:
            with _quiet():
                message = sdmx.read_sdmx(fh, format="XML")
        except Exception as exc:  # lxml and sdmx1 raise many kinds of errors for bad files
            raise InvalidInput(
                f"{path.name}: not a readable SDMX-ML message ({type(exc).__name__}: {exc})."
            ) from exc
    if not isinstance(message, DataMessage):
        raise InvalidInput(
            f"{path.name}: an SDMX {type(message).__name__}, not a data message; gcmhub imports "
            "data messages (GenericData or StructureSpecificData)."
        )
    header = message.header
    prepared = getattr(header, "prepared", None)
    prepared_text = ""
    if prepared is not None:
        prepared_text = prepared.date().isoformat() if hasattr(prepared, "date") else ""
        if not prepared_text:
            m = re.match(r"\d{4}-\d{2}-\d{2}", str(prepared))
            prepared_text = m.group(0) if m else ""
    sender = getattr(header, "sender", None)
    sender_text = ""
    if sender is not None:
        name = getattr(sender, "name", None)
        sender_text = str(name).strip() if name is not None and str(name).strip() else ""
        sender_text = sender_text or _text(getattr(sender, "id", ""))
    dataflow = _ident(getattr(message, "dataflow", None))
    raws: list[_Raw] = []
    for ds in message.data:
        dataflow = dataflow or _ident(ds.described_by) or _ident(ds.structured_by)
        for obs in ds.obs:
            key = {str(k): _text(v) for k, v in obs.key.values.items()}
            attrs = {str(k): _text(v) for k, v in obs.attrib.items()}
            series_key = getattr(obs, "series_key", None)
            if series_key is not None:
                for k, v in getattr(series_key, "attrib", {}).items():
                    attrs.setdefault(str(k), _text(v))
            if "TIME_PERIOD" in key:
                period = key.pop("TIME_PERIOD")
            elif obs.dimension is not None and len(obs.dimension.values) == 1:
                only = next(iter(obs.dimension.values))
                period = key.pop(str(only))
            else:
                period = ""
            for k in list(key):
                if k in ATTRIBUTES:
                    attrs.setdefault(k, key.pop(k))
            shown = ", ".join(f"{k}={v}" for k, v in key.items())
            raws.append(
                _Raw(
                    where=f"series ({shown}), period {period or '?'}",
                    row=None,
                    key=key,
                    period=period,
                    value=None if obs.value is None else str(obs.value),
                    attrs=attrs,
                )
            )
    return _Message(dataflow, raws, len(raws), prepared_text, sender_text)


# --- SDMX-CSV -----------------------------------------------------------------------------


def sniff_delimiter(header_line: str) -> str:
    """Comma or semicolon: whichever splits the header into more columns (comma on a tie)."""
    commas = len(next(csv.reader([header_line], delimiter=","), []))
    semicolons = len(next(csv.reader([header_line], delimiter=";"), []))
    return ";" if semicolons > commas else ","


def _read_csv(path: Path, problems: Problems) -> _Message:
    try:
        body = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path.name}: not UTF-8 text ({exc}).") from exc
    first = body.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=sniff_delimiter(first))
    try:
        raw_header = next(reader)
    except StopIteration as exc:
        raise InvalidInput(f"{path.name}: the file is empty.") from exc
    labelled = [":" in h for h in raw_header]
    header = [h.split(":", 1)[0].strip() for h in raw_header]
    columns = dict(zip(header, [h.strip() for h in raw_header], strict=True))
    errors: list[FieldError] = []
    where = f"{path.name}, row 1"
    seen: set[str] = set()
    for h in header:
        if h in seen:
            errors.append(FieldError(f"the column {h} appears twice", h, where))
        seen.add(h)
    if header and header[0] == "DATAFLOW":
        flow_col, skip = 0, {"DATAFLOW"}
    elif header and header[0].startswith("STRUCTURE"):
        if len(header) < 2 or header[1] != "STRUCTURE_ID":
            errors.append(FieldError("SDMX-CSV 2.0 needs STRUCTURE_ID as its second column",
                                     "STRUCTURE_ID", where))  # fmt: skip
        flow_col, skip = 1, {header[0], "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION"}
    else:
        errors.append(
            FieldError(
                "the first column must be DATAFLOW (SDMX-CSV 1.0) or STRUCTURE (SDMX-CSV 2.0), "
                f"not {raw_header[0] if raw_header else 'nothing'!r}",
                raw_header[0] if raw_header else None,
                where,
            )
        )
        flow_col, skip = 0, set()
    for needed in ("REF_AREA", "TIME_PERIOD", "OBS_VALUE"):
        if needed not in header:
            errors.append(FieldError(f"no {needed} column", needed, where))
    if errors:
        raise InvalidInput(
            f"{path.name}: the columns are not those of an SDMX-CSV data file; nothing was "
            "imported.",
            errors,
        )
    action = header.index("ACTION") if "ACTION" in header else None
    time_at, value_at = header.index("TIME_PERIOD"), header.index("OBS_VALUE")
    key_cols = [
        (i, h) for i, h in enumerate(header)
        if h not in skip and i not in (time_at, value_at) and h not in ATTRIBUTES
    ]  # fmt: skip
    attr_cols = [(i, h) for i, h in enumerate(header) if h in ATTRIBUTES]
    width = len(header)

    def cell(row: list[str], i: int) -> str:
        value = row[i].strip()
        if labelled[i] and ": " in value:
            value = value.split(": ", 1)[0].strip()
        return value

    dataflow = ""
    raws: list[_Raw] = []
    line = 1
    for line, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        place = _Raw(f"row {line}", line, {}, "", None, {}, columns)
        if len(row) != width:
            _add(problems, place, f"{len(row)} cells where the header has {width}")
            continue
        flow = cell(row, flow_col)
        if not dataflow:
            dataflow = flow
        elif flow != dataflow:
            _add(problems, place, f"dataflow {flow!r}, where the rows above are {dataflow!r}; "
                 "import one dataflow per file", header[flow_col])  # fmt: skip
            continue
        if action is not None and cell(row, action).upper() == "D":
            _add(problems, place, "a deletion (ACTION D): gcmhub imports data, not deletions",
                 "ACTION")  # fmt: skip
            continue
        place.key = {h: cell(row, i) for i, h in key_cols}
        place.attrs = {h: cell(row, i) for i, h in attr_cols if cell(row, i)}
        place.period = cell(row, time_at)
        value = row[value_at].strip()
        place.value = value or None
        raws.append(place)
    if line == 1:
        raise InvalidInput(f"{path.name}: the file has a header and no rows.")
    return _Message(dataflow, raws, line - 1)


# --- from raw observations to gcmhub's ----------------------------------------------------


class _PlaceReader:
    """REF_AREA and COUNTERPART_AREA codes as gcmhub places, each code looked up once."""

    def __init__(self, places: Places) -> None:
        self.places = places
        self.regions = {p.geo: p for p in places.regions_by_name.values()}
        self.cache: dict[str, tuple[str, str, int | None] | None] = {}

    def __call__(self, code: str) -> tuple[str, str, int | None] | None:
        if code not in self.cache:
            self.cache[code] = self._find(code)
        return self.cache[code]

    def _find(self, code: str) -> tuple[str, str, int | None] | None:
        code = code.strip()
        if not code:
            return None
        if ":" in code:
            prefix, _, rest = code.partition(":")
            if prefix and rest and len(code) <= 16:
                return code, GeoKind.GROUP, None
            return None
        if code.isdigit() and len(code) <= 3:
            m49 = code.zfill(3)
            region = self.regions.get(m49)
            if region is not None:
                return region.geo, region.kind, None
            place = self.places.m49(m49)
            return (place.geo, place.kind, place.area_id) if place else None
        place = self.places.code(code)
        return (place.geo, place.kind, place.area_id) if place else None


def _period(text: str) -> tuple[str, int, str]:
    """An SDMX TIME_PERIOD (kept as it is), or one of the forms ``parse_period`` reads."""
    if SDMX_PERIOD.match(text):
        return text, int(text[:4]), ""
    return parse_period(text)


def _decimals(text: str) -> int:
    if "." not in text or "e" in text.lower():
        return 0
    return min(len(text.split(".", 1)[1].rstrip("0")), 6)


@dataclass
class _SeriesInfo:
    name: str
    units: set[str] = field(default_factory=set)
    decimals: int | None = None
    computed_decimals: int = 0
    keys: dict[str, None] = field(default_factory=dict)
    has_sex: bool = False
    has_age: bool = False
    has_counterpart: bool = False
    indicators: set[str] = field(default_factory=set)


def _build(
    message: _Message, places: Places, problems: Problems, meta: DatasetMeta
) -> tuple[list[SeriesDef], list[Obs]]:
    flow = DATAFLOW.match(message.dataflow or "")
    flow_id = flow.group("id") if flow else (message.dataflow or "")
    default_code = f"sdmx-{code_slug(flow_id) or 'data'}"
    find = _PlaceReader(places)
    info: dict[str, _SeriesInfo] = {}
    pending: list[tuple[_Raw, Obs, str]] = []
    missing = 0
    unread: set[str] = set()
    for raw in message.raws:
        key = dict(raw.key)
        for dropped in DROPPED_DIMENSIONS:
            key.pop(dropped, None)
        series_id = next((key[d] for d in SERIES_DIMENSIONS if key.get(d)), "")
        if series_id:
            dim = next(d for d in SERIES_DIMENSIONS if key.get(d))
            key.pop(dim)
            slug = code_slug(series_id)
            code = slug if slug.startswith("sdmx-") else f"sdmx-{slug}"
        else:
            code = default_code
        if len(code) > MAX_CODE:
            _add(problems, raw, f"the series code {series_id!r} is too long", "SERIES")
            continue
        ref = key.pop("REF_AREA", "")
        if not ref:
            _add(problems, raw, "no REF_AREA", "REF_AREA")
            continue
        place = find(ref)
        if place is None:
            _add(problems, raw, f"unknown area code {ref!r}: neither an ISO3 code nor an M49 "
                 "country or region code the registry knows", "REF_AREA")  # fmt: skip
            continue
        sex_code = key.pop("SEX", "")
        sex = SEX_CODES.get(sex_code.upper()) if sex_code else TOTAL
        if sex is None:
            _add(problems, raw, f"{sex_code!r} is not an SDMX sex code (F, M, _T)", "SEX")
            continue
        age = key.pop("AGE", "") or TOTAL
        if len(age) > MAX_AGE:
            _add(problems, raw, f"the age code {age!r} is longer than {MAX_AGE} characters", "AGE")
            continue
        cp_code = key.pop("COUNTERPART_AREA", "")
        counterpart = TOTAL
        if cp_code and cp_code != TOTAL:
            if cp_code.startswith("_") and len(cp_code) <= 16:
                counterpart = cp_code
            elif places.is_unknown(cp_code):
                counterpart = UNKNOWN
            else:
                found = find(cp_code)
                if found is None:
                    _add(problems, raw, f"unknown counterpart area code {cp_code!r}",
                         "COUNTERPART_AREA")  # fmt: skip
                    continue
                counterpart = found[0]
        if not raw.period:
            _add(problems, raw, "no TIME_PERIOD", "TIME_PERIOD")
            continue
        try:
            period, year, period_note = _period(raw.period)
        except ValueError as exc:
            _add(problems, raw, f"{exc} (SDMX periods read 2020, 2020-Q1, 2020-03, ...)",
                 "TIME_PERIOD")  # fmt: skip
            continue
        if len(period) > MAX_PERIOD:
            _add(problems, raw, f"the period is longer than {MAX_PERIOD} characters",
                 "TIME_PERIOD")  # fmt: skip
            continue
        value_text = (raw.value or "").strip()
        if value_text == "" or value_text.lower() == "nan":
            missing += 1
            continue
        # SDMX writes numbers with a decimal point and no grouping: "1,5" is not 15.
        value = None if "," in value_text else number(value_text)
        if value is None:
            _add(problems, raw, f"{value_text!r} is not a number", "OBS_VALUE")
            continue
        attrs = raw.attrs
        flags = attrs.get("OBS_STATUS", "")
        if len(flags) > MAX_FLAGS:
            _add(problems, raw, f"OBS_STATUS is longer than {MAX_FLAGS} characters", "OBS_STATUS")
            continue
        note = next((attrs[a] for a in NOTE_ATTRIBUTES if attrs.get(a)), "") or period_note
        if len(note) > MAX_NOTE:
            _add(problems, raw, f"the comment is longer than {MAX_NOTE} characters", "COMMENT_OBS")
            continue
        unit = attrs.get("UNIT_MEASURE", "")
        mult = attrs.get("UNIT_MULT", "")
        if mult and mult not in ("0", "1") and unit:
            unit = f"{unit} (\u00d710^{mult})" if mult.lstrip("-").isdigit() else f"{unit} ({mult})"
        unread.update(a for a, v in attrs.items() if v and a not in _READ_ATTRIBUTES)
        dims = {k.lower(): v for k, v in key.items() if v}
        series = info.setdefault(code, _SeriesInfo(name=series_id or flow_id or code))
        series.units.add(unit)
        series.computed_decimals = max(series.computed_decimals, _decimals(value_text))
        if attrs.get("DECIMALS", "").isdigit():
            series.decimals = max(series.decimals or 0, int(attrs["DECIMALS"]))
        for k in dims:
            series.keys.setdefault(k, None)
        series.has_sex |= bool(sex_code)
        series.has_age |= age != TOTAL
        series.has_counterpart |= counterpart != TOTAL
        indicator = dims.get("indicator", "")
        if re.fullmatch(r"\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}", indicator):
            series.indicators.add(indicator)
        obs = Obs(
            code, place[0], place[1], place[2], period, year, value, sex=sex, age=age,
            counterpart=counterpart, dims=dims_tuple(dims), flags=flags, note=note,
        )  # fmt: skip
        pending.append((raw, obs, unit))

    observations: list[Obs] = []
    seen: dict[tuple[Any, ...], _Raw] = {}
    for raw, obs, unit in pending:
        if len(info[obs.series].units) > 1:
            obs = obs._replace(dims=dims_tuple({**dict(obs.dims), "unit": unit}))
        if len(dims_key(obs.dims)) > MAX_DIMS_KEY:
            _add(problems, raw, f"the other dimensions are longer than {MAX_DIMS_KEY} "
                 "characters once written as a key")  # fmt: skip
            continue
        obs_key = obs.key()
        if obs_key in seen:
            _add(problems, raw, f"the same series, area, period and dimensions as "
                 f"{seen[obs_key].where}")  # fmt: skip
            continue
        seen[obs_key] = raw
        observations.append(obs)

    defs = []
    for code, series in info.items():
        several = len(series.units) > 1
        unit = MULTI_UNIT if several else next(iter(series.units))
        dimensions = [
            *(["sex"] if series.has_sex else []),
            *(["age"] if series.has_age else []),
            *(["counterpart"] if series.has_counterpart else []),
            *series.keys,
            *(["unit"] if several else []),
        ]
        defs.append(
            SeriesDef(
                code=code,
                name=series.name[:300],
                unit=unit[:MAX_UNIT],
                definition=f"Read from the SDMX dataflow {message.dataflow or flow_id}.",
                sdg_indicator=next(iter(series.indicators)) if len(series.indicators) == 1 else "",
                dimensions=tuple(dimensions),
                decimals=series.decimals
                if series.decimals is not None
                else series.computed_decimals,
            )
        )
    if missing:
        meta.notes.append(
            f"{missing:,} observation{'s' if missing != 1 else ''} without a value (empty "
            "OBS_VALUE) skipped."
        )
    if unread:
        meta.notes.append("Attributes not kept: " + ", ".join(sorted(unread)) + ".")
    return defs, observations


_READ_ATTRIBUTES = frozenset({"OBS_STATUS", "UNIT_MEASURE", "UNIT_MULT", "DECIMALS",
                              *NOTE_ATTRIBUTES})  # fmt: skip


def _meta(message: _Message, edition: str, path: Path) -> DatasetMeta:
    flow = DATAFLOW.match(message.dataflow or "")
    flow_id = flow.group("id") if flow else ""
    agency = (flow.group("agency") or "") if flow else ""
    if not flow_id:
        flow_id = path.stem
    edition = edition.strip() or message.prepared or "undated"
    if len(edition) > 60:
        raise InvalidInput(f"{path.name}: the edition label is longer than 60 characters.")
    publisher = message.sender or agency or "Publisher not stated in the SDMX message"
    shown = message.dataflow or flow_id
    slug = f"sdmx-{code_slug(flow_id) or 'data'}-{code_slug(edition) or 'edition'}"
    return DatasetMeta(
        slug=slug[:120],
        source=Source.SDMX,
        publisher=publisher[:200],
        title=f"SDMX dataflow {shown}"[:300],
        edition=edition,
        licence="see source",
        citation=f"{publisher}. Dataflow {shown}, edition {edition} (SDMX).",
    )


def parse(
    path: Path, places: Places, progress: Progress | None = None, *, edition: str = ""
) -> Parsed:
    """Read an SDMX-ML (.xml) or SDMX-CSV (.csv) data message (see the module notes)."""
    require_file(path, max_bytes=MAX_BYTES, suffixes=(".xml", ".csv"))
    problems = Problems(path.name)
    message = _read_ml(path) if path.suffix.lower() == ".xml" else _read_csv(path, problems)
    if progress:
        progress(message.rows_read)
    meta = _meta(message, edition, path)
    series, observations = _build(message, places, problems, meta)
    problems.raise_if_any()
    if not observations:
        raise InvalidInput(f"{path.name}: no observations with a value.")
    return Parsed(
        file_name=path.name,
        sha256=sha256_of(path),
        dataset=meta,
        series=series,
        observations=observations,
        rows_read=message.rows_read,
    )

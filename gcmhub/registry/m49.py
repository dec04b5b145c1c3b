"""Reading the UN M49 list ("Standard country or area codes for statistical use").

The UNSD download is a semicolon-separated UTF-8 file with a byte-order mark and one row per
country or area. A second, optional file (the Frictionless ``country-codes.csv``) adds each
area's name in the other UN languages. Everything is checked before anything is saved; each
problem names the file, row and column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from gcmhub.common.errors import InvalidInput
from gcmhub.common.yamlfile import Collector

UNSD_FILE = "UNSD_M49_Methodology.csv"
NAMES_FILE = "country-codes.csv"
MAX_BYTES = 5 * 1024 * 1024
REQUIRED_COLUMNS = (
    "Region Code", "Region Name", "Sub-region Code", "Sub-region Name",
    "Intermediate Region Code", "Intermediate Region Name", "Country or Area", "M49 Code",
    "ISO-alpha2 Code", "ISO-alpha3 Code", "Least Developed Countries (LDC)",
    "Land Locked Developing Countries (LLDC)", "Small Island Developing States (SIDS)",
)  # fmt: skip
NAME_COLUMNS = {
    "fr": "official_name_fr",
    "es": "official_name_es",
    "ar": "official_name_ar",
    "ru": "official_name_ru",
    "zh": "official_name_cn",
}
CODE = re.compile(r"^\d{3}$")
ISO3 = re.compile(r"^[A-Z]{3}$")
ISO2 = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class RegionRow:
    m49: str
    name: str
    level: str
    parent: str


@dataclass
class AreaRow:
    iso3: str
    iso2: str
    m49: str
    name: str
    region: str
    subregion: str
    intermediate_region: str
    ldc: bool
    lldc: bool
    sids: bool
    names: dict[str, str] = field(default_factory=dict)


@dataclass
class M49Data:
    file_name: str
    sha256: str
    regions: dict[str, RegionRow] = field(default_factory=dict)
    areas: list[AreaRow] = field(default_factory=list)


def _flag(value: str, where: str, column: str, errors: Collector) -> bool:
    value = value.strip().lower()
    if value not in ("", "x"):
        errors.add(where, f"must be empty or 'x', not {value!r}", column)
    return value == "x"


def _region(
    data: M49Data,
    row: dict[str, str],
    prefix: str,
    level: str,
    parent: str,
    where: str,
    errors: Collector,
) -> str:
    code = (row.get(f"{prefix} Code") or "").strip()
    name = (row.get(f"{prefix} Name") or "").strip()
    if not code:
        return ""
    if not CODE.match(code):
        errors.add(where, f"must be a three-digit code, not {code!r}", f"{prefix} Code")
        return ""
    known = data.regions.get(code)
    if known and (known.name != name or known.parent != parent):
        errors.add(
            where, f"region {code} is named or placed differently on another row", f"{prefix} Name"
        )
    data.regions.setdefault(code, RegionRow(code, name, level, parent))
    return code


def read_m49(path: Path) -> M49Data:
    """Parse the M49 folder (or the UNSD file itself); raise InvalidInput listing every problem."""
    unsd = path / UNSD_FILE if path.is_dir() else path
    if not unsd.is_file():
        raise InvalidInput(f"No UN M49 file at {unsd}.")
    content = unsd.read_bytes()
    if len(content) > MAX_BYTES:
        raise InvalidInput(f"{unsd.name} is {len(content)} bytes; an M49 file is far smaller.")
    errors = Collector()
    data = M49Data(file_name=unsd.name, sha256=hashlib.sha256(content).hexdigest())
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{unsd.name} is not UTF-8 text (byte {exc.start}).") from exc
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(
            f"{unsd.name} is not the UNSD M49 file: missing column(s) {', '.join(missing)}."
        )
    seen: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):
        where = f"{unsd.name}, row {number}"
        iso3 = (row["ISO-alpha3 Code"] or "").strip()
        m49 = (row["M49 Code"] or "").strip()
        name = (row["Country or Area"] or "").strip()
        if not ISO3.match(iso3):
            errors.add(where, f"must be three capital letters, not {iso3!r}", "ISO-alpha3 Code")
            continue
        if iso3 in seen:
            errors.add(where, f"{iso3} is already on row {seen[iso3]}", "ISO-alpha3 Code")
            continue
        seen[iso3] = number
        if not CODE.match(m49):
            errors.add(where, f"must be a three-digit code, not {m49!r}", "M49 Code")
        iso2 = (row["ISO-alpha2 Code"] or "").strip()
        if iso2 and not ISO2.match(iso2):
            errors.add(where, f"must be two capital letters, not {iso2!r}", "ISO-alpha2 Code")
        if not name:
            errors.add(where, "is empty", "Country or Area")
        region = _region(data, row, "Region", "region", "", where, errors)
        subregion = _region(data, row, "Sub-region", "subregion", region, where, errors)
        intermediate = _region(
            data, row, "Intermediate Region", "intermediate", subregion, where, errors
        )
        data.areas.append(
            AreaRow(
                iso3=iso3,
                iso2=iso2,
                m49=m49,
                name=name,
                region=region,
                subregion=subregion,
                intermediate_region=intermediate,
                ldc=_flag(row["Least Developed Countries (LDC)"] or "", where, "LDC", errors),
                lldc=_flag(
                    row["Land Locked Developing Countries (LLDC)"] or "", where, "LLDC", errors
                ),
                sids=_flag(
                    row["Small Island Developing States (SIDS)"] or "", where, "SIDS", errors
                ),
            )
        )
    if not data.areas and not errors.errors:
        errors.add(unsd.name, "holds no countries or areas")
    if errors.errors:
        raise InvalidInput(
            f"{unsd.name} has {len(errors.errors)} problem(s); nothing was imported.", errors.errors
        )
    names_file = unsd.parent / NAMES_FILE
    if names_file.is_file():
        _add_names(names_file, data)
    return data


def _add_names(path: Path, data: M49Data) -> None:
    """Names in French, Spanish, Arabic, Russian and Chinese, matched on the ISO3 code."""
    by_code = {area.iso3: area for area in data.areas}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            area = by_code.get((row.get("ISO3166-1-Alpha-3") or "").strip())
            if area is None:
                continue
            area.names = {
                lang: value.strip()
                for lang, column in NAME_COLUMNS.items()
                if (value := row.get(column) or "").strip()
            }

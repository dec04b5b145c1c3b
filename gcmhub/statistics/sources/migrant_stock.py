"""UN DESA International Migrant Stock: the official workbooks and IOM's long tables.

Two kinds of file carry the same estimates:

- The workbook "by sex and destination" (``undesa_pd_<year>_ims_stock_by_sex_and_destination``),
  one sheet per table. gcmhub reads Table 1 (migrant stock) and Table 3 (migrants as a share
  of the population); each has three blocks of year columns: both sexes, males, females.
  (Table 2, the population, is not read: in the 2024 edition its rows carry no location
  code, so they cannot be tied to places safely.) The 2020 and 2024 editions order their leading
  columns differently (2020: notes, location code, type of data; 2024: coverage, data type,
  location code), so columns are found by their header text, never by position. A CSV dump of
  Table 1 alone is read the same way.
- The long table destination x origin x sex (IOM's ``undesa_stocks`` extraction, columns
  ``geo, t, from, sex, n, type_b, type_c, type_r, type_i``): countries only, males and females.

Places: countries by their M49 location code (workbook) or ISO3 code (long table). UN DESA's
aggregates become the world (code 900), a UN M49 region when the name is a registry region,
or the publisher's own grouping ``desa:<code>`` otherwise (SDG regions, income groups, ...).
Special codes are read as ``reference/places.yaml`` says: the Channel Islands and Taiwan
Province of China keep codes of their own; an unknown origin is the counterpart ``_U``.
Cells holding ".." and empty cells are estimates UN DESA does not publish (Saint Barthelemy
and Saint Martin have none): they are skipped and counted in the dataset's notes; any other
text in a value cell is a problem. A location code listed twice with the same values (the
2020 edition lists Australia and New Zealand both as an SDG region and as a sub-region) is
read once; twice with different values, it is a problem. The data type (B foreign-born,
C citizenship, R includes refugees, I imputed) becomes each observation's flags.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from gcmhub.common.errors import InvalidInput
from gcmhub.statistics.models import GeoKind, Source
from gcmhub.statistics.places import Places
from gcmhub.statistics.sources.base import (
    TOTAL,
    UNKNOWN,
    DatasetMeta,
    Obs,
    Parsed,
    Problems,
    Progress,
    SeriesDef,
    is_blank,
    number,
    require_file,
    sha256_of,
    text,
    workbook_rows,
)

MAX_BYTES = 100 * 1024 * 1024
PUBLISHER = "United Nations, Department of Economic and Social Affairs, Population Division"
LICENCE = "CC BY 3.0 IGO"
LICENCE_URL = "https://creativecommons.org/licenses/by/3.0/igo/"
SOURCE_URL = "https://www.un.org/development/desa/pd/content/international-migrant-stock"
FLAG_CODES = {"B": "foreign-born", "C": "citizens", "R": "refugees", "I": "imputed"}

STOCK = SeriesDef(
    code="migrant-stock",
    name="International migrant stock at mid-year",
    unit="persons",
    definition=(
        "People living in a country or area other than the one where they were born (or, where "
        "only citizenship is recorded, whose citizenship is another country's), counted at "
        "mid-year. Some estimates include refugees and asylum seekers; the flags say which."
    ),
    sdg_indicator="",
    dimensions=("sex", "origin"),
)
SHARE = SeriesDef(
    code="migrant-stock-share",
    name="International migrants as a share of the population",
    unit="per cent",
    definition="The international migrant stock divided by the total population, times 100.",
    dimensions=("sex",),
    decimals=1,
)
# Sheet -> series, for the workbook; the CSV dump holds Table 1 only.
TABLES = {"Table 1": STOCK, "Table 3": SHARE}
SEX_LABELS = (("both sexes", TOTAL), ("females", "F"), ("males", "M"))
EDITION = re.compile(r"International Migrant Stock (\d{4})")
LONG_COLUMNS = ("geo", "t", "from", "sex", "n", "type_b", "type_c", "type_r", "type_i")


def _meta(edition: str, kind: str) -> DatasetMeta:
    origin = kind == Source.MIGRANT_STOCK_ORIGIN
    return DatasetMeta(
        slug=f"undesa-ims-{edition}-{'origin' if origin else 'destination'}",
        source=kind,
        publisher=PUBLISHER,
        title=(
            f"International Migrant Stock {edition}: destination and origin"
            if origin
            else f"International Migrant Stock {edition}: destination"
        ),
        edition=edition,
        licence=LICENCE,
        licence_url=LICENCE_URL,
        source_url=SOURCE_URL,
        citation=(
            f"United Nations Department of Economic and Social Affairs, Population Division "
            f"({edition}). International Migrant Stock {edition}. POP/DB/MIG/Stock/Rev.{edition}."
        ),
    )


def parse(path: Path, places: Places, progress: Progress | None = None) -> Parsed:
    """Read either kind of file; the kind is told by the suffix and the header."""
    require_file(path, max_bytes=MAX_BYTES, suffixes=(".xlsx", ".csv"))
    if path.suffix.lower() == ".xlsx":
        return _parse_workbook(path, places)
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        head = fh.readline()
    if tuple(c.strip() for c in next(csv.reader([head]), [])) == LONG_COLUMNS:
        return _parse_long(path, places, progress)
    return _parse_workbook(path, places)


# --- the workbook -------------------------------------------------------------------------


def _table_rows(path: Path, sheet: str) -> list[list[Any]]:
    if path.suffix.lower() == ".xlsx":
        return list(workbook_rows(path, sheet))
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        return [[_csv_cell(c) for c in row] for row in csv.reader(fh)]


def _csv_cell(cell: str) -> Any:
    value = number(cell)
    return value if value is not None and cell.strip() != "" else cell


class _Layout:
    """Where a table's columns are, found from its header row and the sex labels above it."""

    def __init__(self, header_at: int, name: int, code: int, dtype: int | None,
                 years: list[tuple[int, int, str]]) -> None:  # fmt: skip
        self.header_at = header_at
        self.name = name
        self.code = code
        self.dtype = dtype
        self.years = years  # (column, year, sex)


def _layout(rows: list[list[Any]], problems: Problems, sheet: str) -> _Layout | None:
    header_at = next(
        (i for i, row in enumerate(rows[:40]) if any(text(c) == "Location code" for c in row)),
        None,
    )
    if header_at is None:
        problems.add(
            "no header row with a 'Location code' column in the first 40 rows: this is not a "
            "UN DESA 'by sex and destination' table",
            sheet=sheet,
        )
        return None
    header = [text(c) for c in rows[header_at]]
    name = next((i for i, h in enumerate(header) if h.startswith("Region, development")), None)
    code = header.index("Location code")
    dtype = next((i for i, h in enumerate(header) if h in ("Data type", "Type of data")), None)
    if name is None:
        problems.add(
            "the header has no 'Region, development group, country or area' column",
            row=header_at + 1,
            sheet=sheet,
        )
        return None
    labels: list[tuple[int, str]] = []
    for row in rows[max(0, header_at - 4) : header_at]:
        for i, cell in enumerate(row):
            low = text(cell).lower()
            for label, sex in SEX_LABELS:
                if low.endswith(label) or f"{label} " in low or f"{label}," in low:
                    labels.append((i, sex))
                    break
    labels.sort()
    years = []
    for i, h in enumerate(header):
        if i <= max(code, dtype or 0) or not re.fullmatch(r"(19|20)\d\d", h):
            continue
        found = next((s for col, s in reversed(labels) if col <= i), None)
        if found is None:
            problems.add(
                f"year column {h} has no 'both sexes', 'males' or 'females' label above it",
                row=header_at + 1,
                column=h,
                sheet=sheet,
            )
            return None
        years.append((i, int(h), found))
    sexes = {s for _, _, s in years}
    if sexes != {TOTAL, "F", "M"}:
        problems.add(
            "expected three blocks of years (both sexes, males, females); found "
            + (", ".join(sorted(sexes)) or "none"),
            row=header_at + 1,
            sheet=sheet,
        )
        return None
    return _Layout(header_at, name, code, dtype, years)


def _edition(rows: list[list[Any]]) -> str | None:
    for row in rows[:10]:
        for cell in row:
            if m := EDITION.search(text(cell)):
                return m.group(1)
    return None


def _read_table(
    rows: list[list[Any]], sheet: str, series: SeriesDef, places: Places, problems: Problems,
    meta: DatasetMeta, out: list[Obs],
) -> int:  # fmt: skip
    layout = _layout(rows, problems, sheet)
    if layout is None:
        return 0
    seen: dict[str, tuple[int, list[Any]]] = {}
    missing = repeated = 0
    geo_rows: dict[str, list[Any]] = {}
    read = 0
    for index in range(layout.header_at + 1, len(rows)):
        row = rows[index]
        line = index + 1
        if all(is_blank(c) for c in row):
            continue
        read += 1
        name = text(row[layout.name]) if layout.name < len(row) else ""
        code = text(row[layout.code]) if layout.code < len(row) else ""
        dtype = text(row[layout.dtype]) if layout.dtype is not None else ""
        if not code.isdigit():
            problems.add(f"location code {code!r} is not a number", row=line,
                         column="Location code", sheet=sheet)  # fmt: skip
            continue
        values = [row[col] if col < len(row) else None for col, _, _ in layout.years]
        if code in seen:
            first, first_values = seen[code]
            if first_values == values:
                repeated += 1
            else:
                problems.add(
                    f"location code {code} ({name.strip()}) also on row {first}, with other "
                    "values", row=line, column="Location code", sheet=sheet,
                )  # fmt: skip
            continue
        seen[code] = (line, values)
        place = _place(code, name, dtype, places, meta)
        if place is None:
            problems.add(
                f"unknown country or area: location code {code} ({name.strip()!r}) is neither "
                "an M49 country code nor a UN DESA aggregate",
                row=line, column="Location code", sheet=sheet,
            )  # fmt: skip
            continue
        geo, kind, area_id = place
        if geo in geo_rows:
            # Two aggregates read as one UN region (an SDG region and the geographic region
            # of the same name): the same figures are read once, other figures stay apart.
            if geo_rows[geo] == values:
                repeated += 1
                continue
            geo, kind = f"desa:{code}", GeoKind.GROUP
            meta.groups[geo] = name.strip()
        geo_rows[geo] = values
        flags = " ".join(sorted({c for c in dtype.replace(",", " ").split() if c in FLAG_CODES}))
        for col, year, sex in layout.years:
            cell = row[col] if col < len(row) else None
            if is_blank(cell) or (isinstance(cell, str) and cell.strip() == ".."):
                missing += 1
                continue
            value = number(cell)
            if value is None:
                problems.add(
                    f"{text(cell)!r} is not a number",
                    row=line, column=f"{year} ({dict(_SEX_NAMES)[sex]})", sheet=sheet,
                )  # fmt: skip
                continue
            out.append(Obs(series.code, geo, kind, area_id, str(year), year, value, sex=sex,
                           flags=flags))  # fmt: skip
    if missing:
        meta.notes.append(
            f"{sheet}: {missing} empty or '..' cells (no published estimate) were skipped."
        )
    if repeated:
        meta.notes.append(f"{sheet}: {repeated} rows repeating an earlier row were read once.")
    return read


_SEX_NAMES = ((TOTAL, "both sexes"), ("F", "females"), ("M", "males"))


def _place(
    code: str, name: str, dtype: str, places: Places, meta: DatasetMeta
) -> tuple[str, str, int | None] | None:
    if code == places.desa_world:
        return "001", GeoKind.WORLD, None
    area = places.m49(code)
    if area is not None and (area.kind != GeoKind.AREA or int(code) < 900):
        return area.geo, area.kind, area.area_id
    if int(code) < 900:
        return None  # a country code the registry does not know
    region = places.region(name)
    if region is not None:
        return region.geo, region.kind, None
    key = f"desa:{code}"
    meta.groups[key] = name.strip()
    return key, GeoKind.GROUP, None


def _parse_workbook(path: Path, places: Places) -> Parsed:
    problems = Problems(path.name)
    out: list[Obs] = []
    is_csv = path.suffix.lower() == ".csv"
    sheets = {"Table 1": STOCK} if is_csv else TABLES
    first = _table_rows(path, "Table 1")
    edition = _edition(first)
    if edition is None:
        raise InvalidInput(
            f"{path.name}: the title rows do not name an 'International Migrant Stock <year>' "
            "edition; this is not a UN DESA migrant stock workbook."
        )
    meta = _meta(edition, Source.MIGRANT_STOCK)
    if is_csv:
        meta.slug += "-table1"
    rows_read = 0
    for sheet, series in sheets.items():
        rows = first if sheet == "Table 1" else _table_rows(path, sheet)
        rows_read += _read_table(rows, sheet, series, places, problems, meta, out)
    problems.raise_if_any()
    if not out:
        raise InvalidInput(f"{path.name}: no observations found.")
    return Parsed(
        file_name=path.name,
        sha256=sha256_of(path),
        dataset=meta,
        series=list(sheets.values()),
        observations=out,
        rows_read=rows_read,
    )


# --- the long table -----------------------------------------------------------------------


def _parse_long(path: Path, places: Places, progress: Progress | None) -> Parsed:
    problems = Problems(path.name)
    out: list[Obs] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    unknown_origin = 0
    other: dict[str, int] = {}
    sexes = {"female": "F", "male": "M"}
    codes: dict[str, tuple[str, str, int | None] | None] = {}

    def dest(code: str) -> tuple[str, str, int | None] | None:
        if code not in codes:
            p = places.code(code)
            codes[code] = (p.geo, p.kind, p.area_id) if p else None
        return codes[code]

    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        body = fh.read()
    reader = csv.reader(io.StringIO(body))
    header = [c.strip() for c in next(reader)]
    if tuple(header) != LONG_COLUMNS:
        raise InvalidInput(f"{path.name}: expected columns {', '.join(LONG_COLUMNS)}.")
    years: set[int] = set()
    line = 1
    for line, row in enumerate(reader, start=2):
        if len(row) != len(LONG_COLUMNS):
            problems.add(f"{len(row)} cells, expected {len(LONG_COLUMNS)}", row=line)
            continue
        geo, t, origin, sex, n = (c.strip() for c in row[:5])
        place = dest(geo)
        if place is None or place[1] == GeoKind.WORLD:
            problems.add(f"unknown destination code {geo!r}", row=line, column="geo")
            continue
        if places.is_unknown(origin):
            counterpart = UNKNOWN
            unknown_origin += 1
        else:
            op = dest(origin)
            if op is None:
                problems.add(f"unknown origin code {origin!r}", row=line, column="from")
                continue
            counterpart = op[0]
        if place[1] == GeoKind.OTHER_AREA:
            other[geo] = other.get(geo, 0) + 1
        if not t.isdigit():
            problems.add(f"year {t!r} is not a whole number", row=line, column="t")
            continue
        if sex not in sexes:
            problems.add(f"sex {sex!r} is neither 'female' nor 'male'", row=line, column="sex")
            continue
        value = number(n)
        if value is None or value < 0:
            problems.add(f"{n!r} is not a count", row=line, column="n")
            continue
        key = (geo, t, origin, sex)
        if key in seen:
            problems.add(f"same destination, year, origin and sex as row {seen[key]}", row=line)
            continue
        seen[key] = line
        flags = " ".join(
            code for code, cell in zip("BCRI", row[5:9], strict=True) if cell.strip() == "1"
        )
        year = int(t)
        years.add(year)
        out.append(Obs(STOCK.code, place[0], place[1], place[2], t, year, value,
                       sex=sexes[sex], counterpart=counterpart, flags=flags))  # fmt: skip
        if progress and line % 20000 == 0:
            progress(20000)
    if line == 1:
        raise InvalidInput(f"{path.name}: the file has a header and no rows.")
    problems.raise_if_any()
    edition = str(max(years))
    meta = _meta(edition, Source.MIGRANT_STOCK_ORIGIN)
    if unknown_origin:
        meta.notes.append(
            f"{unknown_origin} rows with an unknown origin (OOO) are kept with origin '_U'."
        )
    for code, count in sorted(other.items()):
        entry = places.code(code)
        meta.notes.append(
            f"{count} rows for {code} ({entry.name if entry else code}) are kept under that "
            "code: it is not a country of the M49 list."
        )
    return Parsed(
        file_name=path.name,
        sha256=sha256_of(path),
        dataset=meta,
        series=[STOCK],
        observations=out,
        rows_read=line - 1,
    )

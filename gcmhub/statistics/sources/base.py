"""What every importer produces, and the shared means of reading a source file.

An importer reads one file (or folder) completely, without touching the database, and returns a
``Parsed``: the dataset's provenance, the series it reports, its observations, its records (for
sources made of records, such as incidents) and every problem found. Only when the problem list
is empty does the service save anything, in one transaction.

Problems name the file, the sheet where there is one, the row as a spreadsheet program numbers
it, and the column. ``Problems`` keeps the first ``MAX_LISTED`` of them and counts the rest.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from gcmhub.common.errors import FieldError, InvalidInput

MAX_LISTED = 50
TOTAL = "_T"
UNKNOWN = "_U"


class Obs(NamedTuple):
    series: str
    geo: str
    geo_kind: str
    area_id: int | None
    period: str
    year: int
    value: float
    sex: str = TOTAL
    age: str = TOTAL
    counterpart: str = TOTAL
    dims: tuple[tuple[str, str], ...] = ()
    flags: str = ""
    note: str = ""

    def key(self) -> tuple[Any, ...]:
        return (self.series, self.geo, self.period, self.sex, self.age, self.counterpart, self.dims)


@dataclass(frozen=True)
class SeriesDef:
    code: str
    name: str
    unit: str
    definition: str = ""
    sdg_indicator: str = ""
    dimensions: tuple[str, ...] = ()
    decimals: int = 0


@dataclass
class DatasetMeta:
    slug: str
    source: str
    publisher: str
    title: str
    edition: str
    licence: str
    citation: str
    licence_url: str = ""
    source_url: str = ""
    notes: list[str] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)


class Problems:
    """Every problem found in a file; the first ``MAX_LISTED`` are kept, all are counted."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.listed: list[FieldError] = []
        self.count = 0

    def add(self, message: str, *, row: int | None = None, column: str | None = None,
            sheet: str | None = None) -> None:  # fmt: skip
        self.count += 1
        if len(self.listed) < MAX_LISTED:
            where = [self.file_name]
            if sheet:
                where.append(f"sheet {sheet!r}")
            if row is not None:
                where.append(f"row {row}")
            self.listed.append(FieldError(message, column, ", ".join(where)))

    def __bool__(self) -> bool:
        return self.count > 0

    def raise_if_any(self) -> None:
        if not self.count:
            return
        more = f" (the first {MAX_LISTED} are listed)" if self.count > MAX_LISTED else ""
        raise InvalidInput(
            f"{self.file_name}: {self.count} problem{'s' if self.count != 1 else ''} found"
            f"{more}; nothing was imported.",
            self.listed,
        )


@dataclass
class Parsed:
    file_name: str
    sha256: str
    dataset: DatasetMeta
    series: list[SeriesDef]
    observations: list[Obs]
    records: list[dict[str, Any]] = field(default_factory=list)
    rows_read: int = 0


Progress = Callable[[int], None]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_of_folder(paths: Iterable[Path], root: Path) -> str:
    """One checksum for a folder: every file's relative name and bytes, in name order."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(sha256_of(path).encode())
    return digest.hexdigest()


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def number(cell: Any) -> float | None:
    """A numeric cell as a float; None when it is not a finite number.

    Accepts numbers, and text holding a plain decimal number (thousands separators as commas or
    spaces are removed). Anything else, including "..", is None: callers decide whether that
    means "missing" or is a problem.
    """
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return float(cell) if math.isfinite(cell) else None
    if isinstance(cell, str):
        text = cell.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
        if _NUMBER.match(text):
            value = float(text)
            return value if math.isfinite(value) else None
    return None


def is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def text(cell: Any) -> str:
    """A cell as text: floats that hold whole numbers lose their ".0" (2014.0 reads 2014)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def workbook_rows(path: Path, sheet: str) -> Iterator[list[Any]]:
    """The rows of one sheet of an xlsx file, as lists of cell values (calamine, read-only)."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for unreadable files
        raise InvalidInput(f"{path.name}: not a readable Excel workbook ({exc}).") from exc
    if sheet not in book.sheet_names:
        raise InvalidInput(
            f"{path.name}: no sheet named {sheet!r}; the workbook has "
            + ", ".join(repr(s) for s in book.sheet_names)
            + "."
        )
    yield from book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as exc:
        raise InvalidInput(f"{path.name}: not a readable Excel workbook ({exc}).") from exc


def require_file(path: Path, *, max_bytes: int, suffixes: tuple[str, ...]) -> None:
    """Refuse, before reading, a file that is missing, empty, too large or of another type."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file.")
    size = path.stat().st_size
    if size == 0:
        raise InvalidInput(f"{path.name}: the file is empty.")
    if size > max_bytes:
        raise InvalidInput(
            f"{path.name}: {size:,} bytes is more than the {max_bytes:,} this importer accepts."
        )
    if path.suffix.lower() not in suffixes:
        raise InvalidInput(
            f"{path.name}: expected a {' or '.join(suffixes)} file, "
            f"not {path.suffix or 'a file without a suffix'}."
        )


def dims_tuple(dims: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in dims.items() if v not in ("", None)))


def dims_key(dims: tuple[tuple[str, str], ...]) -> str:
    return "|".join(f"{k}={v}" for k, v in dims)

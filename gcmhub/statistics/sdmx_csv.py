"""Observations written as SDMX-CSV (version 1.0 layout), for download and exchange.

Columns, in this order: ``DATAFLOW``, ``SERIES``, ``REF_AREA``, ``TIME_PERIOD``, ``SEX``,
``AGE``, ``COUNTERPART_AREA``, one column per other dimension found in the rows (its key in
upper case, in alphabetical order), ``OBS_VALUE``, ``UNIT_MEASURE`` and ``OBS_STATUS``; then
``COMMENT_OBS`` when a row carries a note. A row without a dimension another row has leaves
that cell empty.

``gcmhub import-sdmx`` reads such a file back to the same observations (the series code, if
it does not already start ``sdmx-``, comes back with that prefix). Values are written in the
shortest form that reads back to the same number ("17" for 17.0).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from typing import Any

FIXED = ("DATAFLOW", "SERIES", "REF_AREA", "TIME_PERIOD", "SEX", "AGE", "COUNTERPART_AREA")
TRAILING = ("OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS")
NOTE = "COMMENT_OBS"
RESERVED = frozenset({*FIXED, *TRAILING, NOTE})


def format_value(value: Any) -> str:
    """A number as short as it can be written and still read back to the same float."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number; SDMX-CSV cannot carry it")
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def render_sdmx_csv(rows: Iterable[dict[str, Any]], *, dataflow: str) -> bytes:
    """The rows as an SDMX-CSV file (UTF-8, comma separated, CRLF line ends).

    Each row has the keys series, geo, period, value, sex, age, counterpart, dims (a dict),
    flags and unit; ``note`` is optional. ``dataflow`` fills the DATAFLOW column
    (``AGENCY:ID(VERSION)`` or an identifier). A dimension whose key would repeat one of the
    fixed columns (``sex``, ``series``, ...) is refused with ValueError, as the file could not
    be read back.
    """
    if not dataflow.strip():
        raise ValueError("the DATAFLOW column needs a dataflow identifier")
    items = list(rows)
    extra: set[str] = set()
    with_note = False
    for row in items:
        for key in row.get("dims") or {}:
            column = str(key).upper()
            if column in RESERVED:
                raise ValueError(
                    f"the dimension {key!r} would be written as the column {column}, which "
                    "SDMX-CSV already uses for something else"
                )
            extra.add(column)
        with_note = with_note or bool(row.get("note"))
    dims = sorted(extra)
    header = [*FIXED, *dims, *TRAILING, *([NOTE] if with_note else [])]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    flow = dataflow.strip()
    for row in items:
        row_dims = {str(k).upper(): ("" if v is None else str(v))
                    for k, v in (row.get("dims") or {}).items()}  # fmt: skip
        writer.writerow(
            [
                flow,
                row["series"],
                row["geo"],
                row["period"],
                row.get("sex") or "_T",
                row.get("age") or "_T",
                row.get("counterpart") or "_T",
                *(row_dims.get(d, "") for d in dims),
                format_value(row["value"]),
                row.get("unit") or "",
                row.get("flags") or "",
                *([row.get("note") or ""] if with_note else []),
            ]
        )
    return out.getvalue().encode("utf-8")

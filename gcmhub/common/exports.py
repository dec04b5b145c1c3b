"""Tabular exports in the formats users ask for: CSV, XLSX and JSON.

Cells that a spreadsheet would run as a formula (starting with =, +, - or @) are prefixed with
an apostrophe in CSV and XLSX, so an exported text can never execute in the reader's office
suite.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from gcmhub.common.errors import InvalidInput

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder, sort_keys=True)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render_table(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[tuple[str, str]],
    fmt: str,
    *,
    title: str = "export",
) -> bytes:
    """The rows as bytes in ``fmt``; ``columns`` are (key, header) pairs in output order."""
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow([label for _, label in columns])
        for row in rows:
            writer.writerow([_cell(row.get(key)) for key, _ in columns])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=title[:31])
        ws.append([label for _, label in columns])
        for row in rows:
            ws.append([_xlsx_value(_cell(row.get(key))) for key, _ in columns])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    if fmt == "json":
        payload = [{key: row.get(key) for key, _ in columns} for row in rows]
        return json.dumps(payload, ensure_ascii=False, cls=DjangoJSONEncoder, indent=1).encode()
    raise InvalidInput(
        f"Unknown export format {fmt!r}; choose one of {', '.join(sorted(FORMATS))}."
    )


def _xlsx_value(value: Any) -> Any:
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)
    return value


def export_response(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[tuple[str, str]],
    fmt: str,
    *,
    filename: str,
) -> HttpResponse:
    body = render_table(rows, columns, fmt, title=filename)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response

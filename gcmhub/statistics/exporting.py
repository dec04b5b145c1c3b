"""Downloads of observations, shared by the statistics pages and the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from gcmhub.common.errors import InvalidInput
from gcmhub.common.exports import FORMATS, export_response
from gcmhub.statistics.sdmx_csv import render_sdmx_csv
from gcmhub.statistics.selectors import EXPORT_COLUMNS

EXPORT_FORMATS = (*FORMATS, "sdmx-csv")


def series_export(rows: list[dict[str, Any]], fmt: str, filename: str) -> HttpResponse:
    """Observation rows as a download in ``fmt`` (CSV, XLSX, JSON or SDMX-CSV), for the pages
    and the API alike."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(_("Unknown export format %(fmt)s.") % {"fmt": fmt})
    if fmt == "sdmx-csv":
        body = render_sdmx_csv(rows, dataflow=rows[0]["dataflow"] if rows else "GCMHUB")
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.sdmx.csv"'
        return response
    return export_response(rows, EXPORT_COLUMNS, fmt, filename=filename)

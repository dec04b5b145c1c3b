from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from gcmhub.common.errors import InvalidInput
from gcmhub.common.exports import render_table

ROWS = [
    {"name": '=HYPERLINK("http://evil")', "count": 3, "tags": ["a", "b"]},
    {"name": "Plain", "count": -1, "tags": []},
]
COLUMNS = [("name", "Name"), ("count", "Count"), ("tags", "Tags")]


def test_csv_neutralises_formulas_and_keeps_numbers():
    text = render_table(ROWS, COLUMNS, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Name", "Count", "Tags"]
    assert rows[1][0].startswith("'=")
    assert rows[1][2] == "a; b"
    assert rows[2][1] == "-1"


def test_xlsx_is_a_readable_workbook():
    wb = load_workbook(io.BytesIO(render_table(ROWS, COLUMNS, "xlsx", title="t")))
    ws = wb.active
    assert [c.value for c in ws[1]] == ["Name", "Count", "Tags"]
    assert ws["A2"].value.startswith("'=")
    assert ws["B2"].value == 3


def test_json_keeps_structure():
    data = json.loads(render_table(ROWS, COLUMNS, "json"))
    assert data[0]["tags"] == ["a", "b"]


def test_unknown_format_is_refused():
    with pytest.raises(InvalidInput):
        render_table(ROWS, COLUMNS, "pdf")

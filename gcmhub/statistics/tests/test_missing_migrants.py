"""The IOM Missing Migrants Project importer: the real export, a small hand-made file, and the
problems that stop an import (nothing is written then)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.db.models import Sum

from gcmhub.common.errors import InvalidInput
from gcmhub.statistics import importers
from gcmhub.statistics.models import Dataset, GeoKind, Incident, Observation
from gcmhub.statistics.places import load_places
from gcmhub.statistics.sources import missing_migrants

SMALL = Path(__file__).parent / "data" / "missing_migrants_small.csv"
EXPORT = "iom_missing_migrants/Missing_Migrants_Global_Figures_allData"
DEAD_MISSING = "missing-migrants-dead-missing"

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return Dataset.objects.count(), Incident.objects.count(), Observation.objects.count()


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _edited(tmp_path: Path, row: int, column: str, value: str) -> Path:
    """The small file with one cell changed (``row`` as a spreadsheet numbers it)."""
    rows = _read(SMALL)
    rows[row - 1][rows[0].index(column)] = value
    return _write(tmp_path / "edited.csv", rows)


def _rejected(path: Path) -> InvalidInput:
    before = _counts()
    with pytest.raises(InvalidInput) as caught:
        importers.import_path("missing-migrants", path, by=None)
    assert _counts() == before
    return caught.value


def _dead_missing(**filters: object) -> float:
    total = Observation.objects.filter(series__code=DEAD_MISSING, **filters).aggregate(
        s=Sum("value")
    )["s"]
    return float(total or 0)


# --- the real export ----------------------------------------------------------------------


def test_the_real_workbook_imports_with_iom_totals_and_once_only(registry, shared_data):
    path = shared_data / f"{EXPORT}.xlsx"
    report = importers.import_path("missing-migrants", path, by=None)
    assert report.status == "created"
    assert report.dataset == "iom-mmp-2025-04-29"
    dataset = Dataset.objects.get(slug=report.dataset)
    assert (dataset.edition, dataset.licence) == ("2025-04-29", "CC BY 4.0")
    assert dataset.record_count == dataset.rows_read == 19_255
    assert "IOM's Missing Migrants Project" in dataset.citation
    assert "2025-04-29" in dataset.citation
    assert Incident.objects.filter(dataset=dataset).count() == 19_255

    assert _dead_missing(dataset=dataset) == 74_376
    assert _dead_missing(dataset=dataset, year=2024) == 9_002
    assert _dead_missing(dataset=dataset, year=2023) == 8_747
    incidents = Incident.objects.filter(dataset=dataset)
    assert incidents.aggregate(s=Sum("dead_and_missing"))["s"] == 74_376
    assert incidents.filter(year=2024).aggregate(s=Sum("dead_and_missing"))["s"] == 9_002
    counted = Observation.objects.filter(dataset=dataset, series__code="missing-migrants-incidents")
    assert counted.aggregate(s=Sum("value"))["s"] == 19_255

    # Special values as the module documents them.
    first = incidents.get(main_id="2014.MMP00001")
    assert (first.dead, first.missing, first.dead_and_missing) == (1, None, 1)
    assert (first.area.iso3, first.origin_codes, first.source_quality) == ("USA", "GTM", 5)
    assert first.date == dt.date(2014, 1, 6)
    assert incidents.get(main_id="2020.MMP01074").year == 2020  # no date, no year
    assert incidents.filter(main_id="2016.MMP00444").exists()  # byte order mark removed
    assert incidents.get(main_id="2015.MMP00565").missing == -13  # IOM's correction
    assert not incidents.filter(area__isnull=True).exists()

    again = importers.import_path("missing-migrants", path, by=None)
    assert again.status == "unchanged"
    assert _counts() == (1, 19_255, dataset.observation_count)


def test_the_csv_dump_reads_as_the_workbook(registry, shared_data):
    places = load_places()
    book = missing_migrants.parse(shared_data / f"{EXPORT}.xlsx", places)
    dump = missing_migrants.parse(shared_data / f"{EXPORT}.csv", places)
    assert dump.dataset.slug == book.dataset.slug
    assert dump.records == book.records
    assert dump.observations == book.observations


def test_a_corrupted_copy_of_the_export_is_rejected(registry, shared_data, tmp_path):
    rows = _read(shared_data / f"{EXPORT}.csv")
    column = rows[0].index("Number of Dead")
    rows[5000][column] = "abc"  # spreadsheet row 5001
    error = _rejected(_write(tmp_path / "corrupted.csv", rows))
    assert "nothing was imported" in error.message
    assert [(e.field, e.location, e.message) for e in error.errors] == [
        ("Number of Dead", "corrupted.csv, row 5001", "'abc' is not a number")
    ]


# --- a small file -------------------------------------------------------------------------


def test_the_small_file_as_records_and_observations(registry):
    seen: list[int] = []
    parsed = missing_migrants.parse(SMALL, load_places(), seen.append)
    assert sum(seen) == parsed.rows_read == 7
    assert parsed.dataset.slug == "iom-mmp-2025-04-29"
    records = {r["main_id"]: r for r in parsed.records}

    split = records["2024.MMP0002"]
    assert split["incident_type"] == "Incident,Split Incident"
    assert (split["dead"], split["missing"], split["dead_and_missing"]) == (15, -2, 13)
    assert split["origin_codes"] == "SYR PSE"
    assert split["source_quality"] == 4
    assert (split["latitude"], split["longitude"]) == (39.1, 26.5)

    undated = records["2020.MMP0003"]
    assert (undated["date"], undated["year"], undated["dead"]) == (None, 2020, None)
    assert undated["dead_and_missing"] == 3  # the dead are unknown: the missing alone
    assert undated["latitude"] is None and undated["source_quality"] is None

    assert records["2025.MMP0004"]["area_id"] is None  # "Unknown" country of incident
    assert records["2022.MMP0007"]["area_id"] is None  # two countries
    assert records["2023.MMP0005"]["origin_codes"] == "VNM"  # "Atlantis" is not coded
    hong_kong = records["2023.MMP0005"]
    assert hong_kong["country"] == "China, Hong Kong Special Administrative Region"
    assert hong_kong["area_id"] is not None

    obs = {(o.series, o.geo, o.year, o.dims): o for o in parsed.observations}
    route = "Eastern Mediterranean"
    greece = (("cause", "Drowning"), ("region", "Mediterranean"), ("route", route))
    assert obs[(DEAD_MISSING, "GRC", 2024, greece)].value == 16
    assert obs[("missing-migrants-incidents", "GRC", 2024, greece)].value == 2
    assert obs[("missing-migrants-dead", "GRC", 2024, greece)].value == 18
    assert obs[("missing-migrants-missing", "GRC", 2024, greece)].value == -2
    mexico = (("cause", "Not given"), ("region", "Central America"), ("route", "Not given"))
    assert obs[(DEAD_MISSING, "MEX", 2020, mexico)].value == 3
    assert ("missing-migrants-dead", "MEX", 2020, mexico) not in obs  # unknown, not zero
    at_sea = [o for o in parsed.observations if o.geo == "_Z" and o.series == DEAD_MISSING]
    assert {o.geo_kind for o in at_sea} == {GeoKind.GROUP}
    assert sum(o.value for o in at_sea) == 5
    assert "_Z" in parsed.dataset.groups
    total = sum(o.value for o in parsed.observations if o.series == DEAD_MISSING)
    assert total == sum(r["dead_and_missing"] for r in parsed.records) == 26
    assert len({o.key() for o in parsed.observations}) == len(parsed.observations)
    notes = " ".join(parsed.dataset.notes)
    assert "2 incidents have no single country" in notes
    assert "'Atlantis' (1)" in notes


def test_the_small_file_imports_with_a_byte_order_mark(registry, tmp_path):
    path = _write(tmp_path / "bom.csv", _read(SMALL), encoding="utf-8-sig")
    report = importers.import_path("missing-migrants", path, by=None)
    assert (report.status, report.records) == ("created", 7)
    assert _dead_missing() == 26
    assert Incident.objects.get(main_id="2024.MMP0001").area.iso3 == "USA"


# --- problems -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (3, "Number of Dead", "abc", "'abc' is not a number"),
        (3, "Number of Dead", "2.5", "2.5 is not a whole number"),
        (3, "Number of Dead", "-1", "-1 is negative"),
        (3, "Source Quality", "7", "7 is outside IOM's grades 1 to 5"),
        (3, "Incident Year", "2024.5", "'2024.5' is not a whole number"),
        (3, "Incident Year", "2023", "2023, but the Incident Date is 2024-03-02"),
        (3, "Incident Date", "31/02/2024", "'31/02/2024' is not a date (expected YYYY-MM-DD)"),
        (3, "Coordinates", "north", "'north' is not 'latitude, longitude'"),
        (3, "Coordinates", "95.0, 10.0", "'95.0, 10.0' is out of range for 'latitude, longitude'"),
        (3, "Main ID", "", "empty Main ID"),
        (6, "Main ID", "2024.MMP0001", "Main ID '2024.MMP0001' is already on row 2"),
        (3, "Country of Incident", "Atlantis", "unknown country or area 'Atlantis'"),
        (3, "Country of Incident", "Greece,Atlantis", "unknown country or area 'Greece,Atlantis'"),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column(registry, tmp_path, row, column, value, message):
    error = _rejected(_edited(tmp_path, row, column, value))
    assert len(error.errors) == 1
    found = error.errors[0]
    assert (found.field, found.location) == (column, f"edited.csv, row {row}")
    assert found.message.startswith(message)


def test_every_problem_is_listed(registry, tmp_path):
    rows = _read(SMALL)
    dead = rows[0].index("Number of Dead")
    for row in rows[1:]:
        row[dead] = "many"
    error = _rejected(_write(tmp_path / "many.csv", rows))
    assert [e.location for e in error.errors] == [f"many.csv, row {n}" for n in range(2, 9)]


@pytest.mark.parametrize(("old", "new"), [("Cause of Death", None), ("Number of Dead", "Dead")])
def test_a_missing_or_renamed_column_is_named(registry, tmp_path, old, new):
    rows = _read(SMALL)
    at = rows[0].index(old)
    for row in rows:
        if new is None:
            del row[at]
    if new is not None:
        rows[0][at] = new
    error = _rejected(_write(tmp_path / "columns.csv", rows))
    assert error.message.startswith(f"columns.csv: missing column '{old}';")


def test_columns_are_found_by_name_in_any_order(registry, tmp_path):
    rows = [[*reversed(row), "extra"] for row in _read(SMALL)]
    rows[0][-1] = "Comment"
    parsed = missing_migrants.parse(_write(tmp_path / "reordered.csv", rows), load_places())
    assert len(parsed.records) == 7
    assert "Columns not read: 'Comment'." in parsed.dataset.notes


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("\n\n", "no header row and no incidents"),
        (SMALL.read_text().splitlines()[0] + "\n", "a header and no incidents"),
    ],
)
def test_an_empty_file_is_refused(registry, tmp_path, content, message):
    path = tmp_path / "empty.csv"
    path.write_text(content, encoding="utf-8")
    assert message in _rejected(path).message


def test_other_files_are_refused(registry, tmp_path):
    assert "expected a .xlsx or .csv file" in _rejected(_write(tmp_path / "a.txt", [["x"]])).message
    latin = tmp_path / "latin.csv"
    latin.write_bytes(SMALL.read_bytes().replace(b"Guatemala", "Guatémala".encode("latin-1")))
    assert "not UTF-8 text" in _rejected(latin).message

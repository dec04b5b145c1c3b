"""The UN DESA migrant stock importer on the real files, and its refusals."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from django.db.models import Sum

from gcmhub.common.errors import InvalidInput
from gcmhub.common.models import AuditEvent
from gcmhub.statistics.importers import import_path
from gcmhub.statistics.models import Dataset, GeoKind, Observation

DATA = Path(__file__).parent / "data"
WORKBOOK_2024 = "undesa_pd_2024_ims_stock_by_sex_and_destination.xlsx"
WORKBOOK_2020 = "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"
TABLE1_2024 = "undesa_pd_2024_ims_stock_by_sex_and_destination_Table1.csv"
LONG_2024 = "iom_gdidata_undesa_stocks.csv"

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock_dir(shared_data: Path, registry: Path) -> Path:
    return shared_data / "undesa_migrant_stock"


def _world(slug: str, period: str) -> float:
    return Observation.objects.get(
        dataset__slug=slug, series__code="migrant-stock", geo="001", period=period, sex="_T"
    ).value


def _counts() -> tuple[int, int, int]:
    return Dataset.objects.count(), Observation.objects.count(), AuditEvent.objects.count()


def test_official_totals_and_long_table_agree_and_reimport_changes_nothing(stock_dir: Path):
    reports = [
        import_path("migrant-stock", stock_dir / name, by=None)
        for name in (WORKBOOK_2024, WORKBOOK_2020, LONG_2024)
    ]
    assert [r.status for r in reports] == ["created", "created", "created"]
    assert _world("undesa-ims-2024-destination", "2024") == 304_021_813
    assert _world("undesa-ims-2020-destination", "2020") == 280_598_105
    long = Observation.objects.filter(dataset__slug="undesa-ims-2024-origin")
    assert long.count() == 153_296
    assert long.filter(period="2024").aggregate(s=Sum("value"))["s"] == 304_021_813
    # Regions by name, special codes kept under their own codes, DESA groupings named.
    assert Observation.objects.filter(geo="002", geo_kind=GeoKind.REGION).exists()
    assert long.filter(geo="XCX", geo_kind=GeoKind.OTHER_AREA).exists()
    assert long.filter(geo="TWN", geo_kind=GeoKind.OTHER_AREA).exists()
    assert long.filter(counterpart="_U").count() == 3728
    workbook = Dataset.objects.get(slug="undesa-ims-2024-destination")
    assert workbook.groups["desa:1503"] == "High-income countries"
    assert workbook.series_codes == ["migrant-stock", "migrant-stock-share"]

    before = _counts()
    again = [
        import_path("migrant-stock", stock_dir / name, by=None)
        for name in (WORKBOOK_2024, WORKBOOK_2020, LONG_2024)
    ]
    assert {r.status for r in again} == {"unchanged"}
    assert _counts() == before


def test_table1_dump_reads_like_the_workbook(stock_dir: Path):
    report = import_path("migrant-stock", stock_dir / TABLE1_2024, by=None)
    assert report.status == "created"
    assert _world("undesa-ims-2024-destination-table1", "2024") == 304_021_813
    males = Observation.objects.get(
        dataset__slug="undesa-ims-2024-destination-table1", geo="001", period="2024", sex="M"
    )
    assert males.value == 158_009_795
    morocco = Observation.objects.filter(
        dataset__slug="undesa-ims-2024-destination-table1", geo="MAR", period="2024", sex="_T"
    ).get()
    assert morocco.area is not None and morocco.area.iso3 == "MAR"
    assert morocco.flags  # the data type (B, C, R, I) travels as flags


def test_corrupted_cell_is_rejected_with_its_row_and_nothing_is_written(
    stock_dir: Path, tmp_path: Path
):
    rows = list(csv.reader((stock_dir / TABLE1_2024).open(encoding="utf-8-sig")))
    morocco = next(i for i, r in enumerate(rows) if r[1].strip() == "Morocco")
    rows[morocco][10] = "abc"  # 2015, both sexes
    bad = tmp_path / TABLE1_2024
    with bad.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    before = _counts()
    with pytest.raises(InvalidInput) as caught:
        import_path("migrant-stock", bad, by=None)
    assert str(caught.value.errors[0].location).endswith(f"row {morocco + 1}")
    assert caught.value.errors[0].field == "2015 (both sexes)"
    assert "'abc' is not a number" in caught.value.errors[0].message
    assert _counts() == before


def test_long_table_problems_are_all_listed(tmp_path: Path, registry: Path):
    lines = (DATA / "long_small.csv").read_text().splitlines()
    lines[2] = "MAR,2020,DZA,male,many,1,0,1,0"
    lines[3] = "ZZZ,2024,DZA,female,110,1,0,1,0"
    lines.append(lines[4])  # a duplicate key
    bad = tmp_path / "long.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidInput) as caught:
        import_path("migrant-stock", bad, by=None)
    found = {(str(e.location).split(", ")[-1], e.field) for e in caught.value.errors}
    assert found == {("row 3", "n"), ("row 4", "geo"), ("row 12", None)}
    assert "3 problems" in caught.value.message
    assert not Dataset.objects.exists()


def test_other_layouts_and_empty_files_are_refused(tmp_path: Path, registry: Path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InvalidInput, match="the file is empty"):
        import_path("migrant-stock", empty, by=None)
    other = tmp_path / "other.csv"
    other.write_text("country,year,value\nMorocco,2020,1\n")
    with pytest.raises(InvalidInput, match="International Migrant Stock"):
        import_path("migrant-stock", other, by=None)
    renamed = tmp_path / "renamed.xlsx"
    shutil.copy(DATA / "long_small.csv", renamed)
    with pytest.raises(InvalidInput, match="not a readable Excel workbook"):
        import_path("migrant-stock", renamed, by=None)
    assert not Dataset.objects.exists()


def test_a_corrected_file_replaces_its_dataset_in_place(tmp_path: Path, registry: Path):
    first = tmp_path / "long.csv"
    shutil.copy(DATA / "long_small.csv", first)
    import_path("migrant-stock", first, by=None)
    first.write_text(first.read_text().replace("MAR,2024,DZA,male,130", "MAR,2024,DZA,male,131"))
    report = import_path("migrant-stock", first, by=None)
    assert report.status == "replaced"
    assert Dataset.objects.count() == 1
    value = Observation.objects.get(geo="MAR", counterpart="DZA", period="2024", sex="M").value
    assert value == 131
    assert AuditEvent.objects.filter(action="statistics.dataset.replace").count() == 1

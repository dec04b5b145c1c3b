"""Statistics pages and their JSON twins read the same selectors; exports carry provenance."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gcmhub.accounts.tests.factories import AdminFactory, UserFactory
from gcmhub.statistics.importers import import_path
from gcmhub.statistics.models import Dataset

DATA = Path(__file__).parent / "data"
WORKBOOK = "undesa_migrant_stock/undesa_pd_2024_ims_stock_by_sex_and_destination.xlsx"

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(shared_data: Path, registry: Path) -> None:
    import_path("migrant-stock", shared_data / WORKBOOK, by=None)
    import_path("migrant-stock", DATA / "long_small.csv", by=None)


def test_country_page_and_its_twin_agree(client, stock, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        page = client.get("/en/statistics/countries/MAR/?sex=F")
    assert page.status_code == 200
    data = client.get("/api/v1/statistics/countries/MAR").json()
    years = [r["period"] for r in data["immigrants"]]
    assert years[0] == "1990" and years[-1] == "2024"
    female_2024 = next(r["F"] for r in data["immigrants"] if r["period"] == "2024")
    assert f'data-value="{female_2024}"' in page.content.decode()
    # Emigrants from the long table: France and Spain, both sexes summed.
    emigrants_2024 = next(r for r in data["emigrants"] if r["period"] == "2024")
    assert emigrants_2024["_T"] == 500_000 + 520_000 + 400_000 + 450_000 + 7  # + XCX
    assert [d["code"] for d in data["top_destinations"]] == ["FRA", "ESP", "XCX"]
    assert data["top_origins"][0]["code"] == "DZA"
    assert data["immigrants_source"]["licence"] == "CC BY 3.0 IGO"


def test_registry_profile_shows_the_stock_section(client, stock):
    html = client.get("/en/registry/countries/MAR/").content.decode()
    assert 'id="statistics"' in html
    assert "/en/statistics/countries/MAR/" in html
    assert "profile-stock" in html


def test_corridor_csv_equals_the_page(client, stock):
    data = client.get("/api/v1/statistics/corridors/DZA/MAR").json()
    assert [r["period"] for r in data["rows"]] == ["2020", "2024"]
    assert data["rows"][1] == {"period": "2024", "year": 2024, "F": 110, "M": 130, "_T": 240}
    body = client.get("/en/statistics/corridors/DZA/MAR/?format=csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {(r["period"], r["sex"], r["value"]) for r in rows} == {
        ("2020", "F", "100"), ("2020", "M", "120"), ("2020", "_T", "220"),
        ("2024", "F", "110"), ("2024", "M", "130"), ("2024", "_T", "240"),
    }  # fmt: skip
    assert client.get("/api/v1/statistics/corridors/DZA/ZZZ").status_code == 404


def test_series_page_pickers_map_and_exports(client, stock):
    page = client.get("/en/statistics/series/migrant-stock/?dataset=undesa-ims-2024-destination")
    assert page.status_code == 200
    assert "series-map-data" in page.content.decode()
    api = client.get(
        "/api/v1/statistics/series/migrant-stock/observations?geo=MAR&sex=M&from=2020"
    ).json()
    assert api["dataset"]["slug"] == "undesa-ims-2024-destination"  # totals before origins
    assert [o["period"] for o in api["observations"]] == ["2020", "2024"]
    assert {o["sex"] for o in api["observations"]} == {"M"}
    export = client.get(
        "/en/statistics/export/?series=migrant-stock,migrant-stock-share&geo=MAR&sex=_T&format=csv"
    ).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(export)))
    assert {r["series"] for r in rows} == {"migrant-stock", "migrant-stock-share"}
    assert all(r["licence"] == "CC BY 3.0 IGO" and "Rev.2024" in r["citation"] for r in rows)
    as_json = json.loads(
        client.get("/en/statistics/series/migrant-stock/?geo=001&format=json").content
    )
    assert any(r["period"] == "2024" and r["value"] == 304_021_813 for r in as_json)
    sdmx = client.get("/en/statistics/series/migrant-stock/?geo=MAR&format=sdmx-csv")
    assert sdmx.status_code == 200
    assert b"TIME_PERIOD" in sdmx.content and b"OBS_VALUE" in sdmx.content
    assert client.get("/en/statistics/series/migrant-stock/?format=pdf").status_code in (400, 422)


def test_region_is_computed_from_countries_with_coverage(client, stock):
    data = client.get("/api/v1/statistics/regions/002").json()
    row = next(r for r in data["stock"] if r["period"] == "2024")
    assert 0 < row["coverage"] <= data["member_count"]
    assert row["published__T"] is not None  # UN DESA gives its own figure for Africa
    assert client.get("/en/statistics/regions/002/").status_code == 200
    assert client.get("/api/v1/statistics/regions/999").status_code == 404


def test_index_and_dataset_pages(client, stock):
    assert client.get("/en/statistics/").status_code == 200
    page = client.get("/en/statistics/datasets/undesa-ims-2024-destination/")
    assert b"894fe0637f649e9eb2555915e7f5d6e9818a913b7653c8d7b5e3803fc236ce82" in page.content
    listed = client.get("/api/v1/statistics/datasets").json()
    assert {d["slug"] for d in listed} == set(Dataset.objects.values_list("slug", flat=True))


def test_upload_is_for_platform_admins_and_reports_problems(client, registry):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/en/statistics/import/").status_code == 403
    admin = AdminFactory()
    client.force_login(admin)
    bad = (
        (DATA / "long_small.csv")
        .read_text()
        .replace("MAR,2020,DZA,male,120", "MAR,2020,DZA,male,x")
    )
    response = client.post(
        "/en/statistics/import/",
        {"kind": "migrant-stock", "file": SimpleUploadedFile("long.csv", bad.encode())},
    )
    assert response.status_code == 200
    assert "row 3" in response.content.decode()
    assert not Dataset.objects.exists()
    response = client.post(
        "/en/statistics/import/",
        {"kind": "migrant-stock",
         "file": SimpleUploadedFile("long.csv", (DATA / "long_small.csv").read_bytes())},
    )  # fmt: skip
    assert Dataset.objects.get().imported_by == admin

"""Browser journey through the statistics of a country: profile, sex filter, corridor, CSV."""

from __future__ import annotations

import csv
import io

import pytest

STOCK = "undesa_migrant_stock"


@pytest.fixture
def statistics_data(registry_data, shared_data):
    from gcmhub.statistics.importers import import_path

    import_path(
        "migrant-stock",
        shared_data / STOCK / "undesa_pd_2024_ims_stock_by_sex_and_destination.xlsx",
        by=None,
    )
    import_path("migrant-stock", shared_data / STOCK / "iom_gdidata_undesa_stocks.csv", by=None)


def _table(page, selector: str) -> dict[str, str]:
    """Year -> the value cell's exact number (data-value) of a statistics table."""
    rows = page.locator(f"{selector} tbody tr")
    out = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        out[row.locator("th").inner_text().strip()] = row.locator("td").first.get_attribute(
            "data-value"
        )
    return out


def test_visitor_reads_morocco_switches_sex_opens_a_corridor_and_downloads_it(
    page, statistics_data, shoot, axe
):
    page.goto("/en/registry/countries/MAR/")
    section = page.locator("#statistics")
    years = section.locator("tbody th").all_inner_texts()
    assert years[0] == "1990" and years[-1] == "2024"
    assert "304" not in section.inner_text()  # Morocco's own figures, not the world's
    section.get_by_role("link", name="Migration statistics for Morocco").click()

    page.wait_for_url("**/statistics/countries/MAR/")
    both = _table(page, "#immigrants")
    assert sorted(both)[0] == "1990" and sorted(both)[-1] == "2024"
    assert page.locator(".stat-chart canvas").first.is_visible()
    axe(page, "Morocco statistics")

    page.locator("#sex").select_option("F")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/statistics/countries/MAR/?sex=F")
    female = _table(page, "#immigrants")
    assert female.keys() == both.keys()
    assert all(float(female[y]) < float(both[y]) for y in both)
    shoot(page, "statistics-morocco-female")

    page.locator("#top-origins tbody a").first.click()
    page.wait_for_url("**/statistics/corridors/*/MAR/")
    shown = {}
    rows = page.locator("#corridor tbody tr")
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        shown[rows.nth(i).locator("th").inner_text().strip()] = [
            cells.nth(j).get_attribute("data-value") for j in range(3)
        ]
    assert shown, "the corridor table is empty"
    axe(page, "corridor")

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    downloaded: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        assert row["destination"] == "MAR"
        downloaded.setdefault(row["period"], {})[row["sex"]] = row["value"]
    assert set(downloaded) == set(shown)
    for period, (total, female_v, male_v) in shown.items():
        assert [downloaded[period]["_T"], downloaded[period]["F"], downloaded[period]["M"]] == [
            total,
            female_v,
            male_v,
        ]

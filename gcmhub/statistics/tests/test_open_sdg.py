"""The Open SDG importer: the year forms it reads, small made-up folders, and the UK repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gcmhub.common.errors import InvalidInput
from gcmhub.statistics import importers
from gcmhub.statistics.models import Dataset, Observation, Series
from gcmhub.statistics.places import load_places
from gcmhub.statistics.sources import open_sdg
from gcmhub.statistics.sources.open_sdg import parse_period


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2014", ("2014", 2014, "")),
        (" 2021.0 ", ("2021", 2021, "")),
        ("2000 Q1", ("2000-Q1", 2000, "")),
        ("Q3 2020", ("2020-Q3", 2020, "")),
        ("2000/01", ("2000/01", 2000, "")),
        ("2001/2002", ("2001/02", 2001, "")),
        ("1999/2000", ("1999/00", 1999, "")),
        ("2021/22 [Note 5]", ("2021/22", 2021, "Note 5")),
        ("2020/21 [Note 5] [Note 6]", ("2020/21", 2020, "Note 5; Note 6")),
        ("2002/03-2007/08", ("2002/03-2007/08", 2002, "")),
        ("2007/08 to 2008/09", ("2007/08-2008/09", 2007, "")),
        ("2015/16 to 2017/18", ("2015/16-2017/18", 2015, "")),
        ("2015 to 2017", ("2015-2017", 2015, "")),
        ("2020-03", ("2020-03", 2020, "")),
        ("2020-03-31", ("2020-03-31", 2020, "")),
    ],
)
def test_period_forms(cell, expected):
    assert parse_period(cell) == expected


@pytest.mark.parametrize(
    "cell",
    ["", "There is no data for this indicator yet", "2021.5", "20", "2001/1999", "2020-13",
     "2018 to 2016", "[Note 5]", "2000 Q5"],
)  # fmt: skip
def test_period_refusals(cell):
    with pytest.raises(ValueError):
        parse_period(cell)


# --- small folders written by the tests ---------------------------------------------------

META = """---
indicator_name: global_indicators.{dash}-title
indicator_number: {number}
reporting_status: {status}
graph_title: {title}
computation_units: Number
source_organisation_1: Test office
---
Body text, not read.
"""


def _folder(root: Path, files: dict[str, str], metas: dict[str, str] | None = None,
            config: str | None = None) -> Path:  # fmt: skip
    (root / "data").mkdir(parents=True)
    (root / "meta").mkdir()
    for name, body in files.items():
        (root / "data" / f"indicator_{name}.csv").write_text(body, encoding="utf-8")
    for name, status in (metas or {}).items():
        (root / "meta" / f"{name}.md").write_text(
            META.format(dash=name, number=name.replace("-", "."), status=status,
                        title=f"Title of {name}"),
            encoding="utf-8",
        )  # fmt: skip
    if config is not None:
        (root / "config_data.yml").write_text(config, encoding="utf-8")
    return root


def _parse(folder: Path, **options):
    return open_sdg.parse(folder, load_places(), **options)


@pytest.mark.django_db
def test_small_folder(registry, tmp_path):
    folder = _folder(
        tmp_path / "repo",
        {
            "10-7-3": (
                "Year,Cause of death,Sex,Age,GeoCode,Observation status,Unit multiplier,Units,"
                "Value\n"
                "2014,,,,,Normal value,Units,Number,17.0\n"
                "2015,,,,,Normal value,Units,Number,31\n"
                "2015,Drowning,Female,18 to 24,,Estimated value,Units,Number,3\n"
                "2015,Drowning,Male,,E92000001,Normal value,Units,Number,4.25\n"
                "2016,,,,,Missing value,Units,Number,\n"
                "2021/22 [Note 5],,,,,Provisional value,Units,Number,8\n"
            ),
            "8-4-1": (
                "Year,Series,Units,Unit multiplier,Value\n"
                "2000 Q1,Material footprint,Metric tons,Millions,12.5\n"
                "2000 Q1,Material footprint,Kilograms per constant USD,Units,0.5\n"
            ),
            "10-7-1": "Year,Value\nThere is no data for this indicator yet,\n",
        },
        {"10-7-3": "complete", "10-7-1": "notstarted", "17-17-1": "notstarted"},
    )
    parsed = _parse(folder, area="GBR", edition="2025-09")
    assert parsed.dataset.slug == "open-sdg-gbr-2025-09"
    assert parsed.dataset.publisher == "Office for National Statistics (UK)"
    assert parsed.dataset.licence == "Open Government Licence v3.0"
    codes = {s.code: s for s in parsed.series}
    assert set(codes) == {"open-sdg-10-7-3", "open-sdg-8-4-1"}
    death = codes["open-sdg-10-7-3"]
    assert death.name == "Indicator 10.7.3: Title of 10-7-3"
    assert death.sdg_indicator == "10.7.3"
    assert death.unit == "Number"
    assert death.dimensions == ("sex", "age", "cause_of_death", "geocode")
    assert death.decimals == 2
    obs = {(o.series, o.period, o.sex, o.age, o.dims): o for o in parsed.observations}
    headline = obs[("open-sdg-10-7-3", "2014", "_T", "_T", ())]
    assert (headline.geo, headline.geo_kind, headline.value, headline.flags) == (
        "GBR", "area", 17.0, "")  # fmt: skip
    female = obs[("open-sdg-10-7-3", "2015", "F", "18 to 24", (("cause_of_death", "Drowning"),))]
    assert (female.value, female.flags) == (3.0, "E")
    male = obs[("open-sdg-10-7-3", "2015", "M", "_T",
                (("cause_of_death", "Drowning"), ("geocode", "E92000001")))]  # fmt: skip
    assert male.value == 4.25
    noted = obs[("open-sdg-10-7-3", "2021/22", "_T", "_T", ())]
    assert (noted.year, noted.note, noted.flags) == (2021, "Note 5", "P")
    # Two units in one file: each value keeps its unit (with the multiplier) as a dimension.
    footprint = codes["open-sdg-8-4-1"]
    assert footprint.unit.startswith("various")
    assert footprint.dimensions == ("sdg_series", "unit")
    units = {dict(o.dims)["unit"] for o in parsed.observations if o.series == footprint.code}
    assert units == {"Metric tons (millions)", "Kilograms per constant USD"}
    assert {o.period for o in parsed.observations if o.series == footprint.code} == {"2000-Q1"}
    notes = "\n".join(parsed.dataset.notes)
    assert "placeholder ('There is no data for this indicator yet')" in notes
    assert "notstarted" in notes and "10.7.1" in notes
    assert "Metadata without a data file: 17.17.1" in notes
    assert "1 row with an empty Value skipped" in notes
    assert parsed.rows_read == 9


@pytest.mark.django_db
def test_repeated_and_conflicting_rows(registry, tmp_path):
    folder = _folder(
        tmp_path / "repo",
        {"10-7-4": ("Year,Group,Value\n2014,A,1\n2014,A,1\n2015,A,2\n2015,A,3\n2016,A,4\n")},
    )
    parsed = _parse(folder, area="GBR")
    assert sorted((o.period, o.value) for o in parsed.observations) == [
        ("2014", 1.0), ("2016", 4.0)]  # fmt: skip
    notes = "\n".join(parsed.dataset.notes)
    assert "1 row repeating an earlier row with the same value read once" in notes
    assert "on 1 set of rows (rows 4 and 5)" in notes


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "row", "column", "words"),
    [
        ("Year,Value\n2014,1\nsometime,2\n", "row 3", "Year", "is not a year"),
        ("Year,Value\n2014,1\n2015,abc\n", "row 3", "Value", "'abc' is not a number"),
        ("Year,Sex,Value\n2014,Unknown,1\n", "row 2", "Sex", "not a sex"),
        ("Year,Value,Units\n2014,1,Number\n", "row 1", None, "first column must be 'Year'"),
        ("Year,Value\n2014,1,2\n", "row 2", None, "3 cells"),
    ],
)
def test_problems_name_file_row_and_column(registry, tmp_path, body, row, column, words):
    folder = _folder(tmp_path / "repo", {"10-7-4": body})
    with pytest.raises(InvalidInput) as caught:
        _parse(folder, area="GBR")
    error = caught.value.errors[0]
    assert error.location == f"data/indicator_10-7-4.csv, {row}"
    assert error.field == column
    assert words in error.message


@pytest.mark.django_db
def test_area_from_config_or_refused(registry, tmp_path):
    body = {"10-7-4": "Year,Value\n2014,1\n"}
    config = "sdmx_output_global:\n  default_values: {REF_AREA: 250}\n"
    parsed = _parse(_folder(tmp_path / "fr", body, config=config))
    assert parsed.observations[0].geo == "FRA"
    assert parsed.dataset.publisher == "Open SDG data repository"
    assert parsed.dataset.licence == "see source"
    assert parsed.dataset.slug.startswith("open-sdg-fra-snapshot-")
    with pytest.raises(InvalidInput, match="--area"):
        _parse(_folder(tmp_path / "none", body))
    with pytest.raises(InvalidInput, match="not the ISO3 code"):
        _parse(_folder(tmp_path / "bad", body), area="XYZ")


@pytest.mark.django_db
def test_broken_meta_is_a_problem(registry, tmp_path):
    folder = _folder(tmp_path / "repo", {"10-7-4": "Year,Value\n2014,1\n"})
    (folder / "meta" / "10-7-4.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        _parse(folder, area="GBR")
    assert caught.value.errors[0].location.startswith("meta/10-7-4.md")


# --- the UK repository (../shared/data/open_sdg_uk) ---------------------------------------


@pytest.fixture
def uk(registry, shared_data) -> Path:
    path = shared_data / "open_sdg_uk"
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    return path


@pytest.mark.django_db
def test_uk_repository(uk):
    report = importers.import_path("open-sdg", uk, by=None, area="GBR")
    assert report.status == "created"
    dataset = Dataset.objects.get(slug=report.dataset)
    assert dataset.source == "open_sdg"
    assert dataset.slug.startswith("open-sdg-gbr-snapshot-")
    assert dataset.rows_read == 39_374
    # 53 data files, 10 of them placeholders.
    assert Series.objects.filter(code__startswith="open-sdg-").count() == 43
    assert dataset.observation_count == Observation.objects.filter(dataset=dataset).count()
    headline = dict(
        Observation.objects.filter(
            dataset=dataset, series__code="open-sdg-10-7-3", dims_key="", sex="_T", age="_T"
        ).values_list("period", "value")
    )
    assert headline["2014"] == 17.0
    assert headline["2015"] == 31.0
    channel = Series.objects.get(code="open-sdg-10-7-3")
    assert channel.sdg_indicator == "10.7.3"
    assert channel.name.startswith("Indicator 10.7.3: Number of people who died")
    assert {"cause_of_death", "region_of_origin", "sex", "age"} <= set(channel.dimensions)
    periods = set(
        Observation.objects.filter(dataset=dataset, series__code="open-sdg-10-c-1")
        .values_list("period", flat=True)
    )  # fmt: skip
    assert {"2013-Q1", "2022-Q3"} <= periods
    assert Observation.objects.filter(dataset=dataset, note="Note 5").exists()
    assert Observation.objects.filter(
        dataset=dataset, series__code="open-sdg-17-10-1", period="2021"
    ).exists()
    assert set(Observation.objects.filter(dataset=dataset).values_list("geo", flat=True)) == {"GBR"}
    notes = "\n".join(dataset.notes)
    assert notes.count("placeholder") == 10
    assert "There is no data for this indicator yet" in notes
    assert "notstarted" in notes
    again = importers.import_path("open-sdg", uk, by=None, area="GBR")
    assert again.status == "unchanged"
    assert Dataset.objects.filter(source="open_sdg").count() == 1


@pytest.mark.django_db
def test_uk_repository_names_its_country(uk):
    parsed = importers.parse_path("open-sdg", uk)
    assert parsed.observations[0].geo == "GBR"
    assert parsed.dataset.source_url == "https://sdgdata.gov.uk/"


@pytest.mark.django_db
def test_corrupted_copy_writes_nothing(uk, tmp_path):
    copy = tmp_path / "open_sdg_uk"
    shutil.copytree(uk / "data", copy / "data")
    shutil.copytree(uk / "meta", copy / "meta")
    shutil.copy(uk / "config_data.yml", copy / "config_data.yml")
    target = copy / "data" / "indicator_10-7-3.csv"
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[2].startswith("2015,") and lines[2].rstrip().endswith(",31.0")
    lines[2] = lines[2].rstrip()[: -len("31.0")] + "abc\n"
    target.write_text("".join(lines), encoding="utf-8")
    before = Observation.objects.count(), Dataset.objects.count()
    with pytest.raises(InvalidInput) as caught:
        importers.import_path("open-sdg", copy, by=None, area="GBR")
    assert [(e.location, e.field) for e in caught.value.errors] == [
        ("data/indicator_10-7-3.csv, row 3", "Value")
    ]
    assert "'abc' is not a number" in caught.value.errors[0].message
    assert (Observation.objects.count(), Dataset.objects.count()) == before

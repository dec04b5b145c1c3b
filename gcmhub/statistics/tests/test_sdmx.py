"""The SDMX importer (SDMX-ML and SDMX-CSV) and the SDMX-CSV exporter, read back by the importer."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from gcmhub.common.errors import InvalidInput
from gcmhub.statistics import importers
from gcmhub.statistics.models import Dataset, Observation, Series
from gcmhub.statistics.places import load_places
from gcmhub.statistics.sdmx_csv import render_sdmx_csv
from gcmhub.statistics.sources import sdmx
from gcmhub.statistics.sources.base import Obs

DATA = Path(__file__).parent / "data"


def _parse(path: Path, **options):
    return sdmx.parse(path, load_places(), **options)


def _by_key(observations: list[Obs]) -> dict[tuple, Obs]:
    return {o.key(): o for o in observations}


@pytest.mark.django_db
def test_generic_message(registry):
    parsed = _parse(DATA / "sdmx_generic.xml")
    meta = parsed.dataset
    assert meta.slug == "sdmx-df-migration-2024-03-01"
    assert meta.edition == "2024-03-01"
    assert meta.publisher == "Test statistics office"
    assert meta.source == "sdmx"
    series = {s.code: s for s in parsed.series}
    assert set(series) == {"sdmx-sm-pop-totl", "sdmx-si-rmt-cost"}
    assert series["sdmx-sm-pop-totl"].unit == "PS"
    assert series["sdmx-sm-pop-totl"].name == "SM_POP_TOTL"
    assert series["sdmx-si-rmt-cost"].unit == "PT"
    obs = _by_key(parsed.observations)
    assert len(obs) == 5
    female = obs[("sdmx-sm-pop-totl", "GBR", "2020", "F", "_T", "_T", ())]
    assert (female.value, female.flags, female.geo_kind) == (4_500_000.0, "E", "area")
    assert female.area_id is not None
    # An M49 country code is read as the country.
    male = obs[("sdmx-sm-pop-totl", "GBR", "2020", "M", "Y15T64", "_T", ())]
    assert male.value == 3_900_000.5
    europe = obs[("sdmx-sm-pop-totl", "150", "2020", "_T", "_T", "_T", ())]
    assert (europe.geo_kind, europe.area_id) == ("region", None)
    world = obs[("sdmx-si-rmt-cost", "001", "2022-Q3", "_T", "_T", "FRA",
                 (("corridor_type", "SEND"),))]  # fmt: skip
    assert (world.geo_kind, world.year, world.note) == ("world", 2022, "Average of corridors")
    assert "1 observation without a value (empty OBS_VALUE) skipped." in meta.notes
    assert parsed.rows_read == 6


@pytest.mark.django_db
def test_structure_specific_message(registry):
    parsed = _parse(DATA / "sdmx_structure_specific.xml", edition="2023 release")
    assert parsed.dataset.slug == "sdmx-df-refugees-2023-release"
    (series,) = parsed.series
    # No SERIES dimension: the dataflow names the series.
    assert series.code == "sdmx-df-refugees"
    assert series.unit == "PER_100000_POP"
    assert series.decimals == 1
    values = {(o.geo, o.period): (o.value, o.flags) for o in parsed.observations}
    assert values == {
        ("SYR", "2019"): (3650.2, ""),
        ("SYR", "2020"): (3710.9, "P"),
        ("AFG", "2020"): (690.0, ""),
    }
    # UNIT_MEASURE sits on the series: it is an attribute, not a dimension.
    assert all(o.dims == () for o in parsed.observations)


@pytest.mark.django_db
def test_csv_message(registry):
    report = importers.import_path("sdmx", DATA / "sdmx_data.csv", by=None)
    assert report.status == "created"
    assert report.dataset == "sdmx-df-missing-undated"
    dataset = Dataset.objects.get(slug=report.dataset)
    assert dataset.publisher == "IOM"
    assert dataset.observation_count == 5
    series = Series.objects.get(code="sdmx-vc-dth-migr")
    assert series.unit == "PS"
    assert series.dimensions == ["sex", "age", "route"]
    rows = {
        (o.geo, o.period, o.sex, o.age, o.dims_key): (o.value, o.flags)
        for o in Observation.objects.filter(dataset=dataset)
    }
    assert rows[("GBR", "2021", "_T", "_T", "")] == (36.0, "")
    assert rows[("GBR", "2021", "F", "_T", "")] == (4.0, "E")
    assert rows[("GBR", "2022", "_T", "_T", "route=English Channel")] == (4.0, "")
    assert rows[("FRA", "2022", "M", "Y18T59", "route=Sea, Channel")] == (1.5, "P")
    assert rows[("419", "2022", "_T", "_T", "")] == (1234.0, "")
    again = importers.import_path("sdmx", DATA / "sdmx_data.csv", by=None)
    assert again.status == "unchanged"


def _write(tmp_path: Path, text: str, name: str = "message.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_csv_semicolons_labels_and_version_2(registry, tmp_path):
    labelled = _write(
        tmp_path,
        "DATAFLOW;REF_AREA: Reference area;TIME_PERIOD: Time;OBS_VALUE: Value\n"
        "X:DF(1.0);GBR: United Kingdom;2020;5\n",
    )
    (obs,) = _parse(labelled).observations
    assert (obs.geo, obs.period, obs.value, obs.series) == ("GBR", "2020", 5.0, "sdmx-df")
    v2 = _write(
        tmp_path,
        "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,TIME_PERIOD,OBS_VALUE\n"
        "dataflow,ESTAT:MIGR(1.0),I,FRA,2019,7\n",
        "v2.csv",
    )
    parsed = _parse(v2)
    assert parsed.dataset.slug == "sdmx-migr-undated"
    assert parsed.dataset.publisher == "ESTAT"
    assert parsed.observations[0].value == 7.0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "location", "column", "words"),
    [
        ("DATAFLOW,REF_AREA,TIME_PERIOD,OBS_VALUE\nX:DF(1.0),GBR,2020,abc\n",
         "message.csv, row 2", "OBS_VALUE", "'abc' is not a number"),
        ('DATAFLOW,REF_AREA,TIME_PERIOD,OBS_VALUE\nX:DF(1.0),GBR,2020,"1,5"\n',
         "message.csv, row 2", "OBS_VALUE", "'1,5' is not a number"),
        ("DATAFLOW,REF_AREA,TIME_PERIOD,OBS_VALUE\nX:DF(1.0),GBR,2020,1\nX:DF(1.0),XXY,2020,2\n",
         "message.csv, row 3", "REF_AREA", "unknown area code 'XXY'"),
        ("DATAFLOW,REF_AREA,TIME_PERIOD,OBS_VALUE\nX:DF(1.0),GBR,sometime,1\n",
         "message.csv, row 2", "TIME_PERIOD", "not a year or period"),
        ("DATAFLOW,REF_AREA,SEX,TIME_PERIOD,OBS_VALUE\nX:DF(1.0),GBR,Q,2020,1\n",
         "message.csv, row 2", "SEX", "not an SDMX sex code"),
        ("DATAFLOW,REF_AREA,TIME_PERIOD,OBS_VALUE\nX:DF(1.0),GBR,2020,1\nX:DF(1.0),GBR,2020,2\n",
         "message.csv, row 3", None, "the same series, area, period and dimensions as row 2"),
        ("DATAFLOW,REF_AREA,TIME_PERIOD,OBS_VALUE\nX:DF(1.0),GBR,2020\n",
         "message.csv, row 2", None, "3 cells where the header has 4"),
        ("DATAFLOW,REF_AREA,TIME_PERIOD,OBS_VALUE\nX:DF(1.0),GBR,2020,1\nY:DF(1.0),GBR,2021,1\n",
         "message.csv, row 3", "DATAFLOW", "import one dataflow per file"),
    ],
)  # fmt: skip
def test_csv_row_problems(registry, tmp_path, text, location, column, words):
    with pytest.raises(InvalidInput) as caught:
        _parse(_write(tmp_path, text))
    (error,) = caught.value.errors
    assert (error.location, error.field) == (location, column)
    assert words in error.message


@pytest.mark.django_db
def test_csv_wrong_columns(registry, tmp_path):
    with pytest.raises(InvalidInput) as caught:
        _parse(_write(tmp_path, "Country,Year,Value\nGBR,2020,1\n"))
    fields = {e.field for e in caught.value.errors}
    assert {"Country", "REF_AREA", "TIME_PERIOD", "OBS_VALUE"} <= fields
    assert all(e.location == "message.csv, row 1" for e in caught.value.errors)


@pytest.mark.django_db
def test_xml_problems(registry, tmp_path):
    text = (DATA / "sdmx_generic.xml").read_text(encoding="utf-8")
    bad_value = _write(tmp_path, text.replace('value="4100000"', 'value="many"'), "value.xml")
    with pytest.raises(InvalidInput) as caught:
        _parse(bad_value)
    (error,) = caught.value.errors
    assert error.field == "OBS_VALUE"
    assert error.location == (
        "value.xml, series (FREQ=A, SERIES=SM_POP_TOTL, REF_AREA=GBR, SEX=F, AGE=_T), period 2015"
    )
    bad_area = _write(tmp_path, text.replace('value="150"', 'value="999"'), "area.xml")
    with pytest.raises(InvalidInput) as caught:
        _parse(bad_area)
    assert caught.value.errors[0].field == "REF_AREA"
    assert "period 2020" in caught.value.errors[0].location
    broken = _write(tmp_path, text[: len(text) // 2], "broken.xml")
    with pytest.raises(InvalidInput, match="not a readable SDMX-ML message"):
        _parse(broken)
    entity = _write(
        tmp_path, '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        "\n<x>&e;</x>\n", "entity.xml")  # fmt: skip
    with pytest.raises(InvalidInput, match="DOCTYPE"):
        _parse(entity)


def test_refuses_other_files(tmp_path):
    with pytest.raises(InvalidInput, match=r"expected a \.xml or \.csv file"):
        sdmx.parse(_write(tmp_path, "{}", "message.json"), None)


# --- the exporter -------------------------------------------------------------------------


def _rows(observations: list[Obs], units: dict[str, str]) -> list[dict]:
    return [
        {
            "series": o.series, "geo": o.geo, "period": o.period, "value": o.value,
            "sex": o.sex, "age": o.age, "counterpart": o.counterpart, "dims": dict(o.dims),
            "flags": o.flags, "unit": units[o.series], "note": o.note,
        }
        for o in observations
    ]  # fmt: skip


def test_render_columns():
    body = render_sdmx_csv(
        [
            {"series": "migrant-stock", "geo": "GBR", "period": "2020", "value": 17.0,
             "sex": "F", "age": "_T", "counterpart": "_T", "dims": {"route": "Sea"},
             "flags": "E", "unit": "persons"},
            {"series": "migrant-stock", "geo": "001", "period": "2020", "value": 0.1,
             "sex": "_T", "age": "_T", "counterpart": "FRA", "dims": {"cause_of_death": "x"},
             "flags": "", "unit": "persons"},
        ],
        dataflow="GCMHUB:DF_TEST(1.0)",
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0] == [
        "DATAFLOW", "SERIES", "REF_AREA", "TIME_PERIOD", "SEX", "AGE", "COUNTERPART_AREA",
        "CAUSE_OF_DEATH", "ROUTE", "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS",
    ]  # fmt: skip
    assert rows[1] == ["GCMHUB:DF_TEST(1.0)", "migrant-stock", "GBR", "2020", "F", "_T", "_T",
                       "", "Sea", "17", "persons", "E"]  # fmt: skip
    assert rows[2][9] == "0.1"
    with pytest.raises(ValueError, match="SERIES"):
        render_sdmx_csv(
            [{"series": "s", "geo": "GBR", "period": "2020", "value": 1, "sex": "_T",
              "age": "_T", "counterpart": "_T", "dims": {"series": "x"}, "flags": "",
              "unit": ""}],
            dataflow="X",
        )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["sdmx_generic.xml", "sdmx_data.csv"])
def test_round_trip(registry, tmp_path, source):
    first = _parse(DATA / source, edition="e1")
    units = {s.code: s.unit for s in first.series}
    body = render_sdmx_csv(_rows(first.observations, units), dataflow="GCMHUB:DF_ROUND(1.0)")
    path = tmp_path / "export.csv"
    path.write_bytes(body)
    second = _parse(path, edition="e1")
    assert _by_key(second.observations) == _by_key(first.observations)
    assert {s.code: s.unit for s in second.series} == units


@pytest.mark.django_db
def test_round_trip_of_other_importers_observations(registry, tmp_path):
    """Open SDG observations (dimensions, notes, split years) and grouping codes come back."""
    observations = [
        Obs("open-sdg-10-7-3", "GBR", "area", None, "2021/22", 2021, 8.0, dims=(
            ("cause_of_death", "Drowning"), ("sdg_series", "A, B")), flags="P", note="Note 5"),
        Obs("open-sdg-10-7-3", "GBR", "area", None, "2002/03-2007/08", 2002, 1e-7, sex="F",
            age="18 to 24"),
        Obs("migrant-stock", "desa:1834", "group", None, "2020", 2020, 1234567.0,
            counterpart="_U", flags="B R"),
    ]  # fmt: skip
    units = {"open-sdg-10-7-3": "Number", "migrant-stock": "persons"}
    path = tmp_path / "export.csv"
    path.write_bytes(render_sdmx_csv(_rows(observations, units), dataflow="DF_X"))
    second = _parse(path)
    places = load_places()
    gbr = places.code("GBR").area_id
    expected = [
        o._replace(series=f"sdmx-{o.series}", area_id=gbr if o.geo == "GBR" else None)
        for o in observations
    ]
    assert _by_key(second.observations) == _by_key(expected)

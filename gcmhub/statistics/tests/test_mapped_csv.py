"""The CSV importer driven by a mapping file: the mapping's checks, the rows' checks, an import."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gcmhub.common.errors import InvalidInput
from gcmhub.statistics import importers
from gcmhub.statistics.models import Dataset, Observation, Series
from gcmhub.statistics.places import load_places
from gcmhub.statistics.sources import mapped_csv

DATA = Path(__file__).parent / "data"
MAPPING = yaml.safe_load((DATA / "mapped.yaml").read_text(encoding="utf-8"))


def _mapping(tmp_path: Path, changes: dict | None = None, *, drop: tuple[str, ...] = ()) -> Path:
    """mapped.yaml with some keys changed ("columns.sex": ...) or dropped."""
    data = yaml.safe_load(yaml.safe_dump(MAPPING))
    for dotted, value in (changes or {}).items():
        *parents, last = dotted.split(".")
        node = data
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value
    for dotted in drop:
        *parents, last = dotted.split(".")
        node = data
        for p in parents:
            node = node[p]
        del node[last]
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _csv(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _parse(path: Path, mapping: Path):
    return mapped_csv.parse(path, load_places(), mapping=mapping)


@pytest.mark.django_db
def test_import(registry):
    report = importers.import_path(
        "csv", DATA / "mapped.csv", by=None, mapping=DATA / "mapped.yaml"
    )
    assert (report.status, report.dataset, report.observations) == (
        "created", "test-arrivals-2024", 4)  # fmt: skip
    assert report.notes == ["1 row without a value skipped."]
    dataset = Dataset.objects.get(slug="test-arrivals-2024")
    assert (dataset.source, dataset.edition, dataset.licence) == ("csv", "2024", "CC BY 4.0")
    assert dataset.citation == "Test statistics office. Test arrivals by route, 2024."
    series = Series.objects.get(code="test-arrivals")
    assert (series.unit, series.dimensions) == ("persons", ["sex", "route"])
    rows = {
        (o.geo, o.period, o.sex, o.dims_key): (o.value, o.flags, o.note, o.year)
        for o in Observation.objects.filter(dataset=dataset)
    }
    assert rows == {
        ("GBR", "2020", "F", "route=Sea"): (120.0, "", "", 2020),
        ("GBR", "2020", "M", "route=Sea"): (340.0, "E", "", 2020),
        ("GBR", "2020", "_T", "route=Sea"): (460.0, "", "", 2020),
        ("FRA", "2021/22", "_T", "route=Land"): (1250.0, "", "Note 1", 2021),
    }
    again = importers.import_path("csv", DATA / "mapped.csv", by=None, mapping=DATA / "mapped.yaml")
    assert again.status == "unchanged"


@pytest.mark.django_db
def test_semicolons_names_regions_and_sex_codes(registry, tmp_path):
    data = _csv(
        tmp_path,
        "Land;Jahr;Geschlecht;Anzahl;Weg;Herkunft;Status\n"
        "France;2020;w;1,5;See;Syrian Arab Republic;\n"
        "Europe;2020;i;7;See;;\n"
        "World;2020;i;9;See;OOO;\n",
    )
    mapping = _mapping(
        tmp_path,
        {
            "columns.area": "Land", "columns.area_scheme": "name", "columns.period": "Jahr",
            "columns.value": "Anzahl", "columns.sex": "Geschlecht", "columns.flags": "Status",
            "columns.counterpart": "Herkunft", "columns.dims": {"route": "Weg"},
            "sex_codes": {"w": "F", "m": "M", "i": "_T"},
        },
    )  # fmt: skip
    parsed = _parse(data, mapping)
    rows = {(o.geo, o.geo_kind, o.sex, o.counterpart): o.value for o in parsed.observations}
    assert rows == {
        ("FRA", "area", "F", "SYR"): 1.5,
        ("150", "region", "_T", "_T"): 7.0,
        ("001", "world", "_T", "_U"): 9.0,
    }
    assert parsed.series[0].dimensions == ("sex", "counterpart", "route")
    assert parsed.series[0].decimals == 1
    assert any("UN region" in n and "World" in n for n in parsed.dataset.notes)


@pytest.mark.django_db
def test_decimal_mark_given(registry, tmp_path):
    data = _csv(tmp_path, "Country code;Year;Persons\nGBR;2020;1,5\n")
    mapping = _mapping(tmp_path, {"decimal_mark": "."},
                       drop=("columns.sex", "columns.flags", "columns.dims"))  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        _parse(data, mapping)
    assert "'1,5' is not a number (decimal mark '.')" in caught.value.errors[0].message


@pytest.mark.django_db
def test_m49_codes(registry, tmp_path):
    data = _csv(tmp_path, "Country code,Year,Persons\n826,2020,1\n4,2020,2\n419,2020,3\n")
    mapping = _mapping(tmp_path, {"columns.area_scheme": "m49"},
                       drop=("columns.sex", "columns.flags", "columns.dims"))  # fmt: skip
    parsed = _parse(data, mapping)
    assert {(o.geo, o.geo_kind) for o in parsed.observations} == {
        ("GBR", "area"), ("AFG", "area"), ("419", "region")}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "drop", "field", "words"),
    [
        ({"dataset.colour": "red"}, (), "dataset.colour", "unknown key 'colour'"),
        ({}, ("dataset.slug",), "dataset.slug", "required"),
        ({}, ("columns.value",), "columns.value", "required"),
        ({}, ("series",), "series", "the section 'series' is required"),
        ({"extra": {"a": 1}}, (), "extra", "unknown section"),
        ({"columns.area_scheme": "iso2"}, (), "columns.area_scheme", "not one of iso3"),
        ({"dataset.slug": "Has Spaces"}, (), "dataset.slug", "lower case letters"),
        ({"series.unit": "x" * 61}, (), "series.unit", "longer than 60"),
        ({"series.decimals": "two"}, (), "series.decimals", "whole number"),
        ({"columns.dims": {"sex": "Sex"}}, (), "columns.dims.sex", "reserved"),
        ({"columns.dims": {"Route Name": "Route"}}, (), "columns.dims.Route Name", "lower case"),
        ({"sex_codes": {"Female": "W"}}, (), "sex_codes.Female", "not F, M, _T"),
        ({"decimal_mark": ";"}, (), "decimal_mark", "is not '.' or ','"),
    ],
)
def test_mapping_problems(tmp_path, changes, drop, field, words):
    mapping = _mapping(tmp_path, changes, drop=drop)
    with pytest.raises(InvalidInput) as caught:
        mapped_csv.load_mapping(mapping)
    matching = [e for e in caught.value.errors if e.field == field]
    assert matching, caught.value.errors
    assert words in matching[0].message
    assert matching[0].location == "mapping.yaml"


@pytest.mark.parametrize(
    ("text", "mark", "expected"),
    [
        ("1250", ".", 1250.0), ("1,250.5", ".", 1250.5), ("1 250", ".", 1250.0),
        ("-0.25", ".", -0.25), ("1e3", ".", 1000.0), ("1,5", ".", None), ("1.250,5", ".", None),
        ("1,5", ",", 1.5), ("1.250,5", ",", 1250.5), ("1.250", ",", 1250.0), ("1.5", ",", None),
        ("..", ".", None), ("", ".", None),
    ],
)  # fmt: skip
def test_read_value(text, mark, expected):
    assert mapped_csv.read_value(text, mark) == expected


def test_mapping_not_yaml(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text("dataset: [unclosed\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not valid YAML"):
        mapped_csv.load_mapping(path)


@pytest.mark.django_db
def test_mapping_names_a_missing_column(registry, tmp_path):
    mapping = _mapping(tmp_path, {"columns.dims": {"route": "Path"}})
    with pytest.raises(InvalidInput) as caught:
        _parse(DATA / "mapped.csv", mapping)
    (error,) = caught.value.errors
    assert (error.field, error.location) == ("columns.dims.route", "mapping.yaml")
    assert "mapped.csv has no column 'Path'" in error.message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("XXY,2020,Total,Sea,1,", "Country code", "unknown area 'XXY' (read as iso3)"),
        ("GBR,someday,Total,Sea,1,", "Year", "not a year or period"),
        ("GBR,2020,Total,Sea,lots,", "Persons", "'lots' is not a number"),
        ("GBR,2020,Other,Sea,1,", "Sex", "not a sex the mapping knows"),
        ("GBR,2020,Total,Sea,1,", None, "the same area, period and breakdown as row 2"),
    ],
)
def test_row_problems(registry, tmp_path, row, column, words):
    data = _csv(
        tmp_path, f"Country code,Year,Sex,Route,Persons,Status\nGBR,2020,Total,Sea,1,\n{row}\n"
    )
    with pytest.raises(InvalidInput) as caught:
        _parse(data, DATA / "mapped.yaml")
    (error,) = caught.value.errors
    assert (error.location, error.field) == ("data.csv, row 3", column)
    assert words in error.message
    assert not Dataset.objects.filter(slug="test-arrivals-2024").exists()


@pytest.mark.django_db
def test_every_row_problem_is_listed(registry, tmp_path):
    data = _csv(
        tmp_path,
        "Country code,Year,Sex,Route,Persons,Status\n"
        + "".join(f"GBR,{2000 + i},Total,Sea,x{i},\n" for i in range(60)),
    )
    with pytest.raises(InvalidInput) as caught:
        _parse(data, DATA / "mapped.yaml")
    assert "60 problems found (the first 50 are listed)" in caught.value.message
    assert len(caught.value.errors) == 50


@pytest.mark.django_db
def test_not_utf8(registry, tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes("Country code,Year,Sex,Route,Persons,Status\nGBR,2020,Total,Sé,1,\n"
                     .encode("latin-1"))  # fmt: skip
    with pytest.raises(InvalidInput, match="not UTF-8"):
        _parse(path, DATA / "mapped.yaml")

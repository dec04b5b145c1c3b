from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gcmhub.accounts.tests.factories import AdminFactory, member
from gcmhub.common.errors import InvalidInput, PermissionDenied
from gcmhub.common.models import AuditEvent
from gcmhub.framework.kinds import ItemKind, Relation
from gcmhub.framework.models import CrosswalkLink, FrameworkItem, KeyDate, ReferenceRelease
from gcmhub.framework.reference import REFERENCE_DIR, read_reference
from gcmhub.framework.services import reference_load

EXPECTED_COUNTS = {
    ItemKind.OBJECTIVE: 23,
    ItemKind.PRINCIPLE: 10,
    ItemKind.CLUSTER: 6,
    ItemKind.SDG_GOAL: 17,
    ItemKind.POLICY_DOMAIN: 6,
    ItemKind.POLICY_SUBCATEGORY: 30,
    ItemKind.MIGOF_PRINCIPLE: 3,
    ItemKind.MIGOF_OBJECTIVE: 3,
    ItemKind.MGI_DOMAIN: 6,
    ItemKind.ROUND_TABLE: 4,
}


@pytest.fixture
def ref_copy(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_packaged_reference_is_complete():
    ref = read_reference()
    counts: dict[str, int] = {}
    for item in ref.items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    for kind, expected in EXPECTED_COUNTS.items():
        assert counts[kind] == expected, kind
    assert all(item.sources for item in ref.items)


def test_round_tables_partition_the_objectives():
    ref = read_reference()
    grouped = [lk.from_ref[1] for lk in ref.links if lk.relation == Relation.GROUPED_IN]
    assert sorted(grouped, key=int) == [str(n) for n in range(1, 24)]


def test_objective_20_cites_target_10c_as_stated():
    ref = read_reference()
    link = next(
        lk
        for lk in ref.links
        if lk.from_ref == ("objective", "20") and lk.to_ref == ("sdg_target", "10.c")
    )
    assert link.basis == "stated"
    assert link.sources


@pytest.mark.django_db
def test_loaded_database_matches_the_files():
    ref = read_reference()
    assert FrameworkItem.objects.count() == len(ref.items)
    assert CrosswalkLink.objects.count() == len(ref.links)
    assert KeyDate.objects.count() == len(ref.key_dates)
    assert FrameworkItem.objects.get(kind="sdg_target", code="10.c").parent.code == "10"


@pytest.mark.django_db
def test_loading_again_changes_and_records_nothing():
    events, releases = AuditEvent.objects.count(), ReferenceRelease.objects.count()
    report = reference_load(by=None)
    assert report.changes == 0
    assert AuditEvent.objects.count() == events
    assert ReferenceRelease.objects.count() == releases


@pytest.mark.django_db
def test_a_changed_title_is_updated_and_audited(ref_copy):
    _edit(
        ref_copy / "gcm.yaml",
        "Provide access to basic services for migrants",
        "Provide access to basic services for all migrants",
    )
    report = reference_load(by=None, directory=ref_copy)
    assert report.counts["items"]["updated"] == 1
    assert FrameworkItem.objects.get(kind="objective", code="15").title.endswith("for all migrants")
    event = AuditEvent.objects.filter(action="reference.load").latest("id")
    assert "~objective:15" in event.after["changed"]


@pytest.mark.django_db
def test_dry_run_saves_nothing(ref_copy):
    _edit(ref_copy / "gcm.yaml", "Provide access to basic services for migrants", "Changed title")
    report = reference_load(by=None, directory=ref_copy, dry_run=True)
    assert report.counts["items"]["updated"] == 1
    assert (
        FrameworkItem.objects.get(kind="objective", code="15").title
        == "Provide access to basic services for migrants"
    )


@pytest.mark.django_db
def test_malformed_yaml_names_file_and_line_and_loads_nothing(ref_copy):
    path = ref_copy / "imrf.yaml"
    lines = path.read_text().splitlines()
    lines[5] = lines[5] + ' key: "unclosed'
    path.write_text("\n".join(lines))
    # A valid change elsewhere must not be loaded either.
    _edit(ref_copy / "gcm.yaml", "Provide access to basic services for migrants", "Changed title")
    with pytest.raises(InvalidInput) as exc:
        reference_load(by=None, directory=ref_copy)
    error = exc.value.errors[0]
    assert error.location.startswith("imrf.yaml, line ")
    assert "malformed YAML" in error.message
    assert (
        FrameworkItem.objects.get(kind="objective", code="15").title
        == "Provide access to basic services for migrants"
    )


@pytest.mark.django_db
def test_unknown_item_in_a_crosswalk_is_named(ref_copy):
    _edit(ref_copy / "crosswalk.yaml", 'to: "sdg_target:10.c"', 'to: "sdg_target:99.z"')
    before = CrosswalkLink.objects.count()
    with pytest.raises(InvalidInput) as exc:
        reference_load(by=None, directory=ref_copy)
    messages = [str(e) for e in exc.value.errors]
    assert any(
        "crosswalk.yaml, line" in m and "unknown item sdg_target:99.z" in m for m in messages
    ), messages
    assert CrosswalkLink.objects.count() == before


@pytest.mark.django_db
def test_duplicate_codes_are_named_with_both_places(ref_copy):
    _edit(ref_copy / "gcm.yaml", 'code: "2"', 'code: "1"')
    with pytest.raises(InvalidInput) as exc:
        read_reference(ref_copy)
    dup = [e for e in exc.value.errors if "duplicate code" in e.message]
    assert (
        dup and dup[0].location.startswith("gcm.yaml, line ") and "objective:1" in dup[0].location
    )
    assert "first defined at gcm.yaml, line" in dup[0].message


def test_wrong_fields_are_each_reported(ref_copy):
    _edit(ref_copy / "gcm.yaml", "number: 3\n", "number: three\n")
    _edit(ref_copy / "imrf.yaml", "relation: grouped_in", "relation: belongs_to")
    with pytest.raises(InvalidInput) as exc:
        read_reference(ref_copy)
    fields = {(e.location.split(",")[0], e.field) for e in exc.value.errors}
    assert ("gcm.yaml", "number") in fields
    assert ("imrf.yaml", "relation") in fields


@pytest.mark.django_db
def test_only_platform_admins_load_reference_from_the_web():
    with pytest.raises(PermissionDenied):
        reference_load(by=member("admin"))
    assert reference_load(by=AdminFactory()).changes == 0


@pytest.mark.django_db
def test_recorded_translations_are_served_and_searchable(ref_copy, client):
    _edit(
        ref_copy / "gcm.yaml",
        '    title: "Provide access to basic services for migrants"\n',
        '    title: "Provide access to basic services for migrants"\n'
        "    titles: {fr: Fournir aux migrants un accès aux services de base}\n",
    )
    reference_load(by=None, directory=ref_copy)
    fr = client.get("/api/v1/framework/objectives/15?lang=fr").json()
    assert fr["title"] == "Fournir aux migrants un accès aux services de base"
    assert fr["title_en"] == "Provide access to basic services for migrants"
    assert client.get("/api/v1/framework/objectives/15?lang=es").json()["title"] == fr["title_en"]
    assert "Fournir aux migrants" in client.get("/fr/framework/objectives/15/").content.decode()
    found = client.get("/api/v1/framework/search?q=fournir").json()["results"]
    assert ("objective", "15") in [(r["kind"], r["code"]) for r in found]


def test_unknown_translation_language_is_refused(ref_copy):
    _edit(
        ref_copy / "gcm.yaml",
        '    title: "Provide access to basic services for migrants"\n',
        '    title: "Provide access to basic services for migrants"\n    titles: {de: Zugang}\n',
    )
    with pytest.raises(InvalidInput) as exc:
        read_reference(ref_copy)
    assert exc.value.errors[0].field == "titles"

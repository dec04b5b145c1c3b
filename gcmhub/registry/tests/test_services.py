"""Loading the registry, the M49 file, and editing and importing memberships."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gcmhub.accounts.models import Organisation, Role
from gcmhub.accounts.tests.factories import AdminFactory, OrganisationFactory, member
from gcmhub.common.errors import Conflict, InvalidInput, PermissionDenied
from gcmhub.common.models import AuditEvent
from gcmhub.registry import services
from gcmhub.registry.m49 import read_m49
from gcmhub.registry.models import Area, Mechanism, Membership, Origin, UnStatus, Vote
from gcmhub.registry.reference import REFERENCE_DIR, read_registry_reference

pytestmark = pytest.mark.django_db

HEADER = (
    "Global Code;Global Name;Region Code;Region Name;Sub-region Code;Sub-region Name;"
    "Intermediate Region Code;Intermediate Region Name;Country or Area;M49 Code;ISO-alpha2 Code;"
    "ISO-alpha3 Code;Least Developed Countries (LDC);Land Locked Developing Countries (LLDC);"
    "Small Island Developing States (SIDS)"
)


def _m49(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "UNSD_M49_Methodology.csv"
    path.write_text("\ufeff" + "\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _secretariat(slug: str, role: str = Role.SECRETARIAT):
    return member(role, Mechanism.objects.get(slug=slug).organisation)


# --- M49 ---------------------------------------------------------------------------------------


def test_m49_reads_regions_flags_and_names(shared_data):
    data = read_m49(shared_data / "un_m49")
    by_code = {a.iso3: a for a in data.areas}
    assert len(data.areas) == 248
    algeria = by_code["DZA"]
    assert (algeria.m49, algeria.region, algeria.subregion) == ("012", "002", "015")
    assert data.regions["015"].name == "Northern Africa"
    assert by_code["AFG"].ldc and by_code["AFG"].lldc and not by_code["AFG"].sids
    assert by_code["MAR"].names["fr"] == "Maroc"
    assert sum(a.ldc for a in data.areas) == 44
    assert sum(a.sids for a in data.areas) == 53


def test_m49_names_every_bad_row_and_column(tmp_path):
    path = _m49(
        tmp_path,
        "001;World;002;Africa;015;Northern Africa;;;Algeria;012;DZ;DZA;;;",
        "001;World;002;Africa;015;Northern Africa;;;Nowhere;12;D;dz;;;",
        "001;World;002;Africa;015;Northern Africa;;;Algeria again;012;DZ;DZA;;;",
        "001;World;002;Africa;015;Northern Africa;;;Egypt;818;EG;EGY;yes;;",
    )
    with pytest.raises(InvalidInput) as exc:
        read_m49(path)
    problems = {(e.location, e.field) for e in exc.value.errors}
    assert ("UNSD_M49_Methodology.csv, row 3", "ISO-alpha3 Code") in problems
    assert ("UNSD_M49_Methodology.csv, row 4", "ISO-alpha3 Code") in problems
    assert ("UNSD_M49_Methodology.csv, row 5", "LDC") in problems


def test_m49_rejects_a_file_of_another_shape(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="missing column"):
        read_m49(path)


def test_a_bad_m49_file_changes_nothing(registry, tmp_path):
    path = _m49(tmp_path, "001;World;002;Africa;015;Northern Africa;;;Algeria;12;DZ;DZA;;;")
    before = (Area.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput):
        services.registry_load(by=None, m49_path=path)
    assert (Area.objects.count(), AuditEvent.objects.count()) == before


# --- reference load --------------------------------------------------------------------------


def test_loaded_registry_has_members_mechanisms_and_votes(registry):
    assert Area.objects.filter(un_status=UnStatus.MEMBER).count() == 193
    assert set(Area.objects.filter(un_status=UnStatus.OBSERVER).values_list("iso3", flat=True)) == {
        "PSE",
        "VAT",
    }
    assert Mechanism.objects.count() >= 30
    assert Area.objects.get(iso3="HUN").gcm_vote == Vote.AGAINST
    assert Area.objects.get(iso3="AUS").gcm_vote == Vote.ABSTAINING
    assert Area.objects.get(iso3="PSE").gcm_vote == ""
    counts = {v: Area.objects.filter(gcm_vote=v).count() for v in Vote.values}
    assert counts[Vote.AGAINST] == 5 and counts[Vote.ABSTAINING] == 12
    assert sum(counts.values()) == 193


def test_membership_list_of_un_members_matches_the_unterm_names(shared_data):
    """Cross-check: areas.yaml lists exactly the areas UNTERM names without a non-member mark."""
    import csv

    with (shared_data / "un_m49" / "country-codes.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    named = {
        r["ISO3166-1-Alpha-3"]
        for r in rows
        if r["UNTERM English Short"].strip() and "*" not in r["UNTERM English Short"]
    }
    listed = set(read_registry_reference().member_states)
    # UNTERM names are missing in this file for two members whose names changed recently.
    assert listed - named == {"CIV", "TUR"}
    assert named <= listed


def test_reloading_changes_nothing_and_records_nothing(registry):
    before = AuditEvent.objects.count()
    report = services.registry_load(by=None, m49_path=registry)
    assert report.changes == 0
    assert AuditEvent.objects.count() == before


def test_reload_keeps_what_a_person_edited(registry):
    admin = AdminFactory()
    services.membership_save(
        by=admin,
        mechanism_slug="colombo-process",
        iso3="KHM",
        data=services.MembershipInput(source="https://example.org/minutes", joined="2007"),
    )
    services.registry_load(by=None)
    row = Membership.objects.get(mechanism__slug="colombo-process", area__iso3="KHM", primary=True)
    assert (row.joined, row.origin) == ("2007", Origin.EDIT)


def _changed_reference(tmp_path: Path, old: str, new: str) -> Path:
    ref = tmp_path / "ref"
    shutil.copytree(REFERENCE_DIR, ref)
    path = ref / "mechanisms.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return ref


def test_a_bad_field_is_reported_with_file_line_and_field(registry, tmp_path):
    ref = _changed_reference(tmp_path, "type: rcp", "type: club")
    with pytest.raises(InvalidInput) as exc:
        services.registry_load(by=None, directory=ref)
    (error,) = exc.value.errors
    assert error.field == "type" and "club" in error.message
    assert error.location.startswith("mechanisms.yaml, line ")


def test_an_unknown_area_code_loads_nothing(registry, tmp_path):
    ref = _changed_reference(tmp_path, "BLZ, CAN", "BLZ, XXQ")
    before = (Membership.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput) as exc:
        services.registry_load(by=None, directory=ref)
    (error,) = exc.value.errors
    assert "XXQ" in error.message and "puebla-process" in error.location
    assert (Membership.objects.count(), AuditEvent.objects.count()) == before


def test_disputed_membership_keeps_both_claims(registry):
    claims = Membership.objects.filter(mechanism__slug="almaty-process", area__iso3="TKM")
    assert {(c.primary, c.role) for c in claims} == {(True, "observer"), (False, "member")}
    assert all(c.source for c in claims)


# --- editing ---------------------------------------------------------------------------------


def test_secretariat_edits_its_mechanism_with_audit_and_history(registry):
    user = _secretariat("colombo-process")
    row = services.membership_save(
        by=user,
        mechanism_slug="colombo-process",
        iso3="AFG",
        data=services.MembershipInput(source="https://example.org/decision", joined="2005-06"),
        version=Membership.objects.get(
            mechanism__slug="colombo-process", area__iso3="AFG", primary=True
        ).version,
    )
    assert row.joined == "2005-06" and row.version == 2 and row.updated_by == user
    event = AuditEvent.objects.filter(action="registry.membership.save").latest("id")
    assert event.actor == user
    assert event.changes["joined"][1] == "2005-06"


def test_other_organisations_and_viewers_are_refused(registry):
    outsider = member(Role.ADMIN, OrganisationFactory())
    viewer = _secretariat("colombo-process", Role.VIEWER)
    other_secretariat = _secretariat("bali-process")
    for user in (outsider, viewer, other_secretariat):
        with pytest.raises(PermissionDenied):
            services.membership_save(
                by=user,
                mechanism_slug="colombo-process",
                iso3="AFG",
                data=services.MembershipInput(source="https://example.org"),
            )


def test_second_editor_gets_a_conflict_not_an_overwrite(registry):
    user = _secretariat("puebla-process")
    row = Membership.objects.get(mechanism__slug="puebla-process", area__iso3="MEX", primary=True)
    seen = row.version
    services.membership_save(
        by=user,
        mechanism_slug="puebla-process",
        iso3="MEX",
        data=services.MembershipInput(source="https://example.org/a", note="first"),
        version=seen,
    )
    with pytest.raises(Conflict) as exc:
        services.membership_save(
            by=user,
            mechanism_slug="puebla-process",
            iso3="MEX",
            data=services.MembershipInput(source="https://example.org/b", note="second"),
            version=seen,
        )
    assert exc.value.current["note"] == "first"
    row.refresh_from_db()
    assert row.note == "first"


def test_bad_dates_and_missing_source_are_named(registry):
    with pytest.raises(InvalidInput) as exc:
        services.membership_save(
            by=AdminFactory(),
            mechanism_slug="puebla-process",
            iso3="MEX",
            data=services.MembershipInput(source=" ", joined="2020-13", left="2019"),
        )
    assert {e.field for e in exc.value.errors} == {"source", "joined"}


# --- import ----------------------------------------------------------------------------------

GOOD = (
    "mechanism,iso3,role,joined,left,source,certainty,note\n"
    "colombo-process,KHM,member,2007,,https://example.org/1,confirmed,\n"
    "colombo-process,MMR,observer,2019,,https://example.org/2,uncertain,attends meetings\n"
)


def test_import_is_atomic_and_names_the_bad_row(registry):
    admin = AdminFactory()
    bad = GOOD + "colombo-process,QQQ,member,2019-02-30,,https://example.org/3,confirmed,\n"
    before = (Membership.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput) as exc:
        services.membership_import(by=admin, content=bad.encode(), filename="m.csv")
    assert {(e.location, e.field) for e in exc.value.errors} == {
        ("m.csv, row 4", "iso3"),
        ("m.csv, row 4", "joined"),
    }
    assert (Membership.objects.count(), AuditEvent.objects.count()) == before


def test_import_reports_duplicates_unknown_mechanisms_and_columns(registry):
    text = (
        "mechanism,iso3,source,colour\n"
        "colombo-process,KHM,https://x.example,\n"
        "colombo-process,KHM,https://x.example,\n"
        "nowhere-process,KHM,https://x.example,\n"
    )
    with pytest.raises(InvalidInput) as exc:
        services.membership_import(by=AdminFactory(), content=text.encode(), filename="d.csv")
    found = {(e.location, e.field) for e in exc.value.errors}
    assert ("d.csv, row 3", "iso3") in found
    assert ("d.csv, row 4", "mechanism") in found
    assert ("d.csv, row 2", "colour") in found


def test_import_twice_changes_nothing_the_second_time(registry):
    admin = AdminFactory()
    first = services.membership_import(by=admin, content=GOOD.encode(), filename="m.csv")
    assert first.created == 1 and first.updated == 1
    events = AuditEvent.objects.count()
    second = services.membership_import(by=admin, content=GOOD.encode(), filename="m.csv")
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == events


def test_import_yaml_and_dry_run(registry):
    text = (
        "memberships:\n"
        "  - {mechanism: puebla-process, iso3: COL, role: observer, source: https://x.example}\n"
    )
    report = services.membership_import(
        by=AdminFactory(), content=text.encode(), filename="m.yaml", dry_run=True
    )
    assert report.updated == 1 and report.dry_run
    assert (
        Membership.objects.get(mechanism__slug="puebla-process", area__iso3="COL").origin
        == Origin.REFERENCE
    )


def test_import_refuses_rows_for_mechanisms_the_user_does_not_run(registry):
    user = _secretariat("bali-process")
    with pytest.raises(InvalidInput) as exc:
        services.membership_import(by=user, content=GOOD.encode(), filename="m.csv")
    assert {e.field for e in exc.value.errors} == {"mechanism"}


def test_import_rejects_huge_and_undecodable_files(registry):
    with pytest.raises(InvalidInput, match="limit"):
        services.membership_import(
            by=AdminFactory(), content=b"x" * (services.MAX_IMPORT_BYTES + 1), filename="big.csv"
        )
    with pytest.raises(InvalidInput, match="UTF-8"):
        services.membership_import(by=AdminFactory(), content=b"\xff\xfe\x00", filename="b.csv")


def test_mechanism_secretariats_are_ordinary_organisations(registry):
    org = Mechanism.objects.get(slug="colombo-process").organisation
    assert Organisation.objects.filter(pk=org.pk, kind="secretariat").exists()
    assert Organisation.objects.filter(slug="iom", reference_key="iom").count() == 1

"""Entering and importing SDG 10.7.2 answers: permissions, versions, validation, idempotence."""

from __future__ import annotations

import csv

import pytest
from django.utils import timezone

from gcmhub.accounts.models import OrganisationKind, Role
from gcmhub.accounts.tests.factories import AdminFactory, OrganisationFactory, UserFactory, member
from gcmhub.common.errors import Conflict, InvalidInput, PermissionDenied
from gcmhub.common.models import AuditEvent
from gcmhub.registry.models import Area, UnStatus
from gcmhub.statistics import policy, policy_selectors, services
from gcmhub.statistics.models import PolicyAssessment

pytestmark = pytest.mark.django_db


def answers(default: str = "yes", **overrides: str) -> dict[str, str]:
    out = dict.fromkeys(policy.CODES, default)
    out.update(overrides)
    return out


def government(iso3: str):
    return OrganisationFactory(kind=OrganisationKind.STATE, country_iso3=iso3)


@pytest.fixture
def mar(registry):
    return Area.objects.get(iso3="MAR")


@pytest.fixture
def focal_point(mar):
    return member(Role.FOCAL_POINT, government("MAR"))


def write_csv(tmp_path, rows, header=None, name="answers.csv"):
    header = header or ["iso3", "year", *policy.CODES, "source"]
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def row(iso3="MAR", year="2019", default="yes", source="Inquiry", **overrides):
    values = answers(default, **overrides)
    return [iso3, year, *(values[c] for c in policy.CODES), source]


# --- assessment_save ------------------------------------------------------------------------------


def test_focal_point_saves_and_the_scores_are_computed(mar, focal_point):
    saved = services.assessment_save(
        by=focal_point,
        area=mar,
        year=2019,
        answers=answers(**dict.fromkeys(("1a", "1b", "1c", "1d", "1e"), "yes_legal")),
        source="UN Inquiry, 12th round",
    )
    assert saved.version == 1 and saved.updated_by == focal_point
    assert saved.domain_scores["1"] == 50.0 and saved.domain_scores["2"] == 100.0
    assert saved.overall == 91.67 and saved.level == 3
    assert saved.answers["1a"] == "yes_legal" and saved.source == "UN Inquiry, 12th round"
    event = AuditEvent.objects.get(action="statistics.assessment.save")
    assert event.before is None and event.after["iso3"] == "MAR"
    assert event.organisation_id == focal_point.memberships.get().organisation_id
    assert event.object_label == "SDG 10.7.2 MAR 2019"


def test_update_with_the_version_read(mar, focal_point):
    services.assessment_save(by=focal_point, area=mar, year=2019, answers=answers())
    updated = services.assessment_save(
        by=focal_point, area=mar, year=2019, answers=answers("no"), version=1
    )
    assert updated.version == 2 and updated.overall == 0.0 and updated.level == 1
    event = AuditEvent.objects.filter(action="statistics.assessment.save").order_by("id").last()
    assert event.before["overall"] == 100.0 and event.after["overall"] == 0.0
    assert "answers" in event.changes


def test_platform_admin_may_save_anywhere(registry):
    area = Area.objects.get(iso3="FRA")
    saved = services.assessment_save(
        by=AdminFactory(), area=area, year=2021, answers=answers("Yes")
    )
    assert saved.level == 4


def test_government_admin_may_save(mar):
    admin = member(Role.ADMIN, government("MAR"))
    assert services.assessment_save(by=admin, area=mar, year=2019, answers=answers()).pk


@pytest.mark.parametrize(
    "who",
    [
        "other_state_focal_point",
        "viewer",
        "contributor",
        "stakeholder_focal_point",
        "outsider",
        "anonymous",
    ],
)
def test_others_may_not_save(mar, who):
    from django.contrib.auth.models import AnonymousUser

    users = {
        "other_state_focal_point": lambda: member(Role.FOCAL_POINT, government("TUN")),
        "viewer": lambda: member(Role.VIEWER, government("MAR")),
        "contributor": lambda: member(Role.CONTRIBUTOR, government("MAR")),
        "stakeholder_focal_point": lambda: member(
            Role.FOCAL_POINT,
            OrganisationFactory(kind=OrganisationKind.STAKEHOLDER, country_iso3="MAR"),
        ),
        "outsider": UserFactory,
        "anonymous": AnonymousUser,
    }
    with pytest.raises(PermissionDenied):
        services.assessment_save(by=users[who](), area=mar, year=2019, answers=answers())
    assert not PolicyAssessment.objects.exists()
    assert not AuditEvent.objects.filter(action="statistics.assessment.save").exists()


def test_stale_version_is_a_conflict_and_nothing_changes(mar, focal_point):
    services.assessment_save(by=focal_point, area=mar, year=2019, answers=answers())
    services.assessment_save(
        by=AdminFactory(), area=mar, year=2019, answers=answers("no"), version=1
    )
    with pytest.raises(Conflict) as info:
        services.assessment_save(
            by=focal_point, area=mar, year=2019, answers=answers(**{"2a": "no"}), version=1
        )
    current = info.value.current
    assert current["version"] == 2 and current["answers"]["2a"] == "no"
    assert current["overall"] == 0.0 and current["updated_by"]
    saved = PolicyAssessment.objects.get()
    assert saved.version == 2 and saved.overall == 0.0


def test_saving_without_a_version_over_an_existing_year_is_a_conflict(mar, focal_point):
    services.assessment_save(by=focal_point, area=mar, year=2019, answers=answers())
    with pytest.raises(Conflict) as info:
        services.assessment_save(by=focal_point, area=mar, year=2019, answers=answers("no"))
    assert info.value.current["version"] == 1
    assert PolicyAssessment.objects.get().overall == 100.0


def test_every_problem_is_listed_and_nothing_is_written(mar, focal_point):
    given = answers(**{"1a": "maybe", "2a": "yes_legal"})
    del given["6e"]
    with pytest.raises(InvalidInput) as info:
        services.assessment_save(
            by=focal_point, area=mar, year=2014, answers=given, source="x" * 301
        )
    fields = {e.field for e in info.value.errors}
    assert fields == {"1a", "2a", "6e", "year", "source"}
    with pytest.raises(InvalidInput) as info:
        services.assessment_save(
            by=focal_point, area=mar, year=timezone.now().year + 1, answers=answers()
        )
    assert [e.field for e in info.value.errors] == ["year"]
    assert not PolicyAssessment.objects.exists()


def test_only_states_are_assessed(registry):
    other = Area.objects.filter(un_status=UnStatus.OTHER).first()
    assert other is not None
    with pytest.raises(InvalidInput) as info:
        services.assessment_save(by=AdminFactory(), area=other, year=2019, answers=answers())
    assert [e.field for e in info.value.errors] == ["iso3"]


def test_country_result_is_the_latest_year(mar, focal_point):
    assert policy_selectors.country_result(mar) is None
    services.assessment_save(by=focal_point, area=mar, year=2019, answers=answers("no"))
    services.assessment_save(by=focal_point, area=mar, year=2021, answers=answers())
    result = policy_selectors.country_result(mar)
    assert result["year"] == 2021 and result["level"] == 4
    assert result["level_label"] == "Fully meets"
    assert [d["code"] for d in result["domains"]] == [f"PD_{n}" for n in range(1, 7)]
    assert result["url"] == "/en/statistics/sdg-10-7-2/MAR/"


# --- assessment_import ----------------------------------------------------------------------------


def test_import_happy_path_and_idempotent(registry, tmp_path):
    admin = AdminFactory()
    path = write_csv(
        tmp_path,
        [
            row("MAR", "2019", **{"1a": "Yes, only for those with legal immigration status"}),
            row("tun", "2021", default="No", source=""),
        ],
    )
    report = services.assessment_import(by=admin, path=path)
    assert report == {
        "file": "answers.csv", "rows": 2, "created": 2, "updated": 0, "unchanged": 0,
    }  # fmt: skip
    mar = PolicyAssessment.objects.get(area__iso3="MAR")
    assert mar.answers["1a"] == "yes_legal" and mar.domain_scores["1"] == 90.0
    assert mar.overall == 98.33 and mar.level == 3 and mar.source == "Inquiry"
    assert mar.updated_by == admin and mar.version == 1
    tun = PolicyAssessment.objects.get(area__iso3="TUN")
    assert tun.overall == 0.0 and tun.level == 1
    events = AuditEvent.objects.filter(action="statistics.assessment.import")
    assert events.count() == 2 and all(e.after["file"] == "answers.csv" for e in events)

    # The same file again changes nothing, and records nothing.
    again = services.assessment_import(by=admin, path=path)
    assert again["unchanged"] == 2 and again["created"] == again["updated"] == 0
    assert AuditEvent.objects.filter(action="statistics.assessment.import").count() == 2
    assert PolicyAssessment.objects.get(area__iso3="MAR").version == 1

    # One answer changed: that row is updated.
    path = write_csv(tmp_path, [row("MAR", "2019", **{"1a": "no"}), row("TUN", "2021", "no", "")])
    changed = services.assessment_import(by=None, path=path)
    assert changed["updated"] == 1 and changed["unchanged"] == 1
    mar = PolicyAssessment.objects.get(area__iso3="MAR")
    assert mar.version == 2 and mar.answers["1a"] == "no" and mar.updated_by is None
    event = AuditEvent.objects.filter(action="statistics.assessment.import").order_by("id").last()
    assert event.actor_label == "system" and event.before["answers"]["1a"] == "yes_legal"


def test_import_without_a_source_column_keeps_the_source(registry, tmp_path):
    admin = AdminFactory()
    services.assessment_import(by=admin, path=write_csv(tmp_path, [row(source="Kept")]))
    header = ["iso3", "year", *policy.CODES]
    path = write_csv(tmp_path, [row()[:-1]], header=header, name="nosource.csv")
    assert services.assessment_import(by=admin, path=path)["unchanged"] == 1
    assert PolicyAssessment.objects.get().source == "Kept"


def test_import_lists_every_bad_row_and_column_and_writes_nothing(registry, tmp_path):
    path = write_csv(
        tmp_path,
        [
            row("MAR", "2019"),
            row("XXX", "2019", **{"1a": "maybe"}),
            row("FRA", "2014", **{"2b": "yes_legal", "6e": ""}),
            row("MAR", "2019"),
            row("", "soon"),
        ],
    )
    with pytest.raises(InvalidInput) as info:
        services.assessment_import(by=AdminFactory(), path=path)
    found = {(e.location, e.field) for e in info.value.errors}
    assert found == {
        ("answers.csv, row 3", "iso3"),
        ("answers.csv, row 3", "1a"),
        ("answers.csv, row 4", "year"),
        ("answers.csv, row 4", "2b"),
        ("answers.csv, row 4", "6e"),
        ("answers.csv, row 5", "year"),
        ("answers.csv, row 6", "iso3"),
        ("answers.csv, row 6", "year"),
    }
    assert "unknown ISO3 code 'XXX'" in str(info.value)
    assert "already given in row 2" in str(info.value)
    assert "nothing was imported" in info.value.message
    assert not PolicyAssessment.objects.exists()
    assert not AuditEvent.objects.filter(action="statistics.assessment.import").exists()


def test_import_lists_the_first_50_problems_and_counts_all(registry, tmp_path):
    rows = [row("MAR", str(2015 + n % 5), default="maybe") for n in range(3)]
    with pytest.raises(InvalidInput) as info:
        services.assessment_import(by=AdminFactory(), path=write_csv(tmp_path, rows))
    assert len(info.value.errors) == 50
    assert "90 problems found (the first 50 are listed)" in info.value.message


def test_import_header_problems(registry, tmp_path):
    header = ["iso3", "year", *policy.CODES[:-1], "colour", "source"]
    path = write_csv(tmp_path, [row()], header=header)
    with pytest.raises(InvalidInput) as info:
        services.assessment_import(by=AdminFactory(), path=path)
    assert {(e.field, e.message) for e in info.value.errors} == {
        ("6e", "required column is missing"),
        ("colour", "unknown column (expected iso3, year, 1a to 6e and optionally source)"),
    }
    assert all(e.location == "answers.csv, row 1" for e in info.value.errors)


def test_import_refuses_other_files(registry, tmp_path):
    admin = AdminFactory()
    with pytest.raises(InvalidInput, match="no such file"):
        services.assessment_import(by=admin, path=tmp_path / "missing.csv")
    (tmp_path / "a.xlsx").write_bytes(b"PK")
    with pytest.raises(InvalidInput, match=r"expected a \.csv file"):
        services.assessment_import(by=admin, path=tmp_path / "a.xlsx")
    (tmp_path / "latin.csv").write_bytes("iso3,year\nMAR,2019,é\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match="not UTF-8"):
        services.assessment_import(by=admin, path=tmp_path / "latin.csv")
    (tmp_path / "empty.csv").write_text(",".join(["iso3", "year", *policy.CODES]) + "\n")
    with pytest.raises(InvalidInput, match="no data rows"):
        services.assessment_import(by=admin, path=tmp_path / "empty.csv")


def test_only_platform_admins_import(mar, focal_point, tmp_path):
    path = write_csv(tmp_path, [row()])
    with pytest.raises(PermissionDenied):
        services.assessment_import(by=focal_point, path=path)
    assert not PolicyAssessment.objects.exists()


@pytest.mark.parametrize("name", ["assessment_save", "assessment_import"])
def test_audit_cases_record_their_action(registry, tmp_path, name):
    from gcmhub.statistics.tests import audit_cases

    action = getattr(audit_cases, name)(tmp_path)
    event = AuditEvent.objects.get(action=action)
    assert event.after is not None and event.actor_label

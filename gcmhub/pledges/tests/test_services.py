"""Pledge services: who may write, every input rule, concurrency, status history, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from gcmhub.accounts.models import Role
from gcmhub.accounts.tests.factories import AdminFactory, OrganisationFactory, member
from gcmhub.common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gcmhub.common.models import AuditEvent
from gcmhub.pledges import selectors, services
from gcmhub.pledges.models import Pledge, Pledger, StatusUpdate
from gcmhub.pledges.services import PledgerInput, StatusInput
from gcmhub.pledges.tests.factories import DESCRIPTION, make_pledge, pledge_input
from gcmhub.reviews.models import ReviewCycle

pytestmark = pytest.mark.django_db

ALLOWED = [Role.FOCAL_POINT, Role.SECRETARIAT, Role.ADMIN]
REFUSED = [Role.VIEWER, Role.CONTRIBUTOR, Role.REVIEWER]


def _fields(exc: InvalidInput) -> set[str | None]:
    return {e.field for e in exc.errors}


def _create(org=None, user=None, **overrides):
    org = org or OrganisationFactory()
    user = user or member(Role.FOCAL_POINT, org)
    pledge = services.pledge_create(by=user, organisation=org.slug, data=pledge_input(**overrides))
    return org, user, pledge


# --- who may write ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALLOWED)
def test_editing_roles_of_the_owner_may_create(role):
    org = OrganisationFactory()
    pledge = services.pledge_create(
        by=member(role, org), organisation=org.slug, data=pledge_input()
    )
    assert pledge.organisation == org and pledge.published is False
    assert pledge.status == "announced" and pledge.status_date == dt.date.today()
    assert list(pledge.items.values_list("code", flat=True)) == ["6"]
    assert pledge.pledgers.count() == 1
    event = AuditEvent.objects.get(action="pledge.create", object_id=str(pledge.pk))
    assert event.organisation_id == org.pk and event.after["title"] == pledge.title
    assert event.after["items"] == ["objective:6"]


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_of_the_owner_may_not_create(role):
    org = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        services.pledge_create(by=member(role, org), organisation=org.slug, data=pledge_input())
    assert not Pledge.objects.exists()


def test_a_member_of_another_organisation_may_not_create_for_it():
    org = OrganisationFactory()
    outsider = member(Role.ADMIN, OrganisationFactory())
    with pytest.raises(PermissionDenied):
        services.pledge_create(by=outsider, organisation=org.slug, data=pledge_input())
    assert not Pledge.objects.exists()
    assert not AuditEvent.objects.filter(action="pledge.create").exists()


def test_anonymous_may_not_create():
    org = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        services.pledge_create(by=AnonymousUser(), organisation=org.slug, data=pledge_input())


def test_platform_admin_may_create_for_any_organisation():
    org = OrganisationFactory()
    pledge = services.pledge_create(by=AdminFactory(), organisation=org.slug, data=pledge_input())
    assert pledge.organisation == org


def test_unknown_owner_organisation_names_the_field():
    with pytest.raises(InvalidInput) as exc:
        services.pledge_create(by=AdminFactory(), organisation="nobody", data=pledge_input())
    assert _fields(exc.value) == {"organisation"}


@pytest.mark.parametrize("role", ALLOWED)
def test_editing_roles_may_update_post_status_and_publish(role):
    org, _, pledge = _create()
    user = member(role, org)
    services.pledge_update(by=user, pledge_id=pledge.pk, data=pledge_input(title="New"), version=1)
    services.pledge_status_update(
        by=user,
        pledge_id=pledge.pk,
        data=StatusInput(status="in_progress", date=dt.date.today(), evidence="Started."),
    )
    services.pledge_publish(by=user, pledge_id=pledge.pk)
    pledge.refresh_from_db()
    assert (pledge.title, pledge.status, pledge.published) == ("New", "in_progress", True)


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_may_not_update_post_status_or_publish(role):
    org, _, pledge = _create()
    user = member(role, org)
    with pytest.raises(PermissionDenied):
        services.pledge_update(by=user, pledge_id=pledge.pk, data=pledge_input(), version=1)
    with pytest.raises(PermissionDenied):
        services.pledge_status_update(
            by=user,
            pledge_id=pledge.pk,
            data=StatusInput(status="achieved", date=dt.date.today(), evidence="x"),
        )
    with pytest.raises(PermissionDenied):
        services.pledge_publish(by=user, pledge_id=pledge.pk)
    pledge.refresh_from_db()
    assert (pledge.version, pledge.status, pledge.published) == (1, "announced", False)


def test_forged_cross_organisation_update_changes_nothing():
    _, _, pledge = _create()
    intruder = member(Role.ADMIN, OrganisationFactory())
    with pytest.raises(PermissionDenied):
        services.pledge_update(
            by=intruder, pledge_id=pledge.pk, data=pledge_input(title="Hijacked"), version=1
        )
    pledge.refresh_from_db()
    assert pledge.title != "Hijacked" and pledge.version == 1
    assert not AuditEvent.objects.filter(action="pledge.update").exists()


def test_unknown_pledge_is_not_found():
    with pytest.raises(NotFound):
        services.pledge_publish(by=AdminFactory(), pledge_id=999999)


# --- input rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(("length", "ok"), [(299, False), (300, True), (3000, True), (3001, False)])
def test_description_length(length, ok):
    text = (DESCRIPTION * 20)[: length - 1] + "."
    if ok:
        _, _, pledge = _create(description=text)
        assert len(pledge.description) == length
    else:
        with pytest.raises(InvalidInput) as exc:
            _create(description=text)
        assert _fields(exc.value) == {"description"}
        assert f"it has {length:,}" in exc.value.errors[0].message
        assert not Pledge.objects.exists()


def test_every_problem_is_reported_at_once_and_nothing_is_written():
    data = pledge_input(
        title="",
        description="too short",
        kind="solo",
        type="moral",
        objectives=["99"],
        principles=["zz"],
        pledgers=[PledgerInput(iso3="ZZZ"), PledgerInput(organisation="no-such-org")],
        start_year=2025,
        end_year=2020,
        cycle="no-such-cycle",
        matches=987654,
    )
    org = OrganisationFactory()
    with pytest.raises(InvalidInput) as exc:
        services.pledge_create(by=member(Role.FOCAL_POINT, org), organisation=org.slug, data=data)
    assert _fields(exc.value) >= {
        "title",
        "description",
        "kind",
        "type",
        "objectives",
        "principles",
        "pledgers",
        "end_year",
        "cycle",
        "matches",
    }
    messages = " ".join(str(e) for e in exc.value.errors)
    assert "'ZZZ'" in messages and "'no-such-org'" in messages and "'99'" in messages
    assert not Pledge.objects.exists() and not Pledger.objects.exists()
    assert not StatusUpdate.objects.exists()


def test_objectives_accept_number_and_code_spellings():
    _, _, pledge = _create(objectives=["O7", "objective:3", "12"], principles=["A", "principle:b"])
    codes = set(pledge.items.values_list("kind", "code"))
    assert codes == {
        ("objective", "7"),
        ("objective", "3"),
        ("objective", "12"),
        ("principle", "a"),
        ("principle", "b"),
    }


def test_at_least_one_objective_or_principle_and_one_pledger():
    with pytest.raises(InvalidInput) as exc:
        _create(objectives=[], principles=[], pledgers=[])
    assert _fields(exc.value) == {"objectives", "pledgers"}


def test_kind_must_fit_the_number_of_pledgers():
    one = [PledgerInput(organisation=OrganisationFactory().slug)]
    two = [*one, PledgerInput(organisation=OrganisationFactory().slug, role="partner")]
    with pytest.raises(InvalidInput) as exc:
        _create(kind="individual", pledgers=two)
    assert _fields(exc.value) == {"kind"}
    with pytest.raises(InvalidInput) as exc:
        _create(kind="partnership", pledgers=one)
    assert _fields(exc.value) == {"kind"}
    _, _, pledge = _create(kind="partnership", pledgers=two)
    assert sorted(pledge.pledgers.values_list("role", flat=True)) == ["lead", "partner"]


def test_duplicate_pledger_and_bad_role_are_refused():
    slug = OrganisationFactory().slug
    with pytest.raises(InvalidInput) as exc:
        _create(
            kind="common",
            pledgers=[
                PledgerInput(organisation=slug),
                PledgerInput(organisation=slug, role="boss"),
            ],
        )
    assert {e.location for e in exc.value.errors} == {"pledger 2"}
    assert len(exc.value.errors) == 2


def test_state_pledgers_need_a_known_state(registry):
    _, _, pledge = _create(pledgers=[PledgerInput(iso3="mar")])
    assert pledge.pledgers.get().area.iso3 == "MAR"
    with pytest.raises(InvalidInput) as exc:
        _create(pledgers=[PledgerInput(iso3="ATA")])  # Antarctica is an area, not a State
    assert _fields(exc.value) == {"pledgers"} and "not a State" in str(exc.value)


def test_cycle_and_matching_pledge():
    cycle = ReviewCycle.objects.create(
        slug="test-forum", kind="imrf", title="A test forum", start_year=2022, end_year=2022
    )
    _, user, first = _create(cycle="test-forum")
    assert first.cycle == cycle
    _, _, second = _create(matches=first.pk)
    assert second.matches == first
    org = first.organisation
    with pytest.raises(InvalidInput) as exc:
        services.pledge_update(
            by=user, pledge_id=first.pk, data=pledge_input(matches=first.pk), version=1
        )
    assert _fields(exc.value) == {"matches"}
    assert Pledge.objects.get(pk=first.pk).matches_id is None and org


# --- concurrency -------------------------------------------------------------------------------


def test_update_with_the_current_version_saves_and_bumps_it():
    org, user, pledge = _create()
    new_org = OrganisationFactory()
    services.pledge_update(
        by=user,
        pledge_id=pledge.pk,
        data=pledge_input(
            title="Renamed",
            kind="common",
            pledgers=[PledgerInput(organisation=org.slug), PledgerInput(organisation=new_org.slug)],
            objectives=["7"],
        ),
        version=1,
    )
    pledge.refresh_from_db()
    assert pledge.version == 2 and pledge.title == "Renamed"
    assert set(pledge.pledgers.values_list("organisation__slug", flat=True)) == {
        org.slug,
        new_org.slug,
    }
    event = AuditEvent.objects.get(action="pledge.update")
    assert event.changes["title"][1] == "Renamed" and "items" in event.changes


def test_stale_version_is_a_conflict_with_the_saved_values():
    _, user, pledge = _create()
    services.pledge_update(
        by=user, pledge_id=pledge.pk, data=pledge_input(title="First"), version=1
    )
    with pytest.raises(Conflict) as exc:
        services.pledge_update(
            by=user, pledge_id=pledge.pk, data=pledge_input(title="Second"), version=1
        )
    assert exc.value.current["title"] == "First" and exc.value.current["version"] == 2
    assert exc.value.current["objectives"] == ["6"]
    pledge.refresh_from_db()
    assert pledge.title == "First" and pledge.version == 2
    assert AuditEvent.objects.filter(action="pledge.update").count() == 1


# --- status updates ----------------------------------------------------------------------------


def test_latest_update_by_date_is_the_current_status():
    _, user, pledge = _create()
    today = dt.date.today()
    services.pledge_status_update(
        by=user,
        pledge_id=pledge.pk,
        data=StatusInput(
            status="achieved",
            date=today,
            evidence="Both centres are open.",
            evidence_url="https://example.org/report",
        ),
    )
    services.pledge_status_update(
        by=user,
        pledge_id=pledge.pk,
        data=StatusInput(status="in_progress", date=today - dt.timedelta(days=30), evidence="One"),
    )
    pledge.refresh_from_db()
    assert (pledge.status, pledge.status_date) == ("achieved", today)
    assert pledge.updates.count() == 3
    event = AuditEvent.objects.filter(action="pledge.status").latest("id")
    assert event.after["update"]["status"] == "in_progress"


def test_bad_status_updates_name_each_field():
    _, user, pledge = _create()
    with pytest.raises(InvalidInput) as exc:
        services.pledge_status_update(
            by=user,
            pledge_id=pledge.pk,
            data=StatusInput(status="done", date=None, evidence="", evidence_url="not a url"),
        )
    assert _fields(exc.value) == {"status", "date", "evidence", "evidence_url"}
    with pytest.raises(InvalidInput) as exc:
        services.pledge_status_update(
            by=user,
            pledge_id=pledge.pk,
            data=StatusInput(
                status="achieved", date=dt.date.today() + dt.timedelta(days=2), evidence="x"
            ),
        )
    assert _fields(exc.value) == {"date"}
    assert pledge.updates.count() == 1


# --- visibility --------------------------------------------------------------------------------


def test_unpublished_pledges_are_seen_by_their_organisation_and_admins_only():
    org, _, pledge = _create()
    viewer = member(Role.VIEWER, org)
    outsider = member(Role.ADMIN, OrganisationFactory())
    assert selectors.pledge_detail(pledge_id=pledge.pk, user=viewer)["can_edit"] is False
    assert selectors.pledge_detail(pledge_id=pledge.pk, user=AdminFactory())["can_edit"] is True
    for user in (outsider, AnonymousUser()):
        with pytest.raises(NotFound):
            selectors.pledge_detail(pledge_id=pledge.pk, user=user)
        assert selectors.pledge_list(user=user)["count"] == 0
    services.pledge_publish(by=AdminFactory(), pledge_id=pledge.pk)
    assert selectors.pledge_list(user=AnonymousUser())["count"] == 1
    services.pledge_publish(by=AdminFactory(), pledge_id=pledge.pk, published=False)
    assert selectors.pledge_list(user=AnonymousUser())["count"] == 0
    assert AuditEvent.objects.filter(action="pledge.unpublish").count() == 1


def test_publishing_twice_records_once():
    _, user, pledge = _create()
    services.pledge_publish(by=user, pledge_id=pledge.pk)
    services.pledge_publish(by=user, pledge_id=pledge.pk)
    assert AuditEvent.objects.filter(action="pledge.publish").count() == 1


def test_matching_pledge_hidden_when_unpublished():
    hidden = make_pledge(published=False)
    shown = make_pledge(matches=hidden)
    data = selectors.pledge_detail(pledge_id=shown.pk, user=AnonymousUser())
    assert data["matches"] is None
    data = selectors.pledge_detail(pledge_id=hidden.pk, user=AdminFactory())
    assert [m["id"] for m in data["matched_by"]] == [shown.pk]

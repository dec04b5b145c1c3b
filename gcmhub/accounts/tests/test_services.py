from __future__ import annotations

import pytest

from gcmhub.accounts import services
from gcmhub.accounts.models import Membership, Organisation, Role, User
from gcmhub.accounts.tests.factories import AdminFactory, OrganisationFactory, member
from gcmhub.common.errors import InvalidInput, PermissionDenied
from gcmhub.common.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_platform_admin_creates_organisation_and_it_is_audited():
    admin = AdminFactory()
    org = services.organisation_create(
        by=admin, name="Republic of Testland", kind="state", country_iso3="tst"
    )
    assert org.slug == "republic-of-testland"
    assert org.country_iso3 == "TST"
    event = AuditEvent.objects.get(action="organisation.create")
    assert event.actor == admin
    assert event.after["name"] == "Republic of Testland"
    assert event.organisation_id == org.pk


@pytest.mark.parametrize("role", list(Role.values))
def test_no_organisation_role_may_create_organisations(role):
    user = member(role)
    with pytest.raises(PermissionDenied):
        services.organisation_create(by=user, name="Elsewhere", kind="state")
    assert not Organisation.objects.filter(name="Elsewhere").exists()
    assert not AuditEvent.objects.filter(action="organisation.create").exists()


def test_unknown_kind_is_refused_with_the_field_named():
    with pytest.raises(InvalidInput) as exc:
        services.organisation_create(by=AdminFactory(), name="X", kind="ngo")
    assert exc.value.errors[0].field == "kind"


def test_organisation_admin_updates_own_organisation_with_before_and_after():
    org = OrganisationFactory(website="")
    admin = member(Role.ADMIN, org)
    services.organisation_update(by=admin, organisation=org, website="https://example.org")
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.changes == {"website": ["", "https://example.org"]}


def test_organisation_admin_cannot_update_another_organisation():
    mine, theirs = OrganisationFactory(), OrganisationFactory(website="")
    admin = member(Role.ADMIN, mine)
    with pytest.raises(PermissionDenied):
        services.organisation_update(by=admin, organisation=theirs, website="https://evil.example")
    theirs.refresh_from_db()
    assert theirs.website == ""


def test_organisation_admin_cannot_change_kind():
    org = OrganisationFactory()
    admin = member(Role.ADMIN, org)
    with pytest.raises(PermissionDenied):
        services.organisation_update(by=admin, organisation=org, kind="un_entity")


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CONTRIBUTOR, Role.FOCAL_POINT, Role.REVIEWER])
def test_non_admin_members_cannot_grant_roles(role):
    org = OrganisationFactory()
    user = member(role, org)
    other = member(Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.membership_set(by=user, user=other, organisation=org, role=Role.ADMIN)
    assert not Membership.objects.filter(user=other, organisation=org).exists()


def test_organisation_admin_grants_and_changes_roles_in_own_organisation():
    org = OrganisationFactory()
    admin = member(Role.ADMIN, org)
    newcomer = User.objects.create(username="newcomer")
    services.membership_set(by=admin, user=newcomer, organisation=org, role=Role.CONTRIBUTOR)
    services.membership_set(by=admin, user=newcomer, organisation=org, role=Role.FOCAL_POINT)
    events = AuditEvent.objects.filter(action="membership.set", organisation_id=org.pk).order_by(
        "id"
    )
    assert [e.after["role"] for e in events] == ["contributor", "focal_point"]
    assert events.last().changes["role"] == ["contributor", "focal_point"]


def test_last_administrator_cannot_be_demoted_or_removed():
    org = OrganisationFactory()
    admin = member(Role.ADMIN, org)
    with pytest.raises(InvalidInput):
        services.membership_set(by=admin, user=admin, organisation=org, role=Role.VIEWER)
    membership = Membership.objects.get(user=admin, organisation=org)
    with pytest.raises(InvalidInput):
        services.membership_revoke(by=admin, membership=membership)
    assert Membership.objects.get(user=admin, organisation=org).role == Role.ADMIN


def test_revoke_records_who_lost_which_role():
    org = OrganisationFactory()
    admin = member(Role.ADMIN, org)
    viewer = member(Role.VIEWER, org)
    services.membership_revoke(by=admin, membership=Membership.objects.get(user=viewer))
    event = AuditEvent.objects.get(action="membership.revoke")
    assert event.before == {"user": viewer.username, "organisation": org.slug, "role": "viewer"}


def test_org_admin_creates_user_into_own_organisation_only():
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    admin = member(Role.ADMIN, mine)
    user = services.user_create(
        by=admin, username="amina", email="a@example.org", organisation=mine, role=Role.FOCAL_POINT
    )
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).role == Role.FOCAL_POINT
    with pytest.raises(PermissionDenied):
        services.user_create(
            by=admin, username="intruder", email="i@example.org", organisation=theirs
        )
    with pytest.raises(PermissionDenied):
        services.user_create(by=admin, username="boss", email="b@example.org", is_superuser=True)
    assert not User.objects.filter(username__in=["intruder", "boss"]).exists()


def test_weak_password_is_refused_and_nothing_is_created():
    with pytest.raises(InvalidInput) as exc:
        services.user_create(by=None, username="weak", email="w@example.org", password="123")
    assert {e.field for e in exc.value.errors} == {"password"}
    assert not User.objects.filter(username="weak").exists()


def test_duplicate_username_is_refused_case_insensitively():
    services.user_create(by=None, username="Focal", email="f@example.org")
    with pytest.raises(InvalidInput):
        services.user_create(by=None, username="focal", email="g@example.org")


def test_only_self_or_platform_admin_sets_a_password():
    alice, bob = member(Role.VIEWER), member(Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.user_set_password(by=bob, user=alice, password="another-Long-pass-77")
    services.user_set_password(by=alice, user=alice, password="another-Long-pass-77")
    alice.refresh_from_db()
    assert alice.check_password("another-Long-pass-77")
    event = AuditEvent.objects.get(action="user.set_password")
    assert "another" not in str(event.after)

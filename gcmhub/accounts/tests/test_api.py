from __future__ import annotations

import pytest
from django.test import Client

from gcmhub.accounts.models import Membership, Organisation, Role
from gcmhub.accounts.tests.factories import AdminFactory, OrganisationFactory, member
from gcmhub.common.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(user=None, *, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


def test_me_requires_login():
    response = Client().get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_me_lists_memberships():
    org = OrganisationFactory()
    user = member(Role.FOCAL_POINT, org)
    body = _client(user).get("/api/v1/accounts/me").json()
    assert body["memberships"] == [
        {"username": user.username, "organisation": org.slug, "role": "focal_point"}
    ]


def test_admin_creates_organisation_through_the_api():
    response = _client(AdminFactory()).post(
        "/api/v1/accounts/organisations",
        {"name": "Secretariat of a process", "kind": "secretariat"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "secretariat-of-a-process"


def test_wrong_field_value_names_the_field_and_changes_nothing():
    response = _client(AdminFactory()).post(
        "/api/v1/accounts/organisations",
        {"name": "X", "kind": "club"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"
    assert not Organisation.objects.filter(name="X").exists()


def test_cross_organisation_write_is_refused_and_nothing_changes():
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    admin = member(Role.ADMIN, mine)
    victim = member(Role.VIEWER, theirs)
    client = _client(admin)
    before = AuditEvent.objects.count()
    response = client.put(
        f"/api/v1/accounts/organisations/{theirs.slug}/members/{admin.username}",
        {"role": "admin"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    response = client.delete(
        f"/api/v1/accounts/organisations/{theirs.slug}/members/{victim.username}"
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=admin, organisation=theirs).exists()
    assert Membership.objects.filter(user=victim, organisation=theirs).exists()
    assert AuditEvent.objects.count() == before


def test_forged_request_without_csrf_token_is_refused():
    org = OrganisationFactory()
    admin = member(Role.ADMIN, org)
    other = member(Role.VIEWER)
    response = _client(admin, csrf=True).put(
        f"/api/v1/accounts/organisations/{org.slug}/members/{other.username}",
        {"role": "admin"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=other, organisation=org).exists()


def test_members_listing_is_for_organisation_admins(django_assert_max_num_queries):
    org = OrganisationFactory()
    admin = member(Role.ADMIN, org)
    for _ in range(5):
        member(Role.CONTRIBUTOR, org)
    client = _client(admin)
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/accounts/organisations/{org.slug}/members")
    assert response.status_code == 200
    assert len(response.json()) == 6
    outsider = member(Role.ADMIN)
    assert (
        _client(outsider).get(f"/api/v1/accounts/organisations/{org.slug}/members").status_code
        == 403
    )


def test_audit_api_is_for_admins_and_scoped_to_their_organisations():
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    org_admin = member(Role.ADMIN, mine)
    platform = AdminFactory()
    _client(platform).patch(
        f"/api/v1/accounts/organisations/{mine.slug}",
        {"website": "https://a.example"},
        content_type="application/json",
    )
    _client(platform).patch(
        f"/api/v1/accounts/organisations/{theirs.slug}",
        {"website": "https://b.example"},
        content_type="application/json",
    )
    seen = _client(org_admin).get("/api/v1/audit/events?action=organisation.").json()["items"]
    assert {e["organisation_id"] for e in seen} == {mine.pk}
    everything = _client(platform).get("/api/v1/audit/events?action=organisation.").json()
    assert everything["count"] == 2
    assert _client(member(Role.REVIEWER)).get("/api/v1/audit/events").status_code == 403
    assert Client().get("/api/v1/audit/events").status_code == 401


@pytest.mark.parametrize(
    "fmt,content_type",
    [("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats"), ("json", "application/json")],
)
def test_audit_export_formats(fmt, content_type):
    admin = AdminFactory()
    OrganisationFactory()
    _client(admin).post(
        "/api/v1/accounts/organisations",
        {"name": "Exported", "kind": "un_entity"},
        content_type="application/json",
    )
    response = _client(admin).get(f"/api/v1/audit/events/export?format={fmt}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response.content


def test_audit_export_rejects_unknown_format():
    response = _client(AdminFactory()).get("/api/v1/audit/events/export?format=pdf")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "format"

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from gcmhub.accounts.models import Membership, Role
from gcmhub.accounts.tests.factories import AdminFactory, OrganisationFactory, UserFactory, member
from gcmhub.common.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-phrase-42"


def test_login_and_logout_are_audited():
    user = UserFactory()
    client = Client()
    response = client.post("/en/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/"
    assert client.get("/en/accounts/").status_code == 200
    client.post("/en/accounts/logout/")
    actions = list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert sorted(actions) == ["auth.login", "auth.logout"]


def test_login_is_throttled_after_five_failures():
    user = UserFactory()
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        response = client.post(
            "/en/accounts/login/", {"username": user.username, "password": "wrong"}
        )
    assert response.status_code in {403, 429}
    # Even the right password is refused while locked out.
    response = client.post("/en/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code in {403, 429}
    assert b"15 minutes" in response.content
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 5
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_password_reset_by_email_sets_the_password_through_the_service():
    user = UserFactory(email="focal@example.org")
    client = Client()
    response = client.post("/en/accounts/password-reset/", {"email": "focal@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "brand-New-phrase-99", "new_password2": "brand-New-phrase-99"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-New-phrase-99")
    assert AuditEvent.objects.filter(action="user.set_password", object_id=str(user.pk)).exists()


def test_audit_page_is_refused_to_non_admins_and_shown_to_admins():
    viewer = member(Role.CONTRIBUTOR)
    client = Client()
    client.force_login(viewer)
    assert client.get("/en/accounts/audit/").status_code == 403
    admin = AdminFactory()
    client.force_login(admin)
    response = client.get("/en/accounts/audit/")
    assert response.status_code == 200
    assert b"auth.login" in response.content
    export = client.get("/en/accounts/audit/?format=csv&action=auth.")
    assert export.status_code == 200
    assert export.content.decode("utf-8-sig").splitlines()[0].startswith("time,actor,channel")
    assert client.get("/en/accounts/audit/?format=docx").status_code == 422


def test_audit_page_query_count_is_bounded(django_assert_max_num_queries):
    admin = AdminFactory()
    client = Client()
    client.force_login(admin)
    for _ in range(30):
        client.get("/en/accounts/")  # nothing written
        OrganisationFactory()
    with django_assert_max_num_queries(8):
        assert client.get("/en/accounts/audit/").status_code == 200


def test_members_page_adds_a_member_and_refuses_other_organisations():
    org, other = OrganisationFactory(), OrganisationFactory()
    admin = member(Role.ADMIN, org)
    newcomer = UserFactory()
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"/en/accounts/organisations/{org.slug}/members/",
        {"username": newcomer.username, "role": "focal_point"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=newcomer, organisation=org).role == "focal_point"
    response = client.post(
        f"/en/accounts/organisations/{other.slug}/members/",
        {"username": newcomer.username, "role": "admin"},
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=newcomer, organisation=other).exists()

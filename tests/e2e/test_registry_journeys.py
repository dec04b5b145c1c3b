from __future__ import annotations

import re

from gcmhub.accounts.models import Organisation, Role
from gcmhub.accounts.services import membership_set, user_create
from gcmhub.registry.models import Mechanism, Membership

PASSWORD = "a-Registry-pass-phrase-9"


def _user(username: str, organisation: Organisation, role: str):
    user = user_create(
        by=None, username=username, email=f"{username}@example.org", password=PASSWORD
    )
    membership_set(by=None, user=user, organisation=organisation, role=role)
    return user


def _log_in(page, username: str) -> None:
    page.goto("/en/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    page.wait_for_url("**/en/accounts/")


def _log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()


def test_visitor_follows_the_colombo_process_to_a_member(page, registry_data, shoot, axe):
    page.goto("/en/registry/mechanisms/")
    axe(page, "mechanism list")
    page.get_by_role("link", name="Colombo Process", exact=True).click()
    page.wait_for_url("**/en/registry/mechanisms/colombo-process/")
    # The map is drawn offline: ECharts renders a canvas once the served TopoJSON has loaded.
    page.locator("#mechanism-map canvas").first.wait_for()
    assert "do not imply official endorsement" in page.locator(".disclaimer").first.inner_text()
    members = page.locator("tr[data-iso3]")
    assert members.count() >= 12
    axe(page, "Colombo Process")
    shoot(page, "10-colombo-process")

    page.locator("tr[data-iso3='LKA'] a").first.click()
    page.wait_for_url("**/en/registry/countries/LKA/")
    others = {row.get_attribute("data-mechanism") for row in page.locator("[data-mechanism]").all()}
    assert {"colombo-process", "abu-dhabi-dialogue", "bali-process"} <= others
    axe(page, "Sri Lanka")
    shoot(page, "11-sri-lanka")


def test_secretariat_edits_a_membership_and_others_are_refused(page, registry_data, shoot, axe):
    secretariat = Mechanism.objects.get(slug="colombo-process").organisation
    _user("cp-officer", secretariat, Role.SECRETARIAT)
    _user("cp-head", secretariat, Role.ADMIN)
    _user(
        "other-officer", Mechanism.objects.get(slug="bali-process").organisation, Role.SECRETARIAT
    )

    _log_in(page, "cp-officer")
    page.goto("/en/registry/mechanisms/colombo-process/")
    page.locator("tr[data-iso3='KHM']").get_by_role("link", name=re.compile("Edit")).click()
    page.wait_for_url("**/members/KHM/")
    axe(page, "membership form")
    page.get_by_label("Joined").fill("2007")
    page.get_by_label("Source").fill("https://example.org/colombo-ministerial-2007")
    page.get_by_role("button", name=re.compile("Save")).click()
    page.wait_for_url("**/en/registry/mechanisms/colombo-process/")
    assert "2007" in page.locator("tr[data-iso3='KHM']").inner_text()
    row = Membership.objects.get(mechanism__slug="colombo-process", area__iso3="KHM", primary=True)
    assert row.joined == "2007"
    page.goto("/en/registry/mechanisms/colombo-process/history/")
    assert "cp-officer" in page.locator("main").inner_text()
    shoot(page, "12-membership-history")
    _log_out(page)

    _log_in(page, "cp-head")
    page.goto("/en/accounts/audit/")
    audit = page.locator("table.audit").inner_text()
    assert "registry.membership.save" in audit and "cp-officer" in audit
    shoot(page, "13-audit-log")
    _log_out(page)

    _log_in(page, "other-officer")
    page.goto("/en/registry/mechanisms/colombo-process/")
    assert (
        page.locator("tr[data-iso3='KHM']").get_by_role("link", name=re.compile("Edit")).count()
        == 0
    )
    response = page.goto("/en/registry/mechanisms/colombo-process/members/KHM/")
    assert response is not None and response.status == 403
    shoot(page, "14-refused")

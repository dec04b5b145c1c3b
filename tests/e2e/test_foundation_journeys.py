from __future__ import annotations

import pytest

from gcmhub.accounts.services import user_create

PASSWORD = "an-Admin-pass-phrase-7"


def test_visitor_browses_switches_to_arabic_and_searches(page, shoot, axe):
    page.goto("/en/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    axe(page, "home")
    shoot(page, "01-home")

    page.get_by_role(
        "link", name="Strengthen international cooperation and global partnerships"
    ).click()
    page.wait_for_url("**/en/framework/objectives/23/")
    assert page.locator(".kicker").text_content().startswith("GCM objective 23")
    assert page.locator("h1").inner_text().startswith("Strengthen international cooperation")
    axe(page, "objective 23")
    shoot(page, "02-objective-23")

    page.get_by_role("button", name="العربية").click()
    page.wait_for_url("**/ar/framework/objectives/23/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    axe(page, "objective 23 in Arabic")
    shoot(page, "03-objective-23-ar")

    page.locator("header nav a[href='/ar/framework/search/']").click()
    page.wait_for_url("**/ar/framework/search/")
    page.locator("#q").fill("remittances")
    page.locator("#q").press("Enter")
    results = page.locator("#results ol.results li")
    results.first.wait_for()
    hrefs = [a.get_attribute("href") for a in page.locator("#results ol.results li a").all()]
    assert "/ar/framework/objectives/20/" in hrefs
    axe(page, "search results in Arabic")
    shoot(page, "04-search-ar")


def test_admin_logs_in_and_reads_the_audit_log(page, shoot, axe):
    user_create(
        by=None, username="admin", email="admin@example.org", password=PASSWORD, is_superuser=True
    )
    page.goto("/en/accounts/login/")
    axe(page, "login")
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    page.wait_for_url("**/en/accounts/")
    page.get_by_role("link", name="Audit log").click()
    page.wait_for_url("**/en/accounts/audit/")
    table = page.locator("table.audit")
    assert "auth.login" in table.inner_text()
    assert "user.create" in table.inner_text()
    axe(page, "audit log")
    shoot(page, "05-audit-log")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "audit-log.csv"


def test_keyboard_reaches_the_skip_link_and_main_content(page):
    page.goto("/en/framework/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    "url",
    [
        "/en/framework/",
        "/en/framework/search/?q=detention",
        "/en/framework/dates/",
        "/fr/framework/sdg-targets/10.7/",
    ],
)
def test_main_pages_pass_axe(page, axe, url):
    page.goto(url)
    axe(page, url)

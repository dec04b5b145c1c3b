"""National reviews in the browser: a State writes, a commission reviews, the public reads."""

from __future__ import annotations

import re

import pytest

from gcmhub.accounts.models import Organisation, OrganisationKind, Role
from gcmhub.accounts.services import membership_set, user_create
from gcmhub.reviews.models import NationalReview, ReviewSection, ReviewStatus

PASSWORD = "a-Reviews-pass-phrase-9"
CYCLE = "regional-2028-2029"
REVIEW = f"/en/reviews/national/{CYCLE}/PRT/"
SECTION_7 = f"{REVIEW}sections/7/"


@pytest.fixture
def review_data(registry_data):
    """The registry plus the reference review cycles (the browser tests' database starts empty)."""
    from gcmhub.reviews.services import cycles_load

    cycles_load(by=None)


def _state(iso3: str, name: str) -> Organisation:
    return Organisation.objects.create(
        kind=OrganisationKind.STATE,
        country_iso3=iso3,
        name=f"Government of {name}",
        slug=f"government-{iso3.lower()}",
    )


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
    page.wait_for_load_state()


def _button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def _open_review(page) -> None:
    page.goto(REVIEW)
    page.get_by_role("heading", level=1, name=re.compile("National review of Portugal")).wait_for()


def _edit_section(page, code: str, status: str, texts: dict[str, str]) -> None:
    """From the review page, follow the section's Edit link, fill the form and save it."""
    page.locator(f"#s-{code}").get_by_role("link", name=re.compile(r"^Edit")).click()
    page.wait_for_url(f"**/sections/{code}/")
    page.get_by_label("Implementation status").select_option(status)
    for label, text in texts.items():
        page.get_by_label(label, exact=True).fill(text)
    _button(page, "Save").click()
    page.wait_for_url(re.compile(rf"/reviews/national/{CYCLE}/PRT/(#s-{code})?$"))


def _step(page, action: str) -> None:
    _button(page, action).click()
    page.wait_for_url(re.compile(rf"/en/reviews/national/{CYCLE}/PRT/$"))


def _status(iso3: str = "PRT") -> str:
    return NationalReview.objects.get(cycle__slug=CYCLE, area__iso3=iso3).status


def test_a_national_review_goes_from_draft_to_the_regional_synthesis(page, review_data, shoot, axe):
    portugal = _state("PRT", "Portugal")
    spain = _state("ESP", "Spain")
    _user("prt-focal", portugal, Role.FOCAL_POINT)
    _user("ece-reviewer", Organisation.objects.get(slug="ece"), Role.REVIEWER)
    _user("esp-focal", spain, Role.FOCAL_POINT)

    # 1. Portugal's focal point starts the review and reports on two objectives.
    _log_in(page, "prt-focal")
    page.goto("/en/reviews/")
    page.get_by_label("State", exact=True).select_option("PRT")
    page.get_by_label("Cycle", exact=True).select_option(CYCLE)
    _button(page, "Start a national review").click()
    page.wait_for_url(f"**{REVIEW}")
    assert _status() == ReviewStatus.DRAFT
    assert "The review was started" in page.locator(".messages").inner_text()
    # Checked once the flash message is gone: base.html's <ul class="messages" role="status">
    # loses its list role, which axe reports (listitem, serious).
    _open_review(page)
    axe(page, "draft review")
    shoot(page, "30-review-draft")

    page.locator("#s-7").get_by_role("link", name=re.compile(r"^Edit")).click()
    page.wait_for_url("**/sections/7/")
    axe(page, "section form")
    page.get_by_label("Implementation status").select_option("implemented")
    page.get_by_label("Actions taken").fill("A one-stop shop for migrants opened in Lisbon.")
    page.get_by_label("Challenges").fill("Waiting times for appointments.")
    page.get_by_label("Good practices").fill("Cultural mediators in every office.")
    shoot(page, "31-section-form")
    _button(page, "Save").click()
    page.wait_for_url(re.compile(rf"/reviews/national/{CYCLE}/PRT/(#s-7)?$"))
    _edit_section(page, "16", "in_progress", {"Actions taken": "Language courses for adults."})
    section_7 = page.locator("#s-7")
    assert "A one-stop shop for migrants opened in Lisbon." in section_7.inner_text()
    assert "Implemented" in section_7.locator(".status").inner_text()
    _step(page, "Submit for review")
    assert _status() == ReviewStatus.SUBMITTED
    assert page.get_by_role("link", name=re.compile(r"^Edit")).count() == 0
    _log_out(page)

    # 2. The ECE reviewer returns it with a comment.
    _log_in(page, "ece-reviewer")
    _open_review(page)
    axe(page, "submitted review (reviewer)")
    page.get_by_label("Comment to the authors").fill("Say which year the one-stop shop opened.")
    shoot(page, "32-review-to-return")
    _step(page, "Return to the authors")
    assert _status() == ReviewStatus.RETURNED
    _log_out(page)

    # 3. The focal point reads the comment, fixes objective 7 and submits again.
    _log_in(page, "prt-focal")
    _open_review(page)
    notice = page.locator(".notice.returned")
    assert "Returned by the reviewers" in notice.inner_text()
    assert "Say which year the one-stop shop opened." in notice.inner_text()
    axe(page, "returned review")
    shoot(page, "33-review-returned")
    _edit_section(
        page,
        "7",
        "implemented",
        {"Actions taken": "A one-stop shop for migrants opened in Lisbon in 2027."},
    )
    assert "in 2027" in page.locator("#s-7").inner_text()
    _step(page, "Submit for review")
    assert _status() == ReviewStatus.SUBMITTED
    _log_out(page)

    # 4. The reviewer validates and publishes it.
    _log_in(page, "ece-reviewer")
    _open_review(page)
    _step(page, "Validate")
    assert _status() == ReviewStatus.VALIDATED
    _step(page, "Publish")
    assert _status() == ReviewStatus.PUBLISHED
    assert page.locator(".review-meta .status").inner_text() == "Published"
    _log_out(page)

    # 5. The regional synthesis and the coverage matrix count it.
    page.goto(f"/en/reviews/synthesis/?cycle={CYCLE}&commission=ece")
    count = page.locator(".result-count").inner_text()
    assert re.search(r"\b1 reviews? received, 1 published", count), count
    assert page.get_by_role("link", name="Portugal").count() >= 1
    axe(page, "regional synthesis")
    shoot(page, "34-regional-synthesis")

    page.goto(f"/en/reviews/coverage/?cycle={CYCLE}")
    headers = [h.strip() for h in page.locator("table.coverage thead th").all_inner_texts()]
    row = page.locator("table.coverage tbody tr").filter(
        has=page.get_by_role("link", name="Portugal", exact=True)
    )
    assert row.count() == 1
    assert (
        row.get_by_role("link", name="Portugal")
        .get_attribute("href")
        .endswith(f"/reviews/national/{CYCLE}/PRT/")
    )
    cells = row.locator("td")  # the review status, then one cell per objective
    assert "cell-implemented" in cells.nth(headers.index("7") - 1).get_attribute("class")
    assert "cell-in_progress" in cells.nth(headers.index("16") - 1).get_attribute("class")
    assert row.locator("td.cell-implemented").count() == 1
    assert row.locator("td.cell-in_progress").count() == 1
    axe(page, "coverage matrix")
    # The whole matrix scrolls inside its region: shoot the ECE region, where Portugal shows.
    page.goto(f"/en/reviews/coverage/?cycle={CYCLE}&commission=ece")
    assert page.locator("table.coverage td.cell-implemented").count() == 1
    shoot(page, "35-coverage-ece")

    # 6. A visitor reads the published review.
    _open_review(page)
    text = page.locator("main").inner_text()
    assert "A one-stop shop for migrants opened in Lisbon in 2027." in text
    assert "Language courses for adults." in text
    assert "Cultural mediators in every office." in text
    assert page.get_by_role("link", name=re.compile(r"^Edit")).count() == 0
    assert page.get_by_role("button", name="Publish").count() == 0
    axe(page, "published review")
    shoot(page, "36-review-published")

    # 7. Spain's focal point may read it but not change it, in the page or through the API.
    _log_in(page, "esp-focal")
    _open_review(page)
    assert page.get_by_role("link", name=re.compile(r"^Edit")).count() == 0
    response = page.goto(SECTION_7)
    assert response is not None and response.status == 403
    shoot(page, "37-review-refused")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    version = ReviewSection.objects.get(
        review__area__iso3="PRT", item__kind="objective", item__code="7"
    ).version
    api = page.request.put(
        f"/api/v1/reviews/national/{CYCLE}/PRT/sections/7",
        data={"version": version, "status": "not_started"},
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    assert api.status == 403, api.text()
    section = ReviewSection.objects.get(
        review__area__iso3="PRT", item__kind="objective", item__code="7"
    )
    assert section.status == "implemented" and section.version == version


def test_two_editors_of_one_section_lose_nothing(browser, live_server, review_data, shoot, axe):
    from gcmhub.reviews.services import review_create

    portugal = _state("PRT", "Portugal")
    first = _user("prt-focal", portugal, Role.FOCAL_POINT)
    _user("prt-deputy", portugal, Role.FOCAL_POINT)
    review_create(by=first, cycle_slug=CYCLE, iso3="PRT")

    contexts = [
        browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
        )
        for _ in range(2)
    ]
    try:
        mine, theirs = (c.new_page() for c in contexts)
        for page, username in ((mine, "prt-deputy"), (theirs, "prt-focal")):
            page.set_default_timeout(15_000)
            _log_in(page, username)
            page.goto(SECTION_7)

        # Both opened version 0; the first save wins.
        theirs.get_by_label("Implementation status").select_option("planned")
        theirs.get_by_label("Actions taken").fill("Their text: a task force was set up.")
        _button(theirs, "Save").click()
        theirs.wait_for_url(re.compile(rf"/reviews/national/{CYCLE}/PRT/(#s-7)?$"))

        mine.get_by_label("Implementation status").select_option("in_progress")
        mine.get_by_label("Actions taken").fill("My text: the law was amended.")
        _button(mine, "Save").click()
        conflict = mine.locator(".conflict")
        conflict.wait_for()
        assert "Someone else saved this section after you opened it" in conflict.inner_text()
        table = conflict.locator("table").inner_text()
        assert "My text: the law was amended." in table
        assert "Their text: a task force was set up." in table
        assert "In progress" in table and "Planned" in table
        assert mine.get_by_label("Actions taken").input_value() == "My text: the law was amended."
        assert mine.get_by_label("Implementation status").input_value() == "in_progress"
        section = ReviewSection.objects.get(
            review__area__iso3="PRT", item__kind="objective", item__code="7"
        )
        assert section.actions == "Their text: a task force was set up."
        axe(mine, "section conflict")
        shoot(mine, "38-section-conflict")

        _button(mine, "Save my version").click()
        mine.wait_for_url(re.compile(rf"/reviews/national/{CYCLE}/PRT/(#s-7)?$"))
        assert "My text: the law was amended." in mine.locator("#s-7").inner_text()
        section.refresh_from_db()
        assert section.actions == "My text: the law was amended."
        assert section.status == "in_progress" and section.version == 2
    finally:
        for c in contexts:
            c.close()

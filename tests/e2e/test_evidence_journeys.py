"""The evidence base in the browser: a reviewer uploads a PDF, decides on the suggested tags,
and the evidence map and the objective's page count what was decided."""

from __future__ import annotations

import re

import pytest

from gcmhub.accounts.models import Organisation, Role
from gcmhub.accounts.tests.factories import OrganisationFactory, member
from gcmhub.evidence.models import Document
from gcmhub.evidence.tests.pdfs import make_pdf

PASSWORD = "a-Long-pass-phrase-42"  # the factories' password
TITLE = "Migrants and Their Families: Three Notes"
REMITTANCES = "Migrant workers send money home every month to support their families."
TRAFFICKING = "Traffickers recruit victims with false promises of jobs"
SCHOOLS = "Every migrant child, whatever the status of the parents"
PAGES = [
    [
        "# 1. Remittances and Financial Inclusion",
        REMITTANCES,
        "Transfer fees of eight per cent eat into these remittances, so the",
        "government and the banks agreed to cut the cost of sending money abroad.",
        "",
        "Mobile money accounts now give the families of migrants access to",
        "savings, credit and insurance, a first step to their financial inclusion.",
    ],
    [
        "# 2. Trafficking in Persons",
        TRAFFICKING + " and then",
        "exploit them in forced labour and sexual exploitation. The police",
        "and prosecutors now investigate and prosecute trafficking networks.",
        "",
        "Identified victims of trafficking receive shelter, medical care",
        "and legal assistance, whatever their migration status.",
    ],
    [
        "# 3. Migrant Children in School",
        SCHOOLS + ", may now",
        "enrol in public primary and secondary schools. Schools offer",
        "language classes and recognise the education children received",
        "in their country of origin, so that they can continue learning.",
    ],
]


@pytest.fixture
def reviewer(reference_data):
    organisation = OrganisationFactory(name="Migration Observatory", slug="observatory")
    assert isinstance(organisation, Organisation)
    return member(Role.REVIEWER, organisation)


def _log_in(page, username: str) -> None:
    page.goto("/en/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    page.wait_for_url("**/en/accounts/")


@pytest.fixture(scope="session")
def tagger():
    """The tagger loaded once, here, rather than within the first upload's page timeout (the
    live server runs in this process, so it shares the process-wide tagger)."""
    from gcmhub.tagger import get_tagger

    tagger = get_tagger()
    tagger.embed(["Warm the sentence encoder up."])
    return tagger


def _upload(page, path) -> None:
    """Upload one file; wait for the page the server answers with (a document or the form)."""
    page.goto("/en/evidence/upload/")
    page.get_by_label("Files").set_input_files(str(path))
    with page.expect_navigation(timeout=60_000):
        page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_load_state()


def _passage(page, text: str):
    return page.locator("li.passage-item").filter(has_text=text)


def _objective_tags(page, code: str):
    return page.locator(f'li.etag[data-kind="objective"][data-code="{code}"]')


def _counts(page, code: str) -> dict[str, int]:
    """How many tags with objective ``code`` the document page shows, by status."""
    statuses = [
        _objective_tags(page, code).nth(i).get_attribute("data-status")
        for i in range(_objective_tags(page, code).count())
    ]
    return {s: statuses.count(s) for s in ("confirmed", "suggested", "rejected")}


def _decide(page, tag, action: str, code: str) -> str:
    """Click Confirm or Reject on objective ``code``'s ``tag``; return the flash message of the
    page it reloads. (The button's name says which tag: "Confirm Objective 20".)"""
    with page.expect_navigation():
        tag.get_by_role("button", name=f"{action} Objective {code}", exact=True).click()
    page.wait_for_load_state()
    return page.locator(".messages").inner_text()


def _message_gone(page) -> None:
    """Reload without the flash message (axe reports base.html's messages list, see reviews)."""
    page.goto(page.url.split("#")[0])
    page.locator("#tag-counts").wait_for()


def test_reviewer_uploads_a_pdf_decides_on_tags_and_the_map_counts_them(
    page, reviewer, tagger, tmp_path, shoot, axe
):
    path = tmp_path / "three-notes.pdf"
    path.write_bytes(make_pdf(PAGES, title=TITLE))

    # 1. The reviewer uploads the PDF on behalf of their organisation.
    _log_in(page, reviewer.username)
    _upload(page, path)

    # 2. It opens on the document page, with the passages, their pages and suggested tags.
    page.wait_for_url(re.compile(r"/en/evidence/documents/\d+/$"))
    assert "three-notes.pdf: 3 passages" in page.locator(".messages").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    doc_url = page.url
    passages = page.locator("li.passage-item")
    assert passages.count() == 3
    for text, page_number, heading in (
        (REMITTANCES, 1, "1. Remittances and Financial Inclusion"),
        (TRAFFICKING, 2, "2. Trafficking in Persons"),
        (SCHOOLS, 3, "3. Migrant Children in School"),
    ):
        meta = _passage(page, text).locator(".meta").inner_text()
        assert meta == f"page {page_number} · {heading}", meta
    assert page.locator("li.etag[data-status=suggested]").count() >= 3
    remittances = _passage(page, REMITTANCES)
    objective_20 = _objective_tags(remittances, "20")
    assert objective_20.get_attribute("data-status") == "suggested"
    assert page.locator("li.etag:not([data-status=suggested])").count() == 0

    # The suggestion to reject: an objective suggested on another passage (trafficking first).
    others = [_passage(page, TRAFFICKING), _passage(page, SCHOOLS)]
    other = next(p for p in others if p.locator("li.etag[data-kind=objective]").count())
    rejected_code = other.locator("li.etag[data-kind=objective]").first.get_attribute("data-code")
    assert rejected_code and rejected_code != "20"
    before_20, before_other = _counts(page, "20"), _counts(page, rejected_code)

    _message_gone(page)
    axe(page, "document page")
    shoot(page, "evidence-document-suggested")

    # 3. Confirm objective 20 on the remittance passage, reject the other suggestion.
    message = _decide(page, _objective_tags(_passage(page, REMITTANCES), "20"), "Confirm", "20")
    assert "objective 20 is now confirmed." in message
    assert _objective_tags(_passage(page, REMITTANCES), "20").get_attribute("data-status") == (
        "confirmed"
    )
    to_reject = _objective_tags(other, rejected_code).first
    message = _decide(page, to_reject, "Reject", rejected_code)
    assert f"objective {rejected_code} is now rejected." in message
    assert _objective_tags(other, rejected_code).first.get_attribute("data-status") == "rejected"
    assert _objective_tags(_passage(page, REMITTANCES), "20").get_attribute("data-status") == (
        "confirmed"
    )
    after_20, after_other = _counts(page, "20"), _counts(page, rejected_code)
    assert after_20 == {
        "confirmed": before_20["confirmed"] + 1,
        "suggested": before_20["suggested"] - 1,
        "rejected": before_20["rejected"],
    }
    assert after_other == {
        "confirmed": before_other["confirmed"],
        "suggested": before_other["suggested"] - 1,
        "rejected": before_other["rejected"] + 1,
    }
    _message_gone(page)
    axe(page, "document page after the decisions")
    shoot(page, "evidence-document-decided")

    # 4. The evidence map counts the confirmed tag and no longer the rejected one.
    page.goto("/en/evidence/map/?kind=objective&axis=doc_type")
    row_20 = page.locator('#evidence-map tr[data-code="20"]')
    assert row_20.get_attribute("data-confirmed") == "1"
    assert row_20.get_attribute("data-suggested") == str(after_20["suggested"])
    assert "gap" not in (row_20.get_attribute("class") or "")
    row_other = page.locator(f'#evidence-map tr[data-code="{rejected_code}"]')
    assert row_other.get_attribute("data-confirmed") == str(after_other["confirmed"])
    assert row_other.get_attribute("data-suggested") == str(after_other["suggested"])
    assert ("gap" in (row_other.get_attribute("class") or "")) == (not after_other["confirmed"])
    assert after_other["suggested"] + after_other["confirmed"] == (
        before_other["suggested"] + before_other["confirmed"] - 1
    )
    axe(page, "evidence map")
    shoot(page, "evidence-map")

    # 5. What we know about objective 20: the confirmed remittance passage comes first.
    row_20.get_by_role("link").click()
    page.wait_for_url("**/en/evidence/items/objectives/20/")
    counts = page.locator("#item-counts")
    assert counts.get_attribute("data-confirmed") == "1"
    assert counts.get_attribute("data-suggested") == str(after_20["suggested"])
    assert "in 1 document." in counts.inner_text()
    first = page.locator("#strongest > li").first
    assert first.get_attribute("data-status") == "confirmed"
    assert REMITTANCES in first.locator(".passage").inner_text()
    axe(page, "objective 20's evidence")
    shoot(page, "evidence-objective-20")
    first.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(r"/en/evidence/documents/\d+/#p\d+$"))
    assert page.url.split("#")[0] == doc_url


def test_an_encrypted_pdf_is_refused_with_the_reason_and_nothing_is_kept(
    page, reviewer, tmp_path, shoot, axe
):
    path = tmp_path / "locked-report.pdf"
    path.write_bytes(make_pdf(PAGES, title="Locked Report", encrypt=True))

    _log_in(page, reviewer.username)
    _upload(page, path)

    assert page.url.endswith("/en/evidence/upload/")
    errors = page.locator("#upload-errors")
    assert errors.get_attribute("role") == "alert"
    text = errors.inner_text()
    assert "locked-report.pdf" in text and "encrypted" in text, text
    axe(page, "upload page with the error")
    shoot(page, "evidence-upload-encrypted")
    assert not Document.objects.exists()

    page.goto("/en/evidence/")
    listing = page.locator("table.documents")
    assert "locked-report" not in listing.inner_text().lower()
    assert "Locked Report" not in listing.inner_text()
    assert listing.locator("tbody tr").inner_text() == "No document yet."

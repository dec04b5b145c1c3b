"""The reviews API: reads answer with what the caller may see, writes check role and version."""

from __future__ import annotations

import pytest

from gcmhub.reviews.tests.conftest import OPEN, save

pytestmark = pytest.mark.django_db
API = "/api/v1/reviews"
JSON = "application/json"


def test_cycles_list_the_calendar(client, registry):
    rows = client.get(f"{API}/cycles").json()
    assert [r["slug"] for r in rows][:2] == ["regional-2020-2021", "imrf-2022"]
    assert client.get(f"{API}/cycles?kind=imrf").json()[0]["events"][1]["start"] == "2022-05-17"


def test_a_focal_point_creates_and_fills_a_review(client, cast):
    assert (
        client.post(
            f"{API}/national", {"cycle": OPEN, "iso3": "PRT"}, content_type=JSON
        ).status_code
        == 401
    )
    client.force_login(cast.focal_point)
    created = client.post(f"{API}/national", {"cycle": OPEN, "iso3": "PRT"}, content_type=JSON)
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "draft"
    url = f"{API}/national/{OPEN}/PRT/sections/7"
    ok = client.put(
        url, {"version": 0, "status": "implemented", "actions": "Done."}, content_type=JSON
    )
    assert ok.status_code == 200 and ok.json()["version"] == 1
    stale = client.put(url, {"version": 0, "status": "planned"}, content_type=JSON)
    assert stale.status_code == 409
    assert stale.json()["current"]["status"] == "implemented"
    bad = client.put(url, {"version": 1, "status": "finished"}, content_type=JSON)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "status"
    detail = client.get(f"{API}/national/{OPEN}/PRT").json()
    assert detail["objectives"][6]["actions"] == "Done."
    assert detail["can"]["submit"] is True


def test_another_states_focal_point_is_refused(client, cast, review):
    client.force_login(cast.other_focal_point)
    url = f"{API}/national/{OPEN}/PRT/sections/7"
    assert (
        client.put(url, {"version": 0, "status": "planned"}, content_type=JSON).status_code == 403
    )
    assert client.get(f"{API}/national/{OPEN}/PRT").status_code == 404  # a draft: not shown
    assert (
        client.post(f"{API}/national/{OPEN}/PRT/submit", {}, content_type=JSON).status_code == 403
    )


def test_the_workflow_through_the_api(client, cast, review):
    save(cast.focal_point)
    client.force_login(cast.focal_point)
    assert (
        client.post(f"{API}/national/{OPEN}/PRT/submit", {}, content_type=JSON).json()["status"]
        == "submitted"
    )
    client.force_login(cast.reviewer)
    empty = client.post(f"{API}/national/{OPEN}/PRT/return", {}, content_type=JSON)
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "comment"
    back = client.post(
        f"{API}/national/{OPEN}/PRT/return", {"comment": "Add figures"}, content_type=JSON
    )
    assert back.json()["status"] == "returned"
    # returned to its authors, the review is theirs again: reviewers cannot act on it
    assert (
        client.post(f"{API}/national/{OPEN}/PRT/publish", {}, content_type=JSON).status_code == 403
    )
    assert (
        client.post(f"{API}/national/{OPEN}/PRT/approve", {}, content_type=JSON).status_code == 422
    )


def test_coverage_answers_with_the_matrix(client, cast, published):
    data = client.get(f"{API}/coverage?cycle={OPEN}&commission=ece").json()
    assert set(data) >= {"cycle", "items", "rows", "expected", "received", "published", "totals"}
    assert [i["key"] for i in data["items"]] == [str(n) for n in range(1, 24)]
    row = next(r for r in data["rows"] if r["iso3"] == "PRT")
    assert row["cells"][6] == "implemented" and row["published"] is True
    csv = client.get(f"{API}/coverage?cycle={OPEN}&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("ISO3,Country,Review,1,2,3")
    assert any(line.startswith("PRT,") and "implemented" in line for line in lines)
    xlsx = client.get(f"{API}/synthesis/regional?cycle={OPEN}&commission=ece&format=xlsx")
    assert xlsx.content[:2] == b"PK"
    assert client.get(f"{API}/coverage?cycle=nope").status_code == 404


def test_syntheses_and_comparison(client, cast, published):
    regional = client.get(f"{API}/synthesis/regional?cycle={OPEN}&mechanism=budapest-process")
    assert regional.json()["published"] == 1
    glob = client.get(f"{API}/synthesis/global?cycle={OPEN}").json()
    assert len(glob["round_tables"]) == 4
    compare = client.get(f"{API}/compare?iso3=PRT").json()
    assert compare["cycles"][0]["slug"] == OPEN
    assert client.get(f"{API}/compare").status_code == 422


def test_attachments_through_the_api(client, cast, review):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast.focal_point)
    url = f"{API}/national/{OPEN}/PRT/attachments"
    fake = client.post(url, {"file": SimpleUploadedFile("r.pdf", b"hello", "application/pdf")})
    assert fake.status_code == 422
    assert fake.json()["errors"][0] == {
        "field": "file",
        "location": "r.pdf",
        "message": "is not a PDF or a Word (DOCX) document",
    }
    ok = client.post(url, {"file": SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n")})
    assert ok.status_code == 201 and ok.json()["kind"] == "pdf"
    client.force_login(cast.other_focal_point)
    assert client.delete(f"{API}/attachments/{ok.json()['id']}").status_code == 403


def test_inputs_through_the_api(client, cast):
    from gcmhub.accounts.models import OrganisationKind, Role
    from gcmhub.accounts.tests.factories import OrganisationFactory, member

    ngo = OrganisationFactory(kind=OrganisationKind.STAKEHOLDER)
    client.force_login(member(Role.CONTRIBUTOR, ngo))
    body = {
        "cycle": OPEN,
        "organisation": ngo.slug,
        "title": "Voices",
        "text": "Our view.",
        "items": ["16"],
        "commission": "ece",
    }
    created = client.post(f"{API}/inputs", body, content_type=JSON)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.post(f"{API}/inputs/{pk}/submit", {}, content_type=JSON).status_code == 200
    client.logout()
    assert client.get(f"{API}/inputs").json() == []
    client.force_login(cast.secretariat)
    assert client.post(f"{API}/inputs/{pk}/validate", {}, content_type=JSON).status_code == 200
    client.force_login(cast.reviewer)
    assert client.post(f"{API}/inputs/{pk}/publish", {}, content_type=JSON).status_code == 200
    client.logout()
    assert [i["title"] for i in client.get(f"{API}/inputs?item=16").json()] == ["Voices"]


def test_platform_admins_create_a_scoped_cycle(client, cast):
    from gcmhub.accounts.tests.factories import AdminFactory

    body = {
        "slug": "vnr-2027",
        "title": "Voluntary national reviews 2027",
        "start_year": 2027,
        "end_year": 2027,
        "scope_areas": ["PRT", "ESP"],
        "closes": "2027-12-31",
    }
    client.force_login(cast.focal_point)
    assert client.post(f"{API}/cycles", body, content_type=JSON).status_code == 403
    client.force_login(AdminFactory())
    bad = client.post(
        f"{API}/cycles", {**body, "scope_areas": ["ZZZ"], "end_year": 2026}, content_type=JSON
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"scope_areas", "end_year"}
    created = client.post(f"{API}/cycles", body, content_type=JSON)
    assert created.status_code == 201 and created.json()["status"] == "open"
    coverage = client.get(f"{API}/coverage?cycle=vnr-2027").json()
    assert [r["iso3"] for r in coverage["rows"]] == ["PRT", "ESP"]

"""Evidence pages and their JSON twins: visibility, the map and its exports, what we know about
an item, uploads and batches, and the API's writes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gcmhub.accounts.models import Role
from gcmhub.accounts.tests.factories import AdminFactory, OrganisationFactory, member
from gcmhub.common.models import AuditEvent
from gcmhub.evidence import extract, search, services
from gcmhub.evidence.models import BatchFile, Document, IngestBatch, Tag, TagStatus
from gcmhub.evidence.tests.audit_cases import (
    TOPICS,
    ingest_topic,
    remittance_passage_tag,
    review_pdf,
    topic_file,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/evidence"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.fixture(autouse=True)
def fresh_vector_index(settings, tmp_path):
    # Rolled-back tests reuse passage ids on SQLite, which the index's freshness key cannot see.
    search.INDEX._key = None
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def org():
    return OrganisationFactory(name="Ministry of Labour")


@pytest.fixture
def reviewer(org):
    return member(Role.REVIEWER, org)


@pytest.fixture
def docs(org) -> dict[str, int]:
    """Two published documents (remittances, trafficking) and the organisation's private review."""
    admin = AdminFactory()
    return {
        "remittances": ingest_topic(
            admin, "remittances", is_public=True, doc_type="report", year=2021
        ).document_id,
        "trafficking": ingest_topic(
            admin, "trafficking", is_public=True, doc_type="review", year=2022
        ).document_id,
        "private": services.ingest_file(
            by=admin,
            filename="review.pdf",
            content=review_pdf("Internal review"),
            options={"organisation": org.pk, "doc_type": "evaluation"},
        ).document_id,
    }


def row(data: dict, code: str) -> dict:
    return next(r for r in data["rows"] if r["code"] == code)


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


# --- visibility --------------------------------------------------------------------------------


def test_visitors_see_published_documents_only(client, docs, org):
    listed = client.get(f"{API}/documents").json()
    assert {d["id"] for d in listed["documents"]} == {docs["remittances"], docs["trafficking"]}
    assert listed["total"] == 2
    page = client.get("/en/evidence/").content.decode()
    assert "remittances" in page and "Internal review" not in page
    assert client.get(f"{API}/documents/{docs['private']}").status_code == 404
    assert client.get(f"/en/evidence/documents/{docs['private']}/").status_code == 404
    public = client.get(f"{API}/documents/{docs['remittances']}").json()
    assert public["can_curate"] is False and public["passages_list"][0]["tags"]

    found = client.get(f"{API}/search", {"q": "transaction costs of remittances"}).json()
    assert docs["private"] not in {r["document"]["id"] for r in found["results"]}
    item = client.get(f"{API}/items/objective/20").json()
    assert {p["document"]["id"] for p in item["passages"]} == {docs["remittances"]}
    assert item["documents"] == 1
    by_type = client.get(f"{API}/map", {"axis": "doc_type"}).json()
    assert [c["key"] for c in by_type["columns"]] == ["report", "review"]  # no "evaluation"
    assert row(by_type, "20")["suggested"] == 1

    client.force_login(member(Role.VIEWER, org))
    listed = client.get(f"{API}/documents").json()
    assert listed["total"] == 3
    assert client.get(f"{API}/documents/{docs['private']}").status_code == 200
    assert client.get(f"{API}/items/objective/20").json()["documents"] == 2
    by_type = client.get(f"{API}/map", {"axis": "doc_type"}).json()
    assert [c["key"] for c in by_type["columns"]] == ["evaluation", "report", "review"]
    assert row(by_type, "20")["suggested"] == 2  # the private review's remittance passage too


def test_document_list_filters(client, docs):
    def ids(**params):
        return [d["id"] for d in client.get(f"{API}/documents", params).json()["documents"]]

    assert ids() == [docs["trafficking"], docs["remittances"]]  # newest first
    assert ids(doc_type="report") == [docs["remittances"]]
    assert ids(year=2022) == [docs["trafficking"]]
    assert ids(language="fr") == []
    assert client.get(f"{API}/documents", {"doc_type": "novel"}).status_code == 422


# --- the map and what we know about an item ----------------------------------------------------


@pytest.fixture
def decided(docs):
    """Objective 20 confirmed on the remittances passage; objective 10 rejected on trafficking."""
    admin = AdminFactory()
    confirmed = remittance_passage_tag(docs["remittances"])
    services.tag_decide(by=admin, pk=confirmed.pk, status="confirmed")
    rejected = Tag.objects.get(
        document_id=docs["trafficking"], item__kind="objective", item__code="10"
    )
    services.tag_decide(by=admin, pk=rejected.pk, status="rejected")
    confirmed.refresh_from_db()
    rejected.refresh_from_db()
    return confirmed, rejected


def test_map_counts_confirmed_and_suggested_not_rejected(client, decided):
    data = client.get(f"{API}/map", {"axis": "doc_type"}).json()
    assert (data["axis"], data["kind"]) == ("doc_type", "objective")
    # Objective 10, rejected on the review, was that document's only objective: no column.
    assert [(c["key"], c["label"]) for c in data["columns"]] == [("report", "Report")]
    twenty = row(data, "20")
    assert (twenty["confirmed"], twenty["suggested"], twenty["gap"]) == (1, 0, False)
    assert twenty["cells"] == [{"confirmed": 1, "suggested": 0}]
    ten = row(data, "10")
    assert (ten["confirmed"], ten["suggested"], ten["gap"]) == (0, 0, True)
    assert decided[1].status == "rejected"
    assert "20" not in data["gaps"] and "10" in data["gaps"]
    assert len(data["rows"]) == 23 and len(data["gaps"]) == 22
    suggested = Tag.objects.filter(
        item__kind="objective", status=TagStatus.SUGGESTED, document__is_public=True
    )
    assert sum(r["suggested"] for r in data["rows"]) == suggested.count()

    targets = client.get(f"{API}/map", {"axis": "year", "kind": "sdg_target"}).json()
    assert targets["kind"] == "sdg_target" and [c["key"] for c in targets["columns"]] in (
        [],
        ["2021"],
        ["2022"],
        ["2021", "2022"],
    )
    assert client.get(f"{API}/map", {"axis": "planet"}).status_code == 422


def test_map_exports_as_csv_from_the_page_and_the_api(client, decided):
    for url in ("/en/evidence/map/", f"{API}/map"):
        response = client.get(url, {"axis": "doc_type", "format": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "evidence-map-objective-doc_type.csv" in response["Content-Disposition"]
        body = response.content.decode("utf-8-sig")
        assert body.splitlines()[0] == "kind,code,title,doc_type,confirmed,suggested"
        rows = csv_rows(response.content)
        assert len(rows) == 23  # every objective, in the one column
        assert {r["doc_type"] for r in rows} == {"Report"}
        cell = next(r for r in rows if r["code"] == "20")
        assert (cell["kind"], cell["confirmed"], cell["suggested"]) == ("objective", "1", "0")
        rejected = next(r for r in rows if r["code"] == "10")
        assert (rejected["confirmed"], rejected["suggested"]) == ("0", "0")
    xlsx = client.get("/en/evidence/map/", {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/en/evidence/map/", {"axis": "planet"}).status_code == 404


def test_map_page(client, decided, reviewer, django_assert_max_num_queries):
    client.force_login(reviewer)
    with django_assert_max_num_queries(7):  # measured: 5
        response = client.get("/en/evidence/map/", {"axis": "doc_type"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "22 items have no confirmed passage yet." in html
    assert 'data-code="20" data-confirmed="1"' in html
    assert 'href="/api/v1/evidence/map?axis=doc_type&amp;kind=objective"' in html


def test_item_lists_the_confirmed_passage_first(
    client, decided, docs, django_assert_max_num_queries
):
    # A second, stronger suggestion of objective 20 that nobody confirmed.
    stronger = services.ingest_file(
        by=None,
        filename="costs.txt",
        content=(TOPICS["remittances"] + " Remittance costs and fees fall.").encode(),
        options={"is_public": True},
    ).document_id
    strong = remittance_passage_tag(stronger)
    Tag.objects.filter(pk=strong.pk).update(score=0.999)
    data = client.get(f"{API}/items/objective/20").json()
    assert [p["tag"]["status"] for p in data["passages"]][:2] == ["confirmed", "suggested"]
    assert data["passages"][0]["document"]["id"] == docs["remittances"]
    assert data["passages"][0]["passage"]["text"] == TOPICS["remittances"]
    assert data["passages"][1]["tag"]["id"] == strong.pk
    assert (data["confirmed"], data["suggested"], data["documents"]) == (1, 1, 2)
    assert {r["key"]: r["n"] for r in data["by"]["doc_type"]} == {"report": 1, "other": 1}
    assert client.get(f"{API}/items/objective/99").status_code == 404
    assert client.get(f"{API}/items/indicator/1").status_code == 422

    with django_assert_max_num_queries(10):  # measured: 8
        page = client.get("/en/evidence/items/objectives/20/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "What we know about GCM objective 20" in html
    assert 'data-confirmed="1" data-suggested="1"' in html
    assert html.index('data-status="confirmed"') < html.index('data-status="suggested"')
    gap = client.get("/en/evidence/items/objectives/10/").content.decode()
    assert "it is a gap in the evidence base" in gap
    assert client.get("/en/evidence/items/nothing/1/").status_code == 404


# --- pages -------------------------------------------------------------------------------------


def test_index_lists_documents_and_searches(client, docs):
    listing = client.get("/en/evidence/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "2 documents" in html and "Search passages" in html
    assert '<a href="/api/v1/evidence/documents?" rel="alternate"' in html
    results = client.get("/en/evidence/", {"q": "reducir el costo de las remesas"})
    assert results.status_code == 200
    html = results.content.decode()
    assert html.index("transaction costs of remittances") < html.index("dismantled")
    assert 'data-code="20"' in html
    assert 'href="/api/v1/evidence/search?q=reducir+el+costo+de+las+remesas"' in html
    none = client.get("/en/evidence/", {"q": "zanzibar", "mode": "fulltext"}).content.decode()
    assert "No passage matches." in none
    bad = client.get("/en/evidence/", {"q": "x" * 201}).content.decode()
    assert "longer than 200 characters" in bad
    bad = client.get("/en/evidence/", {"q": "migrants", "item": "goal"}).content.decode()
    assert "must look like objective:20" in bad


def test_document_page(client, docs, org, reviewer, django_assert_max_num_queries):
    client.force_login(reviewer)
    url = f"/en/evidence/documents/{docs['private']}/"
    with django_assert_max_num_queries(15):  # measured: 13, whatever the number of passages
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Internal review</h1>" in html
    assert "4 passages" in html and "2. Remittances" in html and "page 3" in html
    assert "Ministry of Labour" in html
    tag = remittance_passage_tag(docs["private"])
    assert f'action="/en/evidence/tags/{tag.pk}/decide/"' in html
    assert "Tag the whole document with" in html
    # A visitor reads a published document without the curation forms.
    client.logout()
    public = client.get(f"/en/evidence/documents/{docs['remittances']}/").content.decode()
    assert "transaction costs of remittances" in public
    assert "/decide/" not in public and "Add a tag" not in public


def test_deciding_and_adding_on_the_page(client, docs, reviewer):
    tag = remittance_passage_tag(docs["private"])
    url = f"/en/evidence/documents/{docs['private']}/"
    client.force_login(member(Role.VIEWER, OrganisationFactory()))
    response = client.post(f"/en/evidence/tags/{tag.pk}/decide/", {"status": "confirmed"})
    assert response.status_code == 403
    tag.refresh_from_db()
    assert tag.status == "suggested"

    client.force_login(reviewer)
    response = client.post(
        f"/en/evidence/tags/{tag.pk}/decide/", {"status": "confirmed", "next": url + "#p1"}
    )
    assert response.status_code == 302 and response["Location"] == url + "#p1"
    tag.refresh_from_db()
    assert (tag.status, tag.decided_by) == ("confirmed", reviewer)
    response = client.post(
        "/en/evidence/tags/add/", {"item": "objective:7", "passage": str(tag.passage_id)}
    )
    assert response.status_code == 302 and response["Location"] == url
    assert Tag.objects.filter(passage_id=tag.passage_id, item__code="7", status="confirmed")
    again = client.post(
        "/en/evidence/tags/add/",
        {"item": "objective:7", "passage": str(tag.passage_id)},
        follow=True,
    )
    assert "already confirmed" in again.content.decode()
    # External "next" addresses are not followed.
    response = client.post(
        f"/en/evidence/tags/{tag.pk}/decide/", {"status": "rejected", "next": "//evil.example"}
    )
    assert response["Location"] == url


def test_upload_page(client, org, django_capture_on_commit_callbacks):
    assert client.get("/en/evidence/upload/").status_code == 302  # to the login page
    client.force_login(member(Role.VIEWER, org))
    assert (
        "You do not contribute to any organisation"
        in client.get("/en/evidence/upload/").content.decode()
    )

    contributor = member(Role.CONTRIBUTOR, org)
    client.force_login(contributor)
    form = client.get("/en/evidence/upload/")
    assert form.status_code == 200
    html = form.content.decode()
    assert f'<option value="{org.pk}" selected>Ministry of Labour</option>' in html
    assert 'name="files"' in html and "up to 50 MB each" in html

    name, content = topic_file("climate")
    response = client.post(
        "/en/evidence/upload/",
        {"files": [SimpleUploadedFile(name, content)], "organisation": org.pk, "year": "2020"},
    )
    doc = Document.objects.get(filename="climate.txt")
    assert (
        response.status_code == 302 and response["Location"] == f"/en/evidence/documents/{doc.pk}/"
    )
    assert (doc.organisation, doc.year, doc.created_by) == (org, 2020, contributor)

    bad = client.post(
        "/en/evidence/upload/",
        {"files": [SimpleUploadedFile("x.png", PNG)], "organisation": org.pk},
    )
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "x.png was not ingested." in html and "x.png, file: is not a PDF" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/evidence/upload/",
            {
                "files": [
                    SimpleUploadedFile(*topic_file("education")),
                    SimpleUploadedFile("x.png", PNG),
                ],
                "organisation": org.pk,
            },
        )
    batch = IngestBatch.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/en/evidence/batches/{batch.pk}/"
    )
    assert (batch.status, batch.ingested, len(batch.failures)) == ("done", 1, 1)


def test_upload_page_refuses_oversized_files(client, org, monkeypatch):
    monkeypatch.setattr(extract, "MAX_BYTES", 1024 * 1024)
    client.force_login(member(Role.CONTRIBUTOR, org))
    response = client.post(
        "/en/evidence/upload/",
        {"files": [SimpleUploadedFile("big.txt", b"a " * 600_000)], "organisation": org.pk},
    )
    assert response.status_code == 422
    assert "big.txt, files: is larger than 1 MB" in response.content.decode()
    assert not Document.objects.exists() and not IngestBatch.objects.exists()


# --- batches -----------------------------------------------------------------------------------


def test_batch_progress_on_the_page_and_in_json(client, org, django_capture_on_commit_callbacks):
    contributor = member(Role.CONTRIBUTOR, org)
    client.force_login(contributor)
    files = [
        SimpleUploadedFile(*topic_file("remittances")),
        SimpleUploadedFile(*topic_file("education")),
        SimpleUploadedFile("photo.png", PNG),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/batches", {"files": files, "organisation": org.pk, "doc_type": "practice"}
        )
    assert response.status_code == 201
    queued = response.json()
    assert (queued["status"], queued["total"], queued["processed"]) == ("queued", 3, 0)
    batch_id = queued["id"]

    data = client.get(f"{API}/batches/{batch_id}").json()
    assert (data["status"], data["processed"], data["total"], data["percent"]) == (
        "done",
        3,
        3,
        100,
    )
    assert (data["ingested"], data["unchanged"]) == (2, 0)
    assert data["failures"][0]["file"] == "photo.png"
    assert [(f["name"], f["status"]) for f in data["files"]] == [
        ("remittances.txt", "created"),
        ("education.txt", "created"),
        ("photo.png", "failed"),
    ]
    assert data["finished_at"] is not None and data["url"] == f"/en/evidence/batches/{batch_id}/"

    page = client.get(f"/en/evidence/batches/{batch_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<span id="batch-count">3 / 3</span>' in html
    assert '<span id="batch-status">Done</span>' in html
    assert '<span id="batch-failed">1</span>' in html
    assert f'data-url="/api/v1/evidence/batches/{batch_id}"' in html

    client.force_login(member(Role.CONTRIBUTOR, org))  # someone else, same organisation
    assert client.get(f"{API}/batches/{batch_id}").status_code == 404
    assert client.get(f"/en/evidence/batches/{batch_id}/").status_code == 404
    client.force_login(AdminFactory())
    assert client.get(f"{API}/batches/{batch_id}").status_code == 200
    client.logout()
    assert client.get(f"{API}/batches/{batch_id}").status_code == 401
    assert BatchFile.objects.filter(batch_id=batch_id).count() == 3


def test_batch_api_refuses_oversized_files(client, org, monkeypatch):
    monkeypatch.setattr(extract, "MAX_BYTES", 300)
    client.force_login(member(Role.CONTRIBUTOR, org))
    files = [
        SimpleUploadedFile(*topic_file("education")),
        SimpleUploadedFile("big.txt", b"x" * 301),
    ]
    response = client.post(f"{API}/batches", {"files": files, "organisation": org.pk})
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["location"] == "big.txt" and body["errors"][0]["field"] == "file"
    assert not IngestBatch.objects.exists()


# --- API writes --------------------------------------------------------------------------------


def test_upload_through_the_api(client, org):
    contributor = member(Role.CONTRIBUTOR, org)

    def upload(name: str, content: bytes, **meta):
        return client.post(f"{API}/documents", {"file": SimpleUploadedFile(name, content), **meta})

    assert upload("review.pdf", review_pdf(), organisation=org.pk).status_code == 401
    client.force_login(member(Role.VIEWER, org))
    assert upload("review.pdf", review_pdf(), organisation=org.pk).status_code == 403

    client.force_login(contributor)
    created = upload(
        "review.pdf",
        review_pdf(),
        organisation=org.pk,
        doc_type="review",
        year=2024,
        is_public="true",
        licence="CC BY 4.0",
        title="Our review",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["filename"], body["passages"]) == ("created", "review.pdf", 4)
    assert body["suggested"] == Tag.objects.filter(document_id=body["document_id"]).count() > 0
    doc = Document.objects.get(pk=body["document_id"])
    assert (doc.title, doc.doc_type, doc.year, doc.is_public, doc.licence) == (
        "Our review",
        "review",
        2024,
        True,
        "CC BY 4.0",
    )
    same = upload("again.pdf", review_pdf(), organisation=org.pk)
    assert same.status_code == 200
    assert same.json()["status"] == "unchanged" and same.json()["document_id"] == doc.pk

    bad = upload("locked.pdf", review_pdf()[:500], organisation=org.pk)
    assert bad.status_code == 422
    body = bad.json()
    assert body["message"] == "locked.pdf was not ingested."
    assert body["errors"][0]["field"] == "file" and body["errors"][0]["location"] == "locked.pdf"
    other = OrganisationFactory()
    assert upload(*topic_file("climate"), organisation=other.pk).status_code == 403
    wrong = upload(*topic_file("climate"), organisation=org.pk, doc_type="novel")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "doc_type"
    assert Document.objects.count() == 1


def test_tags_and_documents_through_the_api(client, docs, reviewer):
    tag = remittance_passage_tag(docs["private"])
    client.force_login(reviewer)

    def patch(url, payload):
        return client.patch(url, json.dumps(payload), content_type="application/json")

    response = patch(f"{API}/tags/{tag.pk}", {"status": "confirmed"})
    assert response.status_code == 200
    assert response.json() == {
        "id": tag.pk,
        "status": "confirmed",
        "kind": "objective",
        "code": "20",
    }
    assert patch(f"{API}/tags/{tag.pk}", {"status": "maybe"}).status_code == 422
    assert patch(f"{API}/tags/{10**9}", {"status": "rejected"}).status_code == 404

    added = client.post(
        f"{API}/tags",
        {"kind": "objective", "code": "7", "passage": tag.passage_id},
        content_type="application/json",
    )
    assert added.status_code == 201
    assert added.json()["status"] == "confirmed" and added.json()["code"] == "7"
    twice = client.post(
        f"{API}/tags",
        {"kind": "objective", "code": "20", "passage": tag.passage_id},
        content_type="application/json",
    )
    assert twice.status_code == 409 and "already confirmed" in twice.json()["message"]

    changed = patch(f"{API}/documents/{docs['private']}", {"title": "Renamed", "is_public": True})
    assert changed.status_code == 200
    assert changed.json()["title"] == "Renamed" and changed.json()["is_public"] is True
    assert patch(f"{API}/documents/{docs['private']}", {"year": 1900}).status_code == 422

    retag = client.post(f"{API}/documents/{docs['private']}/retag")
    assert retag.status_code == 200 and retag.json()["suggested"] >= 0
    tag.refresh_from_db()
    assert tag.status == "confirmed"

    # The published documents belong to no organisation: a reviewer of any may curate them,
    # a viewer may not.
    client.force_login(member(Role.VIEWER, OrganisationFactory()))
    public_tag = remittance_passage_tag(docs["remittances"])
    assert patch(f"{API}/tags/{public_tag.pk}", {"status": "rejected"}).status_code == 403
    assert client.delete(f"{API}/documents/{docs['remittances']}").status_code == 403

    client.force_login(reviewer)
    assert client.delete(f"{API}/documents/{docs['private']}").status_code == 204
    assert client.get(f"{API}/documents/{docs['private']}").status_code == 404
    assert not Tag.objects.filter(document_id=docs["private"]).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "evidence.tag.decide",
        "evidence.tag.add",
        "evidence.document.update",
        "evidence.document.retag",
        "evidence.document.delete",
    } <= actions
    client.logout()
    assert patch(f"{API}/tags/{public_tag.pk}", {"status": "rejected"}).status_code == 401


def test_tag_a_text_through_the_api(client):
    response = client.post(
        f"{API}/tag",
        {"text": TOPICS["remittances"], "kinds": ["objective"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    tags = response.json()["tags"]
    assert tags[0]["code"] == "20" and {t["kind"] for t in tags} == {"objective"}
    too_long = client.post(f"{API}/tag", {"text": "x" * 20_001}, content_type="application/json")
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "text"
    assert not Document.objects.exists()

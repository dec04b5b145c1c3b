"""Evidence services: ingest (every kind of file, every way it can fail), batches, permissions,
tag decisions, retagging, curated examples, document changes and attachments."""

from __future__ import annotations

import io
from typing import Any

import docx
import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage

from gcmhub.accounts.models import Role
from gcmhub.accounts.tests.factories import AdminFactory, OrganisationFactory, member
from gcmhub.common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gcmhub.common.models import AuditEvent
from gcmhub.evidence import extract, ingest, services
from gcmhub.evidence.models import (
    BatchFile,
    Document,
    IngestBatch,
    Passage,
    Source,
    Tag,
    TagStatus,
)
from gcmhub.evidence.tests.audit_cases import (
    TOPICS,
    ingest_topic,
    remittance_passage_tag,
    review_pdf,
    topic_file,
)
from gcmhub.evidence.tests.pdfs import make_pdf
from gcmhub.tagger import get_tagger

pytestmark = pytest.mark.django_db

FRENCH = (
    "Les envois de fonds des travailleurs migrants soutiennent des millions de familles. "
    "Le gouvernement veut réduire les frais de transfert et encourager des services plus "
    "rapides, plus sûrs et moins chers pour envoyer de l'argent au pays."
)
SPANISH = (
    "Las remesas que envían los trabajadores migrantes sostienen a millones de familias. "
    "El gobierno quiere reducir el costo de las remesas y promover servicios más rápidos, "
    "seguros y baratos para enviar dinero a sus países de origen."
)
GERMAN = (
    "Im vergangenen Jahr eröffnete die Regierung drei neue Zentren, um Arbeitsmigranten zu "
    "unterstützen, die nach vielen Jahren im Ausland nach Hause zurückkehren. Die Zentren "
    "beraten bei der Suche nach Arbeit und bei der Anerkennung von Abschlüssen."
)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def counts() -> tuple[int, ...]:
    return (
        Document.objects.count(),
        Passage.objects.count(),
        Tag.objects.count(),
        AuditEvent.objects.filter(action__startswith="evidence.").count(),
    )


def make_docx(title: str, paragraphs: list[str]) -> bytes:
    document = docx.Document()
    document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.fixture
def contributor(org):
    return member(Role.CONTRIBUTOR, org)


@pytest.fixture
def reviewer(org):
    return member(Role.REVIEWER, org)


@pytest.fixture
def review(contributor, org) -> Document:
    result = services.ingest_file(
        by=contributor,
        filename="review.pdf",
        content=review_pdf(),
        options={"organisation": org.pk, "doc_type": "review", "year": "2024"},
    )
    return Document.objects.get(pk=result.document_id)


def passage_under(doc: Document, heading: str) -> Passage:
    return doc.passages.get(heading=heading)


def suggested(passage: Passage) -> dict[str, Tag]:
    return {f"{t.item.kind}:{t.item.code}": t for t in passage.tags.select_related("item")}


# --- ingest ------------------------------------------------------------------------------------


def test_pdf_becomes_a_document_with_passages_language_and_suggested_tags(review, contributor):
    doc = review
    assert doc.title == "National review 2024"
    assert (doc.doc_type, doc.year, doc.language, doc.pages) == ("review", 2024, "en", 3)
    assert (doc.filename, doc.media_type) == ("review.pdf", "application/pdf")
    assert doc.source == Source.UPLOAD and doc.created_by == contributor
    assert not doc.is_public and doc.tagger_version.startswith("usem3/")
    rows = list(doc.passages.values_list("ordinal", "page", "heading", "language"))
    assert rows == [
        (1, 1, "1. Introduction", "en"),
        (2, 1, "2. Remittances", "en"),
        (3, 2, "3. Human Trafficking", "en"),
        (4, 3, "4. Education", "en"),
    ]
    assert doc.passage_count == 4
    remittances = passage_under(doc, "2. Remittances")
    assert remittances.text.startswith("We will reduce the transaction costs of remittances")
    assert len(bytes(remittances.vector)) == 512 * 2  # float16
    tags = suggested(remittances)
    tag = tags["objective:20"]
    assert tag.status == TagStatus.SUGGESTED and tag.suggested and tag.decided_by is None
    assert 0.3 <= tag.score <= 1
    assert any("remittances" in e["text"] for e in tag.evidence)
    for e in tag.evidence:
        assert remittances.text[e["start"] : e["end"]] == e["text"]
    assert "objective:10" in suggested(passage_under(doc, "3. Human Trafficking"))
    assert "objective:20" not in suggested(passage_under(doc, "3. Human Trafficking"))

    event = AuditEvent.objects.get(action="evidence.document.ingest")
    assert event.actor == contributor and event.organisation_id == doc.organisation_id
    assert event.after["sha256"] == doc.sha256
    assert event.after["suggested_tags"] == Tag.objects.filter(document=doc).count()


def test_the_same_bytes_again_are_unchanged(review, contributor, org):
    before = counts()
    again = services.ingest_file(
        by=contributor,
        filename="copy-of-review.pdf",
        content=review_pdf(),
        options={"organisation": org.pk},
    )
    assert (again.status, again.document_id, again.passages, again.suggested) == (
        "unchanged",
        review.pk,
        4,
        0,
    )
    assert again.filename == "copy-of-review.pdf"
    assert counts() == before


def _html(title: str, text: str) -> bytes:
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        f"<h1>{title}</h1><p>{text}</p><script>var x = 1;</script></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("filename", "make", "media_type", "title"),
    [
        (
            "plan.docx",
            lambda: make_docx("Education Plan", [TOPICS["education"]]),
            extract.MEDIA_TYPES["docx"],
            "Education Plan",
        ),
        (
            "page.html",
            lambda: _html("Climate Displacement", TOPICS["climate"]),
            "text/html",
            "Climate Displacement",
        ),
        (
            "notes.md",
            lambda: f"# Human Trafficking\n\n**{TOPICS['trafficking']}**\n".encode(),
            "text/markdown",
            "Human Trafficking",
        ),
        ("remittances.txt", lambda: TOPICS["remittances"].encode(), "text/plain", "remittances"),
    ],
)
def test_each_kind_of_file_is_ingested(filename, make, media_type, title):
    result = services.ingest_file(by=AdminFactory(), filename=filename, content=make())
    assert result.status == "created" and result.passages == 1
    doc = Document.objects.get(pk=result.document_id)
    assert (doc.media_type, doc.title, doc.language, doc.pages) == (media_type, title, "en", None)
    (passage,) = doc.passages.all()
    assert passage.page is None
    assert "var x" not in passage.text and "**" not in passage.text
    assert Tag.objects.filter(document=doc, status=TagStatus.SUGGESTED).exists()


@pytest.mark.parametrize(("text", "code"), [(FRENCH, "fr"), (SPANISH, "es")])
def test_french_and_spanish_documents(text, code):
    result = services.ingest_file(by=AdminFactory(), filename="d.txt", content=text.encode())
    doc = Document.objects.get(pk=result.document_id)
    assert doc.language == code
    assert set(doc.passages.values_list("language", flat=True)) == {code}
    # The tagger reads every UN language: both texts are about remittances (and their cost).
    keys = {f"{t.item.kind}:{t.item.code}" for t in Tag.objects.filter(document=doc)}
    assert keys & {"objective:20", "sdg_target:10.c"}


def _docx_bomb(monkeypatch: pytest.MonkeyPatch) -> tuple[str, bytes]:
    monkeypatch.setattr(extract, "MAX_UNPACKED", 2000)
    return "bomb.docx", make_docx("Education Plan", [TOPICS["education"]])


def _oversized(monkeypatch: pytest.MonkeyPatch) -> tuple[str, bytes]:
    monkeypatch.setattr(extract, "MAX_BYTES", 100)
    return "long.txt", TOPICS["education"].encode()


BAD_FILES: dict[str, tuple[Any, str]] = {
    "encrypted": (
        lambda mp: ("locked.pdf", make_pdf([["Some text on the page."]], encrypt=True)),
        "is an encrypted PDF: upload an unprotected copy",
    ),
    "truncated": (
        lambda mp: ("cut.pdf", review_pdf()[:600]),
        "could not be read as a PDF: ",
    ),
    "empty": (lambda mp: ("empty.txt", b""), "is empty"),
    "png": (
        lambda mp: ("photo.png", PNG),
        "is not a PDF, Word (DOCX), HTML, Markdown or plain-text file (it looks like a PNG image)",
    ),
    "oversized": (_oversized, "is larger than 100 bytes, the most one file may have"),
    "zip bomb": (_docx_bomb, "is a compressed archive that unpacks to"),
    "german": (
        lambda mp: ("bericht.txt", GERMAN.encode()),
        "is written in German, which is not one of the six UN languages",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_its_name_and_nothing_is_stored(case, monkeypatch):
    make, message = BAD_FILES[case]
    filename, content = make(monkeypatch)
    admin = AdminFactory()
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        services.ingest_file(by=admin, filename=filename, content=content)
    error = caught.value
    assert error.message == f"{filename} was not ingested."
    (field_error,) = error.errors
    assert (field_error.field, field_error.location) == ("file", filename)
    assert field_error.message.startswith(message)
    assert str(field_error).startswith(f"{filename}, file: ")
    assert counts() == before


def test_ingest_many_goes_on_after_failures():
    def missing() -> bytes:
        raise FileNotFoundError(2, "No such file or directory")

    files = [
        (f"docs/{name}", lambda c=content: c)
        for name, content in (topic_file("remittances"), topic_file("climate"))
    ]
    files += [
        ("docs/photo.png", lambda: PNG),
        ("docs/education.txt", lambda: topic_file("education")[1]),
        ("docs/gone.pdf", missing),
    ]
    seen: list[str] = []
    report = services.ingest_many(by=AdminFactory(), files=files, progress=seen.append).as_dict()
    assert (report["created"], report["unchanged"], report["failed"]) == (3, 0, 2)
    assert seen == [name for name, _ in files]
    assert report["failures"] == [
        {
            "file": "docs/photo.png",
            "message": extract.UNSUPPORTED + " (it looks like a PNG image)",
        },
        {"file": "docs/gone.pdf", "message": "could not be read: No such file or directory"},
    ]
    stored = Document.objects.order_by("id")
    assert [d.filename for d in stored] == ["remittances.txt", "climate.txt", "education.txt"]
    assert {d.source for d in stored} == {Source.COMMAND}
    assert [d.source_ref for d in stored] == [
        "docs/remittances.txt",
        "docs/climate.txt",
        "docs/education.txt",
    ]
    assert [r["document_id"] for r in report["results"]] == [d.pk for d in stored]


def test_invalid_options_are_named_by_field():
    with pytest.raises(InvalidInput) as caught:
        services.ingest_file(
            by=AdminFactory(),
            filename="r.txt",
            content=TOPICS["remittances"].encode(),
            options={"doc_type": "novel", "year": "1800", "organisation": "x", "source_url": "x"},
        )
    assert {e.field for e in caught.value.errors} == {
        "doc_type",
        "year",
        "organisation",
        "source_url",
    }
    assert not Document.objects.exists()


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "viewer", "no organisation"])
def test_who_may_not_ingest(who, org, contributor):
    user = {
        "anonymous": AnonymousUser(),
        "viewer": member(Role.VIEWER, org),
        "no organisation": contributor,
    }[who]
    options = {} if who == "no organisation" else {"organisation": org.pk}
    with pytest.raises(PermissionDenied):
        services.ingest_file(by=user, filename="r.pdf", content=review_pdf(), options=options)
    with pytest.raises(PermissionDenied):
        services.batch_create(by=user, files=[topic_file("climate")], options=options)
    assert not Document.objects.exists() and not IngestBatch.objects.exists()


def test_a_contributor_ingests_only_for_their_organisation(contributor, org):
    other = OrganisationFactory()
    with pytest.raises(PermissionDenied, match="only for organisations you contribute to"):
        ingest_topic(contributor, "climate", organisation=other.pk)
    assert ingest_topic(contributor, "climate", organisation=org.pk).status == "created"
    # A platform administrator may ingest for any organisation; the command line for none.
    assert ingest_topic(AdminFactory(), "education", organisation=other.pk).status == "created"
    assert ingest_topic(None, "trafficking").status == "created"
    assert Document.objects.get(filename="trafficking.txt").created_by is None


def test_who_may_decide_on_tags(review, org, reviewer, contributor):
    tag = remittance_passage_tag(review.pk)
    outsiders = [
        AnonymousUser(),
        member(Role.VIEWER, org),
        contributor,
        member(Role.REVIEWER, OrganisationFactory()),
    ]
    for user in outsiders:
        with pytest.raises(PermissionDenied):
            services.tag_decide(by=user, pk=tag.pk, status="confirmed")
        with pytest.raises(PermissionDenied):
            services.tag_add(by=user, kind="objective", code="7", document_id=review.pk)
        with pytest.raises(PermissionDenied):
            services.document_update(by=user, pk=review.pk, changes={"title": "x"})
        with pytest.raises(PermissionDenied):
            services.document_delete(by=user, pk=review.pk)
    tag.refresh_from_db()
    assert tag.status == TagStatus.SUGGESTED
    assert not AuditEvent.objects.filter(action__startswith="evidence.tag").exists()
    for role in (Role.REVIEWER, Role.SECRETARIAT, Role.ADMIN):
        services.tag_decide(by=member(role, org), pk=tag.pk, status="confirmed")
    services.tag_decide(by=AdminFactory(), pk=tag.pk, status="confirmed")
    assert AuditEvent.objects.filter(action="evidence.tag.decide").count() == 4


def test_any_reviewer_curates_documents_of_no_organisation():
    doc = ingest_topic(AdminFactory(), "remittances").document_id
    tag = remittance_passage_tag(doc)
    reviewer = member(Role.REVIEWER, OrganisationFactory())
    assert services.tag_decide(by=reviewer, pk=tag.pk, status="rejected").status == "rejected"
    with pytest.raises(PermissionDenied):
        services.tag_decide(by=member(Role.FOCAL_POINT), pk=tag.pk, status="confirmed")


# --- tag decisions -----------------------------------------------------------------------------


def test_confirm_reject_and_back_to_suggested(review, reviewer):
    tag = remittance_passage_tag(review.pk)
    confirmed = services.tag_decide(by=reviewer, pk=tag.pk, status="confirmed")
    assert (confirmed.status, confirmed.decided_by) == ("confirmed", reviewer)
    assert confirmed.decided_at is not None and confirmed.score == tag.score
    event = AuditEvent.objects.get(action="evidence.tag.decide")
    assert event.actor == reviewer and event.organisation_id == review.organisation_id
    assert (event.before["status"], event.after["status"]) == ("suggested", "confirmed")
    assert event.after["decided_by"] == reviewer.pk

    rejected = services.tag_decide(by=reviewer, pk=tag.pk, status="rejected")
    assert rejected.status == "rejected" and rejected.decided_by == reviewer
    back = services.tag_decide(by=reviewer, pk=tag.pk, status="suggested")
    assert (back.status, back.decided_by, back.decided_at) == ("suggested", None, None)
    assert AuditEvent.objects.filter(action="evidence.tag.decide").count() == 3

    with pytest.raises(InvalidInput) as caught:
        services.tag_decide(by=reviewer, pk=tag.pk, status="maybe")
    assert caught.value.errors[0].field == "status"
    with pytest.raises(NotFound):
        services.tag_decide(by=reviewer, pk=10**9, status="confirmed")


def test_adding_tags(review, reviewer):
    passage = passage_under(review, "2. Remittances")
    suggestion = remittance_passage_tag(review.pk)
    services.tag_decide(by=reviewer, pk=suggestion.pk, status="rejected")

    # Adding what was rejected confirms the same tag.
    again = services.tag_add(by=reviewer, kind="objective", code="20", passage_id=passage.pk)
    assert again.pk == suggestion.pk
    assert (again.status, again.decided_by, again.suggested) == ("confirmed", reviewer, True)
    event = AuditEvent.objects.filter(action="evidence.tag.add").get()
    assert (event.before["status"], event.after["status"]) == ("rejected", "confirmed")
    with pytest.raises(Conflict, match="already confirmed"):
        services.tag_add(by=reviewer, kind="objective", code="20", passage_id=passage.pk)

    new = services.tag_add(by=reviewer, kind="objective", code="19", passage_id=passage.pk)
    assert (new.status, new.suggested, new.score, new.passage) == (
        "confirmed",
        False,
        None,
        passage,
    )
    with pytest.raises(InvalidInput, match="cannot become a suggestion"):
        services.tag_decide(by=reviewer, pk=new.pk, status="suggested")
    whole = services.tag_add(by=reviewer, kind="sdg_goal", code="10", document_id=review.pk)
    assert whole.passage is None and whole.document == review
    assert AuditEvent.objects.filter(action="evidence.tag.add").count() == 3

    with pytest.raises(InvalidInput):
        services.tag_add(by=reviewer, kind="objective", code="99", passage_id=passage.pk)
    with pytest.raises(InvalidInput):
        services.tag_add(by=reviewer, kind="indicator", code="10.7.2", passage_id=passage.pk)
    with pytest.raises(InvalidInput):
        services.tag_add(
            by=reviewer, kind="objective", code="1", passage_id=passage.pk, document_id=review.pk
        )
    with pytest.raises(NotFound):
        services.tag_add(by=reviewer, kind="objective", code="1", passage_id=10**9)
    with pytest.raises(NotFound):
        services.tag_add(by=reviewer, kind="objective", code="1", document_id=10**9)


def test_retag_keeps_decisions_and_renews_suggestions(review, reviewer):
    remittances = passage_under(review, "2. Remittances")
    confirmed = remittance_passage_tag(review.pk)
    services.tag_decide(by=reviewer, pk=confirmed.pk, status="confirmed")
    rejected = Tag.objects.filter(passage=remittances).exclude(pk=confirmed.pk).first()
    assert rejected is not None
    services.tag_decide(by=reviewer, pk=rejected.pk, status="rejected")
    added = services.tag_add(by=reviewer, kind="objective", code="19", passage_id=remittances.pk)
    stale = Tag.objects.filter(document=review, status="suggested")
    stale.update(score=0.0001)
    stale.filter(passage__heading="3. Human Trafficking").delete()
    Document.objects.filter(pk=review.pk).update(tagger_version="old")

    new = services.document_retag(by=reviewer, pk=review.pk)

    # What the tagger finds now, with the decisions as curated examples, less what was decided.
    passages = list(review.passages.order_by("ordinal"))
    found = get_tagger().tag_many(
        [p.text for p in passages],
        vectors=np.stack([ingest.vector_of(p.vector) for p in passages]),
        exemplars=ingest.current_exemplars(),
    )
    decided = {(t.passage_id, t.item.kind, t.item.code) for t in (confirmed, rejected, added)}
    expected = {
        (p.pk, t.kind, t.code, round(t.score, 4))
        for p, tags in zip(passages, found, strict=True)
        for t in tags
        if (p.pk, t.kind, t.code) not in decided
    }
    suggestions = Tag.objects.filter(document=review, status="suggested").select_related("item")
    assert new == suggestions.count() == len(expected) > 0
    assert {(t.passage_id, t.item.kind, t.item.code, round(t.score, 4)) for t in suggestions} == (
        expected
    )
    assert suggestions.filter(passage__heading="3. Human Trafficking").exists()
    for tag, status in ((confirmed, "confirmed"), (rejected, "rejected"), (added, "confirmed")):
        tag.refresh_from_db()
        assert (tag.status, tag.decided_by) == (status, reviewer)
    assert Tag.objects.filter(passage=remittances, item=rejected.item).count() == 1
    review.refresh_from_db()
    assert review.tagger_version.startswith("usem3/")
    event = AuditEvent.objects.get(action="evidence.document.retag")
    assert event.after == {"suggested_tags": new}
    with pytest.raises(PermissionDenied):
        services.document_retag(by=member(Role.VIEWER, review.organisation), pk=review.pk)


def test_current_exemplars_are_the_decided_passage_vectors(review, reviewer):
    assert not ingest.current_exemplars()
    remittances = passage_under(review, "2. Remittances")
    trafficking = passage_under(review, "3. Human Trafficking")
    services.tag_decide(by=reviewer, pk=remittance_passage_tag(review.pk).pk, status="confirmed")
    services.tag_add(by=reviewer, kind="objective", code="20", passage_id=trafficking.pk)
    wrong = Tag.objects.filter(passage=trafficking, item__kind="objective", item__code="10").get()
    services.tag_decide(by=reviewer, pk=wrong.pk, status="rejected")
    services.tag_add(by=reviewer, kind="objective", code="1", document_id=review.pk)  # no passage

    found = ingest.current_exemplars()
    assert set(found.confirmed) == {"objective:20"}
    assert set(found.rejected) == {"objective:10"}
    vectors = found.confirmed["objective:20"]
    assert vectors.shape == (2, 512) and vectors.dtype == np.float32
    expected = {ingest.vector_of(p.vector).tobytes() for p in (remittances, trafficking)}
    assert {row.tobytes() for row in vectors} == expected
    np.testing.assert_array_equal(
        found.rejected["objective:10"][0], ingest.vector_of(wrong.passage.vector)
    )
    assert ingest.current_exemplars() is found  # cached until a decision changes

    services.tag_decide(by=reviewer, pk=wrong.pk, status="suggested")
    assert set(ingest.current_exemplars().rejected) == set()


# --- documents ---------------------------------------------------------------------------------


def test_document_update(review, reviewer, org):
    doc = services.document_update(
        by=reviewer,
        pk=review.pk,
        changes={"title": "Renamed", "year": 2023, "is_public": True, "licence": "CC BY 4.0"},
    )
    assert (doc.title, doc.year, doc.is_public, doc.licence) == (
        "Renamed",
        2023,
        True,
        "CC BY 4.0",
    )
    assert doc.doc_type == "review" and doc.organisation == org
    event = AuditEvent.objects.get(action="evidence.document.update")
    assert event.before["title"] == "National review 2024" and event.after["title"] == "Renamed"
    with pytest.raises(InvalidInput) as caught:
        services.document_update(by=reviewer, pk=review.pk, changes={"sha256": "0" * 64})
    assert caught.value.errors[0].field == "sha256"
    with pytest.raises(InvalidInput) as caught:
        services.document_update(by=reviewer, pk=review.pk, changes={"doc_type": "novel"})
    assert caught.value.errors[0].field == "doc_type"
    with pytest.raises(PermissionDenied, match="organisation you belong to"):
        services.document_update(
            by=reviewer, pk=review.pk, changes={"organisation": OrganisationFactory().pk}
        )
    with pytest.raises(NotFound):
        services.document_update(by=reviewer, pk=10**9, changes={})


def test_document_update_sets_the_country(review, reviewer, registry):
    doc = services.document_update(by=reviewer, pk=review.pk, changes={"iso3": "mar"})
    assert doc.area is not None and doc.area.iso3 == "MAR"
    with pytest.raises(InvalidInput) as caught:
        services.document_update(by=reviewer, pk=review.pk, changes={"iso3": "XYZ"})
    assert caught.value.errors[0].field == "iso3"


def test_document_delete_removes_passages_and_tags(review, reviewer):
    other = ingest_topic(None, "climate").document_id
    services.document_delete(by=reviewer, pk=review.pk)
    assert list(Document.objects.values_list("pk", flat=True)) == [other]
    assert not Passage.objects.filter(document_id=review.pk).exists()
    assert not Tag.objects.filter(document_id=review.pk).exists()
    event = AuditEvent.objects.get(action="evidence.document.delete")
    assert event.before["sha256"] == review.sha256 and event.object_id == str(review.pk)
    with pytest.raises(NotFound):
        services.document_delete(by=reviewer, pk=review.pk)


# --- batches -----------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_batch_runs_after_commit_and_reports_file_by_file(
    contributor, org, media, django_capture_on_commit_callbacks
):
    held = ingest_topic(contributor, "education", organisation=org.pk).document_id
    files = [
        topic_file("remittances"),
        ("photo.png", PNG),
        topic_file("education"),  # already held
        ("sub/dir/climate.txt", topic_file("climate")[1]),
    ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        batch = services.batch_create(
            by=contributor, files=files, options={"organisation": org.pk, "doc_type": "report"}
        )
        queued = list(BatchFile.objects.filter(batch=batch).values_list("file", flat=True))
        assert len(queued) == 4 and all(default_storage.exists(name) for name in queued)
        assert IngestBatch.objects.get(pk=batch.pk).status == "queued"
    assert len(callbacks) == 1

    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.processed) == ("done", 4, 4)
    assert (batch.ingested, batch.unchanged) == (2, 1)
    assert batch.failures == [
        {"file": "photo.png", "message": extract.UNSUPPORTED + " (it looks like a PNG image)"}
    ]
    assert batch.finished_at is not None and batch.task_id
    rows = list(BatchFile.objects.filter(batch=batch).values_list("name", "status", "message"))
    assert [(n, s) for n, s, _ in rows] == [
        ("remittances.txt", "created"),
        ("photo.png", "failed"),
        ("education.txt", "unchanged"),
        ("climate.txt", "created"),
    ]
    assert rows[1][2].startswith(extract.UNSUPPORTED)
    assert not any(default_storage.exists(name) for name in queued)
    assert BatchFile.objects.get(batch=batch, name="education.txt").document_id == held
    created = Document.objects.filter(source_ref=f"batch {batch.pk}")
    assert sorted(d.filename for d in created) == ["climate.txt", "remittances.txt"]
    assert {(d.organisation_id, d.doc_type, d.created_by_id) for d in created} == {
        (org.pk, "report", contributor.pk)
    }
    event = AuditEvent.objects.get(action="evidence.batch.create")
    assert event.after["files"] == ["remittances.txt", "photo.png", "education.txt", "climate.txt"]


def test_a_batch_too_large_or_with_an_oversized_file_stores_nothing(
    monkeypatch, contributor, org, media
):
    options = {"organisation": org.pk}
    monkeypatch.setattr(services, "MAX_BATCH_FILES", 2)
    three = [topic_file(t) for t in ("remittances", "climate", "education")]
    with pytest.raises(InvalidInput, match="at most 2 files") as caught:
        services.batch_create(by=contributor, files=three, options=options)
    assert caught.value.errors[0].field == "files"

    monkeypatch.setattr(extract, "MAX_BYTES", 300)
    two = [topic_file("remittances"), ("big.txt", b"x" * 301)]
    with pytest.raises(InvalidInput, match="not queued") as caught:
        services.batch_create(by=contributor, files=two, options=options)
    assert [(e.field, e.location) for e in caught.value.errors] == [("files", "big.txt")]

    with pytest.raises(InvalidInput, match="at least one file"):
        services.batch_create(by=contributor, files=[], options=options)
    assert not IngestBatch.objects.exists() and not BatchFile.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


# --- attachments -------------------------------------------------------------------------------


def test_ingest_attachments_once_and_only_for_platform_admins(org):
    name, content = topic_file("trafficking")
    offered = [
        ingest.AttachmentSource("t:1", name, lambda: content, {"organisation": org.pk}),
        ingest.AttachmentSource("t:2", "photo.png", lambda: PNG, {}),
    ]
    ingest.ATTACHMENT_PROVIDERS.append(lambda: offered)
    try:
        with pytest.raises(PermissionDenied):
            services.ingest_attachments(by=member(Role.ADMIN, org))
        first = services.ingest_attachments(by=None).as_dict()
        assert (first["created"], first["failed"]) == (1, 1)
        assert first["failures"][0]["file"] == "photo.png"
        doc = Document.objects.get()
        assert (doc.source, doc.source_ref, doc.organisation) == (Source.ATTACHMENT, "t:1", org)
        again = services.ingest_attachments(by=AdminFactory()).as_dict()
        assert (again["created"], again["unchanged"], again["failed"]) == (0, 0, 1)
    finally:
        ingest.ATTACHMENT_PROVIDERS.pop()

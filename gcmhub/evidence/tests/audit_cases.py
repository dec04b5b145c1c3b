"""The audit-coverage cases for the evidence services (called from tests/test_audit_coverage.py),
and the small sample documents the evidence tests share.

Each case runs one service once and returns the audit action it must have recorded. None needs
the registry: documents are added by a platform administrator, for no organisation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gcmhub.accounts.tests.factories import AdminFactory
from gcmhub.evidence import ingest, services
from gcmhub.evidence.models import Tag
from gcmhub.evidence.tests.pdfs import make_pdf

# --- sample documents --------------------------------------------------------------------------

# One short English text per topic, each about one framework item and nothing else.
TOPICS = {
    "remittances": (
        "Remittances sent home by migrants support millions of families. We will reduce "
        "the transaction costs of remittances to less than 3 per cent and promote faster, "
        "safer and cheaper transfers of money through digital channels."
    ),
    "trafficking": (
        "The police dismantled a network that trafficked women and children across the border "
        "for sexual exploitation and forced labour. Victims of trafficking in persons, many of "
        "them migrants, received shelter, legal aid and protection, and the traffickers were "
        "prosecuted."
    ),
    "climate": (
        "Droughts, floods and rising sea levels have forced coastal and farming communities to "
        "leave their homes. The government plans relocation with the people displaced by "
        "climate change and disasters, and invests in adaptation so that fewer become migrants."
    ),
    "education": (
        "Children of migrants and refugees enrol in public schools on the same terms as nationals. "
        "Teachers received training in language support, and the ministry recognises school "
        "certificates obtained abroad so that pupils continue their education."
    ),
}

# A three-page review: numbered headings, one topic per section.
REVIEW_PAGES = [
    [
        "# 1. Introduction",
        "This national review describes how the government implements the Global Compact",
        "for Safe, Orderly and Regular Migration with the ministries and civil society.",
        "",
        "# 2. Remittances",
        "We will reduce the transaction costs of remittances to less than 3 per cent and",
        "promote faster, safer and cheaper transfers of money sent home by migrant workers.",
    ],
    [
        "# 3. Human Trafficking",
        "The police dismantled a network that trafficked women and children across the",
        "border for sexual exploitation and forced labour; victims received protection.",
    ],
    [
        "# 4. Education",
        "Migrant and refugee children enrol in public schools on the same terms as nationals",
        "and teachers received training in language support for new pupils.",
    ],
]


def review_pdf(title: str = "National review 2024") -> bytes:
    return make_pdf(REVIEW_PAGES, title=title)


def topic_file(topic: str, suffix: str = "") -> tuple[str, bytes]:
    """``(filename, bytes)`` of a plain-text document on ``topic`` (``suffix`` makes the bytes,
    and so the document, distinct)."""
    text = TOPICS[topic] + (f"\n\n{suffix}" if suffix else "")
    return f"{topic}.txt", text.encode()


def ingest_topic(by: Any, topic: str, **options: Any) -> services.IngestResult:
    name, content = topic_file(topic, options.pop("suffix", ""))
    return services.ingest_file(by=by, filename=name, content=content, options=options)


def remittance_passage_tag(document_id: int, code: str = "20") -> Tag:
    return Tag.objects.get(document_id=document_id, item__kind="objective", item__code=code)


# --- the audit cases ---------------------------------------------------------------------------


def ingest_file(tmp: Path) -> str:
    services.ingest_file(by=AdminFactory(), filename="review.pdf", content=review_pdf())
    return "evidence.document.ingest"


def ingest_many(tmp: Path) -> str:
    name, content = topic_file("climate")
    report = services.ingest_many(by=AdminFactory(), files=[(name, lambda: content)])
    assert report.failures == []
    return "evidence.document.ingest"


def batch_create(tmp: Path) -> str:
    batch = services.batch_create(by=AdminFactory(), files=[topic_file("education")], options={})
    for queued in batch.files.all():  # the task never runs: the test's transaction is rolled back
        queued.file.delete(save=False)
    return "evidence.batch.create"


def batch_run(tmp: Path) -> str:
    # Queued in the test's transaction, which never commits: the task is run by hand.
    batch = services.batch_create(by=AdminFactory(), files=[topic_file("education")], options={})
    assert services.batch_run(batch.pk).ingested == 1
    return "evidence.document.ingest"


def _document(topic: str = "remittances") -> tuple[Any, int]:
    admin = AdminFactory()
    return admin, ingest_topic(admin, topic).document_id


def tag_decide(tmp: Path) -> str:
    admin, doc = _document()
    services.tag_decide(by=admin, pk=remittance_passage_tag(doc).pk, status="confirmed")
    return "evidence.tag.decide"


def tag_add(tmp: Path) -> str:
    admin, doc = _document()
    services.tag_add(by=admin, kind="objective", code="7", document_id=doc)
    return "evidence.tag.add"


def document_update(tmp: Path) -> str:
    admin, doc = _document()
    services.document_update(by=admin, pk=doc, changes={"title": "Renamed", "year": 2020})
    return "evidence.document.update"


def document_delete(tmp: Path) -> str:
    admin, doc = _document()
    services.document_delete(by=admin, pk=doc)
    return "evidence.document.delete"


def document_retag(tmp: Path) -> str:
    admin, doc = _document()
    services.document_retag(by=admin, pk=doc)
    return "evidence.document.retag"


def ingest_attachments(tmp: Path) -> str:
    name, content = topic_file("trafficking")

    def provider() -> list[ingest.AttachmentSource]:
        return [ingest.AttachmentSource("tests.attachment:1", name, lambda: content, {})]

    ingest.ATTACHMENT_PROVIDERS.append(provider)
    try:
        report = services.ingest_attachments(by=AdminFactory())
    finally:
        ingest.ATTACHMENT_PROVIDERS.remove(provider)
    assert [r.status for r in report.results] == ["created"]
    return "evidence.document.ingest"

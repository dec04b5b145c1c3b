"""Reading a file into passages, embeddings and suggested tags, without touching the database;
and the curated examples the tagger learns from.

``prepare`` does all the slow work (extraction, language, embedding, tagging) before any
transaction opens, so that a failure stores nothing and a success is saved in one short write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gcmhub.common.errors import FieldError, InvalidInput
from gcmhub.evidence import extract, language
from gcmhub.evidence.models import Tag, TagStatus
from gcmhub.evidence.passages import make_passages
from gcmhub.tagger import Exemplars, get_tagger

EXEMPLARS_PER_ITEM = 200

# --- reading a file (no database) --------------------------------------------------------------


@dataclass
class Prepared:
    filename: str
    sha256: str
    size: int
    media_type: str
    title: str
    pages: int | None
    language: str
    passages: list[dict[str, Any]]
    vectors: np.ndarray
    tags: list[list[dict[str, Any]]]


def _file_error(filename: str, message: str) -> InvalidInput:
    return InvalidInput(f"{filename} was not ingested.", [FieldError(message, "file", filename)])


def prepare(content: bytes, filename: str) -> Prepared:
    """Extract, cut, detect the language of, embed and tag one file; raises ``InvalidInput``."""
    name = Path(filename).name[:255] or "document"
    try:
        found = extract.extract(content, name)
    except extract.ExtractError as exc:
        raise _file_error(name, exc.message) from exc
    drafts = make_passages(found.blocks)
    if not drafts:
        raise _file_error(name, "has no text to ingest")
    try:
        main = language.detect_document([d.text for d in drafts])
    except language.UnsupportedLanguage as exc:
        raise _file_error(name, exc.message) from exc
    tagger = get_tagger()
    texts = [d.text for d in drafts]
    vectors = tagger.embed(texts)
    tagged = tagger.tag_many(texts, vectors=vectors, exemplars=current_exemplars())
    passages = [
        {
            "ordinal": d.ordinal,
            "page": d.page,
            "heading": d.heading[:500],
            "text": d.text,
            # a quotation in another UN language keeps its own; anything unclear, the document's
            "language": language.detect(d.text) or main,
        }
        for d in drafts
    ]
    title = (found.title or Path(name).stem).strip()[:300]
    return Prepared(
        filename=name,
        sha256=found.sha256,
        size=len(content),
        media_type=found.media_type,
        title=title,
        pages=found.pages,
        language=main,
        passages=passages,
        vectors=vectors,
        tags=[[t.as_dict() for t in tags] for tags in tagged],
    )


def vector_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def vector_of(blob: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(blob), dtype=np.float16).astype(np.float32)


# --- curated examples --------------------------------------------------------------------------

_EXEMPLAR_CACHE: dict[str, Any] = {"key": None, "value": Exemplars()}


def current_exemplars() -> Exemplars:
    """Passages people confirmed or rejected, per item, as the tagger's curated examples."""
    decided = Tag.objects.filter(
        passage__isnull=False, status__in=[TagStatus.CONFIRMED, TagStatus.REJECTED]
    )
    latest = decided.order_by("-decided_at", "-id").values_list("id", "decided_at").first()
    key = (decided.count(), latest)
    if _EXEMPLAR_CACHE["key"] == key:
        return _EXEMPLAR_CACHE["value"]
    banks: dict[str, dict[str, list[np.ndarray]]] = {"confirmed": {}, "rejected": {}}
    rows = decided.order_by("-decided_at").values_list(
        "status", "item__kind", "item__code", "passage__vector"
    )
    for status, kind, code, blob in rows.iterator(chunk_size=2000):
        bank = banks[status].setdefault(f"{kind}:{code}", [])
        if len(bank) < EXEMPLARS_PER_ITEM:
            bank.append(vector_of(blob))
    value = Exemplars(
        confirmed={k: np.stack(v) for k, v in banks["confirmed"].items()},
        rejected={k: np.stack(v) for k, v in banks["rejected"].items()},
    )
    _EXEMPLAR_CACHE.update(key=key, value=value)
    return value


@dataclass(frozen=True)
class AttachmentSource:
    """A file held elsewhere in gcmhub, offered to the evidence base by that app."""

    ref: str  # e.g. "reviews.attachment:12", unique and stable
    filename: str
    read: Callable[[], bytes]
    options: dict[str, Any]


# Apps append a callable returning their attachments (see reviews/apps.py).
ATTACHMENT_PROVIDERS: list[Callable[[], Iterable[AttachmentSource]]] = []

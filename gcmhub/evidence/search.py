"""Searching passages: full text and meaning, ranked together.

- Full text: an FTS5 table over the passages on SQLite, a GIN expression index on PostgreSQL,
  with the query semantics of ``common.fulltext`` (all words, the last as a prefix; any word
  when all find nothing). Query text is reduced to word tokens, never parsed as syntax.
- Meaning: the query is embedded with the tagger's multilingual encoder and compared with every
  passage vector, so that a Spanish query finds English passages and the reverse. The passage
  vectors are held in memory once per process and reloaded when passages change.
- The two rankings are merged by reciprocal rank fusion (each list contributes 1/(60 + rank)),
  which needs no tuning of one score against the other.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Max, Q, QuerySet

from gcmhub.common.fulltext import query_terms
from gcmhub.evidence.fts import FTS_TABLE, PG_VECTOR
from gcmhub.evidence.models import Document, Passage, Tag, TagStatus
from gcmhub.tagger import get_tagger

RRF_K = 60
CANDIDATES = 300
# Passages less similar than this to the query are not listed by meaning alone. On our own
# development set (gcmhub/tagger/data/dev_*.jsonl) it is the median cosine of two texts sharing
# no framework item (0.11); texts sharing one have a median of 0.21. See docs/tagger.md.
SEMANTIC_FLOOR = 0.10

# --- full text ---------------------------------------------------------------------------------


def _fulltext_ids(terms: list[str], limit: int, any_term: bool) -> list[int]:
    if connection.vendor == "sqlite":
        quoted = [f'"{t}"' for t in terms]
        if len(terms[-1]) >= 3:
            quoted[-1] += "*"
        sql = (
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
            f"ORDER BY bm25({FTS_TABLE}, 2.0, 1.0) LIMIT %s"
        )
        params: list[Any] = [(" OR " if any_term else " ").join(quoted), limit]
    elif connection.vendor == "postgresql":
        parts = list(terms)
        if len(parts[-1]) >= 3:
            parts[-1] += ":*"
        sql = (
            f"SELECT id FROM evidence_passage, to_tsquery('english', %s) q "  # noqa: S608
            f"WHERE {PG_VECTOR} @@ q ORDER BY ts_rank_cd({PG_VECTOR}, q) DESC, id LIMIT %s"
        )
        params = [(" | " if any_term else " & ").join(parts), limit]
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        cond = Q()
        for t in terms:
            cond = (cond | Q(text__icontains=t)) if any_term else (cond & Q(text__icontains=t))
        return list(Passage.objects.filter(cond).values_list("id", flat=True)[:limit])
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [int(r[0]) for r in cur.fetchall()]


def fulltext_ids(query: str, limit: int = CANDIDATES) -> list[int]:
    terms = query_terms(query)
    ids = _fulltext_ids(terms, limit, False)
    if not ids and len(terms) > 1:
        ids = _fulltext_ids(terms, limit, True)
    return ids


# --- vectors -----------------------------------------------------------------------------------


class VectorIndex:
    """Every passage vector in one float32 matrix, with passage and document ids beside it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self.ids = np.zeros(0, dtype=np.int64)
        self.doc_ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, 512), dtype=np.float32)

    def _state(self) -> tuple[Any, ...]:
        agg = Passage.objects.aggregate(top=Max("id"))
        return (connection.settings_dict.get("NAME"), Passage.objects.count(), agg["top"])

    def current(self) -> VectorIndex:
        key = self._state()
        with self._lock:
            if key != self._key:
                self._load()
                self._key = key
        return self

    def _load(self) -> None:
        rows = Passage.objects.order_by("id").values_list("id", "document_id", "vector")
        ids, docs, chunks = [], [], []
        for pid, did, blob in rows.iterator(chunk_size=5000):
            ids.append(pid)
            docs.append(did)
            chunks.append(bytes(blob))
        self.ids = np.asarray(ids, dtype=np.int64)
        self.doc_ids = np.asarray(docs, dtype=np.int64)
        if chunks:
            flat = np.frombuffer(b"".join(chunks), dtype=np.float16)
            self.matrix = flat.reshape(len(chunks), -1).astype(np.float32)
        else:
            self.matrix = np.zeros((0, 512), dtype=np.float32)

    def nearest(
        self, vector: np.ndarray, mask: np.ndarray | None, limit: int
    ) -> list[tuple[int, float]]:
        if not len(self.ids):
            return []
        sims = self.matrix @ np.asarray(vector, dtype=np.float32)
        if mask is not None:
            sims = np.where(mask, sims, -np.inf)
        k = min(limit, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top])]
        return [(int(self.ids[i]), float(sims[i])) for i in top if sims[i] >= SEMANTIC_FLOOR]


INDEX = VectorIndex()


# --- together ----------------------------------------------------------------------------------


@dataclass
class Filters:
    kind: str = ""
    code: str = ""
    iso3: str = ""
    organisation: int | None = None
    doc_type: str = ""
    language: str = ""
    year: int | None = None
    region: str = ""

    def documents(self, base: QuerySet[Document]) -> QuerySet[Document]:
        qs = base
        if self.iso3:
            qs = qs.filter(area__iso3=self.iso3.upper())
        if self.region:
            qs = qs.filter(
                Q(area__region__m49=self.region)
                | Q(area__subregion__m49=self.region)
                | Q(area__intermediate_region__m49=self.region)
            )
        if self.organisation:
            qs = qs.filter(organisation_id=self.organisation)
        if self.doc_type:
            qs = qs.filter(doc_type=self.doc_type)
        if self.language:
            qs = qs.filter(language=self.language)
        if self.year:
            qs = qs.filter(year=self.year)
        return qs

    @property
    def narrows_documents(self) -> bool:
        return bool(
            self.iso3 or self.region or self.organisation or self.doc_type or self.language
            or self.year
        )  # fmt: skip


def rank(
    query: str, documents: QuerySet[Document], filters: Filters, *, mode: str = "hybrid"
) -> list[tuple[int, float, dict[str, Any]]]:
    """(passage id, fused score, {"fulltext": rank, "semantic": (rank, cosine)}) best first."""
    query_terms(query)  # validates length and content before any work
    index = INDEX.current()
    mask: np.ndarray | None = None
    allowed_docs = None
    if filters.narrows_documents or documents.query.where:
        allowed_docs = set(filters.documents(documents).values_list("id", flat=True))
        mask = np.isin(index.doc_ids, np.fromiter(allowed_docs, dtype=np.int64))
    allowed_passages = None
    if filters.kind and filters.code:
        allowed_passages = set(
            Tag.objects.filter(item__kind=filters.kind, item__code=filters.code)
            .exclude(status=TagStatus.REJECTED)
            .exclude(passage__isnull=True)
            .values_list("passage_id", flat=True)
        )
        pmask = np.isin(index.ids, np.fromiter(allowed_passages, dtype=np.int64))
        mask = pmask if mask is None else (mask & pmask)
    fused: dict[int, float] = {}
    why: dict[int, dict[str, Any]] = {}
    if mode in ("hybrid", "semantic"):
        vector = get_tagger().embed([query])[0]
        for r, (pid, cosine) in enumerate(index.nearest(vector, mask, CANDIDATES), start=1):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (RRF_K + r)
            why.setdefault(pid, {})["semantic"] = [r, round(cosine, 4)]
    if mode in ("hybrid", "fulltext"):
        hits = fulltext_ids(query, CANDIDATES * 3)
        if allowed_docs is not None or allowed_passages is not None:
            doc_of = dict(Passage.objects.filter(id__in=hits).values_list("id", "document_id"))
            hits = [
                h
                for h in hits
                if (allowed_docs is None or doc_of.get(h) in allowed_docs)
                and (allowed_passages is None or h in allowed_passages)
            ]
        for r, pid in enumerate(hits[:CANDIDATES], start=1):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (RRF_K + r)
            why.setdefault(pid, {})["fulltext"] = r
    order = sorted(fused, key=lambda p: (-fused[p], p))
    return [(pid, fused[pid], why[pid]) for pid in order]

"""Reading the evidence base, for the pages and the API alike (plain dicts, JSON-ready).

Everything is read through ``visible_documents(user)``: the public sees published documents
only; members also see their organisations' documents; platform administrators see all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Count, F, QuerySet, When
from django.urls import reverse
from django.utils.translation import gettext as _

from gcmhub.common.errors import FieldError, InvalidInput, NotFound
from gcmhub.evidence import access
from gcmhub.evidence.models import (
    BatchFile,
    BatchStatus,
    Document,
    DocumentType,
    IngestBatch,
    Language,
    Passage,
    Tag,
    TagStatus,
)
from gcmhub.evidence.search import Filters, rank
from gcmhub.framework.kinds import KIND_SEGMENTS, ItemKind
from gcmhub.framework.models import FrameworkItem

PAGE_SIZE = 20
MAP_AXES = ("region", "country", "doc_type", "year")
TAG_KINDS = ("objective", "principle", "cluster", "sdg_goal", "sdg_target")


def visible_documents(user: Any) -> QuerySet[Document]:
    return Document.objects.filter(access.visible_filter(user))


def item_url(kind: str, code: str) -> str:
    return reverse("evidence:item", args=[KIND_SEGMENTS[ItemKind(kind)], code])


def _document_dict(d: Document) -> dict[str, Any]:
    return {
        "id": d.pk,
        "title": d.title,
        "doc_type": d.doc_type,
        "doc_type_label": str(DocumentType(d.doc_type).label),
        "language": d.language,
        "language_label": str(Language(d.language).label),
        "year": d.year,
        "iso3": d.area.iso3 if d.area_id and d.area else "",
        "country": d.area.name if d.area_id and d.area else "",
        "organisation": d.organisation.name if d.organisation_id and d.organisation else "",
        "organisation_id": d.organisation_id,
        "is_public": d.is_public,
        "source": d.source,
        "source_ref": d.source_ref,
        "source_url": d.source_url,
        "licence": d.licence,
        "filename": d.filename,
        "media_type": d.media_type,
        "size": d.size,
        "sha256": d.sha256,
        "pages": d.pages,
        "passages": d.passage_count,
        "tagger_version": d.tagger_version,
        "created_by": d.created_by.username if d.created_by_id and d.created_by else "",
        "created_at": d.created_at.isoformat(),
        "url": reverse("evidence:document", args=[d.pk]),
    }


def _tag_dict(t: Tag) -> dict[str, Any]:
    return {
        "id": t.pk,
        "kind": t.item.kind,
        "code": t.item.code,
        "title": t.item.title,
        "short_title": t.item.short_title or t.item.title,
        "status": t.status,
        "suggested": t.suggested,
        "score": None if t.score is None else round(t.score, 3),
        "evidence": t.evidence,
        "url": item_url(t.item.kind, t.item.code),
    }


def _tags_by_passage(passage_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    tags = (
        Tag.objects.filter(passage_id__in=list(passage_ids))
        .select_related("item")
        .order_by("passage_id", "item__kind", "-score", "item__number")
    )
    for t in tags:
        assert t.passage_id is not None
        out[t.passage_id].append(_tag_dict(t))
    return out


def _passage_dict(p: Passage, tags: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": p.pk,
        "ordinal": p.ordinal,
        "page": p.page,
        "heading": p.heading,
        "text": p.text,
        "language": p.language,
        "tags": tags,
    }


def document_list(user: Any, filters: Filters, *, page: int = 1) -> dict[str, Any]:
    qs = filters.documents(visible_documents(user)).select_related(
        "area", "organisation", "created_by"
    )
    total = qs.count()
    start = (max(page, 1) - 1) * PAGE_SIZE
    return {
        "total": total,
        "page": max(page, 1),
        "page_size": PAGE_SIZE,
        "documents": [_document_dict(d) for d in qs[start : start + PAGE_SIZE]],
    }


def _visible_document(user: Any, pk: int) -> Document:
    doc = (
        visible_documents(user)
        .select_related("area", "organisation", "created_by")
        .filter(pk=pk)
        .first()
    )
    if doc is None:
        raise NotFound(f"There is no document {pk} you may read.")
    return doc


def document_detail(user: Any, pk: int) -> dict[str, Any]:
    doc = _visible_document(user, pk)
    passages = list(doc.passages.order_by("ordinal").defer("vector"))
    tags = _tags_by_passage(p.pk for p in passages)
    doc_tags = [
        _tag_dict(t)
        for t in Tag.objects.filter(document=doc, passage__isnull=True).select_related("item")
    ]
    counts = Tag.objects.filter(document=doc).values("status").annotate(n=Count("id"))
    return {
        **_document_dict(doc),
        "can_curate": access.can_curate(user, doc) if user is not None else False,
        "tags": doc_tags,
        "tag_counts": {row["status"]: row["n"] for row in counts},
        "passages_list": [_passage_dict(p, tags.get(p.pk, [])) for p in passages],
    }


def search(
    user: Any, query: str, filters: Filters, *, page: int = 1, mode: str = "hybrid"
) -> dict[str, Any]:
    if mode not in ("hybrid", "semantic", "fulltext"):
        raise InvalidInput("mode must be hybrid, semantic or fulltext.")
    ranked = rank(query, visible_documents(user), filters, mode=mode)
    start = (max(page, 1) - 1) * PAGE_SIZE
    window = ranked[start : start + PAGE_SIZE]
    ids = [pid for pid, _, _ in window]
    passages = {
        p.pk: p for p in Passage.objects.filter(id__in=ids).defer("vector").select_related(
            "document__area", "document__organisation", "document__created_by"
        )
    }  # fmt: skip
    tags = _tags_by_passage(ids)
    results = []
    for pid, score, why in window:
        p = passages.get(pid)
        if p is None:
            continue
        results.append(
            {
                "score": round(score, 5),
                "matched_by": why,
                "passage": _passage_dict(p, tags.get(pid, [])),
                "document": _document_dict(p.document),
            }
        )
    return {
        "query": query,
        "mode": mode,
        "total": len(ranked),
        "page": max(page, 1),
        "page_size": PAGE_SIZE,
        "results": results,
    }


# --- the evidence map --------------------------------------------------------------------------


def _column(axis: str) -> str:
    return {
        "region": "document__area__region__name",
        "country": "document__area__iso3",
        "doc_type": "document__doc_type",
        "year": "document__year",
    }[axis]


def evidence_map(user: Any, *, axis: str = "region", kind: str = "objective") -> dict[str, Any]:
    """Framework items x (region | country | document type | year): confirmed and suggested
    tags in each cell, from the documents ``user`` may read. A row with no confirmed tag
    anywhere is a gap; so is a cell with nothing at all."""
    if axis not in MAP_AXES:
        raise InvalidInput(f"axis must be one of {', '.join(MAP_AXES)}.")
    if kind not in TAG_KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(TAG_KINDS)}.")
    column = _column(axis)
    visible = visible_documents(user).values("id")
    counts = (
        Tag.objects.filter(document_id__in=visible, item__kind=kind)
        .exclude(status=TagStatus.REJECTED)
        .values("item_id", column, "status")
        .annotate(n=Count("id"))
    )
    cells: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    columns: set[Any] = set()
    for row in counts:
        key = row[column]
        label = "" if key is None else str(key)
        columns.add(label)
        cell = cells[row["item_id"]].setdefault(label, {"confirmed": 0, "suggested": 0})
        cell[row["status"]] += row["n"]
    names = _column_labels(axis, columns)
    ordered = sorted(columns, key=lambda c: (c == "", names.get(c, c)))
    items = FrameworkItem.objects.filter(kind=kind).order_by("number", "code")
    rows = []
    for it in items:
        row_cells = [cells[it.pk].get(c, {"confirmed": 0, "suggested": 0}) for c in ordered]
        confirmed = sum(c["confirmed"] for c in row_cells)
        suggested = sum(c["suggested"] for c in row_cells)
        rows.append(
            {
                "kind": it.kind,
                "code": it.code,
                "title": it.title,
                "short_title": it.short_title or it.title,
                "url": item_url(it.kind, it.code),
                "confirmed": confirmed,
                "suggested": suggested,
                "gap": confirmed == 0,
                "cells": row_cells,
            }
        )
    return {
        "axis": axis,
        "kind": kind,
        "columns": [{"key": c, "label": names.get(c, c) or "(not given)"} for c in ordered],
        "rows": rows,
        "gaps": [r["code"] for r in rows if r["gap"]],
    }


def _column_labels(axis: str, keys: set[Any]) -> dict[str, str]:
    if axis == "country":
        from gcmhub.registry.models import Area

        return dict(Area.objects.filter(iso3__in=keys).values_list("iso3", "name"))
    if axis == "doc_type":
        return {k: str(DocumentType(k).label) for k in keys if k in DocumentType.values}
    return {}


def map_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The map as flat rows (one per item and column) for CSV and spreadsheet export."""
    out = []
    for row in data["rows"]:
        for col, cell in zip(data["columns"], row["cells"], strict=True):
            out.append(
                {
                    "kind": row["kind"],
                    "code": row["code"],
                    "title": row["title"],
                    data["axis"]: col["label"],
                    "confirmed": cell["confirmed"],
                    "suggested": cell["suggested"],
                }
            )
        if not data["columns"]:
            out.append(
                {"kind": row["kind"], "code": row["code"], "title": row["title"],
                 data["axis"]: "", "confirmed": 0, "suggested": 0}
            )  # fmt: skip
    return out


# --- what we know about one item ---------------------------------------------------------------


def item_evidence(user: Any, kind: str, code: str, *, limit: int = 20) -> dict[str, Any]:
    item = FrameworkItem.objects.filter(kind=kind, code=code, kind__in=TAG_KINDS).first()
    if item is None:
        raise NotFound(f"There is no {kind} {code}.")
    visible = visible_documents(user).values("id")
    tags = Tag.objects.filter(item=item, document_id__in=visible).exclude(status=TagStatus.REJECTED)
    status_counts = {r["status"]: r["n"] for r in tags.values("status").annotate(n=Count("id"))}
    strongest = list(
        tags.filter(passage__isnull=False)
        .select_related("passage", "document__area", "document__organisation")
        .defer("passage__vector")
        .annotate(confirmed_first=Case(When(status=TagStatus.CONFIRMED, then=0), default=1))
        .order_by("confirmed_first", F("score").desc(nulls_first=True), "id")[:limit]
    )
    by = {
        name: [
            {"key": r[col] or "", "n": r["n"]}
            for r in tags.values(col).annotate(n=Count("document_id", distinct=True)).order_by("-n")
        ]
        for name, col in (
            ("country", "document__area__iso3"),
            ("doc_type", "document__doc_type"),
            ("year", "document__year"),
            ("language", "document__language"),
        )
    }
    for row in by["doc_type"]:
        row["label"] = str(DocumentType(row["key"]).label) if row["key"] else ""
    return {
        "kind": item.kind,
        "code": item.code,
        "title": item.title,
        "short_title": item.short_title or item.title,
        "description": item.description,
        "confirmed": status_counts.get(TagStatus.CONFIRMED, 0),
        "suggested": status_counts.get(TagStatus.SUGGESTED, 0),
        "documents": tags.values("document_id").distinct().count(),
        "by": by,
        "passages": [
            {
                "tag": {"id": t.pk, "status": t.status, "score": t.score, "evidence": t.evidence},
                "passage": {
                    "id": t.passage.pk,
                    "text": t.passage.text,
                    "page": t.passage.page,
                    "heading": t.passage.heading,
                },
                "document": {
                    "id": t.document.pk,
                    "title": t.document.title,
                    "year": t.document.year,
                    "country": t.document.area.name if t.document.area else "",
                    "url": reverse("evidence:document", args=[t.document.pk]),
                },
            }
            for t in strongest
            if t.passage is not None
        ],
    }


def batch_detail(user: Any, pk: int) -> dict[str, Any]:
    batch = IngestBatch.objects.filter(pk=pk).first()
    if batch is None or (
        user is not None
        and not getattr(user, "is_superuser", False)
        and batch.created_by_id != getattr(user, "pk", None)
    ):
        raise NotFound(f"There is no batch {pk} of yours.")
    labels = {
        "queued": _("queued"),
        "created": _("ingested"),
        "unchanged": _("already held"),
        "failed": _("failed"),
    }
    files = [
        {**row, "status_label": str(labels.get(row["status"], row["status"]))}
        for row in BatchFile.objects.filter(batch=batch).values(
            "name", "status", "message", "document_id"
        )
    ]
    return {
        "id": batch.pk,
        "status": batch.status,
        "status_label": str(BatchStatus(batch.status).label),
        "total": batch.total,
        "processed": batch.processed,
        "ingested": batch.ingested,
        "unchanged": batch.unchanged,
        "failures": batch.failures,
        "files": files,
        "created_at": batch.created_at.isoformat(),
        "finished_at": batch.finished_at.isoformat() if batch.finished_at else None,
        "percent": round(100 * batch.processed / batch.total) if batch.total else 100,
        "url": reverse("evidence:batch", args=[batch.pk]),
    }


def filters_from(params: Any) -> Filters:
    """``Filters`` from query parameters, with errors named by parameter."""
    errors: list[FieldError] = []

    def integer(name: str) -> int | None:
        raw = params.get(name) or ""
        if not raw:
            return None
        try:
            return int(raw)
        except ValueError:
            errors.append(FieldError("must be a whole number", name))
            return None

    item = str(params.get("item") or "")
    kind, _, code = item.partition(":")
    if item and (kind not in TAG_KINDS or not code):
        errors.append(FieldError("must look like objective:20 or sdg_target:10.c", "item"))
    filters = Filters(
        kind=kind if item else "",
        code=code if item else "",
        iso3=str(params.get("iso3") or "").upper()[:3],
        organisation=integer("organisation"),
        doc_type=str(params.get("doc_type") or ""),
        language=str(params.get("language") or ""),
        year=integer("year"),
        region=str(params.get("region") or "")[:3],
    )
    if filters.doc_type and filters.doc_type not in DocumentType.values:
        errors.append(FieldError("is not a document type", "doc_type"))
    if filters.language and filters.language not in Language.values:
        errors.append(FieldError("is not one of ar, en, es, fr, ru, zh", "language"))
    if errors:
        raise InvalidInput("The filters are not valid.", errors)
    return filters


def filter_options(user: Any) -> dict[str, Any]:
    docs = visible_documents(user)
    return {
        "doc_types": [{"value": v, "label": str(lbl)} for v, lbl in DocumentType.choices],
        "languages": [{"value": v, "label": str(lbl)} for v, lbl in Language.choices],
        "years": sorted(set(docs.exclude(year=None).values_list("year", flat=True)), reverse=True),
        "countries": list(
            docs.exclude(area=None)
            .values_list("area__iso3", "area__name")
            .distinct()
            .order_by("area__name")
        ),
        "items": list(
            FrameworkItem.objects.filter(kind__in=TAG_KINDS)
            .order_by("kind", "number", "code")
            .values("kind", "code", "title", "short_title")
        ),
    }

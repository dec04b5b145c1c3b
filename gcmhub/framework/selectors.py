"""Reads of the framework. Each page and its API twin are built from these functions.

They return plain dictionaries shaped like the API schemas in ``framework/api.py``, with every
title resolved for the requested language (official translation, else English).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse

from gcmhub.common import fulltext
from gcmhub.common.errors import InvalidInput, NotFound
from gcmhub.framework.kinds import (
    KIND_PLURALS,
    KIND_SEGMENTS,
    RELATION_INVERSE,
    Basis,
    ItemKind,
    Relation,
)
from gcmhub.framework.models import CrosswalkLink, FrameworkItem, KeyDate, ReferenceRelease
from gcmhub.framework.services import SEARCH_SCOPE

MAX_SEARCH_RESULTS = 100
# The GCM's own objectives and principles are what most searches here are after, so at equal
# text relevance they rank above the SDG and MiGOF items that mention the same words.
KIND_BOOST: dict[str, float] = {ItemKind.OBJECTIVE: 2.0, ItemKind.PRINCIPLE: 1.5}


def _kind(kind: str) -> ItemKind:
    if kind not in ItemKind.values:
        raise InvalidInput(f"Unknown kind {kind!r}; choose one of {', '.join(ItemKind.values)}.")
    return ItemKind(kind)


def item_urls(kind: str, code: str) -> dict[str, str]:
    segment = KIND_SEGMENTS[ItemKind(kind)]
    return {
        "url": reverse("framework:item-detail", kwargs={"segment": segment, "code": code}),
        "api_url": f"/api/v1/framework/items/{kind}/{code}",
    }


def item_summary(item: FrameworkItem, language: str | None) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "kind_label": str(ItemKind(item.kind).label),
        "code": item.code,
        "number": item.number,
        "title": item.title_in(language),
        "short_title": item.short_title,
        **item_urls(item.kind, item.code),
    }


def item_list(
    *, kind: str, language: str | None = None, parent: str | None = None
) -> list[dict[str, Any]]:
    qs = FrameworkItem.objects.filter(kind=_kind(kind)).order_by("number", "code")
    if parent:
        qs = qs.filter(parent__code=parent)
    return [{**item_summary(i, language), "description": i.description} for i in qs]


def _get(kind: str, code: str) -> FrameworkItem:
    try:
        return (
            FrameworkItem.objects.select_related("parent")
            .prefetch_related(
                Prefetch("children", queryset=FrameworkItem.objects.order_by("number", "code")),
                Prefetch(
                    "links_out",
                    queryset=CrosswalkLink.objects.select_related("to_item").order_by(
                        "to_item__kind", "to_item__number"
                    ),
                ),
                Prefetch(
                    "links_in",
                    queryset=CrosswalkLink.objects.select_related("from_item").order_by(
                        "from_item__kind", "from_item__number"
                    ),
                ),
            )
            .get(kind=_kind(kind), code=code)
        )
    except FrameworkItem.DoesNotExist:
        label = ItemKind(kind).label
        raise NotFound(f"No {label} with code {code!r}.") from None


def _link(
    link: CrosswalkLink, other: FrameworkItem, outgoing: bool, language: str | None
) -> dict[str, Any]:
    relation = Relation(link.relation)
    return {
        "relation": link.relation,
        "relation_label": str(relation.label if outgoing else RELATION_INVERSE[relation]),
        "direction": "out" if outgoing else "in",
        "basis": link.basis,
        "basis_label": str(Basis(link.basis).label),
        "sources": link.sources,
        "note": link.note,
        "item": item_summary(other, language),
    }


def item_detail(*, kind: str, code: str, language: str | None = None) -> dict[str, Any]:
    """An item with its parent, children and every crosswalk link, in both directions."""
    item = _get(kind, code)
    links = [_link(lk, lk.to_item, True, language) for lk in item.links_out.all()]
    links += [_link(lk, lk.from_item, False, language) for lk in item.links_in.all()]
    related: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for link in links:
        related[link["item"]["kind"]].append(link)
    return {
        **item_summary(item, language),
        "title_en": item.title,
        "titles": item.titles,
        "description": item.description,
        "attributes": item.attributes,
        "sources": item.sources,
        "notes": item.notes,
        "parent": item_summary(item.parent, language) if item.parent else None,
        "children": [item_summary(c, language) for c in item.children.all()],
        "links": links,
        "related": dict(related),
    }


def objective_detail(*, number: int, language: str | None = None) -> dict[str, Any]:
    """An objective's page: the item plus its principles, clusters, SDG links and round table.

    The ten guiding principles are cross-cutting: the GCM applies each of them to every
    objective, so every objective lists all ten.
    """
    data = item_detail(kind=ItemKind.OBJECTIVE, code=str(number), language=language)
    related = data["related"]
    round_tables = [lk["item"] for lk in related.get(ItemKind.ROUND_TABLE, [])]
    data.update(
        principles=[
            item_summary(p, language)
            for p in FrameworkItem.objects.filter(kind=ItemKind.PRINCIPLE).order_by("number")
        ],
        clusters=related.get(ItemKind.CLUSTER, []),
        sdg_targets=related.get(ItemKind.SDG_TARGET, []),
        sdg_indicators=related.get(ItemKind.SDG_INDICATOR, []),
        policy_subcategories=related.get(ItemKind.POLICY_SUBCATEGORY, []),
        round_table=round_tables[0] if round_tables else None,
    )
    return data


def overview(*, language: str | None = None) -> dict[str, Any]:
    """Everything at a glance: each kind with its items (two queries)."""
    items = FrameworkItem.objects.order_by("number", "code")
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item_summary(item, language))
    round_table_of = {
        link.from_item.code: link.to_item.code
        for link in CrosswalkLink.objects.filter(
            relation=Relation.GROUPED_IN, from_item__kind=ItemKind.OBJECTIVE
        ).select_related("from_item", "to_item")
    }
    for objective in by_kind.get(ItemKind.OBJECTIVE, []):
        objective["round_table"] = round_table_of.get(objective["code"])
    return {
        "kinds": [
            {
                "kind": kind.value,
                "label": str(KIND_PLURALS[kind]),
                "segment": KIND_SEGMENTS[kind],
                "count": len(by_kind.get(kind, [])),
                "items": by_kind.get(kind, []),
            }
            for kind in ItemKind
        ],
        "release": release_info(),
    }


def kind_counts() -> list[dict[str, Any]]:
    """Each kind of item with how many the reference data holds (one grouped query)."""
    counts = dict(FrameworkItem.objects.values_list("kind").annotate(n=Count("id")).order_by())
    return [
        {
            "kind": kind.value,
            "label": str(KIND_PLURALS[kind]),
            "segment": KIND_SEGMENTS[kind],
            "count": counts.get(kind.value, 0),
        }
        for kind in ItemKind
    ]


def release_info() -> dict[str, Any] | None:
    release = ReferenceRelease.objects.order_by("-loaded_at", "-id").first()
    if release is None:
        return None
    return {
        "version": release.version,
        "checksum": release.checksum,
        "loaded_at": release.loaded_at,
        "counts": release.counts,
    }


def crosswalk(
    *,
    from_kind: str | None = None,
    to_kind: str | None = None,
    relation: str | None = None,
    basis: str | None = None,
    language: str | None = None,
) -> list[dict[str, Any]]:
    qs: QuerySet[CrosswalkLink] = CrosswalkLink.objects.select_related("from_item", "to_item")
    if from_kind:
        qs = qs.filter(from_item__kind=_kind(from_kind))
    if to_kind:
        qs = qs.filter(to_item__kind=_kind(to_kind))
    if relation:
        if relation not in Relation.values:
            raise InvalidInput(
                f"Unknown relation {relation!r}; one of {', '.join(Relation.values)}."
            )
        qs = qs.filter(relation=relation)
    if basis:
        if basis not in Basis.values:
            raise InvalidInput(f"Unknown basis {basis!r}; one of {', '.join(Basis.values)}.")
        qs = qs.filter(basis=basis)
    qs = qs.order_by("from_item__kind", "from_item__number", "to_item__kind", "to_item__number")
    return [
        {
            "from_item": item_summary(link.from_item, language),
            "to_item": item_summary(link.to_item, language),
            "relation": link.relation,
            "basis": link.basis,
            "sources": link.sources,
            "note": link.note,
        }
        for link in qs
    ]


def _split_key(key: str) -> tuple[str, str]:
    kind, _, code = key.partition(":")
    return kind, code


def search(
    *, q: str, kinds: list[str] | None = None, limit: int = 50, language: str | None = None
) -> dict[str, Any]:
    """Full-text search across every framework item, best first.

    A query that is exactly an item's code ("10.c", "20") puts that item first.
    """
    if not 1 <= limit <= MAX_SEARCH_RESULTS:
        raise InvalidInput(f"limit must be between 1 and {MAX_SEARCH_RESULTS}.")
    wanted = {_kind(k) for k in kinds} if kinds else None
    hits = sorted(
        fulltext.search(SEARCH_SCOPE, q, limit=MAX_SEARCH_RESULTS),
        key=lambda h: -h.rank * KIND_BOOST.get(_split_key(h.key)[0], 1.0),
    )
    keys = [h.key for h in hits]
    exact = (
        list(FrameworkItem.objects.filter(code__iexact=q.strip()).order_by("kind", "number"))
        if len(q.strip()) <= 32
        else []
    )
    refs = [_split_key(k) for k in keys]
    items = {
        (i.kind, i.code): i
        for i in FrameworkItem.objects.filter(
            code__in={c for _, c in refs}, kind__in={k for k, _ in refs}
        )
    }
    results: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for item in exact:
        if wanted is None or item.kind in wanted:
            seen.add((item.kind, item.code))
            results.append({**item_summary(item, language), "snippet": "", "score": None})
    for hit, ref in zip(hits, refs, strict=True):
        found = items.get(ref)
        if found is None or ref in seen or (wanted is not None and found.kind not in wanted):
            continue
        seen.add(ref)
        results.append(
            {
                **item_summary(found, language),
                "snippet": hit.snippet_html,
                "score": round(hit.rank, 4),
            }
        )
    return {"query": q, "count": len(results[:limit]), "results": results[:limit]}


def key_date_list() -> list[dict[str, Any]]:
    return [
        {
            "code": kd.code,
            "title": kd.title,
            "start": kd.start,
            "end": kd.end,
            "document": kd.document,
            "description": kd.description,
            "sources": kd.sources,
            "notes": kd.notes,
        }
        for kd in KeyDate.objects.order_by("start", "code")
    ]

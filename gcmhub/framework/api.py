"""``/api/v1/framework/``: the reference frameworks as JSON (the twins of the framework pages)."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from gcmhub.common.api import ERROR_RESPONSES
from gcmhub.framework import selectors
from gcmhub.framework.kinds import ItemKind

router = Router(tags=["framework"])

LangCode = Literal["en", "fr", "es", "ar", "ru", "zh"]
Lang = Query(
    None,
    description=(
        "Language for titles (en, fr, es, ar, ru, zh); English where no official translation "
        "exists."
    ),
)


class ItemSummary(Schema):
    kind: str
    kind_label: str
    code: str
    number: int
    title: str
    short_title: str
    url: str
    api_url: str


class ItemListEntry(ItemSummary):
    description: str


class LinkOut(Schema):
    relation: str
    relation_label: str
    direction: str
    basis: str
    basis_label: str
    sources: list[str]
    note: str
    item: ItemSummary


class ItemDetail(ItemSummary):
    title_en: str
    titles: dict[str, str]
    description: str
    attributes: dict[str, Any]
    sources: list[str]
    notes: list[str]
    parent: ItemSummary | None
    children: list[ItemSummary]
    links: list[LinkOut]


class ObjectiveDetail(ItemDetail):
    principles: list[ItemSummary]
    clusters: list[LinkOut]
    sdg_targets: list[LinkOut]
    sdg_indicators: list[LinkOut]
    policy_subcategories: list[LinkOut]
    round_table: ItemSummary | None


class SearchResult(ItemSummary):
    snippet: str
    score: float | None


class SearchOut(Schema):
    query: str
    count: int
    results: list[SearchResult]


class CrosswalkOut(Schema):
    from_item: ItemSummary
    to_item: ItemSummary
    relation: str
    basis: str
    sources: list[str]
    note: str


class KeyDateOut(Schema):
    code: str
    title: str
    start: dt.date
    end: dt.date | None
    document: str
    description: str
    sources: list[str]
    notes: list[str]


class KindOut(Schema):
    kind: str
    label: str
    segment: str
    count: int


class ReleaseOut(Schema):
    version: str
    checksum: str
    loaded_at: dt.datetime
    counts: dict[str, dict[str, int]]


@router.get("/objectives", response=list[ItemListEntry], summary="The 23 GCM objectives")
def objectives(request: HttpRequest, lang: LangCode | None = Lang) -> Any:
    return selectors.item_list(kind=ItemKind.OBJECTIVE, language=lang)


@router.get(
    "/objectives/{number}",
    response={200: ObjectiveDetail, **ERROR_RESPONSES},
    summary="One GCM objective with its principles, clusters, SDG links and round table",
)
def objective(request: HttpRequest, number: int, lang: LangCode | None = Lang) -> Any:
    return selectors.objective_detail(number=number, language=lang)


@router.get("/principles", response=list[ItemListEntry], summary="The 10 guiding principles")
def principles(request: HttpRequest, lang: LangCode | None = Lang) -> Any:
    return selectors.item_list(kind=ItemKind.PRINCIPLE, language=lang)


@router.get("/principles/{code}", response={200: ItemDetail, **ERROR_RESPONSES})
def principle(request: HttpRequest, code: str, lang: LangCode | None = Lang) -> Any:
    return selectors.item_detail(kind=ItemKind.PRINCIPLE, code=code, language=lang)


@router.get("/clusters", response=list[ItemListEntry], summary="The 6 thematic clusters of 2017")
def clusters(request: HttpRequest, lang: LangCode | None = Lang) -> Any:
    return selectors.item_list(kind=ItemKind.CLUSTER, language=lang)


@router.get("/kinds", response=list[KindOut], summary="The kinds of framework items")
def kinds(request: HttpRequest) -> Any:
    return selectors.kind_counts()


@router.get("/items", response={200: list[ItemListEntry], **ERROR_RESPONSES})
def items(
    request: HttpRequest,
    kind: str,
    parent: str | None = None,
    lang: LangCode | None = Lang,
) -> Any:
    return selectors.item_list(kind=kind, parent=parent, language=lang)


@router.get("/items/{kind}/{code}", response={200: ItemDetail, **ERROR_RESPONSES})
def item(request: HttpRequest, kind: str, code: str, lang: LangCode | None = Lang) -> Any:
    return selectors.item_detail(kind=kind, code=code, language=lang)


@router.get("/crosswalk", response={200: list[CrosswalkOut], **ERROR_RESPONSES})
def crosswalk(
    request: HttpRequest,
    from_kind: str | None = None,
    to_kind: str | None = None,
    relation: str | None = None,
    basis: str | None = None,
    lang: LangCode | None = Lang,
) -> Any:
    return selectors.crosswalk(
        from_kind=from_kind, to_kind=to_kind, relation=relation, basis=basis, language=lang
    )


@router.get(
    "/search",
    response={200: SearchOut, **ERROR_RESPONSES},
    summary="Full-text search across every framework item",
)
def search(
    request: HttpRequest,
    q: str,
    kind: list[str] = Query(None),  # noqa: B008
    limit: int = 50,
    lang: LangCode | None = Lang,
) -> Any:
    return selectors.search(q=q, kinds=kind or None, limit=limit, language=lang)


@router.get("/key-dates", response=list[KeyDateOut], summary="Key dates of the GCM")
def key_dates(request: HttpRequest) -> Any:
    return selectors.key_date_list()


@router.get("/release", response={200: ReleaseOut, 404: Any})
def release(request: HttpRequest) -> Any:
    info = selectors.release_info()
    if info is None:
        return Status(404, {"code": "not_found", "message": "No reference data is loaded."})
    return info

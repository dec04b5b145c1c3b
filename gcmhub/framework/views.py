from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from gcmhub.common.errors import InvalidInput
from gcmhub.framework import selectors
from gcmhub.framework.kinds import KIND_PLURALS, SEGMENT_KINDS, ItemKind


def overview(request: HttpRequest) -> HttpResponse:
    data = selectors.overview(language=get_language())
    return render(
        request,
        "framework/overview.html",
        {"data": data, "json_url": "/api/v1/framework/kinds"},
    )


def kind_list(request: HttpRequest, segment: str) -> HttpResponse:
    kind = SEGMENT_KINDS.get(segment)
    if kind is None:
        raise Http404("No such kind of framework item.")
    items = selectors.item_list(kind=kind, language=get_language())
    return render(
        request,
        "framework/kind_list.html",
        {
            "kind": kind,
            "heading": KIND_PLURALS[kind],
            "items": items,
            "json_url": f"/api/v1/framework/items?kind={kind.value}",
        },
    )


def item_detail(request: HttpRequest, segment: str, code: str) -> HttpResponse:
    kind = SEGMENT_KINDS.get(segment)
    if kind is None:
        raise Http404("No such kind of framework item.")
    language = get_language()
    if kind == ItemKind.OBJECTIVE:
        if not code.isdigit():
            raise Http404("Objectives are numbered 1 to 23.")
        data = selectors.objective_detail(number=int(code), language=language)
        json_url = f"/api/v1/framework/objectives/{code}"
    else:
        data = selectors.item_detail(kind=kind, code=code, language=language)
        json_url = data["api_url"]
    return render(
        request,
        "framework/item.html",
        {
            "item": data,
            "kind": kind,
            "segment": segment,
            "kind_plural": KIND_PLURALS[kind],
            "json_url": json_url,
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    kinds = [k for k in request.GET.getlist("kind") if k]
    context: dict[str, object] = {
        "q": q,
        "selected_kinds": kinds,
        "kinds": [(k.value, k.label) for k in ItemKind],
    }
    status = 200
    if q:
        context["json_url"] = request.build_absolute_uri(
            f"/api/v1/framework/search?{request.GET.urlencode()}"
        )
        try:
            context["result"] = selectors.search(q=q, kinds=kinds or None, language=get_language())
        except InvalidInput as exc:
            context["error"] = exc.message
            status = 400
    template = (
        "framework/_search_results.html"
        if request.headers.get("HX-Request")
        else "framework/search.html"
    )
    return render(request, template, context, status=status)


def key_dates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "framework/key_dates.html",
        {"dates": selectors.key_date_list(), "json_url": "/api/v1/framework/key-dates"},
    )

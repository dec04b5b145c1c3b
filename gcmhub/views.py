from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language

from gcmhub.framework import selectors as framework


def home(request: HttpRequest) -> HttpResponse:
    objectives = framework.item_list(kind="objective", language=get_language())
    return render(
        request,
        "home.html",
        {
            "objectives": objectives,
            "release": framework.release_info(),
            "json_url": "/api/v1/framework/objectives",
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})

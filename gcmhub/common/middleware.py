"""Turn service errors raised in page views into the matching error page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gcmhub.common.errors import ServiceError


class ServiceErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ServiceError) and not request.path.startswith("/api/"):
            return render(
                request,
                "error.html",
                {"status": exception.status, "error": exception},
                status=exception.status,
            )
        return None

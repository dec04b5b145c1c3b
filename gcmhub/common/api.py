"""Shared pieces of the JSON API: the error body and the exception handlers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from gcmhub.common.errors import ServiceError


class FieldErrorOut(Schema):
    field: str | None = None
    location: str | None = None
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    errors: list[FieldErrorOut] = []


def _location(loc: list[Any]) -> tuple[str | None, str | None]:
    parts = [str(p) for p in loc]
    if not parts:
        return None, None
    where = parts[0]
    rest = parts[1:]
    if where == "body" and len(rest) > 1:
        rest = rest[1:]  # drop the name of the view's payload parameter
    return ".".join(rest) or None, where


def install_error_handlers(api: NinjaAPI) -> None:
    def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=exc.status)

    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = []
        for err in exc.errors:
            name, where = _location(list(err.get("loc", [])))
            errors.append({"field": name, "location": where, "message": err.get("msg", "")})
        body = {"code": "invalid_input", "message": "The request is not valid.", "errors": errors}
        return api.create_response(request, body, status=422)

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or "You may not do this."
        return api.create_response(request, {"code": "forbidden", "message": message}, status=403)

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = str(exc) or "Not found."
        return api.create_response(request, {"code": "not_found", "message": message}, status=404)

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        body = {"code": "unauthenticated", "message": "You need to log in to do this."}
        return api.create_response(request, body, status=401)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        body = {"code": "error", "message": str(exc)}
        return api.create_response(request, body, status=exc.status_code)

    api.add_exception_handler(ServiceError, service_error)  # type: ignore[arg-type]
    api.add_exception_handler(NinjaValidationError, validation_error)  # type: ignore[arg-type]
    api.add_exception_handler(PermissionDenied, forbidden)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, not_found)  # type: ignore[arg-type]
    api.add_exception_handler(AuthenticationError, unauthenticated)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, http_error)  # type: ignore[arg-type]


ERROR_RESPONSES: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}

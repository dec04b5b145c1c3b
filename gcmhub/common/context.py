"""Who is acting and through which door (web, api, cli), for the audit log.

Set once per request by ``RequestContextMiddleware`` and once per command by the CLI, so that
services need not pass the channel around.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class ActionContext:
    channel: str = "system"
    ip_address: str | None = None


_DEFAULT = ActionContext()
_current: contextvars.ContextVar[ActionContext | None] = contextvars.ContextVar(
    "gcmhub_action_context", default=None
)


def current_context() -> ActionContext:
    return _current.get() or _DEFAULT


@contextmanager
def action_context(*, channel: str, ip_address: str | None = None) -> Iterator[ActionContext]:
    ctx = ActionContext(channel=channel, ip_address=ip_address)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        with action_context(channel=channel, ip_address=request.META.get("REMOTE_ADDR")):
            return self.get_response(request)

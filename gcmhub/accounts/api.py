"""``/api/v1/accounts/`` and ``/api/v1/audit/``: organisations, memberships, the audit log.

No postponed annotations here: django-ninja reads them at import time.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from gcmhub.accounts import selectors, services
from gcmhub.accounts.models import Membership, User
from gcmhub.common.api import ERROR_RESPONSES
from gcmhub.common.exports import export_response

router = Router(tags=["accounts"])
audit_router = Router(tags=["audit"], auth=django_auth)


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str
    kind: str
    country_iso3: str
    website: str


class OrganisationIn(Schema):
    name: str
    kind: Literal["state", "secretariat", "un_entity", "regional", "stakeholder"]
    slug: str = ""
    country_iso3: str = ""
    website: str = ""


class OrganisationPatch(Schema):
    name: str | None = None
    website: str | None = None
    country_iso3: str | None = None


class MembershipOut(Schema):
    username: str
    organisation: str
    role: str


class MembershipIn(Schema):
    role: Literal["viewer", "contributor", "focal_point", "secretariat", "reviewer", "admin"]


class MeOut(Schema):
    username: str
    email: str
    is_platform_admin: bool
    memberships: list[MembershipOut]


class UserIn(Schema):
    username: str
    email: str
    first_name: str = ""
    last_name: str = ""
    organisation: str | None = None
    role: Literal["viewer", "contributor", "focal_point", "secretariat", "reviewer", "admin"] = (
        "viewer"
    )


class UserOut(Schema):
    username: str
    email: str


def request_user(request: HttpRequest) -> User:
    """The logged-in user of an endpoint that requires authentication."""
    user = request.user
    assert isinstance(user, User)
    return user


def _membership_out(m: Membership) -> dict[str, str]:
    return {"username": m.user.username, "organisation": m.organisation.slug, "role": m.role}


@router.get("/me", response={200: MeOut, **ERROR_RESPONSES}, auth=django_auth)
def me(request: HttpRequest) -> Any:
    user = request_user(request)
    return {
        "username": user.username,
        "email": user.email,
        "is_platform_admin": user.is_superuser,
        "memberships": [_membership_out(m) for m in selectors.user_memberships(user=user)],
    }


@router.get("/organisations", response=list[OrganisationOut])
@paginate(LimitOffsetPagination)
def organisations(request: HttpRequest, kind: str | None = None, q: str | None = None) -> Any:
    return selectors.organisation_list(kind=kind, q=q)


@router.post("/organisations", response={201: OrganisationOut, **ERROR_RESPONSES}, auth=django_auth)
def organisation_create(request: HttpRequest, payload: OrganisationIn) -> Any:
    org = services.organisation_create(by=request_user(request), **payload.dict())
    return Status(201, org)


@router.patch(
    "/organisations/{slug}", response={200: OrganisationOut, **ERROR_RESPONSES}, auth=django_auth
)
def organisation_update(request: HttpRequest, slug: str, payload: OrganisationPatch) -> Any:
    org = selectors.organisation_get(slug=slug)
    changes = payload.dict(exclude_unset=True)
    return services.organisation_update(by=request_user(request), organisation=org, **changes)


@router.get(
    "/organisations/{slug}/members",
    response={200: list[MembershipOut], **ERROR_RESPONSES},
    auth=django_auth,
)
def members(request: HttpRequest, slug: str) -> Any:
    org = selectors.organisation_get(slug=slug)
    return [
        _membership_out(m)
        for m in selectors.membership_list(user=request_user(request), organisation=org)
    ]


@router.put(
    "/organisations/{slug}/members/{username}",
    response={200: MembershipOut, **ERROR_RESPONSES},
    auth=django_auth,
)
def member_set(request: HttpRequest, slug: str, username: str, payload: MembershipIn) -> Any:
    org = selectors.organisation_get(slug=slug)
    user = get_object_or_404(User, username=username)
    membership = services.membership_set(
        by=request_user(request),
        user=user,
        organisation=org,
        role=payload.role,
    )
    return _membership_out(membership)


@router.delete(
    "/organisations/{slug}/members/{username}",
    response={204: None, **ERROR_RESPONSES},
    auth=django_auth,
)
def member_revoke(request: HttpRequest, slug: str, username: str) -> Any:
    org = selectors.organisation_get(slug=slug)
    membership = get_object_or_404(Membership, organisation=org, user__username=username)
    services.membership_revoke(by=request_user(request), membership=membership)
    return Status(204, None)


@router.post("/users", response={201: UserOut, **ERROR_RESPONSES}, auth=django_auth)
def user_create(request: HttpRequest, payload: UserIn) -> Any:
    org = selectors.organisation_get(slug=payload.organisation) if payload.organisation else None
    user = services.user_create(
        by=request_user(request),
        username=payload.username,
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
        organisation=org,
        role=payload.role if org else None,
    )
    return Status(201, user)


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor_label: str
    channel: str
    action: str
    object_type: str
    object_id: str
    object_label: str
    organisation_id: int | None
    changes: dict[str, Any]
    before: Any
    after: Any


class AuditFilters(Schema):
    action: str | None = None
    actor: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    organisation_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@audit_router.get("/events", response={200: list[AuditEventOut], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def audit_events(request: HttpRequest, filters: AuditFilters = Query(...)) -> Any:  # noqa: B008
    return selectors.audit_event_list(user=request_user(request), **filters.dict())


@audit_router.get("/events/export", response={200: None, **ERROR_RESPONSES})
def audit_export(
    request: HttpRequest,
    format: Literal["csv", "xlsx", "json"] = "csv",
    filters: AuditFilters = Query(...),  # noqa: B008
) -> HttpResponse:
    events = selectors.audit_event_list(user=request_user(request), **filters.dict())
    return export_response(
        selectors.audit_rows(events), selectors.AUDIT_EXPORT_COLUMNS, format, filename="audit-log"
    )

"""Permission-checked reads of accounts and of the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from gcmhub.accounts.models import Membership, Organisation, Role, User
from gcmhub.accounts.permissions import (
    ensure_authenticated,
    ensure_can_manage_organisation,
    is_platform_admin,
)
from gcmhub.common.errors import NotFound, PermissionDenied
from gcmhub.common.models import AuditEvent


def organisation_list(*, kind: str | None = None, q: str | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(slug__icontains=q))
    return qs.order_by("name")


def organisation_get(*, slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        raise NotFound(f"No organisation {slug!r}.") from None


def membership_list(*, user: User, organisation: Organisation) -> QuerySet[Membership]:
    """An organisation's members, for its administrators and platform administrators."""
    ensure_can_manage_organisation(user, organisation)
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "organisation")
        .order_by("user__username")
    )


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation")


def administered_organisation_ids(*, user: User) -> list[int]:
    return list(
        Membership.objects.filter(user=user, role=Role.ADMIN).values_list(
            "organisation_id", flat=True
        )
    )


def can_view_audit(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return is_platform_admin(user) or bool(administered_organisation_ids(user=user))


def audit_event_list(
    *,
    user: User,
    action: str | None = None,
    actor: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    organisation_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events a user may see: all for platform admins, their organisations' for org admins."""
    ensure_authenticated(user)
    qs = AuditEvent.objects.all()
    if not is_platform_admin(user):
        allowed = administered_organisation_ids(user=user)
        if not allowed:
            raise PermissionDenied("Only administrators may read the audit log.")
        qs = qs.filter(organisation_id__in=allowed)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs.order_by("-at", "-id")


AUDIT_EXPORT_COLUMNS = [
    ("at", "time"),
    ("actor_label", "actor"),
    ("channel", "channel"),
    ("ip_address", "ip_address"),
    ("action", "action"),
    ("object_type", "object_type"),
    ("object_id", "object_id"),
    ("object_label", "object"),
    ("organisation_id", "organisation_id"),
    ("changes", "changes"),
    ("before", "before"),
    ("after", "after"),
]


def audit_rows(events: QuerySet[AuditEvent]) -> list[dict[str, Any]]:
    return [
        {key: getattr(e, key) for key, _ in AUDIT_EXPORT_COLUMNS}
        for e in events.only(*[key for key, _ in AUDIT_EXPORT_COLUMNS])
    ]

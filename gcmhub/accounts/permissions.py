"""The permission helpers every writing service calls before it changes anything.

A user acts for an organisation through a membership with one role; platform administrators
(superusers) may act everywhere. Refusals raise ``PermissionDenied`` (HTTP 403).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gcmhub.accounts.models import Membership, Organisation, Role
from gcmhub.common.errors import PermissionDenied


def is_platform_admin(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def roles_in(user: Any, organisation: Organisation) -> set[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return set(
        Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )


def has_role(user: Any, organisation: Organisation, roles: Iterable[str]) -> bool:
    if is_platform_admin(user):
        return True
    return bool(roles_in(user, organisation) & set(roles))


def ensure_authenticated(user: Any) -> None:
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied("You need to log in to do this.")


def ensure_platform_admin(user: Any) -> None:
    ensure_authenticated(user)
    if not is_platform_admin(user):
        raise PermissionDenied("Only platform administrators may do this.")


def ensure_role(user: Any, organisation: Organisation, roles: Iterable[str]) -> None:
    """Refuse unless ``user`` holds one of ``roles`` in ``organisation``, or is a platform admin."""
    ensure_authenticated(user)
    wanted = set(roles)
    if not has_role(user, organisation, wanted):
        names = ", ".join(sorted(str(Role(r).label) for r in wanted))
        raise PermissionDenied(f"You need one of these roles in {organisation.name}: {names}.")


def ensure_can_manage_organisation(user: Any, organisation: Organisation) -> None:
    ensure_role(user, organisation, {Role.ADMIN})

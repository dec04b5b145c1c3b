"""Who may see and change pledges.

Published pledges are public. An unpublished pledge is seen only by the members of the
organisation that entered it (any role) and by platform administrators. Its focal points,
secretariat and administrators change it; platform administrators may change every pledge.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from gcmhub.accounts.models import Membership, Organisation, Role
from gcmhub.accounts.permissions import has_role, is_platform_admin

EDIT_ROLES = frozenset({Role.FOCAL_POINT, Role.SECRETARIAT, Role.ADMIN})


def can_edit(user: Any, organisation: Organisation) -> bool:
    """Whether ``user`` may change the pledges ``organisation`` entered."""
    return has_role(user, organisation, EDIT_ROLES)


def visible_q(user: Any, prefix: str = "") -> Q:
    """The pledges ``user`` may see, as a filter (``prefix`` for a related pledge)."""
    if is_platform_admin(user):
        return Q()
    published = Q(**{f"{prefix}published": True})
    if user is None or not user.is_authenticated or not user.is_active:
        return published
    own = Membership.objects.filter(user=user).values("organisation_id")
    return published | Q(**{f"{prefix}organisation_id__in": own})


def editable_organisation_ids(user: Any) -> set[int] | None:
    """The organisations whose pledges ``user`` may change; None means all (platform admin)."""
    if is_platform_admin(user):
        return None
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return set(
        Membership.objects.filter(user=user, role__in=EDIT_ROLES).values_list(
            "organisation_id", flat=True
        )
    )

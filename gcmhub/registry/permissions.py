"""Who may change a consultation mechanism's membership."""

from __future__ import annotations

from typing import Any

from gcmhub.accounts.models import Role
from gcmhub.accounts.permissions import has_role
from gcmhub.registry.models import Mechanism

EDIT_ROLES = {Role.SECRETARIAT, Role.ADMIN}


def can_edit_mechanism(user: Any, mechanism: Mechanism) -> bool:
    """Its secretariat (secretariat or admin role in its organisation), or a platform admin."""
    if user is None or not user.is_authenticated:
        return False
    return has_role(user, mechanism.organisation, EDIT_ROLES)

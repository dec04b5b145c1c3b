"""Who may read, write and move national reviews and stakeholder inputs.

- Authors: a State's focal points (and its organisation's administrators) write the State's
  review; contributors of that organisation write only the sections assigned to them. For a
  stakeholder input, the organisation's contributors, focal points and administrators write it.
- Responsible bodies: the cycle's organiser, the commission the cycle or input is scoped to and,
  for a national review, the UN regional commissions the State belongs to. Their secretariat and
  reviewers return and validate what was submitted; their reviewers publish it.
- Everyone else sees published content only; drafts never leave the authors' organisation.
Platform administrators may do everything.
"""

from __future__ import annotations

from typing import Any

from gcmhub.accounts.models import Membership, OrganisationGroup, Role
from gcmhub.accounts.permissions import is_platform_admin
from gcmhub.registry.models import Affiliation
from gcmhub.reviews.models import (
    EDITABLE_STATUSES,
    NationalReview,
    ReviewSection,
    ReviewStatus,
    StakeholderInput,
)

REVIEW_AUTHOR_ROLES = {Role.FOCAL_POINT, Role.ADMIN}
INPUT_AUTHOR_ROLES = {Role.CONTRIBUTOR, Role.FOCAL_POINT, Role.SECRETARIAT, Role.ADMIN}
MANAGE_ROLES = {Role.SECRETARIAT, Role.REVIEWER, Role.ADMIN}
PUBLISH_ROLES = {Role.REVIEWER, Role.ADMIN}

# Which roles in a responsible body each workflow action needs.
ACTION_ROLES = {"return": MANAGE_ROLES, "validate": MANAGE_ROLES, "publish": PUBLISH_ROLES}


def user_roles(user: Any) -> dict[int, set[str]]:
    """Every organisation the user acts for, with the roles held there (one query)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    roles: dict[int, set[str]] = {}
    for org_id, role in Membership.objects.filter(user=user).values_list("organisation_id", "role"):
        roles.setdefault(org_id, set()).add(role)
    return roles


def responsible_organisations(record: NationalReview | StakeholderInput) -> set[int]:
    cycle = record.cycle
    ids = {i for i in (cycle.organiser_id, cycle.scope_commission_id) if i}
    if isinstance(record, NationalReview):
        ids |= set(
            Affiliation.objects.filter(
                area_id=record.area_id, organisation__group=OrganisationGroup.COMMISSION
            ).values_list("organisation_id", flat=True)
        )
    elif record.commission_id:
        ids.add(record.commission_id)
    return ids


def _holds(roles: dict[int, set[str]], org_ids: set[int], wanted: set[str]) -> bool:
    return any(roles.get(org_id, set()) & wanted for org_id in org_ids)


def is_author(user: Any, record: NationalReview | StakeholderInput) -> bool:
    if is_platform_admin(user):
        return True
    wanted = REVIEW_AUTHOR_ROLES if isinstance(record, NationalReview) else INPUT_AUTHOR_ROLES
    return _holds(user_roles(user), {record.organisation_id}, set(wanted))


def in_authors_organisation(user: Any, record: NationalReview | StakeholderInput) -> bool:
    return record.organisation_id in user_roles(user)


def can_view(user: Any, record: NationalReview | StakeholderInput) -> bool:
    """Published: everyone. Otherwise the authors' organisation, and once submitted the
    responsible bodies' secretariat and reviewers."""
    if record.status == ReviewStatus.PUBLISHED or is_platform_admin(user):
        return True
    roles = user_roles(user)
    if record.organisation_id in roles:
        return True
    if record.status in EDITABLE_STATUSES:
        return False
    return _holds(roles, responsible_organisations(record), set(MANAGE_ROLES))


def can_act(user: Any, record: NationalReview | StakeholderInput, action: str) -> bool:
    """May ``user`` submit, return, validate or publish ``record`` (ignoring its status)?"""
    if is_platform_admin(user):
        return True
    if action == "submit":
        return is_author(user, record)
    return _holds(user_roles(user), responsible_organisations(record), set(ACTION_ROLES[action]))


def allowed_actions(user: Any, record: NationalReview | StakeholderInput) -> dict[str, bool]:
    """Which workflow buttons ``user`` gets for ``record`` now, given its status: roles and the
    responsible bodies are looked up once for all four actions."""
    admin = is_platform_admin(user)
    roles = user_roles(user)
    responsible = responsible_organisations(record) if not admin else set()

    def may(action: str) -> bool:
        return admin or _holds(roles, responsible, set(ACTION_ROLES[action]))

    status = record.status
    return {
        "return": status in (ReviewStatus.SUBMITTED, ReviewStatus.VALIDATED) and may("return"),
        "validate": status == ReviewStatus.SUBMITTED and may("validate"),
        "publish": status == ReviewStatus.VALIDATED and may("publish"),
    }


def can_edit_section(user: Any, section: ReviewSection, review: NationalReview) -> bool:
    """Focal points of the State edit every section; contributors only their assigned ones."""
    if is_platform_admin(user):
        return True
    roles = user_roles(user).get(review.organisation_id, set())
    if roles & REVIEW_AUTHOR_ROLES:
        return True
    if Role.CONTRIBUTOR in roles:
        return section.assignees.filter(pk=user.pk).exists()
    return False

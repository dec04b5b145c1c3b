"""Writes to organisations, users and memberships. Each checks permissions and is audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from gcmhub.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from gcmhub.accounts.permissions import (
    ensure_can_manage_organisation,
    ensure_platform_admin,
    is_platform_admin,
)
from gcmhub.common.audit import audit_record, snapshot
from gcmhub.common.errors import (
    FieldError,
    InvalidInput,
    PermissionDenied,
    invalid_from_validation_error,
)

ORGANISATION_FIELDS = ("name", "slug", "kind", "country_iso3", "website", "is_active")
USER_FIELDS = ("username", "email", "first_name", "last_name", "is_active", "is_superuser")


def _full_clean(obj: Any, *, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise invalid_from_validation_error(exc) from exc


@transaction.atomic
def organisation_create(
    *,
    by: User | None,
    name: str,
    kind: str,
    slug: str = "",
    country_iso3: str = "",
    website: str = "",
) -> Organisation:
    """Create an organisation. Only platform administrators (or the system) may."""
    if by is not None:
        ensure_platform_admin(by)
    if kind not in OrganisationKind.values:
        raise InvalidInput(
            "Unknown organisation kind.",
            [FieldError(f"{kind!r} is not one of {', '.join(OrganisationKind.values)}", "kind")],
        )
    org = Organisation(
        name=name.strip(),
        slug=slug or slugify(name)[:80],
        kind=kind,
        country_iso3=country_iso3.upper(),
        website=website,
    )
    _full_clean(org)
    org.save()
    audit_record(
        action="organisation.create",
        by=by,
        obj=org,
        after=snapshot(org, ORGANISATION_FIELDS),
        organisation_id=org.pk,
    )
    return org


@transaction.atomic
def organisation_update(*, by: User, organisation: Organisation, **changes: Any) -> Organisation:
    """Change an organisation's details; its administrators may, except its kind and status."""
    ensure_can_manage_organisation(by, organisation)
    unknown = sorted(set(changes) - set(ORGANISATION_FIELDS))
    if unknown:
        raise InvalidInput(
            "Unknown fields.", [FieldError("not an organisation field", f) for f in unknown]
        )
    if {"kind", "is_active"} & set(changes) and not is_platform_admin(by):
        raise PermissionDenied("Only platform administrators may change an organisation's kind.")
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(org, ORGANISATION_FIELDS)
    for key, value in changes.items():
        setattr(org, key, value)
    _full_clean(org)
    org.save()
    audit_record(
        action="organisation.update",
        by=by,
        obj=org,
        before=before,
        after=snapshot(org, ORGANISATION_FIELDS),
        organisation_id=org.pk,
    )
    return org


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(
            "The password is not strong enough.",
            [FieldError(m, "password") for m in exc.messages],
        ) from exc


@transaction.atomic
def user_create(
    *,
    by: User | None,
    username: str,
    email: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    organisation: Organisation | None = None,
    role: str | None = None,
    is_superuser: bool = False,
) -> User:
    """Create a user, optionally as a member of ``organisation`` with ``role``.

    Platform administrators may create anyone; an organisation's administrators may create
    users into their own organisation only. Without a password the user must reset it.
    """
    if by is not None:
        if is_superuser or organisation is None:
            ensure_platform_admin(by)
        else:
            ensure_can_manage_organisation(by, organisation)
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(
            "A user with that name exists.", [FieldError("already taken", "username")]
        )
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    _full_clean(user, exclude=["password"])
    user.save()
    audit_record(action="user.create", by=by, obj=user, after=snapshot(user, USER_FIELDS))
    if organisation is not None:
        membership_set(by=by, user=user, organisation=organisation, role=role or Role.VIEWER)
    return user


@transaction.atomic
def user_set_password(*, by: User | None, user: User, password: str) -> User:
    """Set a password: the user themself, a platform admin, or the reset flow (``by`` None)."""
    if by is not None and by.pk != user.pk:
        ensure_platform_admin(by)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        action="user.set_password",
        by=by,
        obj=user,
        after={"password": "changed"},
    )
    return user


def _admin_count(organisation: Organisation) -> int:
    return Membership.objects.filter(organisation=organisation, role=Role.ADMIN).count()


@transaction.atomic
def membership_set(
    *, by: User | None, user: User, organisation: Organisation, role: str
) -> Membership:
    """Give ``user`` the ``role`` in ``organisation`` (creating or changing the membership).

    An organisation keeps at least one administrator unless a platform admin decides otherwise.
    """
    if by is not None:
        ensure_can_manage_organisation(by, organisation)
    if role not in Role.values:
        raise InvalidInput(
            "Unknown role.",
            [FieldError(f"{role!r} is not one of {', '.join(Role.values)}", "role")],
        )
    membership = (
        Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()
    )
    before = snapshot(membership, ["role"]) if membership else None
    if membership is None:
        membership = Membership(user=user, organisation=organisation, role=role)
    else:
        if (
            membership.role == Role.ADMIN
            and role != Role.ADMIN
            and _admin_count(organisation) == 1
            and not is_platform_admin(by)
        ):
            raise InvalidInput(
                "An organisation needs at least one administrator.",
                [FieldError("the last administrator cannot be demoted", "role")],
            )
        membership.role = role
    membership.save()
    audit_record(
        action="membership.set",
        by=by,
        obj=membership,
        before=before,
        after={"user": user.username, "organisation": organisation.slug, "role": role},
        organisation_id=organisation.pk,
    )
    return membership


@transaction.atomic
def membership_revoke(*, by: User, membership: Membership) -> None:
    organisation = membership.organisation
    ensure_can_manage_organisation(by, organisation)
    if (
        membership.role == Role.ADMIN
        and _admin_count(organisation) == 1
        and not is_platform_admin(by)
    ):
        raise InvalidInput(
            "An organisation needs at least one administrator.",
            [FieldError("the last administrator cannot be removed", "role")],
        )
    before = {
        "user": membership.user.username,
        "organisation": organisation.slug,
        "role": membership.role,
    }
    audit_record(
        action="membership.revoke",
        by=by,
        obj=membership,
        before=before,
        organisation_id=organisation.pk,
    )
    membership.delete()

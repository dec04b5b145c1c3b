"""Writing pledges: create, edit (with a version token), post status updates, publish.

Every function checks who is asking, checks the whole input and reports every problem at once,
then writes in one transaction together with its audit event. The members of the organisation
that entered a pledge with the focal point, secretariat or administrator role keep it up to
date; platform administrators may act on every pledge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gcmhub.accounts.models import Organisation, User
from gcmhub.accounts.permissions import ensure_authenticated, ensure_role
from gcmhub.common.audit import audit_record, snapshot
from gcmhub.common.errors import Conflict, FieldError, InvalidInput, NotFound
from gcmhub.framework.models import FrameworkItem
from gcmhub.pledges.codes import code_order, objective_code, principle_code
from gcmhub.pledges.models import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    Pledge,
    PledgeKind,
    Pledger,
    PledgerRole,
    PledgeStatus,
    PledgeType,
    StatusUpdate,
)
from gcmhub.pledges.permissions import EDIT_ROLES
from gcmhub.registry.models import Area, UnStatus
from gcmhub.reviews.models import ReviewCycle

# The pledge fields an edit changes (beside the objectives, principles and pledgers).
PLEDGE_FIELDS = (
    "title",
    "description",
    "kind",
    "type",
    "start_year",
    "end_year",
    "year",
    "cycle_id",
    "matches_id",
)
FIRST_YEAR, LAST_YEAR = 1990, 2100
TITLE_MAX = 200
EVIDENCE_MAX = 5000


def _ensure_can_edit(user: Any, organisation: Organisation) -> None:
    ensure_authenticated(user)
    ensure_role(user, organisation, EDIT_ROLES)


@dataclass
class PledgerInput:
    """A State (``iso3``) or an organisation (``organisation``, its slug), and its role."""

    iso3: str = ""
    organisation: str = ""
    role: str = PledgerRole.LEAD


@dataclass
class PledgeInput:
    title: str = ""
    description: str = ""
    kind: str = PledgeKind.INDIVIDUAL
    type: str = ""
    objectives: list[str] = field(default_factory=list)
    principles: list[str] = field(default_factory=list)
    pledgers: list[PledgerInput] = field(default_factory=list)
    start_year: int | None = None
    end_year: int | None = None
    year: int | None = None
    cycle: str = ""
    matches: int | None = None


@dataclass
class StatusInput:
    status: str = PledgeStatus.ANNOUNCED
    date: dt.date | None = None
    evidence: str = ""
    evidence_url: str = ""


@dataclass
class _Resolved:
    """The input turned into rows: what the write needs once every check has passed."""

    values: dict[str, Any]
    items: list[int]
    pledgers: list[tuple[int | None, int | None, str]]  # (organisation_id, area_id, role)


# --- checking the input ------------------------------------------------------------------------


def _items(
    codes: list[str], kind: str, normalise: Any, name: str, problems: list[FieldError]
) -> list[int]:
    wanted = [normalise(str(c)) for c in codes if str(c).strip()]
    found = dict(FrameworkItem.objects.filter(kind=kind, code__in=wanted).values_list("code", "pk"))
    for raw, code in zip(codes, wanted, strict=False):
        if code not in found:
            problems.append(FieldError(f"unknown code {raw!r}", name))
    return [found[c] for c in dict.fromkeys(wanted) if c in found]


def _year(value: int | None, name: str, problems: list[FieldError]) -> int | None:
    if value is None:
        return None
    if not FIRST_YEAR <= value <= LAST_YEAR:
        problems.append(FieldError(f"must be a year from {FIRST_YEAR} to {LAST_YEAR}", name))
        return None
    return value


def _pledgers(
    data: PledgeInput, problems: list[FieldError]
) -> list[tuple[int | None, int | None, str]]:
    codes = {p.iso3.strip().upper() for p in data.pledgers if p.iso3.strip()}
    slugs = {p.organisation.strip() for p in data.pledgers if p.organisation.strip()}
    areas = {a.iso3: a for a in Area.objects.filter(iso3__in=codes)}
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs, is_active=True)}
    rows: list[tuple[int | None, int | None, str]] = []
    seen: set[tuple[str, str]] = set()
    for n, p in enumerate(data.pledgers, start=1):
        iso3, slug = p.iso3.strip().upper(), p.organisation.strip()
        where = f"pledger {n}"
        if p.role not in PledgerRole.values:
            problems.append(
                FieldError(f"role must be lead or partner, not {p.role!r}", "pledgers", where)
            )
        if bool(iso3) == bool(slug):
            problems.append(
                FieldError("give either a State (ISO3 code) or an organisation", "pledgers", where)
            )
            continue
        key = ("area", iso3) if iso3 else ("organisation", slug)
        if key in seen:
            problems.append(FieldError(f"{iso3 or slug} is named twice", "pledgers", where))
            continue
        seen.add(key)
        if iso3:
            area = areas.get(iso3)
            if area is None:
                problems.append(FieldError(f"unknown ISO3 code {p.iso3!r}", "pledgers", where))
            elif area.un_status not in (UnStatus.MEMBER, UnStatus.OBSERVER):
                problems.append(FieldError(f"{area.name} is not a State", "pledgers", where))
            else:
                rows.append((None, area.pk, p.role))
        else:
            org = orgs.get(slug)
            if org is None:
                problems.append(FieldError(f"unknown organisation {slug!r}", "pledgers", where))
            else:
                rows.append((org.pk, None, p.role))
    if not data.pledgers:
        problems.append(FieldError("name at least one State or organisation", "pledgers"))
    elif data.kind == PledgeKind.INDIVIDUAL and len(data.pledgers) > 1:
        problems.append(
            FieldError("an individual pledge has one pledger; choose common or partnership", "kind")
        )
    elif data.kind in (PledgeKind.COMMON, PledgeKind.PARTNERSHIP) and len(data.pledgers) < 2:
        problems.append(
            FieldError("a common or partnership pledge has two pledgers or more", "kind")
        )
    return rows


def _check(
    data: PledgeInput, *, pledge_id: int | None = None
) -> tuple[_Resolved, list[FieldError]]:
    """The values to write, and every problem with ``data`` (the values mean nothing then)."""
    problems: list[FieldError] = []
    title = data.title.strip()
    if not title:
        problems.append(FieldError("is required", "title"))
    elif len(title) > TITLE_MAX:
        problems.append(FieldError(f"must be {TITLE_MAX} characters or fewer", "title"))
    description = data.description.strip()
    if not DESCRIPTION_MIN <= len(description) <= DESCRIPTION_MAX:
        problems.append(
            FieldError(
                f"must be {DESCRIPTION_MIN:,} to {DESCRIPTION_MAX:,} characters long; "
                f"it has {len(description):,}",
                "description",
            )
        )
    if not data.kind:
        problems.append(FieldError("is required: choose individual, common or partnership", "kind"))
    elif data.kind not in PledgeKind.values:
        problems.append(
            FieldError(f"must be one of {', '.join(PledgeKind.values)}, not {data.kind!r}", "kind")
        )
    if not data.type:
        problems.append(FieldError("is required: choose a type", "type"))
    elif data.type not in PledgeType.values:
        problems.append(
            FieldError(f"must be one of {', '.join(PledgeType.values)}, not {data.type!r}", "type")
        )
    items = _items(data.objectives, "objective", objective_code, "objectives", problems)
    items += _items(data.principles, "principle", principle_code, "principles", problems)
    if not data.objectives and not data.principles:
        problems.append(
            FieldError("name at least one objective or guiding principle", "objectives")
        )
    pledgers = _pledgers(data, problems)
    start = _year(data.start_year, "start_year", problems)
    end = _year(data.end_year, "end_year", problems)
    if start is not None and end is not None and end < start:
        problems.append(FieldError("cannot be before the first year", "end_year"))
    year = _year(data.year, "year", problems) if data.year is not None else timezone.now().year
    cycle_id = None
    if data.cycle.strip():
        cycle_id = (
            ReviewCycle.objects.filter(slug=data.cycle.strip()).values_list("pk", flat=True).first()
        )
        if cycle_id is None:
            problems.append(FieldError(f"unknown review cycle {data.cycle!r}", "cycle"))
    if data.matches is not None:
        if pledge_id is not None and data.matches == pledge_id:
            problems.append(FieldError("a pledge cannot match itself", "matches"))
        elif not Pledge.objects.filter(pk=data.matches).exists():
            problems.append(FieldError(f"no pledge {data.matches}", "matches"))
    resolved = _Resolved(
        values={
            "title": title,
            "description": description,
            "kind": data.kind,
            "type": data.type,
            "start_year": start,
            "end_year": end,
            "year": year,
            "cycle_id": cycle_id,
            "matches_id": data.matches,
        },
        items=items,
        pledgers=pledgers,
    )
    return resolved, problems


def _check_status(data: StatusInput) -> list[FieldError]:
    problems = []
    if data.status not in PledgeStatus.values:
        problems.append(
            FieldError(
                f"must be one of {', '.join(PledgeStatus.values)}, not {data.status!r}", "status"
            )
        )
    if data.date is None:
        problems.append(FieldError("is required", "date"))
    elif data.date > timezone.localdate():
        problems.append(FieldError("cannot be in the future", "date"))
    elif data.date.year < FIRST_YEAR:
        problems.append(FieldError(f"must be in {FIRST_YEAR} or later", "date"))
    if data.status != PledgeStatus.ANNOUNCED and not data.evidence.strip():
        problems.append(FieldError("is required: say what shows this status", "evidence"))
    if len(data.evidence) > EVIDENCE_MAX:
        problems.append(FieldError(f"must be {EVIDENCE_MAX:,} characters or fewer", "evidence"))
    if data.evidence_url.strip():
        try:
            URLValidator(schemes=["http", "https"])(data.evidence_url.strip())
        except ValidationError:
            problems.append(FieldError("must be a web address (https://...)", "evidence_url"))
    return problems


# --- writing ------------------------------------------------------------------------------------


def _audit_state(pledge: Pledge) -> dict[str, Any]:
    """The pledge as the audit log keeps it: its fields, items and pledgers."""
    return {
        **snapshot(pledge),
        "items": sorted(
            f"{kind}:{code}" for kind, code in pledge.items.values_list("kind", "code")
        ),
        "pledgers": [
            {"organisation": o, "area": a, "role": r}
            for o, a, r in pledge.pledgers.values_list("organisation__slug", "area__iso3", "role")
        ],
    }


def _write_relations(pledge: Pledge, resolved: _Resolved) -> None:
    pledge.items.set(resolved.items)
    Pledger.objects.filter(pledge=pledge).delete()
    Pledger.objects.bulk_create(
        [
            Pledger(pledge=pledge, organisation_id=org, area_id=area, role=role)
            for org, area, role in resolved.pledgers
        ]
    )


def _add_update(pledge: Pledge, data: StatusInput, by: User) -> StatusUpdate:
    assert data.date is not None  # checked by _check_status
    return StatusUpdate.objects.create(
        pledge=pledge,
        status=data.status,
        date=data.date,
        evidence=data.evidence.strip(),
        evidence_url=data.evidence_url.strip(),
        created_by=by,
    )


def _refresh_status(pledge: Pledge) -> None:
    """Copy the latest status update (by date, then by entry) onto the pledge."""
    latest = StatusUpdate.objects.filter(pledge=pledge).order_by("-date", "-id").first()
    status = latest.status if latest else PledgeStatus.ANNOUNCED
    date = latest.date if latest else None
    Pledge.objects.filter(pk=pledge.pk).update(status=status, status_date=date)
    pledge.status, pledge.status_date = status, date


def _organisation(slug: str) -> Organisation:
    org = Organisation.objects.filter(slug=slug.strip(), is_active=True).first()
    if org is None:
        raise InvalidInput(
            "The pledge was not saved.",
            [FieldError(f"unknown organisation {slug!r}", "organisation")],
        )
    return org


def pledge_create(
    *,
    by: User,
    organisation: str,
    data: PledgeInput,
    initial: StatusInput | None = None,
    is_sample: bool = False,
) -> Pledge:
    """Enter a pledge for ``organisation`` (a slug); it starts unpublished.

    Its first status update is ``initial`` (by default: announced, today).
    """
    ensure_authenticated(by)
    org = _organisation(organisation)
    _ensure_can_edit(by, org)
    first = initial or StatusInput(date=timezone.localdate())
    resolved, problems = _check(data)
    problems += _check_status(first)
    if problems:
        raise InvalidInput("The pledge was not saved.", problems)
    with transaction.atomic():
        pledge = Pledge.objects.create(
            organisation=org, created_by=by, is_sample=is_sample, **resolved.values
        )
        _write_relations(pledge, resolved)
        _add_update(pledge, first, by)
        _refresh_status(pledge)
        audit_record(
            action="pledge.create",
            by=by,
            obj=pledge,
            after=_audit_state(pledge),
            organisation_id=org.pk,
        )
    return pledge


def _get(pledge_id: int, *, lock: bool = False) -> Pledge:
    qs = Pledge.objects.select_related("organisation")
    if lock:
        qs = qs.select_for_update()
    pledge = qs.filter(pk=pledge_id).first()
    if pledge is None:
        raise NotFound(f"No pledge {pledge_id}.")
    return pledge


def _conflict_values(pledge: Pledge) -> dict[str, object]:
    """The saved values an editor sees beside theirs when their save was refused."""
    return {
        "version": pledge.version,
        "title": pledge.title,
        "description": pledge.description,
        "kind": pledge.kind,
        "type": pledge.type,
        "start_year": pledge.start_year,
        "end_year": pledge.end_year,
        "year": pledge.year,
        "cycle": pledge.cycle.slug if pledge.cycle else "",
        "matches": pledge.matches_id,
        "objectives": sorted(
            pledge.items.filter(kind="objective").values_list("code", flat=True), key=code_order
        ),
        "principles": sorted(pledge.items.filter(kind="principle").values_list("code", flat=True)),
        "pledgers": [
            {"iso3": a or "", "organisation": o or "", "role": r}
            for a, o, r in pledge.pledgers.values_list("area__iso3", "organisation__slug", "role")
        ],
    }


def pledge_update(*, by: User, pledge_id: int, data: PledgeInput, version: int) -> Pledge:
    """Change a pledge's content; ``version`` is the one the editor read.

    When someone saved in between, ``Conflict`` carries the saved values and nothing is written:
    the row is updated only where its version is still ``version``, so two saves racing each
    other cannot both win.
    """
    pledge = _get(pledge_id)
    _ensure_can_edit(by, pledge.organisation)
    resolved, problems = _check(data, pledge_id=pledge.pk)
    if problems:
        raise InvalidInput("The pledge was not saved.", problems)
    with transaction.atomic():
        before = _audit_state(pledge)
        changed = Pledge.objects.filter(pk=pledge.pk, version=version).update(
            **resolved.values, version=F("version") + 1, updated_at=timezone.now()
        )
        if not changed:
            current = Pledge.objects.select_related("cycle").get(pk=pledge.pk)
            raise Conflict(
                "Someone else changed this pledge after you opened it; review their version.",
                current=_conflict_values(current),
            )
        _write_relations(pledge, resolved)
        pledge.refresh_from_db()
        audit_record(
            action="pledge.update",
            by=by,
            obj=pledge,
            before=before,
            after=_audit_state(pledge),
            organisation_id=pledge.organisation_id,
        )
    return pledge


def pledge_status_update(*, by: User, pledge_id: int, data: StatusInput) -> StatusUpdate:
    """Record where a pledge stands on a date, with its evidence.

    The pledge's current status becomes that of its latest update by date, so a back-dated
    update is kept in the history without hiding a newer one.
    """
    pledge = _get(pledge_id)
    _ensure_can_edit(by, pledge.organisation)
    problems = _check_status(data)
    if problems:
        raise InvalidInput("The status update was not saved.", problems)
    with transaction.atomic():
        before = snapshot(pledge, ("status", "status_date"))
        update = _add_update(pledge, data, by)
        _refresh_status(pledge)
        audit_record(
            action="pledge.status",
            by=by,
            obj=pledge,
            before=before,
            after={
                **snapshot(pledge, ("status", "status_date")),
                "update": snapshot(update, ("status", "date", "evidence", "evidence_url")),
            },
            organisation_id=pledge.organisation_id,
        )
    return update


def pledge_publish(*, by: User, pledge_id: int, published: bool = True) -> Pledge:
    """Show the pledge to everyone (or, with ``published=False``, withdraw it from view)."""
    pledge = _get(pledge_id)
    _ensure_can_edit(by, pledge.organisation)
    if pledge.published == published:
        return pledge
    with transaction.atomic():
        before = snapshot(pledge, ("published", "published_at"))
        pledge.published = published
        pledge.published_at = timezone.now() if published else None
        pledge.save(update_fields=["published", "published_at", "updated_at"])
        audit_record(
            action="pledge.publish" if published else "pledge.unpublish",
            by=by,
            obj=pledge,
            before=before,
            after=snapshot(pledge, ("published", "published_at")),
            organisation_id=pledge.organisation_id,
        )
    return pledge

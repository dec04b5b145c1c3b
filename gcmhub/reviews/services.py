"""Writes for review cycles, national reviews, their sections and stakeholder inputs.

Each public function checks the user's rights first, then checks the whole input and reports
every problem at once, then writes in one transaction with an audit event. Saves of sections,
reviews and inputs carry the ``version`` the editor saw: when someone else saved in between,
``Conflict`` carries their values and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gcmhub.accounts.models import Organisation, OrganisationKind, User
from gcmhub.accounts.permissions import ensure_authenticated, ensure_platform_admin
from gcmhub.common.audit import audit_record, snapshot
from gcmhub.common.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from gcmhub.common.sync import LoadReport, Rollback, sync_rows
from gcmhub.framework.models import FrameworkItem
from gcmhub.registry.models import Area, UnStatus
from gcmhub.reviews import permissions as perms
from gcmhub.reviews.models import (
    EDITABLE_STATUSES,
    SAMPLE_PREFIX,
    SECTION_FIELDS,
    SECTION_TEXT_FIELDS,
    Attachment,
    BodyKind,
    ConsultationMethod,
    CycleEvent,
    CycleKind,
    CycleStatus,
    NationalReview,
    ReviewConsultation,
    ReviewContributor,
    ReviewCycle,
    ReviewSection,
    ReviewStatus,
    SectionStatus,
    SectionVersion,
    StakeholderInput,
    WorkflowStep,
)
from gcmhub.reviews.reference import REFERENCE_DIR, read_cycles

MAX_TEXT = 20_000
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
SECTION_KINDS = ("objective", "principle")

# Workflow: which statuses each action leaves from, and where it goes.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((ReviewStatus.DRAFT, ReviewStatus.RETURNED), ReviewStatus.SUBMITTED),
    "return": ((ReviewStatus.SUBMITTED, ReviewStatus.VALIDATED), ReviewStatus.RETURNED),
    "validate": ((ReviewStatus.SUBMITTED,), ReviewStatus.VALIDATED),
    "publish": ((ReviewStatus.VALIDATED,), ReviewStatus.PUBLISHED),
}


# --- cycles -------------------------------------------------------------------------------------


def cycles_load(
    *, by: User | None, directory: Path = REFERENCE_DIR, dry_run: bool = False
) -> LoadReport:
    """Bring the reference cycles and their events to what ``cycles.yaml`` says.

    Cycles people created (no reference key) are left alone; loading the same file again
    changes nothing and records nothing.
    """
    if by is not None:
        ensure_platform_admin(by)
    ref = read_cycles(directory)
    report = LoadReport(version=ref.version, checksum=ref.checksum, dry_run=dry_run)
    orgs = {o.slug: o for o in Organisation.objects.all()}
    problems = [
        FieldError(f"no organisation {slug!r} is loaded", name, c["where"])
        for c in ref.cycles
        for name, slug in [("organiser", c["organiser"])]
        + [("commission", e["commission"]) for e in c["events"]]
        if slug and slug not in orgs
    ]
    if problems:
        raise InvalidInput("The review cycles name unknown organisations.", problems)
    try:
        with transaction.atomic():
            existing = {c.slug: c for c in ReviewCycle.objects.exclude(reference_key="")}
            wanted = {
                c["slug"]: {
                    "kind": c["kind"],
                    "title": c["title"],
                    "round": c["round"],
                    "start_year": c["start_year"],
                    "end_year": c["end_year"],
                    "opens": c["opens"],
                    "closes": c["closes"],
                    "organiser_id": orgs[c["organiser"]].pk if c["organiser"] else None,
                    "description": c["description"],
                    "notes": c["notes"],
                    "sources": c["sources"],
                    "reference_key": c["slug"],
                }
                for c in ref.cycles
            }
            cycles = sync_rows(
                "cycles",
                report,
                existing,
                wanted,
                lambda slug, values: ReviewCycle.objects.create(slug=slug, **values),
                label=str,
            )
            events_existing = {
                (e.cycle.slug, e.title, e.commission_id): e
                for e in CycleEvent.objects.filter(cycle__in=cycles.values()).select_related(
                    "cycle"
                )
            }
            events_wanted = {}
            for c in ref.cycles:
                for e in c["events"]:
                    commission = orgs[e["commission"]].pk if e["commission"] else None
                    events_wanted[(c["slug"], e["title"], commission)] = {
                        "start": e["start"],
                        "end": e["end"],
                        "when": e["when"],
                        "venue": e["venue"],
                        "certainty": e["certainty"],
                        "sources": e["sources"],
                    }
            sync_rows(
                "events",
                report,
                events_existing,
                events_wanted,
                lambda key, values: CycleEvent.objects.create(
                    cycle=cycles[key[0]], title=key[1], commission_id=key[2], **values
                ),
            )
            if report.changes:
                audit_record(
                    action="reviews.cycles.load",
                    by=by,
                    after=report.as_dict(),
                    object_label="review cycles",
                )
            if dry_run:
                raise Rollback
    except Rollback:
        pass
    return report


@dataclass
class CycleInput:
    slug: str
    title: str
    kind: str = CycleKind.NATIONAL
    start_year: int = 0
    end_year: int = 0
    opens: str = ""
    closes: str = ""
    scope_commission: str = ""
    scope_areas: list[str] = field(default_factory=list)
    organiser: str = ""
    description: str = ""


def cycle_create(*, by: User, data: CycleInput) -> ReviewCycle:
    """A cycle that is not in the reference calendar, such as a round of voluntary national
    reviews a State or a region runs itself (platform administrators only)."""
    ensure_platform_admin(by)
    problems: list[FieldError] = []
    if not data.slug or not data.slug.replace("-", "").isalnum() or data.slug != data.slug.lower():
        problems.append(FieldError("use lower-case letters, digits and hyphens", "slug"))
    elif ReviewCycle.objects.filter(slug=data.slug).exists():
        problems.append(FieldError(f"{data.slug!r} is taken", "slug"))
    if not data.title.strip():
        problems.append(FieldError("is required", "title"))
    if data.kind not in CycleKind.values:
        problems.append(FieldError(f"must be one of {', '.join(CycleKind.values)}", "kind"))
    if not 2018 <= data.start_year <= 2100:
        problems.append(FieldError("must be a year from 2018", "start_year"))
    if data.end_year < data.start_year:
        problems.append(FieldError("cannot be before the first year", "end_year"))
    dates: dict[str, dt.date | None] = {}
    for name in ("opens", "closes"):
        value = getattr(data, name)
        try:
            dates[name] = dt.date.fromisoformat(value) if value else None
        except ValueError:
            problems.append(FieldError("must be a date YYYY-MM-DD", name))
    if dates.get("opens") and dates.get("closes") and dates["closes"] < dates["opens"]:  # type: ignore[operator]
        problems.append(FieldError("cannot be before the opening date", "closes"))
    orgs = {}
    for name in ("scope_commission", "organiser"):
        slug = getattr(data, name)
        if slug:
            orgs[name] = Organisation.objects.filter(slug=slug).first()
            if orgs[name] is None:
                problems.append(FieldError(f"no organisation {slug!r}", name))
    areas = list(Area.objects.filter(iso3__in=[c.upper() for c in data.scope_areas]))
    missing = sorted({c.upper() for c in data.scope_areas} - {a.iso3 for a in areas})
    if missing:
        problems.append(FieldError(f"unknown ISO3 code(s): {', '.join(missing)}", "scope_areas"))
    if problems:
        raise InvalidInput("The cycle was not created.", problems)
    with transaction.atomic():
        cycle = ReviewCycle.objects.create(
            slug=data.slug,
            title=data.title.strip(),
            kind=data.kind,
            start_year=data.start_year,
            end_year=data.end_year,
            opens=dates["opens"],
            closes=dates["closes"],
            scope_commission=orgs.get("scope_commission"),
            organiser=orgs.get("organiser"),
            description=data.description.strip(),
        )
        cycle.scope_areas.set(areas)
        audit_record(
            action="reviews.cycle.create",
            by=by,
            obj=cycle,
            after=snapshot(cycle) | {"scope_areas": sorted(a.iso3 for a in areas)},
        )
    return cycle


def _cycle(slug: str) -> ReviewCycle:
    cycle = ReviewCycle.objects.select_related("organiser", "scope_commission").filter(slug=slug)
    found = cycle.first()
    if found is None:
        raise NotFound(f"No review cycle {slug!r}.")
    return found


def _ensure_open(cycle: ReviewCycle, by: Any) -> None:
    """Inputs to a cycle that is closed or not yet open are refused (platform admins excepted,
    so that past reviews can be recorded)."""
    status = cycle.status()
    if status != CycleStatus.OPEN and not perms.is_platform_admin(by):
        when = cycle.closes if status == CycleStatus.CLOSED else cycle.opens
        raise InvalidInput(
            "The cycle does not take inputs now.",
            [FieldError(f"{cycle.title} is {CycleStatus(status).label.lower()} ({when})", "cycle")],
        )


# --- national reviews -----------------------------------------------------------------------------


def _state_organisation(by: User, area: Area) -> Organisation:
    """The State government organisation the user acts for in ``area``."""
    orgs = Organisation.objects.filter(kind=OrganisationKind.STATE, country_iso3=area.iso3)
    if perms.is_platform_admin(by):
        # A real review never goes to a generated sample government.
        org = orgs.exclude(slug__startswith=SAMPLE_PREFIX).first()
        if org is None:
            raise InvalidInput(
                "No organisation speaks for this State yet.",
                [FieldError(f"create a State organisation for {area.iso3} first", "iso3")],
            )
        return org
    roles = perms.user_roles(by)
    for org in orgs:
        if roles.get(org.pk, set()) & perms.REVIEW_AUTHOR_ROLES:
            return org
    raise PermissionDenied(f"Only a focal point of {area.name} may start its national review.")


def review_create(*, by: User, cycle_slug: str, iso3: str, summary: str = "") -> NationalReview:
    """Start the national review of State ``iso3`` for a cycle, with one empty section per GCM
    objective and guiding principle."""
    ensure_authenticated(by)
    cycle = _cycle(cycle_slug)
    area = Area.objects.filter(iso3=iso3.upper()).first()
    if area is None or area.un_status == UnStatus.OTHER:
        raise InvalidInput(
            "The review was not started.",
            [FieldError(f"{iso3!r} is not a UN Member State or observer State", "iso3")],
        )
    org = _state_organisation(by, area)
    _ensure_open(cycle, by)
    if len(summary) > MAX_TEXT:
        raise InvalidInput("The review was not started.", [_too_long("summary")])
    items = list(FrameworkItem.objects.filter(kind__in=SECTION_KINDS))
    with transaction.atomic():
        if NationalReview.objects.filter(cycle=cycle, area=area).exists():
            raise Conflict(f"{area.name} already has a review for {cycle.title}.")
        review = NationalReview.objects.create(
            cycle=cycle, area=area, organisation=org, summary=summary, created_by=by
        )
        ReviewSection.objects.bulk_create(ReviewSection(review=review, item=i) for i in items)
        WorkflowStep.objects.create(
            review=review, action="create", from_status="", to_status=review.status, by=by
        )
        audit_record(
            action="reviews.review.create",
            by=by,
            obj=review,
            after=snapshot(review),
            organisation_id=org.pk,
            object_label=f"{area.name}: {cycle.title}",
        )
    return review


def _get_review(cycle_slug: str, iso3: str) -> NationalReview:
    review = (
        NationalReview.objects.select_related("cycle", "area", "organisation")
        .filter(cycle__slug=cycle_slug, area__iso3=iso3.upper())
        .first()
    )
    if review is None:
        raise NotFound(f"No national review of {iso3.upper()} for {cycle_slug!r}.")
    return review


def _too_long(name: str, limit: int = MAX_TEXT) -> FieldError:
    return FieldError(f"is longer than {limit:,} characters", name)


def _ensure_editable(review: NationalReview | StakeholderInput) -> None:
    if review.status not in EDITABLE_STATUSES:
        raise Conflict(
            f"It is {ReviewStatus(review.status).label.lower()}: it can be changed again only "
            "after a reviewer returns it."
        )


@dataclass
class SectionInput:
    status: str = ""
    actions: str = ""
    challenges: str = ""
    good_practices: str = ""
    support_needed: str = ""
    free_text: str = ""
    sdg_targets: list[str] = field(default_factory=list)

    def check(self) -> list[FieldError]:
        problems = []
        if self.status and self.status not in SectionStatus.values:
            problems.append(
                FieldError(
                    f"must be one of {', '.join(SectionStatus.values)}, not {self.status!r}",
                    "status",
                )
            )
        problems += [_too_long(n) for n in SECTION_TEXT_FIELDS if len(getattr(self, n)) > MAX_TEXT]
        known = set(FrameworkItem.objects.filter(kind="sdg_target").values_list("code", flat=True))
        unknown = [t for t in self.sdg_targets if t not in known]
        if unknown:
            problems.append(
                FieldError(f"unknown SDG target(s): {', '.join(unknown)}", "sdg_targets")
            )
        return problems

    def values(self) -> dict[str, Any]:
        data: dict[str, Any] = {n: getattr(self, n).strip() for n in SECTION_TEXT_FIELDS}
        data["status"] = self.status
        data["sdg_targets"] = sorted(set(self.sdg_targets), key=_target_order)
        return data


def _target_order(code: str) -> tuple[int, str]:
    goal, _, target = code.partition(".")
    return (int(goal) if goal.isdigit() else 99, target.rjust(3, "0"))


def _section(review: NationalReview, item_code: str) -> ReviewSection:
    kind, _, code = item_code.partition(":")
    if not code:  # "7" is objective 7, "p:a" / "principle:a" a guiding principle
        kind, code = "objective", item_code
    kind = {"o": "objective", "p": "principle"}.get(kind, kind)
    section = (
        ReviewSection.objects.select_related("item")
        .filter(review=review, item__kind=kind, item__code=code)
        .first()
    )
    if section is None:
        raise NotFound(f"The review has no section {item_code!r}.")
    return section


def section_save(
    *,
    by: User,
    cycle_slug: str,
    iso3: str,
    item: str,
    data: SectionInput,
    version: int,
) -> ReviewSection:
    """Save one section of a review. ``version`` is the section version the editor started from."""
    ensure_authenticated(by)
    review = _get_review(cycle_slug, iso3)
    section = _section(review, item)
    if not perms.can_edit_section(by, section, review):
        raise PermissionDenied(
            "Only the State's focal points, or a contributor assigned to this section, may edit it."
        )
    _ensure_open(review.cycle, by)
    problems = data.check()
    if problems:
        raise InvalidInput("The section was not saved.", problems)
    values = data.values()
    with transaction.atomic():
        locked = NationalReview.objects.select_for_update().get(pk=review.pk)
        _ensure_editable(locked)
        before = snapshot(section, SECTION_FIELDS)
        now = timezone.now()
        # Compare-and-set: the row changes only if nobody saved since ``version`` was read.
        changed = ReviewSection.objects.filter(pk=section.pk, version=version).update(
            **values, version=F("version") + 1, updated_by=by, updated_at=now
        )
        if not changed:
            current = ReviewSection.objects.get(pk=section.pk)
            raise Conflict(
                "Someone else saved this section after you opened it; compare the two versions.",
                current=current.values() | {"updated_at": current.updated_at},
            )
        section.refresh_from_db()
        SectionVersion.objects.create(
            section=section, version=section.version, data=section.values(), by=by
        )
        NationalReview.objects.filter(pk=review.pk).update(updated_at=now)
        audit_record(
            action="reviews.section.save",
            by=by,
            obj=section,
            before=before,
            after=snapshot(section, SECTION_FIELDS),
            organisation_id=review.organisation_id,
            object_label=f"{review.area.name}: {section.item.kind} {section.item.code}",
        )
    return section


def section_assign(
    *, by: User, cycle_slug: str, iso3: str, item: str, usernames: Iterable[str]
) -> ReviewSection:
    """Give a section to contributors of the State's organisation (focal points only)."""
    review = _get_review(cycle_slug, iso3)
    if not perms.is_author(by, review):
        raise PermissionDenied("Only the State's focal points may assign sections.")
    section = _section(review, item)
    names = sorted(set(usernames))
    users = list(
        User.objects.filter(
            username__in=names, memberships__organisation=review.organisation
        ).distinct()
    )
    missing = sorted(set(names) - {u.username for u in users})
    if missing:
        raise InvalidInput(
            "The section was not assigned.",
            [
                FieldError(
                    f"{', '.join(missing)}: not a member of {review.organisation.name}",
                    "usernames",
                )
            ],
        )
    with transaction.atomic():
        before = sorted(section.assignees.values_list("username", flat=True))
        section.assignees.set(users)
        audit_record(
            action="reviews.section.assign",
            by=by,
            obj=section,
            before={"assignees": before},
            after={"assignees": names},
            organisation_id=review.organisation_id,
        )
    return section


@dataclass
class ContributorInput:
    body: str
    kind: str = BodyKind.MINISTRY
    items: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class ConsultationInput:
    category: str
    method: str = ConsultationMethod.MEETING
    held_on: str = ""
    description: str = ""


def _item_ids(codes: list[str], where: str, problems: list[FieldError]) -> list[int]:
    ids = []
    lookup = {
        f"{kind}:{code}": pk
        for pk, kind, code in FrameworkItem.objects.filter(kind__in=SECTION_KINDS).values_list(
            "pk", "kind", "code"
        )
    }
    for code in codes:
        key = code if ":" in code else f"objective:{code}"
        key = key.replace("p:", "principle:", 1).replace("o:", "objective:", 1)
        if key not in lookup:
            problems.append(FieldError(f"unknown objective or principle {code!r}", "items", where))
        else:
            ids.append(lookup[key])
    return ids


def review_update(
    *,
    by: User,
    cycle_slug: str,
    iso3: str,
    version: int,
    summary: str | None = None,
    contributors: list[ContributorInput] | None = None,
    consultations: list[ConsultationInput] | None = None,
) -> NationalReview:
    """Change the review's summary, its whole-of-government list or its whole-of-society list.

    A list given replaces the one saved; ``None`` leaves it as it is.
    """
    review = _get_review(cycle_slug, iso3)
    if not perms.is_author(by, review):
        raise PermissionDenied("Only the State's focal points may change the review as a whole.")
    _ensure_open(review.cycle, by)
    problems: list[FieldError] = []
    if summary is not None and len(summary) > MAX_TEXT:
        problems.append(_too_long("summary"))
    bodies: list[tuple[ContributorInput, list[int]]] = []
    seen: set[str] = set()
    for n, c in enumerate(contributors or [], start=1):
        where = f"contributor {n}"
        if not c.body.strip():
            problems.append(FieldError("is required", "body", where))
        elif c.body.strip().lower() in seen:
            problems.append(FieldError(f"{c.body!r} is listed twice", "body", where))
        seen.add(c.body.strip().lower())
        if c.kind not in BodyKind.values:
            problems.append(
                FieldError(f"must be one of {', '.join(BodyKind.values)}", "kind", where)
            )
        bodies.append((c, _item_ids(c.items, where, problems)))
    categories = dict(
        FrameworkItem.objects.filter(kind="stakeholder_category").values_list("code", "pk")
    )
    meetings: list[tuple[ConsultationInput, dt.date | None]] = []
    for n, m in enumerate(consultations or [], start=1):
        where = f"consultation {n}"
        if m.category not in categories:
            problems.append(
                FieldError(f"unknown stakeholder category {m.category!r}", "category", where)
            )
        if m.method not in ConsultationMethod.values:
            problems.append(
                FieldError(
                    f"must be one of {', '.join(ConsultationMethod.values)}", "method", where
                )
            )
        held_on = None
        if m.held_on:
            try:
                held_on = dt.date.fromisoformat(m.held_on)
            except ValueError:
                problems.append(FieldError("must be a date YYYY-MM-DD", "held_on", where))
        meetings.append((m, held_on))
    if problems:
        raise InvalidInput("The review was not saved.", problems)
    with transaction.atomic():
        locked = NationalReview.objects.select_for_update().get(pk=review.pk)
        _ensure_editable(locked)
        if locked.version != version:
            raise Conflict(
                "Someone else changed this review after you opened it; compare the versions.",
                current=_review_header(locked),
            )
        before = _review_header(locked)
        if summary is not None:
            locked.summary = summary.strip()
        if contributors is not None:
            locked.contributors.all().delete()
            for c, ids in bodies:
                row = ReviewContributor.objects.create(
                    review=locked, body=c.body.strip(), kind=c.kind, note=c.note.strip()
                )
                row.items.set(ids)
        if consultations is not None:
            locked.consultations.all().delete()
            ReviewConsultation.objects.bulk_create(
                ReviewConsultation(
                    review=locked,
                    category_id=categories[m.category],
                    method=m.method,
                    held_on=held_on,
                    description=m.description.strip(),
                )
                for m, held_on in meetings
            )
        after = _review_header(locked)
        if after != before:
            locked.version += 1
            locked.save(update_fields=["summary", "version", "updated_at"])
            audit_record(
                action="reviews.review.update",
                by=by,
                obj=locked,
                before=before,
                after=after,
                organisation_id=locked.organisation_id,
            )
    return locked


def _review_header(review: NationalReview) -> dict[str, Any]:
    return {
        "summary": review.summary,
        "version": review.version,
        "contributors": [
            {
                "body": c.body,
                "kind": c.kind,
                "items": sorted(f"{i.kind}:{i.code}" for i in c.items.all()),
                "note": c.note,
            }
            for c in review.contributors.prefetch_related("items")
        ],
        "consultations": [
            {
                "category": c.category.code,
                "method": c.method,
                "held_on": c.held_on.isoformat() if c.held_on else "",
                "description": c.description,
            }
            for c in review.consultations.select_related("category")
        ],
    }


# --- workflow ----------------------------------------------------------------------------------


def _move(
    by: User, record: NationalReview | StakeholderInput, action: str, comment: str
) -> NationalReview | StakeholderInput:
    if action not in TRANSITIONS:
        raise InvalidInput(
            "Unknown action.",
            [FieldError(f"must be one of {', '.join(TRANSITIONS)}, not {action!r}", "action")],
        )
    ensure_authenticated(by)
    if not perms.can_view(by, record) or not perms.can_act(by, record, action):
        who = {
            "submit": "its authors",
            "return": "the responsible secretariat or reviewers",
            "validate": "the responsible secretariat or reviewers",
            "publish": "the responsible reviewers",
        }[action]
        raise PermissionDenied(f"Only {who} may {action} it.")
    if action == "return" and not comment.strip():
        raise InvalidInput(
            "Say what needs to change.", [FieldError("is required when returning", "comment")]
        )
    if len(comment) > MAX_TEXT:
        raise InvalidInput("The comment is too long.", [_too_long("comment")])
    sources, target = TRANSITIONS[action]
    model = type(record)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=record.pk)
        if locked.status not in sources:
            raise Conflict(
                f"It is {ReviewStatus(locked.status).label.lower()}; "
                f"it cannot be {action}ed from there.",
                current={"status": locked.status, "version": locked.version},
            )
        if (
            action == "submit"
            and isinstance(locked, NationalReview)
            and not any(s.reported for s in locked.sections.all())
        ):
            raise InvalidInput(
                "The review is empty.",
                [FieldError("report on at least one objective or principle", "sections")],
            )
        before = {"status": locked.status}
        now = timezone.now()
        locked.status = target
        locked.version += 1
        if action == "submit":
            locked.submitted_at = now
        if action == "publish":
            locked.published_at = now
        locked.save(update_fields=["status", "version", "submitted_at", "published_at"])
        owner: dict[str, Any] = (
            {"review": locked} if isinstance(locked, NationalReview) else {"input": locked}
        )
        WorkflowStep.objects.create(
            **owner,
            action=action,
            from_status=before["status"],
            to_status=target,
            comment=comment.strip(),
            by=by,
        )
        audit_record(
            action=f"reviews.{_noun(locked)}.{action}",
            by=by,
            obj=locked,
            before=before,
            after={"status": target, "comment": comment.strip()},
            organisation_id=locked.organisation_id,
        )
    return locked


def _noun(record: NationalReview | StakeholderInput) -> str:
    return "review" if isinstance(record, NationalReview) else "input"


def review_transition(
    *, by: User, cycle_slug: str, iso3: str, action: str, comment: str = ""
) -> NationalReview:
    """Submit, return (with a comment), validate or publish a national review."""
    result = _move(by, _get_review(cycle_slug, iso3), action, comment)
    assert isinstance(result, NationalReview)
    return result


# --- stakeholder inputs -------------------------------------------------------------------------


@dataclass
class InputData:
    title: str
    text: str
    items: list[str] = field(default_factory=list)
    commission: str = ""

    def check(self, cycle: ReviewCycle) -> tuple[list[FieldError], list[int], Organisation | None]:
        problems: list[FieldError] = []
        if not self.title.strip():
            problems.append(FieldError("is required", "title"))
        elif len(self.title) > 300:
            problems.append(_too_long("title", 300))
        if not self.text.strip():
            problems.append(FieldError("is required", "text"))
        elif len(self.text) > MAX_TEXT * 5:
            problems.append(_too_long("text", MAX_TEXT * 5))
        ids = _item_ids(self.items, "", problems)
        commission = None
        if self.commission:
            commission = Organisation.objects.filter(
                slug=self.commission, group="commission"
            ).first()
            if commission is None:
                problems.append(
                    FieldError(f"no UN regional commission {self.commission!r}", "commission")
                )
        elif cycle.kind == CycleKind.REGIONAL:
            problems.append(FieldError("say which regional review the input is for", "commission"))
        return problems, ids, commission


def _get_input(pk: int) -> StakeholderInput:
    found = StakeholderInput.objects.select_related("cycle", "organisation").filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No stakeholder input {pk}.")
    return found


def input_create(
    *, by: User, cycle_slug: str, organisation_slug: str, data: InputData
) -> StakeholderInput:
    """A stakeholder organisation's input to a regional review or an IMRF, as a draft."""
    ensure_authenticated(by)
    cycle = _cycle(cycle_slug)
    org = Organisation.objects.filter(slug=organisation_slug).first()
    if org is None:
        raise InvalidInput(
            "The input was not created.",
            [FieldError(f"no organisation {organisation_slug!r}", "organisation")],
        )
    probe = StakeholderInput(cycle=cycle, organisation=org)
    if not perms.is_author(by, probe):
        raise PermissionDenied(f"Only members of {org.name} may write its inputs.")
    if cycle.kind == CycleKind.NATIONAL:
        raise InvalidInput(
            "The input was not created.",
            [FieldError("inputs go to a regional review round or an IMRF", "cycle")],
        )
    _ensure_open(cycle, by)
    problems, ids, commission = data.check(cycle)
    if problems:
        raise InvalidInput("The input was not created.", problems)
    with transaction.atomic():
        record = StakeholderInput.objects.create(
            cycle=cycle,
            commission=commission,
            organisation=org,
            title=data.title.strip(),
            text=data.text.strip(),
            created_by=by,
        )
        record.items.set(ids)
        WorkflowStep.objects.create(
            input=record, action="create", from_status="", to_status=record.status, by=by
        )
        audit_record(
            action="reviews.input.create",
            by=by,
            obj=record,
            after=_input_values(record),
            organisation_id=org.pk,
        )
    return record


def _input_values(record: StakeholderInput) -> dict[str, Any]:
    return {
        "title": record.title,
        "text": record.text,
        "commission": record.commission.slug if record.commission else "",
        "items": sorted(f"{i.kind}:{i.code}" for i in record.items.all()),
        "version": record.version,
    }


def input_update(*, by: User, pk: int, data: InputData, version: int) -> StakeholderInput:
    record = _get_input(pk)
    if not perms.is_author(by, record):
        raise PermissionDenied(f"Only members of {record.organisation.name} may change it.")
    _ensure_open(record.cycle, by)
    problems, ids, commission = data.check(record.cycle)
    if problems:
        raise InvalidInput("The input was not saved.", problems)
    with transaction.atomic():
        locked = StakeholderInput.objects.select_for_update().get(pk=pk)
        _ensure_editable(locked)
        if locked.version != version:
            raise Conflict(
                "Someone else changed this input after you opened it; compare the versions.",
                current=_input_values(locked),
            )
        before = _input_values(locked)
        locked.title, locked.text, locked.commission = (
            data.title.strip(),
            data.text.strip(),
            commission,
        )
        locked.items.set(ids)
        after = _input_values(locked)
        if after != before:
            locked.version += 1
            locked.save()
            audit_record(
                action="reviews.input.update",
                by=by,
                obj=locked,
                before=before,
                after=_input_values(locked),
                organisation_id=locked.organisation_id,
            )
    return locked


def input_transition(*, by: User, pk: int, action: str, comment: str = "") -> StakeholderInput:
    result = _move(by, _get_input(pk), action, comment)
    assert isinstance(result, StakeholderInput)
    return result


# --- attachments -------------------------------------------------------------------------------


def _sniff(content: bytes, filename: str) -> str:
    """``pdf`` or ``docx`` from the bytes themselves; anything else is refused."""
    if content.startswith(b"%PDF-"):
        if b"/Encrypt" in content[-4096:] or b"/Encrypt" in content[:4096]:
            raise InvalidInput(
                "The file was not attached.",
                [FieldError("is an encrypted PDF: attach an unprotected copy", "file", filename)],
            )
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                names = set(zf.namelist())
                total = sum(i.file_size for i in zf.infolist())
        except zipfile.BadZipFile:
            names, total = set(), 0
        if total > MAX_DOCX_UNCOMPRESSED:
            raise InvalidInput(
                "The file was not attached.",
                [FieldError("unpacks to more than 200 MB; it is refused", "file", filename)],
            )
        if {"[Content_Types].xml", "word/document.xml"} <= names:
            return "docx"
    raise InvalidInput(
        "The file was not attached.",
        [FieldError("is not a PDF or a Word (DOCX) document", "file", filename)],
    )


def attachment_add(
    *,
    by: User,
    filename: str,
    content: bytes,
    cycle_slug: str = "",
    iso3: str = "",
    input_pk: int | None = None,
) -> Attachment:
    """Attach a PDF or DOCX to a review (``cycle_slug`` + ``iso3``) or an input (``input_pk``)."""
    record: NationalReview | StakeholderInput = (
        _get_input(input_pk) if input_pk is not None else _get_review(cycle_slug, iso3)
    )
    if not perms.is_author(by, record):
        raise PermissionDenied("Only its authors may attach files.")
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(
            "The file was not attached.",
            [FieldError(f"is larger than {MAX_ATTACHMENT_BYTES:,} bytes", "file", filename)],
        )
    if not content:
        raise InvalidInput("The file was not attached.", [FieldError("is empty", "file", filename)])
    kind = _sniff(content, filename)
    safe_name = Path(filename).name[:200] or f"attachment.{kind}"
    digest = hashlib.sha256(content).hexdigest()
    storage = Attachment.file.field.storage
    stored = storage.save(
        f"attachments/{dt.date.today():%Y/%m}/{digest[:16]}.{kind}", ContentFile(content)
    )
    try:
        with transaction.atomic():
            locked = type(record).objects.select_for_update().get(pk=record.pk)
            _ensure_editable(locked)
            owner: dict[str, Any] = (
                {"review": locked} if isinstance(locked, NationalReview) else {"input": locked}
            )
            attachment = Attachment.objects.create(
                **owner,
                file=stored,
                filename=safe_name,
                kind=kind,
                size=len(content),
                sha256=digest,
                uploaded_by=by,
            )
            audit_record(
                action="reviews.attachment.add",
                by=by,
                obj=attachment,
                after=snapshot(attachment, ("filename", "kind", "size", "sha256")),
                organisation_id=locked.organisation_id,
            )
    except BaseException:
        storage.delete(stored)  # nothing was recorded, so nothing may stay on disk
        raise
    return attachment


def attachment_remove(*, by: User, pk: int) -> None:
    attachment = Attachment.objects.select_related("review", "input").filter(pk=pk).first()
    if attachment is None:
        raise NotFound(f"No attachment {pk}.")
    record = attachment.review or attachment.input
    assert record is not None
    if not perms.is_author(by, record):
        raise PermissionDenied("Only its authors may remove attachments.")
    _ensure_editable(record)
    with transaction.atomic():
        before = snapshot(attachment, ("filename", "kind", "size", "sha256"))
        file_name = attachment.file.name
        attachment.delete()
        audit_record(
            action="reviews.attachment.remove",
            by=by,
            obj=None,
            before=before,
            organisation_id=record.organisation_id,
            object_label=attachment.filename,
        )
        storage = Attachment.file.field.storage
        transaction.on_commit(lambda: storage.delete(file_name))

"""Reads of review cycles, reviews, inputs and the syntheses built from them.

Pages and the API call the same functions. Syntheses are computed from the records every time:
they count what States have *published*, and report how many reviews were received (submitted,
validated or published) without showing unpublished content.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from gcmhub.accounts.models import OrganisationGroup
from gcmhub.accounts.permissions import is_platform_admin
from gcmhub.common.errors import FieldError, InvalidInput, NotFound
from gcmhub.framework.models import CrosswalkLink, FrameworkItem
from gcmhub.registry.models import (
    Affiliation,
    Area,
    Mechanism,
    UnStatus,
)
from gcmhub.registry.selectors import current_member_ids
from gcmhub.reviews import permissions as perms
from gcmhub.reviews.models import (
    EDITABLE_STATUSES,
    SECTION_FIELDS,
    SECTION_TEXT_FIELDS,
    Attachment,
    CycleKind,
    CycleStatus,
    NationalReview,
    ReviewCycle,
    ReviewSection,
    ReviewStatus,
    SectionStatus,
    SectionVersion,
    StakeholderInput,
    WorkflowStep,
)

# Later layers add parts to the regional and global syntheses (the pledges of the States in
# scope): each callable takes the ISO3 codes in scope and returns a dict, or None.
SYNTHESIS_EXTRAS: dict[str, Callable[[list[str]], dict[str, Any] | None]] = {}

RECEIVED = (ReviewStatus.SUBMITTED, ReviewStatus.VALIDATED, ReviewStatus.PUBLISHED)
STATUS_ORDER = [*SectionStatus.values, "reported", ""]
STATUS_LABELS = {
    **{s.value: str(s.label) for s in SectionStatus},
    "reported": "Reported, no status",
    "": "Not reported",
}
TEXT_EXCERPT = 400


def review_url(cycle: str, iso3: str) -> str:
    """The page of a national review, in the language being used."""
    return reverse("reviews:review", args=[cycle, iso3])


# --- cycles ------------------------------------------------------------------------------------


def _cycle_ref(c: ReviewCycle) -> dict[str, Any]:
    status = c.status()
    return {
        "slug": c.slug,
        "title": c.title,
        "kind": c.kind,
        "kind_label": str(CycleKind(c.kind).label),
        "round": c.round,
        "start_year": c.start_year,
        "end_year": c.end_year,
        "status": status,
        "status_label": str(CycleStatus(status).label),
        "url": reverse("reviews:cycle", args=[c.slug]),
    }


def get_cycle(slug: str) -> ReviewCycle:
    cycle = (
        ReviewCycle.objects.select_related("organiser", "scope_commission")
        .filter(slug=slug)
        .first()
    )
    if cycle is None:
        raise NotFound(f"No review cycle {slug!r}.")
    return cycle


def cycle_list(*, kind: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    """Every cycle, oldest first, with its events and the number of reviews received and
    published."""
    cycles = ReviewCycle.objects.select_related("organiser").prefetch_related("events__commission")
    if kind:
        cycles = cycles.filter(kind=kind)
    cycles = cycles.annotate(
        received=Count("reviews", filter=Q(reviews__status__in=RECEIVED)),
        published=Count("reviews", filter=Q(reviews__status=ReviewStatus.PUBLISHED)),
        inputs_published=Count(
            "inputs", filter=Q(inputs__status=ReviewStatus.PUBLISHED), distinct=True
        ),
    )
    rows = []
    for c in cycles:
        row = {
            **_cycle_ref(c),
            "opens": c.opens,
            "closes": c.closes,
            "organiser": c.organiser.name if c.organiser else "",
            "description": c.description,
            "notes": c.notes,
            "sources": c.sources,
            "is_sample": c.is_sample,
            "reviews_received": c.received,
            "reviews_published": c.published,
            "inputs_published": c.inputs_published,
            "events": [
                {
                    "title": e.title,
                    "commission": e.commission.acronym or e.commission.name if e.commission else "",
                    "start": e.start,
                    "end": e.end,
                    "when": e.when,
                    "venue": e.venue,
                    "certainty": e.certainty,
                    "sources": e.sources,
                }
                for e in c.events.all()
            ],
        }
        if status and row["status"] != status:
            continue
        rows.append(row)
    return rows


def cycle_detail(*, slug: str) -> dict[str, Any]:
    for row in cycle_list():
        if row["slug"] == slug:
            return row
    raise NotFound(f"No review cycle {slug!r}.")


# --- visibility ---------------------------------------------------------------------------------


def _visible(user: Any, responsible: Callable[[list[int]], Q]) -> Q:
    """What ``user`` may see, as a filter (no per-row permission queries): published records,
    their own organisation's, and what was submitted to a body they manage for.
    ``responsible`` turns the ids of those bodies into the filter of records they answer for."""
    published = Q(status=ReviewStatus.PUBLISHED)
    if is_platform_admin(user):
        return Q()
    roles = perms.user_roles(user)
    if not roles:
        return published
    own = Q(organisation_id__in=list(roles))
    managing = [org for org, r in roles.items() if r & perms.MANAGE_ROLES]
    if not managing:
        return published | own
    return published | own | (~Q(status__in=EDITABLE_STATUSES) & responsible(managing))


def _reviews_answered_by(managing: list[int]) -> Q:
    in_region = Exists(
        Affiliation.objects.filter(
            area_id=OuterRef("area_id"),
            organisation_id__in=managing,
            organisation__group=OrganisationGroup.COMMISSION,
        )
    )
    return (
        Q(cycle__organiser_id__in=managing)
        | Q(cycle__scope_commission_id__in=managing)
        | Q(in_region)
    )


def _inputs_answered_by(managing: list[int]) -> Q:
    return Q(cycle__organiser_id__in=managing) | Q(commission_id__in=managing)


# --- national reviews ---------------------------------------------------------------------------


def _review_ref(r: NationalReview) -> dict[str, Any]:
    return {
        "cycle": r.cycle.slug,
        "cycle_title": r.cycle.title,
        "iso3": r.area.iso3,
        "country": r.area.name,
        "organisation": r.organisation.name,
        "status": r.status,
        "status_label": str(ReviewStatus(r.status).label),
        "version": r.version,
        "submitted_at": r.submitted_at,
        "published_at": r.published_at,
        "updated_at": r.updated_at,
        "is_sample": r.is_sample,
        "url": review_url(r.cycle.slug, r.area.iso3),
        "api_url": f"/api/v1/reviews/national/{r.cycle.slug}/{r.area.iso3}",
    }


def review_list(
    *,
    user: Any = None,
    cycle: str | None = None,
    iso3: str | None = None,
    status: str | None = None,
    commission: str | None = None,
    mechanism: str | None = None,
    sample: bool | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The reviews ``user`` may see, filtered; each with how many sections it reports."""
    if status and status not in ReviewStatus.values:
        raise InvalidInput(
            "Unknown status.",
            [FieldError(f"must be one of {', '.join(ReviewStatus.values)}", "status")],
        )
    reviews = NationalReview.objects.filter(_visible(user, _reviews_answered_by)).select_related(
        "cycle", "area", "organisation"
    )
    if cycle:
        reviews = reviews.filter(cycle__slug=cycle)
    if iso3:
        reviews = reviews.filter(area__iso3=iso3.upper())
    if status:
        reviews = reviews.filter(status=status)
    if sample is not None:
        reviews = reviews.filter(is_sample=sample)
    if commission or mechanism:
        reviews = reviews.filter(
            area_id__in=[a.pk for a in _scope_areas(None, commission, mechanism)]
        )
    reviews = reviews.annotate(
        reported=Count("sections", filter=_reported_q("sections__"))
    ).order_by("cycle__start_year", "area__name")
    if limit is not None:
        reviews = reviews[:limit]
    return [{**_review_ref(r), "reported": r.reported} for r in reviews]


def _reported_q(prefix: str = "") -> Q:
    q = ~Q(**{f"{prefix}status": ""})
    for name in SECTION_TEXT_FIELDS:
        q |= ~Q(**{f"{prefix}{name}": ""})
    return q


def _get_visible_review(user: Any, cycle: str, iso3: str) -> NationalReview:
    review = (
        NationalReview.objects.select_related("cycle", "area", "organisation")
        .filter(cycle__slug=cycle, area__iso3=iso3.upper())
        .first()
    )
    # A review the user may not see is answered as missing, so drafts do not even show they exist.
    if review is None or not perms.can_view(user, review):
        raise NotFound(f"No national review of {iso3.upper()} for {cycle!r} that you may see.")
    return review


def suggested_targets() -> dict[int, list[str]]:
    """SDG targets the framework crosswalk links to each objective (by item id)."""
    links = CrosswalkLink.objects.filter(
        from_item__kind="objective", to_item__kind="sdg_target"
    ).values_list("from_item_id", "to_item__code")
    out: dict[int, list[str]] = defaultdict(list)
    for item_id, code in links:
        out[item_id].append(code)
    return {k: sorted(v) for k, v in out.items()}


def _section_key(item: FrameworkItem) -> str:
    return item.code if item.kind == "objective" else f"p:{item.code}"


def review_detail(*, user: Any, cycle: str, iso3: str) -> dict[str, Any]:
    """One review with its sections, lists, attachments, workflow history and what ``user``
    may do with it."""
    review = _get_visible_review(user, cycle, iso3)
    sections = list(
        review.sections.select_related("item", "updated_by").prefetch_related("assignees")
    )
    suggestions = suggested_targets()
    roles = perms.user_roles(user).get(review.organisation_id, set())
    admin = is_platform_admin(user)
    author = admin or bool(roles & perms.REVIEW_AUTHOR_ROLES)
    editable = review.status in EDITABLE_STATUSES and (
        review.cycle.status() == CycleStatus.OPEN or admin
    )
    section_rows = []
    for s in sections:
        assignees = sorted(u.username for u in s.assignees.all())
        can_edit = editable and (author or ("contributor" in roles and user.username in assignees))
        section_rows.append(
            {
                "key": _section_key(s.item),
                "kind": s.item.kind,
                "code": s.item.code,
                "number": s.item.number,
                "title": s.item.title,
                "short_title": s.item.short_title,
                **{name: getattr(s, name) for name in SECTION_FIELDS},
                "status_label": str(SectionStatus(s.status).label) if s.status else "",
                "reported": s.reported,
                "suggested_targets": suggestions.get(s.item_id, []),
                "assignees": assignees,
                "version": s.version,
                "updated_at": s.updated_at,
                "updated_by": s.updated_by.get_username() if s.updated_by else "",
                "can_edit": can_edit,
                "url": reverse(
                    "reviews:section",
                    args=[review.cycle.slug, review.area.iso3, _section_key(s.item)],
                ),
            }
        )
    steps = [
        {
            "action": st.action,
            "from_status": st.from_status,
            "to_status": st.to_status,
            "comment": st.comment,
            "by": st.by.get_username() if st.by else "",
            "at": st.at,
        }
        for st in review.steps.select_related("by")
    ]
    return {
        **_review_ref(review),
        "summary": review.summary,
        "cycle_status": review.cycle.status(),
        "sections": section_rows,
        "objectives": [s for s in section_rows if s["kind"] == "objective"],
        "principles": [s for s in section_rows if s["kind"] == "principle"],
        "reported": sum(1 for s in section_rows if s["reported"]),
        "contributors": [
            {
                "body": c.body,
                "kind": c.kind,
                "items": [_section_key(i) for i in c.items.all()],
                "note": c.note,
            }
            for c in review.contributors.prefetch_related("items")
        ],
        "consultations": [
            {
                "category": c.category.code,
                "category_title": c.category.title,
                "method": c.method,
                "held_on": c.held_on,
                "description": c.description,
            }
            for c in review.consultations.select_related("category")
        ],
        "attachments": [_attachment(a) for a in review.attachments.all()],
        "steps": steps,
        "return_comment": next(
            (st["comment"] for st in reversed(steps) if st["action"] == "return"), ""
        ),
        "can": {
            "edit": editable and author,
            "submit": editable and author,
            **perms.allowed_actions(user, review),
        },
    }


def _attachment(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "filename": a.filename,
        "kind": a.kind,
        "size": a.size,
        "sha256": a.sha256,
        "uploaded_at": a.uploaded_at,
        "url": reverse("reviews:attachment", args=[a.pk]),
    }


def attachment_for(*, user: Any, pk: int) -> Attachment:
    """An attachment ``user`` may download (its review or input is visible to them)."""
    a = Attachment.objects.select_related("review__cycle", "input__cycle").filter(pk=pk).first()
    record = (a.review or a.input) if a else None
    if a is None or record is None or not perms.can_view(user, record):
        raise NotFound(f"No attachment {pk} that you may see.")
    return a


def _word_diff(old: str, new: str) -> list[dict[str, str]]:
    """The change from ``old`` to ``new`` as runs of kept, deleted and inserted words."""
    a, b = old.split(" "), new.split(" ")
    runs = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append({"op": "same", "text": " ".join(a[i1:i2])})
            continue
        if i2 > i1:
            runs.append({"op": "del", "text": " ".join(a[i1:i2])})
        if j2 > j1:
            runs.append({"op": "ins", "text": " ".join(b[j1:j2])})
    return runs


def section_history(*, user: Any, cycle: str, iso3: str, item: str) -> dict[str, Any]:
    """Every saved version of a section, newest first, each with its change from the last."""
    review = _get_visible_review(user, cycle, iso3)
    kind, code = ("principle", item[2:]) if item.startswith("p:") else ("objective", item)
    section = (
        ReviewSection.objects.select_related("item")
        .filter(review=review, item__kind=kind, item__code=code)
        .first()
    )
    if section is None:
        raise NotFound(f"The review has no section {item!r}.")
    versions = list(SectionVersion.objects.filter(section=section).select_related("by"))
    versions.sort(key=lambda v: v.version)
    rows = []
    previous: dict[str, Any] = {}
    for v in versions:
        changes = []
        for name in SECTION_FIELDS:
            old, new = previous.get(name, "" if name != "sdg_targets" else []), v.data.get(name)
            if old == new:
                continue
            if name == "sdg_targets":
                changes.append(
                    {"field": name, "runs": _word_diff(" ".join(old or []), " ".join(new or []))}
                )
            else:
                changes.append({"field": name, "runs": _word_diff(str(old or ""), str(new or ""))})
        rows.append(
            {
                "version": v.version,
                "by": v.by.get_username() if v.by else "",
                "at": v.at,
                "data": v.data,
                "changes": changes,
            }
        )
        previous = v.data
    rows.reverse()
    return {
        "review": _review_ref(review),
        "item": {"kind": kind, "code": code, "title": section.item.title},
        "versions": rows,
    }


# --- stakeholder inputs -------------------------------------------------------------------------


def _input_ref(i: StakeholderInput) -> dict[str, Any]:
    return {
        "id": i.pk,
        "title": i.title,
        "cycle": i.cycle.slug,
        "cycle_title": i.cycle.title,
        "commission": i.commission.acronym if i.commission else "",
        "organisation": i.organisation.name,
        "organisation_slug": i.organisation.slug,
        "status": i.status,
        "status_label": str(ReviewStatus(i.status).label),
        "version": i.version,
        "items": [_section_key(it) for it in i.items.all()],
        "is_sample": i.is_sample,
        "submitted_at": i.submitted_at,
        "published_at": i.published_at,
        "url": reverse("reviews:input", args=[i.pk]),
        "api_url": f"/api/v1/reviews/inputs/{i.pk}",
    }


def input_list(
    *,
    user: Any = None,
    cycle: str | None = None,
    commission: str | None = None,
    organisation: str | None = None,
    status: str | None = None,
    item: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    inputs = (
        StakeholderInput.objects.filter(_visible(user, _inputs_answered_by))
        .select_related("cycle", "commission", "organisation")
        .prefetch_related("items")
    )
    if cycle:
        inputs = inputs.filter(cycle__slug=cycle)
    if commission:
        inputs = inputs.filter(commission__slug=commission)
    if organisation:
        inputs = inputs.filter(organisation__slug=organisation)
    if status:
        inputs = inputs.filter(status=status)
    if item:
        kind, code = ("principle", item[2:]) if item.startswith("p:") else ("objective", item)
        inputs = inputs.filter(items__kind=kind, items__code=code)
    inputs = inputs.order_by("-created_at")
    return [_input_ref(i) for i in (inputs[:limit] if limit is not None else inputs)]


def input_detail(*, user: Any, pk: int) -> dict[str, Any]:
    record = (
        StakeholderInput.objects.select_related("cycle", "commission", "organisation")
        .filter(pk=pk)
        .first()
    )
    if record is None or not perms.can_view(user, record):
        raise NotFound(f"No stakeholder input {pk} that you may see.")
    editable = record.status in EDITABLE_STATUSES and perms.is_author(user, record)
    steps = list(WorkflowStep.objects.filter(input=record).select_related("by"))
    return {
        **_input_ref(record),
        "text": record.text,
        "attachments": [_attachment(a) for a in record.attachments.all()],
        "steps": [
            {
                "action": s.action,
                "to_status": s.to_status,
                "comment": s.comment,
                "by": s.by.get_username() if s.by else "",
                "at": s.at,
            }
            for s in steps
        ],
        "can": {"edit": editable, "submit": editable, **perms.allowed_actions(user, record)},
    }


# --- scope of a synthesis -----------------------------------------------------------------------


def _scope_areas(
    cycle: ReviewCycle | None, commission: str | None, mechanism: str | None
) -> list[Area]:
    """The States a synthesis expects reviews from."""
    states = Area.objects.filter(un_status__in=(UnStatus.MEMBER, UnStatus.OBSERVER))
    if mechanism:
        m = Mechanism.objects.filter(slug=mechanism).first()
        if m is None:
            raise NotFound(f"No consultation mechanism {mechanism!r}.")
        return list(states.filter(pk__in=current_member_ids(m)).order_by("name"))
    if commission or (cycle and cycle.scope_commission_id):
        org_filter = (
            Q(organisation__slug=commission)
            if commission
            else Q(organisation_id=cycle.scope_commission_id)  # type: ignore[union-attr]
        )
        if commission and not Affiliation.objects.filter(org_filter).exists():
            raise NotFound(f"No UN regional commission {commission!r} with members.")
        ids = Affiliation.objects.filter(
            org_filter, organisation__group=OrganisationGroup.COMMISSION
        ).values("area_id")
        return list(states.filter(pk__in=ids).order_by("name"))
    if cycle and cycle.pk and cycle.scope_areas.exists():
        return list(cycle.scope_areas.order_by("name"))
    return list(states.filter(un_status=UnStatus.MEMBER).order_by("name"))


def _scope_label(commission: str | None, mechanism: str | None) -> str:
    if mechanism:
        m = Mechanism.objects.filter(slug=mechanism).first()
        return _("Members of %(name)s") % {"name": m.short_name if m else mechanism}
    if commission:
        from gcmhub.accounts.models import Organisation

        o = Organisation.objects.filter(slug=commission).first()
        return _("Region of %(name)s") % {"name": o.name if o else commission}
    return _("All UN Member States")


def section_items() -> list[FrameworkItem]:
    """The 23 objectives then the 10 guiding principles, in order."""
    return _items(("objective", "principle"))


def _items(kinds: tuple[str, ...] = ("objective",)) -> list[FrameworkItem]:
    return list(FrameworkItem.objects.filter(kind__in=kinds).order_by("-kind", "number"))


def _cells(cycle: ReviewCycle, area_ids: list[int] | None) -> dict[int, dict[int, str]]:
    """Published section statuses: area id -> item id -> status ("reported" when the section
    has text but no status)."""
    sections = ReviewSection.objects.filter(
        review__cycle=cycle, review__status=ReviewStatus.PUBLISHED
    )
    if area_ids is not None:
        sections = sections.filter(review__area_id__in=area_ids)
    out: dict[int, dict[int, str]] = defaultdict(dict)
    rows = sections.filter(_reported_q()).values_list("review__area_id", "item_id", "status")
    for area_id, item_id, status in rows:
        out[area_id][item_id] = status or "reported"
    return out


def _sample_count(cycle: ReviewCycle, area_ids: list[int]) -> int:
    """How many of the published reviews in scope are generated sample data."""
    return NationalReview.objects.filter(
        cycle=cycle, area_id__in=area_ids, status=ReviewStatus.PUBLISHED, is_sample=True
    ).count()


def _review_statuses(cycle: ReviewCycle, area_ids: list[int] | None) -> dict[int, str]:
    reviews = NationalReview.objects.filter(cycle=cycle, status__in=RECEIVED)
    if area_ids is not None:
        reviews = reviews.filter(area_id__in=area_ids)
    return dict(reviews.values_list("area_id", "status"))


def _status_label(status: str) -> str:
    return str(ReviewStatus(status).label) if status else _("No review")


def _item_ref(i: FrameworkItem) -> dict[str, Any]:
    return {
        "key": _section_key(i),
        "kind": i.kind,
        "code": i.code,
        "number": i.number,
        "title": i.title,
        "short_title": i.short_title or i.title,
    }


def coverage(
    *,
    cycle: str,
    commission: str | None = None,
    mechanism: str | None = None,
    principles: bool = False,
) -> dict[str, Any]:
    """Countries x objectives (and principles, if asked) for one cycle: each cell the status a
    published review gives the section; each row the review's state."""
    c = get_cycle(cycle)
    areas = _scope_areas(c, commission, mechanism)
    ids = [a.pk for a in areas]
    cells = _cells(c, ids)
    statuses = _review_statuses(c, ids)
    items = _items(("objective", "principle") if principles else ("objective",))
    rows: list[dict[str, Any]] = []
    for a in areas:
        status = statuses.get(a.pk, "")
        area_cells = cells.get(a.pk, {})
        rows.append(
            {
                "iso3": a.iso3,
                "name": a.name,
                "review_status": status,
                "review_status_label": _status_label(status),
                "published": status == ReviewStatus.PUBLISHED,
                "cells": [area_cells.get(i.pk, "") for i in items],
                "url": review_url(c.slug, a.iso3) if status == ReviewStatus.PUBLISHED else "",
            }
        )
    published_rows = [r["cells"] for r in rows if r["published"]]
    totals = [Counter(cells_[n] for cells_ in published_rows) for n in range(len(items))]
    return {
        "cycle": _cycle_ref(c),
        "scope": _scope_label(commission, mechanism),
        "items": [_item_ref(i) for i in items],
        "statuses": [{"code": s, "label": STATUS_LABELS[s]} for s in STATUS_ORDER],
        "rows": rows,
        "expected": len(rows),
        "received": sum(1 for r in rows if r["review_status"]),
        "published": sum(1 for r in rows if r["published"]),
        "sample_reviews": _sample_count(c, ids),
        "totals": [dict(t) for t in totals],
    }


def coverage_rows(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The coverage matrix flattened for CSV/XLSX: one row per country, one column per item."""
    columns = [("iso3", "ISO3"), ("name", "Country"), ("review_status", "Review")]
    columns += [(f"i{n}", item["key"]) for n, item in enumerate(data["items"])]
    rows = []
    for r in data["rows"]:
        row = {k: r[k] for k in ("iso3", "name", "review_status")}
        row.update({f"i{n}": cell for n, cell in enumerate(r["cells"])})
        rows.append(row)
    return rows, columns


def _objective_stats(
    cells: dict[int, dict[int, str]], items: list[FrameworkItem], published: int
) -> list[dict[str, Any]]:
    stats = []
    for i in items:
        counts = Counter(by_item.get(i.pk, "") for by_item in cells.values())
        counts.pop("", None)
        reported = sum(counts.values())
        stats.append(
            {
                **_item_ref(i),
                "reported": reported,
                "share": round(reported / published, 3) if published else 0.0,
                "statuses": {s: counts.get(s, 0) for s in STATUS_ORDER if s},
            }
        )
    return stats


def _texts(
    cycle: ReviewCycle, area_ids: list[int], field: str, per_item: int
) -> list[dict[str, Any]]:
    """Published ``field`` texts (challenges, good practices) per objective, with links."""
    sections = (
        ReviewSection.objects.filter(
            review__cycle=cycle,
            review__status=ReviewStatus.PUBLISHED,
            review__area_id__in=area_ids,
            item__kind="objective",
        )
        .exclude(**{field: ""})
        .values_list(
            "item__code", "item__number", "review__area__iso3", "review__area__name", field
        )
        .order_by("item__number", "review__area__name")
    )
    grouped: dict[str, dict[str, Any]] = {}
    for code, _number, iso3, name, text in sections:
        group = grouped.setdefault(code, {"code": code, "count": 0, "entries": []})
        group["count"] += 1
        if len(group["entries"]) < per_item:
            group["entries"].append(
                {
                    "iso3": iso3,
                    "country": name,
                    "text": text[:TEXT_EXCERPT] + ("…" if len(text) > TEXT_EXCERPT else ""),
                    "url": f"{review_url(cycle.slug, iso3)}#s-{code}",
                }
            )
    return list(grouped.values())


def _extras(iso3s: list[str]) -> dict[str, Any]:
    return {name: part for name, fn in SYNTHESIS_EXTRAS.items() if (part := fn(iso3s)) is not None}


def regional_synthesis(
    *,
    cycle: str,
    commission: str | None = None,
    mechanism: str | None = None,
    per_item: int = 5,
) -> dict[str, Any]:
    """What the States of a commission region, or of a mechanism, reported in one cycle."""
    if not commission and not mechanism:
        raise InvalidInput(
            "Choose a region.",
            [FieldError("give a commission or a consultation mechanism", "commission")],
        )
    return _synthesis(get_cycle(cycle), commission, mechanism, per_item)


def _synthesis(
    c: ReviewCycle, commission: str | None, mechanism: str | None, per_item: int
) -> dict[str, Any]:
    areas = _scope_areas(c, commission, mechanism)
    ids = [a.pk for a in areas]
    statuses = _review_statuses(c, ids)
    cells = _cells(c, ids)
    published = sum(1 for s in statuses.values() if s == ReviewStatus.PUBLISHED)
    objectives = _objective_stats(cells, _items(("objective",)), published)
    principles = _objective_stats(cells, _items(("principle",)), published)
    ranked = sorted(objectives, key=lambda o: (-o["reported"], o["number"]))
    return {
        "cycle": _cycle_ref(c),
        "scope": _scope_label(commission, mechanism),
        "commission": commission or "",
        "mechanism": mechanism or "",
        "expected": len(areas),
        "received": len(statuses),
        "published": published,
        "sample_reviews": _sample_count(c, ids),
        "countries": [
            {
                "iso3": a.iso3,
                "name": a.name,
                "review_status": statuses.get(a.pk, ""),
                "review_status_label": _status_label(statuses.get(a.pk, "")),
                "url": review_url(c.slug, a.iso3)
                if statuses.get(a.pk) == ReviewStatus.PUBLISHED
                else "",
            }
            for a in areas
        ],
        "objectives": objectives,
        "principles": principles,
        "statuses": [{"code": s, "label": STATUS_LABELS[s]} for s in STATUS_ORDER if s],
        "most_reported": ranked[:5] if published else [],
        "least_reported": list(reversed(ranked[-5:])) if published else [],
        "challenges": _texts(c, ids, "challenges", per_item),
        "good_practices": _texts(c, ids, "good_practices", per_item),
        "inputs": input_list(cycle=c.slug, commission=commission, status="published", limit=50)
        if not mechanism
        else [],
        **_extras([a.iso3 for a in areas]),
    }


def global_synthesis(*, cycle: str, per_item: int = 3) -> dict[str, Any]:
    """The IMRF view: every UN Member State, with the objectives grouped by the four round
    tables of the forum."""
    c = get_cycle(cycle)
    data = _synthesis(c, None, None, per_item)
    by_code = {o["code"]: o for o in data["objectives"]}
    tables = []
    links = CrosswalkLink.objects.filter(
        from_item__kind="objective", to_item__kind="round_table"
    ).values_list("to_item_id", "from_item__code")
    members: dict[int, list[str]] = defaultdict(list)
    for table_id, code in links:
        members[table_id].append(code)
    for t in FrameworkItem.objects.filter(kind="round_table").order_by("number"):
        objs = sorted(
            (by_code[code] for code in members.get(t.pk, []) if code in by_code),
            key=lambda o: o["number"],
        )
        statuses: Counter[str] = Counter()
        for o in objs:
            statuses.update(o["statuses"])
        tables.append(
            {
                "code": t.code,
                "title": t.title,
                "short_title": t.short_title,
                "objectives": objs,
                "reported": sum(o["reported"] for o in objs),
                "statuses": {s: statuses.get(s, 0) for s in STATUS_ORDER if s},
            }
        )
    data["round_tables"] = tables
    return data


def synthesis_rows(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """A synthesis flattened for CSV/XLSX: one row per objective and principle."""
    columns = [("key", "Item"), ("title", "Title"), ("reported", "Reviews reporting")]
    columns += [(s, STATUS_LABELS[s]) for s in STATUS_ORDER if s]
    rows = [
        {"key": o["key"], "title": o["title"], "reported": o["reported"], **o["statuses"]}
        for o in data["objectives"] + data["principles"]
    ]
    return rows, columns


def comparison(
    *,
    iso3: str | None = None,
    commission: str | None = None,
    mechanism: str | None = None,
    cycles: list[str] | None = None,
) -> dict[str, Any]:
    """Objective by objective across cycles: for one country its published statuses, for a
    region the number of States giving each status."""
    if not (iso3 or commission or mechanism):
        raise InvalidInput(
            "Choose a country or a region.",
            [FieldError("give iso3, commission or mechanism", "iso3")],
        )
    chosen = ReviewCycle.objects.order_by("start_year", "kind")
    if cycles:
        chosen = chosen.filter(slug__in=cycles)
    cycle_list_ = list(chosen)
    items = _items(("objective",))
    if iso3:
        area = Area.objects.filter(iso3=iso3.upper()).first()
        if area is None:
            raise NotFound(f"No country or area {iso3!r}.")
        area_ids = [area.pk]
        label = area.name
    else:
        area_ids = [a.pk for a in _scope_areas(None, commission, mechanism)]
        label = _scope_label(commission, mechanism)
    sections = (
        ReviewSection.objects.filter(
            review__cycle__in=cycle_list_,
            review__status=ReviewStatus.PUBLISHED,
            review__area_id__in=area_ids,
            item__kind="objective",
        )
        .filter(_reported_q())
        .values_list("review__cycle_id", "item_id", "status")
    )
    counts: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    for cycle_id, item_id, status in sections:
        counts[(cycle_id, item_id)][status or "reported"] += 1
    published = dict(
        NationalReview.objects.filter(
            cycle__in=cycle_list_, status=ReviewStatus.PUBLISHED, area_id__in=area_ids
        )
        .values("cycle_id")
        .annotate(n=Count("id"))
        .values_list("cycle_id", "n")
    )
    with_data = [c for c in cycle_list_ if published.get(c.pk)]
    return {
        "scope": label,
        "iso3": iso3.upper() if iso3 else "",
        "cycles": [{**_cycle_ref(c), "published": published.get(c.pk, 0)} for c in with_data],
        "items": [
            {
                **_item_ref(i),
                "by_cycle": [
                    (counts[(c.pk, i.pk)].most_common(1)[0][0] if counts[(c.pk, i.pk)] else "")
                    if iso3
                    else dict(counts[(c.pk, i.pk)])
                    for c in with_data
                ],
            }
            for i in items
        ],
        "statuses": [{"code": s, "label": STATUS_LABELS[s]} for s in STATUS_ORDER],
    }


# --- profile sections -----------------------------------------------------------------------------


def country_section(area: Area) -> dict[str, Any] | None:
    """The country profile's "National reviews" part: its published reviews, by cycle."""
    if area.un_status == UnStatus.OTHER:
        return None
    reviews = list(
        NationalReview.objects.filter(area=area, status=ReviewStatus.PUBLISHED)
        .select_related("cycle")
        .annotate(reported=Count("sections", filter=_reported_q("sections__")))
        .order_by("cycle__start_year")
    )
    return {
        "id": "reviews",
        "title": _("National reviews of the GCM"),
        "links": [
            {
                "label": r.cycle.title,
                "url": review_url(r.cycle.slug, area.iso3),
                "note": _("%(n)s of 33 sections reported") % {"n": r.reported}
                + (f" · {_('Sample data')}" if r.is_sample else ""),
            }
            for r in reviews
        ]
        + (
            [
                {
                    "label": _("Compare cycles"),
                    "url": f"{reverse('reviews:compare')}?iso3={area.iso3}",
                    "note": "",
                }
            ]
            if reviews
            else []
        ),
        "empty": _("No national review of this State is published yet."),
    }


def mechanism_section(mechanism: Mechanism) -> dict[str, Any] | None:
    """The mechanism profile's part: its members' published reviews, cycle by cycle."""
    counts = (
        NationalReview.objects.filter(
            area_id__in=current_member_ids(mechanism), status=ReviewStatus.PUBLISHED
        )
        .values("cycle__slug", "cycle__title")
        .annotate(n=Count("id"))
        .order_by("cycle__start_year")
    )
    return {
        "id": "reviews",
        "title": _("Members' national reviews"),
        "links": [
            {
                "label": row["cycle__title"],
                "url": f"{reverse('reviews:synthesis')}?cycle={row['cycle__slug']}"
                f"&mechanism={mechanism.slug}",
                "note": _("%(n)s published") % {"n": row["n"]},
            }
            for row in counts
        ],
        "empty": _("No member has published a national review yet."),
    }

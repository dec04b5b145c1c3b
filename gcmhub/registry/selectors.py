"""Reading the registry: lists, profiles, the matrix, the overlap network and the answers.

Pages and API endpoints call the same functions, so a page and its JSON twin always agree.
Every function runs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from itertools import combinations
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from gcmhub.accounts.models import Organisation, OrganisationGroup, OrganisationKind
from gcmhub.common.errors import InvalidInput, NotFound
from gcmhub.common.models import AuditEvent
from gcmhub.framework.models import CrosswalkLink, FrameworkItem
from gcmhub.registry.models import (
    Affiliation,
    Area,
    Mechanism,
    MechanismFocus,
    MechanismType,
    Meeting,
    Membership,
    MembershipEvent,
    MembershipRole,
    Region,
    UnStatus,
    Vote,
)
from gcmhub.registry.permissions import can_edit_mechanism
from gcmhub.registry.services import IMPORT_COLUMNS

# Later parts of gcmhub add sections to the country profile (reviews, pledges, statistics):
# each callable takes the Area and returns a section dict, or None to add nothing.
COUNTRY_SECTIONS: list[Callable[[Area], dict[str, Any] | None]] = []
# The same for a consultation mechanism's profile (its members' reviews and pledges).
MECHANISM_SECTIONS: list[Callable[[Mechanism], dict[str, Any] | None]] = []

AREA_SORTS = {"name": "name", "iso3": "iso3", "m49": "m49", "mechanisms": "-mechanism_count"}
MECHANISM_SORTS = {
    "name": "short_name",
    "type": "type",
    "established": "established",
    "members": "-member_count",
}
BOUNDARY_DISCLAIMER = (
    "The boundaries and names shown and the designations used on this map do not imply "
    "official endorsement or acceptance by the United Nations."
)


def _name(area: Area, language: str | None) -> str:
    return area.names.get(language or "", "") or area.name


def _area_ref(area: Area, language: str | None = None) -> dict[str, Any]:
    return {
        "iso3": area.iso3,
        "name": _name(area, language),
        "url": reverse("registry:country", args=[area.iso3]),
    }


def _mechanism_ref(m: Mechanism) -> dict[str, Any]:
    return {
        "slug": m.slug,
        "short_name": m.short_name,
        "type": m.type,
        "type_label": str(MechanismType(m.type).label),
        "url": reverse("registry:mechanism", args=[m.slug]),
    }


def _sources(text: str) -> list[str]:
    return [s.strip() for s in text.split(" ; ") if s.strip()]


def in_region(region: str, prefix: str = "") -> Q:
    """Areas in an M49 region at any level (region, sub-region or intermediate region)."""
    return (
        Q(**{f"{prefix}region__m49": region})
        | Q(**{f"{prefix}subregion__m49": region})
        | Q(**{f"{prefix}intermediate_region__m49": region})
    )


def _current_members() -> Q:
    return Q(primary=True, left="", role=MembershipRole.MEMBER)


def current_member_ids(mechanism: Mechanism | int) -> QuerySet[Membership, Any]:
    """The ids of the areas currently members of ``mechanism`` (main list), as a subquery."""
    return Membership.objects.filter(_current_members(), mechanism=mechanism).values("area_id")


# --- countries ---------------------------------------------------------------------------------


def region_list() -> list[dict[str, Any]]:
    return [
        {"m49": r.m49, "name": r.name, "level": r.level, "parent": r.parent.m49 if r.parent else ""}
        for r in Region.objects.select_related("parent").order_by("level", "name")
    ]


def area_list(
    *,
    region: str | None = None,
    un_status: str | None = None,
    group: str | None = None,
    mechanism: str | None = None,
    q: str | None = None,
    sort: str = "name",
    language: str | None = None,
) -> list[dict[str, Any]]:
    """Countries and areas with their regions, flags and how many mechanisms each belongs to.

    ``region`` is an M49 region, sub-region or intermediate-region code; ``group`` is ldc,
    lldc or sids; ``mechanism`` a mechanism slug (current members and observers).
    """
    if sort not in AREA_SORTS:
        raise InvalidInput(f"Unknown sort {sort!r}; use one of {', '.join(AREA_SORTS)}.")
    qs = Area.objects.select_related("region", "subregion", "intermediate_region").annotate(
        mechanism_count=Count(
            "memberships", filter=Q(memberships__in=Membership.objects.filter(_current_members()))
        )
    )
    if region:
        qs = qs.filter(in_region(region))
    if un_status:
        if un_status not in UnStatus.values:
            raise InvalidInput(f"Unknown UN status {un_status!r}.")
        qs = qs.filter(un_status=un_status)
    if group:
        if group not in ("ldc", "lldc", "sids"):
            raise InvalidInput("group must be ldc, lldc or sids.")
        qs = qs.filter(**{group: True})
    if mechanism:
        qs = qs.filter(
            memberships__mechanism__slug=mechanism, memberships__primary=True, memberships__left=""
        ).distinct()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(iso3__iexact=q) | Q(m49=q))
    rows = []
    for a in qs.order_by(AREA_SORTS[sort], "name"):
        rows.append(
            {
                **_area_ref(a, language),
                "iso2": a.iso2,
                "m49": a.m49,
                "name_en": a.name,
                "un_status": a.un_status,
                "region": a.region.name if a.region else "",
                "subregion": a.subregion.name if a.subregion else "",
                "intermediate_region": a.intermediate_region.name if a.intermediate_region else "",
                "ldc": a.ldc,
                "lldc": a.lldc,
                "sids": a.sids,
                "gcm_vote": a.gcm_vote,
                "mechanism_count": a.mechanism_count,
            }
        )
    return rows


def _claims_by_area(memberships: list[Membership]) -> dict[int, list[Membership]]:
    grouped: dict[int, list[Membership]] = defaultdict(list)
    for m in memberships:
        grouped[m.area_id].append(m)
    return grouped


def _claim(m: Membership) -> dict[str, Any]:
    return {
        "role": m.role,
        "role_label": str(MembershipRole(m.role).label),
        "primary": m.primary,
        "certainty": m.certainty,
        "sources": _sources(m.source),
        "note": m.note,
        "joined": m.joined,
        "left": m.left,
    }


def _disputed(claims: list[Membership]) -> bool:
    """Sources disagree when a claim outside the main list gives another role."""
    main = next((c.role for c in claims if c.primary), MembershipRole.NOT_LISTED)
    return any(c.role != main for c in claims if not c.primary)


def area_detail(*, iso3: str, language: str | None = None) -> dict[str, Any]:
    area = (
        Area.objects.select_related("region", "subregion", "intermediate_region")
        .filter(iso3=iso3.upper())
        .first()
    )
    if area is None:
        raise NotFound(f"No country or area with the code {iso3!r}.")
    claims = list(
        Membership.objects.filter(area=area)
        .select_related("mechanism")
        .order_by("mechanism__short_name", "-primary")
    )
    by_mechanism: dict[int, list[Membership]] = defaultdict(list)
    for c in claims:
        by_mechanism[c.mechanism_id].append(c)
    mechanisms = []
    for group in by_mechanism.values():
        main = next((c for c in group if c.primary), None)
        mechanisms.append(
            {
                **_mechanism_ref(group[0].mechanism),
                "role": main.role if main else MembershipRole.NOT_LISTED,
                "role_label": str(MembershipRole(main.role if main else "not_listed").label),
                "current": bool(main and not main.left),
                "certainty": main.certainty if main else "uncertain",
                "disputed": _disputed(group),
                "claims": [_claim(c) for c in group],
            }
        )
    affiliations = [
        {
            "slug": a.organisation.slug,
            "name": a.organisation.name,
            "acronym": a.organisation.acronym,
            "group": a.organisation.group,
            "role": a.role,
            "certainty": a.certainty,
            "sources": _sources(a.source),
            "as_of": a.as_of,
            "url": reverse("registry:organisation", args=[a.organisation.slug]),
        }
        for a in Affiliation.objects.filter(area=area)
        .select_related("organisation")
        .order_by("organisation__name")
    ]
    events = [
        {
            "mechanism": e.mechanism.short_name,
            "event": e.event,
            "date": e.date,
            "source": e.source,
            "note": e.note,
        }
        for e in MembershipEvent.objects.filter(area=area).select_related("mechanism")
    ]
    sections = [s for section in COUNTRY_SECTIONS if (s := section(area)) is not None]
    return {
        **_area_ref(area, language),
        "name_en": area.name,
        "names": area.names,
        "iso2": area.iso2,
        "m49": area.m49,
        "in_m49": area.in_m49,
        "un_status": area.un_status,
        "un_status_label": str(UnStatus(area.un_status).label),
        "region": _region(area.region),
        "subregion": _region(area.subregion),
        "intermediate_region": _region(area.intermediate_region),
        "ldc": area.ldc,
        "lldc": area.lldc,
        "sids": area.sids,
        "gcm_vote": area.gcm_vote,
        "gcm_vote_label": str(Vote(area.gcm_vote).label) if area.gcm_vote else "",
        "commissions": [a for a in affiliations if a["group"] == OrganisationGroup.COMMISSION],
        "organisations": [a for a in affiliations if a["group"] != OrganisationGroup.COMMISSION],
        "mechanisms": sorted(mechanisms, key=lambda m: (not m["current"], m["short_name"])),
        "events": events,
        "notes": area.notes,
        "sources": area.sources,
        "sections": sections,
        "api_url": f"/api/v1/registry/countries/{area.iso3}",
    }


def _region(region: Region | None) -> dict[str, str] | None:
    return {"m49": region.m49, "name": region.name} if region else None


# --- mechanisms --------------------------------------------------------------------------------


def mechanism_list(
    *,
    type: str | None = None,
    region: str | None = None,
    focus: str | None = None,
    member: str | None = None,
    active: bool | None = None,
    q: str | None = None,
    sort: str = "name",
) -> list[dict[str, Any]]:
    """Mechanisms with their type, year, member and observer counts.

    ``region``: an M49 region code: mechanisms with at least one current member there.
    ``focus``: a framework item ("objective:6", "cluster:..."); ``member``: an ISO3 code.
    """
    if sort not in MECHANISM_SORTS:
        raise InvalidInput(f"Unknown sort {sort!r}; use one of {', '.join(MECHANISM_SORTS)}.")
    current = Q(memberships__primary=True, memberships__left="")
    qs = Mechanism.objects.annotate(
        member_count=Count(
            "memberships", filter=current & Q(memberships__role="member"), distinct=True
        ),
        observer_count=Count(
            "memberships", filter=current & Q(memberships__role="observer"), distinct=True
        ),
    )
    if type:
        if type not in MechanismType.values:
            raise InvalidInput(f"Unknown type {type!r}; use rcp, irf or global.")
        qs = qs.filter(type=type)
    if active is not None:
        qs = qs.filter(active=active)
    if region:
        members_there = Membership.objects.filter(_current_members()).filter(
            in_region(region, "area__")
        )
        qs = qs.filter(pk__in=members_there.values("mechanism_id"))
    if member:
        qs = qs.filter(
            pk__in=Membership.objects.filter(_current_members(), area__iso3=member.upper()).values(
                "mechanism_id"
            )
        )
    if focus:
        qs = qs.filter(pk__in=_covering(focus).keys())
    if q:
        qs = qs.filter(
            Q(short_name__icontains=q) | Q(full_name__icontains=q) | Q(acronym__iexact=q)
        )
    return [
        {
            **_mechanism_ref(m),
            "acronym": m.acronym,
            "full_name": m.full_name,
            "established": m.established,
            "active": m.active,
            "regions": m.regions,
            "enumerated": m.enumerated,
            "member_count": m.member_count,
            "observer_count": m.observer_count,
            "member_count_stated": m.member_count_stated,
            "membership_certainty": m.membership_certainty,
        }
        for m in qs.order_by(MECHANISM_SORTS[sort], "short_name")
    ]


def _covering(ref: str) -> dict[int, list[dict[str, Any]]]:
    """Mechanisms working on a framework item, directly or through its cluster or objectives.

    A cluster covers the objectives grouped in it and the reverse, using the crosswalk links.
    Returns mechanism id -> the focus entries that make it count.
    """
    if ":" not in ref:
        raise InvalidInput("A framework item reads 'kind:code', for example 'objective:6'.")
    kind, code = ref.split(":", 1)
    item = FrameworkItem.objects.filter(kind=kind, code=code).first()
    if item is None:
        raise NotFound(f"No framework item {ref!r}.")
    related = set(
        CrosswalkLink.objects.filter(
            from_item=item, to_item__kind__in=("cluster", "objective")
        ).values_list("to_item_id", flat=True)
    ) | set(
        CrosswalkLink.objects.filter(
            to_item=item, from_item__kind__in=("cluster", "objective")
        ).values_list("from_item_id", flat=True)
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for f in MechanismFocus.objects.filter(item_id__in={item.pk} | related).select_related("item"):
        found[f.mechanism_id].append(
            {
                "item": f"{f.item.kind}:{f.item.code}",
                "title": f.item.short_title or f.item.title,
                "direct": f.item_id == item.pk,
                "basis": f.basis,
                "note": f.note,
            }
        )
    return found


def mechanisms_covering(*, item: str) -> dict[str, Any]:
    found = _covering(item)
    mechanisms = {m.pk: m for m in Mechanism.objects.filter(pk__in=found.keys())}
    kind, code = item.split(":", 1)
    target = FrameworkItem.objects.get(kind=kind, code=code)
    return {
        "item": {"ref": item, "title": target.title},
        "mechanisms": sorted(
            (
                {**_mechanism_ref(mechanisms[pk]), "because": reasons}
                for pk, reasons in found.items()
            ),
            key=lambda m: m["short_name"],
        ),
    }


def mechanism_detail(*, slug: str, user: Any = None, language: str | None = None) -> dict[str, Any]:
    m = (
        Mechanism.objects.select_related("organisation")
        .prefetch_related("support_organisations")
        .filter(slug=slug)
        .first()
    )
    if m is None:
        raise NotFound(f"No consultation mechanism {slug!r}.")
    claims = list(
        Membership.objects.filter(mechanism=m)
        .select_related("area")
        .order_by("area__name", "-primary")
    )
    rows = []
    for group in _claims_by_area(claims).values():
        main = next((c for c in group if c.primary), None)
        area = group[0].area
        rows.append(
            {
                **_area_ref(area, language),
                "membership_id": main.pk if main else None,
                "version": main.version if main else None,
                "role": main.role if main else MembershipRole.NOT_LISTED,
                "role_label": str(MembershipRole(main.role if main else "not_listed").label),
                "in_main_list": main is not None,
                "current": bool(main and not main.left),
                "certainty": main.certainty if main else "uncertain",
                "sources": _sources(main.source) if main else [],
                "joined": main.joined if main else "",
                "left": main.left if main else "",
                "note": main.note if main else "",
                "origin": main.origin if main else "",
                "disputed": _disputed(group),
                "other_claims": [_claim(c) for c in group if not c.primary],
            }
        )
    focus = [
        {
            "ref": f"{f.item.kind}:{f.item.code}",
            "kind": f.item.kind,
            "code": f.item.code,
            "title": f.item.title,
            "basis": f.basis,
            "source": f.source,
            "note": f.note,
        }
        for f in m.focus.select_related("item").order_by("item__kind", "item__number")
    ]
    bodies = [
        {
            "slug": b.organisation.slug,
            "name": b.organisation.name,
            "role": b.role,
            "source": b.source,
        }
        for b in m.bodies.select_related("organisation")
    ]
    events = [
        {
            "area": _area_ref(e.area, language),
            "event": e.event,
            "date": e.date,
            "source": e.source,
            "note": e.note,
        }
        for e in m.events.select_related("area")
    ]
    members = [r for r in rows if r["role"] == "member" and r["in_main_list"]]
    return {
        **_mechanism_ref(m),
        "acronym": m.acronym,
        "full_name": m.full_name,
        "type_claims": m.type_claims,
        "type_sources": m.type_sources,
        "established": m.established,
        "established_note": m.established_note,
        "established_sources": m.established_sources,
        "established_claims": m.established_claims,
        "active": m.active,
        "secretariat": m.secretariat,
        "secretariat_sources": m.secretariat_sources,
        "secretariat_organisation": {"slug": m.organisation.slug, "name": m.organisation.name},
        "support_organisations": [
            {"slug": o.slug, "name": o.name, "acronym": o.acronym}
            for o in m.support_organisations.all()
        ],
        "organisations": bodies,
        "regions": m.regions,
        "enumerated": m.enumerated,
        "membership_note": m.membership_note,
        "membership_certainty": m.membership_certainty,
        "membership_sources": m.membership_sources,
        "membership_as_of": m.membership_as_of,
        "member_count_stated": m.member_count_stated,
        "member_count": sum(1 for r in members if r["current"]),
        "observer_count": sum(1 for r in rows if r["role"] == "observer" and r["current"]),
        "members": [r for r in rows if r["in_main_list"] and r["role"] == "member"],
        "observers": [r for r in rows if r["in_main_list"] and r["role"] == "observer"],
        "claimed_elsewhere": [r for r in rows if not r["in_main_list"]],
        "disputed": [r for r in rows if r["disputed"]],
        "focus": focus,
        "events": events,
        "notes": m.notes,
        "map": {r["iso3"]: r["role"] for r in rows if r["in_main_list"] and r["current"]},
        "can_edit": can_edit_mechanism(user, m),
        "sections": [s for section in MECHANISM_SECTIONS if (s := section(m)) is not None],
        "api_url": f"/api/v1/registry/mechanisms/{m.slug}",
    }


def membership_history(*, slug: str) -> list[dict[str, Any]]:
    """Every recorded change to this mechanism's memberships, newest first."""
    m = Mechanism.objects.filter(slug=slug).first()
    if m is None:
        raise NotFound(f"No consultation mechanism {slug!r}.")
    ids = [str(pk) for pk in Membership.objects.filter(mechanism=m).values_list("pk", flat=True)]
    events = AuditEvent.objects.filter(
        object_type="registry.membership", object_id__in=ids
    ).order_by("-at", "-id")
    return [
        {
            "at": e.at.isoformat(),
            "actor": e.actor_label,
            "channel": e.channel,
            "action": e.action,
            "object": e.object_label,
            "changes": e.changes,
        }
        for e in events[:500]
    ]


# --- organisations -----------------------------------------------------------------------------


def organisation_list(
    *,
    kind: str | None = None,
    group: str | None = None,
    category: str | None = None,
    q: str | None = None,
) -> list[dict[str, Any]]:
    qs = (
        Organisation.objects.filter(is_active=True)
        .select_related("stakeholder_category")
        .annotate(member_count=Count("affiliations"))
    )
    if kind:
        if kind not in OrganisationKind.values:
            raise InvalidInput(f"Unknown kind {kind!r}.")
        qs = qs.filter(kind=kind)
    if group:
        if group not in OrganisationGroup.values:
            raise InvalidInput(f"Unknown group {group!r}.")
        qs = qs.filter(group=group)
    if category:
        qs = qs.filter(stakeholder_category__code=category)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(acronym__iexact=q))
    return [_organisation_row(o) for o in qs.order_by("name")]


def _organisation_row(o: Organisation) -> dict[str, Any]:
    cat = o.stakeholder_category
    return {
        "slug": o.slug,
        "name": o.name,
        "acronym": o.acronym,
        "kind": o.kind,
        "kind_label": str(OrganisationKind(o.kind).label),
        "group": o.group,
        "country": o.country_iso3,
        "website": o.website,
        "stakeholder_category": {"code": cat.code, "title": cat.title} if cat else None,
        "member_count": getattr(o, "member_count", None),
        "url": reverse("registry:organisation", args=[o.slug]),
    }


def organisation_detail(*, slug: str, language: str | None = None) -> dict[str, Any]:
    o = Organisation.objects.select_related("stakeholder_category").filter(slug=slug).first()
    if o is None:
        raise NotFound(f"No organisation {slug!r}.")
    members = [
        {
            **_area_ref(a.area, language),
            "role": a.role,
            "certainty": a.certainty,
            "sources": _sources(a.source),
            "as_of": a.as_of,
        }
        for a in o.affiliations.select_related("area").order_by("area__name")
    ]
    mechanism = Mechanism.objects.filter(organisation=o).first()
    return {
        **_organisation_row(o),
        "member_count": len(members),
        "description": o.description,
        "sources": o.sources,
        "members": members,
        "supports": [_mechanism_ref(m) for m in o.supported_mechanisms.order_by("short_name")],
        "secretariat_of": _mechanism_ref(mechanism) if mechanism else None,
        "api_url": f"/api/v1/registry/organisations/{o.slug}",
    }


# --- views across mechanisms -------------------------------------------------------------------


def _current_pairs(type: str | None = None) -> list[tuple[int, int]]:
    qs = Membership.objects.filter(_current_members())
    if type:
        qs = qs.filter(mechanism__type=type)
    return list(qs.values_list("mechanism_id", "area_id"))


MATRIX_CODES = {"member": "m", "observer": "o"}


def matrix(
    *, type: str | None = None, region: str | None = None, language: str | None = None
) -> dict[str, Any]:
    """Country x mechanism, one short code per cell so that 200 x 35 cells stay light.

    A cell is "m" (current member in the main list), "o" (current observer), "" (neither),
    followed by "*" when sources disagree about that country in that mechanism.
    """
    mechanisms = list(Mechanism.objects.filter(enumerated=True).order_by("type", "short_name"))
    if type:
        mechanisms = [m for m in mechanisms if m.type == type]
    column = {m.pk: i for i, m in enumerate(mechanisms)}
    claims = Membership.objects.filter(mechanism_id__in=column.keys())
    if region:
        claims = claims.filter(in_region(region, "area__"))
    # Plain tuples, not model instances: the full matrix reads some 600 claims.
    grouped: dict[int, dict[int, list[tuple[str, bool, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for area_id, mechanism_id, role, primary, left in claims.values_list(
        "area_id", "mechanism_id", "role", "primary", "left"
    ):
        grouped[area_id][mechanism_id].append((role, primary, left))
    areas = Area.objects.filter(pk__in=grouped.keys()).values_list("pk", "iso3", "name", "names")
    rows = []
    for area_id, iso3, name, names in sorted(areas, key=lambda a: a[2]):
        cells = [""] * len(mechanisms)
        for mechanism_id, group in grouped[area_id].items():
            main = next((role for role, primary, left in group if primary and not left), None)
            listed = next((role for role, primary, _ in group if primary), "not_listed")
            disputed = any(role != listed for role, primary, _ in group if not primary)
            cells[column[mechanism_id]] = MATRIX_CODES.get(main or "", "") + "*" * disputed
        rows.append(
            {
                "iso3": iso3,
                "name": names.get(language or "", "") or name,
                "url": reverse("registry:country", args=[iso3]),
                "cells": cells,
                "count": sum(1 for c in cells if c.startswith("m")),
            }
        )
    return {"columns": [_mechanism_ref(m) for m in mechanisms], "rows": rows}


def network(*, type: str | None = None, min_shared: int = 1) -> dict[str, Any]:
    """Mechanisms as nodes, linked by the number of current members they share."""
    members: dict[int, set[int]] = defaultdict(set)
    for mechanism_id, area_id in _current_pairs(type):
        members[mechanism_id].add(area_id)
    mechanisms = {m.pk: m for m in Mechanism.objects.filter(pk__in=members.keys())}
    nodes = [
        {**_mechanism_ref(mechanisms[pk]), "id": mechanisms[pk].slug, "members": len(areas)}
        for pk, areas in sorted(members.items(), key=lambda kv: mechanisms[kv[0]].short_name)
    ]
    links = []
    for a, b in combinations(sorted(members, key=lambda pk: mechanisms[pk].slug), 2):
        shared = len(members[a] & members[b])
        if shared >= min_shared:
            union = len(members[a] | members[b])
            links.append(
                {
                    "source": mechanisms[a].slug,
                    "target": mechanisms[b].slug,
                    "shared": shared,
                    "jaccard": round(shared / union, 3),
                }
            )
    return {"nodes": nodes, "links": links}


def world_counts(*, type: str | None = None) -> dict[str, Any]:
    """For the world map: how many mechanisms each country or area belongs to (current members)."""
    counts: dict[int, int] = defaultdict(int)
    for _, area_id in _current_pairs(type):
        counts[area_id] += 1
    areas = Area.objects.filter(pk__in=counts.keys()).only("iso3", "m49", "name")
    return {
        "areas": [
            {"iso3": a.iso3, "m49": a.m49, "name": a.name, "count": counts[a.pk]}
            for a in sorted(areas, key=lambda a: a.name)
        ],
        "max": max(counts.values(), default=0),
        "disclaimer": BOUNDARY_DISCLAIMER,
    }


def areas_without_rcp(*, language: str | None = None) -> list[dict[str, Any]]:
    """UN Member States that are not a current member of any regional consultative process."""
    inside = Membership.objects.filter(
        _current_members(), mechanism__type=MechanismType.RCP
    ).values("area_id")
    qs = (
        Area.objects.filter(un_status=UnStatus.MEMBER)
        .exclude(pk__in=inside)
        .select_related("region", "subregion")
    )
    return [
        {
            **_area_ref(a, language),
            "region": a.region.name if a.region else "",
            "subregion": a.subregion.name if a.subregion else "",
        }
        for a in qs.order_by("name")
    ]


def overlap(*, a: str, b: str, language: str | None = None) -> dict[str, Any]:
    """Current members of two mechanisms: shared, only in the first, only in the second."""
    found = {m.slug: m for m in Mechanism.objects.filter(slug__in=[a, b])}
    for slug in (a, b):
        if slug not in found:
            raise NotFound(f"No consultation mechanism {slug!r}.")
    members: dict[str, dict[str, Area]] = {a: {}, b: {}}
    for c in Membership.objects.filter(
        _current_members(), mechanism__slug__in=[a, b]
    ).select_related("area", "mechanism"):
        members[c.mechanism.slug][c.area.iso3] = c.area
    first, second = members[a], members[b]
    shared = sorted(set(first) & set(second))
    union = set(first) | set(second)

    def refs(codes: list[str], pool: dict[str, Area]) -> list[dict[str, Any]]:
        return sorted((_area_ref(pool[c], language) for c in codes), key=lambda r: r["name"])

    return {
        "a": _mechanism_ref(found[a]),
        "b": _mechanism_ref(found[b]),
        "shared": refs(shared, first),
        "only_a": refs(sorted(set(first) - set(second)), first),
        "only_b": refs(sorted(set(second) - set(first)), second),
        "jaccard": round(len(shared) / len(union), 3) if union else 0.0,
        "enumerated": found[a].enumerated and found[b].enumerated,
    }


def meeting_list() -> list[dict[str, Any]]:
    return [
        {
            "series": m.series,
            "number": m.number,
            "title": m.title,
            "year": m.year,
            "start": m.start.isoformat() if m.start else None,
            "end": m.end.isoformat() if m.end else None,
            "host": _area_ref(m.host) if m.host else None,
            "city": m.city,
            "organisers": m.organisers,
            "theme": m.theme,
            "certainty": m.certainty,
            "sources": m.sources,
            "notes": m.notes,
        }
        for m in Meeting.objects.select_related("host").order_by("series", "number")
    ]


# --- exports -----------------------------------------------------------------------------------

AREA_COLUMNS = [
    ("iso3", "ISO3"), ("m49", "M49"), ("name_en", "Name"), ("un_status", "UN status"),
    ("region", "Region"), ("subregion", "Sub-region"),
    ("intermediate_region", "Intermediate region"),
    ("ldc", "LDC"), ("lldc", "LLDC"), ("sids", "SIDS"), ("gcm_vote", "GCM vote (A/RES/73/195)"),
    ("mechanism_count", "Mechanisms (member)"),
]  # fmt: skip
MECHANISM_COLUMNS = [
    ("slug", "Slug"), ("short_name", "Short name"), ("acronym", "Acronym"),
    ("full_name", "Full name"),
    ("type", "Type"), ("established", "Established"), ("active", "Active"),
    ("member_count", "Members"), ("observer_count", "Observers"),
    ("member_count_stated", "Members stated by source"), ("membership_certainty", "List certainty"),
]  # fmt: skip
MEMBERSHIP_COLUMNS = [
    ("mechanism", "mechanism"), ("iso3", "iso3"), ("name", "name"), ("role", "role"),
    ("primary", "main list"), ("certainty", "certainty"), ("joined", "joined"), ("left", "left"),
    ("source", "source"), ("note", "note"),
]  # fmt: skip
ORGANISATION_COLUMNS = [
    ("slug", "Slug"), ("name", "Name"), ("acronym", "Acronym"), ("kind", "Kind"),
    ("group", "Group"),
    ("country", "Country"), ("category", "Stakeholder category"), ("member_count", "Member States"),
    ("website", "Website"),
]  # fmt: skip


def membership_rows(*, mechanism: str | None = None) -> list[dict[str, Any]]:
    qs = Membership.objects.select_related("mechanism", "area").order_by(
        "mechanism__slug", "area__name", "-primary"
    )
    if mechanism:
        qs = qs.filter(mechanism__slug=mechanism)
    return [
        {
            "mechanism": m.mechanism.slug,
            "iso3": m.area.iso3,
            "name": m.area.name,
            "role": m.role,
            "primary": m.primary,
            "certainty": m.certainty,
            "joined": m.joined,
            "left": m.left,
            "source": m.source,
            "note": m.note,
        }
        for m in qs
    ]


def organisation_rows(**filters: Any) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "category": row["stakeholder_category"]["code"] if row["stakeholder_category"] else "",
        }
        for row in organisation_list(**filters)
    ]


def membership_template() -> str:
    """A CSV with the import columns and one example row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(IMPORT_COLUMNS)
    writer.writerow(
        [
            "colombo-process",
            "KHM",
            "member",
            "2005",
            "",
            "https://example.org/source",
            "confirmed",
            "",
        ]
    )
    return out.getvalue()

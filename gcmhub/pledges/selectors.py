"""Reading pledges: the filtered list, the dashboard counts, one pledge, exports, profile sections.

Pages and API endpoints call the same functions. Each runs a fixed number of queries whatever the
number of pledges: filters become subqueries, counts are grouped in the database and the list is
read one page at a time.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from gcmhub.accounts.models import Organisation, OrganisationGroup, OrganisationKind
from gcmhub.common.errors import FieldError, InvalidInput, NotFound
from gcmhub.framework.models import FrameworkItem
from gcmhub.pledges.codes import code_order, objective_code, principle_code
from gcmhub.pledges.models import (
    Pledge,
    PledgeKind,
    Pledger,
    PledgerRole,
    PledgeStatus,
    PledgeType,
    StatusUpdate,
)
from gcmhub.pledges.permissions import can_edit, editable_organisation_ids, visible_q
from gcmhub.registry.models import Affiliation, Area, Mechanism, Region
from gcmhub.registry.selectors import current_member_ids, in_region
from gcmhub.reviews.models import ReviewCycle

PER_PAGE = 50
MAX_PER_PAGE = 200
SECTION_LINKS = 10
REGION_LATEST = 20
API_URL = "/api/v1/pledges"


@dataclass
class PledgeFilters:
    """What the dashboard, the list and the exports can be narrowed by; empty means any.

    ``country`` is one ISO3 code or several separated by commas; ``organisation`` an
    organisation's slug (as a pledger); ``region`` an M49 region code or name; ``commission``
    the slug of a UN regional commission; ``mechanism`` the slug of a consultation mechanism.
    """

    objective: str = ""
    principle: str = ""
    region: str = ""
    commission: str = ""
    mechanism: str = ""
    pledger_kind: str = ""
    type: str = ""
    status: str = ""
    year: int | None = None
    cycle: str = ""
    country: str = ""
    organisation: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params: Any) -> PledgeFilters:
        """From a query string (a QueryDict or a dict); a year that is not a number is refused."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = params.get(f.name)
            text = "" if raw is None else str(raw).strip()
            if f.name == "year":
                if text and not text.isdigit():
                    raise InvalidInput(
                        "The filters are not valid.",
                        [FieldError(f"must be a year, not {text!r}", "year", "query")],
                    )
                values["year"] = int(text) if text else None
            else:
                values[f.name] = text[:200]
        return cls(**values)

    def params(self) -> dict[str, str]:
        """The filters that are set, as query-string parameters."""
        return {k: str(v) for k, v in asdict(self).items() if v not in ("", None)}

    def query(self, **extra: str) -> str:
        return urlencode({**self.params(), **extra})


def dashboard_url(**params: str) -> str:
    url = reverse("pledges:index")
    return f"{url}?{urlencode(params)}" if params else url


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


# --- filtering ----------------------------------------------------------------------------------


def _located_in(areas: QuerySet[Area], *, states_only: bool = False) -> Q:
    """Pledges with a pledger in ``areas``: a State, or an organisation based in one of them.

    With ``states_only``, organisations count only when they are a State's government.
    """
    orgs = Organisation.objects.filter(country_iso3__in=areas.values("iso3"))
    if states_only:
        orgs = orgs.filter(kind=OrganisationKind.STATE)
    pledgers = Pledger.objects.filter(Q(area__in=areas.values("pk")) | Q(organisation__in=orgs))
    return Q(pk__in=pledgers.values("pledge_id"))


def _item_id(kind: str, raw: str, name: str, problems: list[FieldError]) -> int | None:
    code = objective_code(raw) if kind == "objective" else principle_code(raw)
    pk = FrameworkItem.objects.filter(kind=kind, code=code).values_list("pk", flat=True).first()
    if pk is None:
        problems.append(FieldError(f"unknown code {raw!r}", name, "query"))
    return pk


def _filtered(user: Any, f: PledgeFilters) -> QuerySet[Pledge]:
    """The pledges ``user`` may see that match ``f``; every bad filter is reported at once."""
    qs = Pledge.objects.filter(visible_q(user))
    problems: list[FieldError] = []
    for kind, raw, name in (
        ("objective", f.objective, "objective"),
        ("principle", f.principle, "principle"),
    ):
        if raw:
            pk = _item_id(kind, raw, name, problems)
            if pk is not None:
                through = Pledge.items.through.objects.filter(frameworkitem_id=pk)
                qs = qs.filter(pk__in=through.values("pledge_id"))
    if f.region:
        code = (
            Region.objects.filter(Q(m49=f.region) | Q(name__iexact=f.region))
            .values_list("m49", flat=True)
            .first()
        )
        if code is None:
            problems.append(FieldError(f"unknown region {f.region!r}", "region", "query"))
        else:
            qs = qs.filter(_located_in(Area.objects.filter(in_region(code))))
    if f.commission:
        org = Organisation.objects.filter(slug=f.commission).values_list("pk", flat=True).first()
        if org is None:
            problems.append(
                FieldError(f"unknown commission {f.commission!r}", "commission", "query")
            )
        else:
            members = Affiliation.objects.filter(organisation_id=org).values("area_id")
            qs = qs.filter(_located_in(Area.objects.filter(pk__in=members)))
    if f.mechanism:
        mech = Mechanism.objects.filter(slug=f.mechanism).values_list("pk", flat=True).first()
        if mech is None:
            problems.append(FieldError(f"unknown mechanism {f.mechanism!r}", "mechanism", "query"))
        else:
            qs = qs.filter(_located_in(_mechanism_areas(mech), states_only=True))
    if f.pledger_kind:
        if f.pledger_kind == OrganisationKind.STATE:
            pledgers = Pledger.objects.filter(
                Q(area__isnull=False) | Q(organisation__kind=OrganisationKind.STATE)
            )
            qs = qs.filter(pk__in=pledgers.values("pledge_id"))
        elif f.pledger_kind in OrganisationKind.values:
            pledgers = Pledger.objects.filter(organisation__kind=f.pledger_kind)
            qs = qs.filter(pk__in=pledgers.values("pledge_id"))
        else:
            problems.append(
                FieldError(
                    f"must be one of {', '.join(OrganisationKind.values)}", "pledger_kind", "query"
                )
            )
    for name, choices in (("type", PledgeType), ("status", PledgeStatus)):
        value = getattr(f, name)
        if value and value not in choices.values:
            problems.append(
                FieldError(f"must be one of {', '.join(choices.values)}", name, "query")
            )
        elif value:
            qs = qs.filter(**{name: value})
    if f.year is not None:
        qs = qs.filter(year=f.year)
    if f.cycle:
        if not ReviewCycle.objects.filter(slug=f.cycle).exists():
            problems.append(FieldError(f"unknown review cycle {f.cycle!r}", "cycle", "query"))
        qs = qs.filter(cycle__slug=f.cycle)
    if f.country:
        codes = [c.strip().upper() for c in f.country.split(",") if c.strip()]
        qs = qs.filter(_located_in(Area.objects.filter(iso3__in=codes), states_only=True))
    if f.organisation:
        qs = qs.filter(
            pk__in=Pledger.objects.filter(organisation__slug=f.organisation).values("pledge_id")
        )
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(description__icontains=f.q))
    if problems:
        raise InvalidInput("The filters are not valid.", problems)
    return qs


def _mechanism_areas(mechanism_id: int) -> QuerySet[Area]:
    return Area.objects.filter(pk__in=current_member_ids(mechanism_id))


# --- rows ---------------------------------------------------------------------------------------


def _with_relations(qs: QuerySet[Pledge]) -> QuerySet[Pledge]:
    return qs.select_related("organisation", "cycle").prefetch_related(
        Prefetch("pledgers", queryset=Pledger.objects.select_related("area", "organisation")),
        Prefetch("items", queryset=FrameworkItem.objects.only("kind", "code", "number", "title")),
    )


def _pledger(p: Pledger) -> dict[str, Any]:
    if p.area is not None:
        return {
            "kind": "state",
            "kind_label": _("State"),
            "iso3": p.area.iso3,
            "slug": "",
            "name": p.area.name,
            "role": p.role,
            "role_label": _label(PledgerRole, p.role),
            "url": reverse("registry:country", args=[p.area.iso3]),
        }
    org = p.organisation
    assert org is not None
    return {
        "kind": org.kind,
        "kind_label": _label(OrganisationKind, org.kind),
        "iso3": org.country_iso3,
        "slug": org.slug,
        "name": org.name,
        "role": p.role,
        "role_label": _label(PledgerRole, p.role),
        "url": reverse("registry:organisation", args=[org.slug]),
    }


def _codes(pledge: Pledge, kind: str) -> list[str]:
    return sorted((i.code for i in pledge.items.all() if i.kind == kind), key=code_order)


def _row(p: Pledge) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "kind": p.kind,
        "kind_label": _label(PledgeKind, p.kind),
        "type": p.type,
        "type_label": _label(PledgeType, p.type),
        "status": p.status,
        "status_label": _label(PledgeStatus, p.status),
        "status_date": p.status_date,
        "year": p.year,
        "start_year": p.start_year,
        "end_year": p.end_year,
        "organisation": {"slug": p.organisation.slug, "name": p.organisation.name},
        "pledgers": [_pledger(x) for x in p.pledgers.all()],
        "objectives": _codes(p, "objective"),
        "principles": _codes(p, "principle"),
        "cycle": {"slug": p.cycle.slug, "title": p.cycle.title} if p.cycle else None,
        "published": p.published,
        "is_sample": p.is_sample,
        "url": reverse("pledges:detail", args=[p.pk]),
    }


def pledge_list(
    *, user: Any, filters: PledgeFilters | None = None, page: int = 1, per_page: int = PER_PAGE
) -> dict[str, Any]:
    """One page of the pledges ``user`` may see that match ``filters``, newest year first."""
    f = filters or PledgeFilters()
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    qs = _filtered(user, f)
    count = qs.count()
    pages = max(1, math.ceil(count / per_page))
    page = max(1, min(page, pages))
    start = (page - 1) * per_page
    rows = [_row(p) for p in _with_relations(qs.order_by("-year", "-id"))[start : start + per_page]]
    return {
        "count": count,
        "page": page,
        "pages": pages,
        "per_page": per_page,
        "results": rows,
        "filters": f.params(),
    }


def _counts(qs: QuerySet[Pledge], name: str) -> dict[Any, int]:
    return {
        row[name]: row["n"]
        for row in qs.order_by().values(name).annotate(n=Count("pk")).order_by(name)
    }


def pledge_dashboard(*, user: Any, filters: PledgeFilters | None = None) -> dict[str, Any]:
    """How many matching pledges there are by type, status, objective, principle and year."""
    f = filters or PledgeFilters()
    qs = _filtered(user, f)
    by_type = _counts(qs, "type")
    by_status = _counts(qs, "status")
    by_year = _counts(qs, "year")
    by_item = {
        row["frameworkitem_id"]: row["n"]
        for row in Pledge.items.through.objects.filter(pledge_id__in=qs.values("pk"))
        .values("frameworkitem_id")
        .annotate(n=Count("pledge_id"))
    }
    items = list(
        FrameworkItem.objects.filter(kind__in=("objective", "principle")).order_by("number")
    )

    def filtered(**extra: str) -> str:
        return dashboard_url(**{**f.params(), **extra})

    def item_rows(kind: str) -> list[dict[str, Any]]:
        return [
            {
                "key": i.code,
                "label": i.short_title or i.title,
                "title": i.title,
                "count": by_item.get(i.pk, 0),
                "url": filtered(**{kind: i.code}),
            }
            for i in items
            if i.kind == kind
        ]

    return {
        "total": sum(by_type.values()),
        "by_type": [
            {"key": v, "label": str(label), "count": by_type.get(v, 0), "url": filtered(type=v)}
            for v, label in PledgeType.choices
        ],
        "by_status": [
            {
                "key": v,
                "label": str(label),
                "count": by_status.get(v, 0),
                "url": filtered(status=v),
            }
            for v, label in PledgeStatus.choices
        ],
        "by_objective": item_rows("objective"),
        "by_principle": item_rows("principle"),
        "by_year": [
            {"key": str(y), "label": str(y), "count": n, "url": filtered(year=str(y))}
            for y, n in sorted(by_year.items())
        ],
        "filters": f.params(),
    }


def filter_options() -> dict[str, Any]:
    """The choices the dashboard's filter form offers (a handful of small queries)."""
    items = list(
        FrameworkItem.objects.filter(kind__in=("objective", "principle"))
        .order_by("number")
        .values("kind", "code", "title", "short_title")
    )
    return {
        "objectives": [i for i in items if i["kind"] == "objective"],
        "principles": [i for i in items if i["kind"] == "principle"],
        "regions": list(Region.objects.order_by("level", "name").values("m49", "name", "level")),
        "commissions": list(
            Organisation.objects.filter(group=OrganisationGroup.COMMISSION)
            .order_by("name")
            .values("slug", "name", "acronym")
        ),
        "mechanisms": list(Mechanism.objects.order_by("short_name").values("slug", "short_name")),
        "cycles": list(ReviewCycle.objects.order_by("start_year", "slug").values("slug", "title")),
        "kinds": OrganisationKind.choices,
        "types": PledgeType.choices,
        "statuses": PledgeStatus.choices,
    }


# --- one pledge -----------------------------------------------------------------------------------


def _ref(p: Pledge) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "status": p.status,
        "status_label": _label(PledgeStatus, p.status),
        "is_sample": p.is_sample,
        "url": reverse("pledges:detail", args=[p.pk]),
    }


def pledge_detail(*, pledge_id: int, user: Any) -> dict[str, Any]:
    """A pledge with its pledgers, objectives, principles and status history.

    An unpublished pledge the user may not see is reported as not found, so that its existence
    is not revealed.
    """
    p = _with_relations(Pledge.objects.filter(visible_q(user), pk=pledge_id)).first()
    if p is None:
        raise NotFound(f"No pledge {pledge_id}.")
    visible = Pledge.objects.filter(visible_q(user))
    matches = visible.filter(pk=p.matches_id).first() if p.matches_id else None
    matched_by = list(visible.filter(matches_id=p.pk).order_by("-year", "-id")[:50])
    updates = [
        {
            "status": u.status,
            "status_label": _label(PledgeStatus, u.status),
            "date": u.date,
            "evidence": u.evidence,
            "evidence_url": u.evidence_url,
        }
        for u in StatusUpdate.objects.filter(pledge=p).order_by("-date", "-id")
    ]
    items = sorted(p.items.all(), key=lambda i: (i.kind != "objective", i.number))
    return {
        **_row(p),
        "description": p.description,
        "items": [
            {
                "kind": i.kind,
                "code": i.code,
                "title": i.title,
                "url": dashboard_url(**{i.kind: i.code}),
            }
            for i in items
        ],
        "updates": updates,
        "matches": _ref(matches) if matches else None,
        "matched_by": [_ref(m) for m in matched_by],
        "version": p.version,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "can_edit": can_edit(user, p.organisation),
        "api_url": f"{API_URL}/{p.pk}",
    }


def pledge_form_values(*, pledge_id: int, user: Any) -> dict[str, Any]:
    """A pledge's values as the edit form holds them (codes and slugs, not labels)."""
    data = pledge_detail(pledge_id=pledge_id, user=user)
    return {
        "title": data["title"],
        "description": data["description"],
        "kind": data["kind"],
        "type": data["type"],
        "objectives": data["objectives"],
        "principles": data["principles"],
        "leads": [_pledger_key(x) for x in data["pledgers"] if x["role"] == PledgerRole.LEAD],
        "partners": [_pledger_key(x) for x in data["pledgers"] if x["role"] == PledgerRole.PARTNER],
        "start_year": data["start_year"] or "",
        "end_year": data["end_year"] or "",
        "year": data["year"],
        "cycle": data["cycle"]["slug"] if data["cycle"] else "",
        "matches": data["matches"]["id"] if data["matches"] else "",
        "version": data["version"],
        "organisation": data["organisation"]["slug"],
    }


def _pledger_key(row: dict[str, Any]) -> str:
    return f"area:{row['iso3']}" if row["kind"] == "state" else f"org:{row['slug']}"


def form_options(*, user: Any) -> dict[str, Any]:
    """What the pledge form offers: States, organisations, framework items, review cycles."""
    editable = editable_organisation_ids(user)
    owners = Organisation.objects.filter(is_active=True).order_by("name")
    if editable is not None:
        owners = owners.filter(pk__in=editable)
    items = list(
        FrameworkItem.objects.filter(kind__in=("objective", "principle"))
        .order_by("number")
        .values("kind", "code", "title")
    )
    return {
        "owners": list(owners.values("slug", "name")),
        "states": list(
            Area.objects.filter(un_status__in=("member_state", "observer_state"))
            .order_by("name")
            .values("iso3", "name")
        ),
        "organisations": list(
            Organisation.objects.filter(is_active=True)
            .exclude(kind=OrganisationKind.STATE)
            .order_by("name")
            .values("slug", "name", "kind")
        ),
        "objectives": [i for i in items if i["kind"] == "objective"],
        "principles": [i for i in items if i["kind"] == "principle"],
        "cycles": list(ReviewCycle.objects.order_by("start_year", "slug").values("slug", "title")),
        "kinds": PledgeKind.choices,
        "types": PledgeType.choices,
        "statuses": PledgeStatus.choices,
    }


# --- exports --------------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    ("id", "ID"), ("title", "Title"), ("kind", "Kind"), ("type", "Type"), ("status", "Status"),
    ("status_date", "Status date"), ("year", "Year announced"), ("start_year", "First year"),
    ("end_year", "Last year"), ("organisation", "Entered by"), ("pledgers", "Pledgers"),
    ("objectives", "GCM objectives"), ("principles", "Guiding principles"),
    ("cycle", "Announced at"), ("published", "Published"), ("is_sample", "Sample data"),
    ("description", "Description"), ("url", "Page"),
]  # fmt: skip


def pledge_rows(*, user: Any, filters: PledgeFilters | None = None) -> list[dict[str, Any]]:
    """Every matching pledge as one flat row, for CSV, XLSX and JSON exports."""
    qs = _with_relations(_filtered(user, filters or PledgeFilters()).order_by("-year", "-id"))
    rows = []
    for p in qs:
        row = _row(p)
        rows.append(
            {
                **row,
                "organisation": p.organisation.slug,
                "pledgers": [
                    f"{x['iso3'] if x['kind'] == 'state' else x['slug']} ({x['role']})"
                    for x in row["pledgers"]
                ],
                "cycle": p.cycle.slug if p.cycle else "",
                "description": p.description,
            }
        )
    return rows


# --- sections of other pages ----------------------------------------------------------------------


def _section_links(qs: QuerySet[Pledge]) -> list[dict[str, Any]]:
    links = []
    for p in qs.order_by("-year", "-id")[:SECTION_LINKS]:
        note = _label(PledgeStatus, p.status)
        if p.is_sample:
            note = f"{note} · {_('Sample data')}"
        links.append(
            {"label": p.title, "url": reverse("pledges:detail", args=[p.pk]), "note": note}
        )
    return links


def _section(
    qs: QuerySet[Pledge], *, label: str, url: str, empty: str, all_label: str
) -> dict[str, Any]:
    count = qs.count()
    links = _section_links(qs) if count else []
    if count > len(links):
        links.append({"label": all_label, "url": url, "note": ""})
    return {
        "id": "pledges",
        "title": _("Pledges"),
        "items": [{"label": label, "value": count, "url": url}] if count else [],
        "links": links,
        "empty": empty,
    }


def country_section(area: Area) -> dict[str, Any] | None:
    """The pledges section of a country profile: published pledges naming this State."""
    qs = Pledge.objects.filter(published=True).filter(
        _located_in(Area.objects.filter(pk=area.pk), states_only=True)
    )
    return _section(
        qs,
        label=_("Published pledges"),
        url=dashboard_url(country=area.iso3),
        empty=_("No published pledge names this country."),
        all_label=_("All pledges naming this country"),
    )


def mechanism_section(mechanism: Mechanism) -> dict[str, Any] | None:
    """The pledges section of a mechanism profile: pledges by its current member States."""
    qs = Pledge.objects.filter(published=True).filter(
        _located_in(_mechanism_areas(mechanism.pk), states_only=True)
    )
    return _section(
        qs,
        label=_("Published pledges by member States"),
        url=dashboard_url(mechanism=mechanism.slug),
        empty=_("No published pledge names a member State of this mechanism."),
        all_label=_("All pledges by member States"),
    )


def region_pledges(*, iso3s: list[str]) -> dict[str, Any]:
    """Published pledges naming any of these States: counts by type and status, the latest 20.

    For the regional syntheses of the reviews slice.
    """
    codes = sorted({c.strip().upper() for c in iso3s if c.strip()})
    qs = Pledge.objects.filter(published=True).filter(
        _located_in(Area.objects.filter(iso3__in=codes), states_only=True)
    )
    by_type = _counts(qs, "type")
    by_status = _counts(qs, "status")
    latest = [
        {**_ref(p), "year": p.year, "type": p.type, "type_label": _label(PledgeType, p.type)}
        for p in qs.order_by("-year", "-id")[:REGION_LATEST]
    ]
    return {
        "count": sum(by_type.values()),
        "by_type": [
            {"key": v, "label": str(label), "count": by_type.get(v, 0)}
            for v, label in PledgeType.choices
        ],
        "by_status": [
            {"key": v, "label": str(label), "count": by_status.get(v, 0)}
            for v, label in PledgeStatus.choices
        ],
        "latest": latest,
        "url": dashboard_url(country=",".join(codes)) if codes else dashboard_url(),
    }

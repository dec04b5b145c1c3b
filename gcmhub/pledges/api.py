"""``/api/v1/pledges``: the pledge list and dashboard, one pledge, and the writes.

No postponed annotations here: django-ninja reads them at import time.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from gcmhub.accounts.api import request_user
from gcmhub.common.api import ERROR_RESPONSES
from gcmhub.common.exports import export_response
from gcmhub.pledges import selectors, services

router = Router(tags=["pledges"])

ExportFormat = Literal["csv", "xlsx", "json"]


class PledgeFiltersIn(Schema):
    objective: str | None = None
    principle: str | None = None
    region: str | None = None
    commission: str | None = None
    mechanism: str | None = None
    pledger_kind: str | None = None
    type: str | None = None
    status: str | None = None
    year: int | None = None
    cycle: str | None = None
    country: str | None = None
    organisation: str | None = None
    q: str | None = None


class RefOut(Schema):
    slug: str
    name: str


class CycleRefOut(Schema):
    slug: str
    title: str


class PledgerOut(Schema):
    kind: str
    kind_label: str
    iso3: str
    slug: str
    name: str
    role: str
    role_label: str
    url: str


class PledgeRowOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    type: str
    type_label: str
    status: str
    status_label: str
    status_date: dt.date | None
    year: int
    start_year: int | None
    end_year: int | None
    organisation: RefOut
    pledgers: list[PledgerOut]
    objectives: list[str]
    principles: list[str]
    cycle: CycleRefOut | None
    published: bool
    is_sample: bool
    url: str


class PledgeListOut(Schema):
    count: int
    page: int
    pages: int
    per_page: int
    results: list[PledgeRowOut]
    filters: dict[str, str]


class ItemOut(Schema):
    kind: str
    code: str
    title: str
    url: str


class UpdateOut(Schema):
    status: str
    status_label: str
    date: dt.date
    evidence: str
    evidence_url: str


class PledgeRefOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    is_sample: bool
    url: str


class PledgeOut(PledgeRowOut):
    description: str
    items: list[ItemOut]
    updates: list[UpdateOut]
    matches: PledgeRefOut | None
    matched_by: list[PledgeRefOut]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    can_edit: bool
    api_url: str


class CountOut(Schema):
    key: str
    label: str
    count: int
    url: str


class DashboardOut(Schema):
    total: int
    by_type: list[CountOut]
    by_status: list[CountOut]
    by_objective: list[CountOut]
    by_principle: list[CountOut]
    by_year: list[CountOut]
    filters: dict[str, str]


class PledgerIn(Schema):
    iso3: str = ""
    organisation: str = ""
    role: str = "lead"


class PledgeContentIn(Schema):
    title: str
    description: str
    kind: str = "individual"
    type: str
    objectives: list[str] = []
    principles: list[str] = []
    pledgers: list[PledgerIn]
    start_year: int | None = None
    end_year: int | None = None
    year: int | None = None
    cycle: str = ""
    matches: int | None = None


class PledgeCreateIn(PledgeContentIn):
    organisation: str


class PledgeUpdateIn(PledgeContentIn):
    version: int


class StatusIn(Schema):
    status: str
    date: dt.date | None = None
    evidence: str = ""
    evidence_url: str = ""


def _filters(f: PledgeFiltersIn) -> selectors.PledgeFilters:
    return selectors.PledgeFilters.from_params(f.dict())


def _content(payload: PledgeContentIn) -> services.PledgeInput:
    return services.PledgeInput(
        title=payload.title,
        description=payload.description,
        kind=payload.kind,
        type=payload.type,
        objectives=payload.objectives,
        principles=payload.principles,
        pledgers=[
            services.PledgerInput(iso3=p.iso3, organisation=p.organisation, role=p.role)
            for p in payload.pledgers
        ],
        start_year=payload.start_year,
        end_year=payload.end_year,
        year=payload.year,
        cycle=payload.cycle,
        matches=payload.matches,
    )


@router.get("", response={200: PledgeListOut, **ERROR_RESPONSES}, summary="Pledges")
def pledge_list(
    request: HttpRequest,
    filters: PledgeFiltersIn = Query(...),  # noqa: B008
    page: int = 1,
    per_page: int = selectors.PER_PAGE,
) -> Any:
    """Published pledges (and, for members of the owning organisation, unpublished ones), newest
    year first, 50 to a page. `objective` takes a number or a code such as `O7`; `region` an M49
    code or name; `pledger_kind` `state` or another organisation kind."""
    return selectors.pledge_list(
        user=request.user, filters=_filters(filters), page=page, per_page=per_page
    )


@router.post(
    "",
    response={201: PledgeOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Enter a pledge",
)
def pledge_create(request: HttpRequest, payload: PledgeCreateIn) -> Any:
    """For the focal points, secretariat and administrators of `organisation`. The pledge starts
    unpublished, with the status "announced" dated today."""
    user = request_user(request)
    pledge = services.pledge_create(
        by=user, organisation=payload.organisation, data=_content(payload)
    )
    return Status(201, selectors.pledge_detail(pledge_id=pledge.pk, user=user))


@router.get("/dashboard", response={200: DashboardOut, **ERROR_RESPONSES}, summary="Pledge counts")
def pledge_dashboard(request: HttpRequest, filters: PledgeFiltersIn = Query(...)) -> Any:  # noqa: B008
    """Counts of the matching pledges by type, status, objective, guiding principle and year."""
    return selectors.pledge_dashboard(user=request.user, filters=_filters(filters))


@router.get("/export", response={200: None, **ERROR_RESPONSES}, summary="Export pledges")
def pledge_export(
    request: HttpRequest,
    format: ExportFormat = "csv",
    filters: PledgeFiltersIn = Query(...),  # noqa: B008
) -> Any:
    rows = selectors.pledge_rows(user=request.user, filters=_filters(filters))
    return export_response(rows, selectors.EXPORT_COLUMNS, format, filename="pledges")


@router.get("/{pledge_id}", response={200: PledgeOut, **ERROR_RESPONSES}, summary="One pledge")
def pledge_get(request: HttpRequest, pledge_id: int) -> Any:
    return selectors.pledge_detail(pledge_id=pledge_id, user=request.user)


@router.put(
    "/{pledge_id}",
    response={200: PledgeOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Change a pledge",
)
def pledge_update(request: HttpRequest, pledge_id: int, payload: PledgeUpdateIn) -> Any:
    """Send the `version` you read: when someone saved in between, the answer is 409 with the
    saved values under `current`, and nothing is overwritten."""
    user = request_user(request)
    services.pledge_update(
        by=user, pledge_id=pledge_id, data=_content(payload), version=payload.version
    )
    return selectors.pledge_detail(pledge_id=pledge_id, user=user)


@router.post(
    "/{pledge_id}/updates",
    response={201: PledgeOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Post a status update",
)
def pledge_status(request: HttpRequest, pledge_id: int, payload: StatusIn) -> Any:
    """Announced, in progress, achieved or discontinued, on a date, with the evidence (required
    for every status but "announced")."""
    user = request_user(request)
    services.pledge_status_update(
        by=user,
        pledge_id=pledge_id,
        data=services.StatusInput(
            status=payload.status,
            date=payload.date,
            evidence=payload.evidence,
            evidence_url=payload.evidence_url,
        ),
    )
    return Status(201, selectors.pledge_detail(pledge_id=pledge_id, user=user))


@router.post(
    "/{pledge_id}/publish",
    response={200: PledgeOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Publish or withdraw a pledge",
)
def pledge_publish(request: HttpRequest, pledge_id: int, published: bool = True) -> Any:
    """Show the pledge to everyone; `published=false` withdraws it from public view."""
    user = request_user(request)
    services.pledge_publish(by=user, pledge_id=pledge_id, published=published)
    return selectors.pledge_detail(pledge_id=pledge_id, user=user)

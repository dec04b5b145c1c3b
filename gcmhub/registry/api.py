"""``/api/v1/registry/``: countries, consultation mechanisms, organisations, views across them."""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, UploadedFile
from ninja.security import django_auth

from gcmhub.accounts.api import request_user
from gcmhub.common.api import ERROR_RESPONSES
from gcmhub.common.errors import InvalidInput
from gcmhub.common.exports import export_response
from gcmhub.registry import selectors, services

router = Router(tags=["registry"])

LangCode = Literal["en", "fr", "es", "ar", "ru", "zh"]
ExportFormat = Literal["csv", "xlsx", "json"]
MechanismTypeCode = Literal["rcp", "irf", "global"]


class CountryOut(Schema):
    iso3: str
    iso2: str
    m49: str
    name: str
    name_en: str
    un_status: str
    region: str
    subregion: str
    intermediate_region: str
    ldc: bool
    lldc: bool
    sids: bool
    gcm_vote: str
    mechanism_count: int
    url: str


class MechanismOut(Schema):
    slug: str
    short_name: str
    acronym: str
    full_name: str
    type: str
    type_label: str
    established: int | None
    active: bool
    regions: list[str]
    enumerated: bool
    member_count: int
    observer_count: int
    member_count_stated: str
    membership_certainty: str
    url: str


class CategoryOut(Schema):
    code: str
    title: str


class OrganisationOut(Schema):
    slug: str
    name: str
    acronym: str
    kind: str
    kind_label: str
    group: str
    country: str
    website: str
    stakeholder_category: CategoryOut | None
    member_count: int | None
    url: str


class MembershipIn(Schema):
    role: Literal["member", "observer"] = "member"
    certainty: Literal["confirmed", "uncertain", "inferred"] = "confirmed"
    source: str
    note: str = ""
    joined: str = ""
    left: str = ""
    version: int | None = None


class ImportOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool


class CountryFilters(Schema):
    region: str | None = None
    un_status: Literal["member_state", "observer_state", "other"] | None = None
    group: Literal["ldc", "lldc", "sids"] | None = None
    mechanism: str | None = None
    q: str | None = None
    sort: Literal["name", "iso3", "m49", "mechanisms"] = "name"
    lang: LangCode | None = None


class MechanismFilters(Schema):
    type: MechanismTypeCode | None = None
    region: str | None = None
    focus: str | None = None
    member: str | None = None
    active: bool | None = None
    q: str | None = None
    sort: Literal["name", "type", "established", "members"] = "name"


def _country_filters(f: CountryFilters) -> dict[str, Any]:
    return {
        "region": f.region,
        "un_status": f.un_status,
        "group": f.group,
        "mechanism": f.mechanism,
        "q": f.q,
        "sort": f.sort,
        "language": f.lang,
    }


@router.get(
    "/countries", response={200: list[CountryOut], **ERROR_RESPONSES}, summary="Countries and areas"
)
def countries(request: HttpRequest, filters: CountryFilters = Query(...)) -> Any:  # noqa: B008
    """All M49 countries and areas; `un_status=member_state` gives the 193 UN Member States."""
    return selectors.area_list(**_country_filters(filters))


@router.get(
    "/countries/export", response={200: None, **ERROR_RESPONSES}, summary="Export countries"
)
def countries_export(
    request: HttpRequest,
    format: ExportFormat = "csv",
    filters: CountryFilters = Query(...),  # noqa: B008
) -> Any:
    rows = selectors.area_list(**_country_filters(filters))
    return export_response(rows, selectors.AREA_COLUMNS, format, filename="countries")


@router.get(
    "/countries/{iso3}",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="Country profile",
)
def country(request: HttpRequest, iso3: str, lang: LangCode | None = None) -> Any:
    """Regions, UN regional commission, memberships with status and source, and the GCM vote."""
    return selectors.area_detail(iso3=iso3, language=lang)


@router.get("/regions", response=list[dict[str, Any]], summary="UN M49 regions")
def regions(request: HttpRequest) -> Any:
    return selectors.region_list()


@router.get(
    "/mechanisms",
    response={200: list[MechanismOut], **ERROR_RESPONSES},
    summary="Consultation mechanisms",
)
def mechanisms(request: HttpRequest, filters: MechanismFilters = Query(...)) -> Any:  # noqa: B008
    """RCPs, inter-regional forums and global processes; filter by type, region, focus or member."""
    return selectors.mechanism_list(**filters.dict())


@router.get(
    "/mechanisms/export", response={200: None, **ERROR_RESPONSES}, summary="Export mechanisms"
)
def mechanisms_export(
    request: HttpRequest,
    format: ExportFormat = "csv",
    filters: MechanismFilters = Query(...),  # noqa: B008
) -> Any:
    rows = selectors.mechanism_list(**filters.dict())
    return export_response(rows, selectors.MECHANISM_COLUMNS, format, filename="mechanisms")


@router.get(
    "/memberships/export", response={200: None, **ERROR_RESPONSES}, summary="Export memberships"
)
def memberships_export(
    request: HttpRequest, format: ExportFormat = "csv", mechanism: str | None = None
) -> Any:
    """Every membership claim (main list and other sources), one row each."""
    rows = selectors.membership_rows(mechanism=mechanism)
    return export_response(rows, selectors.MEMBERSHIP_COLUMNS, format, filename="memberships")


@router.post(
    "/memberships/import",
    response={200: ImportOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Import memberships (CSV or YAML)",
)
def memberships_import(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
    dry_run: bool = False,
) -> Any:
    """Columns: mechanism, iso3, role, joined, left, source, certainty, note. All rows or none."""
    if file.size and file.size > services.MAX_IMPORT_BYTES:
        raise InvalidInput(
            f"{file.name} is {file.size:,} bytes; the limit is {services.MAX_IMPORT_BYTES:,}."
        )
    report = services.membership_import(
        by=request_user(request),
        content=file.read(),
        filename=file.name or "upload.csv",
        dry_run=dry_run,
    )
    return report.as_dict()


@router.get(
    "/mechanisms/{slug}",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="Mechanism profile",
)
def mechanism(request: HttpRequest, slug: str, lang: LangCode | None = None) -> Any:
    return selectors.mechanism_detail(slug=slug, user=request.user, language=lang)


@router.get(
    "/mechanisms/{slug}/history",
    response={200: list[dict[str, Any]], **ERROR_RESPONSES},
    summary="Membership changes",
)
def mechanism_history(request: HttpRequest, slug: str) -> Any:
    return selectors.membership_history(slug=slug)


@router.put(
    "/mechanisms/{slug}/members/{iso3}",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    auth=django_auth,
    summary="Add or change a membership",
)
def membership_put(request: HttpRequest, slug: str, iso3: str, payload: MembershipIn) -> Any:
    """For the mechanism's secretariat and platform admins. Send the `version` you read to get a
    409 conflict, rather than overwriting, when someone saved in between."""
    data = services.MembershipInput(
        role=payload.role,
        certainty=payload.certainty,
        source=payload.source,
        note=payload.note,
        joined=payload.joined,
        left=payload.left,
    )
    row = services.membership_save(
        by=request_user(request), mechanism_slug=slug, iso3=iso3, data=data, version=payload.version
    )
    return {
        "id": row.pk,
        "version": row.version,
        **{k: getattr(row, k) for k in services.MEMBERSHIP_FIELDS},
    }


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **ERROR_RESPONSES},
    summary="Organisations",
)
def organisations(
    request: HttpRequest,
    kind: str | None = None,
    group: str | None = None,
    category: str | None = None,
    q: str | None = None,
) -> Any:
    """UN entities and commissions, regional organisations, stakeholders, local governments."""
    return selectors.organisation_list(kind=kind, group=group, category=category, q=q)


@router.get(
    "/organisations/export", response={200: None, **ERROR_RESPONSES}, summary="Export organisations"
)
def organisations_export(
    request: HttpRequest,
    format: ExportFormat = "csv",
    kind: str | None = None,
    group: str | None = None,
    category: str | None = None,
    q: str | None = None,
) -> Any:
    rows = selectors.organisation_rows(kind=kind, group=group, category=category, q=q)
    return export_response(rows, selectors.ORGANISATION_COLUMNS, format, filename="organisations")


@router.get(
    "/organisations/{slug}",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="Organisation",
)
def organisation(request: HttpRequest, slug: str, lang: LangCode | None = None) -> Any:
    return selectors.organisation_detail(slug=slug, language=lang)


@router.get(
    "/matrix",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="Country x mechanism matrix",
)
def matrix(
    request: HttpRequest, type: MechanismTypeCode | None = None, region: str | None = None
) -> Any:
    return selectors.matrix(type=type, region=region)


@router.get(
    "/network", response={200: dict[str, Any], **ERROR_RESPONSES}, summary="Overlap network"
)
def network(
    request: HttpRequest, type: MechanismTypeCode | None = None, min_shared: int = 1
) -> Any:
    """Mechanisms linked by the number of current members they share (and the Jaccard index)."""
    return selectors.network(type=type, min_shared=min_shared)


@router.get(
    "/world", response={200: dict[str, Any], **ERROR_RESPONSES}, summary="Mechanisms per country"
)
def world(request: HttpRequest, type: MechanismTypeCode | None = None) -> Any:
    return selectors.world_counts(type=type)


@router.get(
    "/answers/covering",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="Mechanisms on a theme",
)
def covering(request: HttpRequest, item: str) -> Any:
    """Which mechanisms work on a framework item (`objective:6`, `cluster:...`)."""
    return selectors.mechanisms_covering(item=item)


@router.get(
    "/answers/outside-rcps",
    response={200: list[dict[str, Any]], **ERROR_RESPONSES},
    summary="States in no RCP",
)
def outside_rcps(request: HttpRequest, lang: LangCode | None = None) -> Any:
    """UN Member States that are not current members of any regional consultative process."""
    return selectors.areas_without_rcp(language=lang)


@router.get(
    "/answers/overlap", response={200: dict[str, Any], **ERROR_RESPONSES}, summary="Overlap of two"
)
def overlap(request: HttpRequest, a: str, b: str, lang: LangCode | None = None) -> Any:
    return selectors.overlap(a=a, b=b, language=lang)


@router.get("/meetings", response=list[dict[str, Any]], summary="Global meetings of the mechanisms")
def meetings(request: HttpRequest) -> Any:
    return selectors.meeting_list()

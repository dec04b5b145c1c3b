"""``/api/v1/reviews/``: review cycles, national reviews, stakeholder inputs and syntheses.

Reads are public but answer only with what the caller may see (published content for visitors);
writes need a logged-in session and its CSRF token. Saves carry the ``version`` that was read.
"""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.security import django_auth

from gcmhub.accounts.api import request_user
from gcmhub.common.api import ERROR_RESPONSES
from gcmhub.common.errors import FieldError, InvalidInput
from gcmhub.common.exports import export_response
from gcmhub.reviews import selectors, services

router = Router(tags=["reviews"])

Action = Literal["submit", "return", "validate", "publish"]
TableFormat = Literal["json", "csv", "xlsx"]
SectionStatusCode = Literal[
    "", "not_started", "planned", "in_progress", "implemented", "not_applicable"
]


class CycleOut(Schema):
    slug: str
    title: str
    kind: str
    kind_label: str
    round: int | None
    start_year: int
    end_year: int
    status: str
    status_label: str
    opens: Any
    closes: Any
    reviews_received: int
    reviews_published: int
    inputs_published: int
    events: list[dict[str, Any]]
    url: str


class ReviewOut(Schema):
    cycle: str
    cycle_title: str
    iso3: str
    country: str
    organisation: str
    status: str
    status_label: str
    version: int
    reported: int
    is_sample: bool
    submitted_at: Any
    published_at: Any
    url: str
    api_url: str


class ReviewIn(Schema):
    cycle: str
    iso3: str
    summary: str = ""


class ContributorIn(Schema):
    body: str
    kind: Literal["ministry", "agency", "parliament", "local", "other"] = "ministry"
    items: list[str] = []
    note: str = ""


class ConsultationIn(Schema):
    category: str
    method: Literal["meeting", "written", "survey", "online", "committee", "other"] = "meeting"
    held_on: str = ""
    description: str = ""


class ReviewUpdateIn(Schema):
    version: int
    summary: str | None = None
    contributors: list[ContributorIn] | None = None
    consultations: list[ConsultationIn] | None = None


class SectionIn(Schema):
    version: int
    status: SectionStatusCode = ""
    actions: str = ""
    challenges: str = ""
    good_practices: str = ""
    support_needed: str = ""
    free_text: str = ""
    sdg_targets: list[str] = []


class SectionOut(Schema):
    status: str
    actions: str
    challenges: str
    good_practices: str
    support_needed: str
    free_text: str
    sdg_targets: list[str]
    version: int


class AssignIn(Schema):
    usernames: list[str]


class StepIn(Schema):
    comment: str = ""


class StatusOut(Schema):
    status: str
    version: int


class AttachmentOut(Schema):
    id: int
    filename: str
    kind: str
    size: int
    sha256: str


class InputIn(Schema):
    cycle: str
    organisation: str
    title: str
    text: str
    items: list[str] = []
    commission: str = ""


class InputUpdateIn(Schema):
    version: int
    title: str
    text: str
    items: list[str] = []
    commission: str = ""


def _table(data: dict[str, Any], rows_of: Any, fmt: str, filename: str) -> Any:
    if fmt == "json":
        return data
    rows, columns = rows_of(data)
    return export_response(rows, columns, fmt, filename=filename)


# --- cycles ------------------------------------------------------------------------------------


@router.get("/cycles", response={200: list[CycleOut], **ERROR_RESPONSES}, summary="Review cycles")
def cycles(
    request: HttpRequest,
    kind: Literal["national", "regional", "imrf"] | None = None,
    status: Literal["upcoming", "open", "closed"] | None = None,
) -> Any:
    """Regional review rounds and IMRFs, past and coming, with their dated events."""
    return selectors.cycle_list(kind=kind, status=status)


class CycleIn(Schema):
    slug: str
    title: str
    kind: Literal["national", "regional", "imrf"] = "national"
    start_year: int
    end_year: int
    opens: str = ""
    closes: str = ""
    scope_commission: str = ""
    scope_areas: list[str] = []
    organiser: str = ""
    description: str = ""


@router.post(
    "/cycles",
    response={201: CycleOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Create a review cycle",
)
def cycle_create(request: HttpRequest, payload: CycleIn) -> Any:
    """Platform administrators: a cycle outside the reference calendar, e.g. a round of
    voluntary national reviews limited to some countries (`scope_areas`) or to a commission's
    region (`scope_commission`)."""
    cycle = services.cycle_create(
        by=request_user(request), data=services.CycleInput(**payload.dict())
    )
    return Status(201, selectors.cycle_detail(slug=cycle.slug))


@router.get("/cycles/{slug}", response={200: CycleOut, **ERROR_RESPONSES}, summary="One cycle")
def cycle(request: HttpRequest, slug: str) -> Any:
    return selectors.cycle_detail(slug=slug)


# --- national reviews ---------------------------------------------------------------------------


@router.get(
    "/national", response={200: list[ReviewOut], **ERROR_RESPONSES}, summary="National reviews"
)
def reviews(
    request: HttpRequest,
    cycle: str | None = None,
    iso3: str | None = None,
    status: Literal["draft", "submitted", "returned", "validated", "published"] | None = None,
    commission: str | None = None,
    mechanism: str | None = None,
    sample: bool | None = None,
) -> Any:
    """The reviews you may see: published ones for everyone, drafts only for their State."""
    return selectors.review_list(
        user=request.user,
        cycle=cycle,
        iso3=iso3,
        status=status,
        commission=commission,
        mechanism=mechanism,
        sample=sample,
    )


@router.post(
    "/national",
    response={201: ReviewOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Start a national review",
)
def review_create(request: HttpRequest, payload: ReviewIn) -> Any:
    """For the State's focal points: creates the review with its 33 empty sections."""
    user = request_user(request)
    review = services.review_create(
        by=user, cycle_slug=payload.cycle, iso3=payload.iso3, summary=payload.summary
    )
    rows = selectors.review_list(user=user, cycle=review.cycle.slug, iso3=review.area.iso3)
    return Status(201, rows[0])


@router.get(
    "/national/{cycle}/{iso3}",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="One national review",
)
def review(request: HttpRequest, cycle: str, iso3: str) -> Any:
    """Sections, whole-of-government and whole-of-society lists, attachments, workflow steps
    and what you may do with it."""
    return selectors.review_detail(user=request.user, cycle=cycle, iso3=iso3)


@router.put(
    "/national/{cycle}/{iso3}",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    auth=django_auth,
    summary="Change a review's summary and lists",
)
def review_update(request: HttpRequest, cycle: str, iso3: str, payload: ReviewUpdateIn) -> Any:
    """A list sent replaces the saved one; a list left out stays as it is."""
    user = request_user(request)
    services.review_update(
        by=user,
        cycle_slug=cycle,
        iso3=iso3,
        version=payload.version,
        summary=payload.summary,
        contributors=None
        if payload.contributors is None
        else [services.ContributorInput(**c.dict()) for c in payload.contributors],
        consultations=None
        if payload.consultations is None
        else [services.ConsultationInput(**c.dict()) for c in payload.consultations],
    )
    return selectors.review_detail(user=user, cycle=cycle, iso3=iso3)


@router.put(
    "/national/{cycle}/{iso3}/sections/{item}",
    response={200: SectionOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Save one section",
)
def section_put(request: HttpRequest, cycle: str, iso3: str, item: str, payload: SectionIn) -> Any:
    """`item` is an objective number (`7`) or a principle letter (`p:a`). Send the `version`
    you read: if someone saved in between, the answer is 409 with their version in `current`."""
    data = payload.dict()
    version = data.pop("version")
    section = services.section_save(
        by=request_user(request),
        cycle_slug=cycle,
        iso3=iso3,
        item=item,
        data=services.SectionInput(**data),
        version=version,
    )
    return section.values()


@router.get(
    "/national/{cycle}/{iso3}/sections/{item}/history",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="Versions of a section",
)
def section_history(request: HttpRequest, cycle: str, iso3: str, item: str) -> Any:
    """Every saved version, newest first, with word-level changes from the one before."""
    return selectors.section_history(user=request.user, cycle=cycle, iso3=iso3, item=item)


@router.put(
    "/national/{cycle}/{iso3}/sections/{item}/assignees",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    auth=django_auth,
    summary="Assign a section to contributors",
)
def section_assign(
    request: HttpRequest, cycle: str, iso3: str, item: str, payload: AssignIn
) -> Any:
    section = services.section_assign(
        by=request_user(request),
        cycle_slug=cycle,
        iso3=iso3,
        item=item,
        usernames=payload.usernames,
    )
    return {"assignees": sorted(section.assignees.values_list("username", flat=True))}


def _attach(request: HttpRequest, file: UploadedFile, **target: Any) -> Any:
    if file.size and file.size > services.MAX_ATTACHMENT_BYTES:
        raise InvalidInput(
            "The file was not attached.",
            [
                FieldError(
                    f"is {file.size:,} bytes; the limit is {services.MAX_ATTACHMENT_BYTES:,}",
                    "file",
                    file.name,
                )
            ],
        )
    attachment = services.attachment_add(
        by=request_user(request), filename=file.name or "upload", content=file.read(), **target
    )
    return Status(201, attachment)


@router.post(
    "/national/{cycle}/{iso3}/attachments",
    response={201: AttachmentOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Attach a PDF or DOCX to a review",
)
def review_attach(
    request: HttpRequest,
    cycle: str,
    iso3: str,
    file: UploadedFile = File(...),  # noqa: B008
) -> Any:
    """The type is checked from the file's bytes, not its name; 20 MB at most."""
    return _attach(request, file, cycle_slug=cycle, iso3=iso3)


@router.post(
    "/national/{cycle}/{iso3}/{action}",
    response={200: StatusOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Submit, return, validate or publish a review",
)
def review_step(
    request: HttpRequest, cycle: str, iso3: str, action: Action, payload: StepIn
) -> Any:
    """Authors submit; the responsible secretariat or reviewers return (a comment is required)
    or validate; reviewers publish."""
    review = services.review_transition(
        by=request_user(request),
        cycle_slug=cycle,
        iso3=iso3,
        action=action,
        comment=payload.comment,
    )
    return {"status": review.status, "version": review.version}


@router.delete(
    "/attachments/{pk}",
    response={204: None, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Remove an attachment",
)
def attachment_delete(request: HttpRequest, pk: int) -> Any:
    services.attachment_remove(by=request_user(request), pk=pk)
    return Status(204, None)


# --- stakeholder inputs -------------------------------------------------------------------------


@router.get("/inputs", response={200: list[dict[str, Any]], **ERROR_RESPONSES}, summary="Inputs")
def inputs(
    request: HttpRequest,
    cycle: str | None = None,
    commission: str | None = None,
    organisation: str | None = None,
    status: Literal["draft", "submitted", "returned", "validated", "published"] | None = None,
    item: str | None = None,
) -> Any:
    """Stakeholder inputs to regional reviews and IMRFs that you may see."""
    return selectors.input_list(
        user=request.user,
        cycle=cycle,
        commission=commission,
        organisation=organisation,
        status=status,
        item=item,
    )


@router.post(
    "/inputs",
    response={201: dict[str, Any], **ERROR_RESPONSES},
    auth=django_auth,
    summary="Write a stakeholder input",
)
def input_create(request: HttpRequest, payload: InputIn) -> Any:
    user = request_user(request)
    record = services.input_create(
        by=user,
        cycle_slug=payload.cycle,
        organisation_slug=payload.organisation,
        data=services.InputData(
            title=payload.title,
            text=payload.text,
            items=payload.items,
            commission=payload.commission,
        ),
    )
    return Status(201, selectors.input_detail(user=user, pk=record.pk))


@router.get("/inputs/{pk}", response={200: dict[str, Any], **ERROR_RESPONSES}, summary="One input")
def input_detail(request: HttpRequest, pk: int) -> Any:
    return selectors.input_detail(user=request.user, pk=pk)


@router.put(
    "/inputs/{pk}",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    auth=django_auth,
    summary="Change an input",
)
def input_update(request: HttpRequest, pk: int, payload: InputUpdateIn) -> Any:
    user = request_user(request)
    services.input_update(
        by=user,
        pk=pk,
        version=payload.version,
        data=services.InputData(
            title=payload.title,
            text=payload.text,
            items=payload.items,
            commission=payload.commission,
        ),
    )
    return selectors.input_detail(user=user, pk=pk)


@router.post(
    "/inputs/{pk}/attachments",
    response={201: AttachmentOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Attach a PDF or DOCX to an input",
)
def input_attach(
    request: HttpRequest,
    pk: int,
    file: UploadedFile = File(...),  # noqa: B008
) -> Any:
    return _attach(request, file, input_pk=pk)


@router.post(
    "/inputs/{pk}/{action}",
    response={200: StatusOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Submit, return, validate or publish an input",
)
def input_step(request: HttpRequest, pk: int, action: Action, payload: StepIn) -> Any:
    record = services.input_transition(
        by=request_user(request), pk=pk, action=action, comment=payload.comment
    )
    return {"status": record.status, "version": record.version}


# --- syntheses ---------------------------------------------------------------------------------


class ScopeFilters(Schema):
    cycle: str
    commission: str | None = None
    mechanism: str | None = None


@router.get(
    "/coverage",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="Coverage matrix: countries x objectives",
)
def coverage(
    request: HttpRequest,
    filters: ScopeFilters = Query(...),  # noqa: B008
    principles: bool = False,
    format: TableFormat = "json",
) -> Any:
    """One row per State expected in the cycle (or the region), one cell per objective: the
    status its published review gives; `format=csv|xlsx` downloads the matrix."""
    data = selectors.coverage(**filters.dict(), principles=principles)
    return _table(data, selectors.coverage_rows, format, f"coverage-{filters.cycle}")


@router.get(
    "/synthesis/regional",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="Regional synthesis",
)
def regional(
    request: HttpRequest,
    filters: ScopeFilters = Query(...),  # noqa: B008
    format: TableFormat = "json",
) -> Any:
    """For a UN regional commission's region (`commission=eca`) or a mechanism's members
    (`mechanism=budapest-process`): reviews received and expected, objectives most and least
    reported, status distribution per objective, challenges, good practices and pledges."""
    data = selectors.regional_synthesis(**filters.dict())
    return _table(data, selectors.synthesis_rows, format, f"synthesis-{filters.cycle}")


@router.get(
    "/synthesis/global",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="Global synthesis by IMRF round table",
)
def global_(request: HttpRequest, cycle: str, format: TableFormat = "json") -> Any:
    data = selectors.global_synthesis(cycle=cycle)
    return _table(data, selectors.synthesis_rows, format, f"global-{cycle}")


@router.get(
    "/compare",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="Cycle-over-cycle comparison",
)
def compare(
    request: HttpRequest,
    iso3: str | None = None,
    commission: str | None = None,
    mechanism: str | None = None,
    cycles: str | None = None,
) -> Any:
    """For a country (`iso3`) or a region: each objective's status in each cycle.
    `cycles` is a comma-separated list of cycle slugs (all cycles when left out)."""
    return selectors.comparison(
        iso3=iso3,
        commission=commission,
        mechanism=mechanism,
        cycles=[c for c in (cycles or "").split(",") if c] or None,
    )

"""``/api/v1/evidence/``: documents and passages, search, tags, the evidence map and the tagger.

Reads answer with what the caller may see (published documents for visitors). Writes need a
logged-in session and its CSRF token, and the roles listed in ``evidence.services``.
"""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.security import django_auth

from gcmhub.accounts.api import request_user
from gcmhub.common.api import ERROR_RESPONSES
from gcmhub.common.errors import FieldError, InvalidInput
from gcmhub.common.exports import export_response
from gcmhub.evidence import extract, selectors, services
from gcmhub.tagger import KINDS, get_tagger

router = Router(tags=["evidence"])

TableFormat = Literal["json", "csv", "xlsx"]
Axis = Literal["region", "country", "doc_type", "year"]
Kind = Literal["objective", "principle", "cluster", "sdg_goal", "sdg_target"]
Mode = Literal["hybrid", "semantic", "fulltext"]
Decision = Literal["suggested", "confirmed", "rejected"]


class FilterQuery(Schema):
    item: str = ""
    iso3: str = ""
    region: str = ""
    organisation: int | None = None
    doc_type: str = ""
    language: str = ""
    year: int | None = None
    page: int = 1


class SearchQuery(FilterQuery):
    q: str
    mode: Mode = "hybrid"


class DocumentMeta(Schema):
    doc_type: str = "other"
    year: int | None = None
    iso3: str = ""
    organisation: int | None = None
    is_public: bool = False
    licence: str = ""
    source_url: str = ""
    title: str = ""


class DocumentPatch(Schema):
    title: str | None = None
    doc_type: str | None = None
    year: int | None = None
    iso3: str | None = None
    organisation: int | None = None
    is_public: bool | None = None
    licence: str | None = None
    source_url: str | None = None


class IngestOut(Schema):
    filename: str
    status: str
    document_id: int
    passages: int
    suggested: int


class TagDecisionIn(Schema):
    status: Decision


class TagAddIn(Schema):
    kind: Kind
    code: str
    passage: int | None = None
    document: int | None = None


class TagOut(Schema):
    id: int
    status: str
    kind: str
    code: str


class TagTextIn(Schema):
    text: str
    kinds: list[Kind] | None = None
    top: int | None = None
    all: bool = False


def _size_check(file: UploadedFile) -> None:
    if file.size is not None and file.size > extract.MAX_BYTES:
        raise InvalidInput(
            "The file was not ingested.",
            [
                FieldError(
                    f"is {file.size:,} bytes; the limit is {extract.MAX_BYTES:,}",
                    "file",
                    file.name,
                )
            ],
        )


@router.get("/documents", summary="Documents you may read, newest first")
def document_list(request: HttpRequest, filters: Query[FilterQuery]) -> Any:
    params = filters.dict()
    return selectors.document_list(request.user, selectors.filters_from(params), page=filters.page)


@router.post(
    "/documents",
    response={201: IngestOut, 200: IngestOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Upload one document (PDF, DOCX, HTML, Markdown or text) and tag its passages",
)
def document_upload(
    request: HttpRequest,
    meta: Form[DocumentMeta],
    file: UploadedFile = File(...),  # noqa: B008
) -> Any:
    """Answers 201 with the new document, or 200 "unchanged" when the same bytes are held."""
    _size_check(file)
    result = services.ingest_file(
        by=request_user(request),
        filename=file.name or "upload",
        content=file.read(),
        options=meta.dict(),
    )
    return Status(201 if result.status == "created" else 200, result.as_dict())


@router.get("/documents/{pk}", summary="A document with its passages and tags")
def document_detail(request: HttpRequest, pk: int) -> Any:
    return selectors.document_detail(request.user, pk)


@router.patch(
    "/documents/{pk}",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    auth=django_auth,
    summary="Change a document's details",
)
def document_update(request: HttpRequest, pk: int, payload: DocumentPatch) -> Any:
    changes = {k: v for k, v in payload.dict().items() if v is not None}
    services.document_update(by=request_user(request), pk=pk, changes=changes)
    return selectors.document_detail(request_user(request), pk)


@router.delete(
    "/documents/{pk}",
    response={204: None, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Remove a document, its passages and tags",
)
def document_delete(request: HttpRequest, pk: int) -> Any:
    services.document_delete(by=request_user(request), pk=pk)
    return Status(204, None)


@router.post(
    "/documents/{pk}/retag",
    response={200: dict[str, int], **ERROR_RESPONSES},
    auth=django_auth,
    summary="Suggest tags again with the current tagger and curated examples",
)
def document_retag(request: HttpRequest, pk: int) -> Any:
    return {"suggested": services.document_retag(by=request_user(request), pk=pk)}


@router.post(
    "/batches",
    response={201: dict[str, Any], **ERROR_RESPONSES},
    auth=django_auth,
    summary="Queue several files for ingest in the background",
)
def batch_create(
    request: HttpRequest,
    meta: Form[DocumentMeta],
    files: list[UploadedFile] = File(...),  # noqa: B008
) -> Any:
    for f in files:
        _size_check(f)
    batch = services.batch_create(
        by=request_user(request),
        files=[(f.name or "upload", f.read()) for f in files],
        options=meta.dict(),
    )
    return Status(201, selectors.batch_detail(request_user(request), batch.pk))


@router.get(
    "/batches/{pk}",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    auth=django_auth,
    summary="Progress of a batch, with its failures file by file",
)
def batch_detail(request: HttpRequest, pk: int) -> Any:
    return selectors.batch_detail(request_user(request), pk)


@router.get("/search", response={200: dict[str, Any], **ERROR_RESPONSES}, summary="Search")
def search(request: HttpRequest, params: Query[SearchQuery]) -> Any:
    """Full-text and semantic search ranked together (``mode=hybrid``), or either alone.
    A query in any of the six UN languages finds passages in the others."""
    filters = selectors.filters_from(params.dict())
    return selectors.search(request.user, params.q, filters, page=params.page, mode=params.mode)


@router.patch(
    "/tags/{pk}",
    response={200: TagOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Confirm or reject a tag",
)
def tag_decide(request: HttpRequest, pk: int, payload: TagDecisionIn) -> Any:
    tag = services.tag_decide(by=request_user(request), pk=pk, status=payload.status)
    return {"id": tag.pk, "status": tag.status, "kind": tag.item.kind, "code": tag.item.code}


@router.post(
    "/tags",
    response={201: TagOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="Add a confirmed tag to a passage or a document",
)
def tag_add(request: HttpRequest, payload: TagAddIn) -> Any:
    kind, code = payload.kind, payload.code
    tag = services.tag_add(
        by=request_user(request),
        kind=kind,
        code=code,
        passage_id=payload.passage,
        document_id=payload.document,
    )
    return Status(201, {"id": tag.pk, "status": tag.status, "kind": kind, "code": code})


@router.get("/map", summary="The evidence map: framework items by region, country, type or year")
def evidence_map(
    request: HttpRequest,
    axis: Axis = "region",
    kind: Kind = "objective",
    format: TableFormat = "json",
) -> Any:
    data = selectors.evidence_map(request.user, axis=axis, kind=kind)
    if format == "json":
        return data
    rows = selectors.map_rows(data)
    columns = [
        ("kind", "kind"),
        ("code", "code"),
        ("title", "title"),
        (axis, axis),
        ("confirmed", "confirmed"),
        ("suggested", "suggested"),
    ]
    return export_response(rows, columns, format, filename=f"evidence-map-{kind}-{axis}")


@router.get(
    "/items/{kind}/{code}",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="What we know about one framework item: counts and the strongest passages",
)
def item_evidence(request: HttpRequest, kind: Kind, code: str) -> Any:
    return selectors.item_evidence(request.user, kind, code)


@router.post("/tag", summary="Tag a text with the framework tagger (nothing is stored)")
def tag_text(request: HttpRequest, payload: TagTextIn) -> Any:
    if len(payload.text) > 20_000:
        raise InvalidInput(
            "The text is too long.", [FieldError("has more than 20,000 characters", "text")]
        )
    tags = get_tagger().tag(
        payload.text, kinds=payload.kinds or KINDS, top=payload.top, all_items=payload.all
    )
    return {"tags": [t.as_dict() for t in tags]}

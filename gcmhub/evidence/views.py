"""Evidence pages. Each calls the selector its JSON twin calls, and links that twin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gcmhub.accounts.models import Membership, Organisation
from gcmhub.accounts.permissions import is_platform_admin
from gcmhub.common.errors import FieldError, InvalidInput, ServiceError
from gcmhub.common.exports import FORMATS
from gcmhub.evidence import access, extract, selectors, services
from gcmhub.evidence.models import DocumentType
from gcmhub.framework.kinds import KIND_PLURALS, SEGMENT_KINDS, ItemKind

MAP_KINDS = ("objective", "principle", "cluster", "sdg_goal", "sdg_target")


def index(request: HttpRequest) -> HttpResponse:
    """Search, with filters; without a query, the newest documents."""
    query = request.GET.get("q", "").strip()
    context: dict[str, Any] = {
        "query": query,
        "params": request.GET,
        "options": selectors.filter_options(request.user),
        "mode": request.GET.get("mode", "hybrid"),
    }
    try:
        filters = selectors.filters_from(request.GET)
        page = max(int(request.GET.get("page") or 1), 1)
        if query:
            context["results"] = selectors.search(
                request.user, query, filters, page=page, mode=context["mode"]
            )
            context["json_url"] = "/api/v1/evidence/search?" + request.GET.urlencode()
        else:
            context["listing"] = selectors.document_list(request.user, filters, page=page)
            context["json_url"] = "/api/v1/evidence/documents?" + request.GET.urlencode()
    except (InvalidInput, ValueError) as exc:
        context["error"] = exc.message if isinstance(exc, InvalidInput) else str(exc)
        context["errors"] = [str(e) for e in getattr(exc, "errors", [])]
    return render(request, "evidence/index.html", context)


def _ingest_organisations(user: Any) -> list[Organisation]:
    if is_platform_admin(user):
        return list(Organisation.objects.order_by("name"))
    ids = Membership.objects.filter(user=user, role__in=access.INGEST_ROLES).values_list(
        "organisation_id", flat=True
    )
    return list(Organisation.objects.filter(pk__in=list(ids)).order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """One file is ingested at once; several go to a background batch."""
    orgs = _ingest_organisations(request.user)
    context: dict[str, Any] = {
        "organisations": orgs,
        "doc_types": DocumentType.choices,
        "values": {"organisation": str(orgs[0].pk) if len(orgs) == 1 else ""},
        "max_mb": extract.MAX_BYTES // (1024 * 1024),
    }
    if request.method == "POST":
        fields = ("doc_type", "year", "iso3", "organisation", "licence", "source_url", "title")
        values = {k: request.POST.get(k, "") for k in fields}
        values["is_public"] = request.POST.get("is_public", "")
        context["values"] = values
        files = request.FILES.getlist("files")
        try:
            too_big = [f.name for f in files if (f.size or 0) > extract.MAX_BYTES]
            if too_big:
                raise InvalidInput(
                    _("Nothing was ingested."),
                    [
                        FieldError(
                            _("is larger than %(mb)s MB") % {"mb": context["max_mb"]},
                            "files",
                            name,
                        )
                        for name in too_big
                    ],
                )
            if len(files) == 1:
                f = files[0]
                result = services.ingest_file(
                    by=request.user, filename=f.name or "upload", content=f.read(), options=values
                )
                if result.status == "unchanged":
                    messages.info(request, _("This file is already in the evidence base."))
                else:
                    messages.success(
                        request,
                        _("%(file)s: %(n)s passages, %(t)s suggested tags.")
                        % {"file": result.filename, "n": result.passages, "t": result.suggested},
                    )
                return redirect("evidence:document", pk=result.document_id)
            batch = services.batch_create(
                by=request.user,
                files=[(f.name or "upload", f.read()) for f in files],
                options=values,
            )
            return redirect("evidence:batch", pk=batch.pk)
        except ServiceError as exc:
            context["error"] = exc.message
            context["errors"] = [str(e) for e in getattr(exc, "errors", [])]
    return render(
        request, "evidence/upload.html", context, status=422 if "error" in context else 200
    )


@login_required
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    data = selectors.batch_detail(request.user, pk)
    return render(
        request,
        "evidence/batch.html",
        {"batch": data, "json_url": f"/api/v1/evidence/batches/{pk}"},
    )


def document(request: HttpRequest, pk: int) -> HttpResponse:
    data = selectors.document_detail(request.user, pk)
    items = selectors.filter_options(request.user)["items"] if data["can_curate"] else []
    return render(
        request,
        "evidence/document.html",
        {"doc": data, "items": items, "json_url": f"/api/v1/evidence/documents/{pk}"},
    )


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
def tag_decide(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        tag = services.tag_decide(by=request.user, pk=pk, status=request.POST.get("status", ""))
        messages.success(
            request,
            _("%(kind)s %(code)s is now %(status)s.")
            % {
                "kind": tag.item.get_kind_display(),
                "code": tag.item.code,
                "status": tag.get_status_display().lower(),
            },
        )
        fallback = reverse("evidence:document", args=[tag.document_id])
    except ServiceError as exc:
        messages.error(request, exc.message)
        fallback = reverse("evidence:index")
    return _back(request, fallback)


@login_required
@require_POST
def tag_add(request: HttpRequest) -> HttpResponse:
    kind, _sep, code = request.POST.get("item", "").partition(":")
    passage = request.POST.get("passage") or None
    document_pk = request.POST.get("document") or None
    try:
        tag = services.tag_add(
            by=request.user,
            kind=kind,
            code=code,
            passage_id=int(passage) if passage else None,
            document_id=int(document_pk) if document_pk and not passage else None,
        )
        messages.success(
            request,
            _("%(kind)s %(code)s was added.")
            % {"kind": tag.item.get_kind_display(), "code": tag.item.code},
        )
        fallback = reverse("evidence:document", args=[tag.document_id])
    except (ServiceError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
        fallback = reverse("evidence:index")
    return _back(request, fallback)


def evidence_map(request: HttpRequest) -> HttpResponse:
    axis = request.GET.get("axis", "region")
    kind = request.GET.get("kind", "objective")
    fmt = request.GET.get("format", "")
    if axis not in selectors.MAP_AXES or kind not in MAP_KINDS:
        raise Http404(_("Unknown map."))
    data = selectors.evidence_map(request.user, axis=axis, kind=kind)
    if fmt in FORMATS and fmt != "json":
        from gcmhub.common.exports import export_response

        columns = [(k, k) for k in ("kind", "code", "title", axis, "confirmed", "suggested")]
        return export_response(
            selectors.map_rows(data), columns, fmt, filename=f"evidence-map-{kind}-{axis}"
        )
    query = urlencode({"axis": axis, "kind": kind})
    return render(
        request,
        "evidence/map.html",
        {
            "map": data,
            "axes": [
                ("region", _("Region")),
                ("country", _("Country")),
                ("doc_type", _("Document type")),
                ("year", _("Year")),
            ],
            "kinds": [(k, KIND_PLURALS[ItemKind(k)]) for k in MAP_KINDS],
            "query": query,
            "json_url": f"/api/v1/evidence/map?{query}",
        },
    )


def item(request: HttpRequest, segment: str, code: str) -> HttpResponse:
    kind = SEGMENT_KINDS.get(segment)
    if kind is None or kind not in MAP_KINDS:
        raise Http404(_("Unknown framework item."))
    data = selectors.item_evidence(request.user, str(kind), code)
    return render(
        request,
        "evidence/item.html",
        {
            "item": data,
            "kind_label": ItemKind(kind).label,
            "search_url": reverse("evidence:index") + "?" + urlencode({"item": f"{kind}:{code}"}),
            "json_url": f"/api/v1/evidence/items/{kind}/{code}",
        },
    )

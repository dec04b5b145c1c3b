"""Registry pages. Each calls the selector its JSON twin calls, and links that twin."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gcmhub.common.errors import Conflict, InvalidInput, NotFound
from gcmhub.common.exports import FORMATS, export_response
from gcmhub.framework.models import FrameworkItem
from gcmhub.registry import selectors, services
from gcmhub.registry.models import Certainty, MechanismType, UnStatus


def _params(request: HttpRequest, *names: str) -> dict[str, Any]:
    return {n: v for n in names if (v := request.GET.get(n, "").strip())}


def _query(params: dict[str, str], **extra: str) -> str:
    return urlencode({**params, **extra})


def _export_or_page(
    request: HttpRequest,
    rows: list[dict[str, Any]],
    columns: list[tuple[str, str]],
    filename: str,
) -> HttpResponse | None:
    fmt = request.GET.get("format")
    if not fmt:
        return None
    if fmt not in FORMATS:
        raise InvalidInput(_("Unknown export format."))
    return export_response(rows, columns, fmt, filename=filename)


def overview(request: HttpRequest) -> HttpResponse:
    mechanisms = selectors.mechanism_list()
    by_type: dict[str, int] = {}
    for m in mechanisms:
        by_type[m["type"]] = by_type.get(m["type"], 0) + 1
    return render(
        request,
        "registry/overview.html",
        {
            "mechanism_count": len(mechanisms),
            "by_type": [(t.value, t.label, by_type.get(t.value, 0)) for t in MechanismType],
            "member_state_count": len(selectors.area_list(un_status=UnStatus.MEMBER)),
            "meetings": selectors.meeting_list(),
            "json_url": "/api/v1/registry/mechanisms",
        },
    )


def country_list(request: HttpRequest) -> HttpResponse:
    params = _params(request, "region", "un_status", "group", "mechanism", "q", "sort")
    rows = selectors.area_list(**params, language=get_language())
    export = _export_or_page(request, rows, selectors.AREA_COLUMNS, "countries")
    if export:
        return export
    return render(
        request,
        "registry/country_list.html",
        {
            "rows": rows,
            "params": params,
            "query": _query(params),
            "regions": selectors.region_list(),
            "statuses": UnStatus.choices,
            "mechanisms": selectors.mechanism_list(),
            "json_url": f"/api/v1/registry/countries?{_query(params)}",
        },
    )


def country(request: HttpRequest, iso3: str) -> HttpResponse:
    data = selectors.area_detail(iso3=iso3, language=get_language())
    return render(request, "registry/country.html", {"area": data, "json_url": data["api_url"]})


def mechanism_list(request: HttpRequest) -> HttpResponse:
    params = _params(request, "type", "region", "focus", "member", "q", "sort")
    rows = selectors.mechanism_list(**params)
    export = _export_or_page(request, rows, selectors.MECHANISM_COLUMNS, "mechanisms")
    if export:
        return export
    return render(
        request,
        "registry/mechanism_list.html",
        {
            "rows": rows,
            "params": params,
            "query": _query(params),
            "types": MechanismType.choices,
            "regions": selectors.region_list(),
            "focus_items": FrameworkItem.objects.filter(kind__in=("objective", "cluster")).order_by(
                "-kind", "number"
            ),
            "countries": selectors.area_list(un_status=UnStatus.MEMBER, language=get_language()),
            "json_url": f"/api/v1/registry/mechanisms?{_query(params)}",
        },
    )


def mechanism(request: HttpRequest, slug: str) -> HttpResponse:
    data = selectors.mechanism_detail(slug=slug, user=request.user, language=get_language())
    return render(
        request,
        "registry/mechanism.html",
        {"m": data, "json_url": data["api_url"], "disclaimer": selectors.BOUNDARY_DISCLAIMER},
    )


def mechanism_history(request: HttpRequest, slug: str) -> HttpResponse:
    data = selectors.mechanism_detail(slug=slug, user=request.user, language=get_language())
    return render(
        request,
        "registry/history.html",
        {
            "m": data,
            "history": selectors.membership_history(slug=slug),
            "json_url": f"/api/v1/registry/mechanisms/{slug}/history",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request: HttpRequest, slug: str, iso3: str | None = None) -> HttpResponse:
    """Add a member (no ``iso3``) or change one; secretariat of the mechanism and admins only."""
    data = selectors.mechanism_detail(slug=slug, user=request.user, language=get_language())
    if not data["can_edit"]:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only this mechanism's secretariat may edit its membership."))
    current = None
    if iso3:
        current = next(
            (r for r in data["members"] + data["observers"] if r["iso3"] == iso3.upper()), None
        )
    values: dict[str, Any] = {
        "iso3": iso3 or "",
        "role": current["role"] if current else "member",
        "certainty": current["certainty"] if current else "confirmed",
        "source": " ; ".join(current["sources"]) if current else "",
        "note": current["note"] if current else "",
        "joined": current["joined"] if current else "",
        "left": current["left"] if current else "",
        "version": current["version"] if current else "",
    }
    errors: list[Any] = []
    conflict = None
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        if iso3:
            values["iso3"] = iso3.upper()  # the URL decides which entry is edited, not the form
        version = values["version"]
        try:
            services.membership_save(
                by=request.user,  # type: ignore[arg-type]
                mechanism_slug=slug,
                iso3=values["iso3"] or "",
                data=services.MembershipInput(
                    role=values["role"],
                    certainty=values["certainty"],
                    source=values["source"],
                    note=values["note"],
                    joined=values["joined"],
                    left=values["left"],
                ),
                version=int(version) if version.isdigit() else None,
                adding=not iso3,
            )
        except InvalidInput as exc:
            errors, status = (exc.errors or [exc.message]), 422
        except Conflict as exc:
            if iso3:
                conflict = exc.current
            else:
                errors = [exc.message]  # adding an area already listed: say so, offer no merge
            status = 409
        else:
            messages.success(request, _("The membership was saved."))
            return redirect("registry:mechanism", slug=slug)
    return render(
        request,
        "registry/membership_form.html",
        {
            "m": data,
            "values": values,
            "editing": current is not None,
            "errors": errors,
            "conflict": conflict,
            "certainties": Certainty.choices,
            "countries": selectors.area_list(language=get_language()),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_import(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"columns": services.IMPORT_COLUMNS}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["errors"] = [_("Choose a CSV or YAML file.")]
            status = 422
        elif upload.size and upload.size > services.MAX_IMPORT_BYTES:
            context["errors"] = [
                _("%(name)s is too large: the limit is %(limit)s bytes.")
                % {"name": upload.name, "limit": f"{services.MAX_IMPORT_BYTES:,}"}
            ]
            status = 422
        else:
            try:
                report = services.membership_import(
                    by=request.user,  # type: ignore[arg-type]
                    content=upload.read(),
                    filename=upload.name or "upload.csv",
                    dry_run=bool(request.POST.get("dry_run")),
                )
            except InvalidInput as exc:
                context["errors"] = exc.errors or [exc.message]
                context["message"] = exc.message
                status = 422
            else:
                context["report"] = report.as_dict()
    return render(request, "registry/import.html", context, status=status)


def membership_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(selectors.membership_template(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="memberships-template.csv"'
    return response


def memberships_export(request: HttpRequest) -> HttpResponse:
    rows = selectors.membership_rows(mechanism=request.GET.get("mechanism") or None)
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        raise InvalidInput(_("Unknown export format."))
    return export_response(rows, selectors.MEMBERSHIP_COLUMNS, fmt, filename="memberships")


def organisation_list(request: HttpRequest) -> HttpResponse:
    params = _params(request, "kind", "group", "category", "q")
    rows = selectors.organisation_list(**params)
    export = _export_or_page(
        request,
        selectors.organisation_rows(**params),
        selectors.ORGANISATION_COLUMNS,
        "organisations",
    )
    if export:
        return export
    from gcmhub.accounts.models import OrganisationGroup, OrganisationKind

    return render(
        request,
        "registry/organisation_list.html",
        {
            "rows": rows,
            "params": params,
            "query": _query(params),
            "kinds": OrganisationKind.choices,
            "groups": OrganisationGroup.choices,
            "categories": FrameworkItem.objects.filter(kind="stakeholder_category").order_by(
                "number"
            ),
            "json_url": f"/api/v1/registry/organisations?{_query(params)}",
        },
    )


def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    data = selectors.organisation_detail(slug=slug, language=get_language())
    return render(request, "registry/organisation.html", {"o": data, "json_url": data["api_url"]})


def matrix(request: HttpRequest) -> HttpResponse:
    params = _params(request, "type", "region")
    return render(
        request,
        "registry/matrix.html",
        {
            "data": selectors.matrix(**params, language=get_language()),
            "params": params,
            "types": MechanismType.choices,
            "regions": selectors.region_list(),
            "json_url": f"/api/v1/registry/matrix?{_query(params)}",
        },
    )


def _by_type(request: HttpRequest, name: str, data: Any, params: dict[str, Any]) -> HttpResponse:
    """A cross-mechanism view filtered by mechanism type, beside its API twin of the same name."""
    return render(
        request,
        f"registry/{name}.html",
        {
            "data": data,
            "params": params,
            "types": MechanismType.choices,
            "json_url": f"/api/v1/registry/{name}?{_query(params)}",
        },
    )


def network(request: HttpRequest) -> HttpResponse:
    params = _params(request, "type")
    return _by_type(request, "network", selectors.network(**params), params)


def world(request: HttpRequest) -> HttpResponse:
    params = _params(request, "type")
    return _by_type(request, "world", selectors.world_counts(**params), params)


def answers(request: HttpRequest) -> HttpResponse:
    item = request.GET.get("item", "").strip()
    a, b = request.GET.get("a", "").strip(), request.GET.get("b", "").strip()
    context: dict[str, Any] = {
        "item": item,
        "a": a,
        "b": b,
        "focus_items": FrameworkItem.objects.filter(kind__in=("objective", "cluster")).order_by(
            "-kind", "number"
        ),
        "mechanisms": selectors.mechanism_list(),
        "outside": selectors.areas_without_rcp(language=get_language()),
        "json_url": "/api/v1/registry/answers/outside-rcps",
    }
    try:
        if item:
            context["covering"] = selectors.mechanisms_covering(item=item)
    except (InvalidInput, NotFound) as exc:
        context["covering_error"] = exc.message
    try:
        if a and b:
            context["overlap"] = selectors.overlap(a=a, b=b, language=get_language())
    except (InvalidInput, NotFound) as exc:
        context["overlap_error"] = exc.message
    return render(request, "registry/answers.html", context)

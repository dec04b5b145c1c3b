"""Review pages. Each calls the selector its JSON twin calls, and links that twin."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gcmhub.accounts.models import Organisation, OrganisationGroup, OrganisationKind
from gcmhub.common.errors import Conflict, InvalidInput
from gcmhub.common.exports import FORMATS, export_response
from gcmhub.framework.models import FrameworkItem
from gcmhub.registry.models import Mechanism
from gcmhub.reviews import permissions as perms
from gcmhub.reviews import selectors, services
from gcmhub.reviews.models import (
    BodyKind,
    ConsultationMethod,
    CycleKind,
    ReviewStatus,
    SectionStatus,
)

PAGE_SIZE = 100
REVIEW_COLUMNS = [
    ("cycle", "Cycle"),
    ("iso3", "ISO3"),
    ("country", "Country"),
    ("status", "Status"),
    ("reported", "Sections reported"),
    ("submitted_at", "Submitted"),
    ("published_at", "Published"),
    ("is_sample", "Sample data"),
]


def _params(request: HttpRequest, *names: str) -> dict[str, str]:
    return {n: v for n in names if (v := request.GET.get(n, "").strip())}


def _export(request: HttpRequest, rows: Any, columns: Any, filename: str) -> HttpResponse | None:
    """The download asked for with ``?format=``, or None to render the page."""
    fmt = request.GET.get("format")
    if not fmt:
        return None
    if fmt not in FORMATS:
        raise InvalidInput(_("Unknown export format."))
    return export_response(rows, columns, fmt, filename=filename)


def _export_synthesis(
    request: HttpRequest, data: dict[str, Any], flatten: Any, filename: str
) -> HttpResponse | None:
    if not request.GET.get("format"):
        return None
    rows, columns = flatten(data)
    return _export(request, rows, columns, filename)


def _scope_choices() -> dict[str, Any]:
    return {
        "cycles": selectors.cycle_list(),
        "commissions": Organisation.objects.filter(group=OrganisationGroup.COMMISSION).order_by(
            "name"
        ),
        "mechanisms": Mechanism.objects.filter(enumerated=True).order_by("short_name"),
    }


def _my_states(user: Any) -> list[Organisation]:
    """The State organisations in which ``user`` may start reviews."""
    roles = perms.user_roles(user)
    ids = [org for org, r in roles.items() if r & perms.REVIEW_AUTHOR_ROLES]
    return list(Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.STATE))


def overview(request: HttpRequest) -> HttpResponse:
    """The calendar of cycles, and the user's own reviews."""
    cycles = selectors.cycle_list()
    mine = []
    if request.user.is_authenticated:
        own = [o.country_iso3 for o in _my_states(request.user) if o.country_iso3]
        mine = [r for iso3 in own for r in selectors.review_list(user=request.user, iso3=iso3)]
    return render(
        request,
        "reviews/overview.html",
        {
            "cycles": cycles,
            "past": [c for c in cycles if c["status"] == "closed"],
            "coming": [c for c in cycles if c["status"] != "closed"],
            "mine": mine,
            "states": _my_states(request.user) if request.user.is_authenticated else [],
            "json_url": "/api/v1/reviews/cycles",
        },
    )


def cycle(request: HttpRequest, slug: str) -> HttpResponse:
    data = selectors.cycle_detail(slug=slug)
    return render(
        request,
        "reviews/cycle.html",
        {
            "cycle": data,
            "reviews": selectors.review_list(user=request.user, cycle=slug),
            "inputs": selectors.input_list(user=request.user, cycle=slug),
            "commissions": _scope_choices()["commissions"],
            "json_url": f"/api/v1/reviews/cycles/{slug}",
        },
    )


def review_list(request: HttpRequest) -> HttpResponse:
    params = _params(request, "cycle", "iso3", "status", "commission", "mechanism")
    rows = selectors.review_list(user=request.user, **params)  # type: ignore[arg-type]
    export = _export(request, rows, REVIEW_COLUMNS, "national-reviews")
    if export:
        return export
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/review_list.html",
        {
            "rows": page.object_list,
            "page": page,
            "count": len(rows),
            "params": params,
            "query": urlencode(params),
            "statuses": ReviewStatus.choices,
            **_scope_choices(),
            "json_url": f"/api/v1/reviews/national?{urlencode(params)}",
        },
    )


@login_required
@require_POST
def review_start(request: HttpRequest) -> HttpResponse:
    cycle_slug = request.POST.get("cycle", "")
    iso3 = request.POST.get("iso3", "")
    try:
        services.review_create(by=request.user, cycle_slug=cycle_slug, iso3=iso3)  # type: ignore[arg-type]
    except (InvalidInput, Conflict) as exc:
        messages.error(
            request, "; ".join(str(e) for e in getattr(exc, "errors", [])) or exc.message
        )
        return redirect("reviews:overview")
    messages.success(request, _("The review was started: fill in the objectives you report on."))
    return redirect("reviews:review", cycle=cycle_slug, iso3=iso3.upper())


def review(request: HttpRequest, cycle: str, iso3: str) -> HttpResponse:
    data = selectors.review_detail(user=request.user, cycle=cycle, iso3=iso3)
    return render(
        request,
        "reviews/review.html",
        {
            "r": data,
            "statuses": SectionStatus.choices,
            "json_url": data["api_url"],
        },
    )


@login_required
@require_POST
def review_step(request: HttpRequest, cycle: str, iso3: str) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        services.review_transition(
            by=request.user,  # type: ignore[arg-type]
            cycle_slug=cycle,
            iso3=iso3,
            action=action,
            comment=request.POST.get("comment", ""),
        )
    except (InvalidInput, Conflict) as exc:
        problems = [e.message for e in getattr(exc, "errors", [])]
        messages.error(request, " ".join([exc.message, *problems]))
    else:
        done = {
            "submit": _("The review was submitted to the reviewers."),
            "return": _("The review was returned to its authors with your comment."),
            "validate": _("The review was validated."),
            "publish": _("The review is published: everyone can now read it."),
        }
        messages.success(request, done.get(action, _("Done.")))
    return redirect("reviews:review", cycle=cycle, iso3=iso3.upper())


def _section_form_values(request: HttpRequest) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: request.POST.get(name, "").strip()
        for name in (
            "status",
            "actions",
            "challenges",
            "good_practices",
            "support_needed",
            "free_text",
            "version",
        )
    }
    values["sdg_targets"] = request.POST.getlist("sdg_targets")
    return values


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, cycle: str, iso3: str, item: str) -> HttpResponse:
    data = selectors.review_detail(user=request.user, cycle=cycle, iso3=iso3)
    section = next((s for s in data["sections"] if s["key"] == item), None)
    if section is None:
        raise InvalidInput(_("The review has no such section."))
    if not section["can_edit"]:
        raise PermissionDenied(
            _(
                "You may not edit this section now: it is not assigned to you, or the review is "
                "no longer a draft."
            )
        )
    values = {k: section[k] for k in services.SECTION_FIELDS} | {"version": section["version"]}
    errors: list[Any] = []
    conflict = None
    status = 200
    if request.method == "POST":
        values = _section_form_values(request)
        version = str(values.pop("version"))
        try:
            services.section_save(
                by=request.user,  # type: ignore[arg-type]
                cycle_slug=cycle,
                iso3=iso3,
                item=item,
                data=services.SectionInput(**values),
                version=int(version) if version.isdigit() else -1,
            )
        except InvalidInput as exc:
            errors, status = (exc.errors or [exc.message]), 422
        except Conflict as exc:
            conflict, status = exc.current, 409
            if not conflict:
                errors = [exc.message]
        else:
            messages.success(request, _("The section was saved."))
            return redirect(f"{data['url']}#s-{section['code']}")
        values["version"] = version
    return render(
        request,
        "reviews/section_form.html",
        {
            "r": data,
            "s": section,
            "values": values,
            "errors": errors,
            "conflict": conflict,
            "statuses": SectionStatus.choices,
            "targets": FrameworkItem.objects.filter(kind="sdg_target").order_by("number"),
            "fields": [
                ("actions", _("Actions taken")),
                ("challenges", _("Challenges")),
                ("good_practices", _("Good practices")),
                ("support_needed", _("Support needed")),
                ("free_text", _("Other information")),
            ],
        },
        status=status,
    )


def section_history(request: HttpRequest, cycle: str, iso3: str, item: str) -> HttpResponse:
    data = selectors.section_history(user=request.user, cycle=cycle, iso3=iso3, item=item)
    return render(
        request,
        "reviews/section_history.html",
        {
            "h": data,
            "json_url": f"/api/v1/reviews/national/{cycle}/{iso3.upper()}/sections/{item}/history",
        },
    )


def _parse_lines(text: str, width: int) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.strip():
            parts = [p.strip() for p in line.split("|")]
            rows.append((parts + [""] * width)[:width])
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, cycle: str, iso3: str) -> HttpResponse:
    """The summary, whole-of-government and whole-of-society lists (focal points)."""
    data = selectors.review_detail(user=request.user, cycle=cycle, iso3=iso3)
    if not data["can"]["edit"]:
        raise PermissionDenied(_("Only the State's focal points may change the review now."))
    values = {
        "summary": data["summary"],
        "contributors": "\n".join(
            f"{c['body']} | {c['kind']} | {', '.join(c['items'])} | {c['note']}"
            for c in data["contributors"]
        ),
        "consultations": "\n".join(
            f"{c['category']} | {c['method']} | {c['held_on'] or ''} | {c['description']}"
            for c in data["consultations"]
        ),
        "version": data["version"],
    }
    errors: list[Any] = []
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            services.review_update(
                by=request.user,  # type: ignore[arg-type]
                cycle_slug=cycle,
                iso3=iso3,
                version=int(values["version"]) if str(values["version"]).isdigit() else -1,
                summary=values["summary"],
                contributors=[
                    services.ContributorInput(
                        body=b,
                        kind=k,
                        items=[i.strip() for i in items.split(",") if i.strip()],
                        note=n,
                    )
                    for b, k, items, n in _parse_lines(values["contributors"], 4)
                ],
                consultations=[
                    services.ConsultationInput(category=c, method=m, held_on=d, description=t)
                    for c, m, d, t in _parse_lines(values["consultations"], 4)
                ],
            )
        except InvalidInput as exc:
            errors, status = (exc.errors or [exc.message]), 422
        except Conflict as exc:
            errors, status = [exc.message], 409
        else:
            messages.success(request, _("The review was saved."))
            return redirect(data["url"])
    return render(
        request,
        "reviews/review_form.html",
        {
            "r": data,
            "values": values,
            "errors": errors,
            "body_kinds": BodyKind.choices,
            "methods": ConsultationMethod.choices,
            "categories": FrameworkItem.objects.filter(kind="stakeholder_category").order_by(
                "number"
            ),
        },
        status=status,
    )


@login_required
@require_POST
def attach(
    request: HttpRequest, cycle: str = "", iso3: str = "", pk: int | None = None
) -> HttpResponse:
    upload = request.FILES.get("file")
    target: dict[str, Any] = {"input_pk": pk} if pk else {"cycle_slug": cycle, "iso3": iso3}
    back = reverse("reviews:input", args=[pk]) if pk else selectors.review_url(cycle, iso3.upper())
    if upload is None:
        messages.error(request, _("Choose a PDF or DOCX file."))
    elif upload.size and upload.size > services.MAX_ATTACHMENT_BYTES:
        messages.error(
            request,
            _("%(name)s is too large: the limit is %(limit)s bytes.")
            % {"name": upload.name, "limit": f"{services.MAX_ATTACHMENT_BYTES:,}"},
        )
    else:
        try:
            services.attachment_add(
                by=request.user,  # type: ignore[arg-type]
                filename=upload.name or "upload",
                content=upload.read(),
                **target,
            )
        except (InvalidInput, Conflict) as exc:
            problems = [str(e) for e in getattr(exc, "errors", [])]
            messages.error(request, " ".join([exc.message, *problems]))
        else:
            messages.success(request, _("The file was attached."))
    return redirect(back)


@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    a = selectors.attachment_for(user=request.user, pk=pk)
    return FileResponse(a.file.open("rb"), as_attachment=True, filename=a.filename)


# --- stakeholder inputs -------------------------------------------------------------------------


def input_list(request: HttpRequest) -> HttpResponse:
    params = _params(request, "cycle", "commission", "organisation", "status", "item")
    rows = selectors.input_list(user=request.user, **params)  # type: ignore[arg-type]
    return render(
        request,
        "reviews/input_list.html",
        {
            "rows": rows,
            "params": params,
            "statuses": ReviewStatus.choices,
            **_scope_choices(),
            "json_url": f"/api/v1/reviews/inputs?{urlencode(params)}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def input_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    current = selectors.input_detail(user=request.user, pk=pk) if pk else None
    if current is not None and not current["can"]["edit"]:
        raise PermissionDenied(_("Only its authors may change this input now."))
    roles = perms.user_roles(request.user)
    organisations = Organisation.objects.filter(
        pk__in=[o for o, r in roles.items() if r & perms.INPUT_AUTHOR_ROLES]
    ).order_by("name")
    values: dict[str, Any] = {
        "cycle": current["cycle"] if current else request.GET.get("cycle", ""),
        "organisation": current["organisation_slug"] if current else "",
        "commission": "",
        "title": current["title"] if current else "",
        "text": current["text"] if current else "",
        "items": current["items"] if current else [],
        "version": current["version"] if current else "",
    }
    errors: list[Any] = []
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        values["items"] = request.POST.getlist("items")
        data = services.InputData(
            title=values["title"],
            text=values["text"],
            items=values["items"],
            commission=values["commission"],
        )
        try:
            if current:
                record = services.input_update(
                    by=request.user,  # type: ignore[arg-type]
                    pk=current["id"],
                    data=data,
                    version=int(values["version"]) if values["version"].isdigit() else -1,
                )
            else:
                record = services.input_create(
                    by=request.user,  # type: ignore[arg-type]
                    cycle_slug=values["cycle"],
                    organisation_slug=values["organisation"],
                    data=data,
                )
        except InvalidInput as exc:
            errors, status = (exc.errors or [exc.message]), 422
        except Conflict as exc:
            errors, status = [exc.message], 409
        else:
            messages.success(request, _("The input was saved as a draft."))
            return redirect("reviews:input", pk=record.pk)
    return render(
        request,
        "reviews/input_form.html",
        {
            "current": current,
            "values": values,
            "errors": errors,
            "organisations": organisations,
            "cycles": [c for c in selectors.cycle_list() if c["kind"] != CycleKind.NATIONAL],
            "commissions": _scope_choices()["commissions"],
            "items": selectors.section_items(),
        },
        status=status,
    )


def input_detail(request: HttpRequest, pk: int) -> HttpResponse:
    data = selectors.input_detail(user=request.user, pk=pk)
    return render(request, "reviews/input.html", {"i": data, "json_url": data["api_url"]})


@login_required
@require_POST
def input_step(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.input_transition(
            by=request.user,  # type: ignore[arg-type]
            pk=pk,
            action=request.POST.get("action", ""),
            comment=request.POST.get("comment", ""),
        )
    except (InvalidInput, Conflict) as exc:
        problems = [e.message for e in getattr(exc, "errors", [])]
        messages.error(request, " ".join([exc.message, *problems]))
    else:
        messages.success(request, _("Done."))
    return redirect("reviews:input", pk=pk)


# --- syntheses ----------------------------------------------------------------------------------


def _default_cycle(request: HttpRequest, kind: str | None = None) -> str:
    chosen = request.GET.get("cycle", "").strip()
    if chosen:
        return chosen
    cycles = [c for c in selectors.cycle_list() if not kind or c["kind"] == kind]
    with_data = [c for c in cycles if c["reviews_published"]]
    pick = (with_data or cycles)[-1:]
    return pick[0]["slug"] if pick else ""


def coverage(request: HttpRequest) -> HttpResponse:
    params = _params(request, "commission", "mechanism")
    params["cycle"] = _default_cycle(request)
    principles = request.GET.get("principles") == "1"
    data = selectors.coverage(**params, principles=principles)
    export = _export_synthesis(
        request, data, selectors.coverage_rows, f"coverage-{params['cycle']}"
    )
    if export:
        return export
    query = urlencode({**params, **({"principles": "1"} if principles else {})})
    return render(
        request,
        "reviews/coverage.html",
        {
            "data": data,
            "params": params,
            "principles": principles,
            "query": query,
            **_scope_choices(),
            "json_url": "/api/v1/reviews/coverage?"
            + query.replace("principles=1", "principles=true"),
        },
    )


def synthesis(request: HttpRequest) -> HttpResponse:
    params = _params(request, "commission", "mechanism")
    params["cycle"] = _default_cycle(request)
    data = None
    if params.get("commission") or params.get("mechanism"):
        data = selectors.regional_synthesis(
            cycle=params["cycle"],
            commission=params.get("commission"),
            mechanism=params.get("mechanism"),
        )
        export = _export_synthesis(
            request, data, selectors.synthesis_rows, f"synthesis-{params['cycle']}"
        )
        if export:
            return export
    query = urlencode(params)
    return render(
        request,
        "reviews/synthesis.html",
        {
            "data": data,
            "params": params,
            "query": query,
            **_scope_choices(),
            "json_url": f"/api/v1/reviews/synthesis/regional?{query}" if data else "",
        },
    )


def global_synthesis(request: HttpRequest) -> HttpResponse:
    cycle_slug = _default_cycle(request, kind=CycleKind.IMRF)
    data = selectors.global_synthesis(cycle=cycle_slug)
    export = _export_synthesis(request, data, selectors.synthesis_rows, f"global-{cycle_slug}")
    if export:
        return export
    return render(
        request,
        "reviews/global.html",
        {
            "data": data,
            "params": {"cycle": cycle_slug},
            "query": urlencode({"cycle": cycle_slug}),
            "cycles": [c for c in selectors.cycle_list() if c["kind"] == CycleKind.IMRF],
            "json_url": f"/api/v1/reviews/synthesis/global?cycle={cycle_slug}",
        },
    )


def compare(request: HttpRequest) -> HttpResponse:
    params = _params(request, "iso3", "commission", "mechanism")
    data = (
        selectors.comparison(
            iso3=params.get("iso3"),
            commission=params.get("commission"),
            mechanism=params.get("mechanism"),
        )
        if params
        else None
    )
    from gcmhub.registry.selectors import area_list

    return render(
        request,
        "reviews/compare.html",
        {
            "data": data,
            "params": params,
            **_scope_choices(),
            "countries": area_list(un_status="member_state"),
            "json_url": f"/api/v1/reviews/compare?{urlencode(params)}" if data else "",
        },
    )

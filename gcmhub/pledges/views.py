"""Pledge pages. Each calls the selector its JSON twin calls, and links that twin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gcmhub.common.errors import Conflict, FieldError, InvalidInput
from gcmhub.common.exports import FORMATS, export_response
from gcmhub.pledges import selectors, services
from gcmhub.pledges.models import DESCRIPTION_MAX, DESCRIPTION_MIN, PledgerRole

YEAR_FIELDS = ("start_year", "end_year", "year")


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "")
    return int(raw) if raw.isdigit() else 1


def index(request: HttpRequest) -> HttpResponse:
    """The dashboard: filters, counts with charts and tables, one page of pledges, exports."""
    filters = selectors.PledgeFilters.from_params(request.GET)
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in FORMATS:
            raise InvalidInput(_("Unknown export format."))
        rows = selectors.pledge_rows(user=request.user, filters=filters)
        return export_response(rows, selectors.EXPORT_COLUMNS, fmt, filename="pledges")
    data = selectors.pledge_list(user=request.user, filters=filters, page=_page_number(request))
    counts = selectors.pledge_dashboard(user=request.user, filters=filters)
    query = filters.query()
    sections = [
        {"key": key, "title": title, "caption": caption, "rows": counts[key]}
        for key, title, caption in (
            ("by_type", _("By type"), _("Pledges by type")),
            ("by_status", _("By status"), _("Pledges by status")),
            ("by_objective", _("By GCM objective"), _("Pledges by GCM objective")),
            ("by_principle", _("By guiding principle"), _("Pledges by guiding principle")),
            ("by_year", _("By year announced"), _("Pledges by year announced")),
        )
    ]
    charts = {
        s["key"]: {
            "title": s["caption"],
            "labels": [
                f"{r['key']}. {r['label']}" if s["key"] == "by_objective" else r["label"]
                for r in s["rows"]
            ],
            "values": [r["count"] for r in s["rows"]],
        }
        for s in sections
    }
    return render(
        request,
        "pledges/index.html",
        {
            "data": data,
            "counts": counts,
            "sections": sections,
            "charts": charts,
            "params": filters.params(),
            "query": query,
            "options": selectors.filter_options(),
            "can_create": request.user.is_authenticated,
            "json_url": f"{selectors.API_URL}?{query}" if query else selectors.API_URL,
            "dashboard_json_url": f"{selectors.API_URL}/dashboard?{query}",
        },
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    data = selectors.pledge_detail(pledge_id=pk, user=request.user)
    return render(request, "pledges/detail.html", {"p": data, "json_url": data["api_url"]})


def _int_or_none(value: str, name: str, problems: list[FieldError]) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        problems.append(FieldError(_("must be a whole number"), name))
        return None
    return int(value)


def _pledgers(post: QueryDict) -> list[services.PledgerInput]:
    out = []
    for role, name in ((PledgerRole.LEAD, "leads"), (PledgerRole.PARTNER, "partners")):
        for key in post.getlist(name):
            kind, _sep, code = key.partition(":")
            if kind == "area":
                out.append(services.PledgerInput(iso3=code, role=role))
            elif kind == "org":
                out.append(services.PledgerInput(organisation=code, role=role))
    return out


def _form_values(post: QueryDict) -> dict[str, Any]:
    return {
        "organisation": post.get("organisation", "").strip(),
        "title": post.get("title", ""),
        "description": post.get("description", ""),
        "kind": post.get("kind", ""),
        "type": post.get("type", ""),
        "objectives": post.getlist("objectives"),
        "principles": post.getlist("principles"),
        "leads": post.getlist("leads"),
        "partners": post.getlist("partners"),
        "start_year": post.get("start_year", "").strip(),
        "end_year": post.get("end_year", "").strip(),
        "year": post.get("year", "").strip(),
        "cycle": post.get("cycle", "").strip(),
        "matches": post.get("matches", "").strip(),
        "version": post.get("version", "").strip(),
    }


def _input(values: dict[str, Any], problems: list[FieldError]) -> services.PledgeInput:
    years = {name: _int_or_none(values[name], name, problems) for name in YEAR_FIELDS}
    post = QueryDict(mutable=True)
    post.setlist("leads", values["leads"])
    post.setlist("partners", values["partners"])
    return services.PledgeInput(
        title=values["title"],
        description=values["description"],
        kind=values["kind"],
        type=values["type"],
        objectives=values["objectives"],
        principles=values["principles"],
        pledgers=_pledgers(post),
        start_year=years["start_year"],
        end_year=years["end_year"],
        year=years["year"],
        cycle=values["cycle"],
        matches=_int_or_none(values["matches"], "matches", problems),
    )


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value).strip()


def _conflict_rows(values: dict[str, Any], current: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, mine, theirs) for the table shown when a save met someone else's newer save."""
    mine_pledgers = [f"{k.partition(':')[2]} (lead)" for k in values.get("leads", [])] + [
        f"{k.partition(':')[2]} (partner)" for k in values.get("partners", [])
    ]
    theirs_pledgers = [
        f"{p['iso3'] or p['organisation']} ({p['role']})" for p in current.get("pledgers", [])
    ]
    rows = [
        (name, _show(values.get(name)), _show(current.get(name)))
        for name in ("title", "description", "kind", "type", "objectives", "principles")
    ]
    rows.append(("pledgers", _show(mine_pledgers), _show(theirs_pledgers)))
    rows += [
        (name, _show(values.get(name)), _show(current.get(name)))
        for name in ("start_year", "end_year", "year", "cycle", "matches")
    ]
    return rows


def _form(
    request: HttpRequest,
    *,
    values: dict[str, Any],
    pledge: dict[str, Any] | None,
    errors: list[Any],
    conflict: dict[str, Any] | None,
    status: int,
) -> HttpResponse:
    return render(
        request,
        "pledges/form.html",
        {
            "values": values,
            "pledge": pledge,
            "errors": errors,
            "conflict": conflict,
            "conflict_rows": _conflict_rows(values, conflict) if conflict else [],
            "options": selectors.form_options(user=request.user),
            "description_min": DESCRIPTION_MIN,
            "description_max": DESCRIPTION_MAX,
            "json_url": pledge["api_url"] if pledge else selectors.API_URL,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Enter a pledge for an organisation the user keeps pledges for."""
    options = selectors.form_options(user=request.user)
    owners = options["owners"]
    values: dict[str, Any] = {
        "organisation": owners[0]["slug"] if len(owners) == 1 else "",
        "kind": "individual",
        "year": str(timezone.now().year),
        "objectives": [],
        "principles": [],
        "leads": [],
        "partners": [],
    }
    errors: list[Any] = []
    status = 200
    if request.method == "POST":
        values = _form_values(request.POST)
        problems: list[FieldError] = []
        data = _input(values, problems)
        if problems:
            errors, status = problems, 422
        else:
            try:
                pledge = services.pledge_create(
                    by=request.user,  # type: ignore[arg-type]
                    organisation=values["organisation"],
                    data=data,
                )
            except InvalidInput as exc:
                errors, status = (exc.errors or [exc.message]), 422
            else:
                messages.success(
                    request, _("The pledge was saved. It stays unpublished until you publish it.")
                )
                return redirect("pledges:detail", pk=pledge.pk)
    return _form(request, values=values, pledge=None, errors=errors, conflict=None, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a pledge; a save made on a stale copy shows both versions instead of overwriting."""
    pledge = selectors.pledge_detail(pledge_id=pk, user=request.user)
    if not pledge["can_edit"]:
        raise PermissionDenied(_("Only the organisation that entered this pledge may change it."))
    values = selectors.pledge_form_values(pledge_id=pk, user=request.user)
    errors: list[Any] = []
    conflict = None
    status = 200
    if request.method == "POST":
        values = {**_form_values(request.POST), "organisation": values["organisation"]}
        problems: list[FieldError] = []
        data = _input(values, problems)
        version = values["version"]
        if not version.isdigit():
            problems.append(FieldError(_("is missing; reload the page"), "version"))
        if problems:
            errors, status = problems, 422
        else:
            try:
                services.pledge_update(
                    by=request.user,  # type: ignore[arg-type]
                    pledge_id=pk,
                    data=data,
                    version=int(version),
                )
            except InvalidInput as exc:
                errors, status = (exc.errors or [exc.message]), 422
            except Conflict as exc:
                conflict, status = exc.current, 409
            else:
                messages.success(request, _("The pledge was saved."))
                return redirect("pledges:detail", pk=pk)
    return _form(
        request, values=values, pledge=pledge, errors=errors, conflict=conflict, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def status_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Post where the pledge stands now, with the evidence."""
    pledge = selectors.pledge_detail(pledge_id=pk, user=request.user)
    if not pledge["can_edit"]:
        raise PermissionDenied(_("Only the organisation that entered this pledge may update it."))
    values = {
        "status": pledge["status"],
        "date": timezone.localdate().isoformat(),
        "evidence": "",
        "evidence_url": "",
    }
    errors: list[Any] = []
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        date = None
        problems: list[FieldError] = []
        try:
            date = dt.date.fromisoformat(values["date"]) if values["date"] else None
        except ValueError:
            problems.append(FieldError(_("must be a date (YYYY-MM-DD)"), "date"))
        if problems:
            errors, status = problems, 422
        else:
            try:
                services.pledge_status_update(
                    by=request.user,  # type: ignore[arg-type]
                    pledge_id=pk,
                    data=services.StatusInput(
                        status=values["status"],
                        date=date,
                        evidence=values["evidence"],
                        evidence_url=values["evidence_url"],
                    ),
                )
            except InvalidInput as exc:
                errors, status = (exc.errors or [exc.message]), 422
            else:
                messages.success(request, _("The status update was saved."))
                return redirect("pledges:detail", pk=pk)
    return render(
        request,
        "pledges/status_form.html",
        {
            "p": pledge,
            "values": values,
            "errors": errors,
            "statuses": selectors.form_options(user=request.user)["statuses"],
            "json_url": f"{pledge['api_url']}",
        },
        status=status,
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the pledge, or (with ``published=0``) withdraw it from public view."""
    published = request.POST.get("published", "1") != "0"
    services.pledge_publish(
        by=request.user,  # type: ignore[arg-type]
        pledge_id=pk,
        published=published,
    )
    messages.success(
        request,
        _("The pledge is published.") if published else _("The pledge is no longer public."),
    )
    return redirect("pledges:detail", pk=pk)

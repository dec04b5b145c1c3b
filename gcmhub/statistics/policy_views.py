"""SDG indicator 10.7.2 pages: the world table and map, a State's history, the entry form and
the CSV import. Each page calls the selector its JSON twin calls, and links that twin.

``urlpatterns`` is included by ``gcmhub.statistics.urls`` (namespace "statistics").
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gcmhub.accounts.permissions import is_platform_admin
from gcmhub.common.errors import Conflict, FieldError, InvalidInput, NotFound
from gcmhub.registry.selectors import region_list
from gcmhub.statistics import policy, services
from gcmhub.statistics import policy_selectors as selectors


def _level_param(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidInput(
            _("The filters are not valid."), [FieldError(_("must be 1, 2, 3 or 4"), "level")]
        )
    return int(raw)


def world(request: HttpRequest) -> HttpResponse:
    """Every State's latest result: filters, the map, the table."""
    level = _level_param(request.GET.get("level", ""))
    region = request.GET.get("region", "").strip()
    data = selectors.world(level=level, region=region or None)
    query = urlencode(data["filters"])
    return render(
        request,
        "statistics/policy_world.html",
        {
            "data": data,
            "params": data["filters"],
            "regions": region_list(),
            "method": selectors.method(),
            "can_import": is_platform_admin(request.user),
            "json_url": f"{selectors.API_URL}?{query}" if query else selectors.API_URL,
        },
    )


def country(request: HttpRequest, iso3: str) -> HttpResponse:
    """A State's results year by year; editors choose a year to enter or change."""
    area = selectors.area_for(iso3)
    if area.iso3 != iso3:
        return redirect("statistics:policy-country", iso3=area.iso3)
    can_edit = selectors.can_edit(request.user, area)
    year = request.GET.get("year", "").strip()
    if can_edit and year.isdigit() and int(year) in selectors.years():
        return redirect("statistics:policy-edit", iso3=area.iso3, year=int(year))
    data = selectors.country_history(area)
    return render(
        request,
        "statistics/policy_country.html",
        {
            "data": data,
            "domains": selectors.form_domains(),
            "method": selectors.method(),
            "can_edit": can_edit,
            "years": selectors.years(),
            "json_url": data["area"]["api_url"],
        },
    )


def _conflict_rows(
    values: dict[str, Any], current: dict[str, Any]
) -> list[tuple[str, str, str, str]]:
    """(code, question, mine, theirs) for the table shown when a save met a newer save."""
    labels = {
        (d["number"], o["code"]): o["label"] for d in selectors.form_domains() for o in d["options"]
    }
    theirs = current.get("answers") or {}
    rows = []
    for d in policy.DOMAINS:
        for s in d.sub_categories:
            mine = values["answers"].get(s.code, "")
            saved = theirs.get(s.code, "")
            rows.append(
                (
                    s.code,
                    s.label,
                    labels.get((d.number, mine), mine),
                    labels.get((d.number, saved), saved),
                )
            )
    rows.append(("source", _("Source"), values["source"], str(current.get("source", ""))))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, iso3: str, year: int) -> HttpResponse:
    """Enter or change a State's 30 answers for a year. A save made on a stale copy shows both
    versions instead of overwriting; after a save the page shows the computed scores."""
    area = selectors.area_for(iso3)
    if not selectors.can_edit(request.user, area):
        raise PermissionDenied(
            _("Only focal points and administrators of %(name)s's government may do this.")
            % {"name": area.name}
        )
    if year not in selectors.years():
        limits = {"first": selectors.FIRST_YEAR, "last": selectors.years()[0]}
        raise NotFound(_("Answers can be entered for %(first)s to %(last)s.") % limits)
    saved = selectors.assessment(area, year)
    values: dict[str, Any] = {
        "answers": {a["code"]: a["answer"] for a in saved["answers"]} if saved else {},
        "source": saved["source"] if saved else "",
        "version": str(saved["version"]) if saved else "",
    }
    errors: list[Any] = []
    conflict: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        values = {
            "answers": {c: request.POST.get(c, "").strip() for c in policy.CODES},
            "source": request.POST.get("source", "").strip(),
            "version": request.POST.get("version", "").strip(),
        }
        version = values["version"]
        if version and not version.isdigit():
            errors, status = [FieldError(_("is not valid; reload the page"), "version")], 422
        else:
            try:
                services.assessment_save(
                    by=request.user,
                    area=area,
                    year=year,
                    answers=values["answers"],
                    source=values["source"],
                    version=int(version) if version else None,
                )
            except InvalidInput as exc:
                errors, status = (exc.errors or [exc.message]), 422
            except Conflict as exc:
                conflict, status = exc.current, 409
            else:
                messages.success(request, _("The answers were saved and scored."))
                return redirect("statistics:policy-edit", iso3=area.iso3, year=year)
    return render(
        request,
        "statistics/policy_edit.html",
        {
            "area": area,
            "year": year,
            "saved": saved,
            "values": values,
            "errors": errors,
            "error_codes": {e.field for e in errors if isinstance(e, FieldError) and e.field},
            "conflict": conflict,
            "conflict_rows": _conflict_rows(values, conflict) if conflict else [],
            "domains": selectors.form_domains(),
            "source_max": services.ASSESSMENT_SOURCE_MAX,
            "json_url": f"{selectors.API_URL}/{area.iso3}",
        },
        status=status,
    )


def _save_upload(upload: Any, folder: Path) -> Path:
    name = Path(upload.name or "upload.csv").name or "upload.csv"
    target = folder / name
    with target.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return target


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of answers (platform administrators only)."""
    if not is_platform_admin(request.user):
        raise PermissionDenied(_("Only platform administrators may import SDG 10.7.2 answers."))
    context: dict[str, Any] = {
        "codes": policy.CODES,
        "domains": selectors.form_domains(),
        "max_bytes": services.ASSESSMENT_IMPORT_MAX_BYTES,
    }
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["errors"] = [_("Choose a CSV file.")]
            status = 422
        elif upload.size and upload.size > services.ASSESSMENT_IMPORT_MAX_BYTES:
            context["errors"] = [
                _("%(name)s is too large: the limit is %(limit)s bytes.")
                % {"name": upload.name, "limit": f"{services.ASSESSMENT_IMPORT_MAX_BYTES:,}"}
            ]
            status = 422
        else:
            with tempfile.TemporaryDirectory(prefix="gcmhub-sdg-") as folder:
                try:
                    report = services.assessment_import(
                        by=request.user, path=_save_upload(upload, Path(folder))
                    )
                except InvalidInput as exc:
                    context["errors"] = exc.errors or [exc.message]
                    context["message"] = exc.message
                    status = 422
                else:
                    context["report"] = report
                    messages.success(
                        request,
                        _(
                            "%(file)s was imported: %(created)s added, %(updated)s changed, "
                            "%(unchanged)s unchanged."
                        )
                        % report,
                    )
    return render(request, "statistics/policy_import.html", context, status=status)


def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(selectors.import_template(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="sdg-10-7-2-template.csv"'
    return response


urlpatterns = [
    path("sdg-10-7-2/", world, name="policy-world"),
    path("sdg-10-7-2/import/", import_file, name="policy-import"),
    path("sdg-10-7-2/import/template.csv", import_template, name="policy-import-template"),
    path("sdg-10-7-2/<str:iso3>/", country, name="policy-country"),
    path("sdg-10-7-2/<str:iso3>/<int:year>/edit/", edit, name="policy-edit"),
]

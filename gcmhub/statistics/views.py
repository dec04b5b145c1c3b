"""Statistics pages. Each calls the selector its JSON twin calls, and links that twin."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gcmhub.accounts.permissions import is_platform_admin
from gcmhub.common.errors import InvalidInput
from gcmhub.common.exports import FORMATS, export_response
from gcmhub.statistics import selectors
from gcmhub.statistics.exporting import EXPORT_FORMATS, series_export
from gcmhub.statistics.importers import KINDS, import_path

UPLOAD_MAX = 100 * 1024 * 1024
# What an uploaded zip of an Open SDG folder may hold, unpacked.
UNZIPPED_MAX = 500 * 1024 * 1024


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "statistics/index.html",
        {
            "datasets": selectors.dataset_list(),
            "series": selectors.series_list(),
            "regions": selectors.region_list(),
            "can_import": is_platform_admin(request.user),
            "json_url": f"{selectors.API_URL}/series",
        },
    )


def dataset(request: HttpRequest, slug: str) -> HttpResponse:
    data = selectors.dataset_detail(slug)
    return render(
        request,
        "statistics/dataset.html",
        {"data": data, "json_url": f"{selectors.API_URL}/datasets/{slug}"},
    )


def _chart(title: str, rows: list[dict[str, Any]], keys: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "title": title,
        "x": [r["period"] for r in rows],
        "series": [
            {"name": label, "values": [r.get(key) for r in rows]}
            for key, label in keys
            if any(r.get(key) is not None for r in rows)
        ],
    }


def series(request: HttpRequest, code: str) -> HttpResponse:
    """An indicator page: chart and table of a selection, pickers, world map, metadata."""
    selection = selectors.Selection.from_params(request.GET)
    fmt = request.GET.get("format")
    if fmt:
        return series_export(selectors.export_rows([code], selection), fmt, code)
    options = selectors.dimension_options(code, selection.dataset)
    if not selection.geo and options["geo"]:
        selection.geo = [options["geo"][0]["code"]]
    if not selection.sex and "_T" in options["sex"]:
        selection.sex = "_T"
    data = selectors.observations(code, selection)
    chart_rows: dict[str, dict[str, Any]] = {}
    for o in data["observations"]:
        label = (
            " · ".join(
                p
                for p in (
                    o["geo_name"] if len(selection.geo) != 1 else "",
                    selectors.SEX_LABELS.get(o["sex"], o["sex"]) if not selection.sex else "",
                    o["age"] if o["age"] != "_T" and not selection.age else "",
                    ", ".join(f"{v}" for v in o["dims"].values()),
                    o["counterpart_name"] if o["counterpart"] != "_T" else "",
                )
                if p
            )
            or data["series"]["name"]
        )
        chart_rows.setdefault(label, {})[o["period"]] = o["value"]
    periods = sorted({o["period"] for o in data["observations"]})
    chart = {
        "title": data["series"]["name"],
        "x": periods,
        "series": [
            {"name": name, "values": [values.get(p) for p in periods]}
            for name, values in list(chart_rows.items())[:12]
        ],
    }
    query = "&".join(f"{k}={v}" for k, v in selection.params().items())
    return render(
        request,
        "statistics/series.html",
        {
            "data": data,
            "options": options,
            "params": selection.params(),
            "query": query,
            "chart": chart,
            "map": selectors.latest_map(code, selection),
            "formats": EXPORT_FORMATS,
            "disclaimer": selectors.disclaimer(),
            "json_url": f"{selectors.API_URL}/series/{code}/observations?{query}",
        },
    )


def export(request: HttpRequest) -> HttpResponse:
    """Any selection of series, in one file: ?series=a,b&format=csv plus the usual filters."""
    codes = [c for c in request.GET.get("series", "").split(",") if c.strip()]
    if not codes:
        raise InvalidInput(_("Name at least one series (series=code,code)."))
    selection = selectors.Selection.from_params(request.GET)
    return series_export(
        selectors.export_rows(codes, selection), request.GET.get("format", "csv"), "statistics"
    )


def country(request: HttpRequest, iso3: str) -> HttpResponse:
    data = selectors.country_profile(iso3)
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in FORMATS:
            raise InvalidInput(_("Unknown export format %(fmt)s.") % {"fmt": fmt})
        return export_response(
            selectors.country_rows(data), selectors.COUNTRY_COLUMNS, fmt,
            filename=f"{data['area']['iso3']}-migrant-stock",
        )  # fmt: skip
    sex = request.GET.get("sex", "_T")
    if sex not in selectors.SEX_LABELS:
        sex = "_T"
    return render(
        request,
        "statistics/country.html",
        {
            "data": data,
            "sex": sex,
            "immigrant_chart": _stock_chart(data["immigrants"], sex, _("Immigrant stock")),
            "emigrant_chart": _stock_chart(data["emigrants"], sex, _("Emigrant stock")),
            "json_url": data["urls"]["json"],
        },
    )


def _stock_chart(rows: list[dict[str, Any]], sex: str, label: str) -> dict[str, Any]:
    return _chart(label, rows, [(sex, f"{label} · {selectors.SEX_LABELS[sex]}")])


def corridor(request: HttpRequest, origin: str, destination: str) -> HttpResponse:
    data = selectors.corridor(origin, destination, dataset=request.GET.get("dataset", ""))
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in FORMATS:
            raise InvalidInput(_("Unknown export format %(fmt)s.") % {"fmt": fmt})
        return export_response(
            selectors.corridor_rows(data), selectors.CORRIDOR_COLUMNS, fmt,
            filename=f"corridor-{data['origin']['code']}-{data['destination']['code']}",
        )  # fmt: skip
    chart = _chart(
        _("Migrants from %(o)s in %(d)s")
        % {"o": data["origin"]["name"], "d": data["destination"]["name"]},
        data["rows"],
        [(k, str(v)) for k, v in selectors.SEX_LABELS.items()],
    )
    return render(
        request,
        "statistics/corridor.html",
        {"data": data, "chart": chart, "json_url": data["urls"]["json"]},
    )


def region(request: HttpRequest, m49: str) -> HttpResponse:
    data = selectors.region_view(m49)
    chart = _chart(
        _("Immigrant stock, sum over the region's countries"),
        data["stock"],
        [(k, str(v)) for k, v in selectors.SEX_LABELS.items()],
    )
    return render(
        request,
        "statistics/region.html",
        {"data": data, "chart": chart, "json_url": data["urls"]["json"]},
    )


def _save_upload(upload: Any, folder: Path) -> Path:
    name = Path(upload.name).name or "upload"
    target = folder / name
    with target.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return target


def _unzip_folder(archive: Path, folder: Path) -> Path:
    """An Open SDG folder uploaded as a zip: unpacked with size and path checks."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if sum(m.file_size for m in members) > UNZIPPED_MAX:
                raise InvalidInput(_("The zip file unpacks to more than 500 MB."))
            root = folder / "unzipped"
            for m in members:
                target = (root / m.filename).resolve()
                if not str(target).startswith(str(root.resolve())):
                    raise InvalidInput(_("The zip file holds a path outside its folder."))
            zf.extractall(root)
    except zipfile.BadZipFile as exc:
        raise InvalidInput(
            _("%(name)s is not a readable zip file.") % {"name": archive.name}
        ) from exc
    # The data folder may sit one level down (a zip of the repository folder itself).
    for candidate in (root, *sorted(p for p in root.iterdir() if p.is_dir())):
        if (candidate / "data").is_dir():
            return candidate
    raise InvalidInput(_("The zip file has no data/ folder of indicator files."))


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """The admin upload: the same importers as the commands, for platform administrators."""
    if not is_platform_admin(request.user):
        raise PermissionDenied(_("Only platform administrators import datasets."))
    context: dict[str, Any] = {"kinds": list(KINDS), "values": {}, "errors": [], "report": None}
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        context["values"] = {"kind": kind, "edition": request.POST.get("edition", ""),
                             "area": request.POST.get("area", "")}  # fmt: skip
        upload = request.FILES.get("file")
        try:
            if kind not in KINDS:
                raise InvalidInput(_("Choose what kind of file this is."))
            if upload is None:
                raise InvalidInput(_("Choose a file to import."))
            if (upload.size or 0) > UPLOAD_MAX:
                raise InvalidInput(_("The file is larger than 100 MB."))
            with tempfile.TemporaryDirectory(dir=settings.MEDIA_ROOT) as tmp:
                folder = Path(tmp)
                path = _save_upload(upload, folder)
                options: dict[str, Any] = {}
                if kind == "open-sdg":
                    path = _unzip_folder(path, folder)
                    options = {"area": context["values"]["area"],
                               "edition": context["values"]["edition"]}  # fmt: skip
                elif kind == "sdmx":
                    options = {"edition": context["values"]["edition"]}
                elif kind == "csv":
                    mapping = request.FILES.get("mapping")
                    if mapping is None:
                        raise InvalidInput(_("A CSV import needs its mapping file."))
                    (folder / "mapping").mkdir()
                    options = {"mapping": _save_upload(mapping, folder / "mapping")}
                report = import_path(kind, path, by=request.user, **options)
            context["report"] = report.as_dict()
            messages.success(
                request,
                _("%(file)s: %(status)s, %(n)s observations.")
                % {"file": report.file_name, "status": report.status, "n": report.observations},
            )
        except InvalidInput as exc:
            context["error"] = exc.message
            context["errors"] = [str(e) for e in exc.errors]
    return render(request, "statistics/upload.html", context)

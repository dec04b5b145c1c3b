"""``/api/v1/statistics``: datasets, series and their observations, country, corridor and
region views, exports, and SDG indicator 10.7.2.

No postponed annotations here: django-ninja reads them at import time.
"""

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router

from gcmhub.common.api import ERROR_RESPONSES
from gcmhub.common.errors import InvalidInput
from gcmhub.statistics import selectors
from gcmhub.statistics.exporting import series_export
from gcmhub.statistics.policy_api import router as policy_router

router = Router(tags=["statistics"])
router.add_router("", policy_router)

ExportFormat = Literal["csv", "xlsx", "json", "sdmx-csv"]
Data = dict[str, Any]


@router.get("/datasets", response={200: list[Data], **ERROR_RESPONSES}, summary="Datasets")
def dataset_list(request: HttpRequest) -> Any:
    """Every imported dataset with its provenance: publisher, edition, licence, file, sha256."""
    return selectors.dataset_list()


@router.get("/datasets/{slug}", response={200: Data, **ERROR_RESPONSES}, summary="One dataset")
def dataset_get(request: HttpRequest, slug: str) -> Any:
    return selectors.dataset_detail(slug)


@router.get("/series", response={200: list[Data], **ERROR_RESPONSES}, summary="Series")
def series_list(request: HttpRequest) -> Any:
    """Every series some dataset reports, with those datasets, newest edition first."""
    return selectors.series_list()


@router.get(
    "/series/{code}/observations",
    response={200: Data, **ERROR_RESPONSES},
    summary="Observations of one series",
)
def series_observations(
    request: HttpRequest,
    code: str,
    dataset: str = "",
    geo: str = "",
    sex: str = "",
    age: str = "",
    origin: str = "",
    start: int | None = None,
    end: int | None = None,
) -> Any:
    """One series in one dataset (the newest edition unless ``dataset`` names another).

    ``geo`` takes ISO3 codes, M49 region codes ("001" is the world) or publisher codes,
    separated by commas; ``sex`` is _T, F or M; ``origin`` an ISO3 code (stocks by origin);
    other dimensions filter as ``dim.<name>=<value>`` (``dim.route=Central Mediterranean``);
    ``from`` and ``to`` bound the years. At most 50,000 rows (``truncated`` says so).
    """
    params = request.GET.copy()
    if start is not None:
        params["from"] = str(start)
    if end is not None:
        params["to"] = str(end)
    return selectors.observations(code, selectors.Selection.from_params(params))


@router.get(
    "/series/{code}/options", response={200: Data, **ERROR_RESPONSES}, summary="Series pickers"
)
def series_options(request: HttpRequest, code: str, dataset: str = "") -> Any:
    """The places, sexes, ages and other dimension values a series has in a dataset."""
    return selectors.dimension_options(code, dataset)


@router.get("/series/{code}/map", response={200: Data, **ERROR_RESPONSES}, summary="Series map")
def series_map(request: HttpRequest, code: str) -> Any:
    """The latest period's value for each country, for the same filters as observations."""
    return selectors.latest_map(code, selectors.Selection.from_params(request.GET))


@router.get("/export", response={200: None, **ERROR_RESPONSES}, summary="Export series")
def export(request: HttpRequest, series: str, format: ExportFormat = "csv") -> HttpResponse:
    """Several series in one file (``series=a,b``), with each row's dataset, citation and
    licence; the filters are those of the observations endpoint."""
    codes = [c for c in series.split(",") if c.strip()]
    if not codes:
        raise InvalidInput("Name at least one series (series=code,code).")
    rows = selectors.export_rows(codes, selectors.Selection.from_params(request.GET))
    return series_export(rows, format, "statistics")


@router.get("/countries/{iso3}", response={200: Data, **ERROR_RESPONSES}, summary="Country")
def country(request: HttpRequest, iso3: str) -> Any:
    """Immigrant and emigrant stock by sex, migrants' share of the population, top corridors,
    missing migrants by year and route, and the 10.7.2 result, for one country or area."""
    return selectors.country_profile(iso3)


@router.get(
    "/corridors/{origin}/{destination}",
    response={200: Data, **ERROR_RESPONSES},
    summary="Corridor",
)
def corridor(request: HttpRequest, origin: str, destination: str, dataset: str = "") -> Any:
    """Migrants from ``origin`` living in ``destination``, by year and sex."""
    return selectors.corridor(origin, destination, dataset=dataset)


@router.get("/regions", response={200: list[Data], **ERROR_RESPONSES}, summary="Regions")
def region_list(request: HttpRequest) -> Any:
    return selectors.region_list()


@router.get("/regions/{m49}", response={200: Data, **ERROR_RESPONSES}, summary="Region")
def region(request: HttpRequest, m49: str) -> Any:
    """A UN region's migrant stock summed over its countries, with coverage and the
    publisher's own figure beside it; missing migrants in its countries."""
    return selectors.region_view(m49)

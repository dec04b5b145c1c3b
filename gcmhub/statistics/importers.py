"""One entry point for every importer: the command line, the upload page, tests and benchmarks.

``KINDS`` names each importer as the commands do (``migrant-stock`` for
``gcmhub import-migrant-stock``); ``import_path`` reads the file completely (nothing is written
when it has a problem), then saves it through ``services.dataset_import``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gcmhub.statistics.places import Places, load_places
from gcmhub.statistics.services import ImportReport, dataset_import
from gcmhub.statistics.sources.base import Parsed, Progress


def _migrant_stock(path: Path, places: Places, progress: Progress | None, **_: Any) -> Parsed:
    from gcmhub.statistics.sources import migrant_stock

    return migrant_stock.parse(path, places, progress)


def _missing_migrants(path: Path, places: Places, progress: Progress | None, **_: Any) -> Parsed:
    from gcmhub.statistics.sources import missing_migrants

    return missing_migrants.parse(path, places, progress)


def _open_sdg(path: Path, places: Places, progress: Progress | None, **options: Any) -> Parsed:
    from gcmhub.statistics.sources import open_sdg

    return open_sdg.parse(path, places, progress, **options)


def _sdmx(path: Path, places: Places, progress: Progress | None, **options: Any) -> Parsed:
    from gcmhub.statistics.sources import sdmx

    return sdmx.parse(path, places, progress, **options)


def _csv(path: Path, places: Places, progress: Progress | None, **options: Any) -> Parsed:
    from gcmhub.statistics.sources import mapped_csv

    return mapped_csv.parse(path, places, progress, **options)


KINDS: dict[str, Callable[..., Parsed]] = {
    "migrant-stock": _migrant_stock,
    "missing-migrants": _missing_migrants,
    "open-sdg": _open_sdg,
    "sdmx": _sdmx,
    "csv": _csv,
}


def parse_path(
    kind: str, path: Path, *, progress: Progress | None = None, **options: Any
) -> Parsed:
    return KINDS[kind](path, load_places(), progress, **options)


def import_path(
    kind: str,
    path: Path,
    *,
    by: Any,
    dry_run: bool = False,
    on_parsed: Callable[[Parsed], Progress | None] | None = None,
    **options: Any,
) -> ImportReport:
    """Read ``path`` with the importer ``kind`` and save it (unless ``dry_run``).

    ``on_parsed`` is called once the file is read and checked; what it returns (if anything)
    receives the number of rows written as they are saved, for a progress bar.
    """
    parsed = parse_path(kind, path, **options)
    progress = on_parsed(parsed) if on_parsed else None
    if dry_run:
        return ImportReport(
            dataset=parsed.dataset.slug,
            file_name=parsed.file_name,
            status="checked",
            observations=len(parsed.observations),
            records=len(parsed.records),
            notes=list(parsed.dataset.notes),
        )
    return dataset_import(by=by, parsed=parsed, progress=progress)

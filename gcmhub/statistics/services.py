"""Writing statistics: importing a parsed file as a dataset, removing a dataset.

Importers (``gcmhub.statistics.sources``) read a file completely and report every problem
without touching the database. ``dataset_import`` then saves it in one transaction, with its
audit event, or saves nothing:

- the same bytes imported again (same dataset, same sha256) change nothing;
- a file for a dataset already held (same publisher's release, other bytes: a corrected file)
  replaces that dataset's observations and records, in the same transaction;
- a new edition is a new dataset beside the old ones.

Platform administrators import (the command line acts as the system).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any, TypeVar

from django.db import connection, transaction
from django.utils import timezone

from gcmhub.accounts.permissions import ensure_platform_admin
from gcmhub.common.audit import audit_record, snapshot
from gcmhub.statistics.models import Dataset, Incident, Observation, Series
from gcmhub.statistics.sources.base import Obs, Parsed, SeriesDef, dims_key

IMPORTER_VERSION = "1.0"
BATCH = 5000
DATASET_FIELDS = (
    "slug", "source", "publisher", "title", "edition", "licence", "licence_url", "source_url",
    "citation", "file_name", "sha256", "importer_version", "rows_read", "observation_count",
    "record_count",
)  # fmt: skip

T = TypeVar("T")


@dataclass
class ImportReport:
    dataset: str
    file_name: str
    status: str  # "created", "replaced" or "unchanged"
    observations: int
    records: int
    series: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _batches(items: Sequence[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _sync_series(defs: list[SeriesDef]) -> dict[str, Series]:
    out = {}
    for d in defs:
        values = {
            "name": d.name, "unit": d.unit, "definition": d.definition,
            "sdg_indicator": d.sdg_indicator, "dimensions": list(d.dimensions),
            "decimals": d.decimals,
        }  # fmt: skip
        series, created = Series.objects.get_or_create(code=d.code, defaults=values)
        if not created and any(getattr(series, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(series, k, v)
            series.save()
        out[d.code] = series
    return out


OBS_COLUMNS = (
    "dataset_id", "series_id", "geo", "geo_kind", "area_id", "period", "year", "value", "sex",
    "age", "counterpart", "dims", "dims_key", "flags", "note",
)  # fmt: skip


def _insert_observations(dataset_id: int, series_ids: dict[str, int], chunk: list[Obs]) -> None:
    """Insert observations without building model instances: the imports write 100,000s.

    PostgreSQL gets them through COPY, SQLite through one prepared INSERT run for every row.
    """
    rows = [
        (
            dataset_id, series_ids[o.series], o.geo, o.geo_kind, o.area_id, o.period, o.year,
            o.value, o.sex, o.age, o.counterpart, json.dumps(dict(o.dims), ensure_ascii=False),
            dims_key(o.dims), o.flags, o.note,
        )
        for o in chunk
    ]  # fmt: skip
    table = connection.ops.quote_name(Observation._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in OBS_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(OBS_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def _series_counts(parsed: Parsed) -> dict[str, int]:
    counts: dict[str, int] = {}
    for obs in parsed.observations:
        counts[obs.series] = counts.get(obs.series, 0) + 1
    return counts


def dataset_import(
    *, by: Any, parsed: Parsed, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Save a parsed file as a dataset (see the module notes); ``progress`` gets rows written."""
    if by is not None:
        ensure_platform_admin(by)
    meta = parsed.dataset
    report = ImportReport(
        dataset=meta.slug,
        file_name=parsed.file_name,
        status="unchanged",
        observations=len(parsed.observations),
        records=len(parsed.records),
        series=_series_counts(parsed),
        notes=list(meta.notes),
    )
    existing = Dataset.objects.filter(slug=meta.slug).first()
    if existing is not None and existing.sha256 == parsed.sha256:
        if progress:
            progress(len(parsed.observations) + len(parsed.records))
        return report
    with transaction.atomic():
        series = _sync_series(parsed.series)
        before = snapshot(existing, DATASET_FIELDS) if existing else None
        values = {
            "source": meta.source, "publisher": meta.publisher, "title": meta.title,
            "edition": meta.edition, "licence": meta.licence, "licence_url": meta.licence_url,
            "source_url": meta.source_url, "citation": meta.citation,
            "file_name": parsed.file_name, "sha256": parsed.sha256,
            "importer_version": IMPORTER_VERSION, "imported_at": timezone.now(),
            "imported_by": by if by is not None and by.is_authenticated else None,
            "rows_read": parsed.rows_read, "observation_count": len(parsed.observations),
            "record_count": len(parsed.records), "groups": meta.groups, "notes": meta.notes,
        }  # fmt: skip
        if existing is None:
            dataset = Dataset.objects.create(slug=meta.slug, **values)
            report.status = "created"
        else:
            dataset = existing
            dataset.observations.all().delete()
            dataset.incidents.all().delete()
            for k, v in values.items():
                setattr(dataset, k, v)
            dataset.save()
            report.status = "replaced"
        series_ids = {code: row.pk for code, row in series.items()}
        for chunk in _batches(parsed.observations, BATCH):
            _insert_observations(dataset.pk, series_ids, chunk)
            if progress:
                progress(len(chunk))
        for records in _batches(parsed.records, BATCH):
            Incident.objects.bulk_create(
                [Incident(dataset=dataset, **r) for r in records], batch_size=BATCH
            )
            if progress:
                progress(len(records))
        audit_record(
            action=f"statistics.dataset.{'import' if existing is None else 'replace'}",
            by=by,
            obj=dataset,
            before=before,
            after=snapshot(dataset, DATASET_FIELDS),
        )
    return report


def dataset_delete(*, by: Any, dataset: Dataset) -> None:
    """Remove a dataset with its observations and records."""
    if by is not None:
        ensure_platform_admin(by)
    with transaction.atomic():
        before = snapshot(dataset, DATASET_FIELDS)
        label = str(dataset)
        audit_record(
            action="statistics.dataset.delete", by=by, obj=dataset, before=before,
            object_label=label,
        )  # fmt: skip
        dataset.delete()

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

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from gcmhub.accounts.permissions import ensure_authenticated, ensure_platform_admin
from gcmhub.common.audit import audit_record, snapshot
from gcmhub.common.errors import Conflict, FieldError, InvalidInput, PermissionDenied
from gcmhub.registry.models import Area, UnStatus
from gcmhub.statistics import policy, policy_selectors
from gcmhub.statistics.models import Dataset, Incident, Observation, PolicyAssessment, Series
from gcmhub.statistics.sources.base import (
    Obs,
    Parsed,
    Problems,
    SeriesDef,
    dims_key,
    require_file,
)

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
            "series_codes": sorted(report.series),
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
        # Fresh statistics let the planner pick the right index for the country pages at
        # once (without them SQLite scans a whole series to group by origin).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Observation._meta.db_table)}")
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


# --- SDG indicator 10.7.2: policy assessments ----------------------------------------------------
#
# One assessment holds a State's 30 answers for a year and the scores computed from them
# (``gcmhub.statistics.policy``). Platform administrators and the focal points and administrators
# of the State's government organisation enter them one at a time, with the version they read;
# platform administrators (and the command line) also import them from a CSV file.

ASSESSMENT_FIRST_YEAR = 2015
ASSESSMENT_SOURCE_MAX = 300
ASSESSMENT_IMPORT_MAX_BYTES = 2_000_000
ASSESSMENT_FIELDS = (
    "area", "year", "answers", "domain_scores", "overall", "level", "source", "version",
)  # fmt: skip


def _assessment_state(assessment: PolicyAssessment) -> dict[str, Any]:
    return {**snapshot(assessment, ASSESSMENT_FIELDS), "iso3": assessment.area.iso3}


def _assessment_label(area: Area, year: int) -> str:
    return f"SDG 10.7.2 {area.iso3} {year}"


def _assessment_current(assessment: PolicyAssessment) -> dict[str, object]:
    """The saved values an editor sees beside theirs when their save was refused."""
    return {
        "version": assessment.version,
        "answers": dict(assessment.answers),
        "source": assessment.source,
        "overall": assessment.overall,
        "level": assessment.level,
        "updated_at": assessment.updated_at.isoformat() if assessment.updated_at else None,
        "updated_by": assessment.updated_by.get_username() if assessment.updated_by else "",
    }


def _assessment_year_problem(year: Any) -> str | None:
    last = timezone.now().year
    if isinstance(year, bool) or not isinstance(year, int):
        return f"must be a year from {ASSESSMENT_FIRST_YEAR} to {last}"
    if not ASSESSMENT_FIRST_YEAR <= year <= last:
        return f"must be a year from {ASSESSMENT_FIRST_YEAR} to {last}, not {year}"
    return None


def _assessment_area_problem(area: Area) -> str | None:
    if area.un_status not in (UnStatus.MEMBER, UnStatus.OBSERVER):
        return f"{area.name} is not a UN Member State or observer State"
    return None


def _assessment_values(result: policy.Result, source: str) -> dict[str, Any]:
    return {
        "answers": result.answers,
        "domain_scores": result.domain_scores,
        "overall": result.overall,
        "level": result.level,
        "source": source,
    }


def assessment_save(
    *,
    by: Any,
    area: Area,
    year: int,
    answers: dict[str, str],
    source: str = "",
    version: int | None = None,
) -> PolicyAssessment:
    """Record (or change) a State's SDG 10.7.2 answers for ``year`` and score them.

    All 30 answers are required (option codes or their English labels). ``version`` is the one
    the editor read, None when there was no assessment yet: when someone saved in between,
    ``Conflict`` carries the saved values and nothing is written.
    """
    ensure_authenticated(by)
    if not policy_selectors.can_edit(by, area):
        raise PermissionDenied(
            f"Only a focal point or administrator of {area.name}'s government may enter its "
            "SDG 10.7.2 answers."
        )
    problems: list[FieldError] = []
    if (problem := _assessment_area_problem(area)) is not None:
        problems.append(FieldError(problem, "iso3"))
    if (problem := _assessment_year_problem(year)) is not None:
        problems.append(FieldError(problem, "year"))
    source = (source or "").strip()
    if len(source) > ASSESSMENT_SOURCE_MAX:
        problems.append(
            FieldError(f"must be {ASSESSMENT_SOURCE_MAX} characters or fewer", "source")
        )
    if not isinstance(answers, dict):
        problems.append(FieldError("must map each sub-category (1a to 6e) to an answer", "answers"))
        result = None
    else:
        try:
            result = policy.score(answers)
        except policy.InvalidAnswers as exc:
            result = None
            for code, messages in exc.problems.items():
                problems += [FieldError(m, code) for m in messages]
    if problems or result is None:
        raise InvalidInput("The answers were not saved.", problems)
    values = _assessment_values(result, source)
    org_id = policy_selectors.state_organisation_ids(area)[:1]
    actor = by if by.is_authenticated else None
    with transaction.atomic():
        existing = (
            PolicyAssessment.objects.select_related("area", "updated_by")
            .filter(area=area, year=year)
            .first()
        )
        if existing is None:
            before = None
            try:
                with transaction.atomic():
                    assessment = PolicyAssessment.objects.create(
                        area=area, year=year, version=1, updated_by=actor, **values
                    )
            except IntegrityError:
                existing = PolicyAssessment.objects.select_related("area", "updated_by").get(
                    area=area, year=year
                )
                raise Conflict(
                    "Someone else entered this year's answers while you were writing yours; "
                    "review their version.",
                    current=_assessment_current(existing),
                ) from None
        else:
            before = _assessment_state(existing)
            changed = 0
            if version is not None:
                changed = PolicyAssessment.objects.filter(pk=existing.pk, version=version).update(
                    **values, version=F("version") + 1, updated_at=timezone.now(),
                    updated_by=actor,
                )  # fmt: skip
            if not changed:
                current = PolicyAssessment.objects.select_related("area", "updated_by").get(
                    pk=existing.pk
                )
                raise Conflict(
                    "Someone else changed these answers after you opened them; "
                    "review their version.",
                    current=_assessment_current(current),
                )
            assessment = PolicyAssessment.objects.select_related("area").get(pk=existing.pk)
        audit_record(
            action="statistics.assessment.save",
            by=by,
            obj=assessment,
            before=before,
            after=_assessment_state(assessment),
            organisation_id=org_id[0] if org_id else None,
            object_label=_assessment_label(area, year),
        )
    return assessment


def _import_rows(path: Path, problems: Problems) -> list[tuple[int, dict[str, str]]]:
    """(row number, cells by column) for every non-blank row; header problems raise at once."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{path.name} is not UTF-8 text; nothing was imported.",
            [FieldError(f"undecodable byte at position {exc.start}", None, path.name)],
        ) from exc
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InvalidInput(f"{path.name} is not a readable CSV file ({exc}).") from exc
    if not table:
        raise InvalidInput(f"{path.name} holds no rows; nothing was imported.")
    header = [h.strip().lower() for h in table[0]]
    required = ("iso3", "year", *policy.CODES)
    allowed = (*required, "source")
    for column in required:
        if column not in header:
            problems.add("required column is missing", row=1, column=column)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.add("column appears twice", row=1, column=name)
        elif name and name not in allowed:
            problems.add(
                "unknown column (expected iso3, year, 1a to 6e and optionally source)",
                row=1,
                column=name,
            )
        seen.add(name)
    problems.raise_if_any()
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.add(f"{len(cells)} cells for {len(header)} columns", row=number, column=None)
        padded = [*cells, *[""] * (len(header) - len(cells))]
        rows.append((number, {h: c.strip() for h, c in zip(header, padded, strict=False) if h}))
    return rows


def assessment_import(*, by: Any, path: Path | str) -> dict[str, Any]:
    """Import SDG 10.7.2 answers from a CSV file: every row checked first, then one transaction.

    Columns: ``iso3``, ``year``, ``1a`` to ``6e`` (option codes such as ``yes``, ``yes_legal``
    and ``no``, or the options' English labels in any letter case) and, optionally, ``source``
    (without that column, the sources already recorded are kept). Any problem rejects the whole
    file, each named with its row and column. A row whose answers and source are already
    recorded changes nothing, so importing the same file again changes nothing. Platform
    administrators import; ``by=None`` is the system (the command line).
    """
    if by is not None:
        ensure_platform_admin(by)
    path = Path(path)
    require_file(path, max_bytes=ASSESSMENT_IMPORT_MAX_BYTES, suffixes=(".csv",))
    problems = Problems(path.name)
    rows = _import_rows(path, problems)
    if not rows and not problems:
        raise InvalidInput(f"{path.name} holds no data rows; nothing was imported.")
    codes = {cells.get("iso3", "").upper() for _, cells in rows}
    areas = {a.iso3: a for a in Area.objects.filter(iso3__in=codes)}
    parsed: list[tuple[Area, int, policy.Result, str | None]] = []
    first_row: dict[tuple[str, int], int] = {}
    for number, cells in rows:
        iso3 = cells.get("iso3", "").upper()
        area = areas.get(iso3)
        if not iso3:
            problems.add("an ISO3 code is required", row=number, column="iso3")
        elif area is None:
            problems.add(f"unknown ISO3 code {cells['iso3']!r}", row=number, column="iso3")
        elif (problem := _assessment_area_problem(area)) is not None:
            problems.add(problem, row=number, column="iso3")
        raw_year = cells.get("year", "")
        year = int(raw_year) if raw_year.isdigit() else None
        if not raw_year:
            problems.add("a year is required", row=number, column="year")
        elif (problem := _assessment_year_problem(year)) is not None:
            problems.add(f"{problem} ({raw_year!r})", row=number, column="year")
        if area is not None and year is not None:
            key = (area.iso3, year)
            if key in first_row:
                problems.add(
                    f"{area.iso3} {year} is already given in row {first_row[key]}",
                    row=number,
                    column="year",
                )
            first_row.setdefault(key, number)
        answers = {code: cells.get(code, "") for code in policy.CODES}
        for code, messages in policy.check(answers).items():
            for message in messages:
                problems.add(message, row=number, column=code)
        source = cells.get("source") if "source" in cells else None
        if source is not None and len(source) > ASSESSMENT_SOURCE_MAX:
            problems.add(
                f"must be {ASSESSMENT_SOURCE_MAX} characters or fewer", row=number, column="source"
            )
        if not problems and area is not None and year is not None:
            parsed.append((area, year, policy.score(answers), source))
    problems.raise_if_any()
    created = updated = unchanged = 0
    actor = by if by is not None and by.is_authenticated else None
    with transaction.atomic():
        existing = {
            (a.area_id, a.year): a
            for a in PolicyAssessment.objects.select_for_update().filter(
                area_id__in={area.pk for area, *_ in parsed}
            )
        }
        for area, year, result, source in parsed:
            current = existing.get((area.pk, year))
            values = _assessment_values(
                result, source if source is not None else (current.source if current else "")
            )
            if current is not None and all(getattr(current, k) == v for k, v in values.items()):
                unchanged += 1
                continue
            if current is None:
                before = None
                assessment = PolicyAssessment.objects.create(
                    area=area, year=year, version=1, updated_by=actor, **values
                )
                created += 1
            else:
                before = _assessment_state(current)
                for k, v in values.items():
                    setattr(current, k, v)
                current.version += 1
                current.updated_by = actor
                current.save()
                assessment = current
                updated += 1
            audit_record(
                action="statistics.assessment.import",
                by=by,
                obj=assessment,
                before=before,
                after={**_assessment_state(assessment), "file": path.name},
                object_label=_assessment_label(area, year),
            )
    return {
        "file": path.name, "rows": len(rows), "created": created, "updated": updated,
        "unchanged": unchanged,
    }  # fmt: skip

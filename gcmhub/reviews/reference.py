"""Reading and checking the review-cycle reference file (``reference/cycles.yaml``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gcmhub.common.errors import InvalidInput
from gcmhub.common.yamlfile import LINE, Collector, read_release, str_list
from gcmhub.reviews.models import CycleKind

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
FILES = ("cycles.yaml",)


@dataclass
class CycleReference:
    version: str
    checksum: str
    cycles: list[dict[str, Any]] = field(default_factory=list)


def _date(value: Any, where: str, name: str, errors: Collector) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.add(where, f"must be a date YYYY-MM-DD, not {value!r}", name)
        return None


def _event(raw: Any, where: str, errors: Collector) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        errors.add(where, "each event must be a mapping")
        return None
    where = f"{where.split(',')[0]}, line {raw.get(LINE)}"
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.add(where, "is required", "title")
    start = _date(raw.get("start"), where, "start", errors)
    end = _date(raw.get("end"), where, "end", errors)
    if start and end and end < start:
        errors.add(where, "cannot be before the start", "end")
    if start is None and not raw.get("when"):
        errors.add(where, "an event needs a start date or a 'when' text", "start")
    certainty = raw.get("certainty", "confirmed")
    if certainty not in ("confirmed", "uncertain"):
        errors.add(where, "must be confirmed or uncertain", "certainty")
    return {
        "title": str(title or "").strip(),
        "commission": raw.get("commission") or "",
        "start": start,
        "end": end,
        "when": str(raw.get("when") or ""),
        "venue": str(raw.get("venue") or "").strip(),
        "certainty": certainty,
        "sources": str_list(raw.get("sources"), where, "sources", errors, required=True),
    }


def read_cycles(directory: Path = REFERENCE_DIR) -> CycleReference:
    """The cycles in ``directory``; every problem found is raised together as InvalidInput."""
    errors = Collector()
    release = read_release(
        [directory / name for name in FILES], errors, scope="review cycles", shape="a mapping"
    )
    ref = CycleReference(version=release.version, checksum=release.checksum)
    seen: set[str] = set()
    for path, data in release.files:
        raw_cycles = data.get("cycles")
        if not isinstance(raw_cycles, list):
            errors.add(path.name, "must be a list", "cycles")
            continue
        for raw in raw_cycles:
            where = f"{path.name}, line {raw.get(LINE) if isinstance(raw, dict) else '?'}"
            if not isinstance(raw, dict):
                errors.add(where, "each cycle must be a mapping")
                continue
            slug = raw.get("slug")
            if not isinstance(slug, str) or not slug:
                errors.add(where, "is required", "slug")
            elif slug in seen:
                errors.add(where, f"{slug!r} appears twice", "slug")
            seen.add(str(slug))
            if raw.get("kind") not in CycleKind.values:
                errors.add(where, f"must be one of {', '.join(CycleKind.values)}", "kind")
            years = [raw.get("start_year"), raw.get("end_year")]
            first, last = years
            if not (isinstance(first, int) and isinstance(last, int)):
                errors.add(where, "start_year and end_year must be years", "start_year")
            elif last < first:
                errors.add(where, "cannot be before start_year", "end_year")
            opens = _date(raw.get("opens"), where, "opens", errors)
            closes = _date(raw.get("closes"), where, "closes", errors)
            if opens and closes and closes < opens:
                errors.add(where, "cannot be before the opening date", "closes")
            events = [
                e
                for e in (_event(r, where, errors) for r in raw.get("events") or [])
                if e is not None
            ]
            ref.cycles.append(
                {
                    "slug": slug,
                    "kind": raw.get("kind"),
                    "title": str(raw.get("title") or slug).strip(),
                    "round": raw.get("round"),
                    "start_year": years[0],
                    "end_year": years[1],
                    "opens": opens,
                    "closes": closes,
                    "organiser": raw.get("organiser") or "",
                    "description": str(raw.get("description") or "").strip(),
                    "notes": str_list(raw.get("notes"), where, "notes", errors, required=False),
                    "sources": str_list(
                        raw.get("sources"), where, "sources", errors, required=True
                    ),
                    "events": events,
                    "where": where,
                }
            )
    if errors.errors:
        raise InvalidInput("The review-cycle reference data has problems.", errors.errors)
    return ref

"""Bringing a table to exactly the rows a reference file wants, counting what changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


@dataclass
class LoadReport:
    version: str
    checksum: str
    dry_run: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(
            n for section in self.counts.values() for k, n in section.items() if k != "unchanged"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "checksum": self.checksum,
            "dry_run": self.dry_run,
            "counts": self.counts,
            "changes": self.changes,
        }


class Rollback(Exception):
    """Raised inside a transaction to undo it on purpose (a dry run)."""


def _tally() -> dict[str, int]:
    return {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}


def sync_rows(
    section: str,
    report: LoadReport,
    existing: dict[Any, M],
    wanted: dict[Any, dict[str, Any]],
    create: Callable[[Any, dict[str, Any]], M],
    label: Callable[[Any], str] | None = None,
) -> dict[Any, M]:
    """Make the rows of one section equal ``wanted``: create, update or delete, and count each.

    ``existing`` and ``wanted`` are keyed alike; ``wanted`` holds the field values each row
    must have. Returns the rows that remain, by key.
    """
    tally = report.counts.setdefault(section, _tally())
    for key in set(existing) - set(wanted):
        existing.pop(key).delete()
        tally["deleted"] += 1
        if label:
            report.changed.append(f"-{label(key)}")
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            existing[key] = create(key, values)
            tally["created"] += 1
            if label:
                report.changed.append(f"+{label(key)}")
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            tally["updated"] += 1
            if label:
                report.changed.append(f"~{label(key)}")
        else:
            tally["unchanged"] += 1
    return existing

"""Loading the reference frameworks into the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction

from gcmhub.accounts.models import User
from gcmhub.accounts.permissions import ensure_platform_admin
from gcmhub.common import fulltext
from gcmhub.common.audit import audit_record
from gcmhub.common.models import SearchDocument
from gcmhub.framework.kinds import ItemKind
from gcmhub.framework.models import CrosswalkLink, FrameworkItem, KeyDate, ReferenceRelease
from gcmhub.framework.reference import REFERENCE_DIR, ReferenceSet, read_reference

SEARCH_SCOPE = "framework"
M = TypeVar("M", FrameworkItem, CrosswalkLink, KeyDate)
_ITEM_FIELDS = (
    "number", "title", "short_title", "description", "attributes", "sources", "notes", "titles",
)  # fmt: skip
_DATE_FIELDS = ("title", "start", "end", "document", "description", "sources", "notes")


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


class _Rollback(Exception):
    pass


def _tally() -> dict[str, int]:
    return {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}


def _sync(
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


def _ref_label(ref: tuple[str, str]) -> str:
    return f"{ref[0]}:{ref[1]}"


def _sync_items(ref: ReferenceSet, report: LoadReport) -> dict[tuple[str, str], FrameworkItem]:
    items = _sync(
        "items",
        report,
        existing={(i.kind, i.code): i for i in FrameworkItem.objects.all()},
        wanted={s.ref: {name: getattr(s, name) for name in _ITEM_FIELDS} for s in ref.items},
        create=lambda key, values: FrameworkItem.objects.create(kind=key[0], code=key[1], **values),
        label=_ref_label,
    )
    # Parents point at rows that may have been created in the pass above, so they come second.
    tally = report.counts["items"]
    for spec in ref.items:
        item = items[spec.ref]
        parent_id = items[spec.parent].pk if spec.parent else None
        if item.parent_id != parent_id:
            item.parent_id = parent_id
            item.save(update_fields=["parent"])
            if f"+{_ref_label(spec.ref)}" not in report.changed:
                tally["updated"] += 1
                tally["unchanged"] -= 1
                report.changed.append(f"~{_ref_label(spec.ref)}")
    return items


def _sync_links(
    ref: ReferenceSet, items: dict[tuple[str, str], FrameworkItem], report: LoadReport
) -> None:
    by_pk = {i.pk: key for key, i in items.items()}
    _sync(
        "links",
        report,
        existing={
            (by_pk[link.from_item_id], by_pk[link.to_item_id], link.relation): link
            for link in CrosswalkLink.objects.all()
        },
        wanted={
            (s.from_ref, s.to_ref, s.relation): {
                "basis": s.basis,
                "sources": s.sources,
                "note": s.note,
            }
            for s in ref.links
        },
        create=lambda key, values: CrosswalkLink.objects.create(
            from_item=items[key[0]], to_item=items[key[1]], relation=key[2], **values
        ),
    )


def _sync_key_dates(ref: ReferenceSet, report: LoadReport) -> None:
    _sync(
        "key_dates",
        report,
        existing={kd.code: kd for kd in KeyDate.objects.all()},
        wanted={s.code: {name: getattr(s, name) for name in _DATE_FIELDS} for s in ref.key_dates},
        create=lambda code, values: KeyDate.objects.create(code=code, **values),
    )


def _search_documents(items: dict[tuple[str, str], FrameworkItem]) -> Iterator[fulltext.Document]:
    """What the framework search sees of each item: its label, titles and description."""
    for (kind, code), item in sorted(items.items()):
        label = ItemKind(kind).label
        translated = " ".join(str(t) for t in item.titles.values())
        body = " ".join(
            part
            for part in (f"{label} {code}.", item.short_title, item.description, translated)
            if part
        )
        yield fulltext.Document(key=f"{kind}:{code}", title=item.title, body=body)


def reference_load(
    *, by: User | None, directory: Path = REFERENCE_DIR, dry_run: bool = False
) -> LoadReport:
    """Validate every reference file, then bring the database to exactly their content.

    All or nothing: one transaction, and nothing at all when a file has a problem. Loading the
    same files again changes nothing and records nothing. ``by`` None means the system (CLI).
    """
    if by is not None:
        ensure_platform_admin(by)
    ref = read_reference(directory)
    report = LoadReport(version=ref.version, checksum=ref.checksum, dry_run=dry_run)
    try:
        with transaction.atomic():
            items = _sync_items(ref, report)
            _sync_links(ref, items, report)
            _sync_key_dates(ref, report)
            latest = ReferenceRelease.objects.order_by("-loaded_at", "-id").first()
            is_new_release = latest is None or latest.checksum != ref.checksum
            if report.changes or not SearchDocument.objects.filter(scope=SEARCH_SCOPE).exists():
                fulltext.replace_scope(SEARCH_SCOPE, _search_documents(items))
            if report.changes or is_new_release:
                release = ReferenceRelease.objects.create(
                    version=ref.version,
                    checksum=ref.checksum,
                    counts=report.counts,
                    extras=ref.extras,
                )
                audit_record(
                    action="reference.load",
                    by=by,
                    obj=release,
                    after={**report.as_dict(), "changed": report.changed[:500]},
                )
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report

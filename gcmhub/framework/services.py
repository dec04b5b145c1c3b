"""Loading the reference frameworks into the database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from gcmhub.accounts.models import User
from gcmhub.accounts.permissions import ensure_platform_admin
from gcmhub.common import fulltext
from gcmhub.common.audit import audit_record
from gcmhub.common.models import SearchDocument
from gcmhub.framework.kinds import ItemKind
from gcmhub.framework.models import CrosswalkLink, FrameworkItem, KeyDate, ReferenceRelease
from gcmhub.framework.reference import REFERENCE_DIR, ItemSpec, ReferenceSet, read_reference

SEARCH_SCOPE = "framework"
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


def _sync_items(ref: ReferenceSet, report: LoadReport) -> dict[tuple[str, str], FrameworkItem]:
    tally = report.counts.setdefault("items", _tally())
    existing = {(i.kind, i.code): i for i in FrameworkItem.objects.all()}
    wanted = {spec.ref: spec for spec in ref.items}
    for key in set(existing) - set(wanted):
        existing.pop(key).delete()
        tally["deleted"] += 1
        report.changed.append(f"-{key[0]}:{key[1]}")
    for spec in ref.items:
        values = {name: getattr(spec, name) for name in _ITEM_FIELDS}
        item = existing.get(spec.ref)
        if item is None:
            item = FrameworkItem.objects.create(kind=spec.kind, code=spec.code, **values)
            existing[spec.ref] = item
            tally["created"] += 1
            report.changed.append(f"+{spec.kind}:{spec.code}")
        elif any(getattr(item, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(item, k, v)
            item.save()
            tally["updated"] += 1
            report.changed.append(f"~{spec.kind}:{spec.code}")
        else:
            tally["unchanged"] += 1
    for spec in ref.items:
        _set_parent(existing[spec.ref], spec, existing, tally, report)
    return existing


def _set_parent(
    item: FrameworkItem,
    spec: ItemSpec,
    items: dict[tuple[str, str], FrameworkItem],
    tally: dict[str, int],
    report: LoadReport,
) -> None:
    parent_id = items[spec.parent].pk if spec.parent else None
    if item.parent_id != parent_id:
        item.parent_id = parent_id
        item.save(update_fields=["parent"])
        if f"+{spec.kind}:{spec.code}" not in report.changed:
            tally["updated"] += 1
            tally["unchanged"] -= 1
            report.changed.append(f"~{spec.kind}:{spec.code}")


def _sync_links(
    ref: ReferenceSet, items: dict[tuple[str, str], FrameworkItem], report: LoadReport
) -> None:
    tally = report.counts.setdefault("links", _tally())
    by_pk = {i.pk: key for key, i in items.items()}
    existing = {
        (by_pk[link.from_item_id], by_pk[link.to_item_id], link.relation): link
        for link in CrosswalkLink.objects.all()
    }
    wanted = {(s.from_ref, s.to_ref, s.relation): s for s in ref.links}
    for key in set(existing) - set(wanted):
        existing[key].delete()
        tally["deleted"] += 1
    for key, spec in wanted.items():
        values = {"basis": spec.basis, "sources": spec.sources, "note": spec.note}
        link = existing.get(key)
        if link is None:
            CrosswalkLink.objects.create(
                from_item=items[spec.from_ref],
                to_item=items[spec.to_ref],
                relation=spec.relation,
                **values,
            )
            tally["created"] += 1
        elif any(getattr(link, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(link, k, v)
            link.save()
            tally["updated"] += 1
        else:
            tally["unchanged"] += 1


def _sync_key_dates(ref: ReferenceSet, report: LoadReport) -> None:
    tally = report.counts.setdefault("key_dates", _tally())
    existing = {kd.code: kd for kd in KeyDate.objects.all()}
    wanted = {spec.code: spec for spec in ref.key_dates}
    for code in set(existing) - set(wanted):
        existing[code].delete()
        tally["deleted"] += 1
    for code, spec in wanted.items():
        values = {name: getattr(spec, name) for name in _DATE_FIELDS}
        kd = existing.get(code)
        if kd is None:
            KeyDate.objects.create(code=code, **values)
            tally["created"] += 1
        elif any(getattr(kd, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(kd, k, v)
            kd.save()
            tally["updated"] += 1
        else:
            tally["unchanged"] += 1


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

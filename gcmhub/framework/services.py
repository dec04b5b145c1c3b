"""Loading the reference frameworks into the database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.db import transaction

from gcmhub.accounts.models import User
from gcmhub.accounts.permissions import ensure_platform_admin
from gcmhub.common import fulltext
from gcmhub.common.audit import audit_record
from gcmhub.common.models import SearchDocument
from gcmhub.common.sync import LoadReport, Rollback, sync_rows
from gcmhub.framework.kinds import ItemKind
from gcmhub.framework.models import CrosswalkLink, FrameworkItem, KeyDate, ReferenceRelease
from gcmhub.framework.reference import REFERENCE_DIR, ReferenceSet, read_reference

SEARCH_SCOPE = "framework"
_ITEM_FIELDS = (
    "number", "title", "short_title", "description", "attributes", "sources", "notes", "titles",
)  # fmt: skip
_DATE_FIELDS = ("title", "start", "end", "document", "description", "sources", "notes")


def _ref_label(ref: tuple[str, str]) -> str:
    return f"{ref[0]}:{ref[1]}"


def _sync_items(ref: ReferenceSet, report: LoadReport) -> dict[tuple[str, str], FrameworkItem]:
    items = sync_rows(
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
    sync_rows(
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
    sync_rows(
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
                raise Rollback
    except Rollback:
        pass
    return report

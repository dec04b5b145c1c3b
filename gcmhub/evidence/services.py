"""Writing the evidence base: ingesting documents, deciding on tags, batches in the background.

Ingesting reads the whole file, finds its language and passages, embeds and tags the passages,
and only then saves the document, its passages and the suggested tags in one transaction with
its audit event. A file that cannot be read, or is not in one of the six UN languages, saves
nothing and says why, naming the file. The same bytes again change nothing ("unchanged").

Who may do what:
- ingest: members of an organisation (contributor or above) for that organisation, platform
  administrators for any, the command line as the system;
- decide on tags (confirm, reject, add) and edit or remove a document: reviewers, secretariats
  and administrators of the document's organisation; for documents of no organisation, any
  reviewer; platform administrators always.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from gcmhub.accounts.permissions import ensure_authenticated, is_platform_admin
from gcmhub.common.audit import audit_record, snapshot
from gcmhub.common.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from gcmhub.evidence import access, extract, ingest
from gcmhub.evidence.models import (
    BatchFile,
    BatchStatus,
    Document,
    IngestBatch,
    Passage,
    Source,
    Tag,
    TagStatus,
)
from gcmhub.framework.models import FrameworkItem
from gcmhub.tagger import get_tagger

logger = logging.getLogger(__name__)

TAG_KINDS = ("objective", "principle", "cluster", "sdg_goal", "sdg_target")
MAX_BATCH_FILES = 500
DOCUMENT_FIELDS = (
    "title", "doc_type", "language", "year", "area", "organisation", "is_public", "source",
    "source_ref", "source_url", "licence", "filename", "media_type", "size", "sha256", "pages",
    "passage_count",
)  # fmt: skip
EDITABLE = (
    "title", "doc_type", "year", "area", "organisation", "is_public", "licence", "source_url",
)  # fmt: skip


# --- ingest ------------------------------------------------------------------------------------


@dataclass
class IngestResult:
    filename: str
    status: str  # "created" | "unchanged"
    document_id: int
    passages: int
    suggested: int

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _save(
    by: Any, prepared: ingest.Prepared, opts: access.Options, source: str, source_ref: str
) -> IngestResult:
    try:
        return _save_new(by, prepared, opts, source, source_ref)
    except IntegrityError:
        # the same bytes were saved meanwhile by another upload
        existing = Document.objects.filter(sha256=prepared.sha256).first()
        if existing is None:
            raise
        return IngestResult(prepared.filename, "unchanged", existing.pk, existing.passage_count, 0)


def _save_new(
    by: Any, prepared: ingest.Prepared, opts: access.Options, source: str, source_ref: str
) -> IngestResult:
    with transaction.atomic():
        existing = Document.objects.filter(sha256=prepared.sha256).first()
        if existing is not None:
            return IngestResult(
                prepared.filename, "unchanged", existing.pk, existing.passage_count, 0
            )
        doc = Document.objects.create(
            title=opts.title or prepared.title,
            doc_type=opts.doc_type,
            language=prepared.language,
            year=opts.year,
            area=opts.area,
            organisation=opts.organisation,
            is_public=opts.is_public,
            source=source,
            source_ref=source_ref[:300],
            source_url=opts.source_url,
            licence=opts.licence,
            filename=prepared.filename,
            media_type=prepared.media_type,
            size=prepared.size,
            sha256=prepared.sha256,
            pages=prepared.pages,
            passage_count=len(prepared.passages),
            tagger_version=get_tagger().version,
            created_by=by if by is not None and by.is_authenticated else None,
        )
        passages = Passage.objects.bulk_create(
            [
                Passage(document=doc, vector=ingest.vector_bytes(v), **p)
                for p, v in zip(prepared.passages, prepared.vectors, strict=True)
            ],
            batch_size=500,
        )
        items = _items_by_key()
        tags = [
            Tag(
                document=doc,
                passage=passage,
                item=items[f"{t['kind']}:{t['code']}"],
                status=TagStatus.SUGGESTED,
                suggested=True,
                score=t["score"],
                evidence=t["evidence"],
            )
            for passage, found in zip(passages, prepared.tags, strict=True)
            for t in found
            if f"{t['kind']}:{t['code']}" in items
        ]
        Tag.objects.bulk_create(tags, batch_size=1000)
        after = snapshot(doc, DOCUMENT_FIELDS)
        after["suggested_tags"] = len(tags)
        audit_record(
            action="evidence.document.ingest",
            by=by,
            obj=doc,
            after=after,
            organisation_id=doc.organisation_id,
        )
    return IngestResult(prepared.filename, "created", doc.pk, len(passages), len(tags))


_ITEMS: dict[str, Any] = {"value": None}


def _items_by_key() -> dict[str, FrameworkItem]:
    cached = _ITEMS["value"]
    if (
        cached is None
        or not FrameworkItem.objects.filter(pk=next(iter(cached.values())).pk).exists()
    ):
        cached = {
            f"{it.kind}:{it.code}": it for it in FrameworkItem.objects.filter(kind__in=TAG_KINDS)
        }
        if not cached:
            raise Conflict("The framework reference data is not loaded; run `gcmhub init`.")
        _ITEMS["value"] = cached
    return cached


def ingest_file(
    *,
    by: Any,
    filename: str,
    content: bytes,
    options: dict[str, Any] | access.Options | None = None,
    source: str = Source.UPLOAD,
    source_ref: str = "",
) -> IngestResult:
    """Ingest one file; "unchanged" when the same bytes are already held."""
    opts = options if isinstance(options, access.Options) else access.parse_options(options or {})
    access.ensure_can_ingest(by, opts)
    digest = hashlib.sha256(content).hexdigest()
    held = Document.objects.filter(sha256=digest).values_list("pk", "passage_count").first()
    if held is not None:
        return IngestResult(Path(filename).name, "unchanged", held[0], held[1], 0)
    prepared = ingest.prepare(content, filename)
    return _save(by, prepared, opts, source, source_ref)


@dataclass
class BatchReport:
    results: list[IngestResult] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": sum(r.status == "created" for r in self.results),
            "unchanged": sum(r.status == "unchanged" for r in self.results),
            "failed": len(self.failures),
            "results": [r.as_dict() for r in self.results],
            "failures": self.failures,
        }


def ingest_many(
    *,
    by: Any,
    files: Iterable[tuple[str, Callable[[], bytes]]],
    options: dict[str, Any] | access.Options | None = None,
    source: str = Source.COMMAND,
    progress: Callable[[str], None] | None = None,
) -> BatchReport:
    """Ingest files one by one: a file that fails is listed and the others go on."""
    opts = options if isinstance(options, access.Options) else access.parse_options(options or {})
    access.ensure_can_ingest(by, opts)
    report = BatchReport()
    for name, read in files:
        try:
            content = read()
            report.results.append(
                ingest_file(
                    by=by,
                    filename=name,
                    content=content,
                    options=opts,
                    source=source,
                    source_ref=name,
                )
            )
        except InvalidInput as exc:
            report.failures.append({"file": name, "message": _first_message(exc)})
        except OSError as exc:
            report.failures.append({"file": name, "message": f"could not be read: {exc.strerror}"})
        if progress:
            progress(name)
    return report


def _first_message(exc: InvalidInput) -> str:
    if exc.errors:
        return "; ".join(e.message for e in exc.errors)
    return exc.message


# --- batches in the background -----------------------------------------------------------------


def batch_create(
    *, by: Any, files: Sequence[tuple[str, bytes]], options: dict[str, Any]
) -> IngestBatch:
    """Store the files and queue a background task to ingest them."""
    opts = access.parse_options(options)
    access.ensure_can_ingest(by, opts)
    if not files:
        raise InvalidInput("Choose at least one file.", [FieldError("no file was sent", "files")])
    if len(files) > MAX_BATCH_FILES:
        raise InvalidInput(
            f"A batch holds at most {MAX_BATCH_FILES} files.",
            [FieldError(f"{len(files)} files were sent", "files")],
        )
    errors = [
        FieldError(f"is larger than {extract.MAX_BYTES:,} bytes", "files", name)
        for name, content in files
        if len(content) > extract.MAX_BYTES
    ]
    if errors:
        raise InvalidInput("The batch was not queued.", errors)
    with transaction.atomic():
        batch = IngestBatch.objects.create(options=opts.as_json(), total=len(files), created_by=by)
        for name, content in files:
            safe = Path(name).name[:255] or "document"
            BatchFile.objects.create(
                batch=batch, name=safe, file=ContentFile(content, name=f"{batch.pk}-{safe}")
            )
        audit_record(
            action="evidence.batch.create",
            by=by,
            obj=batch,
            after={"files": [Path(n).name for n, _ in files], **opts.as_json()},
            organisation_id=opts.organisation.pk if opts.organisation else None,
        )
        transaction.on_commit(lambda: _enqueue(batch.pk))
    return batch


def _enqueue(batch_pk: int) -> None:
    from gcmhub.evidence.tasks import run_batch

    result = run_batch.enqueue(batch_pk)
    IngestBatch.objects.filter(pk=batch_pk).update(task_id=str(result.id)[:64])


def batch_run(batch_pk: int) -> IngestBatch:
    """Ingest the queued files of a batch (called by the background task), file by file."""
    batch = IngestBatch.objects.select_related("created_by").get(pk=batch_pk)
    IngestBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    opts = access.parse_options(batch.options)
    for bf in batch.files.filter(status="queued"):
        try:
            with bf.file.open("rb") as fh:
                content = fh.read()
            result = ingest_file(
                by=batch.created_by,
                filename=bf.name,
                content=content,
                options=opts,
                source=Source.UPLOAD,
                source_ref=f"batch {batch.pk}",
            )
            bf.status, bf.message, bf.document_id = result.status, "", result.document_id
            counter = "ingested" if result.status == "created" else "unchanged"
        except (InvalidInput, PermissionDenied, OSError) as exc:
            message = _first_message(exc) if isinstance(exc, InvalidInput) else str(exc)
            bf.status, bf.message, counter = "failed", message[:500], ""
        except Exception:  # one broken file must not leave the batch stuck half-way
            logger.exception("batch %s: %s could not be ingested", batch.pk, bf.name)
            bf.status, counter = "failed", ""
            bf.message = "could not be ingested because of an internal error; it was logged"
        bf.save(update_fields=["status", "message", "document"])
        bf.file.delete(save=False)
        with transaction.atomic():
            locked = IngestBatch.objects.select_for_update().get(pk=batch.pk)
            locked.processed += 1
            if counter:
                setattr(locked, counter, getattr(locked, counter) + 1)
            else:
                locked.failures = [*locked.failures, {"file": bf.name, "message": bf.message}]
            locked.save(update_fields=["processed", "ingested", "unchanged", "failures"])
    IngestBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


# --- tags --------------------------------------------------------------------------------------


def _get_tag(pk: int) -> Tag:
    try:
        return Tag.objects.select_related("document__organisation", "item").get(pk=pk)
    except Tag.DoesNotExist:
        raise NotFound(f"There is no tag {pk}.") from None


def tag_decide(*, by: Any, pk: int, status: str) -> Tag:
    """Confirm or reject a tag (or set it back to a suggestion)."""
    if status not in TagStatus.values:
        raise InvalidInput(
            "The decision is not valid.",
            [FieldError(f"must be one of {', '.join(TagStatus.values)}", "status")],
        )
    tag = _get_tag(pk)
    access.ensure_curator(by, tag.document)
    if status == TagStatus.SUGGESTED and not tag.suggested:
        raise InvalidInput(
            "A tag added by a person cannot become a suggestion; reject it instead.",
            [FieldError("cannot be 'suggested' for an added tag", "status")],
        )
    with transaction.atomic():
        locked = Tag.objects.select_for_update().get(pk=tag.pk)
        before = snapshot(locked, ("status", "decided_by", "decided_at"))
        locked.status = status
        locked.decided_by = by if status != TagStatus.SUGGESTED else None
        locked.decided_at = timezone.now() if status != TagStatus.SUGGESTED else None
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            action="evidence.tag.decide",
            by=by,
            obj=locked,
            before=before,
            after=snapshot(locked, ("status", "decided_by", "decided_at")),
            organisation_id=tag.document.organisation_id,
            object_label=f"{tag.item.kind} {tag.item.code} on {tag}",
        )
    return locked


def tag_add(
    *, by: Any, kind: str, code: str, passage_id: int | None = None, document_id: int | None = None
) -> Tag:
    """Add a confirmed tag to a passage, or to a whole document."""
    if (passage_id is None) == (document_id is None):
        raise InvalidInput(
            "Name a passage or a document, not both.",
            [FieldError("give exactly one of passage and document", "passage")],
        )
    item = FrameworkItem.objects.filter(kind=kind, code=code, kind__in=TAG_KINDS).first()
    if item is None:
        raise InvalidInput(
            "The framework item is not known.",
            [FieldError(f"{kind} {code} is not a taggable framework item", "code")],
        )
    passage: Passage | None = None
    if passage_id is not None:
        passage = (
            Passage.objects.select_related("document__organisation").filter(pk=passage_id).first()
        )
        if passage is None:
            raise NotFound(f"There is no passage {passage_id}.")
        document = passage.document
    else:
        assert document_id is not None
        found = Document.objects.select_related("organisation").filter(pk=document_id).first()
        if found is None:
            raise NotFound(f"There is no document {document_id}.")
        document = found
    access.ensure_curator(by, document)
    now = timezone.now()
    with transaction.atomic():
        existing = (
            Tag.objects.select_for_update()
            .filter(item=item, document=document, passage=passage)
            .first()
        )
        if existing is not None:
            if existing.status == TagStatus.CONFIRMED:
                raise Conflict(f"{item.kind} {item.code} is already confirmed here.")
            before = snapshot(existing, ("status", "decided_by", "decided_at"))
            existing.status, existing.decided_by, existing.decided_at = (
                TagStatus.CONFIRMED,
                by,
                now,
            )
            existing.save(update_fields=["status", "decided_by", "decided_at"])
            tag = existing
        else:
            before = None
            try:
                tag = Tag.objects.create(
                    document=document,
                    passage=passage,
                    item=item,
                    status=TagStatus.CONFIRMED,
                    decided_by=by,
                    decided_at=now,
                )
            except IntegrityError:
                raise Conflict("The tag was added meanwhile; reload the page.") from None
        audit_record(
            action="evidence.tag.add",
            by=by,
            obj=tag,
            before=before,
            after=snapshot(tag, ("status", "item", "passage", "document")),
            organisation_id=document.organisation_id,
        )
    return tag


# --- documents ---------------------------------------------------------------------------------


def _get_document(pk: int) -> Document:
    try:
        return Document.objects.select_related("organisation", "area").get(pk=pk)
    except Document.DoesNotExist:
        raise NotFound(f"There is no document {pk}.") from None


def document_update(*, by: Any, pk: int, changes: dict[str, Any]) -> Document:
    doc = _get_document(pk)
    access.ensure_curator(by, doc)
    unknown = sorted(set(changes) - set(EDITABLE) - {"iso3"})
    if unknown:
        raise InvalidInput(
            "Some fields cannot be changed.",
            [FieldError("cannot be changed", name) for name in unknown],
        )
    current = access.Options(
        doc_type=doc.doc_type,
        year=doc.year,
        area=doc.area,
        organisation=doc.organisation,
        is_public=doc.is_public,
        licence=doc.licence,
        source_url=doc.source_url,
        title=doc.title,
    ).as_json()
    opts = access.parse_options({**current, **changes})
    if opts.organisation != doc.organisation and not access.can_ingest_for(by, opts.organisation):
        raise PermissionDenied("You may move a document only to an organisation you belong to.")
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=doc.pk)
        before = snapshot(locked, EDITABLE)
        locked.title = opts.title or locked.title
        locked.doc_type, locked.year, locked.area = opts.doc_type, opts.year, opts.area
        locked.organisation, locked.is_public = opts.organisation, opts.is_public
        locked.licence, locked.source_url = opts.licence, opts.source_url
        locked.save()
        audit_record(
            action="evidence.document.update",
            by=by,
            obj=locked,
            before=before,
            after=snapshot(locked, EDITABLE),
            organisation_id=locked.organisation_id,
        )
    return locked


def document_delete(*, by: Any, pk: int) -> None:
    doc = _get_document(pk)
    access.ensure_curator(by, doc)
    with transaction.atomic():
        before = snapshot(doc, DOCUMENT_FIELDS)
        audit_record(
            action="evidence.document.delete",
            by=by,
            obj=doc,
            before=before,
            organisation_id=doc.organisation_id,
        )
        doc.delete()


def document_retag(*, by: Any, pk: int) -> int:
    """Suggest tags again with the current tagger and curated examples; decisions are kept."""
    doc = _get_document(pk)
    access.ensure_curator(by, doc)
    passages = list(doc.passages.all())
    tagger = get_tagger()
    vectors = np.stack([ingest.vector_of(p.vector) for p in passages]) if passages else None
    found = (
        tagger.tag_many(
            [p.text for p in passages], vectors=vectors, exemplars=ingest.current_exemplars()
        )
        if passages
        else []
    )
    items = _items_by_key()
    with transaction.atomic():
        decided = set(
            Tag.objects.filter(document=doc, passage__isnull=False)
            .exclude(status=TagStatus.SUGGESTED)
            .values_list("passage_id", "item_id")
        )
        removed, _ = Tag.objects.filter(
            document=doc, passage__isnull=False, status=TagStatus.SUGGESTED
        ).delete()
        new = [
            Tag(
                document=doc,
                passage=p,
                item=items[t.key],
                status=TagStatus.SUGGESTED,
                suggested=True,
                score=t.score,
                evidence=t.as_dict()["evidence"],
            )
            for p, tags in zip(passages, found, strict=True)
            for t in tags
            if t.key in items and (p.pk, items[t.key].pk) not in decided
        ]
        Tag.objects.bulk_create(new, batch_size=1000)
        Document.objects.filter(pk=doc.pk).update(tagger_version=tagger.version)
        audit_record(
            action="evidence.document.retag",
            by=by,
            obj=doc,
            before={"suggested_tags": removed},
            after={"suggested_tags": len(new)},
            organisation_id=doc.organisation_id,
        )
    return len(new)


# --- attachments of other parts of gcmhub ------------------------------------------------------


def ingest_attachments(*, by: Any, progress: Callable[[str], None] | None = None) -> BatchReport:
    """Ingest the attachments other apps offer that are not in the evidence base yet."""
    if by is not None:
        ensure_authenticated(by)
        if not is_platform_admin(by):
            raise PermissionDenied("Only platform administrators may ingest all attachments.")
    held = set(
        Document.objects.filter(source=Source.ATTACHMENT).values_list("source_ref", flat=True)
    )
    report = BatchReport()
    for provider in ingest.ATTACHMENT_PROVIDERS:
        for att in provider():
            if att.ref in held:
                continue
            try:
                opts = access.parse_options(att.options)
                report.results.append(
                    ingest_file(
                        by=by,
                        filename=att.filename,
                        content=att.read(),
                        options=opts,
                        source=Source.ATTACHMENT,
                        source_ref=att.ref,
                    )
                )
            except InvalidInput as exc:
                report.failures.append({"file": att.filename, "message": _first_message(exc)})
            if progress:
                progress(att.filename)
    return report

"""Review and input attachments offered to the evidence base (``gcmhub ingest --attachments``).

Attachments of a review become documents of type "review" for its country and organisation,
public once the review is published; those of a stakeholder input are of type "other", public
once the input is published.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from gcmhub.evidence.ingest import AttachmentSource
from gcmhub.reviews.models import Attachment, ReviewStatus


def attachment_sources() -> Iterator[AttachmentSource]:
    rows = Attachment.objects.select_related(
        "review__area", "review__cycle", "input__organisation", "input__cycle"
    ).order_by("id")
    for att in rows:
        if att.review_id and att.review is not None:
            review = att.review
            options = {
                "doc_type": "review",
                "iso3": review.area.iso3,
                "organisation": review.organisation_id,
                "year": att.uploaded_at.year,
                "is_public": review.status == ReviewStatus.PUBLISHED,
                "title": f"{review.area.name}: {review.cycle.title} ({att.filename})",
            }
        elif att.input_id and att.input is not None:
            item = att.input
            options = {
                "doc_type": "other",
                "organisation": item.organisation_id,
                "year": att.uploaded_at.year,
                "is_public": item.status == ReviewStatus.PUBLISHED,
            }
        else:
            continue
        yield AttachmentSource(
            ref=f"reviews.attachment:{att.pk}",
            filename=att.filename,
            read=_reader(att),
            options=options,
        )


def _reader(att: Attachment) -> Callable[[], bytes]:
    def read() -> bytes:
        with att.file.open("rb") as fh:
            return bytes(fh.read())

    return read

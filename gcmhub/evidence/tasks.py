"""Background tasks of the evidence base (run by `gcmhub worker`, or at once in tests)."""

from __future__ import annotations

from django_tasks import task

from gcmhub.common.context import action_context


@task()
def run_batch(batch_pk: int) -> dict[str, int]:
    """Ingest the files of one upload batch; progress is kept on the batch as it goes."""
    from gcmhub.evidence.services import batch_run

    with action_context(channel="task"):
        batch = batch_run(batch_pk)
    return {"processed": batch.processed, "ingested": batch.ingested, "failed": len(batch.failures)}

"""Evidence base at corpus scale: the UN General Debate Corpus (10,952 speeches, 1946-2024).

1. Tagging throughput: passages of the corpus cut as ingest cuts them, embedded and tagged in
   batches of 64 (the command line's batch), passages per second on this machine.
2. Full ingest: every speech read from the tar.gz as it is published, through the same service
   as `gcmhub ingest` (language, passages, embeddings, suggested tags, one transaction each),
   as a speech of its country and year, public, CC0. Total time, passages, tags, peak memory.
3. Search latency over the result: hybrid search (full text and meaning) through the API, in
   several languages, p50/p95, beside the /healthz floor measured the same way.

Runs against DATABASE_URL (SQLite under GCMHUB_HOME when unset), with the reference data and
the UN M49 list loaded. Speeches already held are skipped as "unchanged" (same bytes).

    python benchmarks/evidence_general_debates.py [--every N] [--limit N] [--runs 40]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings")

NAME = re.compile(r"Session (\d+) - (\d{4})/([A-Z]{2,3})_\d+_\d{4}\.txt$")
QUERIES = [
    "remittances",
    "costo de las remesas de los trabajadores migrantes",
    "traite des êtres humains",
    "climate change displacement",
    "refugees and migrants",
    "trafficking in persons",
    "تغير المناخ والهجرة",
    "права трудящихся-мигрантов",
    "nuclear disarmament",
    "decent work for migrant workers",
]


def speeches(
    tar_path: Path, limit: int | None, every: int = 1
) -> Iterator[tuple[str, str, int, bytes]]:
    """(file name, ISO code, year, bytes) in the order of the archive; ``every``: one speech in
    that many (a sample spread over all the years)."""
    count = seen = 0
    with tarfile.open(tar_path, "r:gz") as tar:
        for member in tar:
            m = NAME.search(member.name)
            if not member.isfile() or m is None:
                continue
            seen += 1
            if (seen - 1) % every:
                continue
            fh = tar.extractfile(member)
            if fh is None:
                continue
            yield Path(member.name).name, m.group(3), int(m.group(2)), fh.read()
            count += 1
            if limit and count >= limit:
                return


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(q * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=None, help="only the first N speeches")
    parser.add_argument("--every", type=int, default=1, help="one speech in N (a sample)")
    parser.add_argument("--runs", type=int, default=40, help="timed searches per query")
    parser.add_argument("--sample", type=int, default=5000, help="passages for the throughput")
    args = parser.parse_args()
    tar_path = args.data / "un_general_debates" / "UNGDC_1946-2024_TXT.tar.gz"
    if not tar_path.exists():
        sys.exit(f"No corpus at {tar_path}; pass --data PATH.")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from gcmhub.common.context import action_context
    from gcmhub.evidence import services
    from gcmhub.evidence.extract import extract
    from gcmhub.evidence.models import Document, Passage, Tag
    from gcmhub.evidence.passages import make_passages
    from gcmhub.framework.services import reference_load
    from gcmhub.registry.models import Area
    from gcmhub.registry.services import registry_load
    from gcmhub.tagger import get_tagger

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", interactive=False, verbosity=0)
    reference_load(by=None)
    registry_load(by=None, m49_path=args.data / "un_m49")
    known = set(Area.objects.values_list("iso3", flat=True))
    print(f"evidence at corpus scale on {connection.vendor}, {os.cpu_count()} CPUs")

    # 1. tagging throughput
    tagger = get_tagger()
    tagger.profile_matrix()
    sample: list[str] = []
    for name, _iso, _year, content in speeches(tar_path, None):
        blocks = extract(content, name).blocks
        sample += [p.text for p in make_passages(blocks)]
        if len(sample) >= args.sample:
            break
    sample = sample[: args.sample]
    start = time.perf_counter()
    for i in range(0, len(sample), 64):
        tagger.tag_many(sample[i : i + 64])
    elapsed = time.perf_counter() - start
    chars = sum(map(len, sample)) / len(sample)
    print(
        f"tagging throughput: {len(sample) / elapsed:.0f} passages/s "
        f"({len(sample)} passages of {chars:.0f} characters on average, embedding included; "
        "goal 200)"
    )

    # 2. full ingest
    before = Document.objects.count()
    failures: list[str] = []
    done = 0
    start = time.perf_counter()
    with action_context(channel="cli"):
        for name, iso, year, content in speeches(tar_path, args.limit, args.every):
            options = {
                "doc_type": "speech",
                "iso3": iso if iso in known else "",
                "year": year,
                "is_public": True,
                "licence": "CC0 1.0",
                "source_url": "https://doi.org/10.7910/DVN/0TJX8Y",
                "title": f"General Debate {year}: {iso}",
            }
            try:
                services.ingest_file(
                    by=None, filename=name, content=content, options=options, source="corpus"
                )
            except services.InvalidInput as exc:
                failures.append(f"{name}: {exc.errors[0].message if exc.errors else exc.message}")
            done += 1
            if done % 500 == 0:
                rate = done / (time.perf_counter() - start)
                print(f"  {done} speeches, {rate:.1f}/s", flush=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    added = Document.objects.count() - before
    print(
        f"ingest: {done} speeches read, {added} new documents, {len(failures)} refused, "
        f"{seconds:.0f} s ({done / seconds:.1f} speeches/s), peak resident memory {peak:.0f} MB"
    )
    print(
        f"  held now: {Document.objects.count()} documents, {Passage.objects.count()} passages, "
        f"{Tag.objects.count()} suggested tags"
    )
    for line in failures[:20]:
        print(f"  refused {line}")

    # 3. search latency
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    url = "/api/v1/evidence/search?q="
    first = time.perf_counter()
    assert client.get(url + "remittances").status_code == 200
    print(f"\nsearch: first query (loads {Passage.objects.count()} vectors): "
          f"{(time.perf_counter() - first):.1f} s")  # fmt: skip
    floor = []
    for _ in range(args.runs):
        t = time.perf_counter()
        client.get("/healthz")
        floor.append((time.perf_counter() - t) * 1000)
    times: list[float] = []
    per_query = []
    for q in QUERIES:
        qt = []
        for _ in range(args.runs // 4 or 1):
            t = time.perf_counter()
            response = client.get(url + q)
            qt.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (q, response.status_code)
        times += qt
        top = response.json()["results"][:1]
        head = top[0]["document"]["title"] if top else "-"
        per_query.append(f"  {statistics.median(qt):7.1f} ms  {q!r} -> {head}")
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    f95 = percentile(floor, 0.95)
    print(f"search over the corpus, {len(times)} requests: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
          f"({p95 / f95:.0f}x the /healthz p95 of {f95:.2f} ms)")  # fmt: skip
    print("\n".join(per_query))


if __name__ == "__main__":
    main()

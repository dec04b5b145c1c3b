"""Server time of the review syntheses and the pledge dashboard at full sample scale.

Runs against the database in DATABASE_URL (SQLite under GCMHUB_HOME when unset), with the
reference data, the UN M49 list and the sample data of ``gcmhub generate-sample`` at its default
scale: 193 UN Member States x 3 review cycles x 33 sections, and 10,000 pledges. The sample data
is generated when the database does not already hold exactly that. Each URL is requested through
Django's full stack (middleware, view, template or JSON rendering) in this process, as an
anonymous visitor, so the figures are server time without the network. ``/healthz`` is timed the
same way as the floor of the stack.

    python benchmarks/reviews_syntheses.py [--runs 30] [--m49 PATH] [--regenerate] [--strict]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings")

SYNTHESIS_MS = 300
DASHBOARD_MS = 200
REGIONAL = "regional-2024-2025"
IMRF = "imrf-2026"

# (label, URL, target in ms; None for the floor)
URLS: list[tuple[str, str, int | None]] = [
    ("floor", "/healthz", None),
    ("coverage (page)", f"/en/reviews/coverage/?cycle={IMRF}", SYNTHESIS_MS),
    ("coverage (API)", f"/api/v1/reviews/coverage?cycle={IMRF}", SYNTHESIS_MS),
    (
        "regional synthesis (page)",
        f"/en/reviews/synthesis/?cycle={REGIONAL}&commission=ece",
        SYNTHESIS_MS,
    ),
    (
        "regional synthesis (API)",
        f"/api/v1/reviews/synthesis/regional?cycle={REGIONAL}&commission=ece",
        SYNTHESIS_MS,
    ),
    ("global synthesis (page)", f"/en/reviews/synthesis/global/?cycle={IMRF}", SYNTHESIS_MS),
    ("global synthesis (API)", f"/api/v1/reviews/synthesis/global?cycle={IMRF}", SYNTHESIS_MS),
    ("pledge dashboard (page)", "/en/pledges/", DASHBOARD_MS),
    ("pledges (API)", "/api/v1/pledges", DASHBOARD_MS),
    ("pledge counts (API)", "/api/v1/pledges/dashboard", DASHBOARD_MS),
    ("dashboard objective=7", "/en/pledges/?objective=7", DASHBOARD_MS),
    ("dashboard type+status", "/en/pledges/?type=policy&status=in_progress", DASHBOARD_MS),
    ("dashboard region=150", "/en/pledges/?region=150", DASHBOARD_MS),
    ("dashboard year=2022", "/en/pledges/?year=2022", DASHBOARD_MS),
    ("pledges API objective=7", "/api/v1/pledges?objective=7", DASHBOARD_MS),
    ("pledges API type+status", "/api/v1/pledges?type=policy&status=in_progress", DASHBOARD_MS),
    ("pledges API region=150", "/api/v1/pledges?region=150", DASHBOARD_MS),
    (
        "pledges API all five",
        "/api/v1/pledges?objective=7&type=policy&status=in_progress&region=150&year=2022",
        DASHBOARD_MS,
    ),
]


def ensure_sample(regenerate: bool) -> None:
    """Generate the default sample data unless the database already holds exactly that."""
    from django.db import connection

    from gcmhub.pledges import sample
    from gcmhub.registry.models import Area, UnStatus
    from gcmhub.reviews.models import NationalReview

    members = Area.objects.filter(un_status=UnStatus.MEMBER).count()
    expected_reviews = members * len(sample.DEFAULT_CYCLES)
    reviews = NationalReview.objects.filter(
        is_sample=True, cycle__slug__in=sample.DEFAULT_CYCLES
    ).count()
    have = sample.sample_counts()
    if (
        not regenerate
        and reviews == have["reviews"] == expected_reviews
        and have["pledges"] == sample.DEFAULT_PLEDGES
    ):
        print(f"sample data present: {reviews} reviews, {have['pledges']} pledges")
        return
    start = time.perf_counter()
    counts = sample.generate()
    if connection.vendor == "postgresql":  # fresh tables: give the planner their statistics
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"sample data generated in {time.perf_counter() - start:.1f} s: "
        f"{counts['reviews']} reviews, {counts['sections']} sections, "
        f"{counts['section_versions']} section versions, {counts['pledges']} pledges"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per URL")
    parser.add_argument(
        "--m49",
        type=Path,
        default=ROOT.parent / "shared" / "data" / "un_m49",
        help="UN M49 folder (default: ../shared/data/un_m49)",
    )
    parser.add_argument("--regenerate", action="store_true", help="always regenerate the sample")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from gcmhub.framework.services import reference_load
    from gcmhub.pledges.models import Pledge
    from gcmhub.registry.models import Area
    from gcmhub.registry.services import registry_load
    from gcmhub.reviews.models import ReviewSection
    from gcmhub.reviews.services import cycles_load

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", interactive=False, verbosity=0)
    reference_load(by=None)
    if not args.m49.is_dir() and not Area.objects.exists():
        sys.exit(f"No UN M49 folder at {args.m49}; pass --m49 PATH.")
    registry_load(by=None, m49_path=args.m49 if args.m49.is_dir() else None)
    cycles_load(by=None)
    ensure_sample(args.regenerate)

    client = Client()
    vendor = connection.vendor
    print(
        f"review syntheses and pledge dashboard on {vendor}: "
        f"{ReviewSection.objects.count()} sections, {Pledge.objects.count()} pledges, "
        f"{args.runs} runs per URL, {os.cpu_count()} CPUs"
    )
    print(
        f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'target':>7} {'result':>7} "
        f"{'x floor p95':>12}"
    )
    floor_p95 = None
    misses = []
    for label, url, target in URLS:
        response = client.get(url)
        if response.status_code == 404:
            print(f"{label:28} skipped: {url} answers 404")
            continue
        assert response.status_code == 200, (url, response.status_code)
        for _ in range(2):  # warm caches (templates, query plans) before timing
            client.get(url)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p50 = statistics.median(times)
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        if floor_p95 is None:
            floor_p95 = p95
        ratio = p95 / floor_p95 if floor_p95 else 0
        if target is None:
            verdict, shown = "", "-"
        else:
            verdict, shown = ("pass" if p95 <= target else "FAIL"), str(target)
            if p95 > target:
                misses.append(label)
        print(
            f"{label:28} {p50:8.1f} {p95:8.1f} {times[-1]:8.1f} {shown:>7} {verdict:>7} "
            f"{ratio:12.1f}"
        )
    if misses:
        print(f"{len(misses)} URL(s) miss their p95 target on {vendor}: {', '.join(misses)}")
        if args.strict:
            sys.exit(1)
    else:
        print(f"every URL meets its p95 target on {vendor}")


if __name__ == "__main__":
    main()

"""Server time of the registry's profile, matrix and network pages and their API twins.

Runs against the database in DATABASE_URL (SQLite under GCMHUB_HOME when unset), with all the
reference data and the UN M49 list loaded. Each URL is requested through Django's full stack
(middleware, view, template or JSON rendering) in this process, so the figures are server time
without the network. ``/healthz`` is timed the same way as the floor of the stack.

    python benchmarks/registry_pages.py [--runs 60] [--m49 PATH]
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

URLS = [
    ("floor", "/healthz"),
    ("country profile (page)", "/en/registry/countries/MAR/"),
    ("country profile (API)", "/api/v1/registry/countries/MAR"),
    ("mechanism profile (page)", "/en/registry/mechanisms/bali-process/"),
    ("mechanism profile (API)", "/api/v1/registry/mechanisms/bali-process"),
    ("matrix (page)", "/en/registry/matrix/"),
    ("matrix (API)", "/api/v1/registry/matrix"),
    ("network (page)", "/en/registry/network/"),
    ("network (API)", "/api/v1/registry/network"),
    ("world map (page)", "/en/registry/map/"),
    ("countries list (API)", "/api/v1/registry/countries"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60, help="timed requests per URL")
    parser.add_argument(
        "--m49",
        type=Path,
        default=ROOT.parent / "shared" / "data" / "un_m49",
        help="UN M49 folder (default: ../shared/data/un_m49)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from gcmhub.framework.services import reference_load
    from gcmhub.registry.models import Area, Membership
    from gcmhub.registry.services import registry_load

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", interactive=False, verbosity=0)
    reference_load(by=None)
    if not args.m49.is_dir() and not Area.objects.exists():
        sys.exit(f"No UN M49 folder at {args.m49}; pass --m49 PATH.")
    registry_load(by=None, m49_path=args.m49 if args.m49.is_dir() else None)

    client = Client()
    vendor = connection.vendor
    print(
        f"registry pages on {vendor}: {Area.objects.count()} areas, "
        f"{Membership.objects.count()} membership claims, {args.runs} runs per URL, "
        f"{os.cpu_count()} CPUs"
    )
    print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'x floor p95':>12}")
    floor_p95 = None
    worst = 0.0
    for label, url in URLS:
        for _ in range(3):  # warm caches (templates, query plans) before timing
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
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
        else:
            worst = max(worst, p95)
        ratio = p95 / floor_p95 if floor_p95 else 0
        print(f"{label:28} {p50:8.1f} {p95:8.1f} {times[-1]:8.1f} {ratio:12.1f}")
    verdict = "meets" if worst < 100 else "misses"
    print(f"slowest p95 {worst:.1f} ms: {verdict} the 100 ms goal on {vendor}")


if __name__ == "__main__":
    main()

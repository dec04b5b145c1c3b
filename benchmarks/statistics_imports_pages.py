"""Statistics: import times and peak memory of the big files, then the country pages' speed.

Runs against the database in DATABASE_URL (SQLite under GCMHUB_HOME when unset) with the
reference data and the UN M49 list loaded. Each import runs in a child process of its own (so
that its peak resident memory is its own), after the dataset it creates has been removed: the
time is that of a first import, reading and checking the file included, Python's start-up not.
Then the country profile page and one country's series from the API are requested through
Django's full stack in this process; ``/healthz`` is timed the same way as the floor.

    python benchmarks/statistics_imports_pages.py [--runs 60] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings")

IMPORTS = [
    # label, importer, path under the data folder, options, goal in seconds
    ("migrant stock 2024, long table", "migrant-stock",
     "undesa_migrant_stock/iom_gdidata_undesa_stocks.csv", {}, 20),
    ("migrant stock 2024, workbook", "migrant-stock",
     "undesa_migrant_stock/undesa_pd_2024_ims_stock_by_sex_and_destination.xlsx", {}, None),
    ("Missing Migrants export (xlsx)", "missing-migrants",
     "iom_missing_migrants/Missing_Migrants_Global_Figures_allData.xlsx", {}, 10),
    ("Open SDG folder (UK)", "open-sdg", "open_sdg_uk", {"area": "GBR"}, 10),
]  # fmt: skip
URLS = [
    ("floor", "/healthz", None),
    ("country profile (page)", "/en/statistics/countries/MAR/", 200),
    ("country profile (API)", "/api/v1/statistics/countries/MAR", 200),
    ("registry profile with stock", "/en/registry/countries/MAR/", 200),
    ("one country's series (API)", "/api/v1/statistics/series/migrant-stock/observations?geo=MAR",
     50),
    ("corridor (page)", "/en/statistics/corridors/DZA/FRA/", None),
    ("region Africa (page)", "/en/statistics/regions/002/", None),
]  # fmt: skip


def _setup() -> None:
    import django

    django.setup()


def one_import(kind: str, path: Path, options: dict[str, str]) -> None:
    """Child process: remove the dataset this file makes, then time its import."""
    _setup()
    from gcmhub.statistics.importers import import_path, parse_path
    from gcmhub.statistics.models import Dataset
    from gcmhub.statistics.services import dataset_delete

    slug = parse_path(kind, path, **options).dataset.slug
    for dataset in Dataset.objects.filter(slug=slug):
        dataset_delete(by=None, dataset=dataset)
    start = time.perf_counter()
    report = import_path(kind, path, by=None, **options)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "status": report.status,
                      "observations": report.observations, "records": report.records}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60, help="timed requests per URL")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--one", nargs=3, metavar=("KIND", "PATH", "OPTIONS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.one:
        one_import(args.one[0], Path(args.one[1]), json.loads(args.one[2]))
        return
    if not args.data.is_dir():
        sys.exit(f"No data folder at {args.data}; pass --data PATH.")

    _setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from gcmhub.framework.services import reference_load
    from gcmhub.registry.services import registry_load

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", interactive=False, verbosity=0)
    reference_load(by=None)
    registry_load(by=None, m49_path=args.data / "un_m49")
    vendor = connection.vendor
    connection.close()

    print(f"statistics imports on {vendor}, {os.cpu_count()} CPUs (each in its own process)")
    print(f"{'file':34} {'rows saved':>11} {'seconds':>8} {'peak MB':>8} {'goal s':>7}")
    for label, kind, rel, options, goal in IMPORTS:
        out = subprocess.run(
            [sys.executable, __file__, "--one", kind, str(args.data / rel), json.dumps(options)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if out.returncode != 0:
            print(f"{label:34} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows = r["observations"] + r["records"]
        print(f"{label:34} {rows:11,} {r['seconds']:8.2f} {r['peak_mb']:8.0f} {goal or '-':>7}")

    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    print(f"\nstatistics pages on {vendor}, {args.runs} runs per URL")
    print(f"{'page':30} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'x floor p95':>12} {'goal':>6}")
    floor_p95 = None
    for label, url, goal in URLS:
        for _ in range(3):
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
        floor_p95 = floor_p95 or p95
        ratio = p95 / floor_p95
        verdict = "" if goal is None else ("meets" if p95 < goal else "MISSES")
        figures = f"{p50:8.1f} {p95:8.1f} {times[-1]:8.1f} {ratio:12.1f}"
        print(f"{label:30} {figures} {goal or '-':>6} {verdict}")


if __name__ == "__main__":
    main()

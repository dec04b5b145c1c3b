"""The ``gcmhub`` command: a thin interface over the same services the web and API use."""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

DEFAULT_SETTINGS = "gcmhub.settings"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django

    django.setup()


def _fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 88})
@click.version_option(package_name="gcmhub")
def main() -> None:
    """gcmhub: follow-up and review of the Global Compact for Migration.

    Data lives in GCMHUB_HOME (default ./var): the SQLite database, uploads,
    collected static files and the secret key. Set DATABASE_URL
    (postgres://user:pass@host:port/name) to use PostgreSQL instead.
    """


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.option(
    "--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Worker threads."
)
@click.option(
    "--worker/--no-worker",
    default=True,
    show_default=True,
    help="Also run the background task worker (large ingest batches) beside the server.",
)
def serve(host: str, port: int, threads: int, worker: bool) -> None:
    """Serve gcmhub over HTTP with waitress (run `gcmhub init` first)."""
    _setup()
    from django.conf import settings

    pending = _pending_migrations()
    if pending:
        _fail(f"{pending} database migration(s) are not applied; run `gcmhub init` first.")
    if not (Path(settings.STATIC_ROOT) / "gcmhub" / "gcmhub.css").exists():
        _fail("Static files are not collected; run `gcmhub init` first.")
    from waitress import serve as waitress_serve

    from gcmhub.wsgi import application

    child = None
    if worker:
        import subprocess

        child = subprocess.Popen([sys.executable, "-m", "gcmhub.cli", "worker"])
    click.echo(f"gcmhub is serving at http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        waitress_serve(application, host=host, port=port, threads=threads, ident="gcmhub")
    finally:
        if child is not None:
            child.terminate()
            child.wait(timeout=30)


def _pending_migrations() -> int:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@main.command()
def init() -> None:
    """Prepare the database: apply migrations, collect static files, load reference data.

    Safe to run again: it keeps all data and only applies what is missing.
    """
    _setup()
    from django.conf import settings
    from django.core.management import call_command

    from gcmhub.common.context import action_context
    from gcmhub.framework.services import reference_load

    click.echo(f"Home: {settings.GCMHUB_HOME}")
    click.echo(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    call_command("migrate", interactive=False, verbosity=0)
    click.echo("Migrations applied.")
    call_command("collectstatic", interactive=False, verbosity=0)
    click.echo("Static files collected.")
    with action_context(channel="cli"):
        report = reference_load(by=None)
    click.echo(_describe_load(report.as_dict()))
    registry = _load_registry(None, dry_run=False)
    if registry is not None:
        click.echo(_describe_load(registry, "Registry data"))


def _default_m49() -> Path | None:
    """The M49 folder: $GCMHUB_M49, else the shared data folder beside the repository."""
    configured = os.environ.get("GCMHUB_M49")
    if configured:
        return Path(configured) if Path(configured).exists() else None
    beside = Path(__file__).resolve().parents[2] / "shared" / "data" / "un_m49"
    return beside if beside.is_dir() else None


def _load_registry(m49: Path | None, *, dry_run: bool) -> dict[str, Any] | None:
    """Load the registry (importing the M49 list first when given); None when it cannot yet."""
    from gcmhub.common.context import action_context
    from gcmhub.registry.models import Area
    from gcmhub.registry.services import registry_load

    if m49 is None and not Area.objects.filter(in_m49=True).exists():
        m49 = _default_m49()
        if m49 is None:
            click.echo(
                "Registry not loaded: no countries yet and no UN M49 file found. Download the "
                "M49 list (https://unstats.un.org/unsd/methodology/m49/overview/) and run "
                "`gcmhub import-m49 PATH`, or set GCMHUB_M49.",
                err=True,
            )
            return None
    from gcmhub.reviews.models import ReviewCycle
    from gcmhub.reviews.reference import read_cycles
    from gcmhub.reviews.services import cycles_load

    with action_context(channel="cli"):
        report = registry_load(by=None, m49_path=m49, dry_run=dry_run).as_dict()
        # Review cycles name the commissions the registry loads, so they come right after it.
        # A dry run on an empty database has no commissions yet: it checks the file only.
        if dry_run and not ReviewCycle.objects.exists():
            read_cycles()
            return report
        cycles = cycles_load(by=None, dry_run=dry_run).as_dict()
    report["counts"].update(cycles["counts"])
    report["changes"] += cycles["changes"]
    return report


def _describe_load(report: dict[str, Any], what: str = "Reference data") -> str:
    parts = []
    for section, tally in report["counts"].items():
        total = tally["created"] + tally["updated"] + tally["unchanged"]
        parts.append(
            f"{section}: {total} ({tally['created']} new, {tally['updated']} changed, "
            f"{tally['deleted']} removed)"
        )
    prefix = "Dry run, nothing saved. " if report["dry_run"] else ""
    return f"{prefix}{what} {report['version']}: " + "; ".join(parts) + "."


@main.command("load-reference")
@click.option("--dry-run", is_flag=True, help="Validate and report the changes, save nothing.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Read the YAML files from this folder instead of the packaged ones.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def load_reference(dry_run: bool, directory: Path | None, as_json: bool) -> None:
    """Validate the reference YAML files, then load them in one transaction.

    Any problem (malformed YAML, unknown item in a link, duplicate code) is
    reported with its file, line and item, and nothing is loaded. Loading the
    same files twice changes nothing.
    """
    _setup()
    from gcmhub.common.context import action_context
    from gcmhub.common.errors import InvalidInput
    from gcmhub.framework.reference import REFERENCE_DIR
    from gcmhub.framework.services import reference_load

    try:
        with action_context(channel="cli"):
            report = reference_load(by=None, directory=directory or REFERENCE_DIR, dry_run=dry_run)
        data = report.as_dict()
        registry = _load_registry(None, dry_run=dry_run) if directory is None else None
    except InvalidInput as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps({**data, "registry": registry}, indent=2))
        return
    click.echo(_describe_load(data))
    if registry is not None:
        click.echo(_describe_load(registry, "Registry data"))


@main.command("import-m49")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report the changes, save nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_m49(path: Path, dry_run: bool, as_json: bool) -> None:
    """Import countries, areas and regions from the UN M49 list, then the registry data.

    PATH is the UNSD download (UNSD_M49_Methodology.csv, semicolon-separated)
    or the folder holding it; a country-codes.csv beside it adds names in the
    other UN languages. The whole file is checked first (each problem named by
    row and column); then everything is saved in one transaction. Importing
    the same file again changes nothing.
    """
    _setup()
    from gcmhub.common.errors import InvalidInput

    try:
        data = _load_registry(path, dry_run=dry_run)
    except InvalidInput as exc:
        _fail(str(exc))
    assert data is not None
    click.echo(json.dumps(data, indent=2) if as_json else _describe_load(data, "Registry data"))


@main.command()
@click.option("--username", prompt=True, help="Login name of the new administrator.")
@click.option("--email", prompt=True, help="E-mail address (used for password resets).")
@click.option(
    "--password-env",
    default="GCMHUB_ADMIN_PASSWORD",
    show_default=True,
    help="Environment variable holding the password; asked for when it is unset.",
)
def createadmin(username: str, email: str, password_env: str) -> None:
    """Create a platform administrator (may read the audit log and manage every organisation)."""
    _setup()
    from gcmhub.accounts.services import user_create
    from gcmhub.common.context import action_context
    from gcmhub.common.errors import InvalidInput

    password = os.environ.get(password_env)
    if not password:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            _fail("The two passwords differ.")
    try:
        with action_context(channel="cli"):
            user_create(
                by=None, username=username, email=email, password=password, is_superuser=True
            )
    except InvalidInput as exc:
        _fail(str(exc))
    click.echo(f"Administrator {username} created.")


@main.command()
@click.option("--deploy", is_flag=True, help="Also run Django's deployment checks.")
def check(deploy: bool) -> None:
    """Check the installation: settings, database, migrations, reference data, search index."""
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from gcmhub.common.models import SearchDocument
    from gcmhub.framework.models import FrameworkItem
    from gcmhub.framework.services import SEARCH_SCOPE

    problems: list[str] = []
    try:
        call_command("check", deploy=deploy, fail_level="WARNING" if deploy else "ERROR")
    except Exception as exc:  # SystemCheckError and friends: report, do not crash
        problems.append(f"Django checks: {exc}")
    try:
        connection.ensure_connection()
        click.echo(f"Database: {connection.vendor} reachable.")
    except Exception as exc:
        _fail(f"Database unreachable: {exc}")
    pending = _pending_migrations()
    if pending:
        problems.append(f"{pending} migration(s) not applied: run `gcmhub init`.")
    elif not FrameworkItem.objects.exists():
        problems.append("No reference data: run `gcmhub init` or `gcmhub load-reference`.")
    elif not SearchDocument.objects.filter(scope=SEARCH_SCOPE).exists():
        problems.append("The framework search index is empty: run `gcmhub load-reference`.")
    if problems:
        _fail("\n".join(problems))
    click.echo("All checks passed.")


def _import(kind: str, path: Path, *, dry_run: bool, as_json: bool, **options: Any) -> None:
    """Run one statistics importer with a progress bar, and print its report."""
    _setup()
    from gcmhub.common.context import action_context
    from gcmhub.common.errors import InvalidInput
    from gcmhub.statistics.importers import import_path

    bars: list[Any] = []

    def on_parsed(parsed: Any) -> Any:
        total = len(parsed.observations) + len(parsed.records)
        if dry_run or as_json or total == 0:
            return None
        bar = click.progressbar(length=total, label=f"Saving {parsed.file_name}", file=sys.stderr)
        bars.append(bar.__enter__())
        return bars[0].update

    try:
        with action_context(channel="cli"):
            report = import_path(
                kind, path, by=None, dry_run=dry_run, on_parsed=on_parsed, **options
            )
    except InvalidInput as exc:
        _fail(str(exc))
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)
    data = report.as_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    verb = {
        "created": "Imported",
        "replaced": "Replaced",
        "unchanged": "Already imported, nothing changed:",
        "checked": "Checked (dry run, nothing saved):",
    }[report.status]
    click.echo(
        f"{verb} {report.dataset} from {report.file_name}: {report.observations:,} observations"
        + (f", {report.records:,} records" if report.records else "")
        + "."
    )
    for note in report.notes:
        click.echo(f"  note: {note}")


_DRY_RUN = click.option("--dry-run", is_flag=True, help="Read and check the file, save nothing.")
_AS_JSON = click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")


@main.command("import-migrant-stock")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_DRY_RUN
@_AS_JSON
def import_migrant_stock(path: Path, dry_run: bool, as_json: bool) -> None:
    """Import UN DESA International Migrant Stock estimates.

    PATH is the workbook "by sex and destination" (xlsx, 2020 or 2024 edition;
    Tables 1 to 3 are read), a CSV dump of its Table 1, or the long table
    destination x origin x sex (CSV: geo, t, from, sex, n, type_b, type_c,
    type_r, type_i). The whole file is checked first; every problem is listed by
    row and column and nothing is saved. The same file again changes nothing; a
    new edition is kept beside the earlier one.
    """
    _import("migrant-stock", path, dry_run=dry_run, as_json=as_json)


@main.command("import-missing-migrants")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_DRY_RUN
@_AS_JSON
def import_missing_migrants(path: Path, dry_run: bool, as_json: bool) -> None:
    """Import the IOM Missing Migrants Project export (xlsx or csv).

    Every incident is kept as a record; the dead and missing are also summed
    into series by year, country and region of incident, migration route and
    cause of death. The whole file is checked first; nothing is saved when a
    row has a problem. The same file again changes nothing.
    """
    _import("missing-migrants", path, dry_run=dry_run, as_json=as_json)


@main.command("import-open-sdg")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--area",
    default="",
    help="ISO3 code of the country the repository reports on (read from its config if absent).",
)
@click.option(
    "--edition",
    default="",
    help="Edition label (default: 'snapshot-' and the start of the folder's checksum).",
)
@_DRY_RUN
@_AS_JSON
def import_open_sdg(path: Path, area: str, edition: str, dry_run: bool, as_json: bool) -> None:
    """Import an Open SDG data repository folder (data/indicator_*.csv, meta/*.md).

    Each indicator file becomes a series; its disaggregation columns become
    dimensions, and years such as "2021/22 [Note 5]", "2000 Q1" or "2021.0"
    are read as periods. Placeholder files (no data yet, non-statistical
    indicators) are listed and skipped.
    """
    _import("open-sdg", path, dry_run=dry_run, as_json=as_json, area=area, edition=edition)


@main.command("import-sdmx")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--edition", default="", help="Edition label (default: the message's prepared date).")
@_DRY_RUN
@_AS_JSON
def import_sdmx(path: Path, edition: str, dry_run: bool, as_json: bool) -> None:
    """Import an SDMX data message: SDMX-ML (XML) or SDMX-CSV.

    REF_AREA is read as an ISO3 or M49 code, TIME_PERIOD as the period and
    OBS_VALUE as the value; the other dimensions are kept as dimensions.
    """
    _import("sdmx", path, dry_run=dry_run, as_json=as_json, edition=edition)


@main.command("import-csv")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML file declaring the dataset, the series and which column holds what.",
)
@_DRY_RUN
@_AS_JSON
def import_csv(path: Path, mapping: Path, dry_run: bool, as_json: bool) -> None:
    """Import a plain CSV file whose columns a mapping file declares (see docs/statistics.md)."""
    _import("csv", path, dry_run=dry_run, as_json=as_json, mapping=mapping)


@main.command("import-sdg-10-7-2")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_sdg_10_7_2(path: Path) -> None:
    """Import SDG indicator 10.7.2 answers: a CSV with iso3, year, 1a ... 6e, source.

    Answers are yes, yes_legal (domain 1 only) or no, or their English labels.
    The whole file is checked first; nothing is saved when a row has a problem.
    Scores and levels are computed by the published method.
    """
    _setup()
    from gcmhub.common.context import action_context
    from gcmhub.common.errors import InvalidInput
    from gcmhub.statistics.services import assessment_import

    try:
        with action_context(channel="cli"):
            report = assessment_import(by=None, path=path)
    except InvalidInput as exc:
        _fail(str(exc))
    click.echo(json.dumps(report, indent=2, default=str))


@main.command("generate-sample")
@click.option(
    "--countries",
    default=193,
    show_default=True,
    type=click.IntRange(1, None),
    help="How many UN Member States get reviews (193: all; fewer are drawn with the seed).",
)
@click.option(
    "--cycles",
    default="regional-2024-2025,imrf-2026,imrf-2030",
    show_default=True,
    help="Review cycles to fill, by slug, separated by commas.",
)
@click.option(
    "--pledges",
    default=10_000,
    show_default=True,
    type=click.IntRange(0, None),
    help="How many sample pledges to make.",
)
@click.option("--seed", default=2018, show_default=True, help="The same seed gives the same data.")
@click.option("--clear", "clear_only", is_flag=True, help="Delete the sample records only.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def generate_sample(
    countries: int, cycles: str, pledges: int, seed: int, clear_only: bool, as_json: bool
) -> None:
    """Fill the database with sample reviews, stakeholder inputs and pledges.

    For demonstrations and load tests. Every review, input and pledge made is
    marked as sample data; its organisations and users are named "Sample ..."
    with slugs and usernames starting "sample-". Running it again replaces the earlier
    sample records. It refuses to run where a real review exists for one of
    the cycles and countries, and --clear removes sample records only.
    """
    _setup()
    import time

    from gcmhub.common.context import action_context
    from gcmhub.common.errors import Conflict, InvalidInput
    from gcmhub.pledges import sample

    started = time.perf_counter()
    say = (lambda _m: None) if as_json else click.echo
    try:
        with action_context(channel="cli"):
            if clear_only:
                counts: dict[str, Any] = sample.clear(progress=say)
            else:
                counts = sample.generate(
                    countries=countries,
                    cycles=cycles.split(","),
                    pledges=pledges,
                    seed=seed,
                    progress=say,
                )
    except (InvalidInput, Conflict) as exc:
        _fail(str(exc))
    seconds = round(time.perf_counter() - started, 1)
    if as_json:
        click.echo(json.dumps({**counts, "seconds": seconds}, indent=2))
        return
    if clear_only:
        click.echo(f"Sample data cleared in {seconds} s.")
        return
    click.echo(
        f"Sample data generated in {seconds} s: {counts['reviews']:,} reviews "
        f"({counts['countries']} countries x {len(counts['cycles'])} cycles: "
        f"{', '.join(counts['cycles'])}), {counts['sections']:,} sections, "
        f"{counts['section_versions']:,} section versions, {counts['inputs']:,} inputs, "
        f"{counts['pledges']:,} pledges, {counts['organisations']} organisations, "
        f"{counts['users']} users."
    )


@main.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (e.g. `gcmhub manage showmigrations`)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gcmhub manage", *args])


# --- evidence base and tagger ------------------------------------------------------------------

INGEST_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt")


@main.command()
@click.option("--queue", default="default", show_default=True, help="Queue to take tasks from.")
def worker(queue: str) -> None:
    """Run background tasks (large ingest batches) as they are queued; `serve` starts one."""
    _setup()
    from django.core.management import call_command

    call_command("db_worker", queue_name=queue, interval=1.0, verbosity=1)


def _ingest_files(paths: tuple[Path, ...]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INGEST_SUFFIXES
            )
        else:
            found.append(path)
    return found


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--type",
    "doc_type",
    default="other",
    show_default=True,
    type=click.Choice(
        ["review", "report", "practice", "evaluation", "meeting", "speech", "pledge", "other"]
    ),
    help="Document type of every file.",
)
@click.option("--country", "iso3", default="", help="ISO3 code of the country the files concern.")
@click.option("--organisation", type=int, default=None, help="Id of the owning organisation.")
@click.option("--year", type=int, default=None, help="Year of the documents.")
@click.option("--licence", default="", help="Licence of the documents.")
@click.option("--source-url", default="", help="Where the documents come from.")
@click.option("--public", "is_public", is_flag=True, help="Publish the documents.")
@click.option(
    "--attachments",
    is_flag=True,
    help="Also ingest the attachments of reviews and inputs not yet in the evidence base.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def ingest(
    paths: tuple[Path, ...],
    doc_type: str,
    iso3: str,
    organisation: int | None,
    year: int | None,
    licence: str,
    source_url: str,
    is_public: bool,
    attachments: bool,
    as_json: bool,
) -> None:
    """Add documents (PDF, DOCX, HTML, Markdown, text; folders are searched) to the evidence
    base: passages, language, embeddings and suggested tags. A file that fails is listed and
    the others go on; the exit status is 1 when any failed."""
    _setup()
    from gcmhub.common.context import action_context
    from gcmhub.common.errors import InvalidInput
    from gcmhub.evidence import services

    files = _ingest_files(paths)
    if not files and not attachments:
        _fail("Name at least one file or folder (or --attachments).")
    options = {"doc_type": doc_type, "iso3": iso3, "organisation": organisation, "year": year,
               "licence": licence, "source_url": source_url, "is_public": is_public}  # fmt: skip
    reports = []
    try:
        with action_context(channel="cli"):
            if files:
                with click.progressbar(
                    length=len(files), label="Ingesting", file=sys.stderr, show_pos=True
                ) as bar:
                    reports.append(
                        services.ingest_many(
                            by=None,
                            files=[(str(f), f.read_bytes) for f in files],
                            options=options,
                            progress=lambda _name: bar.update(1),
                        ).as_dict()
                    )
            if attachments:
                reports.append(services.ingest_attachments(by=None).as_dict())
    except InvalidInput as exc:
        _fail(str(exc))
    report = {key: sum(r[key] for r in reports) for key in ("created", "unchanged", "failed")} | {
        "results": [x for r in reports for x in r["results"]],
        "failures": [x for r in reports for x in r["failures"]],
    }
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(
            f"{report['created']} ingested, {report['unchanged']} already held, "
            f"{report['failed']} failed."
        )
        for failure in report["failures"]:
            click.secho(f"  {failure['file']}: {failure['message']}", fg="red", err=True)
    if report["failed"]:
        sys.exit(1)


@main.command()
@click.argument("query")
@click.option("--item", default="", help="Only passages tagged so, e.g. objective:20.")
@click.option("--country", "iso3", default="", help="ISO3 code.")
@click.option("--type", "doc_type", default="", help="Document type.")
@click.option("--language", default="", help="ar, en, es, fr, ru or zh.")
@click.option("--year", default="", help="Year of the documents.")
@click.option(
    "--mode",
    default="hybrid",
    show_default=True,
    type=click.Choice(["hybrid", "semantic", "fulltext"]),
    help="Rank by words and meaning together, or by either alone.",
)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 20))
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def search(
    query: str,
    item: str,
    iso3: str,
    doc_type: str,
    language: str,
    year: str,
    mode: str,
    limit: int,
    as_json: bool,
) -> None:
    """Search the evidence base (all documents: the command line acts as the system)."""
    _setup()
    from gcmhub.common.errors import InvalidInput
    from gcmhub.evidence import selectors

    params = {"item": item, "iso3": iso3, "doc_type": doc_type, "language": language,
              "year": year}  # fmt: skip
    try:
        data = selectors.search(None, query, selectors.filters_from(params), mode=mode)
    except InvalidInput as exc:
        _fail(str(exc))
    data["results"] = data["results"][:limit]
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"{data['total']} {'passage matches' if data['total'] == 1 else 'passages match'}.")
    for n, r in enumerate(data["results"], start=1):
        doc, passage = r["document"], r["passage"]
        tags = ", ".join(
            f"{t['kind']} {t['code']}" + ("" if t["status"] == "confirmed" else "?")
            for t in passage["tags"]
            if t["status"] != "rejected"
        )
        where = f"p. {passage['page']}" if passage["page"] else f"#{passage['ordinal']}"
        click.echo(f"\n{n}. {doc['title']} ({doc['language']}, {where})")
        click.echo("   " + passage["text"][:300].replace("\n", " "))
        if tags:
            click.echo(f"   tags: {tags}")


def _tag_inputs(text: str | None, file: Path | None) -> list[tuple[Any, str]]:
    if text is not None and text != "-":
        return [("text", text)]
    if file is not None:
        if file.suffix.lower() == ".jsonl":
            return _jsonl_inputs(file.read_text(encoding="utf-8").splitlines(), str(file))
        if file.suffix.lower() in (".txt", ".md", ""):
            return [(file.name, file.read_text(encoding="utf-8", errors="replace"))]
        from gcmhub.evidence.extract import ExtractError, extract

        try:
            found = extract(file.read_bytes(), file.name)
        except ExtractError as exc:
            _fail(f"{file}: {exc.message}")
        return [(file.name, "\n\n".join(b.text for b in found.blocks))]
    return _jsonl_inputs(sys.stdin.read().splitlines(), "standard input")


def _jsonl_inputs(lines: list[str], where: str) -> list[tuple[Any, str]]:
    inputs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            _fail(f"{where}, line {number}: not valid JSON ({exc.msg})")
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            _fail(f'{where}, line {number}: expected an object with a "text" string')
        inputs.append((row.get("id", number), row["text"]))
    return inputs


@main.command()
@click.argument("text", required=False)
@click.option(
    "--file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the text from a file (text, PDF, DOCX, HTML; .jsonl: one input per line).",
)
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(["text", "jsonl"]),
    help="text for people; jsonl: one JSON line per input.",
)
@click.option(
    "--kinds",
    default="objective,principle,cluster,sdg_goal,sdg_target",
    show_default=True,
    help="Comma-separated kinds to return.",
)
@click.option("--top", type=click.IntRange(1, 100), default=None, help="At most N tags per kind.")
@click.option(
    "--all", "all_items", is_flag=True, help="Every item with its score, not only those found."
)
def tag(
    text: str | None, file: Path | None, fmt: str, kinds: str, top: int | None, all_items: bool
) -> None:
    """Tag texts with GCM objectives, guiding principles, thematic clusters, SDG goals and
    SDG targets, offline. Reads TEXT, or --file, or JSON lines on standard input
    ({"id": ..., "text": ...} per line). Output lines (--format jsonl):
    {"id", "tags": [{"kind", "code", "title", "score", "evidence": [{"start", "end", "text"}]}]}.
    By default only the items judged present (score at or above the calibrated threshold), best
    first within each kind."""
    from gcmhub.tagger import KINDS, get_tagger

    wanted = [k.strip() for k in kinds.split(",") if k.strip()]
    unknown = [k for k in wanted if k not in KINDS]
    if unknown:
        _fail(f"Unknown kind(s): {', '.join(unknown)}; choose from {', '.join(KINDS)}.")
    inputs = _tag_inputs(text, file)
    tagger = get_tagger()
    batch = 64
    for start in range(0, len(inputs), batch):
        chunk = inputs[start : start + batch]
        results = tagger.tag_many([t for _, t in chunk], kinds=wanted, top=top, all_items=all_items)
        for (ident, _text), tags in zip(chunk, results, strict=True):
            if fmt == "jsonl":
                line = {"id": ident, "tags": [t.as_dict() for t in tags]}
                click.echo(json.dumps(line, ensure_ascii=False))
                continue
            if len(inputs) > 1:
                click.echo(f"# {ident}")
            if not tags:
                click.echo("No framework item found.")
            for t in tags:
                click.echo(f"{t.score:.2f}  {t.kind} {t.code}: {t.title}")
                for e in t.evidence:
                    click.echo(f"      [{e.start}:{e.end}] {e.text}")


def help_markdown() -> str:
    """docs/cli.md: every command's ``--help`` text, generated so the two never drift apart."""
    # make_context applies each command's context settings (such as -h), as a real run does.
    ctx = main.make_context("gcmhub", [], resilient_parsing=True)
    blocks = [
        "# The `gcmhub` command",
        "",
        "Generated from the commands' own `--help` texts by `make docs`; a test checks that",
        "this file matches them.",
        "",
        "```text",
        main.get_help(ctx),
        "```",
    ]
    for name in sorted(main.list_commands(ctx)):
        command = main.get_command(ctx, name)
        assert command is not None
        sub = command.make_context(name, [], parent=ctx, resilient_parsing=True)
        blocks += ["", f"## gcmhub {name}", "", "```text", command.get_help(sub), "```"]
    return "\n".join(blocks) + "\n"


if __name__ == "__main__":
    main()

"""Concurrent section saves through the HTTP API: no lost update, conflicts where they belong.

Runs ``gcmhub serve`` (waitress) in a subprocess on a free port, against the database in
DATABASE_URL (SQLite under GCMHUB_HOME when unset), with the default sample data of
``gcmhub generate-sample`` (generated when missing). 32 focal points, each of a different sample
State whose review in the open cycle imrf-2030 is a draft, sign in through the login page and
save sections of their own review with ``PUT /api/v1/reviews/national/{cycle}/{iso3}/sections/
{item}`` for ``--seconds``. Each writer remembers what it saved last in every section; at the
end every section is read back from the database and compared (a lost update is a remembered
save that is not what is stored). Then a conflict phase: in each round two signed-in focal
points of the same State save the same section with the same version token at the same moment;
exactly one must win and the other must get 409.

Exits 1 when there are errors, unexpected conflicts, lost updates or a conflict round without
exactly one winner.

    python benchmarks/reviews_concurrency.py [--seconds 60] [--writers 32] [--rounds 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings")

CYCLE = "imrf-2030"
PASSWORD = "sample-benchmark-password-8c1f"  # noqa: S105 (sample users on a benchmark database)
STATUSES = ["not_started", "planned", "in_progress", "implemented", "not_applicable", ""]


class Session:
    """One browser-like client: a kept-alive connection, cookies and the CSRF token."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        head = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=head)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=180)
                if attempt:
                    raise
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, data

    def login(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/en/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and match, ("login page", status)
        form = urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": match.group(1).decode(),
            }
        ).encode()
        status, _ = self.request(
            "POST",
            "/en/accounts/login/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 302 and "sessionid" in self.cookies, ("login", username, status)

    def put_section(self, iso3: str, item: str, payload: dict[str, Any]) -> tuple[int, Any]:
        status, data = self.request(
            "PUT",
            f"/api/v1/reviews/national/{CYCLE}/{iso3}/sections/{item}",
            json.dumps(payload).encode(),
            {"Content-Type": "application/json", "X-CSRFToken": self.cookies.get("csrftoken", "")},
        )
        try:
            return status, json.loads(data)
        except ValueError:
            return status, data[:300]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _item_key(kind: str, code: str) -> str:
    return code if kind == "objective" else f"p:{code}"


def prepare(writers: int, m49: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Load what is needed, make ``writers`` sample reviews of imrf-2030 editable drafts, give
    their focal points (and a second focal point for the conflict phase) a password."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from gcmhub.accounts.models import Membership, Role, User
    from gcmhub.framework.services import reference_load
    from gcmhub.pledges import sample
    from gcmhub.registry.models import Area
    from gcmhub.registry.services import registry_load
    from gcmhub.reviews.models import CycleStatus, NationalReview, ReviewCycle, ReviewSection
    from gcmhub.reviews.services import cycles_load

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    reference_load(by=None)
    if not m49.is_dir() and not Area.objects.exists():
        sys.exit(f"No UN M49 folder at {m49}; pass --m49 PATH.")
    registry_load(by=None, m49_path=m49 if m49.is_dir() else None)
    cycles_load(by=None)
    cycle = ReviewCycle.objects.get(slug=CYCLE)
    if cycle.status() != CycleStatus.OPEN:
        sys.exit(f"{CYCLE} is not open for inputs now; the benchmark needs an open cycle.")
    if NationalReview.objects.filter(is_sample=True, cycle=cycle).count() < writers:
        start = time.perf_counter()
        counts = sample.generate()
        if connection.vendor == "postgresql":  # fresh tables: give the planner their statistics
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        took = time.perf_counter() - start
        print(f"sample data generated in {took:.1f} s: {counts['reviews']} reviews")
    reviews = list(
        NationalReview.objects.filter(is_sample=True, cycle=cycle)
        .select_related("area", "organisation")
        .order_by("area__iso3")[:writers]
    )
    if len(reviews) < writers:
        sys.exit(f"only {len(reviews)} sample reviews in {CYCLE}; fewer than {writers} writers")
    # The benchmark edits sample drafts only: the chosen reviews become drafts again.
    NationalReview.objects.filter(pk__in=[r.pk for r in reviews]).update(status="draft")
    hashed = make_password(PASSWORD)
    plan = []
    for review in reviews:
        focal = (
            Membership.objects.filter(
                organisation=review.organisation,
                role=Role.FOCAL_POINT,
                user__username__startswith="sample-focal-",
            )
            .select_related("user")
            .order_by("user__username")
            .first()
        )
        assert focal is not None, review
        sections = {
            _item_key(kind, code): version
            for kind, code, version in ReviewSection.objects.filter(review=review).values_list(
                "item__kind", "item__code", "version"
            )
        }
        plan.append(
            {"iso3": review.area.iso3, "username": focal.user.username, "sections": sections}
        )
    User.objects.filter(username__in=[p["username"] for p in plan]).update(
        password=hashed, is_active=True
    )
    # A second focal point of the first State, for the conflict phase (a sample user too).
    second, _ = User.objects.get_or_create(
        username=f"sample-focal-second-{plan[0]['iso3'].lower()}",
        defaults={"first_name": "Sample", "last_name": "second focal point"},
    )
    User.objects.filter(pk=second.pk).update(password=hashed, is_active=True)
    Membership.objects.get_or_create(
        user=second, organisation=reviews[0].organisation, defaults={"role": Role.FOCAL_POINT}
    )
    vendor = connection.vendor
    connection.close()
    return plan, {"second": second.username, "vendor": vendor}


def writer(
    port: int,
    entry: dict[str, Any],
    seconds: float,
    ready: threading.Barrier,
    results: dict[str, Any],
) -> None:
    rng = random.Random(entry["iso3"])
    session = Session(port)
    try:
        session.login(entry["username"], PASSWORD)
    except Exception as exc:  # reported below as a writer that could not start
        results[entry["iso3"]] = {"failed": repr(exc)}
        ready.wait()
        return
    versions: dict[str, int] = dict(entry["sections"])
    remembered: dict[str, dict[str, Any]] = {}
    latencies: list[float] = []
    counts = {"attempted": 0, "succeeded": 0, "conflicts": 0, "errors": 0}
    error_samples: list[str] = []
    ready.wait()
    deadline = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < deadline:
        n += 1
        item = rng.choice(list(versions))
        payload = {
            "status": rng.choice(STATUSES),
            "actions": f"Sample text: benchmark save {n} by {entry['username']} on {item}.",
            "version": versions[item],
        }
        counts["attempted"] += 1
        start = time.perf_counter()
        try:
            status, body = session.put_section(entry["iso3"], item, payload)
        except Exception as exc:  # a dropped connection is an error, not a crash
            status, body = 0, repr(exc)
        latencies.append((time.perf_counter() - start) * 1000)
        if status == 200:
            counts["succeeded"] += 1
            versions[item] = body["version"]
            remembered[item] = {
                "status": payload["status"],
                "actions": payload["actions"],
                "version": body["version"],
            }
        elif status == 409:
            counts["conflicts"] += 1  # nobody else edits this review: unexpected
            current = body.get("current", {}) if isinstance(body, dict) else {}
            if "version" in current:
                versions[item] = current["version"]
        else:
            counts["errors"] += 1
            if len(error_samples) < 3:
                error_samples.append(f"{status}: {body!r:.200}")
    session.conn.close()
    results[entry["iso3"]] = {
        "counts": counts,
        "latencies": latencies,
        "remembered": remembered,
        "errors": error_samples,
    }


def conflict_phase(
    port: int, plan: list[dict[str, Any]], second: str, rounds: int
) -> dict[str, int]:
    """Two focal points of one State save the same section with the same version at once."""
    entry = plan[0]
    a, b = Session(port), Session(port)
    a.login(entry["username"], PASSWORD)
    b.login(second, PASSWORD)
    items = sorted(entry["sections"])
    tally = {"rounds": rounds, "one_winner": 0, "wins": 0, "conflicts_409": 0, "other": 0}
    for r in range(rounds):
        item = items[r % len(items)]
        # Read the current version through the API, as an editor opening the section would.
        status, data = a.request(
            "GET", f"/api/v1/reviews/national/{CYCLE}/{entry['iso3']}/sections/{item}/history"
        )
        version = _current_version(status, data)
        gate = threading.Barrier(2)
        answers: list[int] = []
        threads = [
            threading.Thread(
                target=_race,
                args=(session, gate, answers, entry["iso3"], item, version, f"round {r} by {who}"),
            )
            for session, who in ((a, "A"), (b, "B"))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wins, conflicts = answers.count(200), answers.count(409)
        tally["wins"] += wins
        tally["conflicts_409"] += conflicts
        tally["other"] += len(answers) - wins - conflicts
        tally["one_winner"] += wins == 1 and conflicts == 1
    return tally


def _race(
    session: Session,
    gate: threading.Barrier,
    answers: list[int],
    iso3: str,
    item: str,
    version: int,
    note: str,
) -> None:
    payload = {"status": "planned", "actions": f"Sample text: conflict {note}.", "version": version}
    gate.wait()
    answers.append(session.put_section(iso3, item, payload)[0])


def _current_version(status: int, data: bytes) -> int:
    assert status == 200, ("section history", status, data[:200])
    body = json.loads(data)
    versions = body.get("versions") or []
    if versions:
        return max(v["version"] for v in versions)
    return int(body.get("section", {}).get("version", 0))


def verify(plan: list[dict[str, Any]], results: dict[str, Any]) -> int:
    """How many remembered saves are not what the database holds."""
    from django.db import connection

    from gcmhub.reviews.models import ReviewSection

    lost = 0
    for entry in plan:
        if "remembered" not in results.get(entry["iso3"], {}):
            continue
        stored = {
            _item_key(kind, code): {"status": status, "actions": actions, "version": version}
            for kind, code, status, actions, version in ReviewSection.objects.filter(
                review__cycle__slug=CYCLE, review__area__iso3=entry["iso3"]
            ).values_list("item__kind", "item__code", "status", "actions", "version")
        }
        for item, saved in results[entry["iso3"]]["remembered"].items():
            if stored.get(item) != saved:
                lost += 1
    connection.close()
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the save phase")
    parser.add_argument("--writers", type=int, default=32, help="concurrent focal points")
    parser.add_argument("--rounds", type=int, default=20, help="rounds of the conflict phase")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument(
        "--m49",
        type=Path,
        default=ROOT.parent / "shared" / "data" / "un_m49",
        help="UN M49 folder (default: ../shared/data/un_m49)",
    )
    args = parser.parse_args()

    plan, extra = prepare(args.writers, args.m49)
    port = _free_port()
    gcmhub = str(Path(sys.executable).parent / "gcmhub")
    # The server's log goes to a file: a pipe nobody reads would fill up and stall the server.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (open for as long as the server runs)
    server = subprocess.Popen(
        [gcmhub, "serve", "--port", str(port), "--threads", str(args.threads)],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        for _ in range(150):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
                if server.poll() is not None:
                    log.seek(0)
                    sys.exit(f"the server stopped: {log.read().decode()[-2000:]}")
        print(
            f"section saves on {extra['vendor']}: {args.writers} focal points over HTTP "
            f"(waitress, {args.threads} threads), {args.seconds:g} s, {os.cpu_count()} CPUs"
        )
        ready = threading.Barrier(args.writers + 1)
        results: dict[str, Any] = {}
        threads = [
            threading.Thread(target=writer, args=(port, e, args.seconds, ready, results))
            for e in plan
        ]
        for t in threads:
            t.start()
        ready.wait(timeout=900)  # everyone is signed in
        start = time.perf_counter()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        # Checked before the conflict phase, which saves sections of the first writer's review.
        lost = verify(plan, results)
        tally = conflict_phase(port, plan, extra["second"], args.rounds)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()

    failed_writers = {k: r["failed"] for k, r in results.items() if "failed" in r}
    results = {k: r for k, r in results.items() if "failed" not in r}
    totals = {
        k: sum(r["counts"][k] for r in results.values())
        for k in ("attempted", "succeeded", "conflicts", "errors")
    }
    latencies = sorted(x for r in results.values() for x in r["latencies"])
    p50 = statistics.median(latencies) if latencies else 0.0
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)] if latencies else 0.0
    print(f"saves attempted        {totals['attempted']:8}")
    print(f"saves succeeded        {totals['succeeded']:8}")
    print(f"unexpected conflicts   {totals['conflicts']:8}   (must be 0)")
    print(f"errors                 {totals['errors']:8}   (must be 0)")
    print(f"lost updates           {lost:8}   (must be 0)")
    print(f"throughput             {totals['succeeded'] / elapsed:8.1f} saves/s")
    print(f"save latency p50       {p50:8.1f} ms")
    print(f"save latency p95       {p95:8.1f} ms")
    print(
        f"conflict phase         {tally['rounds']} rounds: {tally['one_winner']} with exactly one "
        f"winner, {tally['wins']} saves won, {tally['conflicts_409']} answered 409 (expected "
        f"{tally['rounds']}), {tally['other']} other answers"
    )
    for iso3, problem in failed_writers.items():
        print(f"  writer for {iso3} could not sign in: {problem}")
    for iso3, r in results.items():
        for sample_error in r["errors"]:
            print(f"  error from {iso3}: {sample_error}")
    failed = (
        totals["errors"]
        or totals["conflicts"]
        or lost
        or len(results) != len(plan)
        or tally["one_winner"] != tally["rounds"]
    )
    print("FAILED" if failed else f"passed on {extra['vendor']}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

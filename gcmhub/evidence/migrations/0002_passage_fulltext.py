"""The full-text index over passages, in the dialect of the database in use."""

from django.db import migrations


def _statements(schema_editor, setup: bool) -> list[str]:
    from gcmhub.evidence import fts

    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        return fts.SQLITE_SETUP if setup else fts.SQLITE_TEARDOWN
    if vendor == "postgresql":
        return fts.POSTGRES_SETUP if setup else fts.POSTGRES_TEARDOWN
    return []


def create_index(apps, schema_editor):
    for sql in _statements(schema_editor, setup=True):
        schema_editor.execute(sql)
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "INSERT INTO evidence_passage_fts(evidence_passage_fts) VALUES ('rebuild')"
        )


def drop_index(apps, schema_editor):
    for sql in _statements(schema_editor, setup=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]

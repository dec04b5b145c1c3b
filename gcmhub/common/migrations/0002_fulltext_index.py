"""The full-text index over SearchDocument, in the dialect of the database in use."""

from django.db import migrations


def _statements(schema_editor, setup: bool) -> list[str]:
    from gcmhub.common import fulltext

    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        return fulltext.SQLITE_SETUP if setup else fulltext.SQLITE_TEARDOWN
    if vendor == "postgresql":
        return fulltext.POSTGRES_SETUP if setup else fulltext.POSTGRES_TEARDOWN
    return []


def create_index(apps, schema_editor):
    for sql in _statements(schema_editor, setup=True):
        schema_editor.execute(sql)
    if schema_editor.connection.vendor == "sqlite":
        # Index any rows written before the triggers existed.
        schema_editor.execute(
            "INSERT INTO common_searchdocument_fts(common_searchdocument_fts) VALUES ('rebuild')"
        )


def drop_index(apps, schema_editor):
    for sql in _statements(schema_editor, setup=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]

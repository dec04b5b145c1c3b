"""Test settings: fast hashing, in-memory e-mail, static files from the finders."""

from __future__ import annotations

import os

from gcmhub.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
# Tests run background tasks at once, in the calling thread; set GCMHUB_TEST_TASKS=db to queue
# them in the database as production does (the browser tests run a real worker).
if os.environ.get("GCMHUB_TEST_TASKS") != "db":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than shared memory, so that concurrent writers queue on the write lock
    # (WAL, busy timeout) exactly as they do in production instead of failing at once.
    DATABASES["default"]["TEST"] = {"NAME": str(GCMHUB_HOME / "test-db.sqlite3")}  # noqa: F405

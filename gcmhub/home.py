"""Where gcmhub keeps its state: the SQLite file, uploads, collected static files, the secret key.

Everything lives under one directory, ``GCMHUB_HOME`` (default ``./var``), so that a backup or a
fresh start is one directory to copy or remove.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def home_dir() -> Path:
    path = Path(os.environ.get("GCMHUB_HOME", "var")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(home: Path) -> str:
    """The key from GCMHUB_SECRET_KEY, else one generated once and kept in the home directory."""
    from_env = os.environ.get("GCMHUB_SECRET_KEY")
    if from_env:
        return from_env
    key_file = home / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()

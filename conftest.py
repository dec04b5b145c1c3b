"""Fixtures shared by every test: reference data loaded once per database, users with roles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "data"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from gcmhub.framework.services import reference_load
    from gcmhub.registry.services import registry_load
    from gcmhub.reviews.services import cycles_load

    with django_db_blocker.unblock():
        reference_load(by=None)
        # The registry needs the UN M49 list, which lives in ../shared/data; tests that need the
        # registry ask for the ``registry`` fixture, which skips (or fails under CI) without it.
        if (SHARED_DATA / "un_m49").is_dir():
            registry_load(by=None, m49_path=SHARED_DATA / "un_m49")
            cycles_load(by=None)


@pytest.fixture
def shared_data() -> Path:
    """../shared/data: skipped where it is absent, a failure under CI."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED_DATA} is missing; CI must run with ../shared beside the clone.")
        pytest.skip(f"{SHARED_DATA} is absent (a fresh clone without ../shared)")
    return SHARED_DATA


@pytest.fixture
def registry(shared_data: Path) -> Path:
    """The registry loaded from the M49 list and the reference files (once per database)."""
    return shared_data / "un_m49"

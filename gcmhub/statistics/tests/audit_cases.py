"""The audit-coverage cases for the SDG 10.7.2 services (called from tests/test_audit_coverage.py).

Both need the registry (a State to assess); the coverage test's ``_registry_needed`` is repeated
here so that a clone without ../shared skips them as it skips the registry's own cases.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import cast

import pytest

from gcmhub.accounts.models import User
from gcmhub.accounts.tests.factories import AdminFactory
from gcmhub.registry.models import Area
from gcmhub.statistics import policy, services


def _area(iso3: str) -> Area:
    area = Area.objects.filter(iso3=iso3).first()
    if area is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the registry needs ../shared/data/un_m49, which CI must provide")
        pytest.skip("the registry needs ../shared/data/un_m49 (absent in a fresh clone)")
    return area


def assessment_save(tmp: Path) -> str:
    services.assessment_save(
        by=cast(User, AdminFactory()),
        area=_area("MAR"),
        year=2019,
        answers=dict.fromkeys(policy.CODES, "yes"),
        source="Audit case",
    )
    return "statistics.assessment.save"


def assessment_import(tmp: Path) -> str:
    _area("MAR")
    path = tmp / "sdg-10-7-2.csv"
    header = ",".join(["iso3", "year", *policy.CODES])
    row = ",".join(["MAR", "2019", *["no"] * len(policy.CODES)])
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    services.assessment_import(by=cast(User, AdminFactory()), path=path)
    return "statistics.assessment.import"


def _small_dataset(tmp: Path) -> services.ImportReport:
    from gcmhub.statistics.importers import import_path

    _area("MAR")
    return import_path(
        "migrant-stock", Path(__file__).parent / "data" / "long_small.csv", by=AdminFactory()
    )


def dataset_import(tmp: Path) -> str:
    _small_dataset(tmp)
    return "statistics.dataset.import"


def dataset_delete(tmp: Path) -> str:
    from gcmhub.statistics.models import Dataset

    _small_dataset(tmp)
    services.dataset_delete(by=AdminFactory(), dataset=Dataset.objects.get())
    return "statistics.dataset.delete"

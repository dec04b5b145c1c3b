"""The audit-coverage cases for the review services (called from tests/test_audit_coverage.py).

Each runs one service once and returns the audit action it must have recorded. They need the
registry (States, commissions) and the review cycles, which the root conftest loads.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

import pytest

from gcmhub.accounts.models import Organisation, OrganisationKind, Role, User
from gcmhub.accounts.tests.factories import AdminFactory, OrganisationFactory, member
from gcmhub.reviews import services
from gcmhub.reviews.models import ReviewCycle

OPEN = "regional-2028-2029"
PDF = b"%PDF-1.4\n%%EOF\n"


def _needed() -> None:
    if not ReviewCycle.objects.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("the review cycles need ../shared/data/un_m49, which CI must provide")
        pytest.skip("the review cycles need ../shared/data/un_m49 (absent in a fresh clone)")


def _review(saved: bool = False) -> Any:
    _needed()
    org = cast(Organisation, OrganisationFactory(kind=OrganisationKind.STATE, country_iso3="CHL"))
    user = member(Role.FOCAL_POINT, org)
    services.review_create(by=user, cycle_slug=OPEN, iso3="CHL")
    if saved:
        services.section_save(
            by=user,
            cycle_slug=OPEN,
            iso3="CHL",
            item="1",
            data=services.SectionInput(status="planned"),
            version=0,
        )
    return user


def cycles_load(tmp: Path) -> str:
    _needed()
    ReviewCycle.objects.filter(slug="imrf-2030").update(title="Changed")
    services.cycles_load(by=cast(User, AdminFactory()))
    return "reviews.cycles.load"


def review_create(tmp: Path) -> str:
    _review()
    return "reviews.review.create"


def section_save(tmp: Path) -> str:
    _review(saved=True)
    return "reviews.section.save"


def section_assign(tmp: Path) -> str:
    user = _review()
    helper = member(Role.CONTRIBUTOR, user.memberships.get().organisation)
    services.section_assign(
        by=user, cycle_slug=OPEN, iso3="CHL", item="2", usernames=[helper.username]
    )
    return "reviews.section.assign"


def review_update(tmp: Path) -> str:
    user = _review()
    services.review_update(by=user, cycle_slug=OPEN, iso3="CHL", version=1, summary="New")
    return "reviews.review.update"


def review_transition(tmp: Path) -> str:
    user = _review(saved=True)
    services.review_transition(by=user, cycle_slug=OPEN, iso3="CHL", action="submit")
    return "reviews.review.submit"


def _input() -> tuple[Any, int]:
    _needed()
    org = cast(Organisation, OrganisationFactory(kind=OrganisationKind.STAKEHOLDER))
    user = member(Role.CONTRIBUTOR, org)
    record = services.input_create(
        by=user,
        cycle_slug="imrf-2030",
        organisation_slug=org.slug,
        data=services.InputData(title="Input", text="Text", items=["3"]),
    )
    return user, record.pk


def input_create(tmp: Path) -> str:
    _input()
    return "reviews.input.create"


def input_update(tmp: Path) -> str:
    user, pk = _input()
    services.input_update(
        by=user, pk=pk, version=1, data=services.InputData(title="Changed", text="Text")
    )
    return "reviews.input.update"


def input_transition(tmp: Path) -> str:
    user, pk = _input()
    services.input_transition(by=user, pk=pk, action="submit")
    return "reviews.input.submit"


def attachment_add(tmp: Path) -> str:
    user = _review()
    services.attachment_add(by=user, filename="a.pdf", content=PDF, cycle_slug=OPEN, iso3="CHL")
    return "reviews.attachment.add"


def attachment_remove(tmp: Path) -> str:
    user = _review()
    a = services.attachment_add(by=user, filename="a.pdf", content=PDF, cycle_slug=OPEN, iso3="CHL")
    services.attachment_remove(by=user, pk=a.pk)
    return "reviews.attachment.remove"


def cycle_create(tmp: Path) -> str:
    services.cycle_create(
        by=cast(User, AdminFactory()),
        data=services.CycleInput(
            slug="vnr-2027",
            title="Voluntary national reviews 2027",
            start_year=2027,
            end_year=2027,
        ),
    )
    return "reviews.cycle.create"

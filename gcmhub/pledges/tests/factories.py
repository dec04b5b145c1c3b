"""Building pledges for tests: the service input, and rows written straight for volume tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from gcmhub.accounts.models import Organisation
from gcmhub.accounts.tests.factories import OrganisationFactory
from gcmhub.framework.models import FrameworkItem
from gcmhub.pledges.models import Pledge, Pledger, StatusUpdate
from gcmhub.pledges.services import PledgeInput, PledgerInput
from gcmhub.registry.models import Area

DESCRIPTION = (
    "The government will open two regional one-stop centres where migrant workers can have "
    "their qualifications recognised, receive advice on labour rights and report abuse. "
    "Staff at both centres will be trained with the trade unions, and a public report will "
    "give the number of people served each year, broken down by sex and age, until 2026."
)
assert 300 <= len(DESCRIPTION) <= 3000


def _organisation() -> Organisation:
    return cast(Organisation, OrganisationFactory())


def pledge_input(**overrides: Any) -> PledgeInput:
    """A valid pledge by one organisation pledger (pass ``pledgers`` to change it)."""
    values: dict[str, Any] = {
        "title": "One-stop centres for migrant workers",
        "description": DESCRIPTION,
        "kind": "individual",
        "type": "policy",
        "objectives": ["6"],
        "principles": [],
        "pledgers": [PledgerInput(organisation=_organisation().slug)],
        "start_year": 2023,
        "end_year": 2026,
        "year": 2022,
    }
    values.update(overrides)
    return PledgeInput(**values)


def make_pledge(
    organisation: Organisation | None = None,
    *,
    title: str = "A pledge",
    published: bool = True,
    type: str = "policy",
    status: str = "announced",
    year: int = 2022,
    objectives: Iterable[str] = ("7",),
    principles: Iterable[str] = (),
    areas: Iterable[str] = (),
    organisations: Iterable[Organisation] = (),
    is_sample: bool = False,
    matches: Pledge | None = None,
) -> Pledge:
    """A pledge written straight to the database (no service, no audit): for reads only."""
    owner = organisation or _organisation()
    pledge = Pledge.objects.create(
        title=title,
        description=DESCRIPTION,
        kind="individual",
        type=type,
        organisation=owner,
        year=year,
        status=status,
        status_date=dt.date(year, 6, 1),
        published=published,
        is_sample=is_sample,
        matches=matches,
    )
    items = FrameworkItem.objects.filter(kind="objective", code__in=list(objectives)) | (
        FrameworkItem.objects.filter(kind="principle", code__in=list(principles))
    )
    pledge.items.set(items)
    rows = [Pledger(pledge=pledge, area=a) for a in Area.objects.filter(iso3__in=list(areas))]
    rows += [Pledger(pledge=pledge, organisation=o) for o in organisations]
    if not rows:
        rows = [Pledger(pledge=pledge, organisation=owner)]
    Pledger.objects.bulk_create(rows)
    StatusUpdate.objects.create(pledge=pledge, status=status, date=dt.date(year, 6, 1))
    return pledge

"""The audit-coverage cases for the pledge services (called from tests/test_audit_coverage.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import cast

from gcmhub.accounts.models import Organisation, Role, User
from gcmhub.accounts.tests.factories import AdminFactory, OrganisationFactory, member
from gcmhub.pledges import services
from gcmhub.pledges.tests.factories import pledge_input


def _created() -> tuple[User, int]:
    org = cast(Organisation, OrganisationFactory())
    user = member(Role.FOCAL_POINT, org)
    pledge = services.pledge_create(by=user, organisation=org.slug, data=pledge_input())
    return user, pledge.pk


def pledge_create(tmp: Path) -> str:
    _created()
    return "pledge.create"


def pledge_update(tmp: Path) -> str:
    user, pk = _created()
    services.pledge_update(
        by=user,
        pledge_id=pk,
        data=pledge_input(title="Changed title"),
        version=1,
    )
    return "pledge.update"


def pledge_status_update(tmp: Path) -> str:
    user, pk = _created()
    services.pledge_status_update(
        by=user,
        pledge_id=pk,
        data=services.StatusInput(
            status="in_progress", date=dt.date.today(), evidence="The first centre opened."
        ),
    )
    return "pledge.status"


def pledge_publish(tmp: Path) -> str:
    _, pk = _created()
    services.pledge_publish(by=cast(User, AdminFactory()), pledge_id=pk)
    return "pledge.publish"

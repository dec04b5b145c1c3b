"""People and records the review tests share: a State with its focal point, contributors,
the ECE reviewers (Portugal belongs to the ECE region), and another State."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

import pytest

from gcmhub.accounts.models import Organisation, OrganisationKind, Role
from gcmhub.accounts.tests.factories import OrganisationFactory, member
from gcmhub.reviews import services

OPEN = "regional-2028-2029"


@dataclass
class Cast:
    portugal: Organisation
    spain: Organisation
    focal_point: Any
    contributor: Any
    viewer: Any
    reviewer: Any
    secretariat: Any
    far_reviewer: Any
    other_focal_point: Any


def state(iso3: str) -> Organisation:
    return typing.cast(
        Organisation,
        OrganisationFactory(
            name=f"Government of {iso3}",
            slug=f"gov-{iso3.lower()}",
            kind=OrganisationKind.STATE,
            country_iso3=iso3,
        ),
    )


@pytest.fixture
def cast(registry) -> Cast:
    portugal, spain = state("PRT"), state("ESP")
    ece = Organisation.objects.get(slug="ece")
    escap = Organisation.objects.get(slug="escap")
    return Cast(
        portugal=portugal,
        spain=spain,
        focal_point=member(Role.FOCAL_POINT, portugal),
        contributor=member(Role.CONTRIBUTOR, portugal),
        viewer=member(Role.VIEWER, portugal),
        reviewer=member(Role.REVIEWER, ece),
        secretariat=member(Role.SECRETARIAT, ece),
        far_reviewer=member(Role.REVIEWER, escap),
        other_focal_point=member(Role.FOCAL_POINT, spain),
    )


def save(user: Any, item: str = "7", version: int = 0, **values: Any):
    values.setdefault("status", "in_progress")
    return services.section_save(
        by=user,
        cycle_slug=OPEN,
        iso3="PRT",
        item=item,
        data=services.SectionInput(**values),
        version=version,
    )


@pytest.fixture
def review(cast: Cast):
    return services.review_create(by=cast.focal_point, cycle_slug=OPEN, iso3="PRT")


@pytest.fixture
def published(cast: Cast, review):
    save(
        cast.focal_point,
        "7",
        status="implemented",
        actions="A national referral system.",
        challenges="Too few interpreters.",
        good_practices="Mobile consular teams.",
    )
    save(cast.focal_point, "1", status="in_progress", actions="A migration data unit.")
    for action, who in (
        ("submit", cast.focal_point),
        ("validate", cast.secretariat),
        ("publish", cast.reviewer),
    ):
        services.review_transition(by=who, cycle_slug=OPEN, iso3="PRT", action=action)
    review.refresh_from_db()
    return review

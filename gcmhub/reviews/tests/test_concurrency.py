"""Two people saving the same section at the same moment: one wins, the other gets a conflict,
and nothing either of them wrote is silently lost."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from gcmhub.accounts.models import Organisation, OrganisationKind, Role
from gcmhub.accounts.tests.factories import member
from gcmhub.common.errors import Conflict
from gcmhub.registry.services import registry_load
from gcmhub.reviews import services
from gcmhub.reviews.models import ReviewSection, SectionVersion

OPEN = "regional-2028-2029"


@pytest.fixture
def two_editors(transactional_db, shared_data):
    # A transactional test starts from empty tables: load what the review needs.
    from gcmhub.framework.services import reference_load

    reference_load(by=None)
    registry_load(by=None, m49_path=shared_data / "un_m49")
    services.cycles_load(by=None)
    org = Organisation.objects.create(
        name="Government of Chile", slug="gov-chl", kind=OrganisationKind.STATE, country_iso3="CHL"
    )
    ana, bruno = member(Role.FOCAL_POINT, org), member(Role.FOCAL_POINT, org)
    services.review_create(by=ana, cycle_slug=OPEN, iso3="CHL")
    return ana, bruno


def test_simultaneous_saves_of_one_section(two_editors):
    start = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def write(user, text):
        try:
            start.wait()
            services.section_save(
                by=user,
                cycle_slug=OPEN,
                iso3="CHL",
                item="5",
                data=services.SectionInput(status="planned", actions=text),
                version=0,
            )
            outcome[text] = "saved"
        except Conflict as exc:
            outcome[text] = f"conflict:{exc.current['actions']}"
        finally:
            connection.close()  # each thread has its own connection: end it here

    threads = [
        threading.Thread(target=write, args=(user, f"text of {user.username}"))
        for user in two_editors
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    saved = [text for text, result in outcome.items() if result == "saved"]
    refused = [result for result in outcome.values() if result.startswith("conflict:")]
    assert len(saved) == 1 and len(refused) == 1
    # The loser is shown exactly what the winner saved, and the winner's text is what is stored.
    assert refused[0] == f"conflict:{saved[0]}"
    section = ReviewSection.objects.get(
        review__area__iso3="CHL", item__kind="objective", item__code="5"
    )
    assert (section.actions, section.version) == (saved[0], 1)
    assert SectionVersion.objects.filter(section=section).count() == 1

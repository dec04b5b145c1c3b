"""The sample data generator: counts, labelling, no duplicates, and real records left alone."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from django.apps import apps

from gcmhub.accounts.models import Organisation, OrganisationKind, User
from gcmhub.common.errors import Conflict
from gcmhub.common.models import AuditEvent
from gcmhub.pledges import sample
from gcmhub.registry.models import Area, UnStatus
from gcmhub.reviews import sample as reviews_sample
from gcmhub.reviews.models import (
    NationalReview,
    ReviewCycle,
    ReviewSection,
    SectionVersion,
    StakeholderInput,
)

pytestmark = pytest.mark.django_db

CYCLES = ["imrf-2026", "imrf-2030"]


def _pledges() -> Any:
    return apps.get_model("pledges", "Pledge").objects


def _generate(**kwargs: Any) -> dict[str, Any]:
    return sample.generate(countries=5, cycles=CYCLES, pledges=50, seed=7, **kwargs)


def _real_review(cycle: str, area: Area) -> NationalReview:
    org = Organisation.objects.create(
        name=f"Government of {area.name}",
        slug=f"gov-{area.iso3.lower()}",
        kind=OrganisationKind.STATE,
        country_iso3=area.iso3,
    )
    return NationalReview.objects.create(
        cycle=ReviewCycle.objects.get(slug=cycle), area=area, organisation=org
    )


def test_small_scale_creates_the_expected_labelled_records(registry):
    counts = _generate()
    assert counts["reviews"] == 10
    assert counts["sections"] == 10 * 33
    assert counts["pledges"] == 50
    reviews = NationalReview.objects.all()
    assert reviews.count() == 10 and not reviews.filter(is_sample=False).exists()
    assert ReviewSection.objects.count() == 330
    assert {r.sections.count() for r in reviews} == {33}
    reported = ReviewSection.objects.exclude(version=0)
    assert SectionVersion.objects.count() >= reported.count() > 0
    assert set(ReviewSection.objects.values_list("status", flat=True)) >= {"", "in_progress"}
    assert StakeholderInput.objects.count() == counts["inputs"] > 0
    assert not StakeholderInput.objects.filter(is_sample=False).exists()
    assert _pledges().count() == 50 and not _pledges().filter(is_sample=False).exists()
    states = Organisation.objects.filter(kind=OrganisationKind.STATE)
    assert states.count() == 5
    for org in Organisation.objects.filter(pk__in=reviews.values("organisation_id")):
        assert org.slug.startswith("sample-")
        assert org.name == f"Sample State government ({org.country_iso3})"
    assert all(t.startswith("Sample text:") for t in reported.values_list("actions", flat=True))
    assert User.objects.exclude(username__startswith="sample-").count() == 0
    event = AuditEvent.objects.get(action="sample.generate")
    assert event.after["pledges"] == 50 and event.actor is None


def test_a_second_run_replaces_instead_of_duplicating(registry):
    first = _generate()
    statuses = sorted(NationalReview.objects.values_list("area__iso3", "cycle__slug", "status"))
    second = _generate()
    assert second["replaced"]["reviews"] == 10 and second["replaced"]["pledges"] == 50
    assert {k: v for k, v in first.items() if k != "replaced"} == {
        k: v for k, v in second.items() if k != "replaced"
    }
    assert NationalReview.objects.count() == 10
    assert ReviewSection.objects.count() == 330
    assert _pledges().count() == 50
    assert Organisation.objects.filter(slug__startswith="sample-").count() == first["organisations"]
    # The same seed gives the same data.
    assert sorted(NationalReview.objects.values_list("area__iso3", "cycle__slug", "status")) == (
        statuses
    )


def test_refuses_where_a_real_review_exists_and_writes_nothing(registry):
    world = reviews_sample.plan(countries=5, cycles=CYCLES, seed=7)
    real = _real_review("imrf-2030", world.areas[0])
    with pytest.raises(Conflict, match=f"imrf-2030/{world.areas[0].iso3}"):
        _generate()
    assert list(NationalReview.objects.all()) == [real]
    assert not _pledges().exists()
    assert not Organisation.objects.filter(slug__startswith="sample-").exists()


def test_clear_removes_sample_records_only(registry):
    world = reviews_sample.plan(countries=5, cycles=CYCLES, seed=7)
    other = (
        Area.objects.filter(un_status=UnStatus.MEMBER)
        .exclude(pk__in=[a.pk for a in world.areas])
        .first()
    )
    real = _real_review("imrf-2030", other)
    _generate()
    assert NationalReview.objects.count() == 11
    counts = sample.clear()
    assert counts["reviews"] == 10 and counts["pledges"] == 50
    assert list(NationalReview.objects.all()) == [real]
    assert Organisation.objects.filter(pk=real.organisation_id).exists()
    assert not Organisation.objects.filter(slug__startswith="sample-").exists()
    assert not User.objects.filter(username__startswith="sample-").exists()
    assert not _pledges().exists() and not StakeholderInput.objects.exists()
    assert AuditEvent.objects.filter(action="sample.clear").exists()


def test_the_command(registry):
    from gcmhub.cli import main

    runner = CliRunner()
    args = ["generate-sample", "--countries", "3", "--cycles", "imrf-2030", "--pledges", "10"]
    result = runner.invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert (counts["reviews"], counts["sections"], counts["pledges"]) == (3, 99, 10)
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "3 reviews" in result.output and "10 pledges" in result.output
    assert NationalReview.objects.count() == 3
    result = runner.invoke(main, [*args[:3], "--cycles", "no-such-cycle"])
    assert result.exit_code == 1 and "no-such-cycle" in result.output
    result = runner.invoke(main, ["generate-sample", "--clear"])
    assert result.exit_code == 0 and not NationalReview.objects.exists()

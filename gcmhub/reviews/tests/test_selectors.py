"""Visibility, and the syntheses computed from published reviews."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from gcmhub.accounts.models import Organisation
from gcmhub.common.errors import InvalidInput, NotFound
from gcmhub.registry.models import Affiliation, Area
from gcmhub.reviews import selectors, services
from gcmhub.reviews.models import NationalReview, ReviewSection
from gcmhub.reviews.tests.conftest import OPEN, save, state

pytestmark = pytest.mark.django_db
ANON = AnonymousUser()


def test_drafts_stay_inside_the_authors_organisation(cast, review):
    save(cast.focal_point)
    for who in (ANON, cast.other_focal_point, cast.reviewer):
        with pytest.raises(NotFound):
            selectors.review_detail(user=who, cycle=OPEN, iso3="PRT")
        assert selectors.review_list(user=who, cycle=OPEN) == []
    assert selectors.review_detail(user=cast.viewer, cycle=OPEN, iso3="PRT")["reported"] == 1
    assert selectors.review_list(user=cast.viewer)[0]["iso3"] == "PRT"


def test_a_submitted_review_reaches_the_regions_reviewers_only(cast, review):
    save(cast.focal_point)
    services.review_transition(by=cast.focal_point, cycle_slug=OPEN, iso3="PRT", action="submit")
    detail = selectors.review_detail(user=cast.reviewer, cycle=OPEN, iso3="PRT")
    assert detail["can"] == {
        "edit": False,
        "submit": False,
        "return": True,
        "validate": True,
        "publish": False,
    }
    assert [r["iso3"] for r in selectors.review_list(user=cast.secretariat)] == ["PRT"]
    for who in (ANON, cast.far_reviewer, cast.other_focal_point):
        with pytest.raises(NotFound):
            selectors.review_detail(user=who, cycle=OPEN, iso3="PRT")


def test_everyone_reads_a_published_review(cast, published):
    detail = selectors.review_detail(user=ANON, cycle=OPEN, iso3="PRT")
    seven = next(s for s in detail["objectives"] if s["code"] == "7")
    assert seven["status"] == "implemented"
    assert seven["can_edit"] is False
    assert detail["can"]["edit"] is False
    assert selectors.review_list(user=ANON)[0]["reported"] == 2


def test_sections_suggest_targets_from_the_crosswalk(cast, review):
    detail = selectors.review_detail(user=cast.focal_point, cycle=OPEN, iso3="PRT")
    ten = next(s for s in detail["objectives"] if s["code"] == "10")
    assert {"5.2", "8.7", "16.2"} <= set(ten["suggested_targets"])


def test_history_shows_word_level_changes(cast, review):
    first = save(cast.focal_point, actions="We opened two centres.")
    save(cast.focal_point, version=first.version, actions="We opened three centres.")
    history = selectors.section_history(user=cast.focal_point, cycle=OPEN, iso3="PRT", item="7")
    newest = history["versions"][0]
    assert newest["version"] == 2
    runs = next(c["runs"] for c in newest["changes"] if c["field"] == "actions")
    assert {"op": "del", "text": "two"} in runs and {"op": "ins", "text": "three"} in runs


def test_coverage_counts_published_reviews_only(cast, published):
    spain = services.review_create(by=cast.other_focal_point, cycle_slug=OPEN, iso3="ESP")
    services.section_save(
        by=cast.other_focal_point,
        cycle_slug=OPEN,
        iso3="ESP",
        item="7",
        data=services.SectionInput(status="planned"),
        version=0,
    )
    services.review_transition(
        by=cast.other_focal_point, cycle_slug=OPEN, iso3="ESP", action="submit"
    )
    data = selectors.coverage(cycle=OPEN)
    assert data["expected"] == 193
    assert (data["received"], data["published"]) == (2, 1)
    rows = {r["iso3"]: r for r in data["rows"]}
    keys = [i["key"] for i in data["items"]]
    assert len(keys) == 23
    assert rows["PRT"]["cells"][keys.index("7")] == "implemented"
    assert rows["PRT"]["cells"][keys.index("1")] == "in_progress"
    assert rows["ESP"]["review_status"] == "submitted"
    assert set(rows["ESP"]["cells"]) == {""}  # received, but its content is not public
    assert spain.status == "draft"
    assert data["totals"][keys.index("7")] == {"implemented": 1}
    with_principles = selectors.coverage(cycle=OPEN, principles=True)
    assert len(with_principles["items"]) == 33


def test_regional_synthesis_for_a_commission_and_for_a_mechanism(cast, published):
    data = selectors.regional_synthesis(cycle=OPEN, commission="ece")
    ece = Affiliation.objects.filter(
        organisation__slug="ece", area__un_status__in=("member_state", "observer_state")
    ).count()
    assert data["expected"] == ece
    assert (data["received"], data["published"]) == (1, 1)
    assert [o["key"] for o in data["most_reported"][:2]] == ["1", "7"]
    seven = next(o for o in data["objectives"] if o["code"] == "7")
    assert seven["statuses"]["implemented"] == 1 and seven["reported"] == 1
    challenge = data["challenges"][0]
    assert challenge["entries"][0]["url"] == f"/en/reviews/national/{OPEN}/PRT/#s-7"
    assert data["good_practices"][0]["entries"][0]["text"] == "Mobile consular teams."
    budapest = selectors.regional_synthesis(cycle=OPEN, mechanism="budapest-process")
    assert budapest["published"] == 1  # Portugal takes part in the Budapest Process
    asia = selectors.regional_synthesis(cycle=OPEN, commission="escap")
    assert asia["published"] == 0 and asia["challenges"] == []
    with pytest.raises(InvalidInput):
        selectors.regional_synthesis(cycle=OPEN)
    with pytest.raises(NotFound):
        selectors.regional_synthesis(cycle=OPEN, commission="nowhere")


def test_global_synthesis_groups_the_objectives_by_round_table(cast, published):
    data = selectors.global_synthesis(cycle=OPEN)
    tables = data["round_tables"]
    assert [t["code"] for t in tables] == ["1", "2", "3", "4"]
    assert sorted(o["number"] for t in tables for o in t["objectives"]) == list(range(1, 24))
    four = next(t for t in tables if t["code"] == "4")  # objectives 1, 3, 7, 17 and 23
    assert four["reported"] == 2
    assert four["statuses"]["implemented"] == 1


def test_comparison_across_cycles(cast, published):
    from gcmhub.accounts.tests.factories import AdminFactory

    admin = AdminFactory()
    services.review_create(by=admin, cycle_slug="imrf-2026", iso3="PRT")
    services.section_save(
        by=admin,
        cycle_slug="imrf-2026",
        iso3="PRT",
        item="7",
        data=services.SectionInput(status="planned"),
        version=0,
    )
    for action in ("submit", "validate", "publish"):
        services.review_transition(by=admin, cycle_slug="imrf-2026", iso3="PRT", action=action)
    country = selectors.comparison(iso3="PRT")
    assert [c["slug"] for c in country["cycles"]] == ["imrf-2026", OPEN]
    seven = next(i for i in country["items"] if i["code"] == "7")
    assert seven["by_cycle"] == ["planned", "implemented"]
    region = selectors.comparison(commission="ece")
    seven = next(i for i in region["items"] if i["code"] == "7")
    assert seven["by_cycle"] == [{"planned": 1}, {"implemented": 1}]


def test_profiles_gain_their_reviews_sections(cast, published):
    from gcmhub.registry.selectors import area_detail, mechanism_detail

    country = area_detail(iso3="PRT")
    part = next(s for s in country["sections"] if s.get("id") == "reviews")
    assert part["links"][0]["url"] == f"/en/reviews/national/{OPEN}/PRT/"
    mechanism = mechanism_detail(slug="budapest-process")
    part = next(s for s in mechanism["sections"] if s.get("id") == "reviews")
    assert "1" in part["links"][0]["note"]


def _published_reviews(n: int) -> None:
    """``n`` published reviews of ECE States, written straight to the tables."""
    from gcmhub.framework.models import FrameworkItem

    items = list(FrameworkItem.objects.filter(kind__in=("objective", "principle")))
    cycle = services.ReviewCycle.objects.get(slug=OPEN)
    areas = Area.objects.filter(affiliations__organisation__slug="ece", un_status="member_state")
    for area in areas.exclude(reviews__cycle=cycle)[:n]:
        org = (
            state(area.iso3)
            if not Organisation.objects.filter(country_iso3=area.iso3, kind="state").exists()
            else Organisation.objects.get(country_iso3=area.iso3, kind="state")
        )
        review = NationalReview.objects.create(
            cycle=cycle, area=area, organisation=org, status="published"
        )
        ReviewSection.objects.bulk_create(
            ReviewSection(review=review, item=i, status="planned", challenges="c") for i in items
        )


@pytest.mark.parametrize("name", ["coverage", "regional", "global", "list"])
def test_syntheses_use_a_fixed_number_of_queries(cast, django_assert_max_num_queries, name):
    calls = {
        "coverage": lambda: selectors.coverage(cycle=OPEN, commission="ece", principles=True),
        "regional": lambda: selectors.regional_synthesis(cycle=OPEN, commission="ece"),
        "global": lambda: selectors.global_synthesis(cycle=OPEN),
        "list": lambda: selectors.review_list(user=ANON, cycle=OPEN),
    }
    _published_reviews(2)
    with django_assert_max_num_queries(25):
        small = calls[name]()
    _published_reviews(20)
    with django_assert_max_num_queries(25):
        large = calls[name]()
    assert large != small

"""Geographic filters and the sections pledges add to country and mechanism profiles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from gcmhub.accounts.tests.factories import OrganisationFactory
from gcmhub.common.errors import InvalidInput
from gcmhub.pledges import selectors
from gcmhub.pledges.selectors import PledgeFilters
from gcmhub.pledges.tests.factories import make_pledge
from gcmhub.registry.models import Affiliation, Area, Membership
from gcmhub.registry.selectors import COUNTRY_SECTIONS, MECHANISM_SECTIONS

pytestmark = pytest.mark.django_db


def _ids(**filters) -> set[int]:
    rows = selectors.pledge_rows(user=AnonymousUser(), filters=PledgeFilters(**filters))
    return {r["id"] for r in rows}


def test_sections_are_registered_once():
    assert COUNTRY_SECTIONS.count(selectors.country_section) == 1
    assert MECHANISM_SECTIONS.count(selectors.mechanism_section) == 1


def test_region_filter_by_code_or_name_for_states_and_based_organisations(registry):
    morocco = Area.objects.select_related("region").get(iso3="MAR")
    state = make_pledge(areas=["MAR"])
    ngo = make_pledge(organisations=[OrganisationFactory(kind="stakeholder", country_iso3="MAR")])
    elsewhere = make_pledge(areas=["FRA"])
    assert _ids(region=morocco.region.m49) == {state.pk, ngo.pk}
    assert _ids(region=morocco.region.name.upper()) == {state.pk, ngo.pk}
    assert elsewhere.pk in _ids(region=Area.objects.get(iso3="FRA").region.m49)
    with pytest.raises(InvalidInput) as exc:
        _ids(region="Atlantis")
    assert exc.value.errors[0].field == "region"


def test_commission_mechanism_and_country_filters(registry):
    affiliation = Affiliation.objects.select_related("organisation", "area").first()
    assert affiliation is not None
    iso3 = affiliation.area.iso3
    state = make_pledge(areas=[iso3])
    government = make_pledge(organisations=[OrganisationFactory(kind="state", country_iso3=iso3)])
    ngo = make_pledge(organisations=[OrganisationFactory(kind="stakeholder", country_iso3=iso3)])
    assert _ids(commission=affiliation.organisation.slug) >= {state.pk, government.pk, ngo.pk}
    assert _ids(country=iso3) == {state.pk, government.pk}
    membership = (
        Membership.objects.filter(area__iso3=iso3, primary=True, left="", role="member")
        .select_related("mechanism")
        .first()
    )
    if membership is not None:
        assert _ids(mechanism=membership.mechanism.slug) >= {state.pk, government.pk}
        assert ngo.pk not in _ids(mechanism=membership.mechanism.slug)
    with pytest.raises(InvalidInput) as exc:
        _ids(commission="no-such-body", mechanism="no-such-process", cycle="no-such-cycle")
    assert {e.field for e in exc.value.errors} == {"commission", "mechanism", "cycle"}


def test_country_section_shows_published_pledges_only(registry, django_assert_max_num_queries):
    area = Area.objects.get(iso3="MAR")
    empty = selectors.country_section(area)
    assert empty is not None and empty["links"] == [] and empty["items"] == []
    assert empty["empty"] == "No published pledge names this country."
    for n in range(12):
        make_pledge(areas=["MAR"], title=f"Pledge {n}", is_sample=n == 11)
    make_pledge(areas=["MAR"], published=False, title="Secret")
    with django_assert_max_num_queries(3):
        section = selectors.country_section(area)
    assert section["id"] == "pledges" and section["items"][0]["value"] == 12
    assert "country=MAR" in section["items"][0]["url"]
    labels = [link["label"] for link in section["links"]]
    assert len(labels) == 11 and "Secret" not in labels
    assert labels[0] == "Pledge 11" and "Sample data" in section["links"][0]["note"]
    assert "country=MAR" in section["links"][-1]["url"]


def test_country_page_shows_the_section(client, registry):
    make_pledge(areas=["MAR"], title="Reduce recruitment fees")
    html = client.get("/en/registry/countries/MAR/").content.decode()
    assert "Reduce recruitment fees" in html


def test_mechanism_section_counts_member_states(registry):
    membership = (
        Membership.objects.filter(primary=True, left="", role="member")
        .select_related("mechanism", "area")
        .first()
    )
    assert membership is not None
    make_pledge(areas=[membership.area.iso3], title="Member pledge")
    section = selectors.mechanism_section(membership.mechanism)
    assert section is not None and [link["label"] for link in section["links"]] == ["Member pledge"]
    assert f"mechanism={membership.mechanism.slug}" in section["items"][0]["url"]


def test_region_pledges(registry):
    make_pledge(areas=["MAR"], type="financial", status="achieved")
    make_pledge(areas=["TUN"], type="policy")
    make_pledge(areas=["FRA"], type="policy")
    make_pledge(areas=["TUN"], published=False)
    data = selectors.region_pledges(iso3s=["mar", "TUN"])
    assert data["count"] == 2
    assert {r["key"]: r["count"] for r in data["by_type"]} == {
        "financial": 1,
        "human_resources": 0,
        "process": 0,
        "policy": 1,
    }
    assert {r["key"]: r["count"] for r in data["by_status"]}["achieved"] == 1
    assert len(data["latest"]) == 2 and all(r["url"].startswith("/") for r in data["latest"])
    assert "country=MAR%2CTUN" in data["url"]
    assert selectors.region_pledges(iso3s=[])["count"] == 0

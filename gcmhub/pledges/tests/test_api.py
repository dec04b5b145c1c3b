"""The pledge API: list filters, dashboard, one pledge, writes with their errors, exports."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from gcmhub.accounts.models import Role
from gcmhub.accounts.tests.factories import AdminFactory, OrganisationFactory, member
from gcmhub.pledges.models import Pledge
from gcmhub.pledges.tests.factories import DESCRIPTION, make_pledge

pytestmark = pytest.mark.django_db

API = "/api/v1/pledges"


def _payload(org, **overrides):
    body = {
        "organisation": org.slug,
        "title": "Skills partnership",
        "description": DESCRIPTION,
        "kind": "individual",
        "type": "financial",
        "objectives": ["O18"],
        "principles": [],
        "pledgers": [{"organisation": org.slug, "role": "lead"}],
        "start_year": 2023,
        "end_year": 2025,
        "year": 2022,
    }
    body.update(overrides)
    return body


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


# --- reads --------------------------------------------------------------------------------------


def test_list_filters_by_objective_number_or_code(client):
    seven = make_pledge(objectives=["7"], title="Objective seven")
    make_pledge(objectives=["3"], title="Objective three")
    make_pledge(objectives=["7"], published=False)
    for value in ("7", "O7", "objective:7"):
        data = client.get(f"{API}?objective={value}").json()
        assert data["count"] == 1 and [r["id"] for r in data["results"]] == [seven.pk]
        assert data["results"][0]["objectives"] == ["7"]
        assert set(data) >= {"count", "page", "pages", "per_page", "results"}
    response = client.get(f"{API}?objective=99")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "objective"


def test_list_filters_by_type_status_year_principle_and_words(client):
    a = make_pledge(type="financial", status="achieved", year=2022, principles=["a"], title="Fund")
    b = make_pledge(type="policy", status="in_progress", year=2024, title="Law reform")
    assert [r["id"] for r in client.get(f"{API}?type=financial").json()["results"]] == [a.pk]
    assert [r["id"] for r in client.get(f"{API}?status=in_progress").json()["results"]] == [b.pk]
    assert [r["id"] for r in client.get(f"{API}?year=2024").json()["results"]] == [b.pk]
    assert [r["id"] for r in client.get(f"{API}?principle=a").json()["results"]] == [a.pk]
    assert [r["id"] for r in client.get(f"{API}?q=reform").json()["results"]] == [b.pk]
    bad = client.get(f"{API}?type=moral&status=finished&pledger_kind=alien")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"type", "status", "pledger_kind"}


def test_list_filters_by_pledger_kind(client):
    un = OrganisationFactory(kind="un_entity")
    state_org = OrganisationFactory(kind="state")
    by_un = make_pledge(organisations=[un])
    by_state = make_pledge(organisations=[state_org])
    assert [r["id"] for r in client.get(f"{API}?pledger_kind=un_entity").json()["results"]] == [
        by_un.pk
    ]
    assert [r["id"] for r in client.get(f"{API}?pledger_kind=state").json()["results"]] == [
        by_state.pk
    ]


def test_pagination(client):
    for n in range(7):
        make_pledge(title=f"P{n}", year=2020 + n)
    data = client.get(f"{API}?per_page=3&page=2").json()
    assert (data["count"], data["pages"], data["page"]) == (7, 3, 2)
    assert [r["title"] for r in data["results"]] == ["P3", "P2", "P1"]


def test_dashboard_counts(client):
    make_pledge(type="financial", status="achieved", year=2022, objectives=["7", "3"])
    make_pledge(type="financial", status="announced", year=2023, objectives=["7"])
    make_pledge(type="policy", published=False)
    data = client.get(f"{API}/dashboard").json()
    assert data["total"] == 2
    assert {r["key"]: r["count"] for r in data["by_type"]}["financial"] == 2
    assert {r["key"]: r["count"] for r in data["by_status"]} == {
        "announced": 1,
        "in_progress": 0,
        "achieved": 1,
        "discontinued": 0,
    }
    objectives = {r["key"]: r["count"] for r in data["by_objective"]}
    assert objectives["7"] == 2 and objectives["3"] == 1 and objectives["1"] == 0
    assert [(r["key"], r["count"]) for r in data["by_year"]] == [("2022", 1), ("2023", 1)]
    filtered = client.get(f"{API}/dashboard?status=achieved").json()
    assert filtered["total"] == 1 and "status=achieved" in filtered["by_type"][0]["url"]


def test_one_pledge_and_hidden_one(client):
    p = make_pledge(is_sample=True, principles=["c"])
    data = client.get(f"{API}/{p.pk}").json()
    assert data["id"] == p.pk and data["is_sample"] is True and data["description"] == DESCRIPTION
    assert [u["status"] for u in data["updates"]] == ["announced"]
    assert {(i["kind"], i["code"]) for i in data["items"]} == {
        ("objective", "7"),
        ("principle", "c"),
    }
    hidden = make_pledge(published=False)
    assert client.get(f"{API}/{hidden.pk}").status_code == 404
    assert client.get(f"{API}/999999").status_code == 404


def test_exports(client):
    make_pledge(title="=HYPERLINK(bad)", is_sample=True)
    csv = client.get(f"{API}/export?format=csv")
    assert csv.status_code == 200 and "attachment" in csv["Content-Disposition"]
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("ID,Title,Kind")
    assert "'=HYPERLINK(bad)" in text
    xlsx = client.get(f"{API}/export?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    rows = json.loads(client.get(f"{API}/export?format=json").content)
    assert rows[0]["title"] == "=HYPERLINK(bad)" and rows[0]["is_sample"] is True
    assert client.get(f"{API}/export?format=pdf").status_code == 422


# --- writes -------------------------------------------------------------------------------------


def test_create_update_status_publish_journey(client):
    org = OrganisationFactory()
    client.force_login(member(Role.FOCAL_POINT, org))
    created = _post(client, API, _payload(org))
    assert created.status_code == 201, created.content
    body = created.json()
    pk, version = body["id"], body["version"]
    assert body["objectives"] == ["18"] and body["published"] is False and version == 1

    changed = _put(client, f"{API}/{pk}", {**_payload(org, title="Renamed"), "version": version})
    assert changed.status_code == 200 and changed.json()["version"] == 2

    stale = _put(client, f"{API}/{pk}", {**_payload(org, title="Stale"), "version": version})
    assert stale.status_code == 409
    assert stale.json()["current"]["title"] == "Renamed"
    assert Pledge.objects.get(pk=pk).title == "Renamed"

    update = _post(
        client,
        f"{API}/{pk}/updates",
        {"status": "in_progress", "date": dt.date.today().isoformat(), "evidence": "Begun."},
    )
    assert update.status_code == 201 and update.json()["status"] == "in_progress"

    assert client.post(f"{API}/{pk}/publish").json()["published"] is True
    client.logout()
    assert client.get(f"{API}/{pk}").json()["status"] == "in_progress"


def test_invalid_input_is_422_naming_each_field(client):
    org = OrganisationFactory()
    client.force_login(member(Role.ADMIN, org))
    response = _post(
        client,
        API,
        _payload(
            org,
            description="short",
            type="moral",
            objectives=["O42"],
            pledgers=[{"iso3": "QQQ"}],
            start_year=2030,
            end_year=2020,
        ),
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"description", "type", "objectives", "pledgers", "end_year"}
    assert not Pledge.objects.exists()
    missing = _post(client, API, {"organisation": org.slug})
    assert missing.status_code == 422
    assert {"title", "description"} <= {e["field"] for e in missing.json()["errors"]}


def test_writes_refused_for_anonymous_and_other_organisations(client):
    org = OrganisationFactory()
    assert _post(client, API, _payload(org)).status_code == 401
    client.force_login(member(Role.CONTRIBUTOR, org))
    assert _post(client, API, _payload(org)).status_code == 403
    client.force_login(member(Role.ADMIN, OrganisationFactory()))
    assert _post(client, API, _payload(org)).status_code == 403
    p = make_pledge(org)
    forged = _put(client, f"{API}/{p.pk}", {**_payload(org, title="Forged"), "version": 1})
    assert forged.status_code == 403
    assert client.post(f"{API}/{p.pk}/publish?published=false").status_code == 403
    p.refresh_from_db()
    assert p.title == "A pledge" and p.published is True
    client.force_login(AdminFactory())
    assert client.post(f"{API}/{p.pk}/publish?published=false").json()["published"] is False


# --- query budgets -----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [5, 40])
def test_reads_run_a_bounded_number_of_queries(client, django_assert_max_num_queries, n):
    orgs = [OrganisationFactory(kind="stakeholder") for _ in range(3)]
    for i in range(n):
        make_pledge(orgs[i % 3], objectives=[str(1 + i % 23)], year=2019 + i % 6)
    with django_assert_max_num_queries(8):
        assert client.get(f"{API}?objective=O7&type=policy").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"{API}/dashboard?pledger_kind=stakeholder").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"{API}/export?format=json").status_code == 200

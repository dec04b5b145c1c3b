"""The registry API: acceptance facts, answers, exports, editing over HTTP, bounded queries."""

from __future__ import annotations

import csv
import io
import json

import pytest

from gcmhub.accounts.models import Role
from gcmhub.accounts.tests.factories import OrganisationFactory, member
from gcmhub.common.models import AuditEvent
from gcmhub.registry.models import Mechanism, Membership

pytestmark = pytest.mark.django_db
API = "/api/v1/registry"


def _get(client, path, **params):
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def test_countries_list_the_193_member_states_with_codes(client, registry):
    rows = _get(client, "/countries", un_status="member_state")
    assert len(rows) == 193
    morocco = next(r for r in rows if r["iso3"] == "MAR")
    assert (morocco["m49"], morocco["region"], morocco["subregion"]) == (
        "504",
        "Africa",
        "Northern Africa",
    )
    assert all(len(r["iso3"]) == 3 and len(r["m49"]) == 3 for r in rows)


def test_country_filters_and_sorting(client, registry):
    sids = _get(client, "/countries", group="sids", region="029")
    assert sids and all(r["sids"] for r in sids)
    by_count = _get(client, "/countries", sort="mechanisms")
    counts = [r["mechanism_count"] for r in by_count]
    assert counts == sorted(counts, reverse=True)
    puebla = _get(client, "/countries", mechanism="puebla-process")
    assert {"MEX", "ARG"} <= {r["iso3"] for r in puebla}  # members and observers
    bad = client.get(f"{API}/countries", {"sort": "colour"})
    assert bad.status_code == 422


def test_mechanisms_at_least_30_each_with_a_type(client, registry):
    rows = _get(client, "/mechanisms")
    assert len(rows) >= 30
    assert {r["type"] for r in rows} == {"rcp", "irf", "global"}
    assert _get(client, "/mechanisms", type="global") and all(
        r["type"] == "global" for r in _get(client, "/mechanisms", type="global")
    )


def test_puebla_process_lists_its_11_members(client, registry):
    data = _get(client, "/mechanisms/puebla-process")
    members = {r["iso3"] for r in data["members"]}
    assert members == {"BLZ", "CAN", "CRI", "SLV", "GTM", "HND", "MEX", "NIC", "PAN", "DOM", "USA"}
    assert data["member_count"] == 11
    assert {r["iso3"] for r in data["observers"]} == {"ARG", "COL", "ECU", "JAM", "PER"}
    assert all(r["sources"] for r in data["members"])


def test_morocco_lists_its_mechanisms_with_sources(client, registry):
    data = _get(client, "/countries/MAR")
    current = {m["slug"]: m for m in data["mechanisms"] if m["current"] and m["role"] == "member"}
    assert {"rabat-process", "arcp", "mtm", "five-plus-five-dialogue"} <= set(current)
    for m in current.values():
        assert m["claims"][0]["sources"][0].startswith("http")
    assert data["gcm_vote"] in {"in_favour", "in_favour_or_not_voting"}
    assert data["commissions"] and data["commissions"][0]["slug"] == "eca"


def test_disputed_membership_shows_both_claims(client, registry):
    data = _get(client, "/mechanisms/almaty-process")
    turkmenistan = next(r for r in data["disputed"] if r["iso3"] == "TKM")
    assert turkmenistan["role"] == "observer"
    (other,) = [c for c in turkmenistan["other_claims"] if c["role"] == "member"]
    assert "unhcr" in other["sources"][0]
    profile = _get(client, "/countries/TKM")
    almaty = next(m for m in profile["mechanisms"] if m["slug"] == "almaty-process")
    assert almaty["disputed"] and {c["role"] for c in almaty["claims"]} == {"observer", "member"}


def test_filters_by_member_region_and_focus(client, registry):
    by_member = {r["slug"] for r in _get(client, "/mechanisms", member="LKA")}
    assert {"colombo-process", "abu-dhabi-dialogue", "bali-process"} <= by_member
    assert "puebla-process" not in by_member
    in_caribbean = {r["slug"] for r in _get(client, "/mechanisms", region="029")}
    assert "cmc" in in_caribbean and "colombo-process" not in in_caribbean
    on_recruitment = {r["slug"] for r in _get(client, "/mechanisms", focus="objective:6")}
    assert "colombo-process" in on_recruitment


def test_answers(client, registry):
    covering = _get(client, "/answers/covering", item="objective:6")
    assert any(m["slug"] == "colombo-process" for m in covering["mechanisms"])
    outside = _get(client, "/answers/outside-rcps")
    codes = {r["iso3"] for r in outside}
    in_rcp = set(
        Membership.objects.filter(
            primary=True, left="", role="member", mechanism__type="rcp"
        ).values_list("area__iso3", flat=True)
    )
    assert codes and not codes & in_rcp
    overlap = _get(client, "/answers/overlap", a="colombo-process", b="abu-dhabi-dialogue")
    shared = {r["iso3"] for r in overlap["shared"]}
    assert {"LKA", "IND", "PHL"} <= shared
    assert "KHM" in {r["iso3"] for r in overlap["only_a"]}
    assert 0 < overlap["jaccard"] < 1
    assert client.get(f"{API}/answers/overlap", {"a": "x", "b": "y"}).status_code == 404


def test_matrix_network_and_world(client, registry):
    matrix = _get(client, "/matrix", type="rcp")
    assert all(c["type"] == "rcp" for c in matrix["columns"])
    row = next(r for r in matrix["rows"] if r["iso3"] == "TKM")
    almaty = [c["slug"] for c in matrix["columns"]].index("almaty-process")
    assert row["cells"][almaty] == "o*"
    network = _get(client, "/network")
    link = next(
        x
        for x in network["links"]
        if {x["source"], x["target"]} == {"colombo-process", "abu-dhabi-dialogue"}
    )
    assert link["shared"] >= 10
    world = _get(client, "/world")
    assert world["max"] >= 5 and "United Nations" in world["disclaimer"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("name", ["countries", "mechanisms", "memberships", "organisations"])
def test_every_list_exports(client, registry, name, fmt):
    response = client.get(f"{API}/{name}/export", {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'{name}.{fmt}"')
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) > 10
    if fmt == "json":
        assert len(json.loads(response.content)) > 10


def test_organisations_include_commissions_and_stakeholders(client, registry):
    commissions = _get(client, "/organisations", group="commission")
    assert {o["acronym"] for o in commissions} >= {"ECA", "ECLAC", "ESCAP", "ESCWA"}
    eca = _get(client, "/organisations/eca")
    assert len(eca["members"]) == 54
    stakeholders = _get(client, "/organisations", kind="stakeholder")
    assert any(o["stakeholder_category"] for o in stakeholders)


def test_editing_over_the_api_audits_and_refuses_others(client, registry):
    mechanism = Mechanism.objects.get(slug="colombo-process")
    secretariat = member(Role.SECRETARIAT, mechanism.organisation)
    outsider = member(Role.ADMIN, OrganisationFactory())
    payload = {"role": "member", "source": "https://example.org/communique", "joined": "2007"}
    client.force_login(outsider)
    refused = client.put(
        f"{API}/mechanisms/colombo-process/members/KHM", payload, content_type="application/json"
    )
    assert refused.status_code == 403
    client.force_login(secretariat)
    row = Membership.objects.get(mechanism=mechanism, area__iso3="KHM", primary=True)
    ok = client.put(
        f"{API}/mechanisms/colombo-process/members/KHM",
        {**payload, "version": row.version},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["joined"] == "2007"
    stale = client.put(
        f"{API}/mechanisms/colombo-process/members/KHM",
        {**payload, "joined": "2008", "version": row.version},
        content_type="application/json",
    )
    assert stale.status_code == 409
    history = _get(client, "/mechanisms/colombo-process/history")
    assert history[0]["actor"] == secretariat.username
    assert AuditEvent.objects.filter(action="registry.membership.save", actor=secretariat).exists()


def test_import_endpoint_rejects_the_whole_file_naming_the_row(client, registry):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = member(Role.ADMIN, Mechanism.objects.get(slug="colombo-process").organisation)
    client.force_login(admin)
    content = (
        "mechanism,iso3,role,source\n"
        "colombo-process,KHM,member,https://example.org/1\n"
        "colombo-process,ZZZ,member,https://example.org/2\n"
    )
    before = Membership.objects.filter(origin="import").count()
    response = client.post(
        f"{API}/memberships/import", {"file": SimpleUploadedFile("m.csv", content.encode())}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == [
        {"field": "iso3", "location": "m.csv, row 3", "message": "unknown ISO3 code 'ZZZ'"}
    ]
    assert Membership.objects.filter(origin="import").count() == before


def test_anonymous_writes_are_refused(client, registry):
    response = client.put(
        f"{API}/mechanisms/colombo-process/members/KHM",
        {"source": "x"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/countries", 3),
        ("/countries/MAR", 8),
        ("/countries/USA", 8),
        ("/mechanisms", 3),
        ("/mechanisms/bali-process", 10),
        ("/mechanisms/prague-process", 10),
        ("/organisations", 3),
        ("/organisations/eca", 6),
        ("/matrix", 4),
        ("/network", 4),
        ("/world", 4),
        ("/answers/outside-rcps", 3),
        ("/answers/overlap?a=prague-process&b=budapest-process", 4),
        ("/answers/covering?item=objective:6", 8),
    ],
)
def test_query_counts_are_bounded(client, registry, django_assert_max_num_queries, path, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(f"{API}{path}")
    assert response.status_code == 200

"""Registry pages: each renders, links its JSON twin, stays within its query budget."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gcmhub.accounts.models import Role
from gcmhub.accounts.tests.factories import OrganisationFactory, member
from gcmhub.registry.models import Mechanism, Membership

pytestmark = pytest.mark.django_db

PAGES = [
    ("/en/registry/", 6, "/api/v1/registry/mechanisms"),
    ("/en/registry/countries/", 8, "/api/v1/registry/countries"),
    ("/en/registry/countries/?group=sids&sort=mechanisms", 8, "/api/v1/registry/countries"),
    ("/en/registry/countries/MAR/", 10, "/api/v1/registry/countries/MAR"),
    ("/en/registry/mechanisms/", 8, "/api/v1/registry/mechanisms"),
    ("/en/registry/mechanisms/?type=rcp&focus=objective:6", 12, "/api/v1/registry/mechanisms"),
    ("/en/registry/mechanisms/bali-process/", 12, "/api/v1/registry/mechanisms/bali-process"),
    ("/en/registry/mechanisms/almaty-process/history/", 14, "/history"),
    ("/en/registry/organisations/", 6, "/api/v1/registry/organisations"),
    ("/en/registry/organisations/eca/", 8, "/api/v1/registry/organisations/eca"),
    ("/en/registry/matrix/", 6, "/api/v1/registry/matrix"),
    ("/en/registry/network/", 6, "/api/v1/registry/network"),
    ("/en/registry/map/", 6, "/api/v1/registry/world"),
    ("/en/registry/answers/?item=objective:6&a=prague-process&b=budapest-process", 16, "/api/"),
]


@pytest.mark.parametrize(("url", "limit", "twin"), PAGES)
def test_pages_render_within_their_query_budget(
    client, registry, django_assert_max_num_queries, url, limit, twin
):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'rel="alternate" type="application/json"' in html and twin in html


def test_mechanism_page_shows_map_disclaimer_members_and_the_disagreement(client, registry):
    html = client.get("/en/registry/mechanisms/almaty-process/").content.decode()
    assert "do not imply official endorsement or acceptance by the United Nations" in html
    assert 'id="mechanism-map"' in html and "countries-50m.json" in html
    assert 'data-iso3="TKM"' in html and "unhcr.org" in html


def test_country_page_lists_mechanisms_and_the_vote(client, registry):
    html = client.get("/en/registry/countries/HUN/").content.decode()
    assert 'data-mechanism="budapest-process"' in html
    assert "Against" in html


def test_translated_names_appear_in_other_languages(client, registry):
    html = client.get("/fr/registry/countries/MAR/").content.decode()
    assert "Maroc" in html


def test_page_exports(client, registry):
    for url in (
        "/en/registry/countries/?format=xlsx",
        "/en/registry/mechanisms/?format=csv&type=irf",
        "/en/registry/organisations/?format=json",
        "/en/registry/memberships/export/?format=csv&mechanism=colombo-process",
    ):
        response = client.get(url)
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert client.get("/en/registry/countries/?format=pdf").status_code == 422


def test_unknown_codes_are_404(client, registry):
    assert client.get("/en/registry/countries/QQQ/").status_code == 404
    assert client.get("/en/registry/mechanisms/no-such-process/").status_code == 404


def test_edit_form_for_the_secretariat_and_refusal_for_others(client, registry):
    mechanism = Mechanism.objects.get(slug="colombo-process")
    client.force_login(member(Role.ADMIN, OrganisationFactory()))
    assert client.get("/en/registry/mechanisms/colombo-process/members/KHM/").status_code == 403
    assert (
        client.post(
            "/en/registry/mechanisms/colombo-process/members/KHM/",
            {"role": "member", "source": "https://x.example", "iso3": "KHM"},
        ).status_code
        == 403
    )
    client.force_login(member(Role.SECRETARIAT, mechanism.organisation))
    page = client.get("/en/registry/mechanisms/colombo-process/")
    assert b"/members/KHM/" in page.content
    row = Membership.objects.get(mechanism=mechanism, area__iso3="KHM", primary=True)
    form = {
        "iso3": "KHM",
        "role": "member",
        "certainty": "confirmed",
        "source": "https://example.org/minutes",
        "note": "",
        "joined": "2007",
        "left": "",
        "version": str(row.version),
    }
    saved = client.post("/en/registry/mechanisms/colombo-process/members/KHM/", form)
    assert saved.status_code == 302
    stale = client.post(
        "/en/registry/mechanisms/colombo-process/members/KHM/", {**form, "joined": "2009"}
    )
    assert stale.status_code == 409
    assert b"2007" in stale.content and b"2009" in stale.content
    bad = client.post(
        "/en/registry/mechanisms/colombo-process/members/KHM/",
        {**form, "joined": "07/2007", "version": str(row.version + 1)},
    )
    assert bad.status_code == 422 and b"YYYY" in bad.content
    row.refresh_from_db()
    assert row.joined == "2007"


def test_add_member_page(client, registry):
    mechanism = Mechanism.objects.get(slug="puebla-process")
    client.force_login(member(Role.SECRETARIAT, mechanism.organisation))
    response = client.post(
        "/en/registry/mechanisms/puebla-process/members/add/",
        {
            "iso3": "CUB",
            "role": "observer",
            "certainty": "uncertain",
            "source": "https://x.example",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.get(mechanism=mechanism, area__iso3="CUB").role == "observer"


def test_import_page_lists_every_row_error_and_saves_nothing(client, registry):
    client.force_login(member(Role.SECRETARIAT, Mechanism.objects.get(slug="pidc").organisation))
    content = (
        "mechanism,iso3,role,joined,source\n"
        "pidc,ASM,member,2024,https://example.org/communique\n"
        "pidc,ASM,member,2024,https://example.org/communique\n"
        "pidc,TKL,member,24,https://example.org/communique\n"
    )
    before = Membership.objects.count()
    response = client.post(
        "/en/registry/memberships/import/",
        {"file": SimpleUploadedFile("pidc.csv", content.encode())},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "pidc.csv, row 3" in html and "pidc.csv, row 4" in html
    assert Membership.objects.count() == before
    good = content.splitlines()[:2]
    response = client.post(
        "/en/registry/memberships/import/",
        {"file": SimpleUploadedFile("pidc.csv", "\n".join(good).encode())},
    )
    assert response.status_code == 200
    assert Membership.objects.count() == before + 1


def test_import_needs_login(client, registry):
    response = client.get("/en/registry/memberships/import/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_adding_an_area_already_listed_is_refused_and_the_url_decides_what_is_edited(
    client, registry
):
    mechanism = Mechanism.objects.get(slug="puebla-process")
    client.force_login(member(Role.SECRETARIAT, mechanism.organisation))
    form = {"role": "member", "certainty": "confirmed", "source": "https://x.example"}
    again = client.post(
        "/en/registry/mechanisms/puebla-process/members/add/", {**form, "iso3": "MEX"}
    )
    assert again.status_code == 409 and b"already in the list" in again.content
    tampered = client.post(
        "/en/registry/mechanisms/puebla-process/members/CAN/", {**form, "iso3": "USA", "note": "x"}
    )
    assert tampered.status_code == 302
    assert Membership.objects.get(mechanism=mechanism, area__iso3="CAN", primary=True).note == "x"
    assert Membership.objects.get(mechanism=mechanism, area__iso3="USA", primary=True).note == ""


def test_answers_page_reports_unknown_inputs_in_place(client, registry):
    response = client.get("/en/registry/answers/?item=objective:99&a=x&b=colombo-process")
    assert response.status_code == 200
    assert (
        b"No framework item" in response.content
        and b"No consultation mechanism" in response.content
    )

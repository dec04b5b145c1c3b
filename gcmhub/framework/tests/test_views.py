from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.mark.parametrize(
    "url,json_twin",
    [
        ("/en/", "/api/v1/framework/objectives"),
        ("/en/framework/", "/api/v1/framework/kinds"),
        ("/en/framework/objectives/", "/api/v1/framework/items?kind=objective"),
        ("/en/framework/objectives/23/", "/api/v1/framework/objectives/23"),
        ("/en/framework/principles/j/", "/api/v1/framework/items/principle/j"),
        ("/en/framework/sdg-targets/10.7/", "/api/v1/framework/items/sdg_target/10.7"),
        ("/en/framework/sdg-indicators/10.7.2/", "/api/v1/framework/items/sdg_indicator/10.7.2"),
        ("/en/framework/round-tables/2/", "/api/v1/framework/items/round_table/2"),
        ("/en/framework/dates/", "/api/v1/framework/key-dates"),
    ],
)
def test_pages_link_their_json_twin(client, url, json_twin, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<link rel="alternate" type="application/json" href="{json_twin}">' in html.replace(
        "&amp;", "&"
    )
    assert client.get(json_twin).status_code == 200


def test_objective_page_shows_principles_round_table_and_sdg_links(client):
    html = client.get("/en/framework/objectives/20/").content.decode()
    assert "Promote faster, safer and cheaper transfer of remittances" in html
    assert "Whole-of-society approach" in html
    assert "/en/framework/sdg-targets/10.c/" in html
    assert "/en/framework/round-tables/3/" in html


def test_root_redirects_by_browser_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9").headers["Location"] == "/es/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ar").headers["Location"] == "/ar/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de").headers["Location"] == "/en/"


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ar", "ru", "zh"])
def test_every_un_language_serves_pages(client, lang):
    response = client.get(f"/{lang}/framework/objectives/23/")
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.content.decode()


def test_arabic_pages_are_right_to_left(client):
    html = client.get("/ar/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert '<html lang="fr" dir="ltr">' in client.get("/fr/").content.decode()


def test_interface_is_translated(client):
    assert "Rechercher" in client.get("/fr/").content.decode()
    assert "Buscar" in client.get("/es/").content.decode()
    assert "بحث" in client.get("/ar/").content.decode()


def test_search_page_shows_results_and_errors(client):
    html = client.get("/en/framework/search/?q=remittances").content.decode()
    assert "/en/framework/objectives/20/" in html
    assert "<mark>" in html
    response = client.get("/en/framework/search/?q=%21%21")
    assert response.status_code == 400
    assert "no words" in response.content.decode()


def test_search_page_partial_for_htmx(client):
    response = client.get("/en/framework/search/?q=detention", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "/en/framework/objectives/13/" in html


def test_unknown_items_are_404_pages(client):
    assert client.get("/en/framework/objectives/99/").status_code == 404
    assert client.get("/en/framework/objectives/x/").status_code == 404
    assert client.get("/en/framework/planets/1/").status_code == 404


def test_language_switch_keeps_the_page(client):
    response = client.post(
        "/i18n/setlang/", {"language": "ar", "next": "/en/framework/objectives/23/"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/ar/framework/objectives/23/"

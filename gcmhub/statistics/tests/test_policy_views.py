"""SDG 10.7.2 pages and API: world table and map, a State's history, the entry form with its
errors and conflicts, the CSV import, and the JSON twins."""

from __future__ import annotations

import csv
import io
import json
from typing import cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gcmhub.accounts.models import Organisation, OrganisationKind, Role, User
from gcmhub.accounts.tests.factories import AdminFactory, OrganisationFactory, member
from gcmhub.registry.models import Area
from gcmhub.statistics import policy, services
from gcmhub.statistics.models import PolicyAssessment

pytestmark = pytest.mark.django_db

WORLD = "/en/statistics/sdg-10-7-2/"
API = "/api/v1/statistics/sdg-10-7-2"
DOMAIN_1 = ("1a", "1b", "1c", "1d", "1e")


def answers(default: str = "yes", **overrides: str) -> dict[str, str]:
    out = dict.fromkeys(policy.CODES, default)
    out.update(overrides)
    return out


def focal_point(iso3: str) -> User:
    org = cast(Organisation, OrganisationFactory(kind=OrganisationKind.STATE, country_iso3=iso3))
    return member(Role.FOCAL_POINT, org)


@pytest.fixture
def recorded(registry):
    """Morocco 2019 (meets) and 2021 (fully meets), Tunisia 2021 (requires further progress),
    France 2020 (partially meets)."""
    admin = AdminFactory()
    area = {a.iso3: a for a in Area.objects.filter(iso3__in=["MAR", "TUN", "FRA"])}

    def save(iso3, year, given, source=""):
        services.assessment_save(by=admin, area=area[iso3], year=year, answers=given, source=source)

    save("MAR", 2019, answers(**dict.fromkeys(DOMAIN_1, "yes_legal")), "UN Inquiry 2019")
    save("MAR", 2021, answers())
    save("TUN", 2021, answers("no"))
    given = answers("no")
    for code in policy.CODES[:15]:
        given[code] = "yes"
    save("FRA", 2020, given)
    return area


def test_world_page_table_map_and_twin(client, recorded):
    response = client.get(WORLD)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'rel="alternate" type="application/json" href="{API}"' in html
    assert "3 States, latest year recorded" in html
    assert "Morocco" in html and "Tunisia" in html and "France" in html
    assert 'id="policy-map-data"' in html and 'data-map-url="' in html
    assert "do not imply official endorsement" in html
    map_data = response.context["data"]["map"]
    by_iso3 = {p["iso3"]: p for p in map_data}
    assert by_iso3["MAR"] == {
        "m49": "504", "iso3": "MAR", "name": "Morocco", "value": 4, "label": "Fully meets",
    }  # fmt: skip
    assert by_iso3["TUN"]["value"] == 1 and by_iso3["FRA"]["value"] == 2
    levels = {lv["level"]: lv["count"] for lv in response.context["data"]["levels"]}
    assert levels == {1: 1, 2: 1, 3: 0, 4: 1}
    # Only the latest year of each State is in the table.
    rows = [(r["iso3"], r["year"]) for r in response.context["data"]["results"]]
    assert rows == [("FRA", 2020), ("MAR", 2021), ("TUN", 2021)]


def test_world_filters(client, recorded):
    html = client.get(f"{WORLD}?level=1").content.decode()
    assert "1 State, latest year recorded" in html and "Tunisia" in html
    assert 'href="/en/statistics/sdg-10-7-2/MAR/"' not in html
    # Northern Africa (M49 015) holds Morocco and Tunisia, not France.
    response = client.get(f"{WORLD}?region=015")
    assert [r["iso3"] for r in response.context["data"]["results"]] == ["MAR", "TUN"]
    assert f'href="{API}?region=015"' in response.content.decode()
    assert client.get(f"{WORLD}?level=7").status_code == 422
    assert client.get(f"{WORLD}?level=high").status_code == 422
    assert client.get(f"{WORLD}?region=999").status_code == 422


def test_world_page_without_results(client, registry):
    html = client.get(WORLD).content.decode()
    assert "No results are recorded yet." in html


def test_country_page_history(client, recorded):
    response = client.get("/en/statistics/sdg-10-7-2/MAR/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{API}/MAR"' in html
    assert "In 2021 the overall score was 100 out of 100" in html
    assert 'id="year-2019"' in html and 'id="year-2021"' in html
    assert "Yes, only for those with legal immigration status" in html
    assert "UN Inquiry 2019" in html
    assert "Open the form" not in html  # anonymous: no entry form
    assert client.get("/en/statistics/sdg-10-7-2/mar/").status_code == 302
    assert client.get("/en/statistics/sdg-10-7-2/XYZ/").status_code == 404


def test_country_page_offers_the_form_to_editors(client, recorded):
    client.force_login(focal_point("MAR"))
    html = client.get("/en/statistics/sdg-10-7-2/MAR/").content.decode()
    assert "Open the form" in html and "/en/statistics/sdg-10-7-2/MAR/2019/edit/" in html
    response = client.get("/en/statistics/sdg-10-7-2/MAR/?year=2022")
    assert response.status_code == 302
    assert response["Location"] == "/en/statistics/sdg-10-7-2/MAR/2022/edit/"


def test_edit_form_round_trip(client, registry):
    client.force_login(focal_point("MAR"))
    url = "/en/statistics/sdg-10-7-2/MAR/2022/edit/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('type="radio"') == 5 * 3 + 25 * 2
    assert 'id="f-1a"' in html and 'name="csrfmiddlewaretoken"' in html
    assert "Saved scores" not in html

    form = {**answers(**dict.fromkeys(DOMAIN_1, "yes_legal")), "source": "Inquiry", "version": ""}
    response = client.post(url, form, follow=True)
    assert response.redirect_chain == [(url, 302)]
    html = response.content.decode()
    assert "The answers were saved and scored." in html
    assert "Saved scores" in html and "91.67" in html and "Meets" in html
    assert 'value="yes_legal" checked' in html
    saved = PolicyAssessment.objects.get(area__iso3="MAR", year=2022)
    assert saved.version == 1 and saved.level == 3

    # Saving again with the version read updates it.
    response = client.post(url, {**answers("no"), "source": "Inquiry", "version": "1"})
    assert response.status_code == 302
    assert PolicyAssessment.objects.get(pk=saved.pk).version == 2


def test_edit_form_lists_missing_and_invalid_answers(client, registry):
    client.force_login(focal_point("MAR"))
    url = "/en/statistics/sdg-10-7-2/MAR/2022/edit/"
    form = answers(**{"2a": "yes_legal"})
    del form["6e"]
    response = client.post(url, {**form, "version": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert "The answers were not saved" in html
    assert 'href="#f-6e"' in html and 'href="#f-2a"' in html
    assert 'id="f-6e" aria-invalid="true"' in html
    assert not PolicyAssessment.objects.exists()


def test_edit_form_conflict(client, registry):
    user = focal_point("MAR")
    area = Area.objects.get(iso3="MAR")
    services.assessment_save(by=user, area=area, year=2022, answers=answers())
    services.assessment_save(
        by=AdminFactory(), area=area, year=2022, answers=answers("no"), version=1
    )
    client.force_login(user)
    url = "/en/statistics/sdg-10-7-2/MAR/2022/edit/"
    response = client.post(url, {**answers(), "source": "Mine", "version": "1"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved these answers after you opened them" in html
    assert "Save my version" in html and 'name="version" value="2"' in html
    assert 'class="differs"' in html
    assert PolicyAssessment.objects.get().overall == 0.0
    # Saving again over their version keeps mine.
    response = client.post(url, {**answers(), "source": "Mine", "version": "2"})
    assert response.status_code == 302
    assert PolicyAssessment.objects.get().overall == 100.0


def test_edit_form_permissions(client, registry):
    url = "/en/statistics/sdg-10-7-2/MAR/2022/edit/"
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(focal_point("TUN"))
    assert client.get(url).status_code == 403
    assert client.post(url, {**answers(), "version": ""}).status_code == 403
    client.force_login(focal_point("MAR"))
    assert client.get("/en/statistics/sdg-10-7-2/MAR/2014/edit/").status_code == 404
    assert not PolicyAssessment.objects.exists()


def _csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["iso3", "year", *policy.CODES, "source"])
    for iso3, year, default in rows:
        writer.writerow([iso3, year, *[default] * 30, "Inquiry"])
    return out.getvalue().encode()


def test_import_page(client, registry):
    url = "/en/statistics/sdg-10-7-2/import/"
    client.force_login(focal_point("MAR"))
    assert client.get(url).status_code == 403
    client.force_login(AdminFactory())
    html = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in html and "template.csv" in html

    upload = SimpleUploadedFile("answers.csv", _csv([("MAR", "2020", "yes")]), "text/csv")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Import finished" in html and "answers.csv was imported: 1 added" in html
    assert PolicyAssessment.objects.get().level == 4

    bad = SimpleUploadedFile("bad.csv", _csv([("MAR", "2020", "no"), ("XXX", "1999", "x")]))
    response = client.post(url, {"file": bad})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was imported" in html and "bad.csv, row 3" in html
    assert PolicyAssessment.objects.get().level == 4

    assert client.post(url, {}).status_code == 422


def test_import_template(client):
    response = client.get("/en/statistics/sdg-10-7-2/import/template.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header, example = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == ["iso3", "year", *policy.CODES, "source"]
    assert example[0] == "MAR" and example[2] == "yes_legal"


# --- API ----------------------------------------------------------------------------------------


def test_api_world_and_filters(client, recorded):
    data = client.get(API).json()
    assert data["count"] == 3 and {r["iso3"] for r in data["results"]} == {"MAR", "TUN", "FRA"}
    mar = next(r for r in data["results"] if r["iso3"] == "MAR")
    assert mar["year"] == 2021 and mar["level"] == 4 and mar["level_label"] == "Fully meets"
    assert [d["code"] for d in mar["domains"]] == [f"PD_{n}" for n in range(1, 7)]
    assert {"m49": "504", "iso3": "MAR", "name": "Morocco", "value": 4,
            "label": "Fully meets"} in data["map"]  # fmt: skip
    assert data["disclaimer"].startswith("The boundaries")
    data = client.get(f"{API}?level=2").json()
    assert [r["iso3"] for r in data["results"]] == ["FRA"] and data["filters"] == {"level": "2"}
    data = client.get(f"{API}?region=015").json()
    assert [r["iso3"] for r in data["results"]] == ["MAR", "TUN"]
    assert client.get(f"{API}?level=9").status_code == 422


def test_api_history(client, recorded):
    data = client.get(f"{API}/MAR").json()
    assert data["area"]["iso3"] == "MAR" and data["latest"]["year"] == 2021
    assert [r["year"] for r in data["results"]] == [2021, 2019]
    first = data["results"][1]
    assert first["overall"] == 91.67 and first["level"] == 3
    assert first["domains"][0]["score"] == 50.0 and first["domains"][0]["level"] == 2
    answer = first["answers"][0]
    assert answer["code"] == "1a" and answer["answer"] == "yes_legal" and answer["value"] == 0.5
    assert client.get(f"{API}/XYZ").status_code == 404


def _put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


def test_api_save(client, registry):
    url = f"{API}/MAR/2022"
    assert _put(client, url, {"answers": answers()}).status_code == 401
    client.force_login(focal_point("TUN"))
    assert _put(client, url, {"answers": answers()}).status_code == 403
    client.force_login(focal_point("MAR"))
    created = _put(client, url, {"answers": answers(), "source": "API"})
    assert created.status_code == 201
    assert created.json()["level"] == 4 and created.json()["version"] == 1
    stale = _put(client, url, {"answers": answers("no")})
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 1
    changed = _put(client, url, {"answers": answers("no"), "version": 1})
    assert changed.status_code == 200 and changed.json()["overall"] == 0.0
    bad = _put(client, url, {"answers": {"1a": "maybe"}, "version": 2})
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert "1a" in fields and "6e" in fields and len(fields) == 30
    assert _put(client, f"{API}/MAR/2030", {"answers": answers()}).status_code == 422

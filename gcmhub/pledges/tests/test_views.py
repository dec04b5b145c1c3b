"""Pledge pages: dashboard, detail, the forms with their errors and conflicts, exports."""

from __future__ import annotations

import datetime as dt

import pytest

from gcmhub.accounts.models import Role
from gcmhub.accounts.tests.factories import OrganisationFactory, member
from gcmhub.pledges.models import Pledge
from gcmhub.pledges.tests.factories import DESCRIPTION, make_pledge

pytestmark = pytest.mark.django_db


def _form(org, **overrides):
    data = {
        "organisation": org.slug,
        "title": "Ethical recruitment pledge",
        "description": DESCRIPTION,
        "kind": "individual",
        "type": "policy",
        "objectives": ["6"],
        "leads": [f"org:{org.slug}"],
        "start_year": "2023",
        "end_year": "2026",
        "year": "2022",
    }
    data.update(overrides)
    return data


def test_dashboard_renders_counts_charts_list_and_twin(client, django_assert_max_num_queries):
    org = OrganisationFactory()
    for n in range(5):
        make_pledge(org, title=f"Pledge {n}", is_sample=n == 0, type="financial")
    with django_assert_max_num_queries(20):
        response = client.get("/en/pledges/?type=financial")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'rel="alternate" type="application/json" href="/api/v1/pledges?type=financial"' in html
    assert 'id="pledge-charts"' in html and "gcmhub/pledges.js" in html
    assert "vendor/echarts.min.js" in html
    assert "Pledge 4" in html and "Sample data" in html
    assert "5 pledges" in html


def test_dashboard_query_count_does_not_grow(client, django_assert_max_num_queries):
    org = OrganisationFactory()
    for n in range(60):
        make_pledge(org, objectives=[str(1 + n % 23)])
    with django_assert_max_num_queries(20):
        response = client.get("/en/pledges/?page=2&objective=7")
    assert response.status_code == 200


def test_dashboard_paginates(client):
    org = OrganisationFactory()
    for n in range(55):
        make_pledge(org, title=f"Pledge {n:02d}")
    html = client.get("/en/pledges/").content.decode()
    assert "Page 1 of 2" in html and 'rel="next"' in html and "Pledge 54" in html
    html = client.get("/en/pledges/?page=2").content.decode()
    assert "Pledge 00" in html and "Pledge 54" not in html


def test_dashboard_exports_and_bad_filters(client):
    make_pledge(title="Exported")
    for fmt in ("csv", "xlsx", "json"):
        response = client.get(f"/en/pledges/?format={fmt}")
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert client.get("/en/pledges/?format=pdf").status_code == 422
    assert client.get("/en/pledges/?status=finished").status_code == 422
    assert client.get("/en/pledges/?year=soon").status_code == 422


def test_detail_page(client):
    p = make_pledge(is_sample=True, title="Visible pledge")
    response = client.get(f"/en/pledges/{p.pk}/")
    html = response.content.decode()
    assert response.status_code == 200 and "Visible pledge" in html
    assert f'href="/api/v1/pledges/{p.pk}"' in html and "Sample data" in html
    assert "Change the pledge" not in html
    hidden = make_pledge(published=False)
    assert client.get(f"/en/pledges/{hidden.pk}/").status_code == 404


def test_create_form_saves_and_reports_every_error(client):
    org = OrganisationFactory()
    client.force_login(member(Role.FOCAL_POINT, org))
    page = client.get("/en/pledges/new/")
    assert page.status_code == 200 and f'value="{org.slug}" selected' in page.content.decode()
    bad = client.post(
        "/en/pledges/new/", _form(org, description="too short", end_year="2020", type="")
    )
    assert bad.status_code == 422
    html = bad.content.decode()
    assert 'class="error-summary"' in html and 'href="#f-description"' in html
    assert 'href="#f-end_year"' in html and 'href="#f-type"' in html
    assert 'id="f-description"' in html and 'aria-invalid="true"' in html
    assert not Pledge.objects.exists()
    ok = client.post("/en/pledges/new/", _form(org))
    pledge = Pledge.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/en/pledges/{pledge.pk}/"
    assert pledge.pledgers.get().organisation == org


def test_create_form_refuses_outsiders(client):
    org = OrganisationFactory()
    client.force_login(member(Role.ADMIN, OrganisationFactory()))
    assert client.post("/en/pledges/new/", _form(org)).status_code == 403
    assert not Pledge.objects.exists()
    client.logout()
    assert client.get("/en/pledges/new/").status_code == 302  # to the login page


def test_edit_form_and_conflict(client):
    org = OrganisationFactory()
    client.force_login(member(Role.ADMIN, org))
    client.post("/en/pledges/new/", _form(org))
    pledge = Pledge.objects.get()
    page = client.get(f"/en/pledges/{pledge.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in page and "Ethical recruitment pledge" in page
    saved = client.post(f"/en/pledges/{pledge.pk}/edit/", _form(org, title="Mine", version="1"))
    assert saved.status_code == 302
    stale = client.post(f"/en/pledges/{pledge.pk}/edit/", _form(org, title="Stale", version="1"))
    assert stale.status_code == 409
    html = stale.content.decode()
    assert 'class="conflict"' in html and "Mine" in html and 'name="version" value="2"' in html
    assert Pledge.objects.get().title == "Mine"


def test_edit_refused_for_viewers(client):
    org = OrganisationFactory()
    p = make_pledge(org)
    client.force_login(member(Role.VIEWER, org))
    assert client.get(f"/en/pledges/{p.pk}/edit/").status_code == 403
    assert client.post(f"/en/pledges/{p.pk}/publish/", {"published": "0"}).status_code == 403


def test_status_form_and_publish(client):
    org = OrganisationFactory()
    p = make_pledge(org, published=False)
    client.force_login(member(Role.SECRETARIAT, org))
    bad = client.post(f"/en/pledges/{p.pk}/status/", {"status": "achieved", "date": "not a date"})
    assert bad.status_code == 422 and 'href="#f-date"' in bad.content.decode()
    missing = client.post(
        f"/en/pledges/{p.pk}/status/", {"status": "achieved", "date": dt.date.today().isoformat()}
    )
    assert missing.status_code == 422 and 'href="#f-evidence"' in missing.content.decode()
    ok = client.post(
        f"/en/pledges/{p.pk}/status/",
        {"status": "achieved", "date": dt.date.today().isoformat(), "evidence": "Report out."},
    )
    assert ok.status_code == 302
    assert client.post(f"/en/pledges/{p.pk}/publish/", {"published": "1"}).status_code == 302
    p.refresh_from_db()
    assert p.status == "achieved" and p.published
    html = client.get(f"/en/pledges/{p.pk}/").content.decode()
    assert "Report out." in html and "Withdraw from public view" in html

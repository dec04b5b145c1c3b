"""Review pages: who may open and post what."""

from __future__ import annotations

import pytest

from gcmhub.reviews.models import NationalReview, ReviewSection
from gcmhub.reviews.tests.conftest import OPEN, save

pytestmark = pytest.mark.django_db
BASE = f"/en/reviews/national/{OPEN}/PRT/"


def test_public_pages_render(client, cast, published):
    for url in (
        "/en/reviews/",
        f"/en/reviews/cycles/{OPEN}/",
        "/en/reviews/national/",
        BASE,
        f"{BASE}sections/7/history/",
        f"/en/reviews/coverage/?cycle={OPEN}",
        f"/en/reviews/synthesis/?cycle={OPEN}&commission=ece",
        f"/en/reviews/synthesis/global/?cycle={OPEN}",
        "/en/reviews/compare/?iso3=PRT",
        "/en/reviews/inputs/",
        "/en/registry/countries/PRT/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(BASE).content.decode()
    assert "Mobile consular teams." in page
    assert 'class="edit"' not in page
    matrix = client.get(f"/en/reviews/coverage/?cycle={OPEN}").content.decode()
    assert f'href="/en/reviews/national/{OPEN}/PRT/"' in matrix


def test_a_focal_point_starts_edits_and_submits_in_pages(client, cast):
    client.force_login(cast.focal_point)
    started = client.post("/en/reviews/national/start/", {"cycle": OPEN, "iso3": "PRT"})
    assert started.status_code == 302 and started["Location"].endswith(BASE)
    form = client.get(f"{BASE}sections/7/")
    assert form.status_code == 200
    saved = client.post(
        f"{BASE}sections/7/",
        {"version": "0", "status": "planned", "actions": "A plan.", "sdg_targets": ["10.7"]},
    )
    assert saved.status_code == 302
    section = ReviewSection.objects.get(
        review__area__iso3="PRT", item__code="7", item__kind="objective"
    )
    assert (section.status, section.sdg_targets) == ("planned", ["10.7"])
    client.post(f"{BASE}step/", {"action": "submit"})
    assert NationalReview.objects.get().status == "submitted"


def test_a_stale_form_shows_both_versions_and_keeps_the_text(client, cast, review):
    save(cast.focal_point, actions="Saved first.")
    client.force_login(cast.focal_point)
    response = client.post(
        f"{BASE}sections/7/", {"version": "0", "status": "planned", "actions": "My unsaved words."}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this section" in page
    assert "Saved first." in page and "My unsaved words." in page
    assert (
        ReviewSection.objects.get(review=review, item__code="7", item__kind="objective").actions
        == "Saved first."
    )


def test_bad_input_in_the_form_is_reported_in_place(client, cast, review):
    client.force_login(cast.focal_point)
    response = client.post(f"{BASE}sections/7/", {"version": "0", "status": "finished"})
    assert response.status_code == 422
    assert 'href="#f-status"' in response.content.decode()


@pytest.mark.parametrize("who", ["other_focal_point", "reviewer", "viewer"])
def test_others_are_refused_the_edit_form(client, cast, review, who):
    client.force_login(getattr(cast, who))
    status = client.get(f"{BASE}sections/7/").status_code
    assert status in (403, 404)  # 404 where the draft itself is hidden from them
    assert client.post(f"{BASE}sections/7/", {"version": "0", "status": "planned"}).status_code in (
        403,
        404,
    )
    assert (
        ReviewSection.objects.get(review=review, item__code="7", item__kind="objective").version
        == 0
    )


def test_visitors_do_not_see_drafts_and_must_log_in_to_write(client, cast, review):
    assert client.get(BASE).status_code == 404
    response = client.get(f"{BASE}sections/7/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reviewers_return_and_publish_in_pages(client, cast, review):
    save(cast.focal_point)
    client.force_login(cast.focal_point)
    client.post(f"{BASE}step/", {"action": "submit"})
    client.force_login(cast.reviewer)
    page = client.get(BASE).content.decode()
    assert 'value="return"' in page and 'value="validate"' in page
    client.post(f"{BASE}step/", {"action": "return", "comment": "Please add figures."})
    client.force_login(cast.focal_point)
    page = client.get(BASE).content.decode()
    assert "Returned by the reviewers" in page and "Please add figures." in page


def test_exports_of_the_syntheses(client, cast, published):
    csv = client.get(f"/en/reviews/coverage/?cycle={OPEN}&format=csv")
    assert csv["Content-Disposition"] == f'attachment; filename="coverage-{OPEN}.csv"'
    xlsx = client.get(f"/en/reviews/synthesis/?cycle={OPEN}&commission=ece&format=xlsx")
    assert xlsx.content[:2] == b"PK"
    reviews = client.get("/en/reviews/national/?format=csv").content.decode("utf-8-sig")
    assert "PRT" in reviews


def test_sample_reviews_are_labelled_wherever_they_are_counted(client, cast, published):
    NationalReview.objects.filter(pk=published.pk).update(is_sample=True)
    for url in (
        f"/en/reviews/coverage/?cycle={OPEN}",
        f"/en/reviews/synthesis/?cycle={OPEN}&commission=ece",
        BASE,
        "/en/reviews/national/",
    ):
        assert "Sample data" in client.get(url).content.decode(), url
    api = client.get(f"/api/v1/reviews/coverage?cycle={OPEN}").json()
    assert api["sample_reviews"] == 1

"""Review cycles, national reviews, sections, workflow, attachments and stakeholder inputs."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.storage import default_storage

from gcmhub.accounts.models import Organisation, OrganisationKind, Role
from gcmhub.accounts.tests.factories import AdminFactory, OrganisationFactory, UserFactory, member
from gcmhub.common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gcmhub.common.models import AuditEvent
from gcmhub.reviews import services
from gcmhub.reviews.models import (
    Attachment,
    CycleEvent,
    NationalReview,
    ReviewCycle,
    ReviewSection,
    SectionVersion,
    StakeholderInput,
)
from gcmhub.reviews.reference import read_cycles
from gcmhub.reviews.tests.conftest import OPEN, save

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx(extra: bytes = b"") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>" + extra.decode())
    return buf.getvalue()


# --- cycles ------------------------------------------------------------------------------------


def test_cycles_carry_the_reference_dates(registry):
    imrf = ReviewCycle.objects.get(slug="imrf-2022")
    forum = CycleEvent.objects.get(cycle=imrf, title="International Migration Review Forum")
    assert (forum.start, forum.end) == (dt.date(2022, 5, 17), dt.date(2022, 5, 20))
    africa = CycleEvent.objects.get(cycle__slug="regional-2020-2021", commission__slug="eca")
    assert africa.start == dt.date(2021, 8, 31)
    assert imrf.status(dt.date(2026, 11, 24)) == "closed"
    assert ReviewCycle.objects.get(slug=OPEN).status(dt.date(2026, 11, 24)) == "open"
    assert imrf.organiser.slug == "un-network-on-migration"
    assert ReviewCycle.objects.filter(reference_key__gt="").count() == len(read_cycles().cycles)


def test_loading_the_cycles_again_changes_nothing(registry):
    before = AuditEvent.objects.count()
    report = services.cycles_load(by=None)
    assert report.changes == 0
    assert AuditEvent.objects.count() == before


def test_a_broken_cycle_file_is_reported_with_its_line(registry, tmp_path):
    (tmp_path / "cycles.yaml").write_text(
        'release: "x"\ncycles:\n  - slug: a\n    kind: weekly\n    start_year: 2030\n'
        "    end_year: 2029\n    sources: [s]\n"
    )
    with pytest.raises(InvalidInput) as exc:
        services.cycles_load(by=None, directory=tmp_path)
    fields = {(e.field, e.location) for e in exc.value.errors}
    assert ("kind", "cycles.yaml, line 3") in fields
    assert ("end_year", "cycles.yaml, line 3") in fields


def test_only_platform_admins_reload_cycles(cast):
    with pytest.raises(PermissionDenied):
        services.cycles_load(by=cast.reviewer)
    assert services.cycles_load(by=AdminFactory()).changes == 0


# --- creating a review ---------------------------------------------------------------------------


def test_a_focal_point_starts_the_review_of_their_state(cast, review):
    assert review.organisation == cast.portugal
    sections = ReviewSection.objects.filter(review=review)
    assert sections.count() == 33
    assert sections.filter(item__kind="objective").count() == 23
    assert AuditEvent.objects.filter(action="reviews.review.create").count() == 1


@pytest.mark.parametrize("who", ["other_focal_point", "viewer", "contributor", "reviewer"])
def test_others_may_not_start_a_states_review(cast, who):
    with pytest.raises(PermissionDenied):
        services.review_create(by=getattr(cast, who), cycle_slug=OPEN, iso3="PRT")
    assert not NationalReview.objects.exists()


def test_a_second_review_for_the_same_cycle_is_a_conflict(cast, review):
    with pytest.raises(Conflict):
        services.review_create(by=cast.focal_point, cycle_slug=OPEN, iso3="PRT")


def test_a_closed_cycle_takes_no_new_review(cast):
    with pytest.raises(InvalidInput) as exc:
        services.review_create(by=cast.focal_point, cycle_slug="imrf-2022", iso3="PRT")
    assert exc.value.errors[0].field == "cycle"


def test_a_platform_admin_may_record_a_past_review(cast):
    review = services.review_create(by=AdminFactory(), cycle_slug="imrf-2022", iso3="PRT")
    assert review.organisation == cast.portugal


def test_an_area_that_is_not_a_state_has_no_review(cast):
    with pytest.raises(InvalidInput) as exc:
        services.review_create(by=cast.focal_point, cycle_slug=OPEN, iso3="XXX")
    assert exc.value.errors[0].field == "iso3"


# --- sections ---------------------------------------------------------------------------------


def test_saving_a_section_keeps_every_version(cast, review):
    first = save(cast.focal_point, actions="First text")
    second = save(cast.focal_point, version=first.version, actions="Second text")
    assert second.version == 2
    versions = SectionVersion.objects.filter(section=second).order_by("version")
    assert [v.data["actions"] for v in versions] == ["First text", "Second text"]
    assert AuditEvent.objects.filter(action="reviews.section.save").count() == 2


def test_a_stale_version_is_a_conflict_and_changes_nothing(cast, review):
    save(cast.focal_point, actions="Saved by Ana")
    with pytest.raises(Conflict) as exc:
        save(cast.focal_point, version=0, actions="Saved by Bruno on an old copy")
    assert exc.value.current["actions"] == "Saved by Ana"
    assert exc.value.current["version"] == 1
    section = ReviewSection.objects.get(review=review, item__kind="objective", item__code="7")
    assert (section.actions, section.version) == ("Saved by Ana", 1)
    assert SectionVersion.objects.filter(section=section).count() == 1


def test_bad_section_input_names_each_field_and_saves_nothing(cast, review):
    with pytest.raises(InvalidInput) as exc:
        save(cast.focal_point, status="done", sdg_targets=["99.9"], challenges="x" * 20_001)
    assert {e.field for e in exc.value.errors} == {"status", "sdg_targets", "challenges"}
    assert not SectionVersion.objects.exists()


def test_sdg_targets_are_kept_in_order(cast, review):
    section = save(cast.focal_point, sdg_targets=["17.18", "10.7", "10.c", "10.7"])
    assert section.sdg_targets == ["10.7", "10.c", "17.18"]


def test_contributors_edit_only_the_sections_assigned_to_them(cast, review):
    with pytest.raises(PermissionDenied):
        save(cast.contributor, item="6")
    services.section_assign(
        by=cast.focal_point,
        cycle_slug=OPEN,
        iso3="PRT",
        item="6",
        usernames=[cast.contributor.username],
    )
    assert save(cast.contributor, item="6").version == 1
    with pytest.raises(PermissionDenied):
        save(cast.contributor, item="7")


def test_only_members_of_the_state_can_be_assigned(cast, review):
    with pytest.raises(InvalidInput):
        services.section_assign(
            by=cast.focal_point,
            cycle_slug=OPEN,
            iso3="PRT",
            item="6",
            usernames=[cast.other_focal_point.username],
        )
    with pytest.raises(PermissionDenied):
        services.section_assign(
            by=cast.contributor,
            cycle_slug=OPEN,
            iso3="PRT",
            item="6",
            usernames=[cast.contributor.username],
        )


@pytest.mark.parametrize("who", ["other_focal_point", "viewer", "reviewer", "secretariat"])
def test_a_forged_edit_from_outside_the_authors_is_refused(cast, review, who):
    with pytest.raises(PermissionDenied):
        save(getattr(cast, who))
    assert not SectionVersion.objects.exists()


def test_a_principle_section_is_addressed_as_p_letter(cast, review):
    section = save(cast.focal_point, item="p:j", status="implemented")
    assert (section.item.kind, section.item.code) == ("principle", "j")
    with pytest.raises(NotFound):
        save(cast.focal_point, item="p:z")


# --- the whole review -----------------------------------------------------------------------------


def test_whole_of_government_and_society_lists(cast, review):
    updated = services.review_update(
        by=cast.focal_point,
        cycle_slug=OPEN,
        iso3="PRT",
        version=review.version,
        summary="Portugal's first review.",
        contributors=[services.ContributorInput(body="Ministry of Labour", items=["6", "p:i"])],
        consultations=[
            services.ConsultationInput(category="migrants", method="meeting", held_on="2028-03-01")
        ],
    )
    assert updated.version == review.version + 1
    body = updated.contributors.get()
    assert sorted(i.code for i in body.items.all()) == ["6", "i"]
    assert updated.consultations.get().held_on == dt.date(2028, 3, 1)
    with pytest.raises(Conflict):
        services.review_update(
            by=cast.focal_point, cycle_slug=OPEN, iso3="PRT", version=review.version, summary="x"
        )


def test_bad_lists_name_the_row_and_field(cast, review):
    with pytest.raises(InvalidInput) as exc:
        services.review_update(
            by=cast.focal_point,
            cycle_slug=OPEN,
            iso3="PRT",
            version=review.version,
            contributors=[services.ContributorInput(body="Ministry", kind="club", items=["24"])],
            consultations=[services.ConsultationInput(category="aliens", held_on="March")],
        )
    found = {(e.location, e.field) for e in exc.value.errors}
    assert found == {
        ("contributor 1", "kind"),
        ("contributor 1", "items"),
        ("consultation 1", "category"),
        ("consultation 1", "held_on"),
    }
    review.refresh_from_db()
    assert not review.contributors.exists()


# --- workflow ---------------------------------------------------------------------------------


def _step(user, action, comment=""):
    return services.review_transition(
        by=user, cycle_slug=OPEN, iso3="PRT", action=action, comment=comment
    )


def test_an_empty_review_cannot_be_submitted(cast, review):
    with pytest.raises(InvalidInput) as exc:
        _step(cast.focal_point, "submit")
    assert exc.value.errors[0].field == "sections"


def test_the_whole_workflow_with_a_return(cast, review):
    save(cast.focal_point)
    assert _step(cast.focal_point, "submit").status == "submitted"
    with pytest.raises(Conflict):
        save(cast.focal_point, version=1, actions="after submitting")
    with pytest.raises(InvalidInput):
        _step(cast.reviewer, "return")  # a comment is required
    returned = _step(cast.reviewer, "return", "Objective 7 needs figures.")
    assert returned.status == "returned"
    save(cast.focal_point, version=1, actions="With figures: 120 cases.")
    _step(cast.focal_point, "submit")
    with pytest.raises(Conflict):
        _step(cast.reviewer, "publish")  # must be validated first
    _step(cast.secretariat, "validate")
    with pytest.raises(PermissionDenied):
        _step(cast.secretariat, "publish")  # secretariat validates, reviewers publish
    published = _step(cast.reviewer, "publish")
    assert published.status == "published" and published.published_at is not None
    steps = [s.action for s in published.steps.all()]
    assert steps == ["create", "submit", "return", "submit", "validate", "publish"]
    assert published.steps.get(action="return").comment == "Objective 7 needs figures."


@pytest.mark.parametrize("who", ["far_reviewer", "other_focal_point", "focal_point", "viewer"])
def test_only_the_regions_reviewers_validate(cast, review, who):
    save(cast.focal_point)
    _step(cast.focal_point, "submit")
    with pytest.raises(PermissionDenied):
        _step(getattr(cast, who), "validate")
    review.refresh_from_db()
    assert review.status == "submitted"


def test_only_authors_submit(cast, review):
    save(cast.focal_point)
    for who in (cast.reviewer, cast.contributor, cast.other_focal_point):
        with pytest.raises(PermissionDenied):
            _step(who, "submit")


def test_an_unknown_action_is_refused(cast, review):
    with pytest.raises(InvalidInput) as exc:
        _step(cast.focal_point, "approve")
    assert exc.value.errors[0].field == "action"


# --- attachments -------------------------------------------------------------------------------


def _attach(user, content, name="report.pdf"):
    return services.attachment_add(
        by=user, filename=name, content=content, cycle_slug=OPEN, iso3="PRT"
    )


def test_pdf_and_docx_are_attached_after_checking_their_bytes(cast, review):
    pdf = _attach(cast.focal_point, PDF)
    word = _attach(cast.focal_point, docx(), "annex.docx")
    assert (pdf.kind, word.kind) == ("pdf", "docx")
    assert default_storage.exists(pdf.file.name)
    services.attachment_remove(by=cast.focal_point, pk=pdf.pk)
    assert not Attachment.objects.filter(pk=pdf.pk).exists()


@pytest.mark.parametrize(
    "content, name",
    [
        (b"just some text", "report.pdf"),
        (b"PK\x03\x04 not really a zip", "report.docx"),
        (b"", "empty.pdf"),
        (b"%PDF-1.7\n/Encrypt 5 0 R\n", "locked.pdf"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(cast, review, content, name):
    with pytest.raises(InvalidInput) as exc:
        _attach(cast.focal_point, content, name)
    assert exc.value.errors[0].field == "file"
    assert exc.value.errors[0].location == name
    assert not Attachment.objects.exists()


def test_oversized_and_bomb_uploads_are_refused(cast, review, monkeypatch):
    monkeypatch.setattr(services, "MAX_ATTACHMENT_BYTES", 100)
    with pytest.raises(InvalidInput):
        _attach(cast.focal_point, PDF + b" " * 100)
    monkeypatch.setattr(services, "MAX_ATTACHMENT_BYTES", 10_000_000)
    monkeypatch.setattr(services, "MAX_DOCX_UNCOMPRESSED", 1000)
    with pytest.raises(InvalidInput) as exc:
        _attach(cast.focal_point, docx(b"0" * 5000), "bomb.docx")
    assert "unpacks" in exc.value.errors[0].message
    assert not Attachment.objects.exists()


def test_a_forged_attachment_leaves_no_file(cast, review, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(PermissionDenied):
        _attach(cast.other_focal_point, PDF)
    save(cast.focal_point)
    _step(cast.focal_point, "submit")
    with pytest.raises(Conflict):  # a submitted review is locked: the stored copy is removed
        _attach(cast.focal_point, PDF)
    assert not list(tmp_path.rglob("*.pdf"))


# --- stakeholder inputs -------------------------------------------------------------------------


@pytest.fixture
def network_reviewer(registry):
    return member(Role.REVIEWER, Organisation.objects.get(slug="un-network-on-migration"))


def test_a_stakeholder_input_goes_through_the_same_workflow(cast, network_reviewer):
    ngo = OrganisationFactory(kind=OrganisationKind.STAKEHOLDER)
    author = member(Role.CONTRIBUTOR, ngo)
    data = services.InputData(
        title="Access to services", text="Clinics turn people away.", items=["15", "p:f"]
    )
    record = services.input_create(
        by=author, cycle_slug="imrf-2030", organisation_slug=ngo.slug, data=data
    )
    assert sorted(f"{i.kind}:{i.code}" for i in record.items.all()) == [
        "objective:15",
        "principle:f",
    ]
    with pytest.raises(PermissionDenied):
        services.input_create(
            by=cast.focal_point, cycle_slug="imrf-2030", organisation_slug=ngo.slug, data=data
        )
    with pytest.raises(Conflict):
        services.input_update(by=author, pk=record.pk, data=data, version=0)
    services.input_transition(by=author, pk=record.pk, action="submit")
    with pytest.raises(PermissionDenied):
        services.input_transition(by=cast.reviewer, pk=record.pk, action="validate")
    services.input_transition(by=network_reviewer, pk=record.pk, action="validate")
    done = services.input_transition(by=network_reviewer, pk=record.pk, action="publish")
    assert done.status == "published"


def test_a_regional_input_names_its_regional_review(cast):
    ngo = OrganisationFactory(kind=OrganisationKind.STAKEHOLDER)
    author = member(Role.FOCAL_POINT, ngo)
    with pytest.raises(InvalidInput) as exc:
        services.input_create(
            by=author,
            cycle_slug=OPEN,
            organisation_slug=ngo.slug,
            data=services.InputData(title="", text="", items=["30"]),
        )
    assert {e.field for e in exc.value.errors} == {"title", "text", "items", "commission"}
    assert not StakeholderInput.objects.exists()


def test_anonymous_users_write_nothing(cast, review):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        save(AnonymousUser())
    with pytest.raises(PermissionDenied):
        services.review_create(by=UserFactory(), cycle_slug=OPEN, iso3="ESP")

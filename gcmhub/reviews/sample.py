"""Sample national reviews and stakeholder inputs, for demonstrations and load tests.

Everything made here is marked as sample data: reviews and inputs carry ``is_sample``, and the
organisations and users they belong to have names starting with "Sample" and slugs or usernames
starting with ``sample-``. The generator never touches real records: it refuses to run when a
real review exists for a cycle and country it would fill, and clearing removes sample records
only. Running it again replaces the earlier sample records, so nothing is duplicated.

The same seed gives the same records. The pledges app adds its own part on top of this one
(``gcmhub.pledges.sample``); the ``gcmhub generate-sample`` command runs both.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from gcmhub.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from gcmhub.common.audit import audit_record
from gcmhub.common.errors import Conflict, FieldError, InvalidInput
from gcmhub.framework.models import FrameworkItem
from gcmhub.registry.models import Affiliation, Area, UnStatus
from gcmhub.reviews.models import (
    SAMPLE_PREFIX,
    BodyKind,
    ConsultationMethod,
    CycleKind,
    CycleStatus,
    NationalReview,
    ReviewConsultation,
    ReviewContributor,
    ReviewCycle,
    ReviewSection,
    ReviewStatus,
    SectionStatus,
    SectionVersion,
    StakeholderInput,
    WorkflowStep,
)

# Two completed rounds (mostly published reviews) and one open round (mostly drafts), so that
# the syntheses have published content and focal points still have reviews to edit.
DEFAULT_CYCLES = ("regional-2024-2025", "imrf-2026", "imrf-2030")
DEFAULT_SEED = 2018
PREFIX = SAMPLE_PREFIX
BATCH = 2000
STAKEHOLDER_ORGS = 24
SECTION_KINDS = ("objective", "principle")

Progress = Callable[[str], None]
M = TypeVar("M", bound=models.Model)


def quiet(_message: str) -> None:
    """Progress that prints nothing."""


@dataclass
class SampleWorld:
    """What the parts of the generator share: the random source, the countries, the cycles and
    the sample organisations and users."""

    rng: random.Random
    areas: list[Area]
    cycles: list[ReviewCycle]
    states: dict[str, Organisation] = field(default_factory=dict)  # ISO3 -> State government
    stakeholders: list[Organisation] = field(default_factory=list)
    focal_points: dict[int, User] = field(default_factory=dict)  # organisation id -> user
    objectives: list[FrameworkItem] = field(default_factory=list)
    principles: list[FrameworkItem] = field(default_factory=list)
    progress: Progress = quiet


def bulk(model: type[M], rows: Iterable[M]) -> list[M]:
    """Insert ``rows`` in batches; the returned objects carry their new ids."""
    rows = list(rows)
    return model._default_manager.bulk_create(rows, batch_size=BATCH) if rows else []


def short_title(item: FrameworkItem) -> str:
    text = item.short_title or item.title
    return text[:1].lower() + text[1:] if not text[:2].isupper() else text


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def period(cycle: ReviewCycle) -> tuple[dt.datetime, dt.datetime]:
    """The time span in which a cycle's sample records are dated (never in the future)."""
    now = timezone.now()
    start = dt.datetime(cycle.start_year, 1, 1, 9, tzinfo=dt.UTC)
    if cycle.opens:
        start = dt.datetime.combine(cycle.opens, dt.time(9), tzinfo=dt.UTC)
    end = dt.datetime(cycle.end_year, 12, 31, 17, tzinfo=dt.UTC)
    if cycle.closes:
        end = dt.datetime.combine(cycle.closes, dt.time(17), tzinfo=dt.UTC)
    end = min(end, now)
    if end <= start:
        start, end = now - dt.timedelta(days=120), now
    return start, end


def moment(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    return start + (end - start) * rng.random()


# --- choosing what to generate -----------------------------------------------------------------


def plan(
    *,
    countries: int = 193,
    cycles: Sequence[str] = DEFAULT_CYCLES,
    seed: int = DEFAULT_SEED,
    progress: Progress = quiet,
) -> SampleWorld:
    """Check the options and pick the countries: all UN Member States, or ``countries`` of them
    drawn with ``seed``. Refuses when a real review exists for one of the (cycle, country)
    pairs."""
    problems = []
    if countries < 1:
        problems.append(FieldError("must be at least 1", "countries"))
    slugs = [s.strip() for s in cycles if s.strip()]
    if not slugs:
        problems.append(FieldError("name at least one review cycle", "cycles"))
    found = {c.slug: c for c in ReviewCycle.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        known = ", ".join(ReviewCycle.objects.values_list("slug", flat=True))
        problems.append(
            FieldError(f"unknown review cycle(s) {', '.join(unknown)}; known: {known}", "cycles")
        )
    members = list(Area.objects.filter(un_status=UnStatus.MEMBER).order_by("iso3"))
    if not members:
        problems.append(
            FieldError("no UN Member States are loaded: run `gcmhub init` first", "countries")
        )
    if problems:
        raise InvalidInput("The sample data was not generated.", problems)
    rng = random.Random(seed)  # noqa: S311 (sample data, not secrets)
    areas = (
        members
        if countries >= len(members)
        else sorted(rng.sample(members, countries), key=lambda a: a.iso3)
    )
    world = SampleWorld(
        rng=rng,
        areas=areas,
        cycles=[found[s] for s in dict.fromkeys(slugs)],
        progress=progress,
    )
    real = (
        NationalReview.objects.filter(is_sample=False, cycle__in=world.cycles, area__in=world.areas)
        .values_list("cycle__slug", "area__iso3")
        .order_by("cycle__slug", "area__iso3")
    )
    clashes = [f"{slug}/{iso3}" for slug, iso3 in real]
    if clashes:
        shown = ", ".join(clashes[:10]) + (
            f" and {len(clashes) - 10} more" if len(clashes) > 10 else ""
        )
        raise Conflict(
            f"Real (non-sample) reviews exist for {shown}; sample data is never mixed with them. "
            "Choose other cycles (--cycles) or generate against another database."
        )
    items = FrameworkItem.objects.filter(kind__in=SECTION_KINDS).order_by("kind", "number")
    world.objectives = [i for i in items if i.kind == "objective"]
    world.principles = [i for i in items if i.kind == "principle"]
    return world


# --- clearing ----------------------------------------------------------------------------------


def clear_reviews() -> dict[str, int]:
    """Delete the sample reviews (with their sections, versions and workflow) and inputs."""
    counts = {
        "reviews": NationalReview.objects.filter(is_sample=True).count(),
        "sections": ReviewSection.objects.filter(review__is_sample=True).count(),
        "inputs": StakeholderInput.objects.filter(is_sample=True).count(),
    }
    # Children first, in bulk: cheaper than letting the collector walk 20,000 sections.
    SectionVersion.objects.filter(section__review__is_sample=True).delete()
    ReviewSection.assignees.through.objects.filter(reviewsection__review__is_sample=True).delete()
    ReviewSection.objects.filter(review__is_sample=True).delete()
    NationalReview.objects.filter(is_sample=True).delete()
    StakeholderInput.objects.filter(is_sample=True).delete()
    return counts


def clear_organisations() -> dict[str, int]:
    """Delete the sample users and organisations that no real record points to (those that one
    does are kept and counted)."""
    users = User.objects.filter(username__startswith=PREFIX).delete()[1].get(User._meta.label, 0)
    orgs = Organisation.objects.filter(slug__startswith=PREFIX)
    deleted = kept = 0
    try:
        with transaction.atomic():
            deleted = orgs.delete()[1].get(Organisation._meta.label, 0)
    except (ProtectedError, RestrictedError):
        for org in orgs:
            try:
                with transaction.atomic():
                    org.delete()
                deleted += 1
            except (ProtectedError, RestrictedError):
                kept += 1
    return {"users": users, "organisations": deleted, "organisations_kept": kept}


# --- organisations and users -------------------------------------------------------------------


def create_organisations(world: SampleWorld) -> dict[str, int]:
    """A sample government for each country, sample stakeholder organisations, and a focal point
    for each (users that cannot sign in until someone sets their password)."""
    rng = world.rng
    categories = list(FrameworkItem.objects.filter(kind="stakeholder_category").order_by("number"))
    wanted: list[Organisation] = [
        Organisation(
            name=f"Sample State government ({a.iso3})",
            slug=f"{PREFIX}state-{a.iso3.lower()}",
            kind=OrganisationKind.STATE,
            country_iso3=a.iso3,
            description=f"Sample data: a made-up government account for {a.name}.",
        )
        for a in world.areas
    ]
    for n in range(1, STAKEHOLDER_ORGS + 1):
        home = rng.choice(world.areas)
        wanted.append(
            Organisation(
                name=f"Sample stakeholder organisation {n:02d}",
                slug=f"{PREFIX}stakeholder-{n:02d}",
                kind=OrganisationKind.STAKEHOLDER,
                country_iso3=home.iso3,
                stakeholder_category=categories[n % len(categories)] if categories else None,
                description="Sample data: a made-up stakeholder organisation.",
            )
        )
    existing = {o.slug: o for o in Organisation.objects.filter(slug__startswith=PREFIX)}
    created = bulk(Organisation, [o for o in wanted if o.slug not in existing])
    by_slug = existing | {o.slug: o for o in created}
    orgs = [by_slug[o.slug] for o in wanted]
    world.states = {o.country_iso3: o for o in orgs if o.kind == OrganisationKind.STATE}
    world.stakeholders = [o for o in orgs if o.kind == OrganisationKind.STAKEHOLDER]

    def username(org: Organisation) -> str:
        return f"{PREFIX}focal-{org.slug.removeprefix(PREFIX)}"

    users_existing = {u.username: u for u in User.objects.filter(username__startswith=PREFIX)}
    new_users = []
    for org in orgs:
        if username(org) not in users_existing:
            user = User(
                username=username(org),
                first_name="Sample",
                last_name=f"focal point ({org.country_iso3 or org.slug})",
            )
            user.set_unusable_password()
            new_users.append(user)
    by_name = users_existing | {u.username: u for u in bulk(User, new_users)}
    world.focal_points = {org.pk: by_name[username(org)] for org in orgs}
    have = set(
        Membership.objects.filter(user__username__startswith=PREFIX).values_list(
            "user_id", "organisation_id"
        )
    )
    bulk(
        Membership,
        (
            Membership(user=user, organisation_id=org_id, role=Role.FOCAL_POINT)
            for org_id, user in world.focal_points.items()
            if (user.pk, org_id) not in have
        ),
    )
    counts = {"organisations": len(orgs), "users": len(world.focal_points)}
    world.progress(
        f"organisations: {len(world.states)} sample State governments, "
        f"{len(world.stakeholders)} sample stakeholder organisations, "
        f"{len(world.focal_points)} sample focal points"
    )
    return counts


# --- texts -------------------------------------------------------------------------------------

ACTIONS = (
    "a national action plan",
    "an inter-ministerial working group",
    "new guidance for front-line officials",
    "a pilot programme with local authorities",
    "a review of the relevant laws and regulations",
    "training for public service providers",
    "a bilateral agreement with neighbouring States",
    "better collection and sharing of data",
)
CHALLENGES = (
    "limited funding",
    "scarce or scattered data",
    "coordination between ministries",
    "capacity at local level",
    "reaching migrants in remote areas",
    "staff turnover",
)
PRACTICES = (
    "a one-stop information centre",
    "joint planning with civil society",
    "a shared case-management system",
    "regular consultations with migrant associations",
    "mobile outreach teams",
)
SUPPORT = (
    "technical advice",
    "training of trainers",
    "funding for data systems",
    "exchange of practices with other States",
)
BODIES = (
    ("Sample Ministry of the Interior", BodyKind.MINISTRY),
    ("Sample Ministry of Labour", BodyKind.MINISTRY),
    ("Sample Ministry of Foreign Affairs", BodyKind.MINISTRY),
    ("Sample National Statistics Office", BodyKind.AGENCY),
    ("Sample Parliamentary Committee on Migration", BodyKind.PARLIAMENT),
    ("Sample Association of Municipalities", BodyKind.LOCAL),
)

# How far reviews have gone, by the state of their cycle.
REVIEW_MIX: dict[str, dict[str, float]] = {
    CycleStatus.CLOSED: {
        ReviewStatus.PUBLISHED: 0.80,
        ReviewStatus.VALIDATED: 0.05,
        ReviewStatus.SUBMITTED: 0.06,
        ReviewStatus.RETURNED: 0.03,
        ReviewStatus.DRAFT: 0.06,
    },
    CycleStatus.OPEN: {
        ReviewStatus.DRAFT: 0.50,
        ReviewStatus.SUBMITTED: 0.18,
        ReviewStatus.RETURNED: 0.07,
        ReviewStatus.VALIDATED: 0.05,
        ReviewStatus.PUBLISHED: 0.20,
    },
    CycleStatus.UPCOMING: {ReviewStatus.DRAFT: 1.0},
}
SECTION_MIX: dict[str, float] = {
    SectionStatus.IMPLEMENTED: 0.27,
    SectionStatus.IN_PROGRESS: 0.33,
    SectionStatus.PLANNED: 0.16,
    SectionStatus.NOT_STARTED: 0.10,
    SectionStatus.NOT_APPLICABLE: 0.06,
    "": 0.08,  # text but no status
}
# The statuses a section went through before reaching its current one.
EARLIER: dict[str, str] = {
    SectionStatus.IMPLEMENTED: SectionStatus.IN_PROGRESS,
    SectionStatus.IN_PROGRESS: SectionStatus.PLANNED,
    SectionStatus.PLANNED: SectionStatus.NOT_STARTED,
}
# The workflow actions that lead to each review status.
PATHS: dict[str, tuple[str, ...]] = {
    ReviewStatus.DRAFT: (),
    ReviewStatus.SUBMITTED: ("submit",),
    ReviewStatus.RETURNED: ("submit", "return"),
    ReviewStatus.VALIDATED: ("submit", "validate"),
    ReviewStatus.PUBLISHED: ("submit", "validate", "publish"),
}
STEP_TARGET: dict[str, str] = {
    "submit": ReviewStatus.SUBMITTED,
    "return": ReviewStatus.RETURNED,
    "validate": ReviewStatus.VALIDATED,
    "publish": ReviewStatus.PUBLISHED,
}


def section_texts(
    rng: random.Random, item: FrameworkItem, status: str, country: str
) -> dict[str, str]:
    topic = short_title(item)
    if status == SectionStatus.NOT_APPLICABLE:
        return {"actions": f"Sample text: {topic} is reported as not applicable in {country}."}
    texts = {
        "actions": f"Sample text: actions on {topic} in {country} include {rng.choice(ACTIONS)}"
        f" and {rng.choice(ACTIONS)}."
    }
    if rng.random() < 0.6:
        texts["challenges"] = (
            f"Sample text: challenges for {topic} include {rng.choice(CHALLENGES)}."
        )
    if rng.random() < 0.4:
        texts["good_practices"] = (
            f"Sample text: a good practice on {topic} is {rng.choice(PRACTICES)}."
        )
    if rng.random() < 0.3:
        texts["support_needed"] = (
            f"Sample text: support is sought for {topic}, notably {rng.choice(SUPPORT)}."
        )
    if rng.random() < 0.1:
        texts["free_text"] = "Sample text: generated for demonstration; not a real submission."
    return texts


def _values(section: ReviewSection, version: int) -> dict[str, Any]:
    return {
        "status": section.status,
        "actions": section.actions,
        "challenges": section.challenges,
        "good_practices": section.good_practices,
        "support_needed": section.support_needed,
        "free_text": section.free_text,
        "sdg_targets": section.sdg_targets,
        "version": version,
    }


# --- reviews -----------------------------------------------------------------------------------


def create_reviews(world: SampleWorld) -> dict[str, int]:
    """One review per country and cycle, with its 33 sections, their saved versions, the
    workflow that brought it to its status, contributors and consultations."""
    rng = world.rng
    items = world.objectives + world.principles
    targets = list(FrameworkItem.objects.filter(kind="sdg_target").values_list("code", flat=True))
    categories = list(FrameworkItem.objects.filter(kind="stakeholder_category").order_by("number"))
    reviews: list[NationalReview] = []
    for cycle in world.cycles:
        start, end = period(cycle)
        mix = REVIEW_MIX[CycleStatus(cycle.status())]
        for area in world.areas:
            status = weighted(rng, mix)
            submitted = moment(rng, start, end) if status != ReviewStatus.DRAFT else None
            published = (
                submitted + (end - submitted) * rng.random()
                if submitted and status == ReviewStatus.PUBLISHED
                else None
            )
            reviews.append(
                NationalReview(
                    cycle=cycle,
                    area=area,
                    organisation=world.states[area.iso3],
                    status=status,
                    summary=f"Sample text: a generated review of {area.name} for {cycle.title}; "
                    "not a real submission.",
                    version=1 + len(PATHS[status]),
                    created_by=world.focal_points[world.states[area.iso3].pk],
                    submitted_at=submitted,
                    published_at=published,
                    is_sample=True,
                )
            )
    reviews = bulk(NationalReview, reviews)
    world.progress(f"reviews: {len(reviews)} ({len(world.cycles)} cycles x {len(world.areas)})")

    sections: list[ReviewSection] = []
    history: list[list[dict[str, Any]]] = []  # per section, its earlier saved states
    for review in reviews:
        user = world.focal_points[review.organisation_id]
        start, end = period(review.cycle)
        last = review.submitted_at or end
        blank_share = 0.35 if review.status == ReviewStatus.DRAFT else 0.10
        for item in items:
            section = ReviewSection(review=review, item=item)
            earlier: list[dict[str, Any]] = []
            if rng.random() >= blank_share:
                status = weighted(rng, SECTION_MIX)
                for name, text in section_texts(rng, item, status, review.area.name).items():
                    setattr(section, name, text)
                section.status = status
                if item.kind == "objective" and targets and rng.random() < 0.3:
                    section.sdg_targets = sorted(rng.sample(targets, rng.randint(1, 2)))
                saves = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)
                section.version = saves
                section.updated_by = user
                section.updated_at = moment(rng, start, last)
                previous = status
                for _ in range(saves - 1):
                    previous = EARLIER.get(previous, previous)
                    earlier.append(
                        {"status": previous, "actions": section.actions.split(" and ")[0] + "."}
                    )
            sections.append(section)
            history.append(earlier)
    sections = bulk(ReviewSection, sections)
    world.progress(f"sections: {len(sections)}")

    versions: list[SectionVersion] = []
    for section, earlier in zip(sections, history, strict=True):
        if not section.version:
            continue
        current = _values(section, section.version)
        for n in range(1, section.version + 1):
            data = dict(current, version=n)
            if n < section.version:
                data.update(earlier[section.version - n - 1])
            versions.append(
                SectionVersion(section=section, version=n, data=data, by=section.updated_by)
            )
    bulk(SectionVersion, versions)
    world.progress(f"section versions: {len(versions)}")

    steps: list[WorkflowStep] = []
    contributors: list[ReviewContributor] = []
    consultations: list[ReviewConsultation] = []
    for review in reviews:
        user = world.focal_points[review.organisation_id]
        steps.append(
            WorkflowStep(
                review=review,
                action="create",
                from_status="",
                to_status=ReviewStatus.DRAFT,
                by=user,
            )
        )
        reached: str = ReviewStatus.DRAFT
        for action in PATHS[review.status]:
            steps.append(
                WorkflowStep(
                    review=review,
                    action=action,
                    from_status=reached,
                    to_status=STEP_TARGET[action],
                    comment="Sample comment: please complete the sections on data."
                    if action == "return"
                    else "",
                    by=user if action == "submit" else None,
                )
            )
            reached = STEP_TARGET[action]
        for body, kind in rng.sample(BODIES, 2):
            contributors.append(
                ReviewContributor(review=review, body=body, kind=kind, note="Sample data.")
            )
        start, end = period(review.cycle)
        for category in rng.sample(categories, min(2, len(categories))):
            consultations.append(
                ReviewConsultation(
                    review=review,
                    category=category,
                    method=rng.choice(ConsultationMethod.values),
                    held_on=moment(rng, start, end).date(),
                    description=f"Sample text: consultation with {category.title.lower()}.",
                )
            )
    bulk(WorkflowStep, steps)
    contributors = bulk(ReviewContributor, contributors)
    through = ReviewContributor.items.through
    bulk(
        through,
        (
            through(reviewcontributor_id=c.pk, frameworkitem_id=i.pk)
            for c in contributors
            for i in rng.sample(items, 3)
        ),
    )
    bulk(ReviewConsultation, consultations)
    world.progress(
        f"workflow steps: {len(steps)}, contributors: {len(contributors)}, "
        f"consultations: {len(consultations)}"
    )
    return {
        "reviews": len(reviews),
        "sections": len(sections),
        "sections_reported": sum(1 for s in sections if s.version),
        "section_versions": len(versions),
        "workflow_steps": len(steps),
        "contributors": len(contributors),
        "consultations": len(consultations),
    }


def create_inputs(world: SampleWorld) -> dict[str, int]:
    """Stakeholder inputs: to each commission's review in a regional round, and to an IMRF."""
    rng = world.rng
    commissions = list(Organisation.objects.filter(group="commission").order_by("slug"))
    in_scope = set(
        Affiliation.objects.filter(organisation__in=commissions, area__in=world.areas).values_list(
            "organisation_id", flat=True
        )
    )
    inputs: list[StakeholderInput] = []
    for cycle in world.cycles:
        if cycle.kind == CycleKind.NATIONAL:
            continue
        start, end = period(cycle)
        mix = REVIEW_MIX[CycleStatus(cycle.status())]
        targets: list[Organisation | None] = (
            [c for c in commissions if c.pk in in_scope for _ in range(4)]
            if cycle.kind == CycleKind.REGIONAL
            else [None] * 12
        )
        for commission in targets:
            org = rng.choice(world.stakeholders)
            topics = rng.sample(world.objectives, rng.randint(1, 3))
            status = weighted(rng, mix)
            when = moment(rng, start, end)
            record = StakeholderInput(
                cycle=cycle,
                commission=commission,
                organisation=org,
                title=f"Sample input: {org.name} on " + ", ".join(short_title(t) for t in topics),
                text=" ".join(
                    f"Sample text: the organisation reports on {short_title(t)}, "
                    f"where {rng.choice(CHALLENGES)} remains a concern, and recommends "
                    f"{rng.choice(ACTIONS)}."
                    for t in topics
                ),
                status=status,
                created_by=world.focal_points[org.pk],
                submitted_at=when if status != ReviewStatus.DRAFT else None,
                published_at=when if status == ReviewStatus.PUBLISHED else None,
                is_sample=True,
            )
            record._sample_topics = topics  # type: ignore[attr-defined]
            inputs.append(record)
    inputs = bulk(StakeholderInput, inputs)
    through = StakeholderInput.items.through
    bulk(
        through,
        (
            through(stakeholderinput_id=r.pk, frameworkitem_id=t.pk)
            for r in inputs
            for t in r._sample_topics  # type: ignore[attr-defined]
        ),
    )
    world.progress(f"stakeholder inputs: {len(inputs)}")
    return {"inputs": len(inputs)}


# --- the reviews part as a whole ---------------------------------------------------------------


def generate_reviews(world: SampleWorld) -> dict[str, int]:
    """Organisations, users, reviews and inputs (inside the caller's transaction)."""
    counts = create_organisations(world)
    counts |= create_reviews(world)
    counts |= create_inputs(world)
    return counts


def generate(
    *,
    countries: int = 193,
    cycles: Sequence[str] = DEFAULT_CYCLES,
    seed: int = DEFAULT_SEED,
    progress: Progress = quiet,
) -> dict[str, Any]:
    """Sample reviews and inputs only (no pledges), replacing earlier sample reviews."""
    world = plan(countries=countries, cycles=cycles, seed=seed, progress=progress)
    with transaction.atomic():
        replaced = clear_reviews()
        counts: dict[str, Any] = {
            "countries": len(world.areas),
            "cycles": [c.slug for c in world.cycles],
            "seed": seed,
        }
        counts |= generate_reviews(world)
        counts["replaced"] = replaced
        audit_record(action="sample.generate", by=None, after=counts, object_label="sample data")
    return counts

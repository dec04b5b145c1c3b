"""Sample data as a whole: the reviews part (``gcmhub.reviews.sample``) and sample pledges.

``generate`` and ``clear`` are what the ``gcmhub generate-sample`` command runs. Every pledge
made here carries ``is_sample``; its pledgers are the sample countries' States and the sample
organisations, so that no real organisation is named in made-up pledges. Everything is written
in one transaction with one audit event, and running again replaces the earlier sample records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from gcmhub.accounts.models import Organisation, OrganisationKind
from gcmhub.common.audit import audit_record
from gcmhub.common.errors import FieldError, InvalidInput
from gcmhub.framework.models import FrameworkItem
from gcmhub.pledges.models import (
    Pledge,
    PledgeKind,
    Pledger,
    PledgerRole,
    PledgeStatus,
    PledgeType,
    StatusUpdate,
)
from gcmhub.reviews import sample as reviews_sample
from gcmhub.reviews.models import (
    CycleKind,
    NationalReview,
    ReviewCycle,
    ReviewSection,
    StakeholderInput,
)
from gcmhub.reviews.sample import (
    DEFAULT_CYCLES,
    DEFAULT_SEED,
    PREFIX,
    Progress,
    SampleWorld,
    bulk,
    quiet,
    short_title,
    weighted,
)

DEFAULT_PLEDGES = 10_000
FIRST_YEAR = 2018  # the year the GCM was adopted

KINDS: dict[str, float] = {
    PledgeKind.INDIVIDUAL: 0.70,
    PledgeKind.COMMON: 0.15,
    PledgeKind.PARTNERSHIP: 0.15,
}
TYPES: dict[str, float] = {
    PledgeType.POLICY: 0.35,
    PledgeType.PROCESS: 0.30,
    PledgeType.HUMAN_RESOURCES: 0.20,
    PledgeType.FINANCIAL: 0.15,
}
# Where a pledge ends up, and the statuses it passes through to get there.
OUTCOMES: dict[str, float] = {
    PledgeStatus.ANNOUNCED: 0.30,
    PledgeStatus.IN_PROGRESS: 0.45,
    PledgeStatus.ACHIEVED: 0.18,
    PledgeStatus.DISCONTINUED: 0.07,
}
STEPS: dict[str, tuple[str, ...]] = {
    PledgeStatus.ANNOUNCED: (PledgeStatus.ANNOUNCED,),
    PledgeStatus.IN_PROGRESS: (PledgeStatus.ANNOUNCED, PledgeStatus.IN_PROGRESS),
    PledgeStatus.ACHIEVED: (
        PledgeStatus.ANNOUNCED,
        PledgeStatus.IN_PROGRESS,
        PledgeStatus.ACHIEVED,
    ),
    PledgeStatus.DISCONTINUED: (
        PledgeStatus.ANNOUNCED,
        PledgeStatus.IN_PROGRESS,
        PledgeStatus.DISCONTINUED,
    ),
}
VERBS: dict[str, str] = {
    PledgeType.POLICY: "adopt a policy on",
    PledgeType.PROCESS: "set up a process for",
    PledgeType.HUMAN_RESOURCES: "assign staff to",
    PledgeType.FINANCIAL: "fund work on",
}
MEANS = (
    "a national coordination mechanism",
    "a multi-year work plan with yearly milestones",
    "joint work with local authorities and civil society",
    "regular reporting to the national parliament",
    "exchanges of practice with partner States",
    "a dedicated budget line",
)
EVIDENCE = (
    "Sample evidence: a progress note from the responsible ministry.",
    "Sample evidence: minutes of the coordination meeting.",
    "Sample evidence: the annual report of the programme.",
)


def _description(rng: Any, verb: str, topics: list[FrameworkItem], who: str) -> str:
    names = ", ".join(short_title(t) for t in topics)
    text = (
        f"Sample text: {who} pledges to {verb} {names}. "
        f"The work relies on {rng.choice(MEANS)} and on {rng.choice(MEANS)}. "
        "Progress is followed with simple indicators agreed with the partners and reported "
        "once a year. This description was generated for demonstration and load testing; "
        "it is not a real commitment and names no real programme."
    )
    return text[:3000]


def _date(rng: Any, year: int, today: dt.date) -> dt.date:
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), today)
    if end < start:
        return today
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def create_pledges(world: SampleWorld, count: int) -> dict[str, int]:
    """``count`` pledges by the sample States and organisations, with their pledgers, the
    objectives and principles they address and their status updates."""
    rng = world.rng
    today = timezone.now().date()
    years = list(range(FIRST_YEAR, today.year + 1))
    year_weights = [3 if y in (2022, 2026) else 1 for y in years]  # IMRF years see more
    forums = {
        c.end_year: c for c in ReviewCycle.objects.filter(kind=CycleKind.IMRF, end_year__in=years)
    }
    state_orgs = list(world.states.values())
    areas = {a.iso3: a for a in world.areas}
    pledges: list[Pledge] = []
    plans: list[tuple[list[tuple[Organisation | None, Any, str]], list[FrameworkItem], str]] = []
    for n in range(1, count + 1):
        kind = weighted(rng, KINDS)
        type_ = weighted(rng, TYPES)
        year = rng.choices(years, weights=year_weights)[0]
        by_state = rng.random() < 0.75 or not world.stakeholders
        owner = rng.choice(state_orgs) if by_state else rng.choice(world.stakeholders)
        lead: tuple[Organisation | None, Any, str] = (
            (None, areas[owner.country_iso3], PledgerRole.LEAD)
            if by_state
            else (owner, None, PledgerRole.LEAD)
        )
        pledgers = [lead]
        if kind != PledgeKind.INDIVIDUAL:
            role = PledgerRole.PARTNER if kind == PledgeKind.PARTNERSHIP else PledgerRole.LEAD
            seen = {lead[0].pk if lead[0] else lead[1].iso3}
            for _ in range(rng.randint(1, 3)):
                if rng.random() < 0.6 and len(world.areas) > 1:
                    area = rng.choice(world.areas)
                    if area.iso3 not in seen:
                        seen.add(area.iso3)
                        pledgers.append((None, area, role))
                elif world.stakeholders:
                    org = rng.choice(world.stakeholders)
                    if org.pk not in seen:
                        seen.add(org.pk)
                        pledgers.append((org, None, role))
            if len(pledgers) < 2:  # a common or partnership pledge has two pledgers or more
                kind = PledgeKind.INDIVIDUAL
        topics = rng.sample(world.objectives, rng.choices([1, 2, 3], weights=[5, 3, 2])[0])
        principles = rng.sample(world.principles, rng.choices([0, 1, 2], weights=[5, 3, 2])[0])
        outcome = weighted(rng, OUTCOMES)
        if year == today.year and outcome == PledgeStatus.ACHIEVED:
            outcome = PledgeStatus.IN_PROGRESS
        start = year + rng.choice((0, 0, 1))
        end = start + rng.randint(1, 5) if rng.random() < 0.8 else None
        who = "the State" if by_state else "the organisation"
        title = f"Sample pledge {n}: {VERBS[type_]} {short_title(topics[0])}"
        published = rng.random() < 0.95
        pledges.append(
            Pledge(
                title=title[:200],
                description=_description(rng, VERBS[type_], topics, who),
                kind=kind,
                type=type_,
                organisation=owner,
                start_year=start,
                end_year=end,
                year=year,
                cycle=forums.get(year) if rng.random() < 0.6 else None,
                status=outcome,
                published=published,
                published_at=timezone.now() if published else None,
                is_sample=True,
                created_by=world.focal_points.get(owner.pk),
            )
        )
        plans.append((pledgers, topics + principles, outcome))
    pledges = bulk(Pledge, pledges)
    world.progress(f"pledges: {len(pledges)}")

    rows: list[Pledger] = []
    links: list[Any] = []
    updates: list[StatusUpdate] = []
    through = Pledge.items.through
    dated: list[Pledge] = []
    for pledge, (pledgers, items, outcome) in zip(pledges, plans, strict=True):
        rows += [
            Pledger(pledge=pledge, organisation=org, area=area, role=role)
            for org, area, role in pledgers
        ]
        links += [through(pledge_id=pledge.pk, frameworkitem_id=i.pk) for i in items]
        day = _date(rng, pledge.year, today)
        for step, status in enumerate(STEPS[outcome]):
            if step:
                day = min(day + dt.timedelta(days=rng.randint(60, 500)), today)
            updates.append(
                StatusUpdate(
                    pledge=pledge,
                    status=status,
                    date=day,
                    evidence=rng.choice(EVIDENCE) if step else "Sample evidence: announced.",
                    created_by=pledge.created_by,
                )
            )
        pledge.status_date = day
        dated.append(pledge)
    # Some pledges answer an earlier one (a donor matching a State's call for support).
    for pledge in rng.sample(pledges, len(pledges) // 20):
        earlier = pledges[rng.randrange(len(pledges))]
        if earlier.pk != pledge.pk:
            pledge.matches = earlier
    Pledge.objects.bulk_update(dated, ["status_date", "matches"], batch_size=1000)
    bulk(Pledger, rows)
    bulk(through, links)
    bulk(StatusUpdate, updates)
    world.progress(
        f"pledgers: {len(rows)}, pledge items: {len(links)}, status updates: {len(updates)}"
    )
    return {
        "pledges": len(pledges),
        "pledgers": len(rows),
        "pledge_items": len(links),
        "status_updates": len(updates),
    }


def clear_pledges() -> dict[str, int]:
    """Delete the sample pledges with their pledgers, links and status updates."""
    pledges = Pledge.objects.filter(is_sample=True)
    count = pledges.count()
    # Real pledges may answer a sample one: they lose the link, not their content.
    Pledge.objects.filter(is_sample=False, matches__is_sample=True).update(matches=None)
    Pledge.objects.filter(is_sample=True).update(matches=None)
    StatusUpdate.objects.filter(pledge__is_sample=True).delete()
    Pledger.objects.filter(pledge__is_sample=True).delete()
    Pledge.items.through.objects.filter(pledge__is_sample=True).delete()
    pledges.delete()
    return {"pledges": count}


def generate(
    *,
    countries: int = 193,
    cycles: Sequence[str] = DEFAULT_CYCLES,
    pledges: int = DEFAULT_PLEDGES,
    seed: int = DEFAULT_SEED,
    progress: Progress = quiet,
) -> dict[str, Any]:
    """Generate the sample reviews, inputs and pledges in one transaction, replacing any earlier
    sample records. Refuses (and writes nothing) when a real review exists for one of the cycle
    and country pairs."""
    if pledges < 0:
        raise InvalidInput(
            "The sample data was not generated.", [FieldError("must be 0 or more", "pledges")]
        )
    world = reviews_sample.plan(countries=countries, cycles=cycles, seed=seed, progress=progress)
    with transaction.atomic():
        replaced = clear_pledges() | reviews_sample.clear_reviews()
        reviews_sample.clear_organisations()
        if any(replaced.values()):
            progress(
                "replaced the earlier sample data: "
                + ", ".join(f"{v} {k}" for k, v in replaced.items())
            )
        counts: dict[str, Any] = {
            "countries": len(world.areas),
            "cycles": [c.slug for c in world.cycles],
            "seed": seed,
        }
        counts |= reviews_sample.generate_reviews(world)
        counts |= create_pledges(world, pledges)
        counts["replaced"] = replaced
        audit_record(action="sample.generate", by=None, after=counts, object_label="sample data")
    return counts


def clear(*, progress: Progress = quiet) -> dict[str, int]:
    """Delete every sample record (reviews, inputs, pledges, sample organisations and users)
    and nothing else."""
    with transaction.atomic():
        counts = clear_pledges() | reviews_sample.clear_reviews()
        counts |= reviews_sample.clear_organisations()
        progress("cleared: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        audit_record(action="sample.clear", by=None, before=counts, object_label="sample data")
    return counts


def sample_counts() -> dict[str, int]:
    """How many sample records the database holds now."""
    return {
        "reviews": NationalReview.objects.filter(is_sample=True).count(),
        "sections": ReviewSection.objects.filter(review__is_sample=True).count(),
        "inputs": StakeholderInput.objects.filter(is_sample=True).count(),
        "pledges": Pledge.objects.filter(is_sample=True).count(),
        "organisations": Organisation.objects.filter(slug__startswith=PREFIX).count(),
        "state_organisations": Organisation.objects.filter(
            slug__startswith=PREFIX, kind=OrganisationKind.STATE
        ).count(),
    }

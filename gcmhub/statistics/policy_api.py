"""``/api/v1/statistics/sdg-10-7-2``: SDG indicator 10.7.2, each State's latest result, one
State's history, and entering a year's answers.

No postponed annotations here: django-ninja reads them at import time.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth

from gcmhub.accounts.api import request_user
from gcmhub.common.api import ERROR_RESPONSES
from gcmhub.statistics import policy_selectors as selectors
from gcmhub.statistics import services

router = Router(tags=["statistics"])


class DomainOut(Schema):
    number: int
    code: str
    name: str
    score: float | None
    level: int | None
    level_label: str


class AnswerOut(Schema):
    code: str
    domain: int
    name: str
    label: str
    answer: str
    answer_label: str
    value: float | None


class ResultOut(Schema):
    iso3: str
    m49: str
    name: str
    region: str
    year: int
    overall: float
    level: int
    level_label: str
    domains: list[DomainOut]
    source: str
    version: int
    updated_at: dt.datetime
    url: str
    api_url: str
    registry_url: str


class ResultWithAnswersOut(ResultOut):
    answers: list[AnswerOut]


class LevelCountOut(Schema):
    level: int
    label: str
    count: int


class MapPointOut(Schema):
    m49: str
    iso3: str
    name: str
    value: int
    label: str


class DomainRefOut(Schema):
    number: int
    code: str
    name: str


class WorldOut(Schema):
    count: int
    results: list[ResultOut]
    levels: list[LevelCountOut]
    map: list[MapPointOut]
    domains: list[DomainRefOut]
    filters: dict[str, str]
    disclaimer: str


class AreaOut(Schema):
    iso3: str
    m49: str
    name: str
    region: str
    url: str
    api_url: str
    registry_url: str


class HistoryOut(Schema):
    area: AreaOut
    latest: ResultWithAnswersOut | None
    results: list[ResultWithAnswersOut]


class AssessmentIn(Schema):
    answers: dict[str, str]
    source: str = ""
    version: int | None = None


@router.get(
    "/sdg-10-7-2",
    response={200: WorldOut, **ERROR_RESPONSES},
    summary="SDG 10.7.2: latest result of each State",
)
def policy_world(request: HttpRequest, level: int | None = None, region: str | None = None) -> Any:
    """Each State's most recent SDG 10.7.2 result: overall score and level (1 requires further
    progress, 2 partially meets, 3 meets, 4 fully meets) and the six domain scores. `level`
    keeps the States at that level; `region` takes an M49 region, sub-region or intermediate
    region code. `map` holds the same results for a world map."""
    return selectors.world(level=level, region=region)


@router.get(
    "/sdg-10-7-2/{iso3}",
    response={200: HistoryOut, **ERROR_RESPONSES},
    summary="SDG 10.7.2: one State's results",
)
def policy_country(request: HttpRequest, iso3: str) -> Any:
    """Every year recorded for the State, newest first, with its 30 answers."""
    return selectors.country_history(selectors.area_for(iso3))


@router.put(
    "/sdg-10-7-2/{iso3}/{year}",
    response={200: ResultWithAnswersOut, 201: ResultWithAnswersOut, **ERROR_RESPONSES},
    auth=django_auth,
    summary="SDG 10.7.2: enter a year's answers",
)
def policy_save(request: HttpRequest, iso3: str, year: int, payload: AssessmentIn) -> Any:
    """For platform administrators and the focal points and administrators of the State's
    government. `answers` maps each sub-category, `1a` to `6e`, to `yes`, `no` or (domain 1
    only) `yes_legal`. Send the `version` you read, none for a year not yet recorded: when
    someone saved in between, the answer is 409 with the saved values under `current`. The
    answer is 201 when the year was new."""
    user = request_user(request)
    area = selectors.area_for(iso3)
    saved = services.assessment_save(
        by=user,
        area=area,
        year=year,
        answers=payload.answers,
        source=payload.source,
        version=payload.version,
    )
    data = selectors.assessment(area, saved.year)
    return Status(201, data) if saved.version == 1 else data

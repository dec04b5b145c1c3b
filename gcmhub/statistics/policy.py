"""SDG indicator 10.7.2: the 30 questions, what each answer counts for, and the score.

The definitions come from ``reference/sdg_10_7_2.yaml`` (with the sources they are taken from).
Six policy domains have five sub-categories each, coded ``1a`` to ``6e``. In domain 1 an answer
counts 1 when access is open to every non-national, 0.5 when only to those with legal
immigration status and 0 otherwise; in domains 2 to 6 "yes" counts 1 and "no" 0.

A domain's score is the mean of its five values times 100; the overall score is the mean of all
thirty values times 100. Each score falls in one of four levels: below 40 "requires further
progress", 40 to below 80 "partially meets", 80 to below 100 "meets", 100 "fully meets".
Scores are computed with exact fractions, so the thresholds never suffer rounding; the scores
handed back are rounded to two decimals.

Plain Python: no Django, so the command line and the tests use it as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

import yaml

REFERENCE = "reference/sdg_10_7_2.yaml"


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    value: Fraction


@dataclass(frozen=True)
class SubCategory:
    code: str  # "1a" .. "6e"
    domain: int
    name: str  # the official name
    label: str  # gcmhub's short label
    source: tuple[str, ...]


@dataclass(frozen=True)
class Domain:
    number: int
    code: str  # the SDG database's code: PD_1 .. PD_6
    name: str
    about: str
    answer_set: str
    options: tuple[Option, ...]
    sub_categories: tuple[SubCategory, ...]
    source: tuple[str, ...]

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Level:
    level: int
    label: str
    lower: int  # the lowest score in this level


@dataclass(frozen=True)
class Definitions:
    version: str
    indicator: dict[str, Any]
    domains: tuple[Domain, ...]
    levels: tuple[Level, ...]
    level_source: tuple[str, ...]

    @property
    def sub_categories(self) -> tuple[SubCategory, ...]:
        return tuple(s for d in self.domains for s in d.sub_categories)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.sub_categories)

    def domain_of(self, code: str) -> Domain | None:
        for d in self.domains:
            if any(s.code == code for s in d.sub_categories):
                return d
        return None


@dataclass(frozen=True)
class Result:
    """The scores of one complete set of answers (0 to 100, rounded to two decimals)."""

    answers: dict[str, str]  # sub-category code -> option code
    domain_scores: dict[str, float]  # "1" .. "6"
    domain_levels: dict[str, int]
    overall: float
    level: int

    @property
    def level_label(self) -> str:
        return LEVELS[self.level]


class InvalidAnswers(ValueError):
    """The answers cannot be scored; ``problems`` lists what is wrong, by sub-category code."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        self.problems = problems
        super().__init__(str(self))

    def __str__(self) -> str:
        return "; ".join(f"{code}: {', '.join(msgs)}" for code, msgs in self.problems.items())


def _sources(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


@cache
def definitions() -> Definitions:
    """The domains, sub-categories, answer options and levels, read once from the YAML file."""
    text = resources.files("gcmhub.statistics").joinpath(REFERENCE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    answer_sets = {
        name: tuple(
            Option(str(o["code"]), str(o["label"]), Fraction(str(o["value"])))
            for o in entry["options"]
        )
        for name, entry in data["answer_sets"].items()
    }
    domains = []
    for d in data["domains"]:
        source = _sources(d.get("source"))
        domains.append(
            Domain(
                number=int(d["number"]),
                code=str(d["code"]),
                name=str(d["name"]),
                about=str(d["about"]),
                answer_set=str(d["answers"]),
                options=answer_sets[d["answers"]],
                sub_categories=tuple(
                    SubCategory(
                        code=str(s["code"]),
                        domain=int(d["number"]),
                        name=str(s["name"]),
                        label=str(s["label"]),
                        source=_sources(s.get("source")) or source,
                    )
                    for s in d["sub_categories"]
                ),
                source=source,
            )
        )
    levels = tuple(
        Level(int(x["level"]), str(x["label"]), int(x["from"])) for x in data["levels"]["scale"]
    )
    return Definitions(
        version=str(data["version"]),
        indicator=dict(data["indicator"]),
        domains=tuple(domains),
        levels=tuple(sorted(levels, key=lambda lv: lv.lower)),
        level_source=_sources(data["levels"].get("source")),
    )


DEFINITIONS = definitions()
DOMAINS = DEFINITIONS.domains
CODES = DEFINITIONS.codes
LEVELS: dict[int, str] = {lv.level: lv.label for lv in DEFINITIONS.levels}


def level_of(score: Fraction | float) -> int:
    """The level (1 to 4) a score from 0 to 100 falls in."""
    value = Fraction(score) if not isinstance(score, Fraction) else score
    found = DEFINITIONS.levels[0].level
    for lv in DEFINITIONS.levels:
        if value >= lv.lower:
            found = lv.level
    return found


def _fold(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split()).casefold()


def normalise(code: str, answer: Any) -> str | None:
    """The option code ``answer`` stands for in sub-category ``code``, or None.

    Accepted: the option codes (``yes``, ``yes_legal``, ``no``) and the options' English labels,
    in any letter case and spacing.
    """
    domain = DEFINITIONS.domain_of(code)
    if domain is None or not isinstance(answer, str):
        return None
    wanted = _fold(answer)
    for option in domain.options:
        if wanted in (_fold(option.code), _fold(option.label)):
            return option.code
    return None


def _allowed(domain: Domain) -> str:
    return ", ".join(f"{o.code} ({o.label})" for o in domain.options)


def check(answers: Mapping[str, Any], *, partial: bool = False) -> dict[str, list[str]]:
    """Every problem with ``answers``, by sub-category code (an empty dict when they are fine).

    Sub-category codes are compared without letter case. With ``partial``, missing answers are
    not problems.
    """
    problems: dict[str, list[str]] = {}
    given: dict[str, Any] = {}
    for key, value in answers.items():
        code = str(key).strip().lower()
        if code not in CODES:
            problems.setdefault(str(key), []).append(
                "not a sub-category of indicator 10.7.2 (expected 1a to 6e)"
            )
        elif code in given:
            problems.setdefault(code, []).append("answered twice")
        else:
            given[code] = value
    for sub in DEFINITIONS.sub_categories:
        value = given.get(sub.code)
        if value is None or (isinstance(value, str) and not value.strip()):
            if not partial:
                problems.setdefault(sub.code, []).append("an answer is required")
            continue
        if normalise(sub.code, value) is None:
            domain = DEFINITIONS.domain_of(sub.code)
            assert domain is not None
            problems.setdefault(sub.code, []).append(
                f"{value!r} is not an answer here; use one of: {_allowed(domain)}"
            )
    return problems


def clean(answers: Mapping[str, Any]) -> dict[str, str]:
    """The 30 answers as option codes, keyed by sub-category code in order; raises
    ``InvalidAnswers`` with every problem when they are incomplete or not valid."""
    problems = check(answers)
    if problems:
        raise InvalidAnswers(problems)
    by_code = {str(k).strip().lower(): v for k, v in answers.items()}
    out = {}
    for code in CODES:
        option = normalise(code, by_code[code])
        assert option is not None
        out[code] = option
    return out


def _value(domain: Domain, option: str) -> Fraction:
    found = domain.option(option)
    assert found is not None
    return found.value


def _rounded(value: Fraction) -> float:
    return round(float(value), 2)


def score(answers: Mapping[str, Any]) -> Result:
    """Score one complete set of answers (option codes or labels, keyed ``1a`` .. ``6e``).

    Raises ``InvalidAnswers`` listing every problem when an answer is missing or not valid.
    """
    cleaned = clean(answers)
    total = Fraction(0)
    domain_scores: dict[str, float] = {}
    domain_levels: dict[str, int] = {}
    for domain in DOMAINS:
        values = [_value(domain, cleaned[s.code]) for s in domain.sub_categories]
        total += sum(values, Fraction(0))
        exact = sum(values, Fraction(0)) / len(values) * 100
        domain_scores[str(domain.number)] = _rounded(exact)
        domain_levels[str(domain.number)] = level_of(exact)
    overall = total / len(CODES) * 100
    return Result(
        answers=cleaned,
        domain_scores=domain_scores,
        domain_levels=domain_levels,
        overall=_rounded(overall),
        level=level_of(overall),
    )

"""SDG 10.7.2 scoring (gcmhub.statistics.policy): worked examples made by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from gcmhub.statistics import policy

DOMAIN_1 = ("1a", "1b", "1c", "1d", "1e")


def answers(default: str = "yes", **overrides: str) -> dict[str, str]:
    out = dict.fromkeys(policy.CODES, default)
    out.update({k.removeprefix("q"): v for k, v in overrides.items()})
    return out


def test_definitions_six_domains_of_five():
    assert [d.number for d in policy.DOMAINS] == [1, 2, 3, 4, 5, 6]
    assert [d.code for d in policy.DOMAINS] == [f"PD_{n}" for n in range(1, 7)]
    assert len(policy.CODES) == 30 and policy.CODES[0] == "1a" and policy.CODES[-1] == "6e"
    assert all(len(d.sub_categories) == 5 for d in policy.DOMAINS)
    assert policy.DOMAINS[0].name == "Migrant rights"
    assert policy.DOMAINS[0].sub_categories[0].name == "Essential and/or emergency health care"
    assert [o.code for o in policy.DOMAINS[0].options] == ["yes", "yes_legal", "no"]
    assert [o.value for o in policy.DOMAINS[0].options] == [1, Fraction(1, 2), 0]
    assert [o.code for o in policy.DOMAINS[3].options] == ["yes", "no"]
    assert policy.LEVELS == {
        1: "Requires further progress",
        2: "Partially meets",
        3: "Meets",
        4: "Fully meets",
    }
    # Every definition says where it comes from.
    assert all(d.source for d in policy.DOMAINS)
    assert all(s.source for s in policy.DEFINITIONS.sub_categories)
    assert policy.DEFINITIONS.level_source and policy.DEFINITIONS.indicator["source"]


def test_all_yes_fully_meets():
    result = policy.score(answers("yes"))
    assert result.overall == 100.0 and result.level == 4
    assert result.level_label == "Fully meets"
    assert result.domain_scores == {str(n): 100.0 for n in range(1, 7)}
    assert result.domain_levels == {str(n): 4 for n in range(1, 7)}


def test_all_no_requires_further_progress():
    result = policy.score(answers("no"))
    assert result.overall == 0.0 and result.level == 1
    assert set(result.domain_levels.values()) == {1}


def test_domain_1_legal_status_only_counts_half():
    result = policy.score(answers(**{f"q{c}": "yes_legal" for c in DOMAIN_1}))
    assert result.domain_scores["1"] == 50.0 and result.domain_levels["1"] == 2
    # 25 answers worth 1 and 5 worth 1/2: 27.5 / 30 = 91.67
    assert result.overall == 91.67 and result.level == 3
    assert result.answers["1a"] == "yes_legal"


def test_one_no_is_enough_to_drop_below_fully_meets():
    result = policy.score(answers(q6e="no"))
    assert result.domain_scores["6"] == 80.0 and result.domain_levels["6"] == 3
    assert result.overall == 96.67 and result.level == 3


@pytest.mark.parametrize(
    ("yes_count", "overall", "level"),
    [
        (11, 36.67, 1),
        (12, 40.0, 2),  # 12/30 = 40 exactly: partially meets
        (23, 76.67, 2),
        (24, 80.0, 3),  # 24/30 = 80 exactly: meets
        (29, 96.67, 3),
        (30, 100.0, 4),
    ],
)
def test_overall_boundaries(yes_count, overall, level):
    given = {code: ("yes" if n < yes_count else "no") for n, code in enumerate(policy.CODES)}
    result = policy.score(given)
    assert result.overall == overall and result.level == level


def test_half_points_reach_the_boundary_exactly():
    # 11 yes + 2 yes_legal (domain 1) = 12 points = 40 exactly
    given = answers("no", q1a="yes_legal", q1b="yes_legal")
    for code in policy.CODES[5:16]:
        given[code] = "yes"
    result = policy.score(given)
    assert result.overall == 40.0 and result.level == 2
    assert result.domain_scores["1"] == 20.0 and result.domain_levels["1"] == 1


@pytest.mark.parametrize(
    ("domain_yes", "score", "level"),
    [(0, 0.0, 1), (1, 20.0, 1), (2, 40.0, 2), (3, 60.0, 2), (4, 80.0, 3), (5, 100.0, 4)],
)
def test_domain_levels(domain_yes, score, level):
    codes = ("2a", "2b", "2c", "2d", "2e")
    given = answers("no", **{f"q{c}": "yes" for c in codes[:domain_yes]})
    result = policy.score(given)
    assert result.domain_scores["2"] == score and result.domain_levels["2"] == level


def test_level_of_thresholds():
    assert policy.level_of(0) == 1
    assert policy.level_of(39.99) == 1
    assert policy.level_of(40) == 2
    assert policy.level_of(79.99) == 2
    assert policy.level_of(80) == 3
    assert policy.level_of(99.99) == 3
    assert policy.level_of(100) == 4


def test_labels_accepted_in_any_case():
    given = answers(
        q1a="Yes, regardless of immigration status",
        q1b="YES, ONLY FOR THOSE WITH LEGAL IMMIGRATION STATUS",
        q1c="no",
        q2a="Yes",
        q2b="No",
        q3a="YES",
    )
    result = policy.score(given)
    assert result.answers["1a"] == "yes" and result.answers["1b"] == "yes_legal"
    assert result.answers["1c"] == "no" and result.answers["2b"] == "no"


def test_invalid_answers_are_listed_by_code():
    given = answers(q1a="maybe", q2a="yes_legal")
    del given["6e"]
    given["7a"] = "yes"
    with pytest.raises(policy.InvalidAnswers) as info:
        policy.score(given)
    problems = info.value.problems
    assert set(problems) == {"1a", "2a", "6e", "7a"}
    assert "not an answer here" in problems["1a"][0] and "yes_legal" in problems["1a"][0]
    # yes_legal exists only in domain 1
    assert "not an answer here" in problems["2a"][0]
    assert problems["6e"] == ["an answer is required"]
    assert "not a sub-category" in problems["7a"][0]
    assert "1a" in str(info.value)


def test_check_partial_and_blank():
    assert policy.check({"1a": "yes"}, partial=True) == {}
    assert policy.check({"1a": "  "})["1a"] == ["an answer is required"]
    assert policy.check({"1A": "yes", "1a": "no"}, partial=True) == {"1a": ["answered twice"]}
    assert policy.check(answers()) == {}
    assert policy.normalise("1a", 1) is None
    assert policy.normalise("9z", "yes") is None

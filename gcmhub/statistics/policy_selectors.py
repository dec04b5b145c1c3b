"""Reading SDG indicator 10.7.2 results: the world table and map, a country's history, the
entry form. The pages, the JSON API and the country profile call the same functions.

Who may enter a State's answers is also read here (``can_edit``): platform administrators, and
the focal points and administrators of the State's government organisation (an organisation of
kind "state" whose ``country_iso3`` is the State's code).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gcmhub.accounts.models import Membership, Organisation, OrganisationKind, Role
from gcmhub.accounts.permissions import is_platform_admin
from gcmhub.common.errors import FieldError, InvalidInput, NotFound
from gcmhub.registry.models import Area, Region, UnStatus
from gcmhub.registry.selectors import BOUNDARY_DISCLAIMER, in_region
from gcmhub.statistics import policy
from gcmhub.statistics.models import PolicyAssessment

API_URL = "/api/v1/statistics/sdg-10-7-2"
EDIT_ROLES = frozenset({Role.FOCAL_POINT, Role.ADMIN})
FIRST_YEAR = 2015

# The level and answer labels of policy.py, written out so that they are translated.
LEVEL_LABELS = {
    1: gettext_lazy("Requires further progress"),
    2: gettext_lazy("Partially meets"),
    3: gettext_lazy("Meets"),
    4: gettext_lazy("Fully meets"),
}
OPTION_LABELS = {
    ("status", "yes"): gettext_lazy("Yes, regardless of immigration status"),
    ("status", "yes_legal"): gettext_lazy("Yes, only for those with legal immigration status"),
    ("status", "no"): gettext_lazy("No"),
    ("yes_no", "yes"): gettext_lazy("Yes"),
    ("yes_no", "no"): gettext_lazy("No"),
}


def level_label(level: int | None) -> str:
    return str(LEVEL_LABELS.get(level, "")) if level is not None else ""


def _option_label(domain: policy.Domain, code: str) -> str:
    label = OPTION_LABELS.get((domain.answer_set, code))
    if label is not None:
        return str(label)
    option = domain.option(code)
    return option.label if option else code


# --- who may enter answers --------------------------------------------------------------------


def state_organisation_ids(area: Area) -> list[int]:
    """The government organisations that speak for ``area`` (usually one)."""
    return list(
        Organisation.objects.filter(
            kind=OrganisationKind.STATE, country_iso3=area.iso3, is_active=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def can_edit(user: Any, area: Area) -> bool:
    """Platform administrators, and focal points and administrators of the State's government."""
    if is_platform_admin(user):
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(
        user=user,
        role__in=EDIT_ROLES,
        organisation__kind=OrganisationKind.STATE,
        organisation__country_iso3=area.iso3,
        organisation__is_active=True,
    ).exists()


def editable_area_ids(user: Any) -> set[str] | None:
    """The ISO3 codes ``user`` may enter answers for; None for every State (platform admins)."""
    if is_platform_admin(user):
        return None
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return set(
        Membership.objects.filter(
            user=user,
            role__in=EDIT_ROLES,
            organisation__kind=OrganisationKind.STATE,
            organisation__is_active=True,
        )
        .exclude(organisation__country_iso3="")
        .values_list("organisation__country_iso3", flat=True)
    )


# --- reading -----------------------------------------------------------------------------------


def area_for(iso3: str) -> Area:
    """The State with ISO3 code ``iso3``; NotFound for other codes and for areas that are not
    UN Member States or observer States."""
    area = (
        Area.objects.select_related("region", "subregion")
        .filter(iso3=(iso3 or "").strip().upper())
        .first()
    )
    if area is None or area.un_status not in (UnStatus.MEMBER, UnStatus.OBSERVER):
        raise NotFound(_("No State with the ISO3 code %(code)s.") % {"code": iso3})
    return area


def years() -> list[int]:
    """The years answers may be entered for, newest first."""
    return list(range(timezone.now().year, FIRST_YEAR - 1, -1))


def _urls(iso3: str, year: int | None = None) -> dict[str, str]:
    urls = {
        "url": reverse("statistics:policy-country", args=[iso3]),
        "api_url": f"{API_URL}/{iso3}",
        "registry_url": reverse("registry:country", args=[iso3]),
    }
    if year is not None:
        urls["edit_url"] = reverse("statistics:policy-edit", args=[iso3, year])
    return urls


def _domains(a: PolicyAssessment) -> list[dict[str, Any]]:
    out = []
    for d in policy.DOMAINS:
        score = a.domain_scores.get(str(d.number))
        level = policy.level_of(score) if score is not None else None
        out.append(
            {
                "number": d.number,
                "code": d.code,
                "name": d.name,
                "score": score,
                "level": level,
                "level_label": level_label(level),
            }
        )
    return out


def _answers(a: PolicyAssessment) -> list[dict[str, Any]]:
    out = []
    for d in policy.DOMAINS:
        for s in d.sub_categories:
            code = a.answers.get(s.code, "")
            option = d.option(code)
            out.append(
                {
                    "code": s.code,
                    "domain": d.number,
                    "name": s.name,
                    "label": s.label,
                    "answer": code,
                    "answer_label": _option_label(d, code) if code else "",
                    "value": float(option.value) if option else None,
                }
            )
    return out


def _result(a: PolicyAssessment, *, answers: bool = False) -> dict[str, Any]:
    area = a.area
    data: dict[str, Any] = {
        "iso3": area.iso3,
        "m49": area.m49,
        "name": area.name,
        "region": area.region.name if area.region else "",
        "year": a.year,
        "overall": a.overall,
        "level": a.level,
        "level_label": level_label(a.level),
        "domains": _domains(a),
        "source": a.source,
        "version": a.version,
        "updated_at": a.updated_at,
        **_urls(area.iso3, a.year),
    }
    if answers:
        data["answers"] = _answers(a)
    return data


def _check_filters(level: int | None, region: str | None) -> tuple[int | None, str]:
    problems = []
    if level is not None and level not in policy.LEVELS:
        problems.append(FieldError(_("must be 1, 2, 3 or 4"), "level"))
    region = (region or "").strip()
    if region and not Region.objects.filter(m49=region).exists():
        problems.append(
            FieldError(_("unknown M49 region code %(code)s") % {"code": region}, "region")
        )
    if problems:
        raise InvalidInput(_("The filters are not valid."), problems)
    return level, region


def _latest(where: Q) -> list[PolicyAssessment]:
    """The newest assessment of each State matching ``where``, by country name."""
    seen: set[int] = set()
    out = []
    qs = (
        PolicyAssessment.objects.filter(where)
        .select_related("area", "area__region")
        .order_by("area_id", "-year")
    )
    for a in qs:
        if a.area_id not in seen:
            seen.add(a.area_id)
            out.append(a)
    return sorted(out, key=lambda a: a.area.name)


def world(*, level: int | None = None, region: str | None = None) -> dict[str, Any]:
    """Each State's latest result, filtered by level (1 to 4) and M49 region; with the counts by
    level, the map's data and the boundary disclaimer."""
    level, region = _check_filters(level, region)
    where = Q(area__un_status__in=(UnStatus.MEMBER, UnStatus.OBSERVER))
    if region:
        where &= in_region(region, "area__")
    latest = _latest(where)
    counts = dict.fromkeys(policy.LEVELS, 0)
    for a in latest:
        counts[a.level] = counts.get(a.level, 0) + 1
    shown = [a for a in latest if level is None or a.level == level]
    results = [_result(a) for a in shown]
    params = {k: str(v) for k, v in (("level", level), ("region", region)) if v}
    return {
        "count": len(results),
        "results": results,
        "levels": [
            {"level": n, "label": level_label(n), "count": counts[n]} for n in sorted(policy.LEVELS)
        ],
        "map": [
            {
                "m49": r["m49"],
                "iso3": r["iso3"],
                "name": r["name"],
                "value": r["level"],
                "label": r["level_label"],
            }
            for r in results
        ],
        "domains": [{"number": d.number, "code": d.code, "name": d.name} for d in policy.DOMAINS],
        "filters": params,
        "disclaimer": BOUNDARY_DISCLAIMER,
    }


def country_history(area: Area) -> dict[str, Any]:
    """Every year recorded for ``area``, newest first, with the answers."""
    rows = (
        PolicyAssessment.objects.filter(area=area)
        .select_related("area", "area__region")
        .order_by("-year")
    )
    results = [_result(a, answers=True) for a in rows]
    return {
        "area": {
            "iso3": area.iso3,
            "m49": area.m49,
            "name": area.name,
            "region": area.region.name if area.region else "",
            **_urls(area.iso3),
        },
        "latest": results[0] if results else None,
        "results": results,
    }


def country_result(area: Area) -> dict[str, Any] | None:
    """The latest result of ``area`` (for the country profile), or None when none is recorded."""
    a = (
        PolicyAssessment.objects.filter(area=area)
        .select_related("area", "area__region")
        .order_by("-year")
        .first()
    )
    return _result(a) if a is not None else None


def assessment(area: Area, year: int) -> dict[str, Any] | None:
    """One year's result with its answers, or None."""
    a = (
        PolicyAssessment.objects.filter(area=area, year=year)
        .select_related("area", "area__region")
        .first()
    )
    return _result(a, answers=True) if a is not None else None


def form_domains() -> list[dict[str, Any]]:
    """The 30 questions grouped by domain, with their answer options, for the entry form."""
    return [
        {
            "number": d.number,
            "code": d.code,
            "name": d.name,
            "about": d.about,
            "options": [{"code": o.code, "label": _option_label(d, o.code)} for o in d.options],
            "sub_categories": [
                {"code": s.code, "name": s.name, "label": s.label} for s in d.sub_categories
            ],
        }
        for d in policy.DOMAINS
    ]


def method() -> dict[str, Any]:
    """What the pages say about the method, and where it comes from."""
    defs = policy.DEFINITIONS
    return {
        "indicator": defs.indicator,
        "levels": [
            {"level": lv.level, "label": level_label(lv.level), "from": lv.lower}
            for lv in defs.levels
        ],
        "sources": list(dict.fromkeys([*defs.indicator.get("source", []), *defs.level_source])),
    }


def import_template() -> str:
    """A CSV with the import columns and one example row."""
    header = ["iso3", "year", *policy.CODES, "source"]
    example = ["MAR", str(timezone.now().year - 1)]
    example += ["yes_legal" if c.startswith("1") else "yes" for c in policy.CODES]
    example += ["UN Inquiry among Governments on Population and Development"]
    return ",".join(header) + "\r\n" + ",".join(example) + "\r\n"

"""Reading and checking the registry's reference YAML (mechanisms, institutions, meetings, votes).

Nothing here touches the database: the result is plain data, each record carrying the place
(file, line, item) it came from so the loader can name it when something does not fit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gcmhub.common.errors import InvalidInput
from gcmhub.common.yamlfile import LINE, Collector, read_release, str_list
from gcmhub.framework.kinds import Basis

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
FILES = ("areas.yaml", "institutions.yaml", "mechanisms.yaml", "meetings.yaml", "votes.yaml")
ISO3 = re.compile(r"^[A-Z]{3}$")
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MECHANISM_TYPES = {"rcp", "irf", "global"}
CERTAINTIES = {"confirmed", "uncertain", "inferred"}
ORG_KINDS = {"un_entity", "regional", "intergovernmental", "stakeholder", "local_government"}
ORG_GROUPS = {"commission", "economic_organisation", "other"}
BODY_ROLES = {"member", "partner", "observer"}


@dataclass
class Claim:
    """One source's statement about an area's place in a mechanism."""

    area: str
    role: str
    primary: bool
    certainty: str
    source: str
    note: str = ""
    joined: str = ""
    left: str = ""


@dataclass
class MechanismSpec:
    slug: str
    location: str
    fields: dict[str, Any]
    claims: list[Claim] = field(default_factory=list)
    events: list[dict[str, str]] = field(default_factory=list)
    focus: list[dict[str, str]] = field(default_factory=list)
    bodies: list[dict[str, str]] = field(default_factory=list)
    support: list[str] = field(default_factory=list)


@dataclass
class OrganisationSpec:
    slug: str
    location: str
    fields: dict[str, Any]
    stakeholder_category: str
    country: str
    members: list[dict[str, str]] = field(default_factory=list)


@dataclass
class MeetingSpec:
    key: tuple[str, int]
    location: str
    fields: dict[str, Any]
    host: str


@dataclass
class RegistryReference:
    version: str = ""
    checksum: str = ""
    member_states: list[str] = field(default_factory=list)
    observer_states: list[str] = field(default_factory=list)
    membership_sources: list[str] = field(default_factory=list)
    extra_areas: list[dict[str, Any]] = field(default_factory=list)
    votes: dict[str, str] = field(default_factory=dict)
    vote_info: dict[str, Any] = field(default_factory=dict)
    organisations: list[OrganisationSpec] = field(default_factory=list)
    mechanisms: list[MechanismSpec] = field(default_factory=list)
    meetings: list[MeetingSpec] = field(default_factory=list)

    def area_codes(self) -> dict[str, str]:
        """Every area code the files mention, with the first place that mentions it."""
        found: dict[str, str] = {}

        def add(code: str, where: str) -> None:
            found.setdefault(code, where)

        for code in self.member_states + self.observer_states:
            add(code, "areas.yaml")
        for code in self.votes:
            add(code, "votes.yaml")
        for org in self.organisations:
            if org.country:
                add(org.country, org.location)
            for member in org.members:
                add(member["area"], org.location)
        for mech in self.mechanisms:
            for claim in mech.claims:
                add(claim.area, mech.location)
            for event in mech.events:
                add(event["area"], mech.location)
        for meeting in self.meetings:
            if meeting.host:
                add(meeting.host, meeting.location)
        return found


class _Reader:
    def __init__(self, errors: Collector) -> None:
        self.errors = errors

    def codes(self, value: Any, where: str, name: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.errors.add(where, "must be a list of ISO3 codes", name)
            return []
        good = []
        for code in value:
            if isinstance(code, str) and ISO3.match(code):
                good.append(code)
            else:
                self.errors.add(
                    where, f"{code!r} is not an ISO3 code (three capital letters)", name
                )
        duplicates = sorted({c for c in good if good.count(c) > 1})
        if duplicates:
            self.errors.add(where, f"listed twice: {', '.join(duplicates)}", name)
        return list(dict.fromkeys(good))

    def text(self, raw: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
        value = raw.get(key)
        if value is None:
            if required:
                self.errors.add(where, "is required", key)
            return ""
        if not isinstance(value, str | int):
            self.errors.add(where, "must be a text", key)
            return ""
        return str(value).strip()

    def choice(
        self, raw: dict[str, Any], key: str, where: str, allowed: set[str], default: str
    ) -> str:
        value = raw.get(key, default)
        if value not in allowed:
            self.errors.add(
                where, f"must be one of {', '.join(sorted(allowed))}, not {value!r}", key
            )
            return default
        return str(value)

    def partial_date(self, raw: dict[str, Any], key: str, where: str) -> str:
        value = raw.get(key)
        if value is None:
            return ""
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        if not PARTIAL_DATE.match(text):
            self.errors.add(where, f"must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}", key)
            return ""
        return text

    def year(self, raw: dict[str, Any], key: str, where: str) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or not 1900 <= value <= 2100:
            self.errors.add(where, f"must be a year, not {value!r}", key)
            return None
        return value

    def unknown_keys(self, raw: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in sorted(set(raw) - allowed - {LINE}):
            self.errors.add(where, "unknown field", key)


def _location(name: str, raw: dict[str, Any], label: str) -> str:
    return f"{name}, line {raw.get(LINE, '?')}, {label}"


def _mapping_list(data: dict[str, Any], key: str, name: str, errors: Collector) -> list[Any]:
    entries = data.get(key) or []
    if not isinstance(entries, list):
        errors.add(name, "must be a list", key)
        return []
    good = [e for e in entries if isinstance(e, dict)]
    if len(good) != len(entries):
        errors.add(name, "each entry must be a mapping", key)
    return good


def _read_areas(data: dict[str, Any], result: RegistryReference, r: _Reader) -> None:
    membership = data.get("un_membership") or {}
    where = "areas.yaml, un_membership"
    result.member_states = r.codes(membership.get("member_states"), where, "member_states")
    result.observer_states = r.codes(membership.get("observer_states"), where, "observer_states")
    result.membership_sources = str_list(
        membership.get("sources"), where, "sources", r.errors, required=True
    )
    for raw in _mapping_list(data, "extra_areas", "areas.yaml", r.errors):
        code = raw.get("code")
        at = _location("areas.yaml", raw, f"area {code}")
        r.unknown_keys(raw, {"code", "name", "kind", "notes", "sources"}, at)
        if not (isinstance(code, str) and ISO3.match(code)):
            r.errors.add(at, f"{code!r} is not a three-letter code", "code")
            continue
        result.extra_areas.append(
            {
                "iso3": code,
                "name": r.text(raw, "name", at, required=True),
                "notes": str_list(raw.get("notes"), at, "notes", r.errors, required=False),
                "sources": str_list(raw.get("sources"), at, "sources", r.errors, required=True),
            }
        )


def _read_votes(data: dict[str, Any], result: RegistryReference, r: _Reader) -> None:
    for raw in _mapping_list(data, "votes", "votes.yaml", r.errors):
        at = _location("votes.yaml", raw, f"vote {raw.get('slug')}")
        if raw.get("slug") != "a-res-73-195":
            continue
        positions = {
            "against": r.codes(raw.get("against"), at, "against"),
            "abstaining": r.codes(raw.get("abstaining"), at, "abstaining"),
            "not_voting": r.codes(raw.get("not_voting"), at, "not_voting"),
        }
        for position, codes in positions.items():
            for code in codes:
                if code in result.votes:
                    r.errors.add(at, f"{code} has two positions", position)
                result.votes[code] = position
        counts = raw.get("counts") or {}
        result.vote_info = {
            "document": r.text(raw, "document", at, required=True),
            "draft": r.text(raw, "draft", at),
            "date": r.partial_date(raw, "date", at),
            "title": r.text(raw, "title", at),
            "counts": {k: v for k, v in counts.items() if k != LINE},
            "not_voting_listed": raw.get("not_voting") is not None,
            "sources": str_list(raw.get("sources"), at, "sources", r.errors, required=True)
            + str_list(
                raw.get("not_voting_sources"), at, "not_voting_sources", r.errors, required=False
            ),
            "notes": str_list(raw.get("notes"), at, "notes", r.errors, required=False),
        }
        for position, codes in positions.items():
            expected = counts.get(position)
            if codes and isinstance(expected, int) and expected != len(codes):
                r.errors.add(
                    at, f"lists {len(codes)} States but the count says {expected}", position
                )


_ORG_KEYS = {
    "slug", "name", "acronym", "kind", "group", "country", "website", "stakeholder_category",
    "description", "sources", "members",
}  # fmt: skip


def _read_organisations(data: dict[str, Any], result: RegistryReference, r: _Reader) -> None:
    for raw in _mapping_list(data, "organisations", "institutions.yaml", r.errors):
        slug = raw.get("slug")
        at = _location("institutions.yaml", raw, f"organisation {slug}")
        r.unknown_keys(raw, _ORG_KEYS, at)
        if not (isinstance(slug, str) and SLUG.match(slug)):
            r.errors.add(at, f"{slug!r} is not a slug (lowercase words joined by hyphens)", "slug")
            continue
        spec = OrganisationSpec(
            slug=slug,
            location=at,
            fields={
                "name": r.text(raw, "name", at, required=True),
                "acronym": r.text(raw, "acronym", at),
                "kind": r.choice(raw, "kind", at, ORG_KINDS, "stakeholder"),
                "group": r.choice(raw, "group", at, ORG_GROUPS, "other"),
                "website": r.text(raw, "website", at),
                "description": r.text(raw, "description", at),
                "sources": str_list(raw.get("sources"), at, "sources", r.errors, required=True),
            },
            stakeholder_category=r.text(raw, "stakeholder_category", at),
            country=r.text(raw, "country", at),
        )
        members = raw.get("members")
        if isinstance(members, dict):
            sources = str_list(
                members.get("sources"), at, "members.sources", r.errors, required=True
            )
            common = {
                "certainty": r.choice(members, "certainty", at, CERTAINTIES, "confirmed"),
                "source": " ; ".join(sources),
                "as_of": r.partial_date(members, "as_of", at),
                "note": r.text(members, "note", at),
            }
            for role, key in (("member", "members"), ("associate_member", "associate_members")):
                for code in r.codes(members.get(key), at, f"members.{key}"):
                    spec.members.append({"area": code, "role": role, **common})
        elif members is not None:
            r.errors.add(at, "must be a mapping with sources and members", "members")
        result.organisations.append(spec)


_MECH_KEYS = {
    "slug", "short_name", "acronym", "full_name", "type", "type_claims", "type_sources",
    "established", "established_note", "established_sources", "established_claims", "active",
    "secretariat", "secretariat_sources", "support_organisations", "regions", "focus",
    "membership", "alternative_claims", "history", "organisations", "notes",
}  # fmt: skip
_MEMBERSHIP_KEYS = {
    "status_note", "certainty", "sources", "as_of", "members", "observers", "observer_sources",
    "member_count_stated", "exceptions", "ambiguous",
}  # fmt: skip


def _claims_list(
    value: Any, at: str, name: str, r: _Reader, keys: set[str]
) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        r.errors.add(at, "must be a list of mappings", name)
        return []
    for entry in value:
        r.unknown_keys(entry, keys, f"{at} ({name}, line {entry.get(LINE, '?')})")
    return value


def _read_membership(raw: dict[str, Any], spec: MechanismSpec, at: str, r: _Reader) -> None:
    membership = raw.get("membership")
    if not isinstance(membership, dict):
        r.errors.add(
            at, "is required: a mapping with the member list and its sources", "membership"
        )
        return
    r.unknown_keys(membership, _MEMBERSHIP_KEYS, f"{at}, membership")
    sources = str_list(membership.get("sources"), at, "membership.sources", r.errors, required=True)
    certainty = r.choice(membership, "certainty", at, CERTAINTIES, "confirmed")
    members = membership.get("members")
    stated = membership.get("member_count_stated")
    spec.fields.update(
        enumerated=members is not None,
        membership_note=r.text(membership, "status_note", at),
        membership_certainty=certainty,
        membership_sources=sources,
        membership_as_of=r.partial_date(membership, "as_of", at),
        member_count_stated="" if stated is None else str(stated),
    )
    source = " ; ".join(sources)
    observer_sources = str_list(
        membership.get("observer_sources"),
        at,
        "membership.observer_sources",
        r.errors,
        required=False,
    )
    exceptions: dict[Any, dict[str, Any]] = {}
    for entry in _claims_list(
        membership.get("exceptions"), at, "exceptions", r, {"area", "certainty", "note"}
    ):
        exceptions[entry.get("area")] = entry
    primary: dict[str, str] = {}
    for role, key, role_source in (
        ("member", "members", source),
        ("observer", "observers", " ; ".join(observer_sources) or source),
    ):
        for code in r.codes(membership.get(key), at, f"membership.{key}"):
            if code in primary:
                r.errors.add(at, f"{code} is both a member and an observer", f"membership.{key}")
                continue
            primary[code] = role
            exception = exceptions.pop(code, {})
            spec.claims.append(
                Claim(
                    area=code,
                    role=role,
                    primary=True,
                    certainty=r.choice(exception, "certainty", at, CERTAINTIES, certainty),
                    source=role_source,
                    note=str(exception.get("note") or ""),
                )
            )
    for code in exceptions:
        r.errors.add(at, f"exception for {code}, which is not in the list", "membership.exceptions")
    for entry in _claims_list(
        membership.get("ambiguous"), at, "ambiguous", r, {"label", "areas", "role", "note"}
    ):
        label = entry.get("label", "")
        for code in r.codes(entry.get("areas"), at, "membership.ambiguous.areas"):
            if code in primary:
                continue
            primary[code] = "member"
            spec.claims.append(
                Claim(
                    area=code,
                    role=r.choice(entry, "role", at, {"member", "observer"}, "member"),
                    primary=True,
                    certainty="uncertain",
                    source=source,
                    note=f"{label}: {entry.get('note') or ''}".strip(": "),
                )
            )
    for entry in _claims_list(
        raw.get("alternative_claims"),
        at,
        "alternative_claims",
        r,
        {"source", "note", "members", "observers", "count"},
    ):
        _alternative(entry, primary, spec, at, r)


def _alternative(
    entry: dict[str, Any], primary: dict[str, str], spec: MechanismSpec, at: str, r: _Reader
) -> None:
    """Turn another source's list into claims wherever it differs from the main list."""
    source = r.text(entry, "source", at, required=True)
    note = r.text(entry, "note", at)
    members = r.codes(entry.get("members"), at, "alternative_claims.members")
    observers = r.codes(entry.get("observers"), at, "alternative_claims.observers")
    has_members = entry.get("members") is not None
    if not has_members and entry.get("observers") is None:
        spec.fields["notes"].append(f"{note} ({source})" if note else source)
        return
    said = dict.fromkeys(members, "member") | dict.fromkeys(observers, "observer")
    for code, role in said.items():
        if primary.get(code) != role:
            spec.claims.append(Claim(code, role, False, "uncertain", source, note))
    # A source that lists only observers says nothing about who is a member, and the reverse.
    compared = {"member", "observer"} if has_members else {"observer"}
    if entry.get("observers") is None:
        compared = {"member"}
    for code, role in primary.items():
        if code not in said and role in compared:
            spec.claims.append(Claim(code, "not_listed", False, "uncertain", source, note))


def _read_mechanism(raw: dict[str, Any], r: _Reader) -> MechanismSpec | None:
    slug = raw.get("slug")
    at = _location("mechanisms.yaml", raw, f"mechanism {slug}")
    r.unknown_keys(raw, _MECH_KEYS, at)
    if not (isinstance(slug, str) and SLUG.match(slug)):
        r.errors.add(at, f"{slug!r} is not a slug (lowercase words joined by hyphens)", "slug")
        return None
    errs = r.errors

    def sources(key: str, required: bool = False) -> list[str]:
        return str_list(raw.get(key), at, key, errs, required=required)

    type_claims = []
    for claim in _claims_list(
        raw.get("type_claims"), at, "type_claims", r, {"type", "source", "note"}
    ):
        type_claims.append(
            {
                "type": r.choice(claim, "type", at, MECHANISM_TYPES, "rcp"),
                "source": r.text(claim, "source", at, required=True),
                "note": r.text(claim, "note", at),
            }
        )
    established_claims = []
    for claim in _claims_list(
        raw.get("established_claims"), at, "established_claims", r, {"year", "source", "note"}
    ):
        established_claims.append(
            {
                "year": r.year(claim, "year", at),
                "source": r.text(claim, "source", at, required=True),
            }
        )
    active = raw.get("active", True)
    if not isinstance(active, bool):
        errs.add(at, "must be true or false", "active")
        active = True
    regions = raw.get("regions") or []
    if not isinstance(regions, list):
        errs.add(at, "must be a list", "regions")
        regions = []
    spec = MechanismSpec(
        slug=slug,
        location=at,
        fields={
            "short_name": r.text(raw, "short_name", at, required=True),
            "acronym": r.text(raw, "acronym", at),
            "full_name": r.text(raw, "full_name", at, required=True),
            "type": r.choice(raw, "type", at, MECHANISM_TYPES, "rcp"),
            "type_claims": type_claims,
            "type_sources": sources("type_sources", required=True),
            "established": r.year(raw, "established", at),
            "established_note": r.text(raw, "established_note", at),
            "established_sources": sources("established_sources"),
            "established_claims": established_claims,
            "active": active,
            "secretariat": r.text(raw, "secretariat", at),
            "secretariat_sources": sources("secretariat_sources"),
            "regions": [str(x) for x in regions],
            "notes": sources("notes"),
        },
        support=str_list(
            raw.get("support_organisations"), at, "support_organisations", errs, required=False
        ),
    )
    _read_membership(raw, spec, at, r)
    for event in _claims_list(
        raw.get("history"), at, "history", r, {"area", "event", "date", "source", "note"}
    ):
        codes = r.codes([event.get("area")], at, "history.area")
        if codes:
            spec.events.append(
                {
                    "area": codes[0],
                    "event": r.choice(event, "event", at, {"joined", "left"}, "joined"),
                    "date": r.partial_date(event, "date", at),
                    "source": r.text(event, "source", at),
                    "note": r.text(event, "note", at),
                }
            )
    for focus in _claims_list(
        raw.get("focus"), at, "focus", r, {"item", "basis", "source", "note"}
    ):
        spec.focus.append(
            {
                "item": r.text(focus, "item", at, required=True),
                "basis": r.choice(focus, "basis", at, set(Basis.values), Basis.EDITORIAL.value),
                "source": r.text(focus, "source", at),
                "note": r.text(focus, "note", at),
            }
        )
    for body in _claims_list(
        raw.get("organisations"), at, "organisations", r, {"organisation", "role", "source"}
    ):
        spec.bodies.append(
            {
                "organisation": r.text(body, "organisation", at, required=True),
                "role": r.choice(body, "role", at, BODY_ROLES, "member"),
                "source": r.text(body, "source", at),
            }
        )
    return spec


def _read_meetings(data: dict[str, Any], result: RegistryReference, r: _Reader) -> None:
    keys = {
        "series", "number", "title", "year", "start", "end", "host_country", "city",
        "organisers", "theme", "certainty", "sources", "notes",
    }  # fmt: skip
    for raw in _mapping_list(data, "meetings", "meetings.yaml", r.errors):
        at = _location("meetings.yaml", raw, f"meeting {raw.get('series')} {raw.get('number')}")
        r.unknown_keys(raw, keys, at)
        number = raw.get("number")
        year = r.year(raw, "year", at)
        if not isinstance(number, int) or year is None:
            r.errors.add(at, "needs a whole number and a year", "number")
            continue
        dates = {}
        for key in ("start", "end"):
            text = r.partial_date(raw, key, at)
            if text and len(text) != 10:
                r.errors.add(at, "must be a full date YYYY-MM-DD", key)
                text = ""
            dates[key] = dt.date.fromisoformat(text) if text else None
        result.meetings.append(
            MeetingSpec(
                key=(r.text(raw, "series", at, required=True), number),
                location=at,
                host=r.text(raw, "host_country", at),
                fields={
                    "title": r.text(raw, "title", at, required=True),
                    "year": year,
                    **dates,
                    "city": r.text(raw, "city", at),
                    "organisers": str_list(
                        raw.get("organisers"), at, "organisers", r.errors, required=False
                    ),
                    "theme": r.text(raw, "theme", at),
                    "certainty": r.choice(raw, "certainty", at, CERTAINTIES, "confirmed"),
                    "sources": str_list(raw.get("sources"), at, "sources", r.errors, required=True),
                    "notes": str_list(raw.get("notes"), at, "notes", r.errors, required=False),
                },
            )
        )


def _check_cross_references(result: RegistryReference, errors: Collector) -> None:
    org_slugs: dict[str, str] = {}
    for org in result.organisations:
        if org.slug in org_slugs:
            errors.add(org.location, f"duplicate slug, first at {org_slugs[org.slug]}", "slug")
        org_slugs[org.slug] = org.location
    mech_slugs: dict[str, str] = {}
    for mech in result.mechanisms:
        if mech.slug in mech_slugs:
            errors.add(mech.location, f"duplicate slug, first at {mech_slugs[mech.slug]}", "slug")
        mech_slugs[mech.slug] = mech.location
        for slug in mech.support + [b["organisation"] for b in mech.bodies]:
            if slug not in org_slugs:
                errors.add(mech.location, f"unknown organisation {slug!r}", "organisations")
    for meeting in result.meetings:
        for slug in meeting.fields["organisers"]:
            if slug not in org_slugs:
                errors.add(meeting.location, f"unknown organisation {slug!r}", "organisers")
    overlap = set(result.member_states) & set(result.observer_states)
    if overlap:
        errors.add("areas.yaml", f"both member and observer: {', '.join(sorted(overlap))}")


def read_registry_reference(directory: Path = REFERENCE_DIR) -> RegistryReference:
    """Parse and check the registry files; raise InvalidInput listing every problem."""
    errors = Collector()
    reader = _Reader(errors)
    result = RegistryReference()
    release = read_release((directory / name for name in FILES), errors, scope="registry")
    for path, data in release.files:
        name = path.name
        if name == "areas.yaml":
            _read_areas(data, result, reader)
        elif name == "votes.yaml":
            _read_votes(data, result, reader)
        elif name == "institutions.yaml":
            _read_organisations(data, result, reader)
        elif name == "mechanisms.yaml":
            for raw in _mapping_list(data, "mechanisms", name, errors):
                if (spec := _read_mechanism(raw, reader)) is not None:
                    result.mechanisms.append(spec)
        else:
            _read_meetings(data, result, reader)
    _check_cross_references(result, errors)
    if errors.errors:
        raise InvalidInput(
            f"The registry reference data has {len(errors.errors)} problem(s); nothing was loaded.",
            errors.errors,
        )
    result.version = release.version
    result.checksum = release.checksum
    return result

"""Writing to the registry: loading the reference data and the M49 list, editing memberships."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from gcmhub.accounts.models import Organisation, OrganisationKind, User
from gcmhub.accounts.permissions import ensure_authenticated, ensure_platform_admin, ensure_role
from gcmhub.common.audit import audit_record, snapshot
from gcmhub.common.errors import Conflict, FieldError, InvalidInput, NotFound
from gcmhub.common.sync import LoadReport, Rollback, sync_rows
from gcmhub.common.yamlfile import LINE, Collector, load_yaml
from gcmhub.framework.models import FrameworkItem
from gcmhub.registry.m49 import M49Data, read_m49
from gcmhub.registry.models import (
    Affiliation,
    Area,
    Certainty,
    Mechanism,
    MechanismFocus,
    MechanismOrganisation,
    Meeting,
    Membership,
    MembershipEvent,
    MembershipRole,
    Origin,
    Region,
    UnStatus,
    Vote,
)
from gcmhub.registry.permissions import EDIT_ROLES, can_edit_mechanism
from gcmhub.registry.reference import (
    PARTIAL_DATE,
    REFERENCE_DIR,
    RegistryReference,
    read_registry_reference,
)

MEMBERSHIP_FIELDS = ("role", "certainty", "source", "note", "joined", "left")
MAX_IMPORT_BYTES = 2 * 1024 * 1024


class NoAreas(InvalidInput):
    """The registry cannot load before the countries and areas are there."""


# --- loading -------------------------------------------------------------------------------


def _sync_m49(data: M49Data, ref: RegistryReference, report: LoadReport) -> None:
    regions = sync_rows(
        "regions",
        report,
        existing={r.m49: r for r in Region.objects.all()},
        wanted={
            code: {"name": row.name, "level": row.level}
            for code, row in sorted(data.regions.items())
        },
        create=lambda code, values: Region.objects.create(m49=code, **values),
    )
    for code, region_row in data.regions.items():
        region = regions[code]
        parent_id = regions[region_row.parent].pk if region_row.parent else None
        if region.parent_id != parent_id:
            region.parent_id = parent_id
            region.save(update_fields=["parent"])
    existing = {a.iso3: a for a in Area.objects.all()}
    wanted: dict[str, dict[str, Any]] = {}
    for row in data.areas:
        wanted[row.iso3] = {
            "iso2": row.iso2,
            "m49": row.m49,
            "name": row.name,
            "names": row.names,
            "region_id": regions[row.region].pk if row.region else None,
            "subregion_id": regions[row.subregion].pk if row.subregion else None,
            "intermediate_region_id": (
                regions[row.intermediate_region].pk if row.intermediate_region else None
            ),
            "ldc": row.ldc,
            "lldc": row.lldc,
            "sids": row.sids,
            "in_m49": True,
        }
    # Areas that left the list stay (memberships may point at them) but are marked as such.
    for code, area in existing.items():
        if code not in wanted and area.in_m49 and code not in {e["iso3"] for e in ref.extra_areas}:
            wanted[code] = {"in_m49": False}
    sync_rows(
        "areas",
        report,
        existing={k: v for k, v in existing.items() if k in wanted},
        wanted=wanted,
        create=lambda code, values: Area.objects.create(iso3=code, **values),
    )


def _sync_area_facts(ref: RegistryReference, report: LoadReport) -> dict[str, Area]:
    extra = {e["iso3"]: e for e in ref.extra_areas}
    for code, spec in extra.items():
        values = {"name": spec["name"], "notes": spec["notes"], "sources": spec["sources"]}
        area = Area.objects.filter(iso3=code).first()
        if area is None:
            Area.objects.create(iso3=code, in_m49=False, **values)
            report.counts.setdefault(
                "areas", {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}
            )["created"] += 1
        elif any(getattr(area, k) != v for k, v in values.items()):
            Area.objects.filter(pk=area.pk).update(**values)
    areas = {a.iso3: a for a in Area.objects.all()}
    members, observers = set(ref.member_states), set(ref.observer_states)
    listed = ref.vote_info.get("not_voting_listed", False)
    tally = report.counts.setdefault(
        "un_status", {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}
    )
    for code, area in areas.items():
        status = (
            UnStatus.MEMBER
            if code in members
            else UnStatus.OBSERVER
            if code in observers
            else UnStatus.OTHER
        )
        vote = ""
        if status == UnStatus.MEMBER:
            vote = ref.votes.get(code) or (
                Vote.IN_FAVOUR if listed else Vote.IN_FAVOUR_OR_NOT_VOTING
            )
        if area.un_status != status or area.gcm_vote != vote:
            area.un_status, area.gcm_vote = status, vote
            area.save(update_fields=["un_status", "gcm_vote"])
            tally["updated"] += 1
        else:
            tally["unchanged"] += 1
    return areas


def _check_areas(ref: RegistryReference, areas: dict[str, Area]) -> None:
    problems = [
        FieldError(message=f"unknown country or area code {code}", field="area", location=where)
        for code, where in sorted(ref.area_codes().items(), key=lambda kv: kv[1])
        if code not in areas
    ]
    if problems:
        raise InvalidInput(
            f"The registry data names {len(problems)} unknown area(s); nothing was loaded.",
            problems,
        )


def _sync_organisations(ref: RegistryReference, report: LoadReport) -> dict[str, Organisation]:
    categories = {i.code: i.pk for i in FrameworkItem.objects.filter(kind="stakeholder_category")}
    wanted: dict[str, dict[str, Any]] = {}
    problems = []
    for spec in ref.organisations:
        category = spec.stakeholder_category
        if category and category not in categories:
            problems.append(
                FieldError(
                    f"unknown stakeholder category {category!r}",
                    "stakeholder_category",
                    spec.location,
                )
            )
        wanted[spec.slug] = {
            **spec.fields,
            "slug": spec.slug,
            "country_iso3": spec.country,
            "stakeholder_category_id": categories.get(category),
        }
    for mech in ref.mechanisms:
        wanted[f"mechanism:{mech.slug}"] = {
            "name": f"{mech.fields['short_name']} secretariat",
            "slug": f"{mech.slug}-secretariat",
            "kind": OrganisationKind.SECRETARIAT,
            "group": "other",
            "acronym": "",
            "website": "",
            "description": "",
            "sources": mech.fields["secretariat_sources"],
            "country_iso3": "",
            "stakeholder_category_id": None,
        }
    if problems:
        raise InvalidInput(
            "The registry reference data has problems; nothing was loaded.", problems
        )
    existing = {o.reference_key: o for o in Organisation.objects.exclude(reference_key="")}
    # An organisation an administrator created by hand with the same slug is adopted, not doubled.
    for key, values in wanted.items():
        if key not in existing:
            match = (
                Organisation.objects.filter(slug=values["slug"]).first()
                or Organisation.objects.filter(name=values["name"]).first()
            )
            if match is not None:
                match.reference_key = key
                match.save(update_fields=["reference_key"])
                existing[key] = match
    orgs = sync_rows(
        "organisations",
        report,
        existing={k: v for k, v in existing.items() if k in wanted},
        wanted=wanted,
        create=lambda key, values: Organisation.objects.create(reference_key=key, **values),
    )
    return orgs


def _sync_mechanisms(
    ref: RegistryReference,
    orgs: dict[str, Organisation],
    areas: dict[str, Area],
    report: LoadReport,
) -> None:
    mechanisms = sync_rows(
        "mechanisms",
        report,
        existing={m.slug: m for m in Mechanism.objects.all()},
        wanted={
            m.slug: {**m.fields, "organisation_id": orgs[f"mechanism:{m.slug}"].pk}
            for m in ref.mechanisms
        },
        create=lambda slug, values: Mechanism.objects.create(slug=slug, **values),
    )
    items = {f"{i.kind}:{i.code}": i.pk for i in FrameworkItem.objects.all()}
    problems = [
        FieldError(f"unknown framework item {f['item']!r}", "focus", m.location)
        for m in ref.mechanisms
        for f in m.focus
        if f["item"] not in items
    ]
    if problems:
        raise InvalidInput(
            "The registry reference data has problems; nothing was loaded.", problems
        )
    for spec in ref.mechanisms:
        mech = mechanisms[spec.slug]
        support = {orgs[s].pk for s in spec.support}
        if set(mech.support_organisations.values_list("pk", flat=True)) != support:
            mech.support_organisations.set(support)
    sync_rows(
        "focus",
        report,
        existing={
            (f.mechanism.slug, f"{f.item.kind}:{f.item.code}"): f
            for f in MechanismFocus.objects.select_related("mechanism", "item")
        },
        wanted={
            (m.slug, f["item"]): {"basis": f["basis"], "source": f["source"], "note": f["note"]}
            for m in ref.mechanisms
            for f in m.focus
        },
        create=lambda key, values: MechanismFocus.objects.create(
            mechanism=mechanisms[key[0]], item_id=items[key[1]], **values
        ),
    )
    sync_rows(
        "mechanism_organisations",
        report,
        existing={
            (b.mechanism.slug, b.organisation.reference_key): b
            for b in MechanismOrganisation.objects.select_related("mechanism", "organisation")
        },
        wanted={
            (m.slug, b["organisation"]): {"role": b["role"], "source": b["source"]}
            for m in ref.mechanisms
            for b in m.bodies
        },
        create=lambda key, values: MechanismOrganisation.objects.create(
            mechanism=mechanisms[key[0]], organisation=orgs[key[1]], **values
        ),
    )
    _sync_memberships(ref, mechanisms, areas, report)


def _claim_key(mechanism: str, area: str, primary: bool, source: str) -> tuple[str, str, bool, str]:
    return (mechanism, area, primary, "" if primary else source)


def _sync_memberships(
    ref: RegistryReference,
    mechanisms: dict[str, Mechanism],
    areas: dict[str, Area],
    report: LoadReport,
) -> None:
    rows = Membership.objects.select_related("mechanism", "area")
    edited = {
        _claim_key(m.mechanism.slug, m.area.iso3, m.primary, m.source)
        for m in rows
        if m.origin != Origin.REFERENCE
    }
    joined = {
        (m.slug, e["area"]): e["date"]
        for m in ref.mechanisms
        for e in sorted(m.events, key=lambda e: e["date"], reverse=True)
        if e["event"] == "joined" and e["date"]
    }
    left = {
        (m.slug, e["area"]): e["date"]
        for m in ref.mechanisms
        for e in m.events
        if e["event"] == "left"
    }
    wanted: dict[tuple[str, str, bool, str], dict[str, Any]] = {}
    for spec in ref.mechanisms:
        for claim in spec.claims:
            key = _claim_key(spec.slug, claim.area, claim.primary, claim.source)
            if key in edited:
                continue  # a person has taken this row over; the reference no longer decides it
            wanted[key] = {
                "role": claim.role,
                "certainty": claim.certainty,
                "source": claim.source,
                "note": claim.note,
                "joined": joined.get((spec.slug, claim.area), "") if claim.primary else "",
                "left": left.get((spec.slug, claim.area), "") if claim.primary else "",
            }
    sync_rows(
        "memberships",
        report,
        existing={
            _claim_key(m.mechanism.slug, m.area.iso3, m.primary, m.source): m
            for m in rows
            if m.origin == Origin.REFERENCE
        },
        wanted=wanted,
        create=lambda key, values: Membership.objects.create(
            mechanism=mechanisms[key[0]], area=areas[key[1]], primary=key[2], **values
        ),
    )
    sync_rows(
        "membership_events",
        report,
        existing={
            (e.mechanism.slug, e.area.iso3, e.event, e.date): e
            for e in MembershipEvent.objects.select_related("mechanism", "area")
        },
        wanted={
            (m.slug, e["area"], e["event"], e["date"]): {"source": e["source"], "note": e["note"]}
            for m in ref.mechanisms
            for e in m.events
        },
        create=lambda key, values: MembershipEvent.objects.create(
            mechanism=mechanisms[key[0]], area=areas[key[1]], event=key[2], date=key[3], **values
        ),
    )


def _sync_affiliations(
    ref: RegistryReference,
    orgs: dict[str, Organisation],
    areas: dict[str, Area],
    report: LoadReport,
) -> None:
    sync_rows(
        "affiliations",
        report,
        existing={
            (a.organisation.reference_key, a.area.iso3): a
            for a in Affiliation.objects.select_related("organisation", "area")
        },
        wanted={
            (o.slug, m["area"]): {k: v for k, v in m.items() if k != "area"}
            for o in ref.organisations
            for m in o.members
        },
        create=lambda key, values: Affiliation.objects.create(
            organisation=orgs[key[0]], area=areas[key[1]], **values
        ),
    )


def _sync_meetings(ref: RegistryReference, areas: dict[str, Area], report: LoadReport) -> None:
    sync_rows(
        "meetings",
        report,
        existing={(m.series, m.number): m for m in Meeting.objects.all()},
        wanted={
            m.key: {**m.fields, "host_id": areas[m.host].pk if m.host else None}
            for m in ref.meetings
        },
        create=lambda key, values: Meeting.objects.create(series=key[0], number=key[1], **values),
    )


def registry_load(
    *,
    by: User | None,
    directory: Path = REFERENCE_DIR,
    m49_path: Path | None = None,
    dry_run: bool = False,
) -> LoadReport:
    """Check the registry files (and the M49 file, when given), then load them in one transaction.

    Loading the same files again changes nothing and records nothing. Memberships a person has
    edited or imported are left as they are. Raises ``NoAreas`` when no countries are loaded
    and no M49 file is given.
    """
    if by is not None:
        ensure_platform_admin(by)
    ref = read_registry_reference(directory)
    m49 = read_m49(m49_path) if m49_path is not None else None
    report = LoadReport(version=ref.version, checksum=ref.checksum, dry_run=dry_run)
    try:
        with transaction.atomic():
            if m49 is not None:
                _sync_m49(m49, ref, report)
            elif not Area.objects.filter(in_m49=True).exists():
                raise NoAreas(
                    "No countries or areas are loaded yet: import the UN M49 file first "
                    "(gcmhub import-m49 PATH)."
                )
            areas = _sync_area_facts(ref, report)
            _check_areas(ref, areas)
            orgs = _sync_organisations(ref, report)
            _sync_affiliations(ref, orgs, areas, report)
            _sync_mechanisms(ref, orgs, areas, report)
            _sync_meetings(ref, areas, report)
            if report.changes:
                after: dict[str, Any] = {**report.as_dict()}
                if m49 is not None:
                    after["m49"] = {"file": m49.file_name, "sha256": m49.sha256}
                audit_record(
                    action="registry.load", by=by, obj=None, after=after, object_label="registry"
                )
            if dry_run:
                raise Rollback
    except Rollback:
        pass
    return report


# --- editing memberships ---------------------------------------------------------------------


def _ensure_can_edit(user: Any, mechanism: Mechanism) -> None:
    ensure_authenticated(user)
    ensure_role(user, mechanism.organisation, EDIT_ROLES)


@dataclass
class MembershipInput:
    role: str = MembershipRole.MEMBER
    certainty: str = Certainty.CONFIRMED
    source: str = ""
    note: str = ""
    joined: str = ""
    left: str = ""
    location: str = ""
    errors: list[FieldError] = field(default_factory=list)

    def check(self) -> list[FieldError]:
        problems = []
        where = self.location or None
        if self.role not in (MembershipRole.MEMBER, MembershipRole.OBSERVER):
            problems.append(
                FieldError(f"must be member or observer, not {self.role!r}", "role", where)
            )
        if self.certainty not in Certainty.values:
            problems.append(
                FieldError(
                    f"must be one of {', '.join(Certainty.values)}, not {self.certainty!r}",
                    "certainty",
                    where,
                )
            )
        if not self.source.strip():
            problems.append(
                FieldError("is required: say where this membership is stated", "source", where)
            )
        for name in ("joined", "left"):
            value = getattr(self, name)
            if value and not _valid_partial_date(value):
                problems.append(
                    FieldError(f"must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}", name, where)
                )
        if (
            self.joined
            and self.left
            and _valid_partial_date(self.joined)
            and _valid_partial_date(self.left)
        ) and self.left < self.joined:
            problems.append(FieldError("cannot be before the date of joining", "left", where))
        return problems

    def values(self) -> dict[str, str]:
        return {name: getattr(self, name).strip() for name in MEMBERSHIP_FIELDS}


def _valid_partial_date(value: str) -> bool:
    if not PARTIAL_DATE.match(value):
        return False
    parts = [int(p) for p in value.split("-")]
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        return False
    if len(parts) == 3:
        try:
            dt.date(*parts)
        except ValueError:
            return False
    return True


def _save_membership(
    by: User, mechanism: Mechanism, area: Area, data: MembershipInput, origin: str
) -> tuple[Membership, bool]:
    """Create or update the main-list row for ``area``; return it and whether anything changed."""
    row = Membership.objects.filter(mechanism=mechanism, area=area, primary=True).first()
    values = data.values()
    if row is not None and all(getattr(row, k) == v for k, v in values.items()):
        return row, False
    before = snapshot(row) if row is not None else None
    if row is None:
        row = Membership(mechanism=mechanism, area=area, primary=True)
    else:
        row.version += 1
    for name, value in values.items():
        setattr(row, name, value)
    row.origin = origin
    row.updated_by = by
    row.save()
    audit_record(
        action="registry.membership.save" if before else "registry.membership.create",
        by=by,
        obj=row,
        before=before,
        after=snapshot(row),
        organisation_id=mechanism.organisation_id,
        object_label=f"{area.name} in {mechanism.short_name}",
    )
    return row, True


def membership_save(
    *,
    by: User,
    mechanism_slug: str,
    iso3: str,
    data: MembershipInput,
    version: int | None = None,
    adding: bool = False,
) -> Membership:
    """Add an area to a mechanism's main list, or change its entry there.

    ``version`` is the version the editor saw; when someone saved in between, ``Conflict``
    carries the current values and nothing is written. With ``adding``, an area already in the
    main list is a conflict too, so that adding never overwrites an entry.
    """
    mechanism = Mechanism.objects.select_related("organisation").filter(slug=mechanism_slug).first()
    if mechanism is None:
        raise NotFound(f"No consultation mechanism {mechanism_slug!r}.")
    _ensure_can_edit(by, mechanism)
    area = Area.objects.filter(iso3=iso3.upper()).first()
    if area is None:
        raise InvalidInput(
            "Unknown country or area.", [FieldError(f"unknown code {iso3!r}", "iso3")]
        )
    problems = data.check()
    if problems:
        raise InvalidInput("The membership was not saved.", problems)
    with transaction.atomic():
        current = (
            Membership.objects.select_for_update()
            .filter(mechanism=mechanism, area=area, primary=True)
            .first()
        )
        if adding and current is not None:
            raise Conflict(
                f"{area.name} is already in the list; edit its entry instead.",
                current=snapshot(current, (*MEMBERSHIP_FIELDS, "version")),
            )
        if version is not None and current is not None and current.version != version:
            raise Conflict(
                "Someone else changed this membership after you opened it; review their version.",
                current=snapshot(current, (*MEMBERSHIP_FIELDS, "version")),
            )
        row, _ = _save_membership(by, mechanism, area, data, Origin.EDIT)
    return row


# --- importing memberships -------------------------------------------------------------------

IMPORT_COLUMNS = ("mechanism", "iso3", "role", "joined", "left", "source", "certainty", "note")


@dataclass
class ImportReport:
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
        }


def _parse_rows(content: bytes, filename: str) -> list[tuple[str, dict[str, str]]]:
    """(location, row) pairs from a CSV or YAML membership file."""
    name = Path(filename).name or "upload"
    if len(content) > MAX_IMPORT_BYTES:
        raise InvalidInput(
            f"{name} is {len(content):,} bytes; the limit is {MAX_IMPORT_BYTES:,}.",
            [FieldError("file too large", "file", name)],
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{name} is not UTF-8 text.",
            [FieldError(f"undecodable byte at {exc.start}", "file", name)],
        ) from exc
    if name.lower().endswith((".yaml", ".yml")):
        errors = Collector()
        data = load_yaml(name, text, errors)
        if errors.errors:
            raise InvalidInput(f"{name} is not valid YAML; nothing was imported.", errors.errors)
        entries = data.get("memberships") if isinstance(data, dict) else data
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise InvalidInput(
                f"{name} must hold a list of memberships (or a mapping with 'memberships').",
                [FieldError("expected a list of mappings", "memberships", name)],
            )
        return [
            (
                f"{name}, line {e.get(LINE, '?')}",
                {str(k): "" if v is None else str(v) for k, v in e.items() if k != LINE},
            )
            for e in entries
        ]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("mechanism", "iso3", "source") if c not in header]
    if missing:
        raise InvalidInput(
            f"{name} lacks required column(s): {', '.join(missing)}; nothing was imported.",
            [FieldError("missing column", c, f"{name}, row 1") for c in missing],
        )
    reader.fieldnames = header
    return [
        (f"{name}, row {n}", {k: (v or "").strip() for k, v in row.items() if k is not None})
        for n, row in enumerate(reader, start=2)
    ]


def membership_import(
    *, by: User, content: bytes, filename: str, dry_run: bool = False
) -> ImportReport:
    """Import main-list memberships from CSV or YAML: every row checked first, then one transaction.

    Rows: mechanism (slug), iso3, role (member/observer), joined, left, source, certainty, note.
    Any bad row rejects the whole file, each problem named with its row. Importing the same
    file again changes nothing.
    """
    ensure_authenticated(by)
    rows = _parse_rows(content, filename)
    if not rows:
        raise InvalidInput(f"{Path(filename).name} holds no rows; nothing was imported.")
    mechanisms = {m.slug: m for m in Mechanism.objects.select_related("organisation")}
    areas = {a.iso3: a for a in Area.objects.all()}
    problems: list[FieldError] = []
    seen: dict[tuple[str, str], str] = {}
    parsed = []
    allowed: dict[str, bool] = {}
    for where, row in rows:
        unknown = sorted(set(row) - set(IMPORT_COLUMNS))
        for column in unknown:
            problems.append(FieldError("unknown column", column, where))
        slug, iso3 = row.get("mechanism", ""), row.get("iso3", "").upper()
        mechanism = mechanisms.get(slug)
        if mechanism is None:
            problems.append(FieldError(f"unknown mechanism {slug!r}", "mechanism", where))
        elif slug not in allowed:
            allowed[slug] = can_edit_mechanism(by, mechanism)
        if mechanism is not None and not allowed[slug]:
            problems.append(
                FieldError(
                    f"you may not edit the membership of {mechanism.short_name}", "mechanism", where
                )
            )
        if iso3 not in areas:
            problems.append(FieldError(f"unknown ISO3 code {row.get('iso3', '')!r}", "iso3", where))
        if (slug, iso3) in seen:
            problems.append(FieldError(f"duplicate of {seen[(slug, iso3)]}", "iso3", where))
        seen.setdefault((slug, iso3), where)
        data = MembershipInput(
            role=row.get("role") or MembershipRole.MEMBER,
            certainty=row.get("certainty") or Certainty.CONFIRMED,
            source=row.get("source", ""),
            note=row.get("note", ""),
            joined=row.get("joined", ""),
            left=row.get("left", ""),
            location=where,
        )
        problems += data.check()
        parsed.append((mechanism, areas.get(iso3), data))
    if problems:
        raise InvalidInput(
            f"{Path(filename).name}: {len(problems)} problem(s); nothing was imported.", problems
        )
    report = ImportReport(rows=len(parsed), dry_run=dry_run)
    try:
        with transaction.atomic():
            for mechanism, area, data in parsed:
                assert mechanism is not None and area is not None
                existed = Membership.objects.filter(
                    mechanism=mechanism, area=area, primary=True
                ).exists()
                _, changed = _save_membership(by, mechanism, area, data, Origin.IMPORT)
                if not changed:
                    report.unchanged += 1
                elif existed:
                    report.updated += 1
                else:
                    report.created += 1
            if report.created or report.updated:
                audit_record(
                    action="registry.membership.import",
                    by=by,
                    obj=None,
                    after={"file": Path(filename).name, **report.as_dict()},
                    object_label=Path(filename).name,
                )
            if dry_run:
                raise Rollback
    except Rollback:
        pass
    return report

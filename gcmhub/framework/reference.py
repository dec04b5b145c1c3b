"""Reading and validating the reference YAML files, before anything touches the database.

Every problem is collected with its file, line and item, so one run reports all of them; the
loader writes nothing unless this module found none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gcmhub.common.errors import InvalidInput
from gcmhub.common.yamlfile import LINE, Collector, read_release, str_list, strip_lines
from gcmhub.framework.kinds import Basis, ItemKind, Relation

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
LANGUAGES = {"fr", "es", "ar", "ru", "zh"}
TOP_LEVEL_KEYS = {"release", "items", "links", "key_dates", "scoring"}
ITEM_KEYS = {
    "kind", "code", "number", "title", "short_title", "parent", "description",
    "attributes", "sources", "notes", "titles",
}  # fmt: skip
LINK_KEYS = {"from", "to", "relation", "basis", "sources", "note"}
KEY_DATE_KEYS = {"code", "title", "start", "end", "document", "description", "sources", "notes"}


@dataclass(frozen=True)
class ItemSpec:
    kind: str
    code: str
    number: int
    title: str
    short_title: str
    parent: tuple[str, str] | None
    description: str
    attributes: dict[str, Any]
    sources: list[str]
    notes: list[str]
    titles: dict[str, str]
    location: str

    @property
    def ref(self) -> tuple[str, str]:
        return (self.kind, self.code)


@dataclass(frozen=True)
class LinkSpec:
    from_ref: tuple[str, str]
    to_ref: tuple[str, str]
    relation: str
    basis: str
    sources: list[str]
    note: str
    location: str


@dataclass(frozen=True)
class KeyDateSpec:
    code: str
    title: str
    start: dt.date
    end: dt.date | None
    document: str
    description: str
    sources: list[str]
    notes: list[str]
    location: str


@dataclass
class ReferenceSet:
    version: str
    checksum: str
    items: list[ItemSpec] = field(default_factory=list)
    links: list[LinkSpec] = field(default_factory=list)
    key_dates: list[KeyDateSpec] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)


def _ref(value: Any, where: str, name: str, errors: Collector) -> tuple[str, str] | None:
    if not isinstance(value, str) or ":" not in value:
        errors.add(where, f"must read 'kind:code', not {value!r}", name)
        return None
    kind, code = value.split(":", 1)
    if kind not in ItemKind.values:
        errors.add(where, f"unknown kind {kind!r}", name)
        return None
    return (kind, code)


def _date(value: Any, where: str, name: str, errors: Collector) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    errors.add(where, f"must be a date YYYY-MM-DD, not {value!r}", name)
    return None


def _parse_item(raw: Any, path: str, errors: Collector) -> ItemSpec | None:
    if not isinstance(raw, dict):
        errors.add(path, "each item must be a mapping")
        return None
    line = raw.get(LINE, "?")
    code = raw.get("code")
    label = f"{raw.get('kind')}:{code}"
    where = f"{path}, line {line}, item {label}"
    before = len(errors.errors)
    for key in sorted(set(raw) - ITEM_KEYS - {LINE}):
        errors.add(where, "unknown field", str(key))
    kind = raw.get("kind")
    if kind not in ItemKind.values:
        errors.add(where, f"unknown kind {kind!r}", "kind")
    if not isinstance(code, str) or not code.strip():
        errors.add(where, 'must be a non-empty text (quote numbers: code: "1")', "code")
    number = raw.get("number")
    if not isinstance(number, int) or isinstance(number, bool):
        errors.add(where, "must be a whole number", "number")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.add(where, "is required", "title")
    for text_field in ("short_title", "description"):
        if raw.get(text_field) is not None and not isinstance(raw.get(text_field), str):
            errors.add(where, "must be text", text_field)
    attributes = raw.get("attributes") or {}
    if not isinstance(attributes, dict):
        errors.add(where, "must be a mapping", "attributes")
        attributes = {}
    titles = raw.get("titles") or {}
    if not isinstance(titles, dict):
        errors.add(where, "must be a mapping of language code to title", "titles")
        titles = {}
    for lang in sorted(set(titles) - LANGUAGES - {LINE}):
        errors.add(where, f"unknown language {lang!r}", "titles")
    parent = _ref(raw["parent"], where, "parent", errors) if raw.get("parent") else None
    sources = str_list(raw.get("sources"), where, "sources", errors, required=True)
    notes = str_list(raw.get("notes"), where, "notes", errors, required=False)
    if len(errors.errors) > before:
        return None
    assert isinstance(kind, str) and isinstance(code, str) and isinstance(title, str)
    return ItemSpec(
        kind=kind,
        code=code.strip(),
        number=int(number),  # type: ignore[arg-type]
        title=" ".join(title.split()),
        short_title=(raw.get("short_title") or "").strip(),
        parent=parent,
        description=(raw.get("description") or "").strip(),
        attributes=strip_lines(attributes),
        sources=sources,
        notes=notes,
        titles={k: str(v) for k, v in strip_lines(titles).items()},
        location=where,
    )


def _parse_link(raw: Any, path: str, errors: Collector) -> LinkSpec | None:
    if not isinstance(raw, dict):
        errors.add(path, "each link must be a mapping")
        return None
    line = raw.get(LINE, "?")
    where = f"{path}, line {line}, link {raw.get('from')} -> {raw.get('to')}"
    before = len(errors.errors)
    for key in sorted(set(raw) - LINK_KEYS - {LINE}):
        errors.add(where, "unknown field", str(key))
    from_ref = _ref(raw.get("from"), where, "from", errors)
    to_ref = _ref(raw.get("to"), where, "to", errors)
    relation = raw.get("relation")
    if relation not in Relation.values:
        errors.add(where, f"unknown relation {relation!r}", "relation")
    basis = raw.get("basis")
    if basis not in Basis.values:
        errors.add(where, f"must be one of {', '.join(Basis.values)}", "basis")
    sources = str_list(raw.get("sources"), where, "sources", errors, required=basis == Basis.STATED)
    note = raw.get("note") or ""
    if not isinstance(note, str):
        errors.add(where, "must be text", "note")
    if len(errors.errors) > before or from_ref is None or to_ref is None:
        return None
    return LinkSpec(from_ref, to_ref, str(relation), str(basis), sources, note.strip(), where)


def _parse_key_date(raw: Any, path: str, errors: Collector) -> KeyDateSpec | None:
    if not isinstance(raw, dict):
        errors.add(path, "each key date must be a mapping")
        return None
    where = f"{path}, line {raw.get(LINE, '?')}, key date {raw.get('code')}"
    before = len(errors.errors)
    for key in sorted(set(raw) - KEY_DATE_KEYS - {LINE}):
        errors.add(where, "unknown field", str(key))
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip():
        errors.add(where, "is required", "code")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.add(where, "is required", "title")
    start = _date(raw.get("start"), where, "start", errors)
    end = _date(raw["end"], where, "end", errors) if raw.get("end") else None
    if start and end and end < start:
        errors.add(where, "ends before it starts", "end")
    sources = str_list(raw.get("sources"), where, "sources", errors, required=True)
    notes = str_list(raw.get("notes"), where, "notes", errors, required=False)
    if len(errors.errors) > before or start is None:
        return None
    return KeyDateSpec(
        code=str(code).strip(),
        title=" ".join(str(title).split()),
        start=start,
        end=end,
        document=str(raw.get("document") or ""),
        description=str(raw.get("description") or "").strip(),
        sources=sources,
        notes=notes,
        location=where,
    )


def _section(data: dict[str, Any], section: str, name: str, errors: Collector) -> list[Any]:
    entries = data.get(section) or []
    if not isinstance(entries, list):
        errors.add(name, "must be a list", section)
        return []
    return entries


def read_reference(directory: Path = REFERENCE_DIR) -> ReferenceSet:
    """Parse and check every ``*.yaml`` in ``directory``.

    Raises InvalidInput listing every problem found.
    """
    errors = Collector()
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise InvalidInput(f"No reference files (*.yaml) in {directory}.")
    release = read_release(
        files, errors, scope="reference", shape="a mapping with 'release' and 'items'"
    )
    result = ReferenceSet(version="", checksum="")
    for path, data in release.files:
        name = path.name
        for key in sorted(set(data) - TOP_LEVEL_KEYS - {LINE}):
            errors.add(name, "unknown top-level key", str(key))
        for raw in _section(data, "items", name, errors):
            if (item := _parse_item(raw, name, errors)) is not None:
                result.items.append(item)
        for raw in _section(data, "links", name, errors):
            if (link := _parse_link(raw, name, errors)) is not None:
                result.links.append(link)
        for raw in _section(data, "key_dates", name, errors):
            if (key_date := _parse_key_date(raw, name, errors)) is not None:
                result.key_dates.append(key_date)
        if "scoring" in data:
            result.extras[f"{path.stem}.scoring"] = strip_lines(data["scoring"])
    _check_references(result, errors)
    if errors.errors:
        raise InvalidInput(
            f"The reference data has {len(errors.errors)} problem(s); nothing was loaded.",
            errors.errors,
        )
    result.version = release.version
    result.checksum = release.checksum
    return result


def _check_references(result: ReferenceSet, errors: Collector) -> None:
    seen: dict[tuple[str, str], str] = {}
    for item in result.items:
        if item.ref in seen:
            errors.add(item.location, f"duplicate code, first defined at {seen[item.ref]}", "code")
        else:
            seen[item.ref] = item.location
    for item in result.items:
        if item.parent and item.parent not in seen:
            errors.add(item.location, f"unknown parent {':'.join(item.parent)}", "parent")
    links_seen: dict[tuple[Any, ...], str] = {}
    for link in result.links:
        for name, ref in (("from", link.from_ref), ("to", link.to_ref)):
            if ref not in seen:
                errors.add(link.location, f"unknown item {':'.join(ref)}", name)
        key = (link.from_ref, link.to_ref, link.relation)
        if key in links_seen:
            errors.add(link.location, f"duplicate link, first at {links_seen[key]}")
        links_seen[key] = link.location
    dates_seen: dict[str, str] = {}
    for kd in result.key_dates:
        if kd.code in dates_seen:
            errors.add(
                kd.location, f"duplicate code, first defined at {dates_seen[kd.code]}", "code"
            )
        dates_seen[kd.code] = kd.location

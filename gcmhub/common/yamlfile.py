"""YAML reading that keeps line numbers, and a collector of located problems.

Reference and import files are checked whole before anything is saved; each problem names
its file, line and field, so one run reports all of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gcmhub.common.errors import FieldError

LINE = "__line__"


class LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line where each mapping starts (under ``LINE``)."""


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    mapping[LINE] = node.start_mark.line + 1
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def strip_lines(value: Any) -> Any:
    """The same data without the line markers."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


class Collector:
    """Problems found so far, each with where it is and which field."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, location: str, message: str, field_name: str | None = None) -> None:
        self.errors.append(FieldError(message=message, field=field_name, location=location))


def load_yaml(name: str, content: bytes | str, errors: Collector) -> Any:
    """Parse ``content``; on malformed YAML record the problem with its line and return None."""
    try:
        return yaml.load(content, Loader=LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}, line {mark.line + 1}" if mark else name
        problem = getattr(exc, "problem", None) or str(exc)
        errors.add(where, f"malformed YAML: {problem}")
        return None


def str_list(value: Any, where: str, name: str, errors: Collector, *, required: bool) -> list[str]:
    """A list of non-empty texts; a single text counts as a list of one."""
    if isinstance(value, str) and value.strip():
        value = [value]
    if value is None:
        if required:
            errors.add(where, "at least one is required", name)
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors.add(where, "must be a list of non-empty texts", name)
        return []
    if required and not value:
        errors.add(where, "at least one is required", name)
    return [v.strip() for v in value]


@dataclass
class Release:
    """The mappings of a set of reference files, their combined checksum and release name."""

    files: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)
    checksum: str = ""
    version: str = ""


def read_release(
    paths: Iterable[Path], errors: Collector, *, scope: str, shape: str = "a mapping"
) -> Release:
    """Parse each file, which must be a mapping with a ``release`` name shared by all.

    Problems (missing or malformed file, no release, files disagreeing) go to ``errors``;
    the checksum covers every file's name and bytes, so any edit yields a new one.
    """
    result = Release()
    digest = hashlib.sha256()
    versions: set[str] = set()
    for path in paths:
        name = path.name
        if not path.exists():
            errors.add(name, f"missing from {path.parent}")
            continue
        content = path.read_bytes()
        digest.update(name.encode() + b"\0" + content + b"\0")
        data = load_yaml(name, content, errors)
        if data is None:
            continue
        if not isinstance(data, dict):
            errors.add(name, f"the file must hold {shape}")
            continue
        release = data.get("release")
        if isinstance(release, str) and release:
            versions.add(release)
        else:
            errors.add(name, 'is required (e.g. release: "2026.1")', "release")
        result.files.append((path, data))
    if len(versions) > 1:
        errors.add(scope, f"files disagree on the release: {', '.join(sorted(versions))}")
    result.version = next(iter(versions)) if len(versions) == 1 else ""
    result.checksum = digest.hexdigest()
    return result

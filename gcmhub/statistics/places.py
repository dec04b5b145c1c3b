"""Reading publishers' place codes and names into gcmhub's places (see reference/places.yaml).

``Places`` is a plain lookup built once per import from the registry and the reference file;
the importers use it without touching the database again.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from gcmhub.statistics.models import UNKNOWN, GeoKind


def fold(name: str) -> str:
    """A name compared without case, accents, leading/trailing spaces or footnote stars."""
    text = unicodedata.normalize("NFKD", name.strip().rstrip("*").strip())
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class Place:
    geo: str
    kind: str
    area_id: int | None = None
    name: str = ""


@dataclass
class Places:
    by_iso3: dict[str, Place] = field(default_factory=dict)
    by_m49: dict[str, Place] = field(default_factory=dict)
    by_name: dict[str, Place] = field(default_factory=dict)
    regions_by_name: dict[str, Place] = field(default_factory=dict)
    unknown_codes: frozenset[str] = frozenset()
    desa_world: str = "900"

    def code(self, code: str) -> Place | None:
        """An ISO3 code (or a special code such as XCX) as a place."""
        return self.by_iso3.get(code.strip().upper())

    def m49(self, code: str | int) -> Place | None:
        key = str(code).strip()
        return self.by_m49.get(key.zfill(3) if key.isdigit() else key)

    def name(self, name: str) -> Place | None:
        return self.by_name.get(fold(name))

    def region(self, name: str) -> Place | None:
        return self.regions_by_name.get(fold(name))

    def is_unknown(self, code: str) -> bool:
        return code.strip().upper() in self.unknown_codes


@cache
def reference() -> dict[str, Any]:
    text = resources.files("gcmhub.statistics").joinpath("reference/places.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def load_places() -> Places:
    """The registry's areas and regions, with the reference file's special codes and aliases."""
    from gcmhub.registry.models import Area, Region

    ref = reference()
    places = Places(
        unknown_codes=frozenset(ref["unknown_origin"]), desa_world=str(ref["desa_world"])
    )
    for area_id, iso3, m49, name in Area.objects.values_list("id", "iso3", "m49", "name"):
        place = Place(iso3, GeoKind.AREA, area_id, name)
        places.by_iso3[iso3] = place
        if m49:
            places.by_m49[m49] = place
        places.by_name[fold(name)] = place
    for code, entry in ref["other_areas"].items():
        place = Place(code, GeoKind.OTHER_AREA, None, entry["name"])
        places.by_iso3[code] = place
        places.by_m49.setdefault(str(entry["m49"]), place)
        places.by_name.setdefault(fold(entry["name"]), place)
    for alias, iso3 in ref["aliases"].items():
        if iso3 in places.by_iso3:
            places.by_name.setdefault(fold(alias), places.by_iso3[iso3])
    world = Place("001", GeoKind.WORLD, None, "World")
    places.regions_by_name[fold("World")] = world
    for m49, name in Region.objects.values_list("m49", "name"):
        places.regions_by_name[fold(name)] = Place(m49, GeoKind.REGION, None, name)
    return places


UNKNOWN_ORIGIN = UNKNOWN

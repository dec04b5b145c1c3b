"""The statistics section of a country's profile (joined to the registry's page)."""

from __future__ import annotations

from typing import Any

from gcmhub.registry.models import Area


def country_section(area: Area) -> dict[str, Any] | None:
    return None

"""Template helpers for the statistics pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def split(value: str, sep: str = ",") -> list[str]:
    return value.split(sep)


@register.filter
def stat(value: Any, decimals: int = 0) -> str:
    """A value as the tables show it: grouped digits, the series' decimals, a dash if absent."""
    if value is None or value == "":
        return "\u2013"
    return str(floatformat(value, f"{int(decimals or 0)}g"))

from __future__ import annotations

from django import template

register = template.Library()

# A short mark per section status, so a wide matrix stays readable; the legend explains them.
MARKS = {
    "not_started": "0",
    "planned": "P",
    "in_progress": "I",
    "implemented": "✓",
    "not_applicable": "n/a",
    "reported": "R",
    "": "·",
}


@register.filter
def status_mark(code: str) -> str:
    return MARKS.get(code or "", code)


@register.filter
def get(mapping: dict, key: str) -> object:
    return mapping.get(key, 0) if isinstance(mapping, dict) else ""

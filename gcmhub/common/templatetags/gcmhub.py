from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Labels of the facts framework items carry in ``attributes``; other keys get a readable form.
ATTRIBUTE_LABELS = {
    "gcm_paragraph": _("GCM paragraph"),
    "action_count": _("Number of actions"),
    "session_venue": _("Session venue"),
    "session_start": _("Session start"),
    "session_end": _("Session end"),
    "directly_migration_related": _("Directly migration-related"),
    "custodians": _("Custodian agencies"),
    "sdg_db_code": _("SDG database code"),
    "named_in_15j": _("Named in paragraph 15(j)"),
    "background_note_by": _("Background note by"),
    "topics": _("Topics"),
    "objectives": _("Objectives"),
}


@register.filter
def attribute_label(key: str) -> str:
    return str(ATTRIBUTE_LABELS.get(key) or key.replace("_", " ").capitalize())


@register.filter
def attribute_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)

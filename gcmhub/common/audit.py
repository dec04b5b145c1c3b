"""The audit log: every service that writes calls ``audit_record`` inside its transaction.

Because the event is written in the same transaction as the change, a rolled-back write leaves
no event and a committed write always has one.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from gcmhub.common.context import current_context
from gcmhub.common.models import AuditEvent

SYSTEM_ACTOR = "system"


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_value(v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The JSON-safe values of ``obj``'s concrete fields (foreign keys as ids)."""
    wanted = set(fields) if fields is not None else None
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if wanted is not None and f.name not in wanted:
            continue
        if f.name in {"password"}:
            continue
        data[f.name] = _json_value(f.value_from_object(obj))
    return data


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value differs."""
    old = before or {}
    new = after or {}
    return {
        key: [old.get(key), new.get(key)]
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    }


def audit_record(
    *,
    action: str,
    by: Any,
    obj: models.Model | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    organisation_id: int | None = None,
    object_label: str | None = None,
) -> AuditEvent:
    """Record one write. ``by`` is the acting user, or None for the system (a CLI load, say)."""
    ctx = current_context()
    is_user = by is not None and getattr(by, "is_authenticated", False)
    before_json = _json_value(before) if before is not None else None
    after_json = _json_value(after) if after is not None else None
    return AuditEvent.objects.create(
        actor=by if is_user else None,
        actor_label=by.get_username() if is_user else SYSTEM_ACTOR,
        organisation_id=organisation_id,
        channel=ctx.channel,
        ip_address=ctx.ip_address,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=(object_label if object_label is not None else str(obj) if obj else "")[:255],
        before=before_json,
        after=after_json,
        changes=diff(before_json, after_json),
    )

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from gcmhub.common.audit import audit_record, diff, snapshot
from gcmhub.common.context import action_context
from gcmhub.common.models import SearchDocument


def test_diff_lists_only_changed_fields():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}
    assert diff(None, None) == {}


@pytest.mark.django_db
def test_snapshot_is_json_safe_and_never_holds_passwords():
    user = get_user_model().objects.create_user(username="someone", password="secret-Pass-9")
    data = snapshot(user)
    assert "password" not in data
    assert isinstance(data["date_joined"], str)
    dt.datetime.fromisoformat(data["date_joined"])


@pytest.mark.django_db
def test_record_takes_channel_and_address_from_the_context():
    doc = SearchDocument.objects.create(scope="test", key="k", title="t")
    with action_context(channel="cli", ip_address="192.0.2.1"):
        event = audit_record(action="test.write", by=None, obj=doc, before={"x": 1}, after={"x": 2})
    assert (event.channel, event.ip_address, event.actor_label) == ("cli", "192.0.2.1", "system")
    assert event.object_type == "common.searchdocument"
    assert event.changes == {"x": [1, 2]}

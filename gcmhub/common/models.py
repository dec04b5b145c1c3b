from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One write, as it happened: who, when, through which channel, what changed.

    Events are only ever added. ``before``/``after`` hold JSON snapshots of the fields the
    service changed; ``changes`` is their difference, kept so lists need not recompute it.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150)
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=16, default="system")
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["organisation_id", "at"]),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_label}"


class SearchDocument(models.Model):
    """A searchable text of any slice, keyed by (scope, key).

    The full-text index over it is database-specific (see ``gcmhub.common.fulltext``):
    an FTS5 table kept in step by triggers on SQLite, a GIN expression index on PostgreSQL.
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=120)
    language = models.CharField(max_length=10, default="en")
    title = models.TextField()
    body = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="searchdocument_scope_key_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"

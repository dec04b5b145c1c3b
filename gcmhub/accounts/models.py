from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    STATE = "state", _("State government")
    SECRETARIAT = "secretariat", _("Consultation-mechanism secretariat")
    UN_ENTITY = "un_entity", _("UN entity")
    REGIONAL = "regional", _("Regional organisation")
    INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organisation")
    LOCAL_GOVERNMENT = "local_government", _("Local or regional government")
    STAKEHOLDER = "stakeholder", _("Stakeholder organisation")


class OrganisationGroup(models.TextChoices):
    """Where the registry files an organisation, beside its kind."""

    COMMISSION = "commission", _("UN regional commission")
    ECONOMIC = "economic_organisation", _("Regional economic organisation")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    """What a member may do for an organisation; ordered from least to most."""

    VIEWER = "viewer", _("Viewer")
    CONTRIBUTOR = "contributor", _("Contributor")
    FOCAL_POINT = "focal_point", _("Focal point")
    SECRETARIAT = "secretariat", _("Secretariat")
    REVIEWER = "reviewer", _("Reviewer")
    ADMIN = "admin", _("Administrator")


class Organisation(models.Model):
    """A body users act for: a State's government, a secretariat, a UN entity, a stakeholder.

    The registry adds its own facts (country, stakeholder category, ...) to this same record;
    there is one organisation table, not one per slice.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    country_iso3 = models.CharField(
        _("country (ISO 3166 alpha-3)"),
        max_length=3,
        blank=True,
        help_text=_("For a State government, the State it speaks for."),
    )
    website = models.URLField(_("website"), blank=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    group = models.CharField(
        _("group"),
        max_length=24,
        choices=OrganisationGroup.choices,
        default=OrganisationGroup.OTHER,
    )
    stakeholder_category = models.ForeignKey(
        "framework.FrameworkItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        limit_choices_to={"kind": "stakeholder_category"},
        verbose_name=_("stakeholder category"),
    )
    description = models.TextField(_("description"), blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    reference_key = models.CharField(
        max_length=80,
        blank=True,
        help_text=_("Set when the organisation comes from the registry reference data."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person. Platform administrators are superusers; everything else comes from memberships."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_user_organisation_uniq"
            )
        ]
        ordering = ["organisation__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"

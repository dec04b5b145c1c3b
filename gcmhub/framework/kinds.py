"""The kinds of framework items and the kinds of crosswalk links between them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    OBJECTIVE = "objective", _("GCM objective")
    PRINCIPLE = "principle", _("Guiding principle")
    CLUSTER = "cluster", _("Thematic cluster")
    SDG_GOAL = "sdg_goal", _("SDG goal")
    SDG_TARGET = "sdg_target", _("SDG target")
    SDG_INDICATOR = "sdg_indicator", _("SDG indicator")
    POLICY_DOMAIN = "policy_domain", _("SDG 10.7.2 policy domain")
    POLICY_SUBCATEGORY = "policy_subcategory", _("SDG 10.7.2 sub-category")
    MIGOF_PRINCIPLE = "migof_principle", _("MiGOF principle")
    MIGOF_OBJECTIVE = "migof_objective", _("MiGOF objective")
    MGI_DOMAIN = "mgi_domain", _("MGI domain")
    ROUND_TABLE = "round_table", _("IMRF round table")
    STAKEHOLDER_CATEGORY = "stakeholder_category", _("Stakeholder category")


# Plural labels, for headings and lists.
KIND_PLURALS = {
    ItemKind.OBJECTIVE: _("GCM objectives"),
    ItemKind.PRINCIPLE: _("Guiding principles"),
    ItemKind.CLUSTER: _("Thematic clusters"),
    ItemKind.SDG_GOAL: _("SDG goals"),
    ItemKind.SDG_TARGET: _("SDG targets"),
    ItemKind.SDG_INDICATOR: _("SDG indicators"),
    ItemKind.POLICY_DOMAIN: _("SDG 10.7.2 policy domains"),
    ItemKind.POLICY_SUBCATEGORY: _("SDG 10.7.2 sub-categories"),
    ItemKind.MIGOF_PRINCIPLE: _("MiGOF principles"),
    ItemKind.MIGOF_OBJECTIVE: _("MiGOF objectives"),
    ItemKind.MGI_DOMAIN: _("MGI domains"),
    ItemKind.ROUND_TABLE: _("IMRF round tables"),
    ItemKind.STAKEHOLDER_CATEGORY: _("Stakeholder categories"),
}

# URL segment of each kind: /framework/<segment>/<code>/ and /api/v1/framework/items/<kind>/<code>.
KIND_SEGMENTS = {
    ItemKind.OBJECTIVE: "objectives",
    ItemKind.PRINCIPLE: "principles",
    ItemKind.CLUSTER: "clusters",
    ItemKind.SDG_GOAL: "sdg-goals",
    ItemKind.SDG_TARGET: "sdg-targets",
    ItemKind.SDG_INDICATOR: "sdg-indicators",
    ItemKind.POLICY_DOMAIN: "policy-domains",
    ItemKind.POLICY_SUBCATEGORY: "policy-subcategories",
    ItemKind.MIGOF_PRINCIPLE: "migof-principles",
    ItemKind.MIGOF_OBJECTIVE: "migof-objectives",
    ItemKind.MGI_DOMAIN: "mgi-domains",
    ItemKind.ROUND_TABLE: "round-tables",
    ItemKind.STAKEHOLDER_CATEGORY: "stakeholder-categories",
}
SEGMENT_KINDS = {segment: kind for kind, segment in KIND_SEGMENTS.items()}


class Relation(models.TextChoices):
    CITES = "cites", _("cites")
    RELATES_TO = "relates_to", _("relates to")
    GROUPED_IN = "grouped_in", _("is discussed in")
    BASED_ON = "based_on", _("is based on")
    NAMES = "names", _("names")


# How a link reads from its other end.
RELATION_INVERSE = {
    Relation.CITES: _("is cited by"),
    Relation.RELATES_TO: _("relates to"),
    Relation.GROUPED_IN: _("discusses"),
    Relation.BASED_ON: _("is the basis of"),
    Relation.NAMES: _("is named by"),
}


class Basis(models.TextChoices):
    STATED = "stated", _("stated in a source")
    EDITORIAL = "editorial", _("editorial judgement")

"""The statistics section of a country's profile (joined to the registry's page)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from gcmhub.registry.models import Area
from gcmhub.statistics.selectors import stock_summary


def country_section(area: Area) -> dict[str, Any] | None:
    """Immigrant stock by year and sex, and a link to the full statistics of the country."""
    summary = stock_summary(area)
    return {
        "id": "statistics",
        "title": _("Migration statistics"),
        "template": "statistics/_country_section.html",
        "data": summary,
        "items": [],
        "links": [
            {
                "label": _("Migration statistics for %(name)s") % {"name": area.name},
                "url": reverse("statistics:country", args=[area.iso3]),
                "note": _(
                    "immigrant and emigrant stock by sex, corridors, missing migrants, SDG 10.7.2"
                ),
            }
        ],
        "empty": "" if summary else _("No migrant stock estimates are imported."),
    }

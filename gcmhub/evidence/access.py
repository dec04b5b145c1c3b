"""Who may read and write what in the evidence base, and the document options every entry
point (upload, batch, command line, attachments) validates the same way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from gcmhub.accounts.models import Membership, Organisation, Role
from gcmhub.accounts.permissions import ensure_authenticated, has_role, is_platform_admin
from gcmhub.common.errors import FieldError, InvalidInput, PermissionDenied
from gcmhub.evidence.models import Document, DocumentType
from gcmhub.registry.models import Area

INGEST_ROLES = (Role.CONTRIBUTOR, Role.FOCAL_POINT, Role.SECRETARIAT, Role.REVIEWER, Role.ADMIN)
CURATE_ROLES = (Role.REVIEWER, Role.SECRETARIAT, Role.ADMIN)

# --- permissions -------------------------------------------------------------------------------


def can_ingest_for(user: Any, organisation: Organisation | None) -> bool:
    if user is None:  # the command line
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if is_platform_admin(user):
        return True
    if organisation is None:
        return False
    return has_role(user, organisation, INGEST_ROLES)


def can_curate(user: Any, document: Document) -> bool:
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if is_platform_admin(user):
        return True
    if document.organisation_id is None:
        return Membership.objects.filter(user=user, role__in=CURATE_ROLES).exists()
    assert document.organisation is not None
    return has_role(user, document.organisation, CURATE_ROLES)


def ensure_curator(user: Any, document: Document) -> None:
    ensure_authenticated(user)
    if not can_curate(user, document):
        raise PermissionDenied(
            "Only reviewers, secretariats and administrators of the document's organisation "
            "may decide on its tags or change it."
        )


# --- options shared by uploads, batches and the command line -----------------------------------


@dataclass
class Options:
    doc_type: str = DocumentType.OTHER
    year: int | None = None
    area: Area | None = None
    organisation: Organisation | None = None
    is_public: bool = False
    licence: str = ""
    source_url: str = ""
    title: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "doc_type": self.doc_type,
            "year": self.year,
            "iso3": self.area.iso3 if self.area else "",
            "organisation": self.organisation.pk if self.organisation else None,
            "is_public": self.is_public,
            "licence": self.licence,
            "source_url": self.source_url,
            "title": self.title,
        }


def parse_options(raw: dict[str, Any]) -> Options:
    """Validate user-given document options; every problem is named by its field."""
    errors: list[FieldError] = []
    opts = Options()
    doc_type = str(raw.get("doc_type") or DocumentType.OTHER)
    if doc_type not in DocumentType.values:
        errors.append(FieldError(f"must be one of {', '.join(DocumentType.values)}", "doc_type"))
    else:
        opts.doc_type = doc_type
    year = raw.get("year")
    if year not in (None, ""):
        try:
            opts.year = int(str(year))
        except ValueError:
            opts.year = None
        if opts.year is None or not 1945 <= opts.year <= dt.date.today().year + 1:
            errors.append(FieldError("must be a year between 1945 and next year", "year"))
    iso3 = str(raw.get("iso3") or "").strip().upper()
    if iso3:
        opts.area = Area.objects.filter(iso3=iso3).first()
        if opts.area is None:
            errors.append(FieldError(f"{iso3} is not a country or area code", "iso3"))
    org = raw.get("organisation")
    if org not in (None, ""):
        try:
            opts.organisation = Organisation.objects.get(pk=int(str(org)))
        except (ValueError, Organisation.DoesNotExist):
            errors.append(FieldError("is not a known organisation", "organisation"))
    opts.is_public = str(raw.get("is_public", "")).lower() in {"1", "true", "on", "yes"}
    opts.licence = str(raw.get("licence") or "")[:200]
    url = str(raw.get("source_url") or "").strip()
    if url and not url.startswith(("http://", "https://")):
        errors.append(FieldError("must start with http:// or https://", "source_url"))
    opts.source_url = url[:500]
    opts.title = str(raw.get("title") or "").strip()[:300]
    if errors:
        raise InvalidInput("The document details are not valid.", errors)
    return opts


def ensure_can_ingest(by: Any, opts: Options) -> None:
    if by is not None:
        ensure_authenticated(by)
    if not can_ingest_for(by, opts.organisation):
        raise PermissionDenied(
            "Choose an organisation you contribute to: documents are added on behalf of one."
            if opts.organisation is None
            else "You may add documents only for organisations you contribute to."
        )


def visible_filter(user: Any) -> Q:
    """Documents ``user`` may read: public ones, their organisations' ones; all for admins."""
    if user is None:
        return Q()
    if not getattr(user, "is_authenticated", False):
        return Q(is_public=True)
    if is_platform_admin(user):
        return Q()
    orgs = Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    return Q(is_public=True) | Q(organisation_id__in=list(orgs)) | Q(created_by=user)

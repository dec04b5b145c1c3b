"""The JSON API at /api/v1/ (not language-prefixed); OpenAPI 3.1 at /api/v1/openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI

from gcmhub import __version__
from gcmhub.accounts.api import audit_router
from gcmhub.accounts.api import router as accounts_router
from gcmhub.common.api import install_error_handlers
from gcmhub.evidence.api import router as evidence_router
from gcmhub.framework.api import router as framework_router
from gcmhub.pledges.api import router as pledges_router
from gcmhub.registry.api import router as registry_router
from gcmhub.reviews.api import router as reviews_router
from gcmhub.statistics.api import router as statistics_router

api = NinjaAPI(
    title="gcmhub API",
    version=f"1 ({__version__})",
    description=(
        "Follow-up and review of the Global Compact for Safe, Orderly and Regular Migration. "
        "Reads are public unless stated; writes need a logged-in session and its CSRF token. "
        "Errors are JSON objects with `code`, `message` and, for invalid input, `errors` "
        "naming each field."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("/framework", framework_router)
api.add_router("/accounts", accounts_router)
api.add_router("/audit", audit_router)
api.add_router("/registry", registry_router)
api.add_router("/reviews", reviews_router)
api.add_router("/pledges", pledges_router)
api.add_router("/statistics", statistics_router)
api.add_router("/evidence", evidence_router)

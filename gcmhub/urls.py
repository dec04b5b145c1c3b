from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import set_language

from gcmhub import views
from gcmhub.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("framework/", include("gcmhub.framework.urls")),
    path("accounts/", include("gcmhub.accounts.urls")),
    path("registry/", include("gcmhub.registry.urls")),
    path("reviews/", include("gcmhub.reviews.urls")),
    path("pledges/", include("gcmhub.pledges.urls")),
    path("statistics/", include("gcmhub.statistics.urls")),
    path("evidence/", include("gcmhub.evidence.urls")),
    prefix_default_language=True,
)

handler403 = "gcmhub.common.views.permission_denied"

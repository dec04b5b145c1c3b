from django.urls import path

from gcmhub.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("countries/", views.country_list, name="countries"),
    path("countries/<str:iso3>/", views.country, name="country"),
    path("mechanisms/", views.mechanism_list, name="mechanisms"),
    path("mechanisms/<slug:slug>/", views.mechanism, name="mechanism"),
    path("mechanisms/<slug:slug>/history/", views.mechanism_history, name="history"),
    path("mechanisms/<slug:slug>/members/add/", views.membership_edit, name="member-add"),
    path("mechanisms/<slug:slug>/members/<str:iso3>/", views.membership_edit, name="member-edit"),
    path("memberships/import/", views.membership_import, name="import"),
    path("memberships/template.csv", views.membership_template, name="import-template"),
    path("memberships/export/", views.memberships_export, name="memberships-export"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", views.organisation, name="organisation"),
    path("matrix/", views.matrix, name="matrix"),
    path("network/", views.network, name="network"),
    path("map/", views.world, name="world"),
    path("answers/", views.answers, name="answers"),
]

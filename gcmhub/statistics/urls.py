from django.urls import path

from gcmhub.statistics import policy_views, views

app_name = "statistics"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.upload, name="upload"),
    path("export/", views.export, name="export"),
    path("datasets/<slug:slug>/", views.dataset, name="dataset"),
    path("series/<slug:code>/", views.series, name="series"),
    path("countries/<str:iso3>/", views.country, name="country"),
    path("corridors/<str:origin>/<str:destination>/", views.corridor, name="corridor"),
    path("regions/<str:m49>/", views.region, name="region"),
    *policy_views.urlpatterns,
]

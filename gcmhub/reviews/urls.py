from django.urls import path

from gcmhub.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("cycles/<slug:slug>/", views.cycle, name="cycle"),
    path("national/", views.review_list, name="reviews"),
    path("national/start/", views.review_start, name="start"),
    path("national/<slug:cycle>/<str:iso3>/", views.review, name="review"),
    path("national/<slug:cycle>/<str:iso3>/edit/", views.review_edit, name="review-edit"),
    path("national/<slug:cycle>/<str:iso3>/step/", views.review_step, name="review-step"),
    path("national/<slug:cycle>/<str:iso3>/attach/", views.attach, name="review-attach"),
    path(
        "national/<slug:cycle>/<str:iso3>/sections/<str:item>/",
        views.section_edit,
        name="section",
    ),
    path(
        "national/<slug:cycle>/<str:iso3>/sections/<str:item>/history/",
        views.section_history,
        name="section-history",
    ),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("inputs/", views.input_list, name="inputs"),
    path("inputs/new/", views.input_form, name="input-new"),
    path("inputs/<int:pk>/", views.input_detail, name="input"),
    path("inputs/<int:pk>/edit/", views.input_form, name="input-edit"),
    path("inputs/<int:pk>/step/", views.input_step, name="input-step"),
    path("inputs/<int:pk>/attach/", views.attach, name="input-attach"),
    path("coverage/", views.coverage, name="coverage"),
    path("synthesis/", views.synthesis, name="synthesis"),
    path("synthesis/global/", views.global_synthesis, name="global"),
    path("compare/", views.compare, name="compare"),
]

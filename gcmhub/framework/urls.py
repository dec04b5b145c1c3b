from django.urls import path

from gcmhub.framework import views

app_name = "framework"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("search/", views.search, name="search"),
    path("dates/", views.key_dates, name="key-dates"),
    path("<slug:segment>/", views.kind_list, name="kind-list"),
    path("<slug:segment>/<str:code>/", views.item_detail, name="item-detail"),
]

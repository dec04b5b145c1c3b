from django.urls import path

from gcmhub.evidence import views

app_name = "evidence"

urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("tags/<int:pk>/decide/", views.tag_decide, name="tag-decide"),
    path("tags/add/", views.tag_add, name="tag-add"),
    path("map/", views.evidence_map, name="map"),
    path("items/<slug:segment>/<str:code>/", views.item, name="item"),
]

from django.urls import path

from gcmhub.pledges import views

app_name = "pledges"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/status/", views.status_update, name="status"),
    path("<int:pk>/publish/", views.publish, name="publish"),
]

from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_start, name="start"),
    path("new/<slug:category>/", views.complaint_self_help, name="self_help"),
    path("new/<slug:category>/form/", views.complaint_create, name="create"),
    path("follow/", views.complaint_follow, name="follow"),
    path("status/<str:number>/<str:token>/", views.complaint_status, name="status"),
    path(
        "status/<str:number>/<str:token>/files/<int:document_id>/",
        views.complaint_status_file,
        name="status_file",
    ),
    path("<str:number>/", views.complaint_detail, name="detail"),
]

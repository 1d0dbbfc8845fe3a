from django.urls import path

from . import views

app_name = "claims"
urlpatterns = [
    path("", views.claim_list, name="list"),
    path("check/", views.claim_check, name="check"),
    path("file/", views.claim_file, name="file"),
    path("branch-appointment/", views.branch_appointment, name="branch_appointment"),
    path("<int:claim_id>/", views.claim_detail, name="detail"),
    path("<int:claim_id>/cancel/", views.claim_cancel, name="cancel"),
    path("<int:claim_id>/branch-visit/", views.claim_branch_visit, name="branch_visit"),
    path(
        "<int:claim_id>/documents/<slug:document_type>/",
        views.claim_document_send,
        name="document_send",
    ),
]

from django.contrib import admin
from django.urls import path

from . import views

app_name = "counter"
wrap = admin.site.admin_view

urlpatterns = [
    path("", wrap(views.home), name="home"),
    path("members/<int:participant_id>/", wrap(views.member), name="member"),
    path("members/<int:participant_id>/serve/", wrap(views.serve_here), name="serve"),
    path("claims/<int:claim_id>/decide/", wrap(views.claim_decide), name="decide"),
    path("appointments/<int:appointment_id>/check-in/", wrap(views.check_in), name="check_in"),
]

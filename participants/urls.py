from django.urls import path

from . import data_update_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("data/", data_update_views.data_update_home, name="data_update_home"),
    path(
        "data/bank-account/",
        data_update_views.data_update_bank_account,
        name="data_update_bank_account",
    ),
    path(
        "data/requests/<int:request_id>/",
        data_update_views.data_update_detail,
        name="data_update_detail",
    ),
    path("data/<slug:slug>/", data_update_views.data_update_edit, name="data_update_edit"),
]

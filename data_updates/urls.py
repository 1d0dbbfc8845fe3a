from django.urls import path

from . import views

urlpatterns = [
    path("", views.data_update_home, name="data_update_home"),
    path("bank-account/", views.data_update_bank_account, name="data_update_bank_account"),
    path("requests/<int:request_id>/", views.data_update_detail, name="data_update_detail"),
    path(
        "family/<int:member_id>/<slug:slug>/",
        views.data_update_family_member,
        name="data_update_family_member",
    ),
    path("<slug:slug>/", views.data_update_edit, name="data_update_edit"),
]

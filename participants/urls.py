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
    path(
        "data/family/<int:member_id>/<slug:slug>/",
        data_update_views.data_update_family_member,
        name="data_update_family_member",
    ),
    path("data/<slug:slug>/", data_update_views.data_update_edit, name="data_update_edit"),
    path("account/my-data/", views.data_export, name="data_export"),
    path("balance/", views.balance, name="balance"),
    path("balance/statement/<int:year>/", views.statement, name="balance_statement"),
    path("card/<int:card_id>/", views.card, name="card"),
    path("card/verify/<str:token>/", views.card_verify, name="card_verify"),
    path("simulations/contribution/", views.simulate_contribution, name="simulate_contribution"),
    path("simulations/jht/", views.simulate_jht, name="simulate_jht"),
]

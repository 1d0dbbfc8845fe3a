from django.urls import path

from . import card_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("balance/", views.balance, name="balance"),
    path("balance/statement/<int:year>/", views.statement, name="balance_statement"),
    path("card/<int:card_id>/", views.card, name="card"),
    path("cards/", card_views.my_cards, name="my_cards"),
    path("cards/add/", card_views.card_add, name="card_add"),
    path("cards/<int:card_id>/merge/", card_views.card_merge, name="card_merge"),
    path("cards/<int:card_id>/link/", card_views.card_link_decide, name="card_link_decide"),
    path("card/verify/<str:token>/", views.card_verify, name="card_verify"),
    path("simulations/contribution/", views.simulate_contribution, name="simulate_contribution"),
    path("simulations/jht/", views.simulate_jht, name="simulate_jht"),
]

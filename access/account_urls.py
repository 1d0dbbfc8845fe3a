"""Included under accounts/ before allauth's own URLs: the portal's signup replaces allauth's."""

from django.urls import path

from . import views

urlpatterns = [
    path("signup/", views.signup_start, name="account_signup"),
    path("signup/code/", views.signup_code, name="access_signup_code"),
]

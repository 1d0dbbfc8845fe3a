"""Included under accounts/ before allauth's own URLs, so the portal's signup replaces allauth's."""

from django.urls import path

from .views import ParticipantSignupView

urlpatterns = [
    path("signup/", ParticipantSignupView.as_view(), name="account_signup"),
]

"""Included under accounts/ before allauth's own URLs (after access.account_urls, the signup).

The reset-by-code pages are allauth's own views under allauth's own names; allauth mounts
them only when every reset goes by code (ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED), while the
portal sends a code only to phones and keeps the link for e-mail (participants.phone_reset).
"""

from allauth.account import views as allauth_views
from django.urls import path

from .account_views import PortalPasswordResetView

urlpatterns = [
    path("password/reset/", PortalPasswordResetView.as_view(), name="account_reset_password"),
    path(
        "password/reset/code/",
        allauth_views.confirm_password_reset_code,
        name="account_confirm_password_reset_code",
    ),
    path(
        "password/reset/code/new/",
        allauth_views.complete_password_reset,
        name="account_complete_password_reset",
    ),
    path(
        "password/reset/code/done/",
        allauth_views.password_reset_from_key_done,
        name="account_password_reset_completed",
    ),
]

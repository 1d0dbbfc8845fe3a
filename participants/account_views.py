"""allauth's password-reset pages with the portal's reset by SMS code mounted beside them."""

from allauth.account import views as allauth_views
from django.urls import reverse


class PortalPasswordResetView(allauth_views.PasswordResetView):
    """E-mail: allauth's link and its "check your mail" page. Mobile number: the code page.

    Which page follows depends only on what kind of identifier was typed, never on whether
    an account has it.
    """

    def form_valid(self, form):
        self._by_phone = bool(form.phone)
        return super().form_valid(form)

    def get_success_url(self) -> str:
        if getattr(self, "_by_phone", False):
            return self.passthrough_next_url(reverse("account_confirm_password_reset_code"))
        return super().get_success_url()

"""allauth's account mails (confirmation, password reset, ...) with the portal's absolute links."""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter

from core.notifications import absolute_url


def _on_portal(url: str) -> str:
    bits = urlsplit(url)
    return absolute_url(bits.path + (f"?{bits.query}" if bits.query else ""))


class PortalAccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every link allauth puts in a mail (`activate_url`, `password_reset_url`,
        `signup_url`) is built from the request's host; rebuilt here on `PORTAL_BASE_URL` so
        account mails link to the same portal as every other mail."""
        context = {
            key: _on_portal(value) if key.endswith("_url") and isinstance(value, str) else value
            for key, value in context.items()
        }
        super().send_mail(template_prefix, email, context)

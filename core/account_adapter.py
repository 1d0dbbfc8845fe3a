"""allauth's account mails (confirmation, password reset, ...) with the portal's absolute links,
its name and address, and the same branded HTML as every other portal mail."""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from core.notifications import absolute_url, mail_html, portal_site


def _on_portal(url: str) -> str:
    bits = urlsplit(url)
    return absolute_url(bits.path + (f"?{bits.query}" if bits.query else ""))


class PortalAccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every link allauth puts in a mail (`activate_url`, `password_reset_url`,
        `signup_url`) is built from the request's host; rebuilt here on `PORTAL_BASE_URL` so
        account mails link to the same portal as every other mail. `current_site` is the
        portal's name and host, not the Sites row ("example.com", or the Host of the request)."""
        context = {
            key: _on_portal(value) if key.endswith("_url") and isinstance(value, str) else value
            for key, value in context.items()
        }
        context["current_site"] = portal_site()
        super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's text mail plus the portal's HTML twin of it (unless a template gave one)."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if not getattr(message, "alternatives", None) and message.content_subtype == "plain":
            html = mail_html(
                subject=message.subject,
                sections=[(translation.get_language() or "id", message.body)],
            )
            message.attach_alternative(html, "text/html")
        return message

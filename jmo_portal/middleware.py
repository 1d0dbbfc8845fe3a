from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PortalLocaleMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the person chose otherwise with the language switch.

    The browser's Accept-Language is ignored on purpose: many participants' phones are set to
    English while they read Indonesian best, so only an explicit choice (the cookie) counts.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen or "")
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# Text worth compressing; uploads (JPEG, PNG, PDF) are compressed already and cost CPU for nothing.
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/atom+xml")


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH length padding) for pages and API answers only."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)

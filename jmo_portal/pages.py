"""The portal's own pages that belong to no domain: error pages, the CSRF failure page, the
favicon and the living style page of the design system (static/css/portal.css)."""

import functools
import logging

from django import forms
from django.contrib.staticfiles import finders
from django.core.validators import RegexValidator
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .api_errors import api_error_response, is_api_path

logger = logging.getLogger(__name__)

# Shown if even the plain 500 template cannot be rendered (a broken template or static
# manifest): the person still gets a page in both languages, not a blank screen.
LAST_RESORT_500 = (
    '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Terjadi kesalahan · JMO Portal</title></head><body>"
    "<h1>Maaf, terjadi kesalahan di sisi kami</h1>"
    "<p>Silakan coba lagi beberapa menit lagi, atau hubungi call centre 175.</p>"
    '<div lang="en"><h2>Sorry, something went wrong on our side</h2>'
    "<p>Please try again in a few minutes, or call the call centre on 175.</p></div>"
    '<p><a href="/">JMO Portal</a></p></body></html>'
)


def page_not_found(request, exception):
    """Django's 404 page, except under /api/: a program gets the API's JSON error body there,
    for a path no route matches too (`contributions/abc`, `members/`)."""
    if is_api_path(request.path):
        message = _("Nothing was found at this address. Check the path and the id in it.")
        return api_error_response(request, status=404, code="not_found", message=message)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception):
    """Django's 400 (e.g. a Host header it does not serve), in JSON under /api/."""
    if is_api_path(request.path):
        message = _("The request could not be read. Check its headers and body.")
        return api_error_response(request, status=400, code="invalid", message=message)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    """Django's 403, in JSON under /api/."""
    if is_api_path(request.path):
        message = _("You may not do this with these credentials.")
        return api_error_response(request, status=403, code="permission_denied", message=message)
    return defaults.permission_denied(request, exception)


def server_error(request, template_name="500.html"):
    """The 500 page, rendered without a request context: the request that failed may be what is
    broken (its session, its user), so the template uses neither. Under /api/ the JSON body."""
    if request is not None and is_api_path(request.path):
        message = _("Something went wrong on our side. Try again in a few minutes.")
        return api_error_response(request, status=500, code="error", message=message)
    try:
        return HttpResponseServerError(loader.get_template(template_name).render())
    except Exception:
        logger.exception("the 500 page itself could not be rendered")
        return HttpResponseServerError(LAST_RESORT_500)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: most often a form left open past the session, or cookies turned off;
    the page says so in plain words instead of Django's technical 403."""
    return render(request, "errors/csrf.html", status=403)


@functools.cache
def _favicon() -> bytes:
    path = finders.find("favicon.ico")
    with open(path, "rb") as icon:
        return icon.read()


@require_safe
@cache_control(max_age=60 * 60 * 24 * 7, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; answering it keeps 404s out of the
    logs and shows the brand in tabs and bookmarks."""
    return HttpResponse(_favicon(), content_type="image/x-icon")


class StyleExampleForm(forms.Form):
    """A form that exists only to show, on /style/, how fields, help and errors look."""

    full_name = forms.CharField(label=_("Full name"), help_text=_("As written on your KTP."))
    kpj_number = forms.CharField(
        label=_("KPJ number (membership card)"),
        help_text=_("11 digits, on the front of your card."),
        validators=[RegexValidator(r"^\d{11}$", _("Enter the 11 digits of your KPJ number."))],
    )
    program = forms.ChoiceField(
        label=_("Programme"),
        choices=[
            ("", "---------"),
            ("jht", _("Jaminan Hari Tua (JHT)")),
            ("jp", _("Jaminan Pensiun (JP)")),
        ],
    )
    agree = forms.BooleanField(label=_("I have read the conditions"))


@require_safe
def style_guide(request):
    """Every component of the design system, with the markup to copy. Public, both languages."""
    invalid = StyleExampleForm(data={"full_name": "Budi Santoso", "kpj_number": "12AB"})
    invalid.is_valid()
    return render(
        request,
        "style_guide.html",
        {"form": StyleExampleForm(auto_id="empty_%s"), "invalid_form": invalid},
    )

"""The design system's own pages and chrome: error pages, CSRF page, favicon, style page, the
header (menu, language switch, logout, tab bar) and how every form renders."""

import re

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import permission_denied

from jmo_portal import pages
from tests.factories import (
    BranchFactory,
    EmailAddressFactory,
    ParticipantFactory,
    ServiceTypeFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LAYOUT = "data-portal-layout"


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def participant_client(client):
    person = ParticipantFactory(user=UserFactory())
    EmailAddressFactory(user=person.user)
    client.force_login(person.user)
    return client


# Error pages -----------------------------------------------------------------------------


def test_a_bad_link_gets_the_branded_page_in_both_languages(client):
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    page = body(response)
    assert LAYOUT in page
    assert 'data-error-page="404"' in page
    assert "Halaman tidak ditemukan" in page
    assert "Page not found" in page
    assert "Not Found" not in page


def test_the_404_page_is_bilingual_when_english_is_chosen_too(client):
    client.cookies["django_language"] = "en"
    page = body(client.get("/tidak-ada-halaman-ini/"))
    assert '<html lang="en">' in page
    assert "Halaman tidak ditemukan" in page
    assert "Page not found" in page


def test_the_403_page_is_branded_and_bilingual():
    request = RequestFactory().get("/claims/1/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    page = body(response)
    assert response.status_code == 403
    assert LAYOUT in page
    assert 'data-error-page="403"' in page
    assert "Anda tidak dapat membuka halaman ini" in page
    assert "You cannot open this page" in page


def test_the_500_page_needs_no_request_context():
    response = pages.server_error(None)
    page = body(response)
    assert response.status_code == 500
    assert LAYOUT in page
    assert 'data-error-page="500"' in page
    assert "Maaf, terjadi kesalahan di sisi kami" in page
    assert "Sorry, something went wrong on our side" in page
    assert "/static/css/portal.css" in page


def test_the_500_handler_is_the_portals():
    from jmo_portal import urls

    assert urls.handler500 == "jmo_portal.pages.server_error"


def test_a_broken_500_template_still_gives_a_bilingual_page(monkeypatch):
    def broken(name):
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr(pages.loader, "get_template", broken)
    response = pages.server_error(None)
    assert response.status_code == 500
    assert "Maaf, terjadi kesalahan" in body(response)
    assert "Sorry, something went wrong" in body(response)


def test_an_expired_form_explains_itself_instead_of_djangos_csrf_page():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("account_login"), {"login": "a@b.c", "password": "x"})
    page = body(response)
    assert response.status_code == 403
    assert LAYOUT in page
    assert "Formulir ini sudah kedaluwarsa" in page
    assert "This form has expired" in page
    assert "CSRF" not in page


# Favicon ---------------------------------------------------------------------------------


def test_favicon_ico_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO signature
    assert "max-age=604800" in response["Cache-Control"]


def test_pages_link_the_svg_icon_and_it_exists(client):
    from django.contrib.staticfiles import finders

    page = body(client.get(reverse("home")))
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg" type="image/svg\+xml">', page)
    assert finders.find("favicon.svg")


# Style page ------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "title"), [("id", "Panduan tampilan"), ("en", "Style guide")])
def test_the_style_page_lists_every_component_in_both_languages(client, language, title):
    client.cookies["django_language"] = language
    response = client.get(reverse("style_guide"))
    page = body(response)
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in page
    for component in (
        'class="button primary"', 'class="button danger"', 'class="card',
        'class="summary-list"', 'class="responsive"', 'data-label=', "banner-info",
        "banner-success", "banner-warning", "banner-error", "tag-green", "tag-amber", "tag-red",
        "tag-grey", 'class="tracker"', 'aria-current="step"', 'class="guide-steps"',
        'class="error-summary"', 'href="#id_program"', 'aria-invalid="true"',
    ):  # fmt: skip
        assert component in page, component
    assert "---------" not in re.sub(r"<pre>.*?</pre>|<p>.*?</p>", "", page, flags=re.DOTALL)


def test_the_style_page_is_linked_from_the_footer(client):
    assert f'href="{reverse("style_guide")}"' in body(client.get(reverse("home")))


# Header, language switch, logout, tab bar ------------------------------------------------


def test_the_active_language_is_marked_current_not_disabled(client):
    page = body(client.get(reverse("home")))
    switch = re.search(r'<form[^>]*class="language-switch".*?</form>', page, re.DOTALL).group(0)
    assert re.search(r'<button[^>]*value="id"[^>]*aria-current="true"', switch)
    assert "disabled" not in switch
    assert not re.search(r'<button[^>]*value="en"[^>]*aria-current', switch)


def test_the_menu_works_without_javascript_and_there_is_a_skip_link(client):
    page = body(client.get(reverse("home")))
    assert '<details class="menu">' in page
    assert "<summary>" in page
    assert '<a class="skip-link" href="#content">' in page
    assert '<main id="content"' in page
    assert "<script" not in page


def test_logout_is_outside_the_collapsed_menu_for_logged_in_people(participant_client):
    page = body(participant_client.get(reverse("dashboard")))
    menu_end = page.index("</details>")
    logout = page.index(f'action="{reverse("account_logout")}"')
    assert logout > menu_end, "logout must not hide inside the phone menu"
    assert 'class="button small logout"' in page


def test_participants_get_the_tab_bar_and_the_current_tab_is_marked(participant_client):
    page = body(participant_client.get(reverse("claims:list")))
    bar = re.search(r'<nav class="tabbar".*?</nav>', page, re.DOTALL).group(0)
    assert len(re.findall(r"<li>", bar)) == 5
    for target in ("dashboard", "claims:list", "complaints:start", "data_update_home"):
        assert f'href="{reverse(target)}"' in bar
    assert re.search(rf'href="{reverse("claims:list")}" aria-current="page"', bar)
    assert "Beranda" in bar
    assert "Profil" in bar


def test_visitors_and_staff_get_no_tab_bar(client):
    assert 'class="tabbar"' not in body(client.get(reverse("home")))
    client.force_login(StaffFactory(is_superuser=True))
    assert 'class="tabbar"' not in body(client.get(reverse("style_guide")))


# Forms -----------------------------------------------------------------------------------


class BranchForm(forms.Form):
    branch = forms.ModelChoiceField(queryset=None, label="Kantor cabang")
    kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], help_text="Pilih jenisnya.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from core.models import Branch

        self.fields["branch"].queryset = Branch.objects.all()


def test_no_select_shows_dashes_it_asks_to_choose_instead():
    BranchFactory()
    html = str(BranchForm())
    assert "---------" not in html
    assert html.count('<option value="" selected>Pilih salah satu</option>') == 2


def test_fields_render_label_help_error_and_aria():
    form = BranchForm(data={"kind": ""})
    form.is_valid()
    html = form["kind"].as_field_group()
    assert '<label for="id_kind">Kind</label>' in html  # no colon after the label
    assert 'id="id_kind_helptext"' in html
    assert 'class="errorlist" id="id_kind_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_kind_helptext id_kind_error"' in html


def test_the_error_summary_links_each_problem_to_its_field():
    from django.template.loader import render_to_string

    form = BranchForm(data={"kind": "a"})
    form.is_valid()
    html = render_to_string("components/error_summary.html", {"form": form})
    assert "Ada yang perlu diperbaiki" in html
    assert '<a href="#id_branch">Kantor cabang: ' in html
    assert render_to_string("components/error_summary.html", {"form": BranchForm()}).strip() == ""


def test_the_error_summary_names_the_field_once():
    from core.templatetags.error_summary import labelled

    assert labelled("Bidang ini harus diisi.", "Kode pos") == "Kode pos: Bidang ini harus diisi."
    assert labelled("Kode pos harus 5 angka.", "Kode pos") == "Kode pos harus 5 angka."


def test_the_confirmation_page_posts_the_action_with_its_fields(participant_client):
    from django.template.loader import render_to_string

    html = render_to_string(
        "components/confirm_page.html",
        {
            "confirm_title": "Batalkan janji temu?",
            "confirm_text": "Jadwalnya diberikan ke orang lain.",
            "confirm_action": "/appointments/1/cancel/",
            "confirm_button": "Ya, batalkan",
            "cancel_url": "/appointments/1/",
            "confirm_fields": {"reason": "moved"},
        },
    )
    assert '<form method="post" action="/appointments/1/cancel/">' in html
    assert '<input type="hidden" name="reason" value="moved">' in html
    assert '<button type="submit" class="button danger">Ya, batalkan</button>' in html
    assert '<a class="button" href="/appointments/1/">Tidak, kembali</a>' in html


def test_the_main_forms_show_no_dashes(client, participant_client):
    BranchFactory()
    ServiceTypeFactory()
    pages_with_selects = [
        participant_client.get(reverse("appointments:book")),
        participant_client.get(reverse("claims:check")),
        participant_client.get(reverse("simulate_contribution")),
        participant_client.get(reverse("simulate_jht")),
        Client().get(reverse("complaints:create", args=["cannot_log_in"])),
        Client().get(reverse("account_signup")),
    ]
    selects = 0
    for response in pages_with_selects:
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert "---------" not in body(response), response.request["PATH_INFO"]
        selects += body(response).count("<select")
    assert selects >= 4  # the check is about real dropdowns


# Weight ----------------------------------------------------------------------------------


def test_html_and_css_stay_far_under_the_40_kb_budget(client):
    """HTML through the gzip middleware, CSS as WhiteNoise's precompressed file (gzip -9)."""
    import gzip

    from django.contrib.staticfiles import finders

    css = gzip.compress(open(finders.find("css/portal.css"), "rb").read(), compresslevel=9)
    assert len(css) < 8 * 1024
    response = client.get(reverse("style_guide"), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) + len(css) < 40 * 1024


def test_uploads_and_icons_are_not_gzipped_again(client):
    response = client.get("/favicon.ico", HTTP_ACCEPT_ENCODING="gzip")
    assert not response.has_header("Content-Encoding")

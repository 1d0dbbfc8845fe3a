"""Every participant and public page of the site, found from the URL resolver (tests/routes.py,
as the access matrix finds its routes), with its URL filled from objects the demo participant
owns. Used by the phone checks (tests/e2e/test_phone_layout.py) and `make screenshots`
(tools/screenshots.py).

Each route is either in PAGES (checked: one or more pages, each at a URL) or in EXCLUDED with
the reason; tests/e2e/test_phone_layout.py fails when a route is in neither, so a new page cannot
slip past the checks.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from tests.routes import all_routes
from tests.security.access_world import World, url_for

PUBLIC, PARTICIPANT = "public", "participant"
BUDI = "budi@demo.jmo.example"
CHECK_QUERY = "claim_type=JHT:full:resignation&event_date=2025-12-14"


@dataclass(frozen=True)
class Spec:
    name: str
    audience: str
    url: str | None = None  # "/path": as given; "?query": added to the route's URL; None: the route
    status: int = 200
    redirects: bool = False  # the page may move on to another URL (a reset key to its form)
    csrf_failure: bool = False  # load `url`, then send its main form with a wrong CSRF token


@dataclass(frozen=True)
class SitePage:
    name: str
    url: str
    audience: str
    route: str
    status: int = 200
    redirects: bool = False
    csrf_failure: bool = False

    @property
    def slug(self) -> str:
        return "-".join("".join(c if c.isalnum() else " " for c in self.name.lower()).split())


# Route -> the pages checked on it. Reauthentication (5 minutes) guards bank account and MFA
# setup: they come first among the participant's pages.
PAGES: dict[str, tuple[Spec, ...]] = {
    "data/bank-account/": (Spec("data: bank account", PARTICIPANT),),
    "accounts/2fa/totp/activate/": (Spec("account: two-step activate", PARTICIPANT),),
    "": (Spec("home", PUBLIC), Spec("home (logged in)", PARTICIPANT)),
    "accounts/login/": (
        Spec("login", PUBLIC),
        Spec("403 (CSRF failure)", PUBLIC, status=403, csrf_failure=True),
    ),
    "accounts/signup/": (Spec("signup", PUBLIC),),
    "accounts/logout/": (Spec("logout", PARTICIPANT),),
    "accounts/inactive/": (Spec("account inactive", PUBLIC),),
    "accounts/reauthenticate/": (Spec("reauthenticate", PARTICIPANT),),
    "accounts/email/": (Spec("account: e-mail", PARTICIPANT),),
    "accounts/confirm-email/": (Spec("e-mail confirmation sent", PUBLIC),),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": (Spec("confirm e-mail", PUBLIC),),
    "accounts/password/change/": (Spec("account: password", PARTICIPANT),),
    "accounts/password/reset/": (Spec("password reset", PUBLIC),),
    "accounts/password/reset/done/": (Spec("password reset sent", PUBLIC),),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
        Spec("password reset: new password", PUBLIC, redirects=True),
        Spec("password reset: bad link", PUBLIC, url="/accounts/password/reset/key/1-not-a-key/"),
    ),
    "accounts/password/reset/key/done/": (Spec("password reset done", PUBLIC),),
    "accounts/2fa/": (Spec("account: two-step", PARTICIPANT),),
    "dashboard/": (Spec("dashboard", PARTICIPANT),),
    "balance/": (Spec("balance", PARTICIPANT),),
    "card/<int:card_id>/": (Spec("KPJ card", PARTICIPANT),),
    "card/verify/<str:token>/": (Spec("card verification", PUBLIC),),
    "simulations/contribution/": (Spec("contribution simulator", PUBLIC),),
    "simulations/jht/": (Spec("JHT simulator", PUBLIC),),
    "data/": (Spec("data update home", PARTICIPANT),),
    "data/<slug:slug>/": tuple(
        Spec(f"data: {slug}", PARTICIPANT, url=f"/data/{slug}/")
        for slug in ("phone", "email", "address", "emergency-contact", "family", "identity")
    ),
    "data/requests/<int:request_id>/": (Spec("data update request", PARTICIPANT),),
    "data/family/<int:member_id>/<slug:slug>/": (Spec("data: family member", PARTICIPANT),),
    "account/my-data/": (Spec("my data export", PARTICIPANT),),
    "claims/": (Spec("claims list", PARTICIPANT),),
    "claims/check/": (
        Spec("claim checker", PARTICIPANT),
        Spec("claim checker result", PARTICIPANT, url="?" + CHECK_QUERY),
        # Issue 19: the JP lump sum with its basis, and the JKM scholarship table.
        Spec("claim checker JP lump sum", PARTICIPANT, url="?claim_type=JP:full:pension_age"),
        Spec(
            "claim checker JKM scholarship",
            PARTICIPANT,
            url="?claim_type=JKM:full:death&event_date=2026-01-01",
        ),
    ),
    "claims/file/": (Spec("claim filing", PARTICIPANT, url="?" + CHECK_QUERY),),
    "claims/<int:claim_id>/": (Spec("claim detail", PARTICIPANT),),
    "claims/<int:claim_id>/branch-visit/": (Spec("claim branch visit", PARTICIPANT),),
    "appointments/": (Spec("appointments", PARTICIPANT),),
    "appointments/book/": (
        Spec("appointment booking", PARTICIPANT),
        Spec("appointment booking (JHT visit)", PARTICIPANT, url="?service=jht_verification"),
    ),
    "appointments/<int:pk>/": (Spec("appointment detail", PARTICIPANT),),
    "appointments/<int:pk>/move/": (Spec("appointment move", PARTICIPANT),),
    "complaints/": (Spec("complaints list", PARTICIPANT),),
    "complaints/new/": (
        Spec("help start", PUBLIC),
        Spec("help start (logged in)", PARTICIPANT),
    ),
    "complaints/new/<slug:category>/": (
        Spec("self-help", PARTICIPANT),
        Spec("self-help (anonymous)", PUBLIC, url="/complaints/new/cannot_log_in/"),
    ),
    "complaints/new/<slug:category>/form/": (
        Spec("complaint form", PARTICIPANT),
        Spec("complaint form (anonymous)", PUBLIC, url="/complaints/new/cannot_log_in/form/"),
    ),
    "complaints/<str:number>/": (Spec("complaint detail", PARTICIPANT),),
    "complaints/status/<str:number>/<str:token>/": (Spec("complaint status link", PUBLIC),),
    "news/": (Spec("news list", PUBLIC),),
    "news/<slug:slug>/": (Spec("news article", PUBLIC),),
    "guides/": (Spec("guides", PUBLIC),),
    "guides/<slug:slug>/": (Spec("guide", PUBLIC),),
    "faq/": (Spec("FAQ", PUBLIC),),
    "search/": (Spec("search", PUBLIC, url="?q=saldo"),),
    "style/": (Spec("style guide", PUBLIC),),
    "cards/": (Spec("my cards", PARTICIPANT),),
    "cards/add/": (Spec("add a card", PARTICIPANT),),
    "accounts/phone/change/": (Spec("account: mobile number", PARTICIPANT),),
    "access/lock/": (Spec("lock online access", PARTICIPANT),),
    "access/recover/": (Spec("recover", PUBLIC),),
    "access/recover/online/": (Spec("recover online", PUBLIC),),
    "access/recover/branch-code/": (Spec("recover with a branch code", PUBLIC),),
    "complaints/follow/": (Spec("follow a complaint", PUBLIC),),
    "appointments/queue/<slug:branch_code>/": (
        Spec("queue display", PUBLIC, url="/appointments/queue/soreang/"),
    ),
    "appointments/queue/<slug:branch_code>/kiosk/": (
        Spec("queue kiosk", PUBLIC, url="/appointments/queue/soreang/kiosk/"),
    ),
    "appointments/queue/<slug:branch_code>/kiosk/walk-in/": (
        Spec("queue kiosk walk-in", PUBLIC, url="/appointments/queue/soreang/kiosk/walk-in/"),
    ),
}

# Error pages are no route: a URL nothing answers, and a form sent with a stale CSRF token
# (above, on the login page: what a participant meets after a long pause). Django's plain 403
# (PermissionDenied) is raised by no participant or public page, only in the staff admin.
ERROR_PAGES = (
    Spec("404", PUBLIC, url="/no-such-page/", status=404),
    Spec("404 (logged in)", PARTICIPANT, url="/no-such-page/", status=404),
)

# Routes that are not participant or public pages, or that only a state the demo participant
# cannot be in reaches. Prefixes end in "/".
EXCLUDED_PREFIXES = {
    "admin/": "the staff admin: desktop staff tool, covered by the staff journeys",
    "api/": "the REST API (JSON) and its Swagger docs for partner developers",
}
EXCLUDED: dict[str, str] = {
    "healthz": "the load balancer's health probe, plain text",
    "favicon.ico": "an icon, not a page",
    "access/recover/new-login/": "only after a passed recovery in this session: redirects",
    "accounts/signup/code/": "only after signup step 1 in this session: redirects",
    "accounts/phone/verify/": "only while a number waits for its SMS code: redirects",
    "accounts/password/reset/code/": "only mid-reset by SMS code: redirects (SMS journey)",
    "accounts/password/reset/code/done/": "only at the end of a reset by SMS code (SMS journey)",
    "accounts/password/reset/code/new/": "only mid-reset by SMS code: redirects (SMS journey)",
    "cards/<int:card_id>/merge/": (
        "only for a non-active card with a balance, which the demo participant lacks; "
        "looked at 320 px in tests/e2e/test_card_journey.py"
    ),
    "i18n/setlang/": "POST only: the language switch (GET only redirects)",
    "accounts/reauthenticate/code/": "login by e-mail code is off: redirects",
    "accounts/reauthenticate/code/confirm/": "login by e-mail code is off: redirects",
    "accounts/login/code/confirm/": "login by e-mail code is off: redirects",
    "accounts/password/set/": "every account has a password (signup sets it): redirects",
    "accounts/2fa/authenticate/": "only mid-login of an account with two-step codes (staff)",
    "accounts/2fa/reauthenticate/": "only for an account with two-step codes (staff)",
    "accounts/2fa/totp/deactivate/": "only for an account with two-step codes (staff)",
    "accounts/2fa/recovery-codes/": "only for an account with two-step codes (staff)",
    "accounts/2fa/recovery-codes/generate/": "only for an account with two-step codes (staff)",
    "accounts/2fa/recovery-codes/download/": "a download (text file)",
    "balance/statement/<int:year>/": "a download (PDF)",
    "appointments/<int:pk>/calendar.ics": "a download (ICS)",
    "documents/<int:document_id>/download/": "a download (the uploaded file)",
    "complaints/status/<str:number>/<str:token>/files/<int:document_id>/": "a download",
    "news/<slug:slug>/cover/": "an image",
    "news/feed/rss/": "a feed (XML)",
    "news/feed/atom/": "a feed (XML)",
    "claims/branch-appointment/": "a redirect to appointments/book/?service=jht_verification, "
    "checked as 'appointment booking (JHT visit)'",
    "claims/<int:claim_id>/cancel/": "POST only (GET answers 405)",
    "cards/<int:card_id>/link/": "POST only (GET answers 405): the buttons on Kartu saya",
    "claims/<int:claim_id>/documents/<slug:document_type>/": "POST only (GET answers 405)",
    "appointments/<int:pk>/accept/": "POST only (GET answers 405)",
    "appointments/<int:pk>/cancel/": "POST only (GET answers 405)",
    "appointments/<int:pk>/queue.json": "JSON polled by the appointment page (the place part)",
    "appointments/queue/<slug:branch_code>/now.json": "JSON polled by the queue display",
    "appointments/queue/door/<str:token>/": (
        "needs the day's signed door code and a visit today; looked at 320 and 1280 px in "
        "tests/e2e/test_queue_journey.py"
    ),
}


def excluded(route: str) -> str | None:
    """Why `route` is not checked, or None when it is a page to check."""
    if route in EXCLUDED:
        return EXCLUDED[route]
    prefixes = EXCLUDED_PREFIXES.items()
    return next((why for prefix, why in prefixes if route.startswith(prefix)), None)


def owned_world(participant) -> World:
    """One of each object the participant's pages show, owned by `participant`, shaped like the
    access matrix's world so its url_for fills the routes (tests/security/access_world.py)."""
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    from data_updates import services as data_updates
    from data_updates.models import DataUpdateRequest
    from documents.services import document_upload
    from news.models import Article
    from tests.documents.files import upload
    from tests.factories import (
        ClaimFactory,
        ContributionReportFactory,
        FamilyMemberFactory,
        TicketFactory,
    )
    from tests.security.access_world import _appointment, _article

    card = participant.kpj_cards.confirmed().order_by("pk").first()
    branch = participant.branch
    world = World()
    o = world.objects
    o["participant_a"] = participant
    o["card_a"] = card
    o["branch_x"] = branch
    # One open claim per programme: a JHT claim above the online limit, finished at a branch
    # visit, so its branch-visit page is reachable too.
    o["claim_a"] = ClaimFactory(participant=participant, branch_visit=True)
    o["ticket_a"] = TicketFactory(participant=participant)
    o["anonymous_ticket"] = TicketFactory(
        participant=None, branch=branch, contact_name="Tanpa Akun",
        contact_nik="3204101203850099", contact_email="tanpa.akun@example.test",
    )  # fmt: skip
    o["document_a"] = document_upload(
        owner=participant, kind="ktp", upload=upload("ktp.png"), actor=None
    )
    o["data_update_a"] = data_updates.data_update_save_draft(
        participant=participant, kind=DataUpdateRequest.Kind.ADDRESS, values={"street": "Jl. A"}
    )
    o["appointment_a"] = _appointment(participant, branch)
    o["family_member_a"] = FamilyMemberFactory(
        participant=participant, full_name="Siti Santoso", relationship="child",
        birth_date=datetime.date(2015, 1, 1),
    )  # fmt: skip
    published = Article.objects.filter(publish_at__lte=timezone.now()).order_by("pk").first()
    o["article"] = published or _article()
    o["report_e"] = ContributionReportFactory(employer=card.employer) if card.employer else None
    address = EmailAddress.objects.filter(user=participant.user, primary=True).first()
    o["email_key"] = EmailConfirmationHMAC(address).key
    return world


def _route_url(world: World, route: str, name: str | None) -> str:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    o = world.objects
    if route == "accounts/^confirm-email/(?P<key>[-:\\w]+)/$":
        return f"/accounts/confirm-email/{o['email_key']}/"
    if route.startswith("accounts/^password/reset/key/"):
        user = o["participant_a"].user
        uid, key = user_pk_to_url_str(user), default_token_generator.make_token(user)
        return f"/accounts/password/reset/key/{uid}-{key}/"
    if route == "news/<slug:slug>/":
        return f"/news/{o['article'].slug}/"
    if o["report_e"] is None:
        o["report_e"] = type("NoReport", (), {"pk": 0})()  # url_values reads it; no page uses it
    o.setdefault("collective_e", type("NoGroup", (), {"pk": 0})())  # partner API only, as above
    return url_for(world, route, name)


def site_pages(world: World) -> list[SitePage]:
    """Every checked page, in PAGES order, then the error pages."""
    routes = all_routes()
    pages = []
    for route, specs in PAGES.items():
        for spec in specs:
            if spec.url and spec.url.startswith("/"):
                url = spec.url
            else:
                url = _route_url(world, route, routes.get(route)) + (spec.url or "")
            pages.append(
                SitePage(spec.name, url, spec.audience, route, spec.status, spec.redirects,
                         spec.csrf_failure)
            )  # fmt: skip
    pages += [SitePage(s.name, s.url, s.audience, "", s.status) for s in ERROR_PAGES]
    return pages


def load(page, base: str, site_page: SitePage):
    """Open `site_page` in the Playwright page; the response of its last navigation."""
    response = page.goto(base + site_page.url, wait_until="load")
    if site_page.csrf_failure:
        # A form sent with a token that no longer matches, as after a long pause.
        page.evaluate(
            "document.querySelectorAll('input[name=csrfmiddlewaretoken]')"
            ".forEach((input) => { input.value = 'x'.repeat(64); })"
        )
        with page.expect_navigation(wait_until="load") as navigation:
            page.evaluate("document.querySelector('input[type=password]').closest('form').submit()")
        response = navigation.value
    return response

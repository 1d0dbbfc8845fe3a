"""The access matrix: for every route, what each role gets for a GET of A's object.

One line per route: "route as written in the URLconf": "anon A B X Y E F", the HTTP status for
  anon  not logged in            A  participant A (the owner)    B  participant B (not the owner)
  X     staff of A's branch      Y  staff of another branch
  E     A's employer's API key   F  another employer's API key
The admin is one line per model (admin_model), with the statuses staff get on its six pages.
POST lines ("POST route") check that state-changing pages refuse other people's objects.
"""

from tests.security.access_world import ROLES as ROLE_CODES

ORDER = {
    "GET": ROLE_CODES,
    # Owners last, so the refusals are tested before A's own request changes anything.
    "POST": (
        "anon",
        "participant_b",
        "staff_y",
        "partner_f",
        "partner_e",
        "staff_x",
        "participant_a",
    ),
}
# The six pages Django's admin gives every registered model, in admin_model's order.
ADMIN_MODEL_PAGES = (
    "",
    "add/",
    "<path:object_id>/history/",
    "<path:object_id>/delete/",
    "<path:object_id>/change/",
    "<path:object_id>/",
)
# Whoever is not staff is sent to the (allauth) login by every admin page.
NOT_STAFF = "302 302 302"


def admin_model(model: str, staff_x: str, staff_y: str) -> dict[str, str]:
    """Six entries: staff_x/staff_y give the statuses of list, add, history, delete, change,
    and the bare object URL (a redirect to change), for branch X's object where it has one."""
    x, y = staff_x.split(), staff_y.split()
    assert len(x) == len(y) == len(ADMIN_MODEL_PAGES), model
    return {
        f"admin/{model}/{page}": f"302 302 302 {sx} {sy} 302 302"
        for page, sx, sy in zip(ADMIN_MODEL_PAGES, x, y, strict=True)
    }


MATRIX: dict[str, str] = {
    "healthz": "200 200 200 200 200 200 200",
    "favicon.ico": "200 200 200 200 200 200 200",
    "style/": "200 200 200 200 200 200 200",
    "i18n/setlang/": "302 302 302 302 302 302 302",
    "accounts/signup/": "200 302 302 302 302 200 200",
    "accounts/login/": "200 302 302 302 302 200 200",
    "accounts/logout/": "302 200 200 200 200 302 302",
    "accounts/inactive/": "200 200 200 200 200 200 200",
    "accounts/reauthenticate/": "302 200 200 200 200 302 302",
    "accounts/reauthenticate/code/": "302 302 302 302 302 302 302",
    "accounts/reauthenticate/code/confirm/": "302 302 302 302 302 302 302",
    "accounts/email/": "302 200 200 200 200 302 302",
    "accounts/confirm-email/": "200 200 200 200 200 200 200",
    "accounts/password/change/": "302 200 200 200 200 302 302",
    "accounts/password/set/": "302 302 302 302 302 302 302",
    "accounts/password/reset/": "200 200 200 200 200 200 200",
    "accounts/login/code/confirm/": "302 302 302 302 302 302 302",
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": "200 200 200 200 200 200 200",
    "accounts/password/reset/key/done/": "200 200 200 200 200 200 200",
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": "200 200 200 200 200 200 200",  # noqa: E501
    "accounts/password/reset/done/": "200 200 200 200 200 200 200",
    # Reset by SMS code: without a reset under way the steps send people back to the start.
    "accounts/password/reset/code/": "302 302 302 302 302 302 302",
    "accounts/password/reset/code/new/": "302 302 302 302 302 302 302",
    "accounts/password/reset/code/done/": "200 200 200 200 200 200 200",
    "accounts/phone/change/": "302 200 200 200 200 302 302",
    "accounts/phone/verify/": "302 302 302 302 302 302 302",
    "accounts/2fa/": "302 200 200 200 200 302 302",
    "accounts/2fa/authenticate/": "302 302 302 302 302 302 302",
    "accounts/2fa/reauthenticate/": "302 302 302 200 200 302 302",
    "accounts/2fa/totp/activate/": "302 302 302 302 302 302 302",
    "accounts/2fa/totp/deactivate/": "302 404 404 302 302 302 302",
    "accounts/2fa/recovery-codes/": "302 404 404 404 404 302 302",
    "accounts/2fa/recovery-codes/generate/": "302 302 302 302 302 302 302",
    "accounts/2fa/recovery-codes/download/": "302 404 404 404 404 302 302",
    "admin/": "302 302 302 200 200 302 302",
    "admin/login/": "302 403 403 302 302 302 302",
    "admin/logout/": "302 302 302 405 405 302 302",
    "admin/password_change/": "302 302 302 200 200 302 302",
    "admin/autocomplete/": "302 302 302 403 403 302 302",
    "admin/jsi18n/": "302 302 302 200 200 302 302",
    "admin/r/<path:content_type_id>/<path:object_id>/": "302 302 302 404 404 302 302",
    "admin/participants/user/<id>/password/": "302 302 302 403 403 302 302",
    "admin/appointments/appointment/queue/": "302 302 302 200 200 302 302",
    "admin/appointments/queueticket/counter/": "302 302 302 200 200 302 302",
    "admin/appointments/queueticket/door/": "302 302 302 200 200 302 302",
    "admin/claims/claim/file/": "302 302 302 200 200 302 302",
    # The counter: staff of any branch find and read a member (audited: a walk-in is served
    # wherever they come in); decisions and check-in are POST only.
    "admin/counter/": "302 302 302 200 200 302 302",
    "admin/counter/members/<int:participant_id>/": "302 302 302 200 200 302 302",
    "admin/counter/members/<int:participant_id>/serve/": "302 302 302 405 405 302 302",
    "admin/counter/claims/<int:claim_id>/decide/": "302 302 302 405 405 302 302",
    "admin/counter/appointments/<int:appointment_id>/check-in/": "302 302 302 405 405 302 302",
    # Payment batches are for the pay permission only: branch staff who decide claims get 403.
    "admin/claims/paymentbatch/<int:batch_id>/bank-file/": "302 302 302 403 403 302 302",
    "admin/claims/paymentbatch/<int:batch_id>/confirm/": "302 302 302 403 403 302 302",
    # Issue 19: the JKK calculator reads rule rows only, no participant: any claim viewer.
    "admin/claims/claim/jkk-calculator/": "302 302 302 200 200 302 302",
    "admin/participants/participant/<path:object_id>/correct-identity/": (
        "302 302 302 200 404 302 302"
    ),
    "admin/^(?P<app_label>auth|sites|account|mfa|django_celery_beat|core|appointments|participants|data_updates|partners|claims|complaints|news|documents|insights|outbox|access|sms)/$": "302 302 302 200 200 302 302",  # noqa: E501
    "admin/(?P<url>.*)$": "302 302 302 404 404 302 302",
    "api/v1/simulations/contribution": "405 405 405 405 405 405 405",
    "api/v1/simulations/pension-age": "400 400 400 400 400 400 400",
    "api/v1/simulations/jht-projection": "405 405 405 405 405 405 405",
    "api/v1/me/balance": "403 200 200 404 404 403 403",
    "api/schema/": "200 200 200 200 200 200 200",
    "api/schema/partner/": "200 200 200 200 200 200 200",
    "api/docs/": "200 200 200 200 200 200 200",
    "api/v1/me/claims/": "403 200 200 200 200 403 403",
    "api/v1/me/claims/<int:claim_id>": "403 200 404 404 404 403 403",
    "api/v1/employers/me/leavers": "401 401 401 401 401 405 405",
    "api/v1/employers/me/new-members": "401 401 401 401 401 405 405",
    "api/v1/employers/me/members": "401 401 401 401 401 200 200",
    "api/v1/employers/me/members/<str:kpj>": "401 401 401 401 401 200 404",
    "api/v1/employers/me/claims": "401 401 401 401 401 200 200",
    "claims/": "302 200 200 404 404 302 302",
    "claims/check/": "302 200 200 404 404 302 302",
    "claims/file/": "302 200 200 404 404 302 302",
    "claims/branch-appointment/": "302 302 302 302 302 302 302",
    "claims/<int:claim_id>/": "302 200 404 404 404 302 302",
    "claims/<int:claim_id>/cancel/": "302 200 404 404 404 302 302",
    "documents/<int:document_id>/download/": "302 200 404 200 404 302 302",
    "complaints/": "302 200 200 403 403 302 302",
    "complaints/new/": "200 200 200 403 403 200 200",
    "complaints/new/<slug:category>/": "302 200 200 403 403 302 302",
    "complaints/new/<slug:category>/form/": "302 200 200 403 403 302 302",
    "complaints/status/<str:number>/<str:token>/": "200 200 200 200 200 200 200",
    "complaints/<str:number>/": "302 200 404 403 403 302 302",
    "complaints/follow/": "200 200 200 200 200 200 200",
    "accounts/signup/code/": "302 302 302 302 302 302 302",
    "access/recover/": "200 200 200 200 200 200 200",
    "access/recover/online/": "200 200 200 200 200 200 200",
    "access/recover/branch-code/": "200 200 200 200 200 200 200",
    "access/recover/new-login/": "302 302 302 302 302 302 302",
    "access/lock/": "302 200 200 403 403 302 302",
    "news/": "200 200 200 200 200 200 200",
    "news/feed/rss/": "200 200 200 200 200 200 200",
    "news/feed/atom/": "200 200 200 200 200 200 200",
    "news/<slug:slug>/": "200 200 200 200 200 200 200",
    "news/<slug:slug>/cover/": "404 404 404 404 404 404 404",
    "guides/": "200 200 200 200 200 200 200",
    "guides/<slug:slug>/": "200 200 200 200 200 200 200",
    "faq/": "200 200 200 200 200 200 200",
    "search/": "200 200 200 200 200 200 200",
    "appointments/": "302 200 200 404 404 302 302",
    "appointments/book/": "302 200 200 404 404 302 302",
    "appointments/<int:pk>/": "302 200 404 404 404 302 302",
    "appointments/<int:pk>/accept/": "302 405 405 405 405 302 302",
    "appointments/<int:pk>/cancel/": "302 200 404 404 404 302 302",
    "appointments/<int:pk>/move/": "302 200 404 404 404 302 302",
    "appointments/<int:pk>/calendar.ics": "302 200 404 404 404 302 302",
    "appointments/<int:pk>/queue.json": "302 200 404 404 404 302 302",
    # The branch's queue pages are public: numbers only, or a masked name for a code typed in.
    "appointments/queue/<slug:branch_code>/": "200 200 200 200 200 200 200",
    "appointments/queue/<slug:branch_code>/now.json": "200 200 200 200 200 200 200",
    "appointments/queue/<slug:branch_code>/kiosk/": "200 200 200 200 200 200 200",
    "appointments/queue/<slug:branch_code>/kiosk/walk-in/": "200 200 200 200 200 200 200",
    # Today's door code: any participant may report arrival with it (for their own visit).
    "appointments/queue/door/<str:token>/": "302 200 200 404 404 302 302",
    "": "200 200 200 200 200 200 200",
    "dashboard/": "302 200 200 200 200 302 302",
    "data/": "302 200 200 404 404 302 302",
    "data/bank-account/": "302 302 302 302 302 302 302",
    "data/requests/<int:request_id>/": "302 200 404 404 404 302 302",
    "data/<slug:slug>/": "302 200 200 404 404 302 302",
    "balance/": "302 200 200 404 404 302 302",
    "balance/statement/<int:year>/": "302 200 200 404 404 302 302",
    "card/<int:card_id>/": "302 200 404 404 404 302 302",
    "card/verify/<str:token>/": "200 200 200 200 200 200 200",
    "cards/": "302 200 200 404 404 302 302",
    "cards/add/": "302 200 200 404 404 302 302",
    "cards/<int:card_id>/merge/": "302 200 404 404 404 302 302",
    "cards/<int:card_id>/link/": "302 405 405 405 405 302 302",
    "simulations/contribution/": "200 200 200 200 200 200 200",
    "simulations/jht/": "200 200 200 200 200 200 200",
    "POST claims/<int:claim_id>/cancel/": "302 302 404 404 404 302 302",
    "POST appointments/<int:pk>/accept/": "302 302 404 404 404 302 302",
    "POST appointments/<int:pk>/cancel/": "302 302 404 404 404 302 302",
    "POST appointments/<int:pk>/move/": "302 302 404 404 404 302 302",
    # A's visit is not today and B has none here: both are told so; staff have no visits.
    "POST appointments/queue/door/<str:token>/": "302 200 200 404 404 302 302",
    "POST data/requests/<int:request_id>/": "302 404 404 404 404 302 302",
    "POST complaints/<str:number>/": "302 200 404 403 403 302 302",
    "POST api/v1/me/claims/<int:claim_id>": "403 405 405 405 405 403 403",
    "POST card/<int:card_id>/": "302 200 404 404 404 302 302",
    "POST cards/<int:card_id>/merge/": "302 200 404 404 404 302 302",
    "POST cards/<int:card_id>/link/": "302 302 404 404 404 302 302",
    "admin/password_change/done/": "302 302 302 200 200 302 302",
    "POST data/bank-account/": "302 302 302 302 302 302 302",
    "POST data/<slug:slug>/": "302 200 200 404 404 302 302",
    "POST accounts/email/": "302 302 302 302 302 302 302",
    "POST api/v1/me/claims/": "403 405 405 405 405 403 403",
    "POST documents/<int:document_id>/download/": "405 405 405 405 405 405 405",
    "POST admin/participants/participant/<path:object_id>/change/": "302 302 302 200 302 302 302",
    "POST admin/participants/participant/<path:object_id>/correct-identity/": (
        "302 302 302 200 404 302 302"
    ),
    "POST admin/claims/claim/<path:object_id>/change/": "302 302 302 200 302 302 302",
    "POST admin/partners/partnercredential/add/": "302 302 302 403 403 302 302",
    "POST api/v1/employers/me/leavers": "401 401 401 401 401 415 415",
    # Django's admin, one line per model: list, add, history, delete, change, bare object URL.
    **admin_model("auth/group", "403 403 403 403 403 302", "403 403 403 403 403 302"),
    **admin_model("sites/site", "403 403 403 403 403 302", "403 403 403 403 403 302"),
    **admin_model("account/emailaddress", "403 403 403 403 403 302", "403 403 403 403 403 302"),
    **admin_model("mfa/authenticator", "403 403 403 403 403 302", "403 403 403 403 403 302"),
    **admin_model(
        "django_celery_beat/periodictask", "403 403 302 403 403 302", "403 403 302 403 403 302"
    ),
    **admin_model(
        "django_celery_beat/clockedschedule", "403 403 302 403 403 302", "403 403 302 403 403 302"
    ),
    **admin_model(
        "django_celery_beat/crontabschedule", "403 403 302 403 403 302", "403 403 302 403 403 302"
    ),
    **admin_model(
        "django_celery_beat/solarschedule", "403 403 302 403 403 302", "403 403 302 403 403 302"
    ),
    **admin_model(
        "django_celery_beat/intervalschedule", "403 403 302 403 403 302", "403 403 302 403 403 302"
    ),
    **admin_model("participants/participant", "200 403 200 403 200 302", "200 403 302 403 302 302"),
    **admin_model("participants/employer", "200 403 200 403 200 302", "200 403 302 403 302 302"),
    **admin_model("participants/kpjcard", "200 403 200 403 200 302", "200 403 302 403 302 302"),
    **admin_model("core/auditevent", "200 403 200 403 200 302", "200 403 302 403 302 302"),
    **admin_model("participants/user", "403 403 302 403 403 302", "403 403 302 403 403 302"),
    **admin_model(
        "data_updates/dataupdaterequest", "200 403 200 403 200 302", "200 403 302 403 302 302"
    ),
    **admin_model("participants/programrule", "403 403 403 403 403 302", "403 403 403 403 403 302"),
    **admin_model(
        "participants/contributionrate", "403 403 403 403 403 302", "403 403 403 403 403 302"
    ),
    **admin_model("participants/ruleamount", "403 403 403 403 403 302", "403 403 403 403 403 302"),
    **admin_model("participants/jakontier", "403 403 403 403 403 302", "403 403 403 403 403 302"),
    **admin_model("participants/jkkrelief", "403 403 403 403 403 302", "403 403 403 403 403 302"),
    **admin_model("participants/pensionage", "403 403 403 403 403 302", "403 403 403 403 403 302"),
    **admin_model(
        "participants/jhtreturnrate", "403 403 302 403 403 302", "403 403 302 403 403 302"
    ),
    **admin_model(
        "participants/contributionposting", "200 403 302 403 302 302", "200 403 302 403 302 302"
    ),
    **admin_model("participants/jhtbalance", "200 403 302 403 302 302", "200 403 302 403 302 302"),
    **admin_model("participants/kpjbalance", "200 403 302 403 302 302", "200 403 302 403 302 302"),
    **admin_model(
        "participants/balancemergerequest", "200 403 302 403 302 302", "200 403 302 403 302 302"
    ),
    **admin_model(
        "partners/partnercredential", "403 403 403 403 403 302", "403 403 302 403 403 302"
    ),
    **admin_model("core/branch", "200 403 200 403 200 302", "200 403 200 403 200 302"),
    **admin_model("appointments/servicetype", "200 403 200 403 200 302", "200 403 200 403 200 302"),
    **admin_model("appointments/holiday", "200 403 302 403 302 302", "200 403 302 403 302 302"),
    **admin_model("appointments/appointment", "200 403 200 403 200 302", "200 403 302 403 302 302"),
    **admin_model("appointments/queueticket", "200 403 200 403 200 302", "200 403 302 403 302 302"),
    **admin_model("claims/claimrulevalue", "200 403 200 403 200 302", "200 403 200 403 200 302"),
    **admin_model("claims/benefittablerow", "200 403 200 403 200 302", "200 403 200 403 200 302"),
    **admin_model("claims/claim", "200 302 200 403 200 302", "200 302 302 403 302 302"),
    **admin_model("claims/paymentbatch", "403 403 302 403 403 302", "403 403 302 403 403 302"),
    **admin_model(
        "access/branchrecoverycode", "200 200 302 403 302 302", "200 200 302 403 302 302"
    ),
    **admin_model("access/accesslock", "200 200 302 403 302 302", "200 200 302 403 302 302"),
    **admin_model("complaints/ticket", "200 403 200 403 200 302", "200 403 302 403 302 302"),
    **admin_model("complaints/slapolicy", "200 403 200 403 200 302", "200 403 200 403 200 302"),
    **admin_model("complaints/selfhelpoffer", "200 403 302 403 302 302", "200 403 302 403 302 302"),
    **admin_model("news/articlecategory", "403 403 403 403 403 302", "403 403 403 403 403 302"),
    **admin_model("news/article", "403 403 403 403 403 302", "403 403 403 403 403 302"),
    **admin_model("news/guide", "403 403 403 403 403 302", "403 403 403 403 403 302"),
    **admin_model("news/quizquestion", "403 403 403 403 403 302", "403 403 403 403 403 302"),
    **admin_model("news/quizattempt", "403 403 302 403 403 302", "403 403 302 403 403 302"),
    **admin_model("news/faq", "403 403 403 403 403 302", "403 403 403 403 403 302"),
    **admin_model("news/maintenancewindow", "403 403 302 403 403 302", "403 403 302 403 403 302"),
    **admin_model("documents/document", "200 403 200 403 200 302", "200 403 302 403 302 302"),
    # Issue 5b, 7b, 8b, 9, 10b routes.
    "api/v1/employers/me/contributions": "401 401 401 401 401 200 200",
    "api/v1/employers/me/contributions/<int:report_id>": "401 401 401 401 401 200 404",
    "api/v1/employers/me/contributions/<int:report_id>/cancel": "401 401 401 401 401 405 405",
    "POST api/v1/employers/me/contributions/<int:report_id>/cancel": (
        "401 401 401 401 401 200 404"
    ),
    "claims/<int:claim_id>/branch-visit/": "302 302 404 404 404 302 302",
    # Issue 20 part 4: collective claims.
    "api/v1/employers/me/collective-claims": "401 401 401 401 401 200 200",
    "api/v1/employers/me/collective-claims/csv": "401 401 401 401 401 405 405",
    "api/v1/employers/me/collective-claims/<int:collective_id>": "401 401 401 401 401 200 404",
    "claims/<int:claim_id>/documents/<slug:document_type>/": "302 405 405 405 405 302 302",
    "complaints/status/<str:number>/<str:token>/files/<int:document_id>/": (
        "404 404 404 404 404 404 404"
    ),
    "data/family/<int:member_id>/<slug:slug>/": "302 200 404 404 404 302 302",
    "account/my-data/": "302 200 200 404 404 302 302",
    "admin/insights/dailysummary/": "302 302 302 200 200 302 302",
    "admin/insights/dailysummary/export/<slug:table>.csv": "302 302 302 200 200 302 302",
    **admin_model("outbox/outboxmessage", "403 403 302 403 403 302", "403 403 302 403 403 302"),
    **admin_model("sms/smsmessage", "403 403 302 403 403 302", "403 403 302 403 403 302"),
    **admin_model(
        "partners/contributionreport", "403 403 403 403 403 302", "403 403 302 403 403 302"
    ),
    **admin_model("partners/partnerwebhook", "403 403 302 403 403 302", "403 403 302 403 403 302"),
    **admin_model("partners/webhookdelivery", "403 403 302 403 403 302", "403 403 302 403 403 302"),
}


def key(method: str, route: str) -> str:
    return route if method == "GET" else f"{method} {route}"


def entries() -> dict[tuple[str, str], dict[str, int]]:
    parsed = {}
    for name, statuses in MATRIX.items():
        method, _, route = name.partition(" ") if name.startswith("POST ") else ("GET", "", name)
        codes = [int(code) for code in statuses.split()]
        assert len(codes) == len(ROLE_CODES), f"{name}: give {len(ROLE_CODES)} statuses"
        parsed[(method, route)] = dict(zip(ROLE_CODES, codes, strict=True))
    return parsed


def routes() -> set[str]:
    return {route for _method, route in entries()}

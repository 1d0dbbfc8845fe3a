from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularSwaggerView

from core.access_audit import audited_autocomplete

from . import pages
from .api_schema import ApiSchemaView, PartnerSchemaView
from .health import healthz

admin.site.site_header = _("JMO Portal - branch staff")
admin.site.site_title = _("JMO Portal staff")
# The header's staff links lead to the daily work; without the app sidebar the claim list and
# the counter keep every column at 1280 px and on a 10-inch tablet.
admin.site.enable_nav_sidebar = False
# Staff log in through allauth, so its rate limits (and MFA, once enabled) cover the admin too.
admin.site.login = secure_admin_login(admin.site.login)
# The participants it suggests are on the access audit, like the rows of a change list.
admin.site.autocomplete_view = audited_autocomplete(admin.site)

# The 500 page renders without the failed request (see pages.server_error); 400, 403 and 404
# are Django's own handlers with the portal's templates, except under /api/, where every
# error is the API's JSON body.
handler500 = "jmo_portal.pages.server_error"
handler404 = "jmo_portal.pages.page_not_found"
handler400 = "jmo_portal.pages.bad_request"
handler403 = "jmo_portal.pages.permission_denied"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("style/", pages.style_guide, name="style_guide"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("access.account_urls")),
    path("accounts/", include("participants.account_urls")),
    path("access/", include("access.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/counter/", include("counter.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("participants.api_urls")),
    # Decision (security test, issue 18): the API schema and its docs stay PUBLIC. Partner
    # developers read them before they have a key, as with any public API; they describe only
    # /api/v1/, every endpoint there asks for a partner key or the participant's session except
    # the three public calculators, and knowing an endpoint's shape opens nothing. No staff or
    # admin URL is in the schema. tests/security/test_api_docs.py holds all of this to account.
    # /api/schema/partner/ is all a partner may call (its docs are /api/docs/); /api/schema/
    # is every operation, tagged partner, participant or public (jmo_portal/api_schema.py).
    path("api/schema/", ApiSchemaView.as_view(), name="api-schema"),
    path("api/schema/partner/", PartnerSchemaView.as_view(), name="api-schema-partner"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema-partner"),
        name="api-docs",
    ),
    path("api/v1/me/claims/", include("claims.api_urls")),
    path("api/v1/employers/me/", include("partners.urls")),
    path("claims/", include("claims.urls")),
    path("documents/", include("documents.urls")),
    path("complaints/", include("complaints.urls")),
    path("", include("news.urls")),
    path("appointments/", include("appointments.urls")),
    path("data/", include("data_updates.urls")),
    path("account/", include("privacy.urls")),
    path("", include("participants.urls")),
]

"""The published OpenAPI documents (OpenAPI 3.1, drf-spectacular) and what they share.

Two documents: `/api/schema/partner/` holds only what a partner key may call (the employer
operations), so a client generated from it has nothing a partner cannot use;
`/api/schema/` holds every API operation, tagged `Partner: …`, `Participant: …` (the portal's
own pages, cookie login) and `Public: …` (the calculators). Both are English whatever the
request's language: enum and field descriptions are for developers, while the API's messages
follow `Accept-Language`.
"""

from http import HTTPStatus
from importlib import import_module

from django.conf import settings
from django.utils import translation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView

from .api_errors import ErrorSerializer

PARTNER_TAGS = [
    {
        "name": "Partner: members",
        "description": "Your workers' KPJ cards: list, register, leavers.",
    },
    {"name": "Partner: claims", "description": "Claim status of your workers; no amounts."},
    {
        "name": "Partner: collective claims",
        "description": "JHT claims filed at once for workers who left (JSON or CSV); progress.",
    },
    {
        "name": "Partner: contribution reports",
        "description": "Monthly contribution reports: post, follow, list, cancel.",
    },
]
OTHER_TAGS = [
    {
        "name": "Participant: own data",
        "description": "The logged-in participant's own data (session cookie and CSRF); not "
        "for partner keys.",
    },
    {"name": "Public: simulators", "description": "Calculators anyone may call, throttled."},
]

PARTNER_DESCRIPTION = """\
The API of an employer's system (payroll, HR) for its own workers at BPJS Ketenagakerjaan.

**Keys and scopes.** The branch issues a key `jmo_<prefix>_<secret>` with scopes; send it as
`Authorization: Bearer <key>`. Each operation lists the scope it needs in its security
requirement; a key without it gets 403.

**Errors.** Every error, on any path under `/api/` (unknown paths included), is the JSON body
`Error`: `code` (an enum, each value explained), `message` (for people, Indonesian unless the
request sends `Accept-Language: en`) and `fields` (messages per field path, e.g. `rows[2].nik`).

**Headers.** Every answer of an operation, successful ones included, carries
`RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds), except a 406 (refused
before the key is read) and a 404 for a path that matches no operation; a 429 adds
`Retry-After`. POSTs take an
optional `Idempotency-Key`; a replayed answer carries `Idempotent-Replayed: true`. A report
queued for the background is answered 202 with `Location`, its absolute status URL; a
collective claim is answered 201 with `Location` too.

**Types.** Money is whole rupiah, `integer` `int64`. Datetimes are RFC 3339 in UTC with whole
seconds (`2026-12-07T01:02:03Z`); dates are `YYYY-MM-DD`; months `YYYY-MM`.
"""


def _first_sentence(text: str) -> str:
    sentence = text.strip().split("\n\n")[0].replace("\n", " ")
    for stop in (": ", "; ", ". "):
        sentence = sentence.split(stop)[0]
    return sentence.rstrip(".")[:80]


def complete_operations(result, generator, request, public):
    """A postprocessing hook: every operation gets a summary (its description's first clause
    when it has none), an explicit `security` (an empty list for the public calculators) and
    no response without a description (the status's phrase, "OK", at least), as strict
    linters and generators ask."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not operation.get("summary") and operation.get("description"):
                operation["summary"] = _first_sentence(operation["description"])
            operation.setdefault("security", [])
            for status, response in operation.get("responses", {}).items():
                if not response.get("description"):
                    response["description"] = HTTPStatus(int(status)).phrase
    return result


def _load(path: str):
    """`module.Class.Inner` as ENUM_NAME_OVERRIDES names it (import_string stops at one dot)."""
    module, *parts = path.split(".")
    while parts:
        try:
            import_module(f"{module}.{parts[0]}")
        except ImportError:
            break
        module = f"{module}.{parts.pop(0)}"
    value = import_module(module)
    for part in parts:
        value = getattr(value, part)
    return value


def indonesian_labels(result, generator, request, public):
    """A postprocessing hook: each enum of the portal's choices carries its Indonesian labels in
    `x-labels-id` (value -> label), for a partner who shows them to people; the descriptions
    stay English."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, path in settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].items():
        choices = _load(path)
        if name not in schemas or not isinstance(choices, type):
            continue  # e.g. the error codes: English meanings for developers, not labels
        with translation.override("id"):
            schemas[name]["x-labels-id"] = {value: str(label) for value, label in choices.choices}
    return result


def spectacular_settings(*, partner: bool) -> dict:
    """The settings of one document; read at request time, so PORTAL_BASE_URL is current."""
    return {
        "TITLE": "JMO Portal partner API" if partner else "JMO Portal API",
        "DESCRIPTION": PARTNER_DESCRIPTION
        if partner
        else "Every API of the JMO Portal. Partners: use the partner document, "
        "`/api/schema/partner/`, which holds only what a partner key may call.\n\n"
        + PARTNER_DESCRIPTION,
        "TAGS": PARTNER_TAGS if partner else PARTNER_TAGS + OTHER_TAGS,
        "SERVERS": [{"url": settings.PORTAL_BASE_URL, "description": "This portal."}],
    }


class ApiSchemaView(SpectacularAPIView):
    """drf-spectacular's schema view, always in English (see the module's docstring)."""

    partner = False

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        self.custom_settings = spectacular_settings(partner=self.partner)
        with translation.override("en"):
            return super().get(request, *args, **kwargs)


class PartnerSchemaView(ApiSchemaView):
    partner = True
    urlconf = ["partners.schema_urls"]


# The participant and public operations' errors (the partner ones: partners/api_schema.py).
_ERROR_DESCRIPTIONS = {
    400: "A field or query parameter is not valid: `fields` names each one and what to correct.",
    403: "Not logged in as a participant (the portal's session cookie), or, for a write, the "
    "CSRF token is missing.",
    404: "No such path or object, or the object is someone else's (the same answer for both).",
    405: "The path does not take this HTTP method; `Allow` lists those it takes.",
    406: "The `Accept` header asks for something other than `application/json`.",
    429: "Too many calls from this address; wait the seconds in `Retry-After`.",
}


def error_responses(*statuses: int) -> dict:
    """`responses` entries for these error statuses, each the `Error` body, described."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[status])
        for status in statuses
    }

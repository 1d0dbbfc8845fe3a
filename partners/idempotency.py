"""`Idempotency-Key` for partner POSTs: same key and body → the stored answer; other body → 422.

Use it around a service call that runs in the same transaction:

    return idempotent_response(request=request, employer=employer, perform=lambda: (201, body))

The record is inserted in the same transaction as the work, so a failed request (a 400, or
an exception) stores nothing and may be retried with the same key. On PostgreSQL a second
request with the same key waits on the unique index until the first commits, then replays it.
Only successful answers (2xx) are stored.
"""

import hashlib
import json
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

from jmo_portal.api_errors import ApiError
from participants.models import Employer

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")


def request_fingerprint(*, method: str, path: str, data) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def idempotency_key_from(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not _KEY_RE.match(key):
        raise ApiError(
            status_code=400,
            code="invalid",
            message=_("The Idempotency-Key header is not valid."),
            fields={
                HEADER: [
                    str(_("Use 1 to 255 visible ASCII characters, e.g. a UUID, with no spaces."))
                ]
            },
        )
    return key


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise ApiError(
            status_code=422,
            code="idempotency_key_reused",
            message=_(
                "This Idempotency-Key was already used for a different request. "
                "Send a new key for a new request."
            ),
            fields={HEADER: [str(_("Already used with another body or endpoint."))]},
        )
    response = Response(record.response_body, status=record.response_status)
    response[REPLAYED_HEADER] = "true"
    return response


def idempotent_response(
    *, request, employer: Employer, perform: Callable[[], tuple[int, dict]]
) -> Response:
    """Run `perform` once per (employer, key); replay its stored answer for a retry."""
    key = idempotency_key_from(request)
    if key is None:
        status, body = perform()
        return Response(body, status=status)
    fingerprint = request_fingerprint(method=request.method, path=request.path, data=request.data)
    existing = IdempotencyRecord.objects.filter(employer=employer, key=key).first()
    if existing is not None:
        return _replay(existing, fingerprint)
    try:
        with transaction.atomic():
            # Claim the key first: a concurrent twin blocks here until this one commits or not.
            record = IdempotencyRecord.objects.create(
                employer=employer,
                key=key,
                fingerprint=fingerprint,
                response_status=202,
                response_body={},
            )
            status, body = perform()
            record.response_status, record.response_body = status, body
            record.save(update_fields=["response_status", "response_body"])
    except IntegrityError:
        twin = IdempotencyRecord.objects.filter(employer=employer, key=key).first()
        if twin is None:
            raise  # the work itself broke a constraint, not the key
        return _replay(twin, fingerprint)
    return Response(body, status=status)

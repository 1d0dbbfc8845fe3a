"""Property tests of the partner API against its own OpenAPI schema (schemathesis).

Fixed seed, bounded examples, in-process through WSGI on the test database. Checks: no 5xx,
status codes, content types, headers and bodies as the partner document says, and input the
schema forbids is refused (`negative_data_rejection`: a bad `page_size` is a 400 since the
contract work of issue 22, where it used to fall back to the default).
`positive_data_acceptance` is left out: a schema-valid report may still break a business
rule the schema cannot state (a KPJ that is not the partner's, a NIK that encodes no real
date, a leaving date in the future), and the API rightly answers 400 with the row and field.
"""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, seed, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from partners.auth import AnonymousIpThrottle, PartnerRateThrottle
from tests.factories import ClaimFactory, KpjCardFactory

from .conftest import make_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def wsgi_app():
    """The real WSGI app on the test transaction: as Django's test client does, keep the
    request signals from closing the connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


MAX_EXAMPLES = 12
EXCLUDED = [positive_data_acceptance]


def test_the_partner_api_keeps_to_its_schema(employer_a, employer_b, monkeypatch, wsgi_app):
    # Throttling has its own tests; here it would only turn the unauthenticated probes into 429s.
    monkeypatch.setattr(PartnerRateThrottle, "rate", "100000/min", raising=False)
    monkeypatch.setattr(AnonymousIpThrottle, "rate", "100000/min", raising=False)
    for number in ("11111111111", "11111111112"):
        card = KpjCardFactory(
            number=number, employer=employer_a, joined_on=datetime.date(2020, 1, 1)
        )
    ClaimFactory(participant=card.participant)
    KpjCardFactory(number="22222222222", employer=employer_b)
    # Identity encoding: the WSGI transport hands schemathesis the body as sent, and the
    # portal gzips JSON for clients that accept it (tests/design covers that).
    headers = {"Authorization": f"Bearer {make_key(employer_a)}", "Accept-Encoding": "identity"}
    # The partner document: what a partner's developer downloads.
    schema = schemathesis.openapi.from_wsgi("/api/schema/partner/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 13
    for operation in operations:

        @seed(20260101)
        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

        check()

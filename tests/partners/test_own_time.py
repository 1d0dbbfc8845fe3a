"""Issue 18: a partner sees a worker's claims only for the time its own card covered.

The two stories of the security test: an employer that let the worker go in 2019 saw a
claim filed in 2026; an employer that linked itself to a worker saw the worker's earlier
claims. Both the API and the webhook fan-out read partners/selectors.py.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import WebhookDelivery
from partners.webhooks import deliveries_for_claim_event
from tests.factories import (
    ClaimEventFactory,
    ClaimFactory,
    EmployerFactory,
    KpjCardFactory,
    ParticipantFactory,
    PartnerWebhookFactory,
)

from .conftest import bearer, make_key

pytestmark = pytest.mark.django_db

BASE = "/api/v1/employers/me"


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


def claim_ids(client, key) -> list[int]:
    response = client.get(f"{BASE}/claims", **bearer(key))
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def story():
    """A worker at `old` from 2015 to mid-2019, then at `new` from 2026 (linked by `new`)."""
    worker = ParticipantFactory()
    old, new = EmployerFactory(), EmployerFactory()
    old_card = KpjCardFactory(
        participant=worker, employer=old, joined_on=datetime.date(2015, 1, 1),
        left_on=datetime.date(2019, 6, 30), status="non_active",
    )  # fmt: skip
    new_card = KpjCardFactory(participant=worker, employer=new, joined_on=datetime.date(2026, 1, 5))
    return worker, old, new, old_card, new_card


def test_an_employer_that_left_the_worker_in_2019_does_not_see_a_2026_claim(client, story):
    worker, old, new, old_card, new_card = story
    claim_2026 = ClaimFactory(
        participant=worker, event_date=datetime.date(2026, 3, 1),
        submitted_at=at(datetime.date(2026, 3, 2)),
    )  # fmt: skip
    old_key, new_key = make_key(old), make_key(new)
    assert claim_ids(client, old_key) == []
    assert claim_ids(client, new_key) == [claim_2026.pk]
    assert client.get(f"{BASE}/claims", **bearer(new_key)).json()["results"][0]["kpj"] == (
        new_card.number
    )


def test_the_claim_about_leaving_stays_visible_to_the_employer_that_was_left(client, story):
    """The JHT claim for the 2019 resignation is dated on the last day of the old card."""
    worker, old, new, old_card, _ = story
    resignation = ClaimFactory(
        participant=worker, event_date=datetime.date(2019, 6, 30),
        submitted_at=at(datetime.date(2019, 8, 1)),
    )  # fmt: skip
    body = client.get(f"{BASE}/claims", **bearer(make_key(old))).json()
    assert [(row["id"], row["kpj"]) for row in body["results"]] == [
        (resignation.pk, old_card.number)
    ]
    assert claim_ids(client, make_key(new)) == []


def test_an_employer_that_linked_itself_does_not_see_earlier_claims(client, story):
    worker, _, new, _, _ = story
    earlier = ClaimFactory(
        participant=worker, event_date=datetime.date(2023, 4, 1),
        submitted_at=at(datetime.date(2023, 4, 3)), status="paid",
    )  # fmt: skip
    undated_before = ClaimFactory(
        participant=worker, event_date=None, submitted_at=at(datetime.date(2025, 12, 1)),
        status="rejected",
    )  # fmt: skip
    undated_after = ClaimFactory(
        participant=worker, event_date=None, submitted_at=at(datetime.date(2026, 2, 1))
    )
    ids = claim_ids(client, make_key(new))
    assert earlier.pk not in ids
    assert undated_before.pk not in ids
    assert ids == [undated_after.pk]


def test_the_claims_page_costs_the_same_queries_for_one_or_many_workers(client):
    employer = EmployerFactory()
    key = make_key(employer)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{BASE}/claims", **bearer(key)).status_code == 200
        return len(captured)

    card = KpjCardFactory(employer=employer)
    ClaimFactory(participant=card.participant)
    queries()  # the first call of a key also records its first use
    one = queries()
    for _ in range(4):
        other = KpjCardFactory(employer=employer)
        ClaimFactory(participant=other.participant)
        KpjCardFactory(participant=other.participant, employer=EmployerFactory())
    assert queries() == one
    assert client.get(f"{BASE}/claims", **bearer(key)).json()["count"] == 5


# Webhooks -----------------------------------------------------------------------------------


def test_the_webhook_fan_out_skips_an_employer_outside_its_period(story):
    worker, old, new, _, new_card = story
    PartnerWebhookFactory(employer=old)
    new_hook = PartnerWebhookFactory(employer=new)
    claim = ClaimFactory(
        participant=worker, event_date=datetime.date(2026, 3, 1),
        submitted_at=at(datetime.date(2026, 3, 2)),
    )  # fmt: skip
    ClaimEventFactory(claim=claim, from_status="submitted", to_status="verifying")
    deliveries = list(WebhookDelivery.objects.all())
    assert [d.webhook_id for d in deliveries] == [new_hook.pk]
    assert deliveries[0].payload["claim"]["kpj"] == new_card.number


def test_the_webhook_fan_out_tells_the_old_employer_of_its_own_period_only(story):
    worker, old, _, _, _ = story
    old_hook = PartnerWebhookFactory(employer=old)
    earlier = ClaimFactory(
        participant=worker, event_date=datetime.date(2018, 2, 1),
        submitted_at=at(datetime.date(2018, 2, 2)),
    )  # fmt: skip
    ClaimEventFactory(claim=earlier, from_status="submitted", to_status="verifying")
    assert list(WebhookDelivery.objects.values_list("webhook_id", flat=True)) == [old_hook.pk]


def test_the_webhook_fan_out_costs_the_same_queries_for_one_or_many_employers(
    story,
):
    worker, old, new, _, _ = story
    claim = ClaimFactory(participant=worker, event_date=datetime.date(2026, 3, 1))
    PartnerWebhookFactory(employer=new)
    event = ClaimEventFactory(claim=claim, from_status="submitted", to_status="verifying")
    WebhookDelivery.objects.all().delete()
    with CaptureQueriesContext(connection) as one:
        assert len(deliveries_for_claim_event(event)) == 1
    for _ in range(3):
        other = EmployerFactory()
        KpjCardFactory(participant=worker, employer=other, joined_on=datetime.date(2026, 2, 1))
        PartnerWebhookFactory(employer=other)
    WebhookDelivery.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        assert len(deliveries_for_claim_event(event)) == 4
    assert len(many) == len(one)

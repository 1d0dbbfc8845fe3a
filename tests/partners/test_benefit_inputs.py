"""What the employer's reports give the benefit rules (issue 19): the reported wage on every
posting, and the nationality of a new member (Indonesian unless the report says otherwise)."""

import datetime

import pytest

from claims.inputs import claim_facts_for
from participants.models import ContributionPosting
from participants.selectors import participant_get_by_nik
from tests.partners.test_contributions import URL, row
from tests.partners.test_endpoints import BASE, member

from .conftest import bearer

pytestmark = pytest.mark.django_db


def post(client, key, url, body):
    return client.post(url, data=body, content_type="application/json", **bearer(key))


def test_a_report_keeps_the_wage_on_each_posting_and_the_claims_read_it(client, key_a, card_a):
    response = post(client, key_a, URL, {"rows": [row(month="2025-06", wage=12_000_000)]})
    assert response.status_code == 201, response.json()
    wages = set(ContributionPosting.objects.filter(kpj_card=card_a).values_list("wage", flat=True))
    assert wages == {12_000_000}
    facts = claim_facts_for(participant=card_a.participant, on_date=datetime.date(2026, 1, 14))
    assert facts.monthly_wage == 12_000_000
    # JP on the 2025 cap: 3 % × 10,547,400 = 316,422 (PP 45/2015 Art. 29).
    assert facts.jp_contributions == 316_422


@pytest.mark.parametrize(("sent", "stored"), [({}, "WNI"), ({"nationality": "WNA"}, "WNA")])
def test_a_new_member_is_indonesian_unless_the_report_says_so(client, key_a, sent, stored):
    body = {"members": [member(31, **sent)]}
    assert post(client, key_a, f"{BASE}/new-members", body).status_code == 201
    assert participant_get_by_nik(nik=body["members"][0]["nik"]).nationality == stored


def test_an_unknown_nationality_is_refused_by_its_field(client, key_a):
    body = {"members": [member(32, nationality="XX")]}
    response = post(client, key_a, f"{BASE}/new-members", body)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["members[0].nationality"]

"""Contribution reports: amounts from the dated rules, mismatches per row, all or nothing,
idempotent, own workers only, scope, JSON only, no mass assignment, never counted twice."""

import datetime

import pytest
from django.conf import settings

from core.models import AuditEvent
from participants import page_cache
from participants.ledger import ledger_balances_rebuild
from participants.models import ContributionPosting, JhtBalance, KpjBalance, KpjCard
from partners.contribution_reports import (
    ReportRefused,
    contribution_report_submit,
    report_rows_parse,
)
from partners.models import ContributionReport, IdempotencyRecord
from tests.factories import ContributionReportFactory, KpjCardFactory, ParticipantFactory

from .conftest import bearer, make_key

pytestmark = pytest.mark.django_db

URL = "/api/v1/employers/me/contributions"


def post(client, key, body, **headers):
    return client.post(URL, data=body, content_type="application/json", **bearer(key), **headers)


def row(kpj="11111111111", month="2026-01", wage=5_000_000, **extra):
    return {"kpj": kpj, "month": month, "wage": wage, **extra}


def amounts(response_row):
    return {p["program"]: (p["employer"], p["worker"]) for p in response_row["programs"]}


# Amounts from the rules (DOMAIN.md §2.1, PPU) --------------------------------------------


def test_ppu_amounts_follow_domain_rates_for_risk_class_2(client, key_a, card_a):
    """Rp5,000,000 in January 2026, JKK class 2 (0.54 %): JKM 0.30 %, JHT 3.7 + 2 %,
    JP 2 + 1 % (below the cap); JKP is funded by the government, so nothing is posted."""
    response = post(client, key_a, {"rows": [row()]})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert amounts(body["rows"][0]) == {
        "JKK": (27_000, 0),
        "JKM": (15_000, 0),
        "JHT": (185_000, 100_000),
        "JP": (100_000, 50_000),
    }
    assert body["rows"][0]["total"] == 477_000
    assert body["report"]["status"] == "posted"
    assert body["report"]["progress"] == 100
    assert body["report"]["totals"]["postings"] == 4
    assert ContributionPosting.objects.filter(kpj_card=card_a).count() == 4
    assert KpjBalance.objects.get(kpj_card=card_a).balance == 285_000
    total = JhtBalance.objects.get(participant=card_a.participant)
    assert (total.balance, total.posting_count) == (285_000, 4)
    assert total.last_contribution_month == datetime.date(2026, 1, 1)
    assert ledger_balances_rebuild() == []


def test_jp_wage_is_capped_at_the_cap_in_force_that_month(client, key_a, card_a):
    """2025 cap Rp10,547,400 (DOMAIN.md §2.1): a Rp12 million wage pays JP on the cap only,
    JHT on the whole wage."""
    response = post(client, key_a, {"rows": [row(month="2025-06", wage=12_000_000)]})
    assert response.status_code == 201, response.json()
    got = amounts(response.json()["rows"][0])
    assert got["JP"] == (210_948, 105_474)
    assert got["JHT"] == (444_000, 240_000)


def test_jkk_relief_halves_jkk_for_an_eligible_employer_in_the_relief_months(
    client, employer_a, key_a, card_a, key_b, card_b
):
    """PP 7/2025 + PP 36/2025: an eligible employer's March 2025 row pays JKK class 2 at
    0.27 % instead of 0.54 %; another employer, and the same one in February 2026, pay the
    full rate. The other programs are untouched."""
    employer_a.jkk_relief_eligible = True
    employer_a.save(update_fields=["jkk_relief_eligible"])
    rows = [row(month="2025-03"), row(month="2026-02")]
    response = post(client, key_a, {"rows": rows})
    assert response.status_code == 201, response.json()
    march, february = (amounts(r) for r in response.json()["rows"])
    assert march["JKK"] == (13_500, 0)
    assert february["JKK"] == (27_000, 0)
    assert {k: v for k, v in march.items() if k != "JKK"} == {
        "JKM": (15_000, 0), "JHT": (185_000, 100_000), "JP": (100_000, 50_000),
    }  # fmt: skip
    posted = ContributionPosting.objects.filter(kpj_card=card_a, program="JKK")
    assert {p.month: p.employer_amount for p in posted} == {
        datetime.date(2025, 3, 1): 13_500,
        datetime.date(2026, 2, 1): 27_000,
    }
    other = post(client, key_b, {"rows": [row(kpj=card_b.number, month="2025-03")]})
    assert other.status_code == 201, other.json()
    assert amounts(other.json()["rows"][0])["JKK"] == (27_000, 0)


def test_sent_amounts_of_an_eligible_employer_are_judged_against_the_relieved_jkk(
    client, employer_a, key_a, card_a
):
    employer_a.jkk_relief_eligible = True
    employer_a.save(update_fields=["jkk_relief_eligible"])
    sent = [
        {"program": "JKK", "employer": 27_000, "worker": 0},
        {"program": "JKM", "employer": 15_000, "worker": 0},
        {"program": "JHT", "employer": 185_000, "worker": 100_000},
        {"program": "JP", "employer": 100_000, "worker": 50_000},
    ]
    response = post(client, key_a, {"rows": [row(month="2025-03", amounts=sent)]},
                    HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"rows[0].amounts.JKK"}
    assert "give employer 13500 and worker 0" in fields["rows[0].amounts.JKK"][0]
    sent[0]["employer"] = 13_500
    assert post(client, key_a, {"rows": [row(month="2025-03", amounts=sent)]}).status_code == 201


def test_rows_by_nik_and_balances_add_up_across_months(client, key_a, card_a):
    nik = card_a.participant.nik
    rows = [row(month="2025-11"), {"nik": nik, "month": "2025-12", "wage": 6_000_000}]
    response = post(client, key_a, {"rows": rows})
    assert response.status_code == 201, response.json()
    assert [r["kpj"] for r in response.json()["rows"]] == [card_a.number] * 2
    balance = KpjBalance.objects.get(kpj_card=card_a)
    assert balance.balance == 285_000 + 342_000
    assert balance.last_contribution_month == datetime.date(2025, 12, 1)
    assert ledger_balances_rebuild() == []


def test_sent_amounts_that_match_are_accepted(client, key_a, card_a):
    sent = [
        {"program": "JKK", "employer": 27_000, "worker": 0},
        {"program": "JKM", "employer": 15_000, "worker": 0},
        {"program": "JHT", "employer": 185_000, "worker": 100_000},
        {"program": "JP", "employer": 100_000, "worker": 50_000},
    ]
    assert post(client, key_a, {"rows": [row(amounts=sent)]}).status_code == 201


def test_mismatches_are_reported_per_row_with_our_amounts_and_nothing_is_posted(
    client, key_a, employer_a, card_a
):
    other = KpjCardFactory(number="11111111112", employer=employer_a)
    sent = [
        {"program": "JKK", "employer": 27_000, "worker": 0},
        {"program": "JKM", "employer": 15_000, "worker": 0},
        {"program": "JHT", "employer": 190_000, "worker": 100_000},
    ]
    response = post(
        client, key_a, {"rows": [row(kpj=other.number), row(amounts=sent)]},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"rows[1].amounts.JHT", "rows[1].amounts.JP"}
    assert "employer 185000 and worker 100000" in fields["rows[1].amounts.JHT"][0]
    assert "You sent employer 190000" in fields["rows[1].amounts.JHT"][0]
    assert "leave out JP" in fields["rows[1].amounts.JP"][0]
    # All or nothing: the valid first row was not posted either, and no report was kept.
    assert ContributionPosting.objects.count() == 0
    assert ContributionReport.objects.count() == 0
    assert not KpjBalance.objects.exists()


def test_errors_speak_indonesian_by_default(client, key_a, card_a):
    response = post(client, key_a, {"rows": [row(month="2026-13")]})
    assert response.status_code == 400
    assert response["Content-Language"] == "id"
    assert response.json()["fields"]["rows[0].month"] == [
        "Tulis bulan sebagai YYYY-MM, misalnya 2026-01."
    ]


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"kpj": "123", "month": "2026-01", "wage": 1}, "rows[0].kpj"),
        ({"nik": "12", "month": "2026-01", "wage": 1}, "rows[0].nik"),
        ({"kpj": "11111111111", "nik": "3204101704900001", "month": "2026-01", "wage": 1},
         "rows[0].kpj"),
        ({"month": "2026-01", "wage": 1}, "rows[0].kpj"),
        ({"kpj": "11111111111", "month": "2026-1", "wage": 1}, "rows[0].month"),
        ({"kpj": "11111111111", "month": "2099-01", "wage": 1}, "rows[0].month"),
        ({"kpj": "11111111111", "month": "2026-01", "wage": 0}, "rows[0].wage"),
        ({"kpj": "11111111111", "month": "2026-01", "wage": "5000000"}, "rows[0].wage"),
        ({"kpj": "11111111111", "month": "2026-01", "wage": 1.5}, "rows[0].wage"),
        ({"kpj": "11111111111", "month": "2014-01", "wage": 5_000_000}, "rows[0].month"),
        ({"kpj": "11111111111", "month": "0000-01", "wage": 5_000_000}, "rows[0].month"),
        ({"kpj": "11111111111", "month": "2026-01", "wage": 10**19}, "rows[0].wage"),
        ({"kpj": 11111111111, "month": "2026-01", "wage": 1}, "rows[0].kpj"),
        ({"kpj": "11111111111", "month": 202601, "wage": 1}, "rows[0].month"),
        ({"kpj": "11111111111", "month": "2026-01", "wage": 1,
          "amounts": [{"program": "JHT", "employer": 10**19, "worker": 0}]},
         "rows[0].amounts[0].employer"),
        ({"kpj": "11111111111", "month": "2026-01", "wage": 1, "amounts": {"JHT": 1}},
         "rows[0].amounts"),
        ("not a row", "rows[0]"),
        ({"kpj": "11111111111", "month": "2026-01", "wage": 1, "amounts": [{"program": "X"}]},
         "rows[0].amounts[0].program"),
        ({"kpj": "11111111111", "month": "2026-01", "wage": 1,
          "amounts": [{"program": "JHT", "employer": -1, "worker": 0}]},
         "rows[0].amounts[0].employer"),
    ],
)  # fmt: skip
def test_each_bad_field_is_named(client, key_a, card_a, bad, field):
    response = post(client, key_a, {"rows": [bad]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"], body
    assert ContributionPosting.objects.count() == 0


@pytest.mark.parametrize("body", [{}, {"rows": []}, {"rows": "x"}, []])
def test_a_body_without_rows_is_refused(client, key_a, body):
    response = post(client, key_a, body)
    assert response.status_code == 400
    assert "rows" in response.json()["fields"]


def test_too_many_rows_are_refused(client, key_a, card_a, settings):
    settings.CONTRIBUTIONS_MAX_ROWS = 2
    response = post(client, key_a, {"rows": [row(month=f"2025-0{m}") for m in (1, 2, 3)]})
    assert response.status_code == 400
    assert "rows" in response.json()["fields"]


# Own workers only, never twice ------------------------------------------------------------


def test_another_employers_worker_is_refused_by_kpj_and_by_nik(client, key_a, card_a, card_b):
    response = post(
        client, key_a,
        {"rows": [row(), row(kpj=card_b.number), {"nik": card_b.participant.nik,
                                                  "month": "2026-01", "wage": 1_000_000}]},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"rows[1].kpj", "rows[2].nik"}
    assert "None of your workers" in fields["rows[1].kpj"][0]
    assert not ContributionPosting.objects.exists()
    assert not KpjBalance.objects.filter(kpj_card=card_b).exists()


def test_months_outside_the_workers_time_with_the_company_are_refused(client, key_a, employer_a):
    card = KpjCardFactory(
        number="33333333333", employer=employer_a, joined_on=datetime.date(2024, 3, 15),
        left_on=datetime.date(2025, 6, 30), status=KpjCard.Status.NON_ACTIVE,
    )  # fmt: skip
    ok = post(client, key_a, {"rows": [row(card.number, "2024-03"), row(card.number, "2025-06")]})
    assert ok.status_code == 201
    for month in ("2024-02", "2025-07"):
        response = post(client, key_a, {"rows": [row(card.number, month)]})
        assert response.status_code == 400
        assert "rows[0].month" in response.json()["fields"]


def test_a_self_registered_worker_is_not_reported_by_an_employer(client, key_a, employer_a):
    card = KpjCardFactory(
        number="44444444444", employer=employer_a, participant=ParticipantFactory(category="BPU")
    )
    response = post(client, key_a, {"rows": [row(card.number)]})
    assert response.status_code == 400
    assert "rows[0].month" in response.json()["fields"]


def test_same_worker_and_month_twice_in_one_report_is_refused(client, key_a, card_a):
    response = post(client, key_a, {"rows": [row(), row(wage=6_000_000)]})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["rows[1].month"]
    assert not ContributionPosting.objects.exists()


def test_reporting_a_posted_month_again_is_refused_per_row_not_counted_twice(client, key_a, card_a):
    assert post(client, key_a, {"rows": [row()]}).status_code == 201
    again = post(client, key_a, {"rows": [row(month="2026-02"), row()]},
                 HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert again.status_code == 400
    fields = again.json()["fields"]
    assert list(fields) == ["rows[1].month"]
    assert "already posted" in fields["rows[1].month"][0]
    assert ContributionPosting.objects.count() == 4
    assert KpjBalance.objects.get(kpj_card=card_a).balance == 285_000
    assert ledger_balances_rebuild() == []


# Idempotency ------------------------------------------------------------------------------


def test_same_key_and_body_replays_the_answer_and_posts_once(client, key_a, card_a):
    body = {"rows": [row()]}
    first = post(client, key_a, body, HTTP_IDEMPOTENCY_KEY="jan-2026")
    second = post(client, key_a, body, HTTP_IDEMPOTENCY_KEY="jan-2026")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert ContributionPosting.objects.count() == 4
    assert ContributionReport.objects.count() == 1
    assert KpjBalance.objects.get(kpj_card=card_a).balance == 285_000


def test_same_key_with_another_body_is_422(client, key_a, card_a):
    assert post(client, key_a, {"rows": [row()]}, HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    other = post(client, key_a, {"rows": [row(month="2026-02")]}, HTTP_IDEMPOTENCY_KEY="k")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert ContributionPosting.objects.count() == 4


def test_a_refused_report_keeps_no_key_so_the_fixed_report_may_reuse_it(client, key_a, card_a):
    bad = post(client, key_a, {"rows": [row(wage=0)]}, HTTP_IDEMPOTENCY_KEY="k")
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    assert post(client, key_a, {"rows": [row()]}, HTTP_IDEMPOTENCY_KEY="k").status_code == 201


# Access, content type, mass assignment ------------------------------------------------------


def test_a_key_without_the_contributions_scope_gets_403(client, employer_a, card_a):
    key = make_key(employer_a, scopes=["members:read", "members:write", "claims:read"])
    response = post(client, key, {"rows": [row()]})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    report = ContributionReportFactory(employer=employer_a, row_count=1)
    assert client.get(f"{URL}/{report.pk}", **bearer(key)).status_code == 403
    assert not ContributionPosting.objects.exists()


def test_without_a_key_it_is_401(client, card_a):
    response = client.post(URL, data={"rows": [row()]}, content_type="application/json")
    assert response.status_code == 401


def test_non_json_gets_415(client, key_a, card_a):
    form = "kpj=11111111111&month=2026-01&wage=5000000"
    response = client.post(
        URL, data=form, content_type="application/x-www-form-urlencoded", **bearer(key_a)
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert not ContributionPosting.objects.exists()


def test_balances_statuses_and_owners_cannot_be_set(client, key_a, card_a, employer_b):
    sneaky = row(balance=999_999_999, status="non_active", employer=employer_b.pk,
                 participant=1, amount=1, kind="returns", paid_on="2000-01-01")  # fmt: skip
    response = post(
        client, key_a,
        {"rows": [sneaky], "status": "posted", "employer": employer_b.pk, "row_count": 0},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    card_a.refresh_from_db()
    assert card_a.status == KpjCard.Status.ACTIVE
    assert KpjBalance.objects.get(kpj_card=card_a).balance == 285_000
    assert set(ContributionPosting.objects.values_list("kind", flat=True)) == {"contribution"}
    assert ContributionPosting.objects.filter(paid_on__year=2000).count() == 0
    report = ContributionReport.objects.get()
    assert (report.employer_id, report.row_count) == (card_a.employer_id, 1)


# Status URL ---------------------------------------------------------------------------------


def test_status_url_shows_own_reports_only(client, key_a, key_b, card_a):
    body = post(client, key_a, {"rows": [row()]}).json()
    url = body["report"]["status_url"]
    assert url == f"{settings.PORTAL_BASE_URL}{URL}/{body['report']['id']}"
    mine = client.get(url, **bearer(key_a))
    assert mine.status_code == 200
    assert mine.json()["status"] == "posted"
    assert mine.json()["totals"]["total"] == 477_000
    assert client.get(url, **bearer(key_b)).status_code == 404


def test_status_url_reads_with_a_constant_number_of_queries(
    client, key_a, card_a, django_assert_num_queries
):
    report_id = post(client, key_a, {"rows": [row()]}).json()["report"]["id"]
    # key lookup, the report
    with django_assert_num_queries(2):
        assert client.get(f"{URL}/{report_id}", **bearer(key_a)).status_code == 200


def test_a_large_report_is_accepted_with_202_and_processed_by_the_task(
    client, key_a, card_a, settings, django_capture_on_commit_callbacks
):
    """Eager here (the live worker test is in test_contributions_worker.py)."""
    settings.CONTRIBUTIONS_ASYNC_ROWS = 2
    settings.CONTRIBUTIONS_CHUNK_ROWS = 1
    rows = [row(month=f"2025-{m:02d}") for m in range(1, 4)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, key_a, {"rows": rows})
    assert response.status_code == 202, response.json()
    # The task (eager here), then the refresh of the balance pages its postings changed.
    assert [c.func.__name__ for c in callbacks[:1]] == ["delay"]
    assert callbacks[1:] == [page_cache._drop_changed_versions]
    assert response["Location"] == response.json()["status_url"]
    assert response.json()["status"] == "queued"
    status = client.get(response["Location"], **bearer(key_a)).json()
    assert (status["status"], status["progress"], status["processed_rows"]) == ("posted", 100, 3)
    assert status["totals"]["postings"] == 12
    assert KpjBalance.objects.get(kpj_card=card_a).balance == 3 * 285_000
    report = ContributionReport.objects.get()
    assert report.payload == []
    assert report.attempts == 1
    assert AuditEvent.objects.filter(action="contribution_report_posted").count() == 1


def test_a_large_report_with_a_bad_row_fails_whole_and_says_why(
    client, key_a, card_a, card_b, settings, django_capture_on_commit_callbacks
):
    settings.CONTRIBUTIONS_ASYNC_ROWS = 2
    rows = [row(month="2025-01"), row(kpj=card_b.number, month="2025-01")]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, key_a, {"rows": rows}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 202
    status = client.get(response["Location"], **bearer(key_a)).json()
    assert (status["status"], status["progress"]) == ("refused", 100)
    assert status["totals"] is None
    assert list(status["error"]["fields"]) == ["rows[1].kpj"]
    assert "None of your workers" in status["error"]["fields"]["rows[1].kpj"][0]
    assert not ContributionPosting.objects.exists()


def test_the_service_decides_posting_now_or_queuing_by_the_report_size(
    employer_a, card_a, settings, django_capture_on_commit_callbacks
):
    """The threshold is the service's: below it the report is posted in the call, from it on
    it is stored with its rows and the worker's task is queued once the caller commits."""
    settings.CONTRIBUTIONS_ASYNC_ROWS = 2
    today = datetime.date(2026, 1, 14)
    small = report_rows_parse({"rows": [row(month="2025-01")]}, today=today)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        posted = contribution_report_submit(
            employer=employer_a, rows=small, credential=None, language="id"
        )
    assert (posted.queued, posted.report.status, len(posted.rows)) == (False, "posted", 1)
    assert callbacks == [page_cache._drop_changed_versions]  # no task: posted already

    large = report_rows_parse({"rows": [row(month="2025-02"), row(month="2025-03")]}, today=today)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = contribution_report_submit(
            employer=employer_a, rows=large, credential=None, language="id"
        )
    assert (queued.queued, queued.report.status, queued.rows) == (True, "queued", [])
    assert len(queued.report.payload) == 2
    assert [(c.func.__name__, c.args) for c in callbacks] == [("delay", (queued.report.pk,))]
    assert ContributionPosting.objects.count() == 4  # the small report's only, so far


def test_a_refused_report_leaves_no_report_behind(employer_a, card_a, card_b):
    rows = report_rows_parse(
        {"rows": [row(kpj=card_b.number, month="2025-01")]}, today=datetime.date(2026, 1, 14)
    )
    with pytest.raises(ReportRefused) as refused:
        contribution_report_submit(employer=employer_a, rows=rows, credential=None, language="id")
    assert list(refused.value.errors) == ["rows[0].kpj"]
    assert not ContributionReport.objects.exists()


def test_a_report_above_djangos_upload_limit_is_read_and_one_above_ours_is_413(
    client, key_a, card_a, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = {"rows": [row(month=f"2025-{m:02d}") for m in range(1, 4)]}
    assert post(client, key_a, body).status_code == 201
    settings.CONTRIBUTIONS_MAX_BODY_BYTES = 200
    response = post(client, key_a, {"rows": [row(month=f"2024-{m:02d}") for m in range(1, 9)]})
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert ContributionPosting.objects.count() == 12


# Bounded requests (issue 18) --------------------------------------------------------------


def test_a_31_9_mb_body_is_413_before_a_byte_is_parsed(client, key_a, card_a, monkeypatch):
    from jmo_portal.api_parsers import BoundedJSONParser

    def never(*args, **kwargs):
        raise AssertionError("the body was parsed")

    monkeypatch.setattr(BoundedJSONParser, "parse", never)
    body = '{"rows": [' + ",".join(['{"kpj": "11111111111"}'] * 1_400_000) + "]}"
    assert len(body) > 31_900_000
    response = post(client, key_a, body)
    assert response.status_code == 413
    assert set(response.json()) == {"code", "message", "fields"}
    assert response.json()["code"] == "request_too_large"


def test_more_rows_than_the_limit_are_refused_before_any_row_is_checked(
    client, key_a, card_a, monkeypatch
):
    from partners import contribution_reports

    def never(*args, **kwargs):
        raise AssertionError("a row was checked")

    monkeypatch.setattr(contribution_reports, "_row_parse", never)
    response = post(client, key_a, '{"rows": [' + ",".join(["{}"] * 200_000) + "]}")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["rows"]


def test_many_bad_rows_make_a_small_error_body_naming_the_first_and_counting_the_rest(
    client, key_a, card_a, settings
):
    import time

    started = time.monotonic()
    response = post(client, key_a, '{"rows": [' + ",".join(["{}"] * 100_000) + "]}")
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert len(response.content) < 50_000
    named = {key.split(".")[0] for key in fields if key != "rows"}
    assert len(named) == settings.CONTRIBUTIONS_MAX_ROW_ERRORS
    assert "rows[0]" in named
    assert str(100_000 - settings.CONTRIBUTIONS_MAX_ROW_ERRORS) in fields["rows"][0]
    assert elapsed < 10, f"took {elapsed:.1f} s"

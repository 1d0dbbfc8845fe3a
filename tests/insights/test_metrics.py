"""The indicators on hand-built rows with known answers (pure functions: no database)."""

import datetime
from zoneinfo import ZoneInfo

from insights import metrics
from insights.metrics import (
    Activity,
    AppointmentRow,
    ClaimRow,
    DataUpdateOutcome,
    QuizRow,
    RatingRow,
    RegisteredCount,
    Registration,
    SelfHelpRow,
    TicketRow,
)

JKT = ZoneInfo("Asia/Jakarta")
START = datetime.datetime(2026, 11, 10, tzinfo=JKT)
END = START + datetime.timedelta(days=1)
A, B = 1, 2


def at(day_offset=0, hours=0, minutes=0):
    return START + datetime.timedelta(days=day_offset, hours=hours, minutes=minutes)


class TestPercentile:
    def test_nearest_rank(self):
        """The median of 1, 2, 3, 4 is 2; the 90th percentile of 1..10 is 9."""
        assert metrics.percentile({1: 1, 2: 1, 3: 1, 4: 1}, 50) == 2
        assert metrics.percentile({n: 1 for n in range(1, 11)}, 90) == 9
        assert metrics.percentile({n: 1 for n in range(1, 11)}, 50) == 5

    def test_counts_weigh(self):
        assert metrics.percentile({5: 3, 100: 1}, 50) == 5
        assert metrics.percentile({5: 3, 100: 1}, 90) == 100

    def test_one_observation_and_none(self):
        assert metrics.percentile({7: 1}, 50) == 7
        assert metrics.percentile({7: 1}, 90) == 7
        assert metrics.percentile({}, 50) is None

    def test_merged_histograms_give_the_same_answer_as_the_raw_list(self):
        """Per-day histograms added up answer a period's percentile exactly."""
        days = [{"3": 2, "10": 1}, {"3": 1, "50": 2}, {}]
        merged = metrics.merge_histograms(days)
        assert merged == {3: 3, 10: 1, 50: 2}
        raw = sorted([3, 3, 10, 3, 50, 50])
        assert metrics.percentile(merged, 50) == raw[2]  # rank ceil(0.5*6)=3
        assert metrics.percentile(merged, 90) == raw[5]  # rank ceil(0.9*6)=6


class TestActiveUsers:
    def test_registered_new_active_day_and_30_days_by_branch_and_category(self):
        result = metrics.active_users(
            start=START,
            end=END,
            registered_before=[RegisteredCount(A, "PPU", 10), RegisteredCount(A, "BPU", 4)],
            registrations=[
                Registration(A, "PPU", at(hours=9)),
                Registration(B, "PMI", at(hours=23, minutes=59)),
                Registration(B, "PMI", at(1)),  # tomorrow: not yet registered
            ],
            activity=[
                Activity(100, A, "PPU", at(hours=8)),
                Activity(100, A, "PPU", at(hours=9)),  # the same person twice: once
                Activity(101, A, "PPU", at(-29)),  # first day of the 30-day window
                Activity(102, A, "BPU", at(-30)),  # one day too early
                Activity(103, A, "BPU", at(-3)),
                Activity(200, B, "PMI", at(hours=12)),
                Activity(201, B, "PMI", at(1)),  # after the day
            ],
        )
        assert result[A]["registered"] == 15
        assert result[A]["new_registrations"] == 1
        assert result[A]["active_1d"] == 1
        assert result[A]["active_30d"] == 3
        assert result[A]["by_category"] == {
            "BPU": {"registered": 4, "new": 0, "active_1d": 0, "active_30d": 1},
            "PPU": {"registered": 11, "new": 1, "active_1d": 1, "active_30d": 2},
        }
        assert result[B] == {
            "registered": 1,
            "new_registrations": 1,
            "active_1d": 1,
            "active_30d": 1,
            "by_category": {"PMI": {"registered": 1, "new": 1, "active_1d": 1, "active_30d": 1}},
        }

    def test_no_data(self):
        assert (
            metrics.active_users(
                start=START, end=END, registered_before=[], registrations=[], activity=[]
            )
            == {}
        )


class TestClaims:
    def test_flows_pending_and_durations(self):
        rows = [
            # submitted today, decided 2 h 59 min later: 2 whole hours, approved
            ClaimRow(
                A, "JHT", "online", "approved", at(hours=1), decided_at=at(hours=3, minutes=59)
            ),
            # submitted 3 days ago, rejected today: 72 h + 5 h
            ClaimRow(A, "JHT", "branch", "rejected", at(-3, hours=5), decided_at=at(hours=10)),
            # decided yesterday, paid today: payment 48 h after submission, not counted as decided
            ClaimRow(A, "JKM", "partner", "paid", at(-2), decided_at=at(-1), paid_at=at(hours=0)),
            # still open: pending at the day's end
            ClaimRow(A, "JHT", "online", "in_review", at(-5)),
            # submitted today, still open
            ClaimRow(A, "JP", "online", "submitted", at(hours=20)),
            # cancelled today: no longer pending
            ClaimRow(A, "JHT", "online", "cancelled", at(-4), cancelled_at=at(hours=2)),
            # decided tomorrow: still pending tonight
            ClaimRow(B, "JKK", "branch", "approved", at(-1), decided_at=at(1, hours=1)),
        ]
        result = metrics.claims(start=START, end=END, rows=rows)
        assert result[A]["claims"] == {
            "JHT|branch": {"submitted": 0, "approved": 0, "rejected": 1, "pending": 0},
            "JHT|online": {"submitted": 1, "approved": 1, "rejected": 0, "pending": 1},
            "JP|online": {"submitted": 1, "approved": 0, "rejected": 0, "pending": 1},
        }
        assert result[A]["decision_hours"] == {"JHT|branch": {"77": 1}, "JHT|online": {"2": 1}}
        assert result[A]["payment_hours"] == {"JKM|partner": {"48": 1}}
        assert result[B]["claims"] == {
            "JKK|branch": {"submitted": 0, "approved": 0, "rejected": 0, "pending": 1}
        }
        assert result[B]["decision_hours"] == {}

    def test_a_claim_still_open_has_no_duration(self):
        result = metrics.claims(
            start=START, end=END, rows=[ClaimRow(A, "JHT", "online", "submitted", at(hours=4))]
        )
        assert result[A]["claims"]["JHT|online"]["pending"] == 1
        assert result[A]["decision_hours"] == {}
        assert result[A]["payment_hours"] == {}

    def test_no_data(self):
        assert metrics.claims(start=START, end=END, rows=[]) == {}


def test_satisfaction_counts_per_score():
    rows = [RatingRow(A, 5), RatingRow(A, 5), RatingRow(A, 1), RatingRow(B, 3)]
    assert metrics.satisfaction(rows=rows) == {
        A: {"complaint_ratings": [1, 0, 0, 0, 2]},
        B: {"complaint_ratings": [0, 0, 1, 0, 0]},
    }
    assert metrics.satisfaction(rows=[]) == {}


def test_knowledge_quiz_and_deflection():
    result = metrics.knowledge(
        quiz_rows=[
            QuizRow(A, "daftar", 3, 4, True),
            QuizRow(A, "daftar", 4, 4, False),  # a retry: not a second completion
            QuizRow(A, "klaim-jht", 1, 3, True),
        ],
        self_help_rows=[
            SelfHelpRow(A, "cannot_log_in", True),
            SelfHelpRow(A, "cannot_log_in", False),
            SelfHelpRow(None, "duplicate_account", True),  # a visitor: no branch
        ],
    )
    assert result[A]["quiz"] == {
        "daftar": {"attempts": 2, "score": 7, "total": 8, "completions": 1},
        "klaim-jht": {"attempts": 1, "score": 1, "total": 3, "completions": 1},
    }
    assert result[A]["self_help"] == {"cannot_log_in": {"offered": 2, "solved": 1}}
    assert result[None] == {
        "quiz": {},
        "self_help": {"duplicate_account": {"offered": 1, "solved": 1}},
    }


def test_process_view():
    day = START.date()
    result = metrics.process(
        start=START,
        end=END,
        appointments=[
            AppointmentRow(A, "done", day - datetime.timedelta(days=4), day),
            AppointmentRow(A, "no_show", day - datetime.timedelta(days=2), day),
            AppointmentRow(A, "assigned", day - datetime.timedelta(days=4), day),
        ],
        tickets=[
            # filed today, answered in time, resolved late
            TicketRow(
                A, at(hours=1), first_response_due=at(hours=9), resolution_due=at(hours=10),
                first_responded_at=at(hours=2), resolved_at=at(hours=11),
            ),
            # filed earlier, answered late today
            TicketRow(
                A, at(-2), first_response_due=at(-1), resolution_due=at(3),
                first_responded_at=at(hours=5),
            ),
        ],
        data_updates=[
            DataUpdateOutcome(A, "applied"),
            DataUpdateOutcome(A, "rejected", "Nama di buku tabungan   tidak sama"),
            DataUpdateOutcome(A, "rejected", "Nama di buku tabungan tidak sama"),
            DataUpdateOutcome(A, "rejected", ""),
        ],
    )  # fmt: skip
    assert result[A] == {
        "appointments_served": 1,
        "appointments_no_show": 1,
        "waiting_days": {"4": 2, "2": 1},
        "tickets_filed": 1,
        "tickets_responded": 2,
        "tickets_responded_on_time": 1,
        "tickets_resolved": 1,
        "tickets_resolved_on_time": 0,
        "data_updates_applied": 1,
        "data_updates_rejected": 3,
        "rejection_reasons": {"Nama di buku tabungan tidak sama": 2, "-": 1},
    }
    assert metrics.process(start=START, end=END, appointments=[], tickets=[], data_updates=[]) == {}


def test_the_total_row_adds_numbers_merges_dicts_and_adds_lists_by_position():
    total = metrics.total_of(
        {
            A: {"registered": 2, "claims": {"JHT|online": {"approved": 1}},
                "decision_hours": {"JHT|online": {"5": 1}}, "complaint_ratings": [1, 0, 0, 0, 2]},
            B: {"registered": 3,
                "claims": {"JHT|online": {"approved": 2}, "JP|branch": {"pending": 1}},
                "decision_hours": {"JHT|online": {"5": 2, "9": 1}}},
            None: {"self_help": {"cannot_log_in": {"offered": 1, "solved": 0}}},
        }
    )  # fmt: skip
    assert total == {
        "registered": 5,
        "claims": {"JHT|online": {"approved": 3}, "JP|branch": {"pending": 1}},
        "decision_hours": {"JHT|online": {"5": 3, "9": 1}},
        "complaint_ratings": [1, 0, 0, 0, 2],
        "self_help": {"cannot_log_in": {"offered": 1, "solved": 0}},
    }
    assert metrics.total_of({}) == {}

import datetime

from appointments import rules
from appointments.rules import BranchCalendar

from .conftest import TODAY, TOMORROW, day

T = datetime.time


def calendar(**kwargs):
    defaults = {"branch_id": 1, "counters": 2, "hours": {0: ((T(8), T(12)), (T(13), T(15)))}}
    return BranchCalendar(**{**defaults, **kwargs})


def test_slots_follow_opening_hours_and_skip_the_break():
    starts = rules.slot_starts(calendar(), TODAY, 60)
    assert starts == [T(8), T(9), T(10), T(11), T(13), T(14)]


def test_a_visit_that_would_run_past_closing_gets_no_slot():
    starts = rules.slot_starts(calendar(hours={0: ((T(8), T(9, 40)),)}), TODAY, 30)
    assert starts == [T(8), T(8, 30), T(9)]


def test_closed_weekdays_and_holidays_have_no_slots():
    assert rules.slot_starts(calendar(), TOMORROW, 30) == []  # Tuesday: no hours
    assert rules.slot_starts(calendar(holidays=frozenset({TODAY})), TODAY, 30) == []


def test_day_capacity_is_slots_times_counters():
    assert rules.day_capacity(calendar(counters=3), TODAY, 60) == 18


def test_windows_start_tomorrow_and_are_bounded():
    assert rules.window_problem(start=TOMORROW, end=day(14), today=TODAY) is None
    assert rules.window_problem(start=TODAY, end=day(3), today=TODAY) == "window_start_past"
    assert rules.window_problem(start=day(5), end=day(4), today=TODAY) == (
        "window_end_before_start"
    )
    assert rules.window_problem(start=day(1), end=day(31), today=TODAY) == "window_too_long"
    assert rules.window_problem(start=day(50), end=day(61), today=TODAY) == "window_too_far"


def test_distance_between_demo_branches_is_plausible():
    soreang_majalaya = rules.distance_km(-7.0253, 107.5187, -7.0446, 107.7530)
    assert 25 < soreang_majalaya < 27

"""The optimiser alone: capacity, preferences, priority and optimality (against brute force)."""

import itertools
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from appointments.scheduling import Demand, plan_first_come, plan_optimal

from .conftest import day

D1, D2, D3 = day(1), day(2), day(3)


def test_capacity_is_never_exceeded_and_the_rest_stays_unassigned():
    demands = [Demand(i, D1, D3, (1,)) for i in range(5)]
    plan = plan_optimal(demands, {(1, D1): 2, (1, D2): 1}, earliest=D1)
    assert Counter(plan.assignments.values()) == {(1, D1): 2, (1, D2): 1}
    assert len(plan.unassigned) == 2


def test_among_equal_plans_earlier_requests_are_served_first():
    demands = [Demand(i, D1, D1, (1,)) for i in range(6)]
    for solver in ("highs", "network_simplex"):
        plan = plan_optimal(demands, {(1, D1): 4}, earliest=D1, solver=solver)
        assert plan.unassigned == [4, 5]


def test_first_choice_wins_a_tie_and_a_later_choice_only_when_it_is_much_sooner():
    # each step down the preference order counts as one day of waiting
    capacity = {(1, D3): 1, (2, D1): 1}
    plan = plan_optimal([Demand("a", D1, D3, (1, 2))], capacity, earliest=D1)
    assert plan.assignments == {"a": (2, D1)}  # two days sooner than the first choice
    plan = plan_optimal([Demand("a", D1, D3, (1, 2))], {(1, D2): 1, (2, D2): 1}, earliest=D1)
    assert plan.assignments == {"a": (1, D2)}
    plan = plan_optimal([Demand("a", D1, D3, (2, 1))], {(1, D1): 1, (2, D1): 1}, earliest=D1)
    assert plan.assignments == {"a": (2, D1)}  # same day at both: the first choice


def test_only_chosen_branches_and_days_inside_the_window_are_used():
    capacity = {(9, D1): 5, (1, D1): 5, (1, D3): 5}
    plan = plan_optimal([Demand("a", D2, D3, (1,))], capacity, earliest=D1)
    assert plan.assignments == {"a": (1, D3)}


def test_priority_requests_take_the_scarce_slot():
    demands = [Demand("normal", D1, D1, (1,)), Demand("claim", D1, D1, (1,), priority=True)]
    plan = plan_optimal(demands, {(1, D1): 1}, earliest=D1)
    assert plan.assignments == {"claim": (1, D1)}
    assert plan.unassigned == ["normal"]


def test_optimal_beats_first_come_first_served_on_a_crossing():
    # "a" can go anywhere, "b" only to branch 1 on day 1: FCFS gives a the day-1 slot.
    demands = [Demand("a", D1, D2, (1, 2), ranked=False), Demand("b", D1, D1, (1,))]
    capacity = {(1, D1): 1, (2, D1): 1}
    assert plan_first_come(demands, capacity, earliest=D1).cost == 0
    capacity = {(1, D1): 1, (1, D2): 1}
    fcfs = plan_first_come(demands, capacity, earliest=D1)
    best = plan_optimal(demands, capacity, earliest=D1)
    assert fcfs.unassigned == ["b"]
    assert best.unassigned == []
    assert best.assignments == {"a": (1, D2), "b": (1, D1)}


def brute_force(demands, capacity, earliest):
    """Try every assignment (tiny instances): fewest unassigned (priority first), then cost."""
    from appointments.scheduling import options

    choices = [[None, *[b for b, _ in options(d, capacity, earliest=earliest)]] for d in demands]
    best = None
    for combo in itertools.product(*choices):
        used = Counter(b for b in combo if b is not None)
        if any(used[b] > capacity[b] for b in used):
            continue
        costs = [dict(options(d, capacity, earliest=earliest)) for d in demands]
        missed_priority = sum(
            1 for d, b in zip(demands, combo, strict=False) if b is None and d.priority
        )
        missed = sum(1 for b in combo if b is None)
        cost = sum(costs[i][b] for i, b in enumerate(combo) if b is not None)
        key = (missed_priority, missed, cost)
        best = key if best is None or key < best else best
    return best


demand_strategy = st.builds(
    lambda start, length, branches, ranked, priority: (start, length, branches, ranked, priority),
    st.integers(0, 2),
    st.integers(0, 2),
    st.lists(st.integers(1, 3), min_size=1, max_size=3, unique=True),
    st.booleans(),
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(demand_strategy, min_size=1, max_size=5),
    st.dictionaries(st.tuples(st.integers(1, 3), st.integers(0, 3)), st.integers(0, 2)),
)
def test_both_solvers_match_brute_force_on_small_instances(raw_demands, raw_capacity):
    demands = [
        Demand(i, day(1 + s), day(1 + s + n), tuple(b), ranked=r, priority=p)
        for i, (s, n, b, r, p) in enumerate(raw_demands)
    ]
    capacity = {(b, day(1 + d)): c for (b, d), c in raw_capacity.items()}
    expected = brute_force(demands, capacity, day(1))
    for solver in ("highs", "network_simplex"):
        plan = plan_optimal(demands, capacity, earliest=day(1), solver=solver)
        used = Counter(plan.assignments.values())
        assert all(used[b] <= capacity[b] for b in used)
        by_key = {d.key: d for d in demands}
        missed_priority = sum(1 for k in plan.unassigned if by_key[k].priority)
        assert (missed_priority, len(plan.unassigned), plan.cost) == expected, solver


def test_no_options_means_unassigned_without_calling_a_solver():
    plan = plan_optimal([Demand("a", D1, D1, (1,))], {}, earliest=D1)
    assert plan.unassigned == ["a"]
    assert plan.cost == 0
    assert plan.waiting_days == 0
    assert plan.assignments == {}

"""Scheduler quality and speed: 10,000 requests over 20 branches and 20 working days.

`python -m benchmarks.scheduling` (also run by `make bench`). Pure computation, no database:
the same `appointments.scheduling` functions the Celery task calls. Reports run time, the
total waiting days and objective of (a) the scheduler (HiGHS on the transportation LP),
(b) the exact min-cost flow by a second, independent solver (networkx network simplex)
(`--exact`, about 4 minutes here), (c) the LP relaxation's optimum by interior point,
the lower bound, and (d) a naive first-come-first-served baseline.
"""

import datetime
import random
import sys
import time

from appointments.scheduling import Demand, lower_bound, plan_first_come, plan_optimal

REQUESTS = 10_000
BRANCHES = 20
WORKING_DAYS = 20
SLOTS_PER_DAY = 12  # e.g. 08:00-12:00 and 13:00-15:00, 30-minute visits
FIRST_DAY = datetime.date(2027, 1, 4)  # a Monday


def working_days():
    day, days = FIRST_DAY, []
    while len(days) < WORKING_DAYS:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def instance(seed=2026, *, requests=REQUESTS, branch_count=BRANCHES):
    rng = random.Random(seed)
    days = working_days()
    capacity = {
        (branch, day): rng.choice((2, 3)) * SLOTS_PER_DAY
        for branch in range(branch_count)
        for day in days
    }
    popularity = [1 / (rank + 1) ** 0.5 for rank in range(branch_count)]  # busy city branches
    demands = []
    for key in range(requests):
        home = rng.choices(range(branch_count), weights=popularity)[0]
        near = sorted(range(branch_count), key=lambda b: (abs(b - home), rng.random()))[:4]
        start = days[rng.randrange(WORKING_DAYS - 4)]
        end = min(start + datetime.timedelta(days=rng.randint(3, 14)), days[-1])
        anywhere = rng.random() < 0.1
        branches = tuple(near[:3]) if anywhere else (home, *rng.sample(near[1:], rng.randint(0, 2)))
        demands.append(
            Demand(key, start, end, branches, ranked=not anywhere, priority=rng.random() < 0.03)
        )
    return demands, capacity


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def optimum(*, requests: int, branches: int) -> dict:
    """The scheduler and the lower bound on one instance of the given size (the timed part)."""
    demands, capacity = instance(requests=requests, branch_count=branches)
    plan, seconds = timed(plan_optimal, demands, capacity, earliest=FIRST_DAY)
    bound, bound_seconds = timed(lower_bound, demands, capacity, earliest=FIRST_DAY)
    # A zero bound (every request on its first day) is met only by a plan that costs nothing.
    ratio = plan.cost / bound if bound else (1.0 if plan.cost == 0 else float("inf"))
    return {"plan": plan, "seconds": seconds, "bound": bound, "bound_seconds": bound_seconds,
            "ratio": ratio, "demands": demands, "capacity": capacity}  # fmt: skip


def main(exact: bool = False) -> None:
    found = optimum(requests=REQUESTS, branches=BRANCHES)
    demands, capacity = found["demands"], found["capacity"]
    earliest = FIRST_DAY
    optimal, t_opt = found["plan"], found["seconds"]
    bound, t_bound = found["bound"], found["bound_seconds"]
    fcfs, t_fcfs = timed(plan_first_come, demands, capacity, earliest=earliest)
    print(
        f"scheduling: {REQUESTS} requests, {BRANCHES} branches, {WORKING_DAYS} working days, "
        f"{sum(capacity.values())} seats"
    )
    print(
        f"{'plan':<38}{'seconds':>9}{'assigned':>10}{'wait days':>11}{'per visit':>11}"
        f"{'objective':>11}"
    )
    rows = [("scheduler (HiGHS simplex, min-cost flow)", optimal, t_opt)]
    if exact:
        rows.append(
            ("exact min-cost flow (networkx)",)
            + timed(plan_optimal, demands, capacity, earliest=earliest, solver="network_simplex")
        )
    rows.append(("first come, first served", fcfs, t_fcfs))
    for name, plan, seconds in rows:
        print(
            f"{name:<38}{seconds:>9.2f}{len(plan.assignments):>10}"
            f"{plan.waiting_days:>11}{plan.waiting_days / len(plan.assignments):>11.2f}"
            f"{plan.cost:>11}"
        )
    print(f"{'lower bound (LP relaxation, interior pt)':<38}{t_bound:>9.2f}{'':>32}{bound:>11.1f}")
    print(f"scheduler objective / lower bound: {found['ratio']:.4f}")
    by_key = {d.key: d for d in demands}

    def with_unserved(plan):
        """Wait days, counting each unserved request as its whole window plus one day."""
        return plan.waiting_days + sum(
            (by_key[k].window_end - by_key[k].window_start).days + 2 for k in plan.unassigned
        )

    print(
        f"wait days counting the unserved (window + 1 day each): scheduler "
        f"{with_unserved(optimal)}, FCFS {with_unserved(fcfs)} "
        f"(FCFS / scheduler {with_unserved(fcfs) / with_unserved(optimal):.2f})"
    )
    print(
        f"FCFS leaves {len(fcfs.unassigned)} requests without a slot, the scheduler "
        f"{len(optimal.unassigned)} (there are seats enough; not on the days and branches "
        "asked for). FCFS waits less per visit only because it serves fewer people."
    )


if __name__ == "__main__":
    main(exact="--exact" in sys.argv)

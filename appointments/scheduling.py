"""The automatic scheduler's optimisation, pure: requests in, branch-days out.

Each pending request (a *demand*) may go to one *bucket*: a (branch, day) among its chosen
branches and inside its date window, with room left for the service. Buckets hold as many
people as the day's slots times the counters; inside a day every slot costs the same, so
the services place people in time order afterwards without changing the total.

Cost of an option = weight x (days waited from the window's first day + one day for each
step down the preference order); priority requests (a claim above the online limit) weigh
PRIORITY_WEIGHT times as much. The plan places as many priority requests as possible, then
as many requests as possible (both counts from max flows), then minimises the total cost.

That is a min-cost flow (transportation) problem: its constraint matrix is totally
unimodular, so the LP's basic optimum is integral, and HiGHS' dual simplex (scipy) solves
it exactly in seconds for 10,000 requests. networkx' network simplex solves the same flow
independently (slower); it is the fallback if HiGHS ever returned a fractional point, and
the benchmark uses it as the exact lower bound.
"""

import datetime
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import maximum_flow

RANK_STEP_DAYS = 1
PRIORITY_WEIGHT = 10

Bucket = tuple[int, datetime.date]


@dataclass(frozen=True)
class Demand:
    key: Hashable
    window_start: datetime.date
    window_end: datetime.date
    branches: tuple[int, ...]  # in the participant's order of preference
    ranked: bool = True  # False for "earliest at any nearby branch"
    priority: bool = False


@dataclass
class Plan:
    assignments: dict[Hashable, Bucket] = field(default_factory=dict)
    unassigned: list[Hashable] = field(default_factory=list)
    cost: int = 0  # total cost of the assignments (the objective, without penalties)
    waiting_days: int = 0  # days from each window's first day to the assigned day, summed


def options(
    demand: Demand, capacity: Mapping[Bucket, int], *, earliest: datetime.date
) -> list[tuple[Bucket, int]]:
    """Every bucket the demand may take, with its cost."""
    weight = PRIORITY_WEIGHT if demand.priority else 1
    first = max(demand.window_start, earliest)
    result = []
    seen = set()
    for rank, branch in enumerate(demand.branches):
        if branch in seen:
            continue
        seen.add(branch)
        step = rank * RANK_STEP_DAYS if demand.ranked else 0
        day = first
        while day <= demand.window_end:
            if capacity.get((branch, day), 0) > 0:
                wait = (day - demand.window_start).days
                result.append(((branch, day), weight * (wait + step)))
            day += datetime.timedelta(days=1)
    return result


def _finish(demands, chosen: Mapping[Hashable, Bucket], costs) -> Plan:
    plan = Plan()
    for demand in demands:
        bucket = chosen.get(demand.key)
        if bucket is None:
            plan.unassigned.append(demand.key)
            continue
        plan.assignments[demand.key] = bucket
        plan.cost += costs[demand.key][bucket]
        plan.waiting_days += (bucket[1] - demand.window_start).days
    return plan


def plan_first_come(
    demands: Iterable[Demand], capacity: Mapping[Bucket, int], *, earliest: datetime.date
) -> Plan:
    """The naive baseline: in the given order, each takes its cheapest bucket with room."""
    demands = list(demands)
    left = dict(capacity)
    chosen, costs = {}, {}
    for demand in demands:
        opts = options(demand, left, earliest=earliest)
        costs[demand.key] = dict(opts)
        if opts:
            bucket = min(opts, key=lambda option: option[1])[0]
            chosen[demand.key] = bucket
            left[bucket] -= 1
    return _finish(demands, chosen, costs)


def plan_optimal(
    demands: Iterable[Demand],
    capacity: Mapping[Bucket, int],
    *,
    earliest: datetime.date,
    solver: str = "highs",
) -> Plan:
    """A minimum-cost assignment of demands to buckets that never exceeds a bucket's room.

    Lexicographic: as many priority demands as can be placed, then as many demands as can
    be placed, then the least total cost. The two counts come from max flows; they enter
    the min-cost flow as capacities on the "unassigned" arcs, so no big penalty weights
    are needed and the problem stays a network flow (integral LP optimum).
    """
    demands = list(demands)
    costs, edges, buckets, limits = _prepare(demands, capacity, earliest)
    if not edges:
        return _finish(demands, {}, costs)
    if solver == "highs":
        chosen = _solve_highs(demands, edges, capacity, buckets, limits)
        if chosen is None:
            chosen = _solve_network_simplex(demands, edges, capacity, buckets, limits)
    elif solver == "network_simplex":
        chosen = _solve_network_simplex(demands, edges, capacity, buckets, limits)
    else:
        raise ValueError(f"unknown solver {solver!r}")
    _serve_earlier_first(demands, chosen, costs)
    return _finish(demands, chosen, costs)


def lower_bound(
    demands: Iterable[Demand], capacity: Mapping[Bucket, int], *, earliest: datetime.date
) -> float:
    """The LP relaxation's optimum by an interior-point method (no simplex, no crossover):
    no plan with the same counts can cost less. The benchmark's yardstick."""
    demands = list(demands)
    _, edges, buckets, limits = _prepare(demands, capacity, earliest)
    if not edges:
        return 0.0
    result = _lp(demands, edges, capacity, buckets, limits, method="highs-ipm")
    return float(result.fun)


def _prepare(demands, capacity, earliest):
    costs = {d.key: dict(options(d, capacity, earliest=earliest)) for d in demands}
    edges = [(i, b, c) for i, d in enumerate(demands) for b, c in costs[d.key].items()]
    buckets = sorted({b for _, b, _ in edges})
    if not edges:
        return costs, edges, buckets, (0, 0)
    priority = [i for i, d in enumerate(demands) if d.priority]
    allowed_priority_misses = len(priority) - _max_assignable(
        set(priority), edges, capacity, buckets, len(demands)
    )
    allowed_misses = len(demands) - _max_assignable(
        set(range(len(demands))), edges, capacity, buckets, len(demands)
    )
    return costs, edges, buckets, (allowed_priority_misses, allowed_misses)


def _max_assignable(subset, edges, capacity, buckets, n_demands) -> int:
    """How many of the demands in `subset` can be placed at once (a max flow)."""
    if not subset:
        return 0
    bucket_node = {b: n_demands + 1 + i for i, b in enumerate(buckets)}
    sink = n_demands + len(buckets) + 1
    rows, cols, caps = [], [], []
    for i in subset:
        rows.append(0), cols.append(i + 1), caps.append(1)
    for i, bucket, _ in edges:
        if i in subset:
            rows.append(i + 1), cols.append(bucket_node[bucket]), caps.append(1)
    for bucket, node in bucket_node.items():
        rows.append(node), cols.append(sink), caps.append(capacity[bucket])
    graph = sparse.csr_matrix(
        (np.array(caps, dtype=np.int32), (rows, cols)), shape=(sink + 1, sink + 1)
    )
    return int(maximum_flow(graph, 0, sink).flow_value)


def _solve_highs(demands, edges, capacity, buckets, limits) -> dict | None:
    """The transportation LP; None if HiGHS returns no integral optimum (then use the flow)."""
    result = _lp(demands, edges, capacity, buckets, limits, method="highs-ds")
    if result.status != 0:
        return None
    x = result.x[: len(edges)]
    if np.max(np.abs(x - np.round(x)), initial=0.0) > 1e-6:
        return None
    return {demands[i].key: b for (i, b, _), xi in zip(edges, x, strict=True) if xi > 0.5}


def _lp(demands, edges, capacity, buckets, limits, *, method):
    n_dem, n_edge = len(demands), len(edges)
    bucket_row = {b: i for i, b in enumerate(buckets)}
    dem_of_edge = np.fromiter((i for i, _, _ in edges), dtype=np.int64, count=n_edge)
    cost = np.concatenate(
        [np.fromiter((c for _, _, c in edges), dtype=float, count=n_edge), np.zeros(n_dem)]
    )
    n_var = n_edge + n_dem
    # each demand: its edges plus its "unassigned" variable sum to exactly 1
    a_eq = sparse.csr_matrix(
        (np.ones(n_var), (np.concatenate([dem_of_edge, np.arange(n_dem)]), np.arange(n_var))),
        shape=(n_dem, n_var),
    )
    # each bucket at most its capacity; then the priority and overall "unassigned" limits
    priority = [n_edge + i for i, d in enumerate(demands) if d.priority]
    rows = np.concatenate(
        [
            np.fromiter((bucket_row[b] for _, b, _ in edges), dtype=np.int64, count=n_edge),
            np.full(len(priority), len(buckets)),
            np.full(n_dem, len(buckets) + 1),
        ]
    )
    columns = np.concatenate([np.arange(n_edge), priority, n_edge + np.arange(n_dem)])
    a_ub = sparse.csr_matrix(
        (np.ones(len(columns)), (rows, columns)), shape=(len(buckets) + 2, n_var)
    )
    b_ub = np.array([capacity[b] for b in buckets] + list(limits), dtype=float)
    return linprog(
        cost,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=np.ones(n_dem),
        bounds=(0, 1),
        method=method,
    )


def _solve_network_simplex(demands, edges, capacity, buckets, limits) -> dict:
    graph = nx.DiGraph()
    graph.add_node("source", demand=-len(demands))
    graph.add_node("sink", demand=len(demands))
    graph.add_edge("unassigned-priority", "unassigned", capacity=limits[0], weight=0)
    graph.add_edge("unassigned", "sink", capacity=limits[1], weight=0)
    for i, demand in enumerate(demands):
        graph.add_edge("source", ("d", i), capacity=1, weight=0)
        miss = "unassigned-priority" if demand.priority else "unassigned"
        graph.add_edge(("d", i), miss, capacity=1, weight=0)
    for i, bucket, cost in edges:
        graph.add_edge(("d", i), ("b", bucket), capacity=1, weight=cost)
    for bucket in buckets:
        graph.add_edge(("b", bucket), "sink", capacity=capacity[bucket], weight=0)
    _, flow = nx.network_simplex(graph)
    chosen = {}
    for i, demand in enumerate(demands):
        for target, amount in flow[("d", i)].items():
            if amount and isinstance(target, tuple):
                chosen[demand.key] = target[1]
    return chosen


def _serve_earlier_first(demands, chosen: dict, costs) -> None:
    """Among equally good plans, earlier requests (the order given) are served first.

    An unassigned demand takes the bucket of a later one of the same priority that costs
    both the same; the later one waits. Totals and counts do not change, so the plan stays
    optimal.
    """
    order = {d.key: i for i, d in enumerate(demands)}
    by_key = {d.key: d for d in demands}
    holders = {}
    for key, bucket in chosen.items():
        holders.setdefault(bucket, []).append(key)
    for demand in demands:
        if demand.key in chosen:
            continue
        for bucket, cost in sorted(costs[demand.key].items(), key=lambda item: item[1]):
            later = [
                key
                for key in holders.get(bucket, ())
                if order[key] > order[demand.key]
                and by_key[key].priority == demand.priority
                and costs[key][bucket] == cost
            ]
            if later:
                latest = max(later, key=order.__getitem__)
                holders[bucket].remove(latest)
                holders[bucket].append(demand.key)
                del chosen[latest]
                chosen[demand.key] = bucket
                break

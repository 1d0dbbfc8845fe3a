"""Every route x every role gets exactly the status tests/security/access_matrix.py says.

The routes come from Django's URL resolver (the admin and the API included); the API's are
also cross-checked against the drf-spectacular schema. A route the matrix does not know fails
with a message saying how to add it. ACCESS_MATRIX_DISCOVER=1 prints what each role gets now,
as matrix lines, for a new route: check them against what *should* happen before pasting.
"""

import os
import re

import pytest
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator

from tests.routes import all_routes
from tests.security import access_matrix as matrix
from tests.security.access_world import ROLES, build_world, url_for

pytestmark = pytest.mark.django_db
DISCOVER = os.environ.get("ACCESS_MATRIX_DISCOVER") == "1"
MATRIX_SIZE = {}  # read by the terminal summary in tests/security/conftest.py


def test_every_route_has_a_matrix_entry():
    missing = sorted(set(all_routes()) - matrix.routes())
    assert not missing, (
        "Routes without an access-matrix entry (deny by default means: decide and write it "
        "down). Add one line per route to tests/security/access_matrix.py, e.g.\n"
        '    "claims/<int:claim_id>/": "302 200 404 404 404 302 302",\n'
        f"with one status per role in the order {' '.join(ROLES)} for a GET of A's object "
        "(run with ACCESS_MATRIX_DISCOVER=1 to print what each role gets now):\n  "
        + "\n  ".join(missing)
    )


def test_no_stale_matrix_entries():
    stale = sorted(matrix.routes() - set(all_routes()))
    assert not stale, f"Matrix entries for routes that no longer exist: {stale}"


def _schema_path_to_route(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path.lstrip("/"))


def test_api_routes_are_the_schemas_paths():
    """Every documented API path is a route in the matrix and every API route is documented."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = {_schema_path_to_route(path) for path in schema["paths"]}
    api_routes = {
        re.sub(r"<[^>]+>", "{}", route) for route in all_routes() if route.startswith("api/v1/")
    }
    assert documented == api_routes
    assert api_routes <= {re.sub(r"<[^>]+>", "{}", route) for route in matrix.routes()}


def test_every_route_gives_every_role_exactly_the_expected_status():
    world = build_world()
    routes = all_routes()
    entries = matrix.entries()
    if DISCOVER:
        for route in routes:
            entries.setdefault(("GET", route), dict.fromkeys(ROLES, 0))
    wrong, observed_lines = [], []
    checks = 0
    # Every GET first: the POST lines may change A's objects (A's own cancel succeeds).
    ordered = sorted(entries.items(), key=lambda item: item[0][0] != "GET")
    for (method, route), expected in ordered:
        if route not in routes:
            continue  # reported by test_no_stale_matrix_entries
        url = url_for(world, route, routes[route])
        cache.clear()  # throttle counters: the matrix checks access, tests/partners throttling
        observed = []
        for role in matrix.ORDER[method]:
            client = world.clients[role]
            response = getattr(client, method.lower())(url)
            observed.append(response.status_code)
            checks += 1
        observed_by_role = dict(zip(matrix.ORDER[method], observed, strict=True))
        line = " ".join(str(observed_by_role[role]) for role in ROLES)
        observed_lines.append(f'    "{matrix.key(method, route)}": "{line}",')
        for role in ROLES:
            if observed_by_role[role] != expected[role]:
                wrong.append(
                    f"{method} {url} ({route}) as {role}: expected {expected[role]}, "
                    f"got {observed_by_role[role]}"
                )
    MATRIX_SIZE.update(routes=len(routes), roles=len(ROLES), checks=checks)
    if DISCOVER:
        print("\n".join(observed_lines))  # noqa: T201 - the point of discovery mode
    assert not wrong, f"{len(wrong)} of {checks} checks differ:\n" + "\n".join(wrong)
    assert checks >= len(routes) * len(ROLES)

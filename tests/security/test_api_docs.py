"""/api/schema/ and /api/docs/ are public by decision (see jmo_portal/urls.py): what that allows."""

import pytest

pytestmark = pytest.mark.django_db

# Anyone may use these without logging in: the contribution and pension calculators.
PUBLIC_OPERATIONS = {
    ("/api/v1/simulations/contribution", "post"),
    ("/api/v1/simulations/jht-projection", "post"),
    ("/api/v1/simulations/pension-age", "get"),
}


def test_the_docs_and_schema_are_public_for_partner_developers(client):
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/schema/", HTTP_ACCEPT="application/json").status_code == 200


def test_the_public_schema_describes_only_the_api_and_every_other_operation_needs_a_key(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert set(schema["components"]["securitySchemes"]) == {"partnerKey", "cookieAuth"}
    open_ = set()
    for path, operations in schema["paths"].items():
        assert path.startswith("/api/v1/"), path  # no admin, staff or internal URL
        for method, operation in operations.items():
            if not operation.get("security"):
                open_.add((path, method))
    assert open_ == PUBLIC_OPERATIONS


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/api/v1/employers/me/members"), ("get", "/api/v1/me/balance")],
)
def test_what_the_schema_shows_still_refuses_an_anonymous_caller(client, method, url):
    assert getattr(client, method)(url).status_code in (401, 403)

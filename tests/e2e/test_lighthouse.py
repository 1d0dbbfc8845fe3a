"""Lighthouse, mobile preset, on the pages participants open most: home, login, dashboard,
cek saldo and the claim checker. The target is 100 in all four categories; below 95 fails.
Logged-in pages get the demo participant's session cookie through --extra-headers. The four
scores per page are printed in the terminal summary (tests/e2e/conftest.py).
"""

import pytest
from django.conf import settings

from tests.conftest import service_unavailable
from tests.e2e import lighthouse, people

PAGES = (
    ("home", "/", False),
    ("login", "/accounts/login/", False),
    ("dashboard", "/dashboard/", True),
    ("cek saldo", "/balance/", True),
    ("claim checker", "/claims/check/", True),
)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_lighthouse_scores_the_main_pages_95_or_more(demo, browser):
    reason = lighthouse.problem()
    if reason:
        service_unavailable(reason)
    state = people.participant_state(browser, demo["base"])
    session = next(c for c in state["cookies"] if c["name"] == settings.SESSION_COOKIE_NAME)
    cookie = {"Cookie": f"{session['name']}={session['value']}"}
    failures = []
    for name, path, logged_in in PAGES:
        scores = lighthouse.scores(demo["base"] + path, headers=cookie if logged_in else None)
        below = scores.pop("_below_target")
        lighthouse.SCORES.append((name, scores, below))
        low = {category: score for category, score in scores.items() if score < lighthouse.FLOOR}
        if low:
            failures.append(f"{name}: {low}; audits not passed: {'; '.join(below)}")
    assert failures == [], "\n".join(failures)

"""Locust users for benchmarks/load.py: one user class per measured phase.

The participant accounts are `load-N@bench.example` (N < LOAD_USERS), all with LOAD_PASSWORD;
benchmarks/load.py creates them and passes the settings through the environment.
"""

import itertools
import os
import random
import re

from locust import FastHttpUser, constant, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "")
ACCOUNTS = int(os.environ.get("LOAD_USERS", "50"))
# Sessions load.py opened for each account beforehand: a phase measures pages, not a storm of
# 50 simultaneous Argon2 logins at its start (the mix measures logins on their own).
SESSIONS = [key for key in os.environ.get("LOAD_SESSIONS", "").split(",") if key]
SESSION_COOKIE = os.environ.get("LOAD_SESSION_COOKIE", "sessionid")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The participant mix: each user logs in (the form, then the POST), views this many pages, and
# logs in again with a fresh session (as on another device).
PAGES_PER_LOGIN = int(os.environ.get("LOAD_PAGES_PER_LOGIN", "10"))
# (weight, URL, name): what a participant looks at between two logins. The articles are the
# ones benchmarks/load.py publishes.
MIX_PAGES = [
    (3, "/dashboard/", "dashboard"),
    (3, "/balance/", "balance"),
    (2, "/claims/", "claims list"),
    (1, "/news/", "news"),
    *((1 / 3, f"/news/bench-{n}/", "news article") for n in range(3)),
]
_numbers = itertools.count()


class Participant(FastHttpUser):
    """Logs in once (as a real participant does), then the phase's pages."""

    abstract = True
    wait_time = constant(0)  # closed loop: each user sends its next request at once

    def on_start(self):
        number = next(_numbers) % ACCOUNTS
        self.number = number
        self.email = f"load-{number}@bench.example"
        self.cookie = {"Cookie": f"{SESSION_COOKIE}={SESSIONS[number]}"} if SESSIONS else None
        if self.cookie is None:
            self.log_in()

    def log_in(self):
        page = self.client.get("/accounts/login/", name="login (form)")
        token = CSRF.search(page.text or "")
        with self.client.post(
            "/accounts/login/",
            data={
                "login": self.email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A good login redirects (302); 200 would be the form again with an error.
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")

    def page(self, url, name):
        with self.client.get(
            url, name=name, headers=self.cookie, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"{name} answered {r.status_code}")


class Hello(Participant):
    """The bare Django view: the ceiling of this stack on this machine, in the same run. Asked
    exactly as the pages are (same cookie, same response check), so the ratio compares the
    server's work alone, not the load client's."""

    @task
    def hello(self):
        self.page("/bench/hello", "hello (bare view)")


class Dashboard(Participant):
    @task
    def dashboard(self):
        self.page("/dashboard/", "dashboard")


class Balance(Participant):
    @task
    def balance(self):
        self.page("/balance/", "balance")


class Mix(Participant):
    """The participant mix: one login per PAGES_PER_LOGIN page views (MIX_PAGES)."""

    def on_start(self):
        super().on_start()
        # Users start at different points of their round (their first login comes after 1 to
        # PAGES_PER_LOGIN pages), as a steady stream of participants would: not 50 logins in
        # the first second.
        self.pages_left = self.number % PAGES_PER_LOGIN + 1

    @task
    def step(self):
        if self.pages_left == 0:
            # A fresh session: forget the cookies, log in again.
            self.client.cookiejar.clear()
            self.cookie = None  # from now on the cookie jar carries the new session
            self.log_in()
            self.pages_left = PAGES_PER_LOGIN
            return
        weights, urls, names = zip(*MIX_PAGES, strict=True)
        index = random.choices(range(len(urls)), weights=weights)[0]  # noqa: S311 - not secret
        self.page(urls[index], names[index])
        self.pages_left -= 1

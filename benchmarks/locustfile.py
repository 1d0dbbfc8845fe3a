"""Locust users for benchmarks/load.py: one user class per measured phase.

The participant accounts are `load-N@bench.example` (N < LOAD_USERS), all with LOAD_PASSWORD;
benchmarks/load.py creates them and passes the settings through the environment.
"""

import itertools
import os
import re

from locust import FastHttpUser, constant, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "")
ACCOUNTS = int(os.environ.get("LOAD_USERS", "50"))
# Sessions load.py opened for each account beforehand: a phase measures pages, not a storm of
# 50 simultaneous Argon2 logins at its start (the mix measures logins on their own).
SESSIONS = [key for key in os.environ.get("LOAD_SESSIONS", "").split(",") if key]
SESSION_COOKIE = os.environ.get("LOAD_SESSION_COOKIE", "sessionid")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_numbers = itertools.count()


class Participant(FastHttpUser):
    """Logs in once (as a real participant does), then the phase's pages."""

    abstract = True
    wait_time = constant(0)  # closed loop: each user sends its next request at once

    def on_start(self):
        number = next(_numbers) % ACCOUNTS
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
    """The participant mix: mostly reading, with the occasional fresh login."""

    @task(3)
    def dashboard(self):
        self.page("/dashboard/", "dashboard")

    @task(3)
    def balance(self):
        self.page("/balance/", "balance")

    @task(2)
    def claims(self):
        self.page("/claims/", "claims list")

    @task(2)
    def news(self):
        self.page("/news/", "news")

    @task(1)
    def login_again(self):
        # A fresh session (as on another device): forget the cookies, log in again.
        self.client.cookiejar.clear()
        self.cookie = None  # from now on the cookie jar carries the new session
        self.log_in()

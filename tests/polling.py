"""Waiting on another process (a live Celery worker) without sleeping longer than needed."""

import time

import pytest


def wait_for(predicate, *, timeout, what):
    """Poll `predicate` every 0.1 s until it returns something truthy, which is returned;
    fail the test after `timeout` seconds, naming `what` was awaited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")

"""Timing helpers: medians over repeated in-process requests, reported against `hello`."""

import statistics
import time

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


def time_get(client: Client, url: str, *, repeat: int = 200, warmup: int = 20) -> dict:
    for _ in range(warmup):
        client.get(url)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    samples.sort()
    return {
        "url": url,
        "p50_ms": statistics.median(samples) * 1000,
        "p99_ms": samples[int(len(samples) * 0.99) - 1] * 1000,
        "queries": len(queries),
    }


def report(rows: list[dict], baseline: dict) -> None:
    print(f"{'page':<34}{'p50 ms':>9}{'p99 ms':>9}{'queries':>9}{'p50 / hello':>13}")
    for row in [baseline, *rows]:
        ratio = row["p50_ms"] / baseline["p50_ms"]
        print(
            f"{row['url']:<34}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}"
            f"{row['queries']:>9}{ratio:>13.1f}"
        )

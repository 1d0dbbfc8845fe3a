"""Fixed-window counters on the shared cache, and the one way to tell which client is asking.

`client_ip` reads the portal's single trusted-proxy setting (REST_FRAMEWORK["NUM_PROXIES"],
env DJANGO_NUM_PROXIES) exactly as the API throttles do: behind N proxies the address N hops
from the right of X-Forwarded-For is the client, so people behind the same proxy are counted
apart, and a header the client wrote itself cannot choose the address. With no proxy
(NUM_PROXIES 0) only REMOTE_ADDR counts.
"""

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle


def client_ip(request) -> str:
    return BaseThrottle().get_ident(request) or ""


def hit(*, key: str, limit: int, period: int) -> bool:
    """Count one hit on `key`; False once more than `limit` hits fall in the window."""
    key = f"ratelimit:{key}"
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count <= limit


def exceeded(*, key: str, limit: int) -> bool:
    """Has `key` already passed `limit` (without counting a hit)?"""
    return (cache.get(f"ratelimit:{key}") or 0) >= limit


def clear(*, key: str) -> None:
    cache.delete(f"ratelimit:{key}")

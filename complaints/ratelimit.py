"""A fixed-window counter on the shared cache (Redis in production, so all web processes agree)."""

from django.core.cache import cache


def allow(*, key: str, limit: int, period: int) -> bool:
    """Count one hit on `key`; False once more than `limit` hits fall in the window."""
    key = f"ratelimit:{key}"
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count <= limit

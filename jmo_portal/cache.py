"""The shared cache (Redis) as a help, never as a single point of failure.

In the compose stack one Redis carries both the cache and Celery's broker. When it cannot be
reached, participants must still get in and their submissions must still commit (the outbox
sends the tasks later), so every cache read answers "miss" and every write is skipped, with a
warning. After a failure the process stops asking for OUTAGE_BACKOFF seconds: a dead server
costs one timeout, not one per call.

What that costs while Redis is away, and why it is accepted: rate limits count nothing (they
fail open, so the login still works), allauth's guard against reusing a TOTP code is off, the
personal pages render on every view, and a staff view may be audited twice. Sessions live in
the database, so no login is lost and a logout cannot be undone by a cache that missed it.

A delete the server did not take is kept and done first thing when it answers again. Every
delete in the portal is an invalidation (a participant's page version, the maintenance windows),
so a late one is harmless and a lost one would serve stale pages: a balance posted during the
outage shows as soon as Redis is back, not PAGE_CACHE_SECONDS later. Only a process that ends
before Redis comes back loses its pending deletes; those entries still expire.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE_BACKOFF = 5.0  # seconds without asking a server that just failed
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# Per process and server: Django makes one cache object per thread.
_down_until: dict[str, float] = {}
_pending_deletes: dict[str, set[str]] = {}
_pending_lock = threading.Lock()  # runserver and gthread workers serve from several threads


class _OneClientPerPool(RedisCacheClient):
    """Django builds a new redis.Redis object for every cache call, which costs about as much
    as the call itself on a page that makes three; one per connection pool is enough (a
    client is only a handle on its pool, and each thread has its own cache object)."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        if pool not in clients:
            clients[pool] = self._client(connection_pool=pool)
        return clients[pool]


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool

    def _try(self, call, *args, miss, undone=()):
        """`call(*args)`, or `miss` when the server is unreachable; `undone`: the full keys a
        failed call would have deleted, deleted once the server answers again."""
        server = self._servers[0]
        if time.monotonic() < _down_until.get(server, 0.0):
            self._defer(server, undone)
            return miss
        try:
            self._delete_deferred(server)
            return call(*args)
        except UNREACHABLE as exc:
            self._defer(server, undone)
            _down_until[server] = time.monotonic() + OUTAGE_BACKOFF
            logger.warning(
                "cache unreachable (%s): treated as empty for %.0f s",
                exc.__class__.__name__,
                OUTAGE_BACKOFF,
            )
            return miss

    @staticmethod
    def _defer(server: str, keys) -> None:
        if keys:
            with _pending_lock:
                _pending_deletes.setdefault(server, set()).update(keys)

    def _delete_deferred(self, server: str) -> None:
        with _pending_lock:
            keys = list(_pending_deletes.get(server, ()))
        if keys:
            self._cache.delete_many(keys)  # raises like any call while still unreachable
            with _pending_lock:
                _pending_deletes[server].difference_update(keys)
            logger.warning("cache reachable again: %d deferred deletes done", len(keys))

    def get(self, key, default=None, version=None):
        return self._try(super().get, key, default, version, miss=default)

    def get_many(self, keys, version=None):
        return self._try(super().get_many, keys, version, miss={})

    def has_key(self, key, version=None):
        return self._try(super().has_key, key, version, miss=False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # "Added": a lock is taken, a first view recorded, a TOTP code accepted once more.
        return self._try(super().add, key, value, timeout, version, miss=True)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(super().set, key, value, timeout, version, miss=None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(super().set_many, data, timeout, version, miss=list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(super().touch, key, timeout, version, miss=False)

    def incr(self, key, delta=1, version=None):
        # A counter that starts again from nothing: rate limits fail open.
        return self._try(super().incr, key, delta, version, miss=delta)

    def delete(self, key, version=None):
        undone = [self.make_key(key, version)]
        return self._try(super().delete, key, version, miss=False, undone=undone)

    def delete_many(self, keys, version=None):
        undone = [self.make_key(key, version) for key in keys]
        return self._try(super().delete_many, keys, version, miss=None, undone=undone)

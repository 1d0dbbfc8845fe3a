"""Django's Argon2 hasher, unchanged in strength, run at a lower CPU priority than pages.

One Argon2 check costs about 0.2 s of CPU on 8 threads (time_cost 2, 100 MiB, parallelism 8):
on a web server with few cores, a handful of logins at once takes the CPU from every page in
flight (issue 21). The hash runs on a small pool of threads of this process whose scheduling
priority is lowered once (Linux sets it per thread, and Argon2's own threads inherit it), so
the kernel gives pages the CPU first and logins what is left. The algorithm, its parameters and
its name stay Django's: hashes stored by either class verify with the other, and a login under
load takes longer instead of making everyone else wait.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import Argon2PasswordHasher

# Linux's nice scale: 10 gives a login about a tenth of a page's CPU share when both wait.
LOGIN_NICENESS = 10
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0


def _lower_priority() -> None:
    thread = threading.get_native_id()
    try:
        if os.getpriority(os.PRIO_PROCESS, thread) < LOGIN_NICENESS:
            os.setpriority(os.PRIO_PROCESS, thread, LOGIN_NICENESS)
    except OSError:  # a platform that sets priorities per process only: hash at full priority
        pass


def hashing_pool() -> ThreadPoolExecutor:
    """This process's hashing threads, made on first use in each process: a forked child
    (a gunicorn or Celery worker) inherits the pool object but none of its threads."""
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool_pid = os.getpid()
            _pool = ThreadPoolExecutor(
                max_workers=os.cpu_count() or 1,
                thread_name_prefix="argon2",
                initializer=_lower_priority,
            )
        return _pool


class LowPriorityArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2PasswordHasher (same `algorithm`, same costs) hashing on the low-priority pool."""

    def encode(self, password, salt):
        return hashing_pool().submit(super().encode, password, salt).result()

    def verify(self, password, encoded):
        return hashing_pool().submit(super().verify, password, encoded).result()

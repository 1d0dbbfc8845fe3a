"""Personal pages (the dashboard and cek saldo) rendered once, then served from the shared cache
until something they show changes.

They are the most visited pages, and their cost is Django's ORM and template work, not the
database (benchmarks/load.py measures it). A rendered fragment is keyed by a random version
per user and a global one. After a commit that changes what a participant's pages show, the
user's version is dropped (`participant_pages_changed`), so the next view renders afresh; a
renamed branch, employer or service type drops the global version (`all_pages_changed`).
Versions are read before the data, so a view racing a write can only store its fragment with
the old version, which no view accepts again. Pages that are the same for every visitor (news)
use `shared_fragments` with a version of their own scope instead of the user's. Model saves
and deletes are caught by signals (`pages_follow_model`); code that writes with update(),
bulk_create() or raw SQL calls `participant_pages_changed` itself. Entries expire after
PAGE_CACHE_SECONDS whatever happens.

PAGE_CACHE_SECONDS is 0 (off) unless the cache is shared by every process (Redis): a version
dropped in a Celery worker must be gone for every web process too.
"""

import functools
import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .models import Participant, User

GLOBAL_VERSION_KEY = "pages:version:all"
_ID_CHUNK = 5000  # participant ids per query and per cache call: SQLite's variable limit


def _user_version_key(user_id: int) -> str:
    return f"pages:version:user:{user_id}"


@functools.cache
def release() -> str:
    """A digest of the project's code, templates and translations, computed once per process:
    a fragment rendered by another release is never served, even while old and new web
    processes run side by side during a deploy."""
    roots = {Path(config.path) for config in apps.get_app_configs()}
    roots.update(Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", ()))
    roots.update(Path(d) for d in settings.LOCALE_PATHS)
    base = Path(settings.BASE_DIR)
    ours = sorted(r for r in roots if r.is_relative_to(base) and ".venv" not in r.parts)
    digest = hashlib.blake2b(digest_size=6)
    for root in ours:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".mo"} and path.is_file():
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _version(key: str, found: dict) -> str:
    version = found.get(key)
    if version is None:
        version = secrets.token_hex(4)
        if not cache.add(key, version, timeout=2 * settings.PAGE_CACHE_SECONDS):
            version = cache.get(key) or version  # another view created it first
    return version


def page_fragment(*, user: User, name: str, render: Callable[[], str]) -> SafeString:
    """`render()`'s HTML for this user, page `name` and language, from the cache when the
    user's data has not changed since it was stored. Whatever `render` raises (Http404)
    passes through and nothing is stored."""
    if not settings.PAGE_CACHE_SECONDS:
        return mark_safe(render())  # noqa: S308 - our own template's output
    keys = (GLOBAL_VERSION_KEY, _user_version_key(user.pk))
    key = f"pages:{release()}:{user.pk}:{name}:{get_language()}"
    # One round trip reads the versions and the fragment together (MGET is atomic), and a
    # fragment carries the versions it was rendered under: it is served only if they are
    # still the current ones.
    found = cache.get_many((*keys, key))
    versions = "-".join(_version(k, found) for k in keys)
    stored = found.get(key)
    if stored is not None and stored[0] == versions:
        return mark_safe(stored[1])  # noqa: S308 - our own template's output, stored as rendered
    fragment = str(render())
    cache.set(key, (versions, fragment), settings.PAGE_CACHE_SECONDS)
    return mark_safe(fragment)  # noqa: S308 - our own template's output


def _scope_version_key(scope: str) -> str:
    return f"pages:version:scope:{scope}"


def shared_fragments(
    *, scope: str, name: str, render: Callable[[], dict[str, str]], lifetime: Callable[[], float]
) -> dict[str, SafeString]:
    """`render()`'s named HTML parts (a page's content, its escaped title) for page `name` of
    `scope` in this language, the same for every visitor: never put anything of the user's or
    the request's (a CSRF token) in them. They are kept until `shared_pages_changed(scope)`, or
    `lifetime()` seconds, asked only when they are stored: the time until a change nobody saves
    (a scheduled publication) shows."""
    if not settings.PAGE_CACHE_SECONDS:
        return _safe(render())
    keys = (GLOBAL_VERSION_KEY, _scope_version_key(scope))
    key = f"pages:{release()}:scope:{scope}:{name}:{get_language()}"
    found = cache.get_many((*keys, key))
    versions = "-".join(_version(k, found) for k in keys)
    stored = found.get(key)
    now = time.time()
    # The entry also carries the moment it goes stale: the cache's own expiry is kept by
    # another clock (Redis's).
    if stored is not None and stored[0] == versions and now < stored[1]:
        return _safe(stored[2])
    parts = {part: str(html) for part, html in render().items()}
    seconds = min(settings.PAGE_CACHE_SECONDS, int(lifetime()))
    if seconds > 0:
        cache.set(key, (versions, now + seconds, parts), seconds)
    return _safe(parts)


def _safe(parts: dict[str, str]) -> dict[str, SafeString]:
    return {part: mark_safe(html) for part, html in parts.items()}  # noqa: S308 - our own output


def shared_pages_changed(scope: str) -> None:
    """After this transaction commits, the pages of `scope` render afresh in every language."""
    if settings.PAGE_CACHE_SECONDS:
        key = _scope_version_key(scope)
        transaction.on_commit(lambda: cache.delete(key), robust=True)


# Participants whose pages changed in this thread's open transaction: a job posting to 100,000
# cards in one transaction drops their versions in one pass after the commit.
_changed = threading.local()


def _drop_changed_versions() -> None:
    ids = sorted(getattr(_changed, "ids", ()))
    _changed.ids = set()
    for start in range(0, len(ids), _ID_CHUNK):
        user_ids = Participant.objects.filter(
            pk__in=ids[start : start + _ID_CHUNK], user__isnull=False
        ).values_list("user_id", flat=True)
        cache.delete_many([_user_version_key(user_id) for user_id in user_ids])


def participant_pages_changed(participant_ids: Iterable[int | None]) -> None:
    """After this transaction commits, these participants' pages render afresh."""
    if not settings.PAGE_CACHE_SECONDS:
        return
    ids = {pk for pk in participant_ids if pk is not None}
    if ids:
        if not hasattr(_changed, "ids"):
            _changed.ids = set()
        _changed.ids.update(ids)
        # One callback per call: a savepoint rolled back discards its own, and the ids it left
        # behind are only dropped once too often, never too seldom.
        transaction.on_commit(_drop_changed_versions, robust=True)


def all_pages_changed() -> None:
    """After this transaction commits, every participant's pages render afresh."""
    if settings.PAGE_CACHE_SECONDS:
        transaction.on_commit(lambda: cache.delete(GLOBAL_VERSION_KEY), robust=True)


def pages_follow_model(
    model, participant_of: Callable[[Model], int | None] | None, *, scope: str = ""
) -> None:
    """Saving or deleting a `model` row changes the pages of `participant_of(row)`, or
    everyone's pages when `participant_of` is None (rows shown to many: branches, employers),
    or only the shared pages of `scope` when one is given (news articles)."""

    def changed(sender, instance, **kwargs):
        if scope:
            shared_pages_changed(scope)
        elif participant_of is None:
            all_pages_changed()
        else:
            participant_pages_changed([participant_of(instance)])

    uid = f"page_cache:{model._meta.label_lower}:{scope}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)

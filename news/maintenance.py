"""Maintenance notices: the banner on every page and the write pause during a window.

Every request needs to know about windows, so the upcoming ones are cached (shared cache, one
minute, cleared when staff save or delete a window): a warm page costs no query for this.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language

from .models import MaintenanceWindow

CACHE_KEY = "news:maintenance-windows:v1"
CACHE_SECONDS = 60
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# Still writable during a window: ending the window early, logging in and out of the admin,
# logging out and switching the language.
WRITE_ALLOWED_PREFIXES = (
    "/admin/login/",
    "/admin/logout/",
    "/admin/news/maintenancewindow/",
    "/accounts/logout/",
    "/i18n/",
)


@dataclass(frozen=True)
class Notice:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    announce_from: datetime.datetime
    message: str
    message_en: str

    def is_active(self, now) -> bool:
        return self.starts_at <= now < self.ends_at

    def is_announced(self, now) -> bool:
        return self.announce_from <= now < self.ends_at

    @property
    def text(self) -> str:
        return (self.message_en or self.message) if get_language() == "en" else self.message


def _windows() -> list[Notice]:
    notices = cache.get(CACHE_KEY)
    if notices is None:
        rows = MaintenanceWindow.objects.filter(ends_at__gt=timezone.now()).order_by("starts_at")
        notices = [
            Notice(w.starts_at, w.ends_at, w.announce_from, w.message, w.message_en)
            for w in rows[:5]
        ]
        cache.set(CACHE_KEY, notices, CACHE_SECONDS)
    return notices


def maintenance_notice(*, now=None) -> Notice | None:
    """The window to announce now: the running one first, else the next announced one."""
    now = now or timezone.now()
    announced = [notice for notice in _windows() if notice.is_announced(now)]
    active = [notice for notice in announced if notice.is_active(now)]
    return (active or announced or [None])[0]


@receiver([post_save, post_delete], sender=MaintenanceWindow)
def _forget_cached_windows(**kwargs):
    cache.delete(CACHE_KEY)


class MaintenanceMiddleware:
    """During a window, writes get a clear 503 page with the expected end; reads keep working."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        notice = maintenance_notice()
        request.maintenance_notice = notice
        if (
            notice is not None
            and notice.is_active(timezone.now())
            and request.method not in SAFE_METHODS
            and not request.path.startswith(WRITE_ALLOWED_PREFIXES)
        ):
            seconds = max(int((notice.ends_at - timezone.now()).total_seconds()), 60)
            body = render_to_string("news/maintenance.html", {"notice": notice}, request=request)
            response = HttpResponse(body, status=503)
            response["Retry-After"] = str(seconds)
            add_never_cache_headers(response)
            return response
        return self.get_response(request)


def maintenance_context(request):
    """Template context: `maintenance_notice` for the banner in base.html."""
    notice = getattr(request, "maintenance_notice", None)
    if notice is None:
        return {"maintenance_notice": None, "maintenance_active": False}
    return {
        "maintenance_notice": notice,
        "maintenance_active": notice.is_active(timezone.now()),
    }

"""pytest: same services as the environment gives, tasks eager unless a test starts a worker."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
# Argon2 stays first (production's order); tests only hash with it where they log in.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# SMS land in sms.outbox, as mail lands in mail.outbox (a live-server test may point elsewhere).
SMS_BACKEND = env("SMS_BACKEND", default="sms.backends.locmem.SmsBackend")
SMS_BACKOFF_BASE_SECONDS = env.float("SMS_BACKOFF_BASE_SECONDS", default=0.2)
# A test that starts a real worker switches this off for itself (tests/conftest.py).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
MEDIA_ROOT = BASE_DIR / "var" / "test-uploads"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One test process shares its local-memory cache with itself: the personal page cache is on in
# every test run, so any test that reads a page after a write also checks its invalidation.
PAGE_CACHE_SECONDS = 600
# The replica's tests switch reads on for themselves (tests/core/test_replica.py): elsewhere a
# TestCase's rows live in an uncommitted transaction that the standby cannot see.
DATABASE_REPLICA_READS = False
REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)
# Test-only seam: the worker-kill test slows verification down in its own worker.
DOCUMENTS_VERIFY_TEST_DELAY_SECONDS = env.float("DOCUMENTS_VERIFY_TEST_DELAY_SECONDS", default=0)
# Test-only seam: the scheduling worker-kill test holds a scheduler run open in its worker.
APPOINTMENTS_SCHEDULE_TEST_DELAY_SECONDS = env.float(
    "APPOINTMENTS_SCHEDULE_TEST_DELAY_SECONDS", default=0
)
# Test-only seam: the contribution worker-kill test holds each checked chunk open this long.
CONTRIBUTIONS_IMPORT_TEST_DELAY_SECONDS = env.float(
    "CONTRIBUTIONS_IMPORT_TEST_DELAY_SECONDS", default=0
)
# Webhook retries in tests (and the live test worker) wait a fraction of a second.
WEBHOOK_BACKOFF_BASE_SECONDS = env.float("WEBHOOK_BACKOFF_BASE_SECONDS", default=0.2)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=4)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=3)
# The test partner server listens on plain http://127.0.0.1.
WEBHOOKS_ALLOW_HTTP = True
WEBHOOKS_ALLOW_NETWORKS = ["127.0.0.1/32"]  # the tests' partner server; nothing else
# Many tests move the clock days on with a logged-in client; the idle timeout would log them out.
# tests/security/test_idle_timeout.py sets production's limits (base.py) for itself.
SESSION_IDLE_TIMEOUT_PRODUCTION = (SESSION_IDLE_TIMEOUT, SESSION_IDLE_TIMEOUT_STAFF)  # noqa: F405
SESSION_IDLE_TIMEOUT = None  # off: the middleware then leaves the session untouched

"""Settings shared by every environment; the others only change what the environment decides."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# GENERAL
# https://docs.djangoproject.com/en/5.2/ref/settings/
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
ROOT_URLCONF = "jmo_portal.urls"
WSGI_APPLICATION = "jmo_portal.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1

# I18N: Bahasa Indonesia first, English second.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# DATABASES: SQLite is the embedded default; DATABASE_URL switches to PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's default of 0 reconnects on every request: 10x slower here (shared/STACK.md).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A PostgreSQL hot standby for safe requests' reads (jmo_portal/replica.py). In tests it is the
# standby itself, reading the test database the primary streams to it (TEST MIRROR only renames).
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].update(
        CONN_MAX_AGE=DATABASES["default"].get("CONN_MAX_AGE", 0),
        CONN_HEALTH_CHECKS=True,
        TEST={"MIRROR": "default"},
    )
    # A standby that is gone must not hold a page up for libpq's default of forever.
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    DATABASE_ROUTERS = ["jmo_portal.replica.PrimaryReplicaRouter"]
DATABASE_REPLICA_READS = env.bool("DATABASE_REPLICA_READS", default=True)
# Past this lag (seconds) reads go back to the primary; /healthz shows the lag.
DATABASE_REPLICA_MAX_LAG = env.float("DATABASE_REPLICA_MAX_LAG", default=5.0)
# After a session or API key writes, its reads stay on the primary this long (read-your-writes).
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=10)
# How often a process re-reads the lag, and how long it leaves a failed replica alone.
DATABASE_REPLICA_CHECK_SECONDS = env.float("DATABASE_REPLICA_CHECK_SECONDS", default=2.0)
DATABASE_REPLICA_RETRY_SECONDS = env.float("DATABASE_REPLICA_RETRY_SECONDS", default=5.0)
# DATABASE_POOLER=pgbouncer: DATABASE_URL points at pgbouncer in transaction pooling (compose),
# so consecutive transactions of one connection may run on different server sessions. A named
# (server-side) cursor, which .iterator() opens, would be lost between them: Django declares
# them off. Nothing else of ours keeps session state (no advisory locks, SET, LISTEN or
# temporary tables; docs/deploy.md). Migrations connect to PostgreSQL directly, not through it.
DATABASE_POOLER = env.str("DATABASE_POOLER", default="")
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured("DATABASE_POOLER must be empty or 'pgbouncer'")
if DATABASE_POOLER == "pgbouncer":
    for database in DATABASES.values():  # the replica too, when a pgbouncer fronts it as well
        database["DISABLE_SERVER_SIDE_CURSORS"] = True

# CACHES: local memory by default; Redis through CACHE_URL so rate limits are shared. Redis is
# asked through a backend that treats an unreachable server as an empty cache (jmo_portal/cache.py).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://jmo-portal")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "jmo_portal.cache.FailSoftRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=0.5, socket_timeout=0.5
    )
# The personal page fragments (participants/page_cache.py) are cached only when every process
# shares the cache: a page changed in one process (a Celery worker posting contributions,
# another gunicorn worker) must be dropped for all of them. Sessions stay in the database.
SHARED_CACHE = not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600 if SHARED_CACHE else 0)
# Only the first pages of cek saldo's postings are cached (what members look at): any other
# ?page= is rendered each time, so a visitor walking 1,000 page numbers adds no cache keys.
PAGE_CACHE_MAX_PAGES = env.int("PAGE_CACHE_MAX_PAGES", default=3)

# APPS
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.forms",  # the widget templates, for the project form renderer below
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "csp",
]
LOCAL_APPS = [
    "core",
    "appointments",
    "participants",
    "data_updates",
    "partners",
    "privacy",
    "demo",
    "claims",
    "complaints",
    "news",
    "documents",
    "insights",
    "outbox",
    "access",
    "sms",
    "counter",
    "jmo_portal.apps.PortalConfig",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# AUTHENTICATION
AUTH_USER_MODEL = "participants.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # NIK or KPJ number plus password (what the login field holds when not e-mail or phone).
    "participants.auth_backends.NikKpjBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
# Django's Argon2 at full cost, hashed at a lower CPU priority so logins do not starve pages.
PASSWORD_HASHERS = [
    "participants.hashers.LowPriorityArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: log in with e-mail, a verified phone, NIK or KPJ; mandatory e-mail
# verification; phone verified by an SMS code; rate limits on the shared cache.
# https://docs.allauth.org/en/latest/account/configuration.html
# Links in its mails use PORTAL_BASE_URL (core); phones live on Participant (participants).
ACCOUNT_ADAPTER = "participants.account_adapter.ParticipantAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
# "phone" (optional) turns on allauth's phone pages (/accounts/phone/change/ and verify); the
# portal's signup form leaves it out: a number is added and verified after the first login.
ACCOUNT_SIGNUP_FIELDS = ["email*", "phone", "password1*", "password2*"]
# Off means only: no SMS step forced at every login for a number on record but unverified
# (often the employer's report, maybe stale: it would lock that person out). Adding or
# changing a number is still confirmed by an SMS code, and only verified numbers log in.
ACCOUNT_PHONE_VERIFICATION_ENABLED = False
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 10 * 60
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Signup is the access app's own two steps (access/views.py: possession of a contact on record).
ACCOUNT_FORMS = {
    "login": "participants.forms.PortalLoginForm",
    "reset_password": "participants.forms.PortalResetPasswordForm",
    "confirm_password_reset_code": "participants.forms.PortalConfirmResetCodeForm",
    "change_phone": "participants.forms.PortalChangePhoneForm",
    "verify_phone": "participants.forms.PortalVerifyPhoneForm",
}
# Codes people type from an SMS: six digits. A reset code (by SMS only, participants/
# phone_reset.py; e-mail resets keep the link) lives 10 minutes, three tries.
ACCOUNT_PASSWORD_RESET_BY_CODE_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PREVENT_ENUMERATION = False  # the issue asks to tell people an account already exists
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "change_phone": "3/m/user",
    "verify_phone": "1/30s/key,3/m/ip",
}
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "JMO Portal"
# One 30 s step either side (RFC 6238 5.2): a code typed as it turns over, or sent on a slow
# connection, or from a phone whose clock drifts, still counts. allauth's replay guard covers
# the whole window, so a code still works once only.
MFA_TOTP_TOLERANCE = 1
MFA_ADAPTER = "jmo_portal.security.PortalMfaAdapter"
# Changing the e-mail address or password asks for the password again (ASVS 2.x / 3.x).
ACCOUNT_REAUTHENTICATION_REQUIRED = True

# MIDDLEWARE
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jmo_portal.middleware.TextGZipMiddleware",  # see COMPRESSION below
    "jmo_portal.security.NoStoreMiddleware",
    "jmo_portal.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jmo_portal.replica.ReplicaRoutingMiddleware",  # before sessions: a saved session is a write
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jmo_portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jmo_portal.security.IdleSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "jmo_portal.security.StaffMfaRequiredMiddleware",
    "news.maintenance.MaintenanceMiddleware",
]

# STATIC: WhiteNoise serves them; uploads never get a public URL (documents app).
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "uploads")
# DJANGO_STORAGE=s3: uploads go to an S3-compatible bucket (AWS S3, MinIO) that every web and
# worker container shares, instead of one container's folder. Private objects, never
# overwritten (a name taken is an error in documents.services, as on the filesystem). The
# credentials are boto3's own: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the instance role.
# A misspelt value must not quietly leave every container with a folder of its own.
DJANGO_STORAGE = env.str("DJANGO_STORAGE", default="filesystem")
if DJANGO_STORAGE not in ("filesystem", "s3"):
    raise ImproperlyConfigured("DJANGO_STORAGE must be 'filesystem' or 's3'")
if DJANGO_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),  # MinIO: http://minio:9000
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "location": env("AWS_LOCATION", default=""),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }

# TEMPLATES
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "news.maintenance.maintenance_context",
            ],
        },
    },
]

# Forms render through templates/forms/ and the project's widget overrides (core/forms.py).
FORM_RENDERER = "core.forms.PortalFormRenderer"

# ERROR PAGES: branded and bilingual (templates/404.html, 403.html, 500.html, errors/csrf.html).
CSRF_FAILURE_VIEW = "jmo_portal.pages.csrf_failure"

# COMPRESSION (page weight budget: HTML + CSS of any page under 40 KB transferred).
# Static files: WhiteNoise's CompressedManifestStaticFilesStorage (STORAGES above) writes .gz
# and .br next to each file at collectstatic and serves them to browsers that accept them, with
# far-future caching of the hashed names (portal.css: ~22 KB raw, ~5 KB gzip, ~4.7 KB brotli).
# HTML and JSON: gzipped by TextGZipMiddleware (Django's GZipMiddleware for text types only),
# about 4-5x smaller on the slow phone networks the portal is for. BREACH, decided: pages carry
# a CSRF token and personal data, so compression could leak them to an attacker who can both
# read the encrypted length of many responses and inject text into them. It is accepted here
# because (1) the session and CSRF cookies are SameSite=Lax (Django's default, not changed
# anywhere), so another site cannot make the thousands of authenticated requests BREACH needs;
# (2) Django masks the CSRF token differently in every response; (3) Django's GZipMiddleware
# pads each response with random bytes ("Heal the Breach"), hiding length differences.
# Revisit if any cookie ever becomes SameSite=None. Measured (demo data, gzip): portal.css
# 5.5 KB; HTML 1.7-2.9 KB for the participant pages, 4.7 KB for /style/ (the largest), so
# HTML + CSS stays near 10 KB per page, a quarter of the 40 KB budget.

# SECURITY
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 8)
# Idle timeout on top of the absolute age above (jmo_portal.security.IdleSessionTimeoutMiddleware):
# seconds without a request before the session ends. Staff accounts reach many people: shorter.
# 0 switches it off (the test settings do, for tests that move the clock days on).
SESSION_IDLE_TIMEOUT = env.int("DJANGO_SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_IDLE_TIMEOUT_STAFF = env.int("DJANGO_SESSION_IDLE_TIMEOUT_STAFF", default=15 * 60)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# EMAIL
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# The one base of every link in every e-mail (core.notifications.absolute_url), allauth's
# included: workers have no request to build links from, and a Host header is not a source.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# The portal's name in mails (allauth's "site" included: core.notifications.portal_site), so no
# mail depends on the Sites table, whose default row says "example.com".
PORTAL_NAME = "JMO Portal"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[JMO Portal] "
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="JMO Portal <noreply@jmo.example>")

# SMS: a sender chosen like the e-mail backend (sms/backends). The console backend prints each
# SMS in the terminal (`make run`); production sets the HTTP gateway backend and its account.
SMS_BACKEND = env("SMS_BACKEND", default="sms.backends.console.SmsBackend")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_USER = env("SMS_GATEWAY_USER", default="")
SMS_GATEWAY_PASSWORD = env("SMS_GATEWAY_PASSWORD", default="")
SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10)
SMS_SENDER_ID = env("SMS_SENDER_ID", default="BPJSTK")
# A temporary failure (timeout, 5xx) is retried after base x 2^(n-1) s, at most this many tries.
SMS_MAX_ATTEMPTS = env.int("SMS_MAX_ATTEMPTS", default=5)
SMS_BACKOFF_BASE_SECONDS = env.float("SMS_BACKOFF_BASE_SECONDS", default=30)
SMS_BACKOFF_MAX_SECONDS = env.float("SMS_BACKOFF_MAX_SECONDS", default=30 * 60)
# The beat job re-queues queued messages this long past due (Celery's own retry is first) and
# takes over a send claimed this long ago by a worker that died (longer than a gateway call).
SMS_RETRY_GRACE_SECONDS = env.float("SMS_RETRY_GRACE_SECONDS", default=120)
SMS_CLAIM_TIMEOUT_SECONDS = env.float("SMS_CLAIM_TIMEOUT_SECONDS", default=300)
# Rate limits per number: "count/period" (s, m, h, d; e.g. 3/15m). Per purpose, and in all.
SMS_RATE_LIMITS = {
    "default": env("SMS_RATE_LIMIT_PER_PURPOSE", default="5/h"),
}
SMS_RATE_LIMIT_PER_NUMBER = env("SMS_RATE_LIMIT_PER_NUMBER", default="10/h")

# CELERY: with no broker configured, tasks run in-process (the embedded default).
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Each worker process reserves one message at a time (acks late: it is acknowledged when done):
# a process busy with a 30-minute import holds no other message back from an idle process,
# and a pool consuming several queues takes the next message from whichever has one.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers log through Django's LOGGING (and its masking filter), not handlers of their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# QUEUES: one queue per kind of work, so a 100,000-row import never stands in front of a
# participant's KTP check. docker-compose.yml runs one worker pool per group (documents,
# scheduling, imports, notifications + default, insights); a worker started without -Q
# (`make run`, `make worker`, the test workers) consumes every queue declared here.
# Every task is routed by name (tests/test_celery_routes.py fails on a task with no route).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [
    Queue(name, routing_key=name)
    for name in ("documents", "scheduling", "imports", "notifications", "insights", "default")
]
CELERY_TASK_ROUTES = {
    task: {"queue": queue}
    for queue, tasks in {
        "documents": [
            "documents.tasks.document_verify_task",
            "documents.tasks.document_file_remove_task",
            "documents.tasks.documents_requeue_stuck_task",
            "claims.tasks.claim_verify_task",
        ],
        "scheduling": [
            "appointments.tasks.appointments_schedule_task",
            "appointments.tasks.appointments_schedule_all_task",
            "appointments.tasks.queue_release_no_shows_task",
            "appointments.tasks.appointment_reminders_due_task",
        ],
        "imports": [
            "partners.tasks.contribution_report_process_task",
            "partners.tasks.contribution_reports_requeue_stuck_task",
            "participants.tasks.jht_returns_credit_task",
            # Ledger upkeep (month partitions ahead): with the ledger's other bulk jobs.
            "participants.tasks.ledger_partitions_ensure_task",
        ],
        "notifications": [
            "appointments.tasks.appointment_assigned_mail_task",
            "appointments.tasks.appointment_reminder_task",
            "claims.tasks.claim_notify_task",
            "complaints.tasks.ticket_confirmation_email_task",
            "complaints.tasks.ticket_reply_email_task",
            "complaints.tasks.ticket_resolved_email_task",
            "complaints.tasks.ticket_escalation_email_task",
            "data_updates.tasks.data_update_send_code_task",
            "data_updates.tasks.data_update_notify_task",
            "participants.tasks.kpj_card_links_notify_task",
            "partners.tasks.webhook_deliver_task",
            "partners.tasks.webhook_retry_due_task",
            "sms.tasks.sms_deliver_task",
            "sms.tasks.sms_retry_due_task",
            "outbox.tasks.outbox_relay_task",
        ],
        "insights": [
            "insights.tasks.insights_aggregate_day_task",
            "insights.tasks.insights_aggregate_yesterday_task",
        ],
        # Small writes a login or a beat scan makes; named so that none lands here by accident.
        "default": [
            "participants.tasks.participant_mark_active_task",
            "complaints.tasks.tickets_escalate_overdue_task",
        ],
    }.items()
    for task in tasks
}
CELERY_TIMEZONE = TIME_ZONE
# Periodic jobs, all here (DatabaseScheduler copies them into its tables at start).
CELERY_BEAT_SCHEDULE = {
    "documents-requeue-stuck": {
        "task": "documents.tasks.documents_requeue_stuck_task",
        "schedule": 5 * 60,
    },
    "complaints-escalate-overdue": {
        "task": "complaints.tasks.tickets_escalate_overdue_task",
        "schedule": 15 * 60,
    },
    "jht-annual-returns": {
        "task": "participants.tasks.jht_returns_credit_task",
        "schedule": crontab(minute=30, hour=1, day_of_month=1, month_of_year=1),
    },
    "appointments-schedule-batch": {
        "task": "appointments.tasks.appointments_schedule_all_task",
        "schedule": 10 * 60,
    },
    "sms-retry-due": {
        "task": "sms.tasks.sms_retry_due_task",
        "schedule": 60,
    },
    "outbox-relay": {
        "task": "outbox.tasks.outbox_relay_task",
        "schedule": 60,
    },
    "contribution-reports-stuck": {
        "task": "partners.tasks.contribution_reports_requeue_stuck_task",
        "schedule": 5 * 60,
    },
    "partner-webhooks-overdue": {
        "task": "partners.tasks.webhook_retry_due_task",
        "schedule": 60,
    },
    "appointments-queue-release-no-shows": {
        "task": "appointments.tasks.queue_release_no_shows_task",
        "schedule": 5 * 60,
    },
    "appointments-reminders": {
        "task": "appointments.tasks.appointment_reminders_due_task",
        "schedule": 60 * 60,
    },
    # Yesterday's effectiveness summaries, after local midnight (CELERY_TIMEZONE is Jakarta).
    "insights-aggregate-yesterday": {
        "task": "insights.tasks.insights_aggregate_yesterday_task",
        "schedule": crontab(minute=20, hour=0),
    },
    # The ledger's monthly partitions, LEDGER_PARTITIONS_AHEAD months ahead (PostgreSQL only).
    "ledger-partitions-ensure": {
        "task": "participants.tasks.ledger_partitions_ensure_task",
        "schedule": crontab(minute=40, hour=0),
    },
}
# LEDGER PARTITIONS (PostgreSQL): months of postings partitions are created ahead of; a
# month without one still takes postings (in the DEFAULT partition, moved when it is made).
LEDGER_PARTITIONS_AHEAD = env.int("LEDGER_PARTITIONS_AHEAD", default=3)

# DOCUMENTS: uploads are checked by content and verified by the Celery pipeline.
DOCUMENTS_MAX_UPLOAD_BYTES = env.int("DOCUMENTS_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
DOCUMENTS_MIN_READABLE_BYTES = 1024
DOCUMENTS_IMAGE_MIN_LONG_SIDE = 600
DOCUMENTS_IMAGE_MIN_SHORT_SIDE = 400
DOCUMENTS_IMAGE_MAX_PIXELS = 40_000_000
DOCUMENTS_IMAGE_BLANK_STDDEV = 3.0
DOCUMENTS_PDF_MAX_PAGES = 20
# Longer than the task time limit, so a live run is never taken over.
DOCUMENTS_STUCK_AFTER_SECONDS = env.int("DOCUMENTS_STUCK_AFTER_SECONDS", default=10 * 60)
DOCUMENTS_REQUEUE_BATCH = 500
# A participant's uploads per day (stored files only; refused ones are never stored).
DOCUMENTS_DAILY_UPLOAD_COUNT = env.int("DOCUMENTS_DAILY_UPLOAD_COUNT", default=40)
DOCUMENTS_DAILY_UPLOAD_BYTES = env.int("DOCUMENTS_DAILY_UPLOAD_BYTES", default=100 * 1024 * 1024)
# CONTRIBUTION REPORTS (partner API): from this many rows a report is answered 202 and
# processed by a Celery task; rows are checked this many at a time (progress steps).
CONTRIBUTIONS_ASYNC_ROWS = env.int("CONTRIBUTIONS_ASYNC_ROWS", default=10_000)
# 100,000 rows: the size benchmarks/ingest.py measures end to end.
CONTRIBUTIONS_MAX_ROWS = env.int("CONTRIBUTIONS_MAX_ROWS", default=100_000)
# A refused report names this many bad rows, then counts the rest (a bounded error body).
CONTRIBUTIONS_MAX_ROW_ERRORS = env.int("CONTRIBUTIONS_MAX_ROW_ERRORS", default=100)
CONTRIBUTIONS_CHUNK_ROWS = env.int("CONTRIBUTIONS_CHUNK_ROWS", default=5_000)
# Longer than the report task's time limit (30 min), so a live run is never taken over.
CONTRIBUTIONS_STUCK_AFTER_SECONDS = env.int("CONTRIBUTIONS_STUCK_AFTER_SECONDS", default=35 * 60)
# The report endpoint's own body limit (Django's global DATA_UPLOAD_MAX_MEMORY_SIZE stays),
# checked on Content-Length before a byte is read: 250 bytes for each of 100,000 rows (a
# compact row with four programs' amounts; without amounts a row is about 60). A 31.9 MB body
# once took 690 MB to parse before its rows were counted.
CONTRIBUTIONS_MAX_BODY_BYTES = env.int("CONTRIBUTIONS_MAX_BODY_BYTES", default=25_000_000)
# COLLECTIVE CLAIMS (partner API): workers per group, filed inside the request, each through
# the claims service: about 0.13 s a worker measured here (50 in 6.9 s on 2 shared cores), so
# 100 stay well inside gunicorn's 30 s; a larger layoff is sent as several groups.
COLLECTIVE_CLAIM_MAX_MEMBERS = env.int("COLLECTIVE_CLAIM_MAX_MEMBERS", default=100)
# A refused group names this many bad rows, then counts the rest (a bounded error body).
COLLECTIVE_CLAIM_MAX_ROW_ERRORS = env.int("COLLECTIVE_CLAIM_MAX_ROW_ERRORS", default=100)
# A CSV upload's size: 100 lines with an 11-digit KPJ and many more columns fit.
COLLECTIVE_CLAIM_MAX_CSV_BYTES = env.int("COLLECTIVE_CLAIM_MAX_CSV_BYTES", default=200_000)
# PARTNER WEBHOOKS (claim status changes): attempt n+1 waits base x 2^(n-1) seconds, capped.
WEBHOOK_BACKOFF_BASE_SECONDS = env.float("WEBHOOK_BACKOFF_BASE_SECONDS", default=30)
WEBHOOK_BACKOFF_MAX_SECONDS = env.float("WEBHOOK_BACKOFF_MAX_SECONDS", default=3600)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=False)
# Networks a webhook may reach although they are not public (tests' local server only; keep
# empty in production: internal, loopback and metadata addresses are refused, no SSRF).
WEBHOOKS_ALLOW_NETWORKS = env.list("WEBHOOKS_ALLOW_NETWORKS", default=[])
# The beat job re-queues pending deliveries this long past due (Celery's own retry is first).
WEBHOOK_RETRY_GRACE_SECONDS = env.float("WEBHOOK_RETRY_GRACE_SECONDS", default=300)
# COMPLAINTS: files a participant or visitor may attach to one message of a complaint.
COMPLAINTS_MAX_ATTACHMENTS = env.int("COMPLAINTS_MAX_ATTACHMENTS", default=3)
# QUEUE (the branch's virtual queue): a number called and not answered, or a booked visit with
# no arrival reported, is released this many minutes after its call or its time.
QUEUE_NO_SHOW_GRACE_MINUTES = env.int("QUEUE_NO_SHOW_GRACE_MINUTES", default=15)
# Booking codes one client address may try at a branch's kiosk per 10 minutes.
QUEUE_KIOSK_TRIES_PER_10_MINUTES = env.int("QUEUE_KIOSK_TRIES_PER_10_MINUTES", default=20)
# CARD: seconds a membership card's QR code stays good (participants/card.py).
CARD_QR_TOKEN_MAX_AGE = env.int("CARD_QR_TOKEN_MAX_AGE", default=10 * 60)
# Self-help answers ("this solved it") one client address may add per hour. Each browser session
# counts once per problem anyway; this stops a script that drops its cookie on every request
# from inflating the deflection figure. Honest visitors behind one office proxy stay far below.
COMPLAINTS_SELF_HELP_ANSWERS_PER_HOUR = env.int("COMPLAINTS_SELF_HELP_ANSWERS_PER_HOUR", default=20)
# PROXIES: how many proxies in front of the app append to X-Forwarded-For. Every per-IP limit
# (the API throttles, allauth's login, reset and phone limits) takes the address that many hops
# from the right, so a client-forged header cannot pick its own IP and the proxy's own address
# does not lump everyone into one counter. 0 = no proxy: REMOTE_ADDR only.
NUM_PROXIES = env.int("DJANGO_NUM_PROXIES", default=0)
# API bodies nested deeper than this are a 400 (jmo_portal/api_parsers.py): ours nest about 5.
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=20)
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES
# DRF + OpenAPI (assets served locally by the sidecar, no CDN)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["jmo_portal.api_parsers.BoundedJSONParser"],
    "EXCEPTION_HANDLER": "jmo_portal.api_errors.api_exception_handler",
    # The one trusted-proxy setting (NUM_PROXIES, above), shared with allauth's rate limits.
    "NUM_PROXIES": NUM_PROXIES,
    # Throttle counters live in the cache (Redis through CACHE_URL, so shared by processes).
    "DEFAULT_THROTTLE_RATES": {
        "simulations": env("JMO_SIMULATION_RATE", default="60/min"),
        "partner": env("API_PARTNER_RATE", default="600/min"),
        "partner_anon": env("API_ANON_RATE", default="30/min"),
    },
}
SPECTACULAR_SETTINGS = {
    # 3.1: a security requirement may then list scopes for a bearer scheme (partner keys), and
    # nullable is a type, which strict generators read the same way.
    "OAS_VERSION": "3.1.0",
    "TITLE": "JMO Portal API",
    "DESCRIPTION": "Partner and participant API of the JMO Portal.",
    "VERSION": "1.0.0",
    "LICENSE": {"name": "Proprietary: for partners of BPJS Ketenagakerjaan"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "ENUM_NAME_OVERRIDES": {
        "KpjStatusEnum": "participants.models.KpjCard.Status",
        "LeavingReasonEnum": "participants.models.LeavingReason",
        "ClaimStatusEnum": "claims.choices.Status",
        "ContributionProgramEnum": "participants.models.Program",
        "ContributionReportStatusEnum": "partners.models.ContributionReport.Status",
        "ErrorCodeEnum": "jmo_portal.api_errors.ERROR_CODE_CHOICES",
        "CollectiveRefusalCodeEnum": "partners.collective_claims.REFUSAL_CODE_CHOICES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jmo_portal.api_schema.complete_operations",
        "jmo_portal.api_schema.indonesian_labels",
    ],
}

# LOGGING: personal data is never logged; the format carries no request bodies, and every
# handler masks NIK-like numbers, bank accounts, passwords, tokens and codes on the way out
# (jmo_portal/logging.py). Django's own loggers are named here so their default handlers,
# which would lack the mask, are replaced; Celery workers use this too (jmo_portal/celery.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_sensitive": {"()": "jmo_portal.logging.SensitiveDataFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_sensitive"],
        },
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false", "mask_sensitive"],
        },
    },
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # redis-py gives this logger a handler of its own unless it already exists; it would
        # print pub/sub payloads (task results) past the mask.
        "push_response": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
# 500 reports (the mail_admins e-mail) list POST field names only and go through the masks.
DEFAULT_EXCEPTION_REPORTER = "jmo_portal.logging.PortalExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "jmo_portal.logging.PortalExceptionReporterFilter"

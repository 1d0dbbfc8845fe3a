"""The portal's deploy checks, tested the way Django tests its own (override_settings, ids)."""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.checks import run_checks
from django.test import SimpleTestCase, override_settings

from jmo_portal import checks

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"
LOW_PRIORITY_ARGON2 = "participants.hashers.LowPriorityArgon2PasswordHasher"
CHEAPER_ARGON2 = "tests.security.test_checks.CheaperArgon2"


class CheaperArgon2(Argon2PasswordHasher):
    memory_cost = 1024


def ids(errors):
    return [error.id for error in errors]


class PasswordHasherCheckTests(SimpleTestCase):
    @override_settings(PASSWORD_HASHERS=[PBKDF2, ARGON2])
    def test_argon2_not_first(self):
        assert ids(checks.check_password_hashers(None)) == ["jmo_portal.E001"]

    @override_settings(PASSWORD_HASHERS=[])
    def test_no_hashers(self):
        assert ids(checks.check_password_hashers(None)) == ["jmo_portal.E001"]

    @override_settings(PASSWORD_HASHERS=[ARGON2, PBKDF2])
    def test_argon2_first(self):
        assert checks.check_password_hashers(None) == []

    @override_settings(PASSWORD_HASHERS=[LOW_PRIORITY_ARGON2, PBKDF2])
    def test_low_priority_argon2_first(self):
        assert checks.check_password_hashers(None) == []

    @override_settings(PASSWORD_HASHERS=[CHEAPER_ARGON2, PBKDF2])
    def test_a_cheaper_argon2_subclass_first(self):
        assert ids(checks.check_password_hashers(None)) == ["jmo_portal.E001"]


class PasswordValidatorCheckTests(SimpleTestCase):
    def test_project_settings_pass(self):
        assert checks.check_password_validators(None) == []

    @override_settings(AUTH_PASSWORD_VALIDATORS=[])
    def test_no_validators(self):
        errors = checks.check_password_validators(None)
        assert ids(errors) == ["jmo_portal.E002"]
        assert "CommonPasswordValidator" in errors[0].msg

    @override_settings(
        AUTH_PASSWORD_VALIDATORS=[
            v for v in settings.AUTH_PASSWORD_VALIDATORS if "Common" not in v["NAME"]
        ]
    )
    def test_one_validator_missing(self):
        errors = checks.check_password_validators(None)
        assert ids(errors) == ["jmo_portal.E002"]
        assert "NumericPasswordValidator" not in errors[0].msg

    @override_settings(
        AUTH_PASSWORD_VALIDATORS=[
            {"NAME": name}
            for name in sorted(checks.REQUIRED_VALIDATORS)  # MinimumLength at Django's 8
        ]
    )
    def test_short_minimum_length(self):
        assert ids(checks.check_password_validators(None)) == ["jmo_portal.E003"]


class ContentSecurityPolicyCheckTests(SimpleTestCase):
    def test_project_settings_pass(self):
        assert checks.check_content_security_policy(None) == []

    @override_settings(CONTENT_SECURITY_POLICY=None)
    def test_no_policy(self):
        assert ids(checks.check_content_security_policy(None)) == ["jmo_portal.E004"]

    def test_no_middleware(self):
        middleware = [m for m in settings.MIDDLEWARE if m != checks.CSP_MIDDLEWARE]
        with override_settings(MIDDLEWARE=middleware):
            assert ids(checks.check_content_security_policy(None)) == ["jmo_portal.E004"]

    @override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'self'"]}})
    def test_no_frame_ancestors(self):
        assert ids(checks.check_content_security_policy(None)) == ["jmo_portal.E005"]

    @override_settings(
        CONTENT_SECURITY_POLICY={
            "DIRECTIVES": {"default-src": ["'self'"], "frame-ancestors": ["*"]}
        }
    )
    def test_framing_allowed(self):
        assert ids(checks.check_content_security_policy(None)) == ["jmo_portal.E005"]


class SessionAgeCheckTests(SimpleTestCase):
    @override_settings(SESSION_COOKIE_AGE=60 * 60 * 24 * 14)
    def test_djangos_two_weeks_is_too_long(self):
        assert ids(checks.check_session_age(None)) == ["jmo_portal.E006"]

    @override_settings(SESSION_COOKIE_AGE=checks.MAX_SESSION_AGE)
    def test_bound_is_allowed(self):
        assert checks.check_session_age(None) == []


class AdminLoginCheckTests(SimpleTestCase):
    def test_project_admin_login_is_allauths(self):
        assert checks.check_admin_login(None) == []

    @override_settings(ROOT_URLCONF="tests.security.plain_admin_urls")
    def test_plain_django_admin_login(self):
        assert ids(checks.check_admin_login(None)) == ["jmo_portal.E007"]


class SecurityMiddlewareCheckTests(SimpleTestCase):
    def test_project_settings_pass(self):
        assert checks.check_security_middleware(None) == []

    def test_missing_middleware(self):
        middleware = [
            m
            for m in settings.MIDDLEWARE
            if m not in {checks.STAFF_MFA_MIDDLEWARE, checks.NO_STORE_MIDDLEWARE}
        ]
        with override_settings(MIDDLEWARE=middleware):
            assert ids(checks.check_security_middleware(None)) == [
                "jmo_portal.E008",
                "jmo_portal.E009",
            ]


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                     "LOCATION": "redis://127.0.0.1:6379/0"}}  # fmt: skip
DB_SESSIONS = "django.contrib.sessions.backends.db"
CACHED_SESSIONS = "django.contrib.sessions.backends.cached_db"


class SharedCacheCheckTests(SimpleTestCase):
    @override_settings(CACHES=LOCMEM, PAGE_CACHE_SECONDS=600, SESSION_ENGINE=DB_SESSIONS)
    def test_page_cache_in_process_memory(self):
        assert ids(checks.check_shared_cache(None)) == ["jmo_portal.E010"]

    @override_settings(CACHES=LOCMEM, PAGE_CACHE_SECONDS=0, SESSION_ENGINE=CACHED_SESSIONS)
    def test_cached_sessions_in_process_memory(self):
        assert ids(checks.check_shared_cache(None)) == ["jmo_portal.E010"]

    @override_settings(CACHES=LOCMEM, PAGE_CACHE_SECONDS=0, SESSION_ENGINE=DB_SESSIONS)
    def test_nothing_cached_without_a_shared_cache(self):
        assert checks.check_shared_cache(None) == []

    @override_settings(CACHES=REDIS, PAGE_CACHE_SECONDS=600, SESSION_ENGINE=CACHED_SESSIONS)
    def test_both_on_redis(self):
        assert checks.check_shared_cache(None) == []


class DeployTagTests(SimpleTestCase):
    def test_checks_run_only_with_deploy(self):
        with override_settings(PASSWORD_HASHERS=[PBKDF2]):
            assert "jmo_portal.E001" not in ids(run_checks(include_deployment_checks=False))
            assert "jmo_portal.E001" in ids(run_checks(include_deployment_checks=True))

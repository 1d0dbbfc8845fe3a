import os
import secrets
import subprocess
import sys

from django.conf import settings


def deploy_check(**extra_env):
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "jmo_portal.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "portal.example.id",
        "PORTAL_BASE_URL": "https://portal.example.id",
        "SMS_BACKEND": "sms.backends.http.SmsBackend",
        "SMS_GATEWAY_URL": "https://sms-gateway.example.id/send",
        **extra_env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_pass_the_deploy_checks():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_portals_own_deploy_checks_run_with_production_settings():
    """A two-week session (Django's default) is refused by jmo_portal.E006."""
    result = deploy_check(DJANGO_SESSION_COOKIE_AGE=str(14 * 24 * 60 * 60))
    assert result.returncode != 0
    assert "jmo_portal.E006" in result.stdout + result.stderr


def test_mail_links_must_point_at_the_https_portal():
    """Left at the development default, mail links would lead to 127.0.0.1: jmo_portal.E011."""
    result = deploy_check(PORTAL_BASE_URL="http://127.0.0.1:8000")
    assert result.returncode != 0
    assert "jmo_portal.E011" in result.stdout + result.stderr


def test_sms_codes_must_be_sent_not_printed():
    """The console backend prints codes into the log; a gateway over http leaks them."""
    for extra in (
        {"SMS_BACKEND": "sms.backends.console.SmsBackend"},
        {"SMS_GATEWAY_URL": "http://sms-gateway.example.id/send"},
    ):
        result = deploy_check(**extra)
        assert result.returncode != 0, extra
        assert "jmo_portal.E012" in result.stdout + result.stderr


def test_passwords_are_hashed_with_argon2_first():
    # Django's Argon2 at its own costs, hashed on low-priority threads (participants/hashers.py).
    assert settings.PASSWORD_HASHERS[0] == "participants.hashers.LowPriorityArgon2PasswordHasher"

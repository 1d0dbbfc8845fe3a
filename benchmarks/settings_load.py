"""Production settings for the load benchmark: gunicorn on 127.0.0.1 over plain HTTP.

Everything is production's (DEBUG off, Argon2, WhiteNoise's compressed manifest storage, the
same middleware), except what plain HTTP on loopback needs: in production TLS ends at the proxy,
so cookies are marked Secure there; a load client on http:// would drop Secure cookies.
"""

from jmo_portal.settings.production import *  # noqa: F403
from jmo_portal.settings.production import ACCOUNT_RATE_LIMITS, env

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# A `__Host-` cookie must be Secure, which plain http cannot carry: the load client sends the
# session under Django's default name (benchmarks/load.py reads it from these settings' base).
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
SECURE_SSL_REDIRECT = False
# The bare view the figures are compared against, next to the portal's own URLs.
ROOT_URLCONF = "benchmarks.urls"
STATIC_ROOT = env("LOAD_STATIC_ROOT")
# One line per request from 50 users would cost more than the requests themselves.
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# All 50 load users come from 127.0.0.1; participants come from many addresses. allauth's
# per-IP login limit (30/m by default) would turn the mix's logins into 429s. The limits on
# failed logins per IP and per account stay as in production.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "100000/m/ip"}

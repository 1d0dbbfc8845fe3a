"""Gunicorn settings for production (Dockerfile, docker-compose.yml): `gunicorn -c
jmo_portal/gunicorn_conf.py jmo_portal.wsgi:application`.

The access log is written by gunicorn, outside Django's LOGGING and its masking filter, and it
holds the request line, the referer and any header asked for in the format. Links with a secret
in them (an anonymous complaint's status link, an e-mail confirmation or password reset key, a
card check, `?token=`-like query values) would be kept in clear there, so every text field of
the line goes through the same `mask_sensitive` as Django's own log lines.
"""

import os
import sys
from pathlib import Path

from gunicorn.glogging import Logger

# Gunicorn reads this file before it puts its working directory on sys.path, and the portal
# runs from its checkout (nothing is installed as a package).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jmo_portal.logging import mask_sensitive  # noqa: E402

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")


class MaskedAccessLogger(Logger):
    """Gunicorn's logger whose access-log fields are masked before the line is formatted."""

    def atoms(self, resp, req, environ, request_time):
        return {
            name: mask_sensitive(value) if isinstance(value, str) else value
            for name, value in super().atoms(resp, req, environ, request_time).items()
        }


logger_class = MaskedAccessLogger

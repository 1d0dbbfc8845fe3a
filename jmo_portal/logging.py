"""Personal data and secrets never reach a log line or an error report.

`SensitiveDataFilter` sits on every handler (settings LOGGING). It renders the message,
masks what looks like a NIK, a bank account, a password, a token or API key, or a
confirmation code, and writes the masked text back into the record, together with the
masked traceback, so every handler and formatter after it sees only the masked form.

Patterns, and why these:
- runs of 9 or more digits, or 4-digit groups split by spaces or dashes: NIK (16), KK (16),
  bank accounts (Indonesian banks use 10 to 16), card numbers. Ids, amounts and dates in our
  own log lines stay under that; an account of 6 to 8 digits is masked only when labelled.
- `name=value` / `"name": "value"` pairs whose name says secret or personal (password, token,
  key, code, nik, account, ...): any value, any length.
- `Bearer`/`Token` credentials and our partner keys (`jmo_<prefix>_<secret>`) anywhere, and
  the secret part of links such as /accounts/confirm-email/<key>/.
"""

import logging
import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

MASK = "********"

_DIGITS = re.compile(r"(?<!\d)(?:\d{9,}|\d{4}(?:[ -]\d{4}){2,3})(?!\d)")
# Names of secrets (not secrets): a value labelled with one of these is masked.
_SECRET_NAMES = "|".join([
    r"pass(?:word)?\d?", "passwd", "pwd", "secret", "token", r"api[_-]?key", "key",
    "authorization", "csrfmiddlewaretoken", "sessionid", r"(?<!status_)code", "otp", "kode",
    "sandi", "nik", "no_kk", "kk_number", "account_number", "account", "rekening",
])  # fmt: skip
_PAIR = re.compile(
    rf"""(?ix)
    (?P<name>["']?[\w-]*(?:{_SECRET_NAMES})["']?)   # the label, quoted or not
    (?P<sep>\s*(?:=|:|=>)\s*)
    (?P<quote>["']?)
    (?P<value>[^\s"'&,;)}}\]]+)
    """
)
_CREDENTIAL = re.compile(r"(?i)\b(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{6,}")
_PARTNER_KEY = re.compile(r"\bjmo_[0-9a-f]{8}_[A-Za-z0-9_-]+")
# Links that carry a secret in the path: e-mail confirmation, password reset, card check.
_TOKEN_PATH = re.compile(r"(?i)(/(?:confirm-email|reset/key|card/verify|verify)/)[^/\s'\"?&<>]+")
# An anonymous complaint's status link, /complaints/status/<number>/<token>/ (and its files):
# the token alone opens the complaint, so it is masked; the ticket number stays for support.
_STATUS_PATH = re.compile(r"(?i)(/complaints/status/[^/\s'\"?&<>]+/)[^/\s'\"?&<>]+")


def _mask_digits(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_sensitive(text: str) -> str:
    """The text with secrets and personal numbers masked (idempotent)."""
    if not text:
        return text
    text = _PARTNER_KEY.sub("jmo_" + MASK, text)
    text = _TOKEN_PATH.sub(lambda m: m.group(1) + MASK, text)
    text = _STATUS_PATH.sub(lambda m: m.group(1) + MASK, text)
    text = _CREDENTIAL.sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = _PAIR.sub(lambda m: f"{m['name']}{m['sep']}{m['quote']}{MASK}", text)
    return _DIGITS.sub(_mask_digits, text)


# Attributes every LogRecord has; anything else came in through `extra=`.
_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {
    "message",
    "asctime",
}


class SensitiveDataFilter(logging.Filter):
    """Masks the record in place; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the line
            message = f"{record.msg!s} {record.args!r}"
        record.msg, record.args = mask_sensitive(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_sensitive(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_sensitive(record.stack_info)
        for name, value in list(vars(record).items()):
            if name in _STANDARD:
                continue
            if isinstance(value, str):
                setattr(record, name, mask_sensitive(value))
            elif isinstance(value, list | tuple | dict):
                # e.g. SQL `params` from django.db.backends at DEBUG
                setattr(record, name, mask_sensitive(repr(value)))
        return True


class PortalExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (500 e-mails) show which POST fields came, never their values."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}


class PortalExceptionReporter(ExceptionReporter):
    """The whole report text goes through the same masks as log lines (query strings,
    exception messages and frame variables included)."""

    def get_traceback_text(self):
        return mask_sensitive(super().get_traceback_text())

    def get_traceback_html(self):
        return mask_sensitive(super().get_traceback_html())

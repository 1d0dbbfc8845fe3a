"""An HTTP SMS gateway: one JSON POST per message.

Request: POST SMS_GATEWAY_URL, `{"to": "+62…", "text": "…", "reference": "jmo-sms-<id>",
"sender": SMS_SENDER_ID}`, with `Authorization: Bearer SMS_GATEWAY_TOKEN` or, without a token,
HTTP Basic SMS_GATEWAY_USER / SMS_GATEWAY_PASSWORD. Answer: 2xx with `{"id": "…"}` (the
gateway's id; `message_id` is read too). A timeout, a refused connection, 5xx or 429 is
temporary (retried with backoff); any other 4xx is permanent.
"""

import base64
import json
import urllib.error
import urllib.request

from django.conf import settings

from .base import BaseSmsBackend, SmsPermanentError, SmsTemporaryError


class SmsBackend(BaseSmsBackend):
    def __init__(self, *, url=None, user=None, password=None, token=None, timeout=None, **kwargs):
        super().__init__(**kwargs)
        self.url = url or settings.SMS_GATEWAY_URL
        self.user = settings.SMS_GATEWAY_USER if user is None else user
        self.password = settings.SMS_GATEWAY_PASSWORD if password is None else password
        self.token = settings.SMS_GATEWAY_TOKEN if token is None else token
        self.timeout = settings.SMS_GATEWAY_TIMEOUT if timeout is None else timeout
        if not self.url:
            raise SmsPermanentError("SMS_GATEWAY_URL is not set")

    def _headers(self) -> dict:
        headers = {"Content-Type": "application/json", "User-Agent": "JMO-Portal-SMS/1"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.user:
            pair = f"{self.user}:{self.password}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        return headers

    def send(self, *, to: str, text: str, reference: str) -> str:
        body = json.dumps(
            {"to": to, "text": text, "reference": reference, "sender": settings.SMS_SENDER_ID}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the operator's gateway URL
            self.url, data=body, headers=self._headers(), method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                raw = answer.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 or exc.code == 429:
                raise SmsTemporaryError(f"gateway answered {exc.code}") from exc
            raise SmsPermanentError(f"gateway answered {exc.code}") from exc
        except TimeoutError as exc:
            raise SmsTemporaryError("gateway timed out") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SmsTemporaryError(f"gateway unreachable ({exc.__class__.__name__})") from exc
        try:
            answer_json = json.loads(raw or b"{}")
        except ValueError:
            answer_json = {}
        gateway_id = ""
        if isinstance(answer_json, dict):
            gateway_id = str(answer_json.get("id") or answer_json.get("message_id") or "")
        return gateway_id[:100] or reference

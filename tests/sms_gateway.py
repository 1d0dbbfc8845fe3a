"""A local SMS gateway for tests and journeys: an HTTP server in a thread that keeps what it gets.

    with FakeSmsGateway() as gateway:             # answers 200 {"id": "gw-1"} …
        settings.SMS_GATEWAY_URL = gateway.url
        ...
        gateway.messages[-1]["text"]              # the words the portal sent
        gateway.last_code("+6281234567890")       # the last 6-digit code sent to a number

`codes` scripts the answers (e.g. [503, 200]: the first call fails, the rest succeed);
`delay` makes every answer that many seconds late (a gateway timeout).
"""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler

from tests.local_server import LocalServer


class FakeSmsGateway(LocalServer):
    def __init__(self, *, codes=(200,), delay: float = 0.0, token: str = ""):
        self.codes = list(codes)
        self.delay = delay
        self.token = token
        self.calls: list[dict] = []
        self.messages: list[dict] = []
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with gateway._lock:
                    code = gateway.codes.pop(0) if len(gateway.codes) > 1 else gateway.codes[0]
                    payload = json.loads(body or b"{}")
                    gateway.calls.append(
                        {"headers": dict(self.headers), "payload": payload, "code": code}
                    )
                    if code == 200:
                        gateway.messages.append(payload)
                    number = len(gateway.calls)
                if gateway.delay:
                    time.sleep(gateway.delay)
                if gateway.token and self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    code = 401
                answer = json.dumps({"id": f"gw-{number}"}).encode() if code == 200 else b"{}"
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the portal gave up waiting (the timeout test)

            def log_message(self, *args):
                pass

        super().__init__(Handler, "/sms/send")

    def texts_to(self, to: str) -> list[str]:
        with self._lock:
            return [m["text"] for m in self.messages if m["to"] == to]

    def last_code(self, to: str, *, wait: float = 5.0) -> str:
        """The last 6-digit code sent to `to`, waiting up to `wait` s for it to arrive."""
        deadline = time.monotonic() + wait
        while True:
            for text in reversed(self.texts_to(to)):
                found = re.search(r"\b(\d{6})\b", text)
                if found:
                    return found.group(1)
            if time.monotonic() > deadline:
                raise AssertionError(f"no code was sent to {to}")
            time.sleep(0.05)

import sys
import threading

from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Prints each SMS on standard output (`make run`): demo codes appear in the terminal."""

    def __init__(self, *, stream=None, **kwargs):
        super().__init__(**kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send(self, *, to: str, text: str, reference: str) -> str:
        with self._lock:
            self.stream.write(f"SMS to {to} [{reference}]\n{text}\n{'-' * 40}\n")
            self.stream.flush()
        return f"console-{reference}"

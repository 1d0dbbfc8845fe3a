from abc import ABC, abstractmethod


class SmsError(Exception):
    """A gateway refused or could not take a message."""


class SmsTemporaryError(SmsError):
    """Worth trying again later: timeout, refused connection, 5xx, 429."""


class SmsPermanentError(SmsError):
    """Trying again will not help: the gateway rejected the message (4xx)."""


class BaseSmsBackend(ABC):
    """What every sender implements, as Django's e-mail backends do; settings come as kwargs."""

    def __init__(self, **kwargs):  # noqa: B027 - a sender may ignore options, like Django's mail
        pass

    @abstractmethod
    def send(self, *, to: str, text: str, reference: str) -> str:
        """Send one SMS to `to` (+62…); returns the gateway's id for it.

        `reference` is the portal's own id of the message: a gateway that deduplicates on it
        turns a retried send (after a lost answer) into one SMS.
        """

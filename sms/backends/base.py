class SmsError(Exception):
    """A gateway refused or could not take a message."""


class SmsTemporaryError(SmsError):
    """Worth trying again later: timeout, refused connection, 5xx, 429."""


class SmsPermanentError(SmsError):
    """Trying again will not help: the gateway rejected the message (4xx)."""


class BaseSmsBackend:
    def __init__(self, **kwargs):
        pass

    def send(self, *, to: str, text: str, reference: str) -> str:
        """Send one SMS to `to` (+62…); returns the gateway's id for it.

        `reference` is the portal's own id of the message: a gateway that deduplicates on it
        turns a retried send (after a lost answer) into one SMS.
        """
        raise NotImplementedError

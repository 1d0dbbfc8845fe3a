"""The branch door's QR code: a signed token naming the branch and the day.

The code is good on its day only: a photo taken at the door yesterday does not report anyone
today. It is shown live on the waiting-room display (by the door) and printed from the admin
each morning. No geo-fence: a cheap phone's location is often off by hundreds of metres indoors,
and the browser's location prompt is one more question at the door; the day-bound code, the
visit having to be the participant's own and today's, and the release of numbers that do not
answer a call keep a check-in from elsewhere harmless.
"""

import datetime

from django.core import signing

SALT = "appointments.queue-door"


def door_token(*, branch_id: int, day: datetime.date) -> str:
    return signing.dumps([branch_id, day.isoformat()], salt=SALT)


def door_token_branch_id(token: str, *, today: datetime.date) -> int | None:
    """The branch of a genuine token made for `today`, else None."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or value[1] != today.isoformat()
    ):
        return None
    return value[0]

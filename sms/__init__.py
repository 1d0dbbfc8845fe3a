"""SMS as a channel of its own: a pluggable sender, a delivery log, sending through the outbox.

`outbox` is filled by the locmem backend (tests), as `django.core.mail.outbox` is.
"""

outbox: list = []

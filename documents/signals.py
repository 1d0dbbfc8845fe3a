"""Signals other apps listen to, so documents never imports its users (claims, data updates)."""

from django.dispatch import Signal

# Sent inside the transaction that gives a document its final status (checked or decided
# by staff). Arguments: document.
document_checked = Signal()

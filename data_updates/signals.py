"""A checked document moves the pengkinian requests waiting on it."""

from django.dispatch import receiver

from documents.signals import document_checked

from .services import data_update_documents_checked


@receiver(document_checked, dispatch_uid="data_updates.documents_checked")
def move_data_updates_on_document(sender, document, **kwargs):
    """A checked document moves the data update requests waiting on it."""
    data_update_documents_checked(document=document)

"""The documents app's verdict moves claims on; documents never imports claims."""

from django.dispatch import receiver

from documents.signals import document_checked


@receiver(document_checked, dispatch_uid="claims.verify_on_document_checked")
def verify_claims_on_document(sender, document, **kwargs):
    """Sent inside the transaction that finished the document: the claim's verification is
    queued on commit, so it reads the committed status."""
    from .services import claim_verify_on_document_checked

    claim_verify_on_document_checked(document=document)

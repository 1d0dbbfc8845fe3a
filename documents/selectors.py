from django.http import Http404

from participants.models import User

from .models import Document


def document_get_for_viewer(*, user: User, document_id: int) -> Document:
    """The document if this login may see it (owner, owner's branch staff, superuser), else 404.

    Missing and not-yours get the same answer, so ids reveal nothing.
    """
    document = (
        Document.objects.select_related("owner", "owner__branch").filter(pk=document_id).first()
    )
    if document is None or not user.is_authenticated:
        raise Http404
    owner = document.owner
    if owner.user_id is not None and owner.user_id == user.pk:
        return document
    if user.is_superuser or (user.is_staff and user.branch_id == owner.branch_id):
        return document
    raise Http404


def documents_for_participant(*, participant) -> list[Document]:
    return list(
        Document.objects.filter(owner=participant)
        .prefetch_related("checks")
        .order_by("-created_at")
    )

from django.http import Http404

from core.scoping import staff_can_see_branch
from participants.models import User

from .models import Document


def document_get_for_viewer(*, user: User, document_id: int) -> Document:
    """The document if this login may see it, else 404.

    Who may: the owner, staff of the owner's branch (for a file without an owner: of the
    branch it names), superusers. Missing and not-yours get the same answer, so ids reveal
    nothing. A visitor's own file without an owner is reached through the app that took it.
    """
    document = Document.objects.select_related("owner").filter(pk=document_id).first()
    if document is None or not user.is_authenticated:
        raise Http404
    owner = document.owner
    if owner is not None and owner.user_id is not None and owner.user_id == user.pk:
        return document
    if staff_can_see_branch(user, document.staff_branch_id):
        return document
    raise Http404

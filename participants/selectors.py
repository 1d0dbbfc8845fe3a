from django.db.models import QuerySet

from .models import Participant, User


def participant_get_by_nik(*, nik: str) -> Participant | None:
    return Participant.objects.filter(nik=nik).prefetch_related("kpj_cards").first()


def participant_get_for_user(*, user: User) -> Participant | None:
    """The participant behind a login, or None for staff-only accounts."""
    if not user.is_authenticated:
        return None
    return Participant.objects.select_related("branch").filter(user=user).first()


def participants_visible_to_staff(*, user: User) -> QuerySet[Participant]:
    """Deny by default: superusers see all, staff their branch, anyone else nothing."""
    participants = Participant.objects.select_related("branch")
    if user.is_superuser:
        return participants
    if user.is_staff and user.branch_id:
        return participants.filter(branch_id=user.branch_id)
    return participants.none()

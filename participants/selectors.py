from django.db.models import QuerySet
from django.http import Http404

from .models import Employer, KpjCard, Participant, User


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


def kpj_cards_for_employer(*, employer: Employer, status: str | None = None) -> QuerySet[KpjCard]:
    """The employer's own members' cards, in KPJ order (stable pages)."""
    cards = KpjCard.objects.filter(employer=employer).select_related("participant")
    if status:
        cards = cards.filter(status=status)
    return cards.order_by("number")


def kpj_card_get_for_employer(*, employer: Employer, number: str) -> KpjCard:
    """One of the employer's own cards; a missing and another employer's card are both 404."""
    card = kpj_cards_for_employer(employer=employer).filter(number=number).first()
    if card is None:
        raise Http404
    return card

"""Where the claim rules get facts owned by other apps: the merge seams, one function each.

Each function names what replaces it when issue 3 (participants rules, contributions, JHT
ledger) and issue 4 (documents, verified bank account) are merged. Callers use only these.
"""

import datetime

from participants.models import KpjCard, Participant

from .choices import Kind, Program, Status
from .rules import ClaimFacts, add_years

# JP pension age (PP 45/2015 Art. 15, DOMAIN.md §4): 56 at the start, 57 from 1 January 2019,
# then one year more every 3 years, up to 65 (reached in 2043).
JP_PENSION_AGE_START = 56
JP_PENSION_AGE_STEP_FROM = 2019
JP_PENSION_AGE_STEP_YEARS = 3
JP_PENSION_AGE_MAX = 65


def pension_age_for(on_date: datetime.date) -> int:
    """The JP pension age in force on `on_date`, from the DOMAIN.md §4 formula.

    To be replaced by the participants rules table (issue 3's JP pension-age dated table)
    on merge: keep this signature and make it a lookup in that table.
    """
    if on_date.year < JP_PENSION_AGE_STEP_FROM:
        return JP_PENSION_AGE_START
    steps = (on_date.year - JP_PENSION_AGE_STEP_FROM) // JP_PENSION_AGE_STEP_YEARS
    return min(JP_PENSION_AGE_START + 1 + steps, JP_PENSION_AGE_MAX)


def participant_pension_age(birth_date: datetime.date) -> int:
    """The age at which this person reaches pension age: the first age at or above the
    pension age in force in the year they reach it (born 1966 -> 58, in 2024)."""
    for age in range(JP_PENSION_AGE_START, JP_PENSION_AGE_MAX + 1):
        if age >= pension_age_for(add_years(birth_date, age)):
            return age
    return JP_PENSION_AGE_MAX


def jht_balance_for(participant: Participant) -> int:
    """The participant's JHT balance in rupiah.

    Returns 0 until merge: issue 3's balance selector (the running-total row, no history
    scan) replaces this body.
    """
    return 0


def jp_contribution_months_for(participant: Participant) -> int:
    """JP contribution months; 0 until issue 3's contribution postings are merged."""
    return 0


def claim_facts_for(*, participant: Participant, on_date: datetime.date) -> ClaimFacts:
    """Gather the rule inputs for one participant (two queries)."""
    from .models import Claim

    cards = list(KpjCard.objects.filter(participant=participant).only("joined_on", "status"))
    partial_taken = Claim.objects.filter(
        participant=participant,
        program=Program.JHT,
        kind=Kind.PARTIAL,
        status__in=[Status.APPROVED, Status.PAID],
    ).exists()
    return ClaimFacts(
        on_date=on_date,
        category=participant.category,
        birth_date=participant.birth_date,
        pension_age=participant_pension_age(participant.birth_date),
        membership_start=min((card.joined_on for card in cards), default=None),
        membership_active=any(card.status == KpjCard.Status.ACTIVE for card in cards),
        contribution_months=jp_contribution_months_for(participant),
        jht_balance=jht_balance_for(participant),
        partial_jht_taken=partial_taken,
    )

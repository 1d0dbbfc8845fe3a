"""What the Lacak Klaim page says about a claim: steps, the next action, the expected date.

Pure: the claim's fields and the processing days in, words out (no queries, no clock).
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .choices import TRANSITIONS, Status
from .rules import add_working_days

STEPS = (Status.SUBMITTED, Status.VERIFYING, Status.IN_REVIEW, Status.APPROVED, Status.PAID)
_STEP_OF = {Status.NEEDS_DOCUMENTS: Status.IN_REVIEW}

NEXT_ACTIONS = {
    Status.SUBMITTED: _("Nothing for you to do now: your claim is queued for checking."),
    Status.VERIFYING: _("Nothing for you to do now: your documents are being checked."),
    Status.IN_REVIEW: _("Nothing for you to do now: branch staff are reviewing your claim."),
    Status.NEEDS_DOCUMENTS: _(
        "Action needed: send again the documents named below (the reason is next to each), "
        "on this page or at a branch office. Your claim continues when they are checked."
    ),
    Status.APPROVED: _("Nothing for you to do now: the payment is on its way to your account."),
    Status.REJECTED: _(
        "Your claim was rejected for the reason below. If you disagree, call 175 or visit "
        "your branch office."
    ),
    Status.PAID: _("Done: the money was transferred to your account."),
    Status.CANCELLED: _("You cancelled this claim. You can file a new one at any time."),
}


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    state: str  # "done", "current" or "todo"


@dataclass(frozen=True)
class Tracking:
    steps: tuple[Step, ...]
    next_action: str
    expected_by: datetime.date | None
    can_cancel: bool


def claim_tracking(
    *, status: str, complete_on: datetime.date | None, processing_working_days: int | None
) -> Tracking:
    current = _STEP_OF.get(status, status)
    position = STEPS.index(current) if current in STEPS else None
    steps = []
    for index, step in enumerate(STEPS):
        if position is None:
            state = "todo"
        elif index < position or (index == position and status == Status.PAID):
            state = "done"
        else:
            state = "current" if index == position else "todo"
        steps.append(Step(status=step, label=str(Status(step).label), state=state))
    expected_by = None
    if complete_on and processing_working_days and status in (Status.IN_REVIEW, Status.APPROVED):
        expected_by = add_working_days(complete_on, processing_working_days)
    return Tracking(
        steps=tuple(steps),
        next_action=str(NEXT_ACTIONS[status]),
        expected_by=expected_by,
        can_cancel=Status.CANCELLED in TRANSITIONS.get(status, ()),
    )

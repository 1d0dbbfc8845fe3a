"""What the Lacak Klaim page says about a claim: steps, the next action, the expected date.

Pure: the claim's fields and the processing days in, words out (no queries, no clock).
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .choices import STATUS_TAGS, TRANSITIONS, Status
from .rules import add_working_days

# The road of a claim that goes well. The tracker is derived from the status alone, so it can
# never say something other than the status line: a claim that asks for documents shows
# "Documents needed" in the documents step, a rejected or cancelled one ends its road there.
STEPS = (Status.SUBMITTED, Status.VERIFYING, Status.IN_REVIEW, Status.APPROVED, Status.PAID)
_STEP_OF = {
    Status.SECOND_APPROVAL: Status.IN_REVIEW,
    Status.NEEDS_DOCUMENTS: Status.VERIFYING,
    Status.REJECTED: Status.APPROVED,
    Status.CANCELLED: Status.VERIFYING,
}
# Statuses that end the road at their step: nothing comes after them.
_ENDS_AT = {Status.REJECTED, Status.CANCELLED}

NEXT_ACTIONS = {
    Status.SUBMITTED: _("Nothing for you to do now: your claim is queued for checking."),
    Status.VERIFYING: _("Nothing for you to do now: your documents are being checked."),
    Status.IN_REVIEW: _("Nothing for you to do now: branch staff are reviewing your claim."),
    Status.SECOND_APPROVAL: _(
        "Nothing for you to do now: one officer approved your claim and a second officer "
        "checks it, as for every larger payment."
    ),
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
    tag: str  # the status tag's colour


def claim_tracking(
    *, status: str, complete_on: datetime.date | None, processing_working_days: int | None
) -> Tracking:
    position = STEPS.index(_STEP_OF.get(status, status))
    steps = []
    for index, step in enumerate(STEPS):
        if index > position and status in _ENDS_AT:
            break
        if index == position:
            # The current step is named by the status itself (the one source of both).
            label, state = Status(status).label, "done" if status == Status.PAID else "current"
        else:
            label, state = Status(step).label, "done" if index < position else "todo"
        steps.append(Step(status=step if index != position else status, label=str(label),
                          state=state))  # fmt: skip
    expected_by = None
    if (
        complete_on
        and processing_working_days
        and status in (Status.IN_REVIEW, Status.SECOND_APPROVAL, Status.APPROVED)
    ):
        expected_by = add_working_days(complete_on, processing_working_days)
    return Tracking(
        steps=tuple(steps),
        next_action=str(NEXT_ACTIONS[status]),
        expected_by=expected_by,
        can_cancel=Status.CANCELLED in TRANSITIONS.get(status, ()),
        tag=STATUS_TAGS[status],
    )

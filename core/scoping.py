"""Who on staff may see which branch: the one home of "staff see their branch, superusers
see all"; every admin, selector, service and view that scopes by branch asks here.

Staff means an active login with staff status. A superuser flag alone (an account whose staff
status or activity was taken away) sees nothing, as a participant sees nothing; so does staff
without a branch. Deny by default.
"""

from django.db.models import QuerySet
from django.utils import timezone

from .models import Branch, CounterVisit


def _is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def _own_branch_id(user) -> int | None:
    """The branch a staff member works, None for anyone else."""
    return user.branch_id if _is_staff(user) else None


def staff_sees_all_branches(user) -> bool:
    """Superusers on staff see and work every branch."""
    return _is_staff(user) and user.is_superuser


def staff_can_see_branch(user, branch_id: int | None) -> bool:
    """May `user` (None: nobody) see and work the records of branch `branch_id`?"""
    if staff_sees_all_branches(user):
        return True
    own = _own_branch_id(user)
    return own is not None and own == branch_id


def staff_can_serve(user, *, branch_id: int | None, participant_id: int) -> bool:
    """May `user` act for this participant: staff of their home branch, or of the branch that
    serves them today as a walk-in ("serve at this branch", a CounterVisit)."""
    if staff_can_see_branch(user, branch_id):
        return True
    own = _own_branch_id(user)
    return (
        own is not None
        and CounterVisit.objects.filter(
            participant_id=participant_id, branch_id=own, on_date=timezone.localdate()
        ).exists()
    )


def staff_branch_scope(queryset: QuerySet, *, user, branch_path: str = "branch") -> QuerySet:
    """`queryset` cut to what `user` may see; `branch_path` leads from its model to a Branch."""
    if staff_sees_all_branches(user):
        return queryset
    own = _own_branch_id(user)
    if own is None:
        return queryset.none()
    return queryset.filter(**{f"{branch_path}_id": own})


def staff_branches(*, user) -> QuerySet[Branch]:
    """The branches `user` may pick from: every one for a superuser, else their own or none."""
    if staff_sees_all_branches(user):
        return Branch.objects.all()
    own = _own_branch_id(user)
    return Branch.objects.filter(pk=own) if own is not None else Branch.objects.none()

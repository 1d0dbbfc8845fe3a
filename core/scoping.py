"""Who on staff may see which branch: the one home of "staff see their branch, superusers
see all"; every admin, selector and view that scopes by branch asks here."""

from django.db.models import QuerySet


def staff_sees_all_branches(user) -> bool:
    return bool(user.is_superuser)


def staff_can_see_branch(user, branch_id: int | None) -> bool:
    """A superuser sees every branch; active staff see their own; nobody else sees any."""
    if not user.is_authenticated or not user.is_staff:
        return False
    if user.is_superuser:
        return True
    return bool(user.branch_id) and user.branch_id == branch_id


def staff_branch_scope(queryset: QuerySet, *, user, branch_path: str = "branch") -> QuerySet:
    """`queryset` cut to what `user` may see; `branch_path` leads from its model to a Branch."""
    if user.is_superuser:
        return queryset
    if user.is_staff and user.branch_id:
        return queryset.filter(**{f"{branch_path}_id": user.branch_id})
    return queryset.none()

"""Who sees which branches on the dashboard: the one place that decides it (deny by default)."""

from dataclasses import dataclass

from core.scoping import staff_sees_all_branches

MANAGEMENT_GROUP = "Management"
VIEW_PERMISSION = "insights.view_dailysummary"


@dataclass(frozen=True)
class Scope:
    all_branches: bool
    branch_id: int | None = None

    def allows(self, branch_id: int | None) -> bool:
        """May this user see `branch_id` (None = all branches together)?"""
        return self.all_branches or (branch_id is not None and branch_id == self.branch_id)


def dashboard_scope(user) -> Scope | None:
    """Superusers and the Management group: every branch. Staff with the view permission and a
    branch: their branch. Everyone else (participants, visitors, staff without a branch): none.
    """
    # Asked several times per request (admin index, permissions, the view): one query, once.
    if not hasattr(user, "_insights_scope"):
        user._insights_scope = _scope(user)
    return user._insights_scope


def _scope(user) -> Scope | None:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    if staff_sees_all_branches(user) or user.groups.filter(name=MANAGEMENT_GROUP).exists():
        return Scope(all_branches=True)
    if user.branch_id and user.has_perm(VIEW_PERMISSION):
        return Scope(all_branches=False, branch_id=user.branch_id)
    return None

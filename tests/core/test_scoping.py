"""core/scoping.py: superusers see every branch, staff their own, everyone else none."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core.models import Branch
from core.scoping import (
    staff_branch_scope,
    staff_branches,
    staff_can_see_branch,
    staff_sees_all_branches,
)
from participants.models import KpjCard, Participant
from tests.factories import (
    BranchFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Who sees branch X's and branch Y's records: (sees X, sees Y).
EXPECTED = {
    "superuser": (True, True),
    "staff_x": (True, False),
    "staff_y": (False, True),
    "staff_without_branch": (False, False),
    "participant": (False, False),
    "anonymous": (False, False),
    "nobody": (False, False),
    # Logins that can no longer sign in, or never into the admin, see nothing either.
    "inactive_staff_x": (False, False),
    "inactive_superuser": (False, False),
    "superuser_not_staff": (False, False),
}


@pytest.fixture
def world():
    x, y = BranchFactory(code="scope-x"), BranchFactory(code="scope-y")

    def staff(**fields):
        return StaffFactory(password=None, totp=False, **fields)

    people = {
        "superuser": staff(branch=None, is_superuser=True),
        "staff_x": staff(branch=x),
        "staff_y": staff(branch=y),
        "staff_without_branch": staff(branch=None),
        "participant": ParticipantFactory(user=UserFactory(password=None), branch=x).user,
        "anonymous": AnonymousUser(),
        "nobody": None,
        "inactive_staff_x": staff(branch=x, is_active=False),
        "inactive_superuser": staff(is_superuser=True, is_active=False),
        "superuser_not_staff": UserFactory(password=None, branch=x, is_superuser=True),
    }
    return {"x": x, "y": y, "people": people}


def for_everyone(world, answer):
    """{persona: answer(user)}, compared whole so a failure names every persona that differs."""
    return {who: answer(user) for who, user in world["people"].items()}


def test_staff_can_see_branch(world):
    x, y = world["x"].pk, world["y"].pk
    seen = for_everyone(world, lambda user: (staff_can_see_branch(user, x),
                                             staff_can_see_branch(user, y)))  # fmt: skip
    assert seen == EXPECTED


def test_a_record_without_a_branch_is_seen_by_superusers_only(world):
    """Staff without a branch do not 'match' a record without one."""
    seen = for_everyone(world, lambda user: staff_can_see_branch(user, None))
    assert seen == {who: who == "superuser" for who in EXPECTED}


def test_only_an_active_superuser_on_staff_sees_all_branches(world):
    seen = for_everyone(world, staff_sees_all_branches)
    assert seen == {who: who == "superuser" for who in EXPECTED}


def test_the_scoped_queryset_holds_exactly_the_branches_the_user_may_see(world):
    in_x = ParticipantFactory(branch=world["x"])
    in_y = ParticipantFactory(branch=world["y"])
    both = Participant.objects.filter(pk__in=[in_x.pk, in_y.pk])

    seen = for_everyone(
        world,
        lambda user: (
            in_x in staff_branch_scope(both, user=user),
            in_y in staff_branch_scope(both, user=user),
        ),
    )

    assert seen == EXPECTED


def test_the_scope_follows_a_branch_path(world):
    card_x = KpjCardFactory(participant=ParticipantFactory(branch=world["x"]))
    card_y = KpjCardFactory(participant=ParticipantFactory(branch=world["y"]))
    both = KpjCard.objects.filter(pk__in=[card_x.pk, card_y.pk])

    def scoped(user):
        return set(staff_branch_scope(both, user=user, branch_path="participant__branch"))

    seen = for_everyone(world, lambda user: (card_x in scoped(user), card_y in scoped(user)))

    assert seen == EXPECTED


def test_staff_branches_are_the_branches_the_user_may_see(world):
    seen = for_everyone(world, lambda user: set(staff_branches(user=user)))

    assert seen["superuser"] == set(Branch.objects.all())
    for who, (see_x, see_y) in EXPECTED.items():
        if who != "superuser":
            branches = {b for b, ok in ((world["x"], see_x), (world["y"], see_y)) if ok}
            assert seen[who] == branches, who

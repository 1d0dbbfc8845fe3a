import pytest
from allauth.account.models import EmailAddress

from tests.factories import BranchFactory, ParticipantFactory, UserFactory


@pytest.fixture
def branch():
    return BranchFactory(code="soreang", name="KCP Soreang")


@pytest.fixture
def participant(branch):
    user = UserFactory(email="budi@example.test")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return ParticipantFactory(user=user, branch=branch, full_name="Budi Santoso")

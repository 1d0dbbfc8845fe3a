import pytest

from tests.factories import BranchFactory, EmailAddressFactory, ParticipantFactory, UserFactory


@pytest.fixture
def branch():
    return BranchFactory(code="soreang", name="KCP Soreang")


@pytest.fixture
def participant(branch):
    user = UserFactory(email="budi@example.test")
    EmailAddressFactory(user=user)
    return ParticipantFactory(user=user, branch=branch, full_name="Budi Santoso")

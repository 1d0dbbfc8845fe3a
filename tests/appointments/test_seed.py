import pytest
from django.core.management import call_command

from appointments.models import BranchService, Holiday, OpeningHours, ServiceType

pytestmark = pytest.mark.django_db


def test_service_types_are_seeded_by_the_data_migration():
    assert set(ServiceType.objects.values_list("code", flat=True)) >= {
        "jht_verification", "data_correction", "consultation", "complaint_follow_up",
        "video_verification",
    }  # fmt: skip
    assert ServiceType.objects.get(code="video_verification").by_video_call


def test_seed_demo_gives_the_demo_branches_calendars_idempotently(capsys):
    call_command("seed_demo")
    counts = (BranchService.objects.count(), OpeningHours.objects.count(), Holiday.objects.count())
    call_command("seed_demo")
    assert counts == (
        BranchService.objects.count(),
        OpeningHours.objects.count(),
        Holiday.objects.count(),
    )
    offering = set(
        BranchService.objects.filter(service_type__code="jht_verification").values_list(
            "branch__code", flat=True
        )
    )
    assert offering == {"soreang", "majalaya", "baleendah"}
    assert Holiday.objects.filter(branch=None).exists()

"""Demo calendars for `seed_demo`: services, counters, opening hours and holidays (idempotent)."""

import datetime

from .models import BranchService, Holiday, OpeningHours, ServiceType

T = datetime.time
# Monday-Thursday with a lunch break, Friday with the Friday-prayer break; closed at weekends.
HOURS = {
    **{day: [(T(8), T(12)), (T(13), T(15))] for day in range(4)},
    4: [(T(8), T(11, 30)), (T(13, 30), T(15))],
}
# branch code -> counters per service code (services not listed are not offered there)
COUNTERS = {
    "soreang": {"jht_verification": 3, "data_correction": 2, "consultation": 2,
                "complaint_follow_up": 1, "video_verification": 2},
    "majalaya": {"jht_verification": 2, "data_correction": 1, "consultation": 1,
                 "complaint_follow_up": 1},
    "baleendah": {"jht_verification": 1, "data_correction": 1, "consultation": 1,
                  "video_verification": 1},
}  # fmt: skip
NATIONAL_HOLIDAYS = [
    ("2026-12-24", "Cuti bersama Natal"),
    ("2026-12-25", "Hari Raya Natal"),
    ("2027-01-01", "Tahun Baru 2027 Masehi"),
]
BRANCH_CLOSURES = [("majalaya", "2026-12-30", "Pemeliharaan gedung kantor")]


def seed_branch_calendars(branches: dict) -> None:
    services = {s.code: s for s in ServiceType.objects.all()}
    for code, counters in COUNTERS.items():
        branch = branches[code]
        for service_code, count in counters.items():
            BranchService.objects.update_or_create(
                branch=branch, service_type=services[service_code], defaults={"counters": count}
            )
        for weekday, periods in HOURS.items():
            for opens, closes in periods:
                OpeningHours.objects.update_or_create(
                    branch=branch, weekday=weekday, opens_at=opens, defaults={"closes_at": closes}
                )
    for day, name in NATIONAL_HOLIDAYS:
        Holiday.objects.update_or_create(
            branch=None, date=datetime.date.fromisoformat(day), defaults={"name": name}
        )
    for code, day, name in BRANCH_CLOSURES:
        Holiday.objects.update_or_create(
            branch=branches[code], date=datetime.date.fromisoformat(day), defaults={"name": name}
        )

"""The staff dashboard: scoping by branch, the period picker, CSV exports, constant queries."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insights import metrics
from insights.models import DailySummary
from tests.factories import (
    BranchFactory,
    DailySummaryFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/admin/insights/dailysummary/"
START, END = datetime.date(2026, 11, 1), datetime.date(2026, 11, 3)
EXCLUDED = {"id", "branch", "day", "is_total", "computed_at"}
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}
DASHBOARD = ["insights.view_dailysummary"]


def _summary(branch, day, *, is_total=False, **fields):
    values = {
        "registered": 10,
        "active_1d": 2,
        "active_30d": 5,
        "new_registrations": 1,
        "by_category": {"PPU": {"registered": 10, "new": 1, "active_1d": 2, "active_30d": 5}},
        "claims": {"JHT|online": {"submitted": 2, "approved": 1, "rejected": 1, "pending": 3}},
        "decision_hours": {"JHT|online": {"24": 1, "48": 1}},
        "payment_hours": {"JHT|online": {"72": 1}},
        "complaint_ratings": [0, 0, 1, 0, 1],
        "quiz": {"register": {"attempts": 1, "score": 3, "total": 4, "completions": 1}},
        "self_help": {"cannot_log_in": {"offered": 2, "solved": 1}},
        "appointments_served": 3,
        "appointments_no_show": 1,
        "waiting_days": {"2": 3, "5": 1},
        "tickets_responded": 2,
        "tickets_responded_on_time": 1,
        "tickets_resolved": 1,
        "tickets_resolved_on_time": 1,
        "data_updates_applied": 3,
        "data_updates_rejected": 1,
        "rejection_reasons": {"Nama rekening beda": 1},
        **fields,
    }
    return DailySummaryFactory(branch=branch, day=day, is_total=is_total, **values)


def _total(day):
    """The day's all-branches row, as the aggregation writes it: the sum of the others."""
    fields = [f.name for f in DailySummary._meta.concrete_fields if f.name not in EXCLUDED]
    total = {}
    for row in DailySummary.objects.filter(day=day, is_total=False).values(*fields):
        metrics.add_fields(total, row)
    return DailySummaryFactory(branch=None, day=day, is_total=True, **total)


@pytest.fixture
def branches():
    x = BranchFactory(code="x", name="KCP Xenia")
    y = BranchFactory(code="y", name="KCP Yogya")
    for day in (START, START + datetime.timedelta(days=1), END):
        _summary(x, day)
        _summary(y, day, registered=100, active_30d=50, rejection_reasons={"Yogya saja": 7})
        _total(day)
    return x, y


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_branch_staff_see_their_branch_only(client, branches):
    x, y = branches
    client.force_login(StaffFactory(branch=x, perms=DASHBOARD))
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    body = response.content.decode()
    assert "KCP Xenia" in body
    assert "Yogya saja" not in body
    # Asking for the other branch is refused, on the page and in the export.
    assert client.get(URL, {**PERIOD, "branch": y.pk}).status_code == 403
    export = reverse("admin:insights_dailysummary_export", args=["data_update_reasons"])
    assert client.get(export, {**PERIOD, "branch": y.pk}).status_code == 403
    assert client.get(export, {**PERIOD, "branch": ""}).status_code == 403


def test_participants_anonymous_and_staff_without_permission_or_branch_are_refused(
    client, branches
):
    x, _ = branches
    response = client.get(URL, PERIOD)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    participant = ParticipantFactory(user=UserFactory(), branch=x)
    client.force_login(participant.user)
    response = client.get(URL, PERIOD)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    client.force_login(StaffFactory(branch=x))
    assert client.get(URL, PERIOD).status_code == 403
    # Staff of no branch, not management:
    client.force_login(StaffFactory(branch=None, perms=DASHBOARD))
    assert client.get(URL, PERIOD).status_code == 403
    export = reverse("admin:insights_dailysummary_export", args=["satisfaction"])
    assert client.get(export, PERIOD).status_code == 403


def test_management_sees_all_branches_and_filters(client, branches):
    x, y = branches
    manager = StaffFactory(branch=None)
    manager.groups.add(Group.objects.get_or_create(name="Management")[0])
    client.force_login(manager)
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    headlines = dict(response.context["sections"][0].headlines)
    assert headlines["Terdaftar (akhir periode)"] == 110  # both branches at the period's end
    only_y = client.get(URL, {**PERIOD, "branch": y.pk})
    assert dict(only_y.context["sections"][0].headlines)["Terdaftar (akhir periode)"] == 100


def test_dashboard_is_linked_from_the_admin_index_for_allowed_staff_only(client, branches):
    x, _ = branches
    client.force_login(StaffFactory(branch=x, perms=DASHBOARD))
    assert URL in client.get("/admin/").content.decode()
    client.force_login(StaffFactory(branch=x, is_superuser=False))
    assert URL not in client.get("/admin/").content.decode()


def test_every_chart_is_an_svg_with_a_table_and_a_definition(client, branches):
    x, _ = branches
    client.force_login(StaffFactory(branch=x, perms=DASHBOARD))
    response = client.get(URL, PERIOD)
    body = response.content.decode()
    tables = [table for section in response.context["sections"] for table in section.tables]
    assert len(tables) == 13
    for table in tables:
        assert f'id="chart-{table.key}"' in body
        assert f'id="table-{table.key}"' in body
        assert f"/export/{table.key}.csv" in body
    # six indicators, and the day at the counters (tests/appointments/test_queue.py)
    assert body.count('<p class="definition">') == 7
    assert "<script" not in body.split('<div id="insights">')[1]


def test_period_figures_from_the_summaries(client, branches):
    x, _ = branches
    client.force_login(StaffFactory(branch=x, perms=DASHBOARD))
    sections = {s.key: s for s in client.get(URL, PERIOD).context["sections"]}
    assert dict(sections["processing"].headlines) == {
        "Median sampai keputusan (hari)": 1.0,  # 24 h x3, 48 h x3: rank 3 of 6 is 24 h
        "Persentil ke-90 sampai keputusan (hari)": 2.0,
        "Median sampai pembayaran (hari)": 3.0,
        "Persentil ke-90 sampai pembayaran (hari)": 3.0,
    }
    satisfaction = dict(sections["satisfaction"].headlines)
    assert satisfaction == {"Rata-rata nilai": 4.0, "Jumlah jawaban": 6}
    claims = dict(sections["claims"].headlines)
    assert claims["Disetujui"] == 3
    assert claims["Menunggu (akhir periode)"] == 3
    assert claims["Porsi online dari pengajuan (%)"] == 100.0
    process = dict(sections["process"].headlines)
    assert process["Tingkat tidak hadir (%)"] == 25.0
    assert process["Median hari menunggu"] == 2
    assert process["Pengkinian data berhasil (%)"] == 75.0


def test_csv_export_has_the_table_under_the_chart(client, branches):
    x, _ = branches
    client.force_login(StaffFactory(branch=x, perms=DASHBOARD))
    export = reverse("admin:insights_dailysummary_export", args=["active_daily"])
    response = client.get(export, PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        f"insights-active_daily-{x.pk}-2026-11-01-2026-11-03.csv" in response["Content-Disposition"]
    )
    rows = _csv(response)
    assert rows[0] == [
        "Hari", "Terdaftar", "Aktif hari itu", "Aktif, 30 hari", "Porsi aktif, 30 hari (%)",
        "Pendaftaran baru",
    ]  # fmt: skip
    assert rows[1:] == [
        ["2026-11-01", "10", "2", "5", "50.0", "1"],
        ["2026-11-02", "10", "2", "5", "50.0", "1"],
        ["2026-11-03", "10", "2", "5", "50.0", "1"],
    ]
    reasons = _csv(client.get(reverse("admin:insights_dailysummary_export",
                                      args=["data_update_reasons"]), PERIOD))  # fmt: skip
    assert reasons == [["Alasan", "Ditolak"], ["Nama rekening beda", "3"]]
    assert client.get(reverse("admin:insights_dailysummary_export", args=["nope"]),
                      PERIOD).status_code == 404  # fmt: skip


def test_every_table_exports(client, branches):
    x, _ = branches
    client.force_login(StaffFactory(branch=x, perms=DASHBOARD))
    sections = client.get(URL, PERIOD).context["sections"]
    for table in (t for s in sections for t in s.tables):
        rows = _csv(client.get(table.csv_url))
        assert rows[0] == table.columns
        assert len(rows) == len(table.rows) + 1


def test_period_errors_name_the_field_and_what_to_do(client, branches):
    x, _ = branches
    client.force_login(StaffFactory(branch=x, perms=DASHBOARD))
    response = client.get(URL, {"start": "2026-11-05", "end": "2026-11-01"})
    assert response.status_code == 200
    assert "Sampai sebelum Dari" in response.content.decode()
    response = client.get(URL, {"start": "kemarin", "end": "2026-11-01"})
    assert "Dari: bukan tanggal" in response.content.decode()
    response = client.get(URL, {"start": "2024-01-01", "end": "2026-11-01"})
    assert "lebih dari 366 hari" in response.content.decode()


def test_no_data_renders_empty_tables(client):
    x = BranchFactory()
    client.force_login(StaffFactory(branch=x, perms=DASHBOARD))
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    assert "Tidak ada data pada periode ini." in response.content.decode()


def test_english_page(client, branches):
    x, _ = branches
    client.force_login(StaffFactory(branch=x, perms=DASHBOARD))
    client.cookies["django_language"] = "en"
    body = client.get(URL, PERIOD).content.decode()
    assert "Active users" in body
    assert "Effectiveness dashboard" in body


@pytest.mark.parametrize("who", ["branch", "management"])
def test_query_count_does_not_grow_with_the_data(client, who, django_assert_num_queries):
    """The page reads the summary table once: 3 days or 90 days x 20 branches, same queries."""
    branches = [BranchFactory() for _ in range(20)]
    user = StaffFactory(branch=branches[0], perms=DASHBOARD)
    if who == "management":
        user.groups.add(Group.objects.get_or_create(name="Management")[0])
    client.force_login(user)
    _summary(branches[0], START)
    small = {"start": START.isoformat(), "end": START.isoformat()}
    client.get(URL, small)  # warm caches outside the measured requests
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, small).status_code == 200
    for branch in branches:
        for offset in range(90):
            day = START + datetime.timedelta(days=offset)
            if not (branch == branches[0] and day == START):
                _summary(branch, day)
    for offset in range(90):
        _total(START + datetime.timedelta(days=offset))
    large = {"start": START.isoformat(), "end": (START + datetime.timedelta(days=89)).isoformat()}
    with django_assert_num_queries(len(few)):
        assert client.get(URL, large).status_code == 200
    # session, user, staff MFA check, management group, user and group permissions, branches,
    # summaries, guide titles; the day at the counters: queue numbers, booked no-shows, claims
    # decided
    assert len(few) == (12 if who == "branch" else 9)


def test_csv_cells_cannot_become_spreadsheet_formulas(client):
    branch = BranchFactory()
    _summary(branch, START, rejection_reasons={'=HYPERLINK("http://x.test","klik")': 1, "-": 2})
    client.force_login(StaffFactory(branch=branch, perms=DASHBOARD))
    export = reverse("admin:insights_dailysummary_export", args=["data_update_reasons"])
    rows = _csv(client.get(export, PERIOD))
    assert rows[1:] == [["-", "2"], ['\'=HYPERLINK("http://x.test","klik")', "1"]]


def test_guides_are_named_by_their_title_in_the_readers_language(client, branches):
    """Staff know a guide by its title, not by its URL slug ("register")."""
    from news.models import Guide

    x, _ = branches
    guide = Guide.objects.get(slug="register")
    client.force_login(StaffFactory(branch=x, perms=DASHBOARD))
    export = reverse("admin:insights_dailysummary_export", args=["quiz_guide"])
    client.cookies["django_language"] = "en"
    rows = _csv(client.get(export, PERIOD))
    assert rows[1][0] == guide.title_en
    client.cookies["django_language"] = "id"
    rows = _csv(client.get(export, PERIOD))
    assert rows[1][0] == guide.title

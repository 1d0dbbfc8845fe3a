"""A walk-in's day at the branch, in browsers (issue 20): the member reports arrival with the
door's QR code on their phone; the officer calls the next number, which opens everything
about the member, and approves the claim; above the limit a second officer approves too; a
finance officer puts it in a payment batch and confirms the bank's return file.

The first officer's part is counted in clicks: the target was fewer than half of the 13 the
list page's bulk actions took."""

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from appointments import door
from appointments.models import Appointment, ServiceType
from claims.choices import Status
from claims.models import Claim, PaymentBatch
from tests.appointments.conftest import open_branch
from tests.claims.conftest import PAY_PERMISSIONS, give_jht_balance, return_file, seed_claim_rules
from tests.e2e.staff import staff_log_in
from tests.factories import (
    TEST_PASSWORD,
    BranchFactory,
    ClaimFactory,
    EmailAddressFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)

OFFICER = [
    "participants.view_participant",
    "claims.view_claim",
    "claims.change_claim",
    "appointments.change_appointment",
    "appointments.view_queueticket",
    "appointments.change_queueticket",
]


class Clicks:
    """Counts what a person does with the mouse on the way (typing a code is not a click)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator):
        self.count += 1
        locator.click()


def _staff_page(browser: Browser, live_server, email, path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    staff_log_in(page, email)
    page.goto(f"{live_server.url}{path}")  # wherever the two-step login ended
    return page


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_from_the_door_qr_code_to_a_paid_claim_with_two_officers(
    live_server, browser: Browser, tmp_path
):
    seed_claim_rules()
    service = ServiceType.objects.create(
        code="counter_e2e", name_id="Klaim JHT", name_en="JHT claim", duration_minutes=30
    )
    branch = open_branch(BranchFactory(code="kcp-loket", name="KCP Loket"), service,
                         periods=((0, 23),))  # fmt: skip
    user = UserFactory(email="dedi.loket@example.test")
    EmailAddressFactory(user=user)
    member = ParticipantFactory(user=user, full_name="Dedi Kurniawan", branch=branch)
    give_jht_balance(member, 30_000_000)
    claim = ClaimFactory(participant=member, status=Status.IN_REVIEW, amount_estimated=25_000_000)
    starts = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    Appointment.objects.create(
        participant=member, service_type=service, branch_choice_1=branch, branch=branch,
        scheduled_for=starts, seat=1, window_start=starts.date(), window_end=starts.date(),
        status=Appointment.Status.ACCEPTED, booking_code="LKT7QR",
    )  # fmt: skip
    first = StaffFactory(branch=branch, email="petugas1@example.test", perms=OFFICER)
    second = StaffFactory(branch=branch, email="petugas2@example.test", perms=OFFICER)
    finance = StaffFactory(branch=branch, email="keuangan@example.test", perms=PAY_PERMISSIONS)
    for staff in (first, second, finance):
        EmailAddressFactory(user=staff)

    # 1. The member, on a phone at the door.
    phone = browser.new_context(viewport={"width": 320, "height": 640}, locale="id-ID").new_page()
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("E-mail, nomor HP, NIK, atau nomor KPJ (kartu peserta)").fill(user.email)
    phone.get_by_label("Kata sandi", exact=True).fill(TEST_PASSWORD)
    phone.get_by_role("button", name="Masuk").click()
    token = door.door_token(branch_id=branch.pk, day=timezone.localdate())
    phone.goto(f"{live_server.url}/appointments/queue/door/{token}/")
    phone.get_by_role("button", name="Lapor hadir sekarang").click()
    expect(phone.get_by_test_id("my-number")).to_have_text("A-001")

    # 2. The first officer, from the counter page: call, approve, done.
    desk = _staff_page(browser, live_server, first.email, "/admin/counter/")
    clicks = Clicks(desk)
    clicks.click(desk.get_by_role("button", name="Panggil berikutnya"))
    expect(desk.get_by_role("heading", name="Dedi Kurniawan")).to_be_visible()
    expect(desk.get_by_text("A-001", exact=True)).to_be_visible()
    clicks.click(desk.get_by_role("button", name="Setujui", exact=True))
    expect(desk.locator(".messagelist")).to_contain_text("diteruskan ke petugas kedua")
    desk.screenshot(path=tmp_path / "counter-member-1280.png", full_page=True)
    clicks.click(desk.get_by_role("button", name="Selesai: peserta berikutnya"))
    assert clicks.count == 3  # was 13 through the claim list's bulk actions
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by) == (Status.SECOND_APPROVAL, first)

    # 3. The second officer: the claim waits on their counter page.
    other = _staff_page(browser, live_server, second.email, "/admin/counter/")
    other.get_by_role("link", name=f"#{claim.pk}", exact=False).click()
    other.get_by_role("button", name="Beri persetujuan kedua").click()
    expect(other.locator(".messagelist")).to_contain_text("sekarang 'Disetujui'")
    claim.refresh_from_db()
    assert (claim.status, claim.second_approved_by) == (Status.APPROVED, second)

    # 4. Finance: a batch for the bank, then the bank's return file.
    pay = _staff_page(browser, live_server, finance.email, "/admin/claims/claim/?status=approved")
    pay.locator(f"input[name=_selected_action][value='{claim.pk}']").check()
    pay.locator("select[name=action]").select_option("prepare_payment")
    pay.locator("button[name=index]").click()
    batch = PaymentBatch.objects.get()
    answer = tmp_path / "return.csv"
    answer.write_bytes(return_file(batch))
    pay.locator("input[name=return_file]").set_input_files(answer)
    pay.get_by_role("button", name="Konfirmasi transfer").click()
    expect(pay.locator(".messagelist")).to_contain_text("1 klaim dibayar")
    claim = Claim.objects.get(pk=claim.pk)
    assert (claim.status, claim.amount_paid) == (Status.PAID, 25_000_000)

"""Cek saldo (page and API), annual statement, digital card: contents, query counts, ownership."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from participants import ledger, services
from participants.card import card_token
from participants.models import ContributionPosting, JhtBalance, KpjBalance
from tests.factories import KpjCardFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


EPOCH = D(2000, 1, 1)


def months(count, start=EPOCH):
    month = start
    for _ in range(count):
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def with_history(card, count, amount=100_000):
    """`count` months of JHT postings in bulk, balances set as the ledger would."""
    ContributionPosting.objects.bulk_create(
        ContributionPosting(
            kpj_card=card, participant_id=card.participant_id, kind="contribution",
            program="JHT", month=month, employer_amount=amount, worker_amount=0, amount=amount,
            paid_on=month,
        )
        for month in months(count)
    )  # fmt: skip
    last = list(months(count))[-1]
    KpjBalance.objects.update_or_create(
        kpj_card=card, defaults={"balance": count * amount, "last_contribution_month": last}
    )
    JhtBalance.objects.update_or_create(
        participant_id=card.participant_id,
        defaults={
            "balance": count * amount,
            "posting_count": count,
            "last_contribution_month": last,
        },
    )


@pytest.fixture
def owner():
    user = UserFactory()
    participant = ParticipantFactory(user=user, full_name="Budi Santoso")
    first = KpjCardFactory(participant=participant, number="10000000011")
    second = KpjCardFactory(participant=participant, number="10000000012", employer=None)
    services.enrolment_start(kpj_card=first, programs=["JHT", "JKK"], started_on=D(2015, 1, 1))
    ledger.ledger_contribution_post(
        kpj_card=first, month=D(2024, 1, 1), program="JHT", employer_amount=185_000,
        worker_amount=100_000, paid_on=D(2024, 2, 10),
    )  # fmt: skip
    ledger.ledger_contribution_post(
        kpj_card=second, month=D(2024, 2, 1), program="JHT", employer_amount=0,
        worker_amount=60_000, paid_on=D(2024, 3, 10),
    )  # fmt: skip
    return user


@pytest.fixture
def other():
    user = UserFactory()
    participant = ParticipantFactory(user=user, full_name="Siti Aminah")
    KpjCardFactory(participant=participant, number="10000000099")
    return user


def test_balance_page_shows_total_cards_and_postings(client, owner):
    client.force_login(owner)
    response = client.get(reverse("balance"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rp345.000" in body  # 285,000 + 60,000 across both cards
    assert "10000000011" in body
    assert "10000000012" in body
    assert "Februari 2024" in body  # last contribution month
    assert "no-store" in response["Cache-Control"]


def postings_section(body: str) -> str:
    return body[body.index('id="postings"') : body.index('class="pager"')]


def test_postings_are_a_list_grouped_by_month_with_each_kpj_once(client, owner):
    """Cek saldo on a phone: a month heading, then each card's postings under its KPJ
    number, shown once per card and month; no table to scroll sideways."""
    card = owner.participant.kpj_cards.get(number="10000000011")
    ledger.ledger_contribution_post(
        kpj_card=card, month=D(2024, 1, 1), program="JKK", employer_amount=30_000,
        worker_amount=0, paid_on=D(2024, 2, 10),
    )  # fmt: skip
    client.force_login(owner)
    body = client.get(reverse("balance")).content.decode()
    postings = postings_section(body)
    assert "<table" not in body
    assert postings.index("Februari 2024") < postings.index("Januari 2024")
    january = postings[postings.index("Januari 2024") :]
    assert january.count("10000000011") == 1  # two postings of this card, one KPJ label
    assert "Iuran" in january
    assert ">JKK</abbr>" in january
    assert ">JHT</abbr>" in january
    assert 'class="num">Rp285.000</dd>' in january  # the amount in its own right-aligned cell
    assert "pemberi kerja Rp185.000, Anda Rp100.000" in january


def test_the_total_comes_first_then_one_breakdown_per_card(client, owner):
    client.force_login(owner)
    body = client.get(reverse("balance")).content.decode()
    main = body[body.index("<main") :]
    assert main.index('id="jht-total"') < main.index("Saldo per kartu KPJ")
    breakdown = main[main.index("Saldo per kartu KPJ") : main.index('id="postings"')]
    assert breakdown.count('class="summary-list"') == 2
    assert "Rp285.000" in breakdown
    assert "Rp60.000" in breakdown
    assert "Mendaftar sendiri" in breakdown  # the second card has no employer


def test_one_card_needs_no_breakdown_heading(client):
    user = UserFactory()
    KpjCardFactory(participant=ParticipantFactory(user=user), number="10000000077")
    client.force_login(user)
    body = client.get(reverse("balance")).content.decode()
    assert "Saldo per kartu KPJ" not in body
    assert "Kartu KPJ Anda" in body


@pytest.fixture
def jakon():
    """A construction worker: JKK and JKM on a project card, no JHT."""
    user = UserFactory()
    participant = ParticipantFactory(user=user, category="JAKON", full_name="Dedi Kurniawan")
    card = KpjCardFactory(participant=participant, number="10000000044", joined_on=D(2025, 3, 1))
    services.enrolment_start(kpj_card=card, programs=["JKK", "JKM"], started_on=D(2025, 3, 1))
    return user


@pytest.mark.parametrize("url_name", ["dashboard", "balance"])
def test_a_jakon_member_sees_their_programs_not_a_jht_balance_of_zero(client, jakon, url_name):
    client.force_login(jakon)
    body = client.get(reverse(url_name)).content.decode()
    main = body[body.index("<main") :]
    assert "Saldo JHT" not in main
    assert "Rp0" not in main
    assert "Jaminan Kecelakaan Kerja (JKK)" in main
    assert "Jaminan Kematian (JKM)" in main
    assert "tidak mencakup tabungan Jaminan Hari Tua (JHT)" in main
    assert "Laporan tahunan" not in main  # no JHT statement to offer


def test_a_jakon_member_without_enrolments_gets_the_categorys_programs(client):
    """Before any contribution is reported, the category's mandatory programs (dated rules)."""
    user = UserFactory()
    participant = ParticipantFactory(user=user, category="JAKON")
    KpjCardFactory(participant=participant)
    client.force_login(user)
    main = client.get(reverse("balance")).content.decode().split("<main", 1)[1]
    assert "Jaminan Kecelakaan Kerja (JKK)" in main
    assert "Jaminan Kematian (JKM)" in main
    assert "Saldo JHT" not in main


def test_a_bpu_member_without_the_optional_jht_is_told_it_is_optional(client):
    user = UserFactory()
    participant = ParticipantFactory(user=user, category="BPU")
    card = KpjCardFactory(participant=participant, employer=None)
    services.enrolment_start(kpj_card=card, programs=["JKK", "JKM"], started_on=D(2023, 1, 1))
    client.force_login(user)
    main = client.get(reverse("dashboard")).content.decode().split("<main", 1)[1]
    assert "Saldo JHT" not in main
    assert "JHT bersifat pilihan" in main


def test_statements_are_offered_from_the_year_the_first_card_joined(client):
    user = UserFactory()
    participant = ParticipantFactory(user=user)
    KpjCardFactory(participant=participant, joined_on=D(2021, 6, 1))
    KpjCardFactory(participant=participant, joined_on=D(2023, 2, 1))
    client.force_login(user)
    this_year = timezone.localdate().year
    body = client.get(reverse("balance")).content.decode()
    offered = {int(y) for y in re.findall(r"/balance/statement/(\d{4})/", body)}
    assert offered == set(range(2021, this_year + 1))
    assert client.get(reverse("balance_statement", args=[2021])).status_code == 200
    assert client.get(reverse("balance_statement", args=[2020])).status_code == 404
    assert client.get(reverse("balance_statement", args=[this_year + 1])).status_code == 404


def test_statements_never_start_before_the_records(client):
    user = UserFactory()
    KpjCardFactory(participant=ParticipantFactory(user=user), joined_on=D(2010, 2, 1))
    client.force_login(user)
    body = client.get(reverse("balance")).content.decode()
    assert min(int(y) for y in re.findall(r"/balance/statement/(\d{4})/", body)) == 2015
    assert client.get(reverse("balance_statement", args=[2014])).status_code == 404


def test_the_digital_card_is_one_tap_from_the_dashboard(client, owner):
    client.force_login(owner)
    body = client.get(reverse("dashboard")).content.decode()
    for card in owner.participant.kpj_cards.all():
        assert f'href="{reverse("card", args=[card.pk])}"' in body
    link = re.search(r'<a class="button primary" id="digital-card" href="([^"]+)"', body)
    assert link is not None
    assert client.get(link.group(1)).status_code == 200


def test_balance_api_shape(client, owner):
    client.force_login(owner)
    data = client.get(reverse("api-me-balance")).json()
    assert data["balance"] == 345_000
    assert data["last_contribution_month"] == "2024-02"
    cards = {card["kpj_number"]: card for card in data["cards"]}
    assert cards["10000000011"]["balance"] == 285_000
    assert [p["program"] for p in cards["10000000011"]["programs"]] == ["JHT", "JKK"]
    assert cards["10000000012"]["employer"] is None
    assert data["postings"]["count"] == 2
    assert data["postings"]["results"][0] == {
        "kpj_number": "10000000012", "kind": "contribution", "program": "JHT",
        "month": "2024-02", "employer": 0, "worker": 60_000, "amount": 60_000,
        "paid_on": "2024-03-10",
    }  # fmt: skip


def test_balance_api_needs_login_and_a_participant(client):
    response = client.get(reverse("api-me-balance"))
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("api-me-balance")).status_code == 404


def test_balance_api_refuses_writes_without_csrf(owner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get(reverse("api-me-balance")).status_code == 200
    assert client.post(reverse("api-me-balance")).status_code == 403


def main(response) -> str:
    """The page from <main> on: the header's CSRF token differs on every response."""
    body = response.content.decode()
    return body[body.index("<main") :]


@pytest.mark.parametrize("history", [12, 600])
def test_balance_queries_do_not_grow_with_history(client, django_assert_num_queries, history):
    """Session, user, participant, balance, cards, enrolments, one page of postings."""
    user = UserFactory()
    card = KpjCardFactory(participant=ParticipantFactory(user=user))
    with_history(card, history)
    client.force_login(user)
    client.get(reverse("home"))  # warms the site-wide maintenance-notice cache
    with django_assert_num_queries(7):
        page = client.get(reverse("balance"))
    with django_assert_num_queries(2):  # session and user: the content comes from the cache
        assert main(client.get(reverse("balance"))) == main(page)
    with django_assert_num_queries(7):
        api = client.get(reverse("api-me-balance"))
    assert page.status_code == api.status_code == 200
    assert api.json()["balance"] == history * 100_000
    assert len(api.json()["postings"]["results"]) == 12 if history == 12 else 20


def test_postings_are_paginated_from_the_stored_count(client):
    user = UserFactory()
    card = KpjCardFactory(participant=ParticipantFactory(user=user))
    with_history(card, 45)
    client.force_login(user)
    data = client.get(reverse("api-me-balance"), {"page": 3}).json()["postings"]
    assert (data["page"], data["page_count"], len(data["results"])) == (3, 3, 5)
    assert data["results"][-1]["month"] == "2000-01"  # oldest last
    assert client.get(reverse("balance"), {"page": 99}).status_code == 200


def test_dashboard_shows_the_balance_with_a_link(client, owner, django_assert_num_queries):
    client.force_login(owner)
    client.get(reverse("home"))  # warms the site-wide maintenance-notice cache
    # session, user, participant + balance, cards, enrolments, tickets, next visit
    with django_assert_num_queries(7):
        body = client.get(reverse("dashboard")).content.decode()
    assert "Rp345.000" in body
    assert reverse("balance") in body
    with django_assert_num_queries(2):  # session and user: the content comes from the cache
        assert main(client.get(reverse("dashboard"))) == body[body.index("<main") :]


def test_a_member_without_jht_costs_one_query_more_for_the_rules(
    client, jakon, django_assert_num_queries
):
    """The category's programs are read once, whatever the cards and history."""
    client.force_login(jakon)
    client.get(reverse("home"))
    with django_assert_num_queries(8):
        client.get(reverse("dashboard"))
    with django_assert_num_queries(8):
        client.get(reverse("balance"))


def test_statement_pdf_has_the_years_figures(client, owner):
    client.force_login(owner)
    response = client.get(reverse("balance_statement", args=[2024]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Rp285.000" in text
    assert "Rp345.000" in text  # the closing total
    assert owner.participant.nik not in text
    assert owner.participant.masked_nik in text


def test_statement_opening_balance_comes_from_the_running_balance(client, owner):
    client.force_login(owner)
    from participants.selectors import statement_get_for_participant

    lines, postings = statement_get_for_participant(participant=owner.participant, year=2023)
    assert [(line.opening, line.closing) for line in lines] == [(0, 0), (0, 0)]
    lines, postings = statement_get_for_participant(participant=owner.participant, year=2024)
    first = next(line for line in lines if line.kpj_number == "10000000011")
    assert (first.opening, first.contributions, first.closing) == (0, 285_000, 285_000)
    assert len(postings) == 2


def test_card_page_has_an_inline_qr_without_personal_data_in_the_link(client, owner):
    client.force_login(owner)
    card = owner.participant.kpj_cards.get(number="10000000011")
    body = client.get(reverse("card", args=[card.pk])).content.decode()
    assert re.search(r"<div class=\"qr\">\s*(<\?xml[^>]*>\s*)?<svg", body)  # the QR, not the logo
    link = re.search(r'href="(http[^"]*/card/verify/[^"]+)"', body).group(1)
    for secret in (owner.participant.nik, "Budi", card.number):
        assert secret not in link


def test_card_verification_is_public_and_shows_no_personal_data(client, owner):
    card = owner.participant.kpj_cards.get(number="10000000011")
    response = client.get(reverse("card_verify", args=[card_token(kpj_card_id=card.pk)]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="ok"' in body
    for secret in (owner.participant.nik, owner.participant.masked_nik, "Budi Santoso",
                   card.number):  # fmt: skip
        assert secret not in body
    services.kpj_card_report_leaver(kpj_card=card, left_on=D(2024, 6, 30), actor=None)
    body = client.get(reverse("card_verify", args=[card_token(kpj_card_id=card.pk)])).content
    assert b'class="ok"' not in body


def test_a_forged_or_edited_token_verifies_nothing(client, owner):
    card = owner.participant.kpj_cards.first()
    token = card_token(kpj_card_id=card.pk)
    assert client.get(reverse("card_verify", args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse("card_verify", args=["1"])).status_code == 404


def test_a_card_code_expires_after_ten_minutes_with_a_clear_page(client, owner, clock):
    import datetime

    from django.utils import translation

    clock.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC))
    card = owner.participant.kpj_cards.first()
    url = reverse("card_verify", args=[card_token(kpj_card_id=card.pk)])
    clock.shift(datetime.timedelta(minutes=9, seconds=59))
    assert client.get(url).status_code == 200
    clock.shift(datetime.timedelta(seconds=2))
    expired = client.get(url)
    assert expired.status_code == 410
    body = expired.content.decode()
    assert "kedaluwarsa" in body
    assert "10 menit" in body
    assert 'class="ok"' not in body
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        english = client.get(url).content.decode()
    assert "This code has expired" in english
    assert "10 minutes" in english
    # A fresh code from the holder's card page passes again.
    fresh = reverse("card_verify", args=[card_token(kpj_card_id=card.pk)])
    assert client.get(fresh).status_code == 200


# --- ownership: B never reads A's balance, statement or card ------------------------------


def test_other_participant_cannot_open_my_card(client, owner, other):
    client.force_login(other)
    mine = owner.participant.kpj_cards.first()
    assert client.get(reverse("card", args=[mine.pk])).status_code == 404
    assert client.get(reverse("card", args=[999_999])).status_code == 404  # same answer


def test_other_participant_sees_only_their_own_balance_and_statement(client, owner, other):
    client.force_login(other)
    data = client.get(reverse("api-me-balance")).json()
    assert data["balance"] == 0
    assert [card["kpj_number"] for card in data["cards"]] == ["10000000099"]
    body = client.get(reverse("balance")).content.decode()
    assert "10000000011" not in body
    pdf = client.get(reverse("balance_statement", args=[2024])).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "10000000011" not in text
    assert "Budi" not in text


def test_anonymous_visitors_are_sent_to_log_in(client, owner):
    card = owner.participant.kpj_cards.first()
    for url in (reverse("balance"), reverse("balance_statement", args=[2024]),
                reverse("card", args=[card.pk])):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response.url


def test_staff_without_a_participant_get_404_on_own_pages(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("balance")).status_code == 404
    assert client.get(reverse("balance_statement", args=[2024])).status_code == 404


@pytest.mark.parametrize("name", ["Nguyễn Thị Hà", "李明", "محمد عبد الله", "Ёлка Ψ"])
def test_statement_prints_a_name_in_any_script(client, name):
    """The statement's font covers Vietnamese, Chinese, Arabic, Cyrillic and Greek names."""
    user = UserFactory()
    participant = ParticipantFactory(user=user, full_name=name)
    KpjCardFactory(participant=participant, joined_on=D(2024, 1, 1))
    client.force_login(user)
    response = client.get(reverse("balance_statement", args=[2024]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    if name.startswith("م"):  # right-to-left: the extracted letters may come reversed
        assert set(name.replace(" ", "")) <= set(text)
    else:
        assert name in text
    assert "JMO Portal" in text  # the logo's wordmark
    assert len(response.content) < 80_000  # subset fonts: a statement stays light


def test_statement_headings_do_not_overlap(client, owner):
    """Every heading of the balances table fits its column: a long one wraps onto a second
    line of its own cell instead of running into the next column ("Hasil pengembangan")."""
    client.force_login(owner)
    pdf = client.get(reverse("balance_statement", args=[2024])).content
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    boxes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            boxes.append((text.strip(), tm[4], tm[5], size))

    page.extract_text(visitor_text=visit)
    font = __import__("fpdf").FPDF()
    font.add_font("DejaVu", "B", "static/fonts/DejaVuSans-Bold.ttf")
    font.set_font("DejaVu", "B", 8)
    row = [box for box in boxes if box[0] in {"Saldo awal", "Iuran", "Hasil", "pengembangan",
                                               "Koreksi", "Penarikan", "Saldo akhir"}]  # fmt: skip
    assert {box[0] for box in row} >= {"Hasil", "pengembangan", "Koreksi"}
    for text, x, y, _size in row:
        right = x + font.get_string_width(text) * 72 / 25.4
        for other, x2, y2, _s in row:
            if other != text and abs(y2 - y) < 1 and x2 > x:
                assert right <= x2, f"{text!r} runs into {other!r}"

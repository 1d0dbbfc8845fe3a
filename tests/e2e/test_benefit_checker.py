"""The checker shows the demo participants their JP lump sum and the JKM scholarship, in
Bahasa Indonesia and English (issue 19): Budi (PPU, JP since 2021, under 15 years) and Asep
(BPU: JKM months, no JP at all)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.people import BUDI, log_in

ASEP = "asep@demo.jmo.example"
WORDS = {
    "id": {
        "lump_sum": "Iuran ditambah hasil pengembangan, dibayar sekaligus",
        "contributions": "Iuran JP",
        "paid_at_once": "Dibayar sekaligus: iuran kurang dari 15 tahun.",
        "scholarship": "Beasiswa untuk setiap anak, menurut jenjang sekolah",
        "university": "Perguruan tinggi atau pelatihan kerja",
    },
    "en": {
        "lump_sum": "Contributions plus returns, paid at once",
        "contributions": "JP contributions",
        "paid_at_once": "Paid at once (lump sum): fewer than 15 years of contributions.",
        "scholarship": "Scholarship for each child, by school level",
        "university": "University or job training",
    },
}


def check(page: Page, base: str, language: str, query: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/claims/check/?{query}")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_budi_sees_his_jp_lump_sum_and_the_scholarship(demo, page: Page, language):
    words = WORDS[language]
    log_in(page, demo["base"], BUDI)

    check(page, demo["base"], language, "claim_type=JP:full:pension_age")
    total = page.locator(".summary-list div", has_text=words["lump_sum"]).locator("dd")
    expect(total).to_contain_text(re.compile(r"Rp[1-9]"))  # contributions were paid: not Rp0
    expect(page.locator(".summary-list dt", has_text=words["contributions"])).to_be_visible()
    expect(page.get_by_text(words["paid_at_once"])).to_be_visible()
    expect(page.locator("small.basis").first).to_contain_text(re.compile(r"\d+"))

    check(page, demo["base"], language, "claim_type=JKM:full:death&event_date=2026-01-01")
    expect(page.get_by_role("heading", name=words["scholarship"])).to_be_visible()
    expect(page.get_by_role("rowheader", name=words["university"])).to_be_visible()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_asep_a_bpu_member_sees_the_scholarship_from_his_jkm_months(demo, page: Page, language):
    words = WORDS[language]
    log_in(page, demo["base"], ASEP)
    check(page, demo["base"], language, "claim_type=JKM:full:death&event_date=2026-01-01")
    expect(page.get_by_role("heading", name=words["scholarship"])).to_be_visible()
    expect(page.locator("table.scholarship tbody tr")).to_have_count(5)

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from participants.nik import (
    FEMALE,
    MALE,
    PROVINCE_CODES,
    mask_nik,
    nik_matches_birth_date,
    normalise_name,
    parse_nik,
)

TODAY = datetime.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("nik", "birth_date", "gender"),
    [
        ("3204101203850001", datetime.date(1985, 3, 12), MALE),
        ("3204106507900002", datetime.date(1990, 7, 25), FEMALE),  # 25 + 40
        ("3171014101000001", datetime.date(2000, 1, 1), FEMALE),  # city code 71, born 2000
        ("3204102902960001", datetime.date(1996, 2, 29), MALE),  # leap day
        ("9601013112279999", datetime.date(1927, 12, 31), MALE),  # 27 > 26: 1927
        ("1101012911260001", datetime.date(2026, 11, 29), MALE),  # born today
    ],
)
def test_valid_nik_is_parsed(nik, birth_date, gender):
    info = parse_nik(nik, today=TODAY)
    assert info.birth_date == birth_date
    assert info.gender == gender
    assert info.province == nik[:2]


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("", "nik_format"),
        ("320410120385001", "nik_format"),  # 15 digits
        ("32041012038500011", "nik_format"),  # 17 digits
        ("3204 01203850001", "nik_format"),
        ("32041O1203850001", "nik_format"),  # letter O
        ("2004101203850001", "nik_province"),  # 20 is no province
        ("3200101203850001", "nik_regency"),
        ("3270101203850001", "nik_regency"),  # 70 is neither regency nor city
        ("3204001203850001", "nik_district"),
        ("3204100003850001", "nik_birth_day"),  # day 00
        ("3204103203850001", "nik_birth_day"),  # day 32
        ("3204104003850001", "nik_birth_day"),  # female day 40 = 0
        ("3204107203850001", "nik_birth_day"),  # female day 72 = 32
        ("3204103102850001", "nik_birth_date"),  # 31 February
        ("3204102902970001", "nik_birth_date"),  # 29 Feb 1997
        ("3204101213850001", "nik_birth_date"),  # month 13
        ("3204103011260001", "nik_birth_date"),  # 30 Nov 2026: tomorrow
        ("3204101203850000", "nik_sequence"),
    ],
)
def test_invalid_nik_is_refused_with_the_broken_part(nik, code):
    with pytest.raises(ValidationError) as excinfo:
        parse_nik(nik, today=TODAY)
    assert excinfo.value.code == code


def test_typed_birth_date_is_compared_on_day_month_and_two_digit_year():
    info = parse_nik("9601013112259999", today=TODAY)  # read as 1925 or 2025
    assert nik_matches_birth_date(info, datetime.date(1925, 12, 31)) is True
    assert nik_matches_birth_date(info, datetime.date(2025, 12, 31)) is True
    assert nik_matches_birth_date(info, datetime.date(1925, 12, 30)) is False


def test_mask_shows_region_and_sequence_only():
    assert mask_nik("3204101203850001") == "3204********0001"


def test_names_compare_without_case_spaces_or_dots():
    assert normalise_name("  SITI  aminah ") == normalise_name("Siti Aminah")
    assert normalise_name("H. Ujang") == normalise_name("h ujang")
    assert normalise_name("Siti Aminah") != normalise_name("Siti Aminah Putri")


def _regencies():
    return st.one_of(st.integers(1, 69), st.integers(71, 99))


@st.composite
def valid_niks(draw):
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    regency = draw(_regencies())
    district = draw(st.integers(1, 99))
    birth = draw(st.dates(min_value=datetime.date(1927, 1, 1), max_value=TODAY))
    female = draw(st.booleans())
    sequence = draw(st.integers(1, 9999))
    day = birth.day + (40 if female else 0)
    nik = f"{province}{regency:02d}{district:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
    return nik + f"{sequence:04d}", birth, female


@given(valid_niks())
def test_any_generated_valid_nik_passes(case):
    nik, birth, female = case
    info = parse_nik(nik, today=TODAY)
    assert info.birth_date == birth
    assert info.gender == (FEMALE if female else MALE)


def _encodes_real_date(nik: str) -> bool:
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if 41 <= day <= 71:
        day -= 40
    elif not 1 <= day <= 31:
        return False
    year = (2000 if year2 <= TODAY.year % 100 else 1900) + year2
    try:
        return datetime.date(year, month, day) <= TODAY
    except ValueError:
        return False


@given(valid_niks(), st.integers(6, 11), st.integers(0, 9))
def test_single_digit_change_that_makes_the_date_impossible_fails(case, position, digit):
    nik = case[0]
    changed = nik[:position] + str(digit) + nik[position + 1 :]
    if _encodes_real_date(changed):
        parse_nik(changed, today=TODAY)  # still a real date: must still parse
    else:
        with pytest.raises(ValidationError):
            parse_nik(changed, today=TODAY)

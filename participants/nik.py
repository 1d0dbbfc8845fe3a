"""NIK (Nomor Induk Kependudukan) parsing: pure, the reference date is passed in.

Layout (PP 37/2007, Permendagri 137/2017; shared/DOMAIN.md section 6):
PP KK CC DD MM YY SSSS = province, regency/city, district, birth day (+40 for women),
birth month, two-digit birth year, sequence from 0001.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36",
        "51", "52", "53",
        "61", "62", "63", "64", "65",
        "71", "72", "73", "74", "75", "76",
        "81", "82",
        "91", "92", "93", "94", "95", "96",
    }
)  # fmt: skip
FEMALE_DAY_OFFSET = 40
_NIK_RE = re.compile(r"^\d{16}$")

MALE = "M"
FEMALE = "F"


@dataclass(frozen=True)
class NikInfo:
    province: str
    regency: str
    district: str
    birth_date: datetime.date
    gender: str
    sequence: str


def _error(message, code):
    return ValidationError(message, code=code)


def parse_nik(value: str, *, today: datetime.date) -> NikInfo:
    """Return what a NIK encodes, or raise ValidationError naming the broken part."""
    nik = (value or "").strip()
    if not _NIK_RE.match(nik):
        raise _error(_("A NIK has exactly 16 digits, with no spaces or letters."), "nik_format")
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    day_field, month, year2, sequence = int(nik[6:8]), int(nik[8:10]), int(nik[10:12]), nik[12:]
    if province not in PROVINCE_CODES:
        raise _error(
            _("The first two digits of the NIK are not a province code. Check them on your KTP."),
            "nik_province",
        )
    regency_number = int(regency)
    if not (1 <= regency_number <= 69 or 71 <= regency_number <= 99):
        raise _error(
            _("Digits 3-4 of the NIK are not a regency or city code. Check them on your KTP."),
            "nik_regency",
        )
    if district == "00":
        raise _error(
            _("Digits 5-6 of the NIK are not a district code. Check them on your KTP."),
            "nik_district",
        )
    if 1 <= day_field <= 31:
        gender, day = MALE, day_field
    elif FEMALE_DAY_OFFSET + 1 <= day_field <= FEMALE_DAY_OFFSET + 31:
        gender, day = FEMALE, day_field - FEMALE_DAY_OFFSET
    else:
        raise _error(
            _("Digits 7-8 of the NIK must be a birth day (01-31, or 41-71 for women)."),
            "nik_birth_day",
        )
    # Two digits cannot tell 1925 from 2025: the most recent year not in the future wins,
    # and the registration form then compares with the birth date the person types.
    century = 2000 if year2 <= today.year % 100 else 1900
    try:
        birth_date = datetime.date(century + year2, month, day)
    except ValueError:
        raise _error(
            _("Digits 7-12 of the NIK do not form a real birth date. Check them on your KTP."),
            "nik_birth_date",
        ) from None
    if birth_date > today:
        raise _error(_("The birth date in the NIK is in the future."), "nik_birth_date")
    if sequence == "0000":
        raise _error(_("The last four digits of the NIK cannot be 0000."), "nik_sequence")
    return NikInfo(province, regency, district, birth_date, gender, sequence)


def nik_matches_birth_date(info: NikInfo, birth_date: datetime.date) -> bool:
    """True when a typed birth date agrees with the day, month and two-digit year in the NIK."""
    return (birth_date.day, birth_date.month, birth_date.year % 100) == (
        info.birth_date.day,
        info.birth_date.month,
        info.birth_date.year % 100,
    )


def mask_nik(nik: str) -> str:
    """Show the region and the sequence only, as lists and logs may."""
    if len(nik) != 16:
        return "*" * len(nik)
    return f"{nik[:4]}{'*' * 8}{nik[12:]}"


def normalise_name(name: str) -> str:
    """Compare names as KTP printing differs: case, extra spaces and dots do not matter."""
    return " ".join(name.replace(".", " ").split()).casefold()

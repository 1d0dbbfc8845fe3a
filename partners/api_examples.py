"""Examples in the partner document (a list's example is its one item: drf-spectacular wraps
it in a one-page answer), copied from real answers of this API (a report of one
PPU worker at a wage of Rp 5,000,000 for January 2026, at the rates then in force) with the
numbers and names of a made-up employer. tests/partners/test_schema_contract.py holds every
example to its schema through the generated pydantic models."""

from drf_spectacular.utils import OpenApiExample

BASE = "http://127.0.0.1:8000/api/v1/employers/me"
KPJ, KPJ_2 = "58200298231", "66146530902"
AT = "2026-12-07T01:02:07Z"


def _request(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)


def _answer(name: str, value, status: int) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, status_codes=[str(status)])


def _error(name: str, status: int, code: str, message: str, fields=None) -> OpenApiExample:
    body = {"code": code, "message": message, "fields": fields or {}}
    return _answer(name, body, status)


MEMBER = {
    "kpj": KPJ,
    "full_name": "Siti Rahayu",
    "nik": "3204********5938",
    "category": "PPU",
    "status": "active",
    "joined_on": "2026-01-05",
    "left_on": None,
    "left_reason": "",
    "portal_account": False,
}
NOT_FOUND = _error(
    "Not found",
    404,
    "not_found",
    "Nothing was found at this address. Check the path and the id in it.",
)
MEMBERS_LIST = [
    _answer("A page of members", MEMBER, 200),
    _error(
        "Bad page size",
        400,
        "invalid",
        "Some fields are not valid: see `fields` for what to correct.",
        {"page_size": ["Use a whole number from 1 to 200."]},
    ),
]
MEMBER_DETAIL = [_answer("A member", MEMBER, 200), NOT_FOUND]

NEW_MEMBERS = [
    _request(
        "Two new workers",
        {
            "members": [
                {
                    "nik": "3204101705905938",
                    "full_name": "Siti Rahayu",
                    "birth_date": "1990-05-17",
                    "joined_on": "2026-01-05",
                    "phone": "081234567890",
                    "email": "",
                },
                {
                    "nik": "3204101705905939",
                    "full_name": "Budi Santoso",
                    "birth_date": "1990-05-17",
                    "joined_on": "2026-01-05",
                },
            ]
        },
    ),  # fmt: skip
    _answer(
        "Registered",
        {
            "members": [
                {
                    "row": 0,
                    "kpj": KPJ,
                    "nik": "3204********5938",
                    "full_name": "Siti Rahayu",
                    "status": "active",
                    "joined_on": "2026-01-05",
                },
                {
                    "row": 1,
                    "kpj": KPJ_2,
                    "nik": "3204********5939",
                    "full_name": "Budi Santoso",
                    "status": "active",
                    "joined_on": "2026-01-05",
                },
            ]
        },
        201,
    ),  # fmt: skip
]
LEAVERS = [
    _request(
        "One leaver",
        {"leavers": [{"kpj": KPJ_2, "left_on": "2026-01-31", "reason": "resignation"}]},
    ),
    _answer(
        "Recorded",
        {
            "leavers": [
                {
                    "kpj": KPJ_2,
                    "status": "non_active",
                    "left_on": "2026-01-31",
                    "left_reason": "resignation",
                }
            ]
        },
        200,
    ),  # fmt: skip
]
CLAIMS = [
    _answer(
        "A page of claims",
        {"id": 731, "kpj": KPJ, "program": "JHT", "kind": "full", "reason": "resignation",
         "status": "in_review", "status_label": "In review", "submitted_at": AT,
         "decided_at": None, "paid_at": None},
        200,
    )
]  # fmt: skip

PROGRAMS = [
    ("JKK", 27_000, 0),
    ("JKM", 15_000, 0),
    ("JHT", 185_000, 100_000),
    ("JP", 100_000, 50_000),
]
REPORT = {
    "id": 1,
    "status": "posted",
    "status_label": "Posted",
    "rows": 1,
    "processed_rows": 1,
    "progress": 100,
    "created_at": AT,
    "started_at": AT,
    "finished_at": AT,
    "status_url": f"{BASE}/contributions/1",
    "totals": {
        "rows": 1,
        "postings": 4,
        "programs": {name: {"employer": er, "worker": ee} for name, er, ee in PROGRAMS},
        "total": 477_000,
    },
    "error": None,
}
QUEUED = {
    **REPORT,
    "id": 2,
    "status": "queued",
    "status_label": "Queued",
    "rows": 12_000,
    "processed_rows": 0,
    "progress": 0,
    "started_at": None,
    "finished_at": None,
    "status_url": f"{BASE}/contributions/2",
    "totals": None,
}
REPORT_CREATE = [
    _request(
        "One worker's January",
        {"rows": [{"kpj": KPJ, "month": "2026-01", "wage": 5_000_000}]},
    ),
    _request(
        "With the payroll's own amounts",
        {
            "rows": [
                {
                    "nik": "3204101705905938",
                    "month": "2026-01",
                    "wage": 5_000_000,
                    "amounts": [{"program": "JHT", "employer": 185_000, "worker": 100_000}],
                }
            ]
        },
    ),  # fmt: skip
    _answer(
        "Posted now",
        {
            "report": REPORT,
            "rows": [
                {
                    "row": 0,
                    "kpj": KPJ,
                    "month": "2026-01",
                    "wage": 5_000_000,
                    "programs": [
                        {"program": name, "employer": er, "worker": ee, "total": er + ee}
                        for name, er, ee in PROGRAMS
                    ],
                    "total": 477_000,
                }
            ],
        },
        201,
    ),  # fmt: skip
    _answer("Queued for the background", QUEUED, 202),
    _error(
        "A row refused",
        400,
        "invalid",
        "Some fields are not valid: see `fields` for what to correct.",
        {"rows[0].wage": ["Enter the monthly wage as a whole number of rupiah above zero."]},
    ),
]
REPORT_STATUS = [_answer("A posted report", REPORT, 200), NOT_FOUND]
REPORT_LIST = [_answer("A page of reports", REPORT, 200)]
REPORT_CANCEL = [
    _answer(
        "Cancelled",
        {
            **QUEUED,
            "status": "cancelled",
            "status_label": "Cancelled",
            "progress": 100,
            "finished_at": AT,
        },
        200,
    ),  # fmt: skip
    _error(
        "Already posted",
        409,
        "report_posted",
        "This report is already posted and can no longer be cancelled. To undo it, send a "
        "reversal request to your BPJS Ketenagakerjaan branch.",
    ),
]

# A real answer to a group of two leavers: one filed, one still in the JHT waiting period.
COLLECTIVE_SUMMARY = {
    "id": 12,
    "source": "json",
    "members": 2,
    "claims_filed": 1,
    "refused": 1,
    "created_at": AT,
    "status_url": f"{BASE}/collective-claims/12",
}
WAITING = {
    "code": "waiting_period",
    "message": "After you stop working there is a waiting period of 1 month(s). You can claim "
    "from 4 January 2027.",
}
COLLECTIVE = {
    **COLLECTIVE_SUMMARY,
    "by_status": {"submitted": 1},
    "rows": [
        {"row": 0, "kpj": KPJ, "claim_id": 731, "status": "submitted", "refusals": []},
        {"row": 1, "kpj": KPJ_2, "claim_id": None, "status": None, "refusals": [WAITING]},
    ],
}
COLLECTIVE_LIST = [_answer("A page of groups", COLLECTIVE_SUMMARY, 200)]
COLLECTIVE_CREATE = [
    _request("Two leavers", {"members": [{"kpj": KPJ}, {"kpj": KPJ_2}]}),
    _answer("Filed, one refused", COLLECTIVE, 201),
    _error(
        "A bad KPJ",
        400,
        "invalid",
        "Some fields are not valid: see `fields` for what to correct.",
        {"members[1].kpj": ["A KPJ number is 11 digits. Check the number."]},
    ),
]
COLLECTIVE_CSV = [
    OpenApiExample(
        "Two leavers",
        value=f"name,kpj\nSiti Rahayu,{KPJ}\nBudi Santoso,{KPJ_2}\n",
        request_only=True,
        media_type="text/csv",
    ),
    _answer("Filed, one refused", {**COLLECTIVE, "source": "csv"}, 201),
    _error(
        "A bad line",
        400,
        "invalid",
        "Some fields are not valid: see `fields` for what to correct.",
        {"line[3].kpj": ["A KPJ number is 11 digits. Check the number."]},
    ),
    _error(
        "Too large",
        413,
        "request_too_large",
        "The file is larger than 200 kB. Split the group into smaller files.",
    ),
]
COLLECTIVE_STATUS = [
    _answer(
        "Progress",
        {
            **COLLECTIVE,
            "by_status": {"needs_documents": 1},
            "rows": [{**COLLECTIVE["rows"][0], "status": "needs_documents"}, COLLECTIVE["rows"][1]],
        },
        200,
    ),  # fmt: skip
    NOT_FOUND,
]

"""Monthly contribution reports from employers' systems: check, compute, post, all or nothing.

Flow: `report_rows_parse` checks the shape of every row (fast, no database) and normalises
it; `contribution_report_create` stores the report; `contribution_report_process` checks the
rows against the employer's cards and the dated rules in chunks (progress is committed per
chunk), then posts every contribution with `ledger_contributions_post_bulk` (the postings and
the running balances in a constant number of statements per batch), in one transaction with
the report's final status.

Re-reporting a worker's month is refused per row, never counted twice: the ledger's unique
constraint (one contribution per card, program and month) is the last guard, also against
two reports racing; a correction is a reversal posted by the branch. The row shape is checked
by hand, not by a nested DRF serializer: 100,000 rows through DRF fields take minutes.
"""

import datetime
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import AuditEvent
from outbox.services import enqueue_on_commit
from participants import rules, selectors
from participants.ledger import ContributionLine, PostingConflict, ledger_contributions_post_bulk
from participants.models import (
    Category,
    ContributionPosting,
    Employer,
    KpjCard,
    Program,
)

from .models import ContributionReport, PartnerCredential

FIELD = "rows"
PROGRAMS = [program.value for program in Program]
ERRORS_KEPT = 1000  # a refused report keeps this many field errors; the count says the rest
_KPJ = re.compile(r"^\d{11}$")
_NIK = re.compile(r"^\d{16}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
WAGE_CATEGORIES = (Category.PPU, Category.JAKON)
MAX_RUPIAH = 10**12  # far above any wage; keeps every sum inside the ledger's bigint


class ReportNotCancellable(Exception):
    """The report was claimed by a worker or is final: `status` says which."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


class ReportRefused(Exception):
    """The report is refused whole; `errors` maps `rows[i].field` to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Row:
    kpj: str
    nik: str
    month: str  # YYYY-MM
    wage: int
    amounts: dict[str, list[int]] | None  # program -> [employer, worker], as sent

    def as_payload(self) -> list:
        return [self.kpj, self.nik, self.month, self.wage, self.amounts]

    @classmethod
    def from_payload(cls, item: list) -> "Row":
        return cls(*item)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _month_date(text: str) -> datetime.date:
    return datetime.date(int(text[:4]), int(text[5:]), 1)


def _parse_amounts(value, path: str, errors: dict) -> dict[str, list[int]] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        errors[path] = [
            _("Send a list of {program, employer, worker}, or leave `amounts` out to get ours.")
        ]
        return None
    sent: dict[str, list[int]] = {}
    for index, item in enumerate(value):
        at = f"{path}[{index}]"
        if not isinstance(item, dict):
            errors[at] = [_("Send an object with program, employer and worker.")]
            continue
        program = item.get("program")
        if program not in PROGRAMS:
            errors[f"{at}.program"] = [
                _("Unknown program. Use one of: %(programs)s.") % {"programs": ", ".join(PROGRAMS)}
            ]
            continue
        if program in sent:
            errors[f"{at}.program"] = [_("This program is already in an earlier item of the row.")]
            continue
        shares = []
        for share in ("employer", "worker"):
            amount = item.get(share)
            if not _whole(amount) or not 0 <= amount <= MAX_RUPIAH:
                errors[f"{at}.{share}"] = [
                    _("Enter the share as a whole number of rupiah, zero or more.")
                ]
            shares.append(amount)
        sent[program] = shares
    return sent


def _row_parse(item, at: str, this_month: str, errors: dict[str, list[str]]) -> Row | None:
    """One row, shape-checked; its problems are added to `errors` under `at`."""
    if not isinstance(item, dict):
        errors[at] = [_("Send each row as an object with kpj or nik, month and wage.")]
        return None
    kpj, nik = item.get("kpj") or "", item.get("nik") or ""
    if bool(kpj) == bool(nik):
        errors[f"{at}.kpj"] = [_("Send either the worker's KPJ number or NIK, not both.")]
    elif kpj and not (isinstance(kpj, str) and _KPJ.match(kpj)):
        errors[f"{at}.kpj"] = [_("A KPJ number is 11 digits. Check the number.")]
    elif nik and not (isinstance(nik, str) and _NIK.match(nik)):
        errors[f"{at}.nik"] = [_("A NIK is 16 digits. Check the number.")]
    month = item.get("month")
    match = _MONTH.match(month) if isinstance(month, str) else None
    if match is None or not 1 <= int(match.group(2)) <= 12 or match.group(1) < "1900":
        errors[f"{at}.month"] = [_("Write the month as YYYY-MM, e.g. 2026-01.")]
    elif month > this_month:
        errors[f"{at}.month"] = [
            _("This month has not started yet. Report it from its first day on.")
        ]
    wage = item.get("wage")
    if not _whole(wage) or not 0 < wage <= MAX_RUPIAH:
        errors[f"{at}.wage"] = [_("Enter the monthly wage as a whole number of rupiah above zero.")]
    amounts = _parse_amounts(item.get("amounts"), f"{at}.amounts", errors)
    return Row(kpj, nik, month, wage, amounts)


def report_rows_parse(data, *, today: datetime.date) -> list[Row]:
    """The body's `rows`, shape-checked and normalised; `ReportRefused` names each bad field."""
    if not isinstance(data, dict) or not isinstance(data.get(FIELD), list):
        raise ReportRefused({FIELD: [_("Send an object with a `rows` list.")]})
    raw = data[FIELD]
    limit = settings.CONTRIBUTIONS_MAX_ROWS
    if not 1 <= len(raw) <= limit:
        raise ReportRefused(
            {FIELD: [_("Send 1 to %(limit)s rows; split a longer report.") % {"limit": limit}]}
        )
    this_month = f"{today:%Y-%m}"
    errors: dict[str, list[str]] = {}
    rows: list[Row] = []
    # Only the first CONTRIBUTIONS_MAX_ROW_ERRORS bad rows are named, then a count of the rest:
    # 200,000 empty rows once made a 45 MB error body.
    cap = settings.CONTRIBUTIONS_MAX_ROW_ERRORS
    bad_rows = 0
    for index, item in enumerate(raw):
        row_errors: dict[str, list[str]] = {}
        row = _row_parse(item, f"{FIELD}[{index}]", this_month, row_errors)
        if row_errors:
            bad_rows += 1
            if bad_rows <= cap:
                errors.update(row_errors)
        elif row is not None:
            rows.append(row)
    if bad_rows > cap:
        errors[FIELD] = [
            _(
                "%(count)s more rows have errors that are not listed. Correct the rows named "
                "here, check the others the same way and send the report again."
            )
            % {"count": bad_rows - cap}
        ]
    if errors:
        raise ReportRefused(errors)
    return rows


def contribution_report_create(
    *,
    employer: Employer,
    rows: list[Row],
    credential: PartnerCredential | None,
    language: str,
    deferred: bool,
) -> ContributionReport:
    """The report row; only a deferred (task) report keeps its rows until it is processed."""
    return ContributionReport.objects.create(
        employer=employer,
        credential=credential,
        row_count=len(rows),
        payload=[row.as_payload() for row in rows] if deferred else [],
        language=language,
        # A report checked inside the request starts now; a deferred one when a worker claims it.
        started_at=None if deferred else timezone.now(),
    )


@dataclass(frozen=True)
class ReportSubmitted:
    """What `contribution_report_submit` did: posted the report now (`rows`: the per-row
    amounts) or stored it for the worker (`queued`)."""

    report: ContributionReport
    queued: bool
    rows: list[dict]


@transaction.atomic
def contribution_report_submit(
    *,
    employer: Employer,
    rows: list[Row],
    credential: PartnerCredential | None,
    language: str,
) -> ReportSubmitted:
    """Take a parsed report: below CONTRIBUTIONS_ASYNC_ROWS rows it is checked and posted
    now (ReportRefused, nothing written, if any row is wrong); from that size on it is
    stored and `contribution_report_process_task` is queued once the transaction commits."""
    from .tasks import contribution_report_process_task

    queued = len(rows) >= settings.CONTRIBUTIONS_ASYNC_ROWS
    report = contribution_report_create(
        employer=employer, rows=rows, credential=credential, language=language, deferred=queued
    )
    if queued:
        enqueue_on_commit(contribution_report_process_task, report.pk)
        return ReportSubmitted(report=report, queued=True, rows=[])
    results = contribution_report_process_now(report=report, rows=rows)
    return ReportSubmitted(report=report, queued=False, rows=results)


# --- checking rows against cards, the ledger and the rules -------------------------------


class _Checker:
    """Checks rows chunk by chunk; remembers rule results and worker-months already seen."""

    def __init__(self, employer: Employer, *, keep_results: bool):
        self.employer = employer
        self.keep_results = keep_results  # per-row amounts go back only in a 201 answer
        self.rules = selectors.rules_load()
        self.memo: dict[tuple, rules.ContributionResult | dict] = {}
        self.seen: dict[tuple[int, datetime.date], int] = {}
        self.errors: dict[str, list[str]] = {}
        self.planned: list[ContributionLine] = []
        self.results: list[dict] = []

    def _cards(self, chunk: list[Row]) -> tuple[dict, dict]:
        fields = ("pk", "number", "participant_id", "participant__category",
                  "participant__nik", "joined_on", "left_on", "status")  # fmt: skip
        numbers = {row.kpj for row in chunk if row.kpj}
        niks = {row.nik for row in chunk if row.nik}
        by_kpj, by_nik = {}, {}
        mine = KpjCard.objects.filter(employer=self.employer)
        if numbers:
            by_kpj = {c["number"]: c for c in mine.filter(number__in=numbers).values(*fields)}
        if niks:
            # A worker who left and came back has two cards here: the newest one counts.
            for card in (
                mine.filter(participant__nik__in=niks).order_by("joined_on", "pk").values(*fields)
            ):
                by_nik[card["participant__nik"]] = card
        return by_kpj, by_nik

    def _calculate(self, category: str, month: datetime.date, wage: int):
        key = (category, month, wage)
        if key not in self.memo:
            try:
                self.memo[key] = rules.contribution_calculate(
                    self.rules,
                    rules.ContributionInput(
                        category=category,
                        on_date=month,
                        monthly_wage=wage,
                        jkk_risk_class=self.employer.jkk_risk_class,
                        jkk_relief=self.employer.jkk_relief_eligible,
                    ),
                )
            except rules.RuleInputError as exc:
                self.memo[key] = exc.errors
        return self.memo[key]

    def check(self, start: int, chunk: list[Row]) -> None:
        by_kpj, by_nik = self._cards(chunk)
        found = []
        for offset, row in enumerate(chunk):
            index, at = start + offset, f"{FIELD}[{start + offset}]"
            card = by_kpj.get(row.kpj) if row.kpj else by_nik.get(row.nik)
            if card is None:
                name = "kpj" if row.kpj else "nik"
                self.errors[f"{at}.{name}"] = [
                    _("None of your workers has this KPJ number. Check the number.")
                    if row.kpj
                    else _("None of your workers has this NIK. Check the number.")
                ]
                continue
            unconfirmed = _unconfirmed_message(card)
            if unconfirmed:
                self.errors[f"{at}.{'kpj' if row.kpj else 'nik'}"] = [unconfirmed]
                continue
            month = _month_date(row.month)
            problem = self._card_problem(card, month)
            if problem:
                self.errors[f"{at}.month"] = [problem]
                continue
            earlier = self.seen.get((card["pk"], month))
            if earlier is not None:
                self.errors[f"{at}.month"] = [
                    _("This worker and month are already in row %(row)s. Keep one of them.")
                    % {"row": earlier}
                ]
                continue
            self.seen[(card["pk"], month)] = index
            found.append((index, row, card, month))
        posted = self._already_posted({(card["pk"], month) for _i, _r, card, month in found})
        for index, row, card, month in found:
            at = f"{FIELD}[{index}]"
            if (card["pk"], month) in posted:
                self.errors[f"{at}.month"] = [_already_posted_message(month)]
                continue
            result = self._calculate(card["participant__category"], month, row.wage)
            if isinstance(result, dict):
                for name, messages in result.items():
                    target = {"on_date": "month", "monthly_wage": "wage"}.get(name, name)
                    self.errors.setdefault(f"{at}.{target}", []).extend(map(str, messages))
                continue
            computed = [p for p in result.programs if p.employer or p.worker]
            if row.amounts is not None:
                self._compare(at, month, row.amounts, computed)
            if self.errors:
                continue  # nothing more is planned once the report is refused anyway
            for program in computed:
                self.planned.append(
                    ContributionLine(card["pk"], card["participant_id"], month, program.program,
                            program.employer, program.worker, wage=row.wage)
                )  # fmt: skip
            if self.keep_results:
                self.results.append(_row_result(index, card["number"], row, computed))

    @staticmethod
    def _card_problem(card: dict, month: datetime.date) -> str | None:
        if card["participant__category"] not in WAGE_CATEGORIES:
            return _(
                "This worker is registered as %(category)s, not as a wage earner: an employer "
                "does not report their contributions. Ask your branch to correct the record."
            ) % {"category": card["participant__category"]}
        if month < card["joined_on"].replace(day=1):
            return _(
                "The worker joined your company on %(date)s; this month is before that. "
                "Check the month."
            ) % {"date": card["joined_on"].isoformat()}
        if card["left_on"] and month > card["left_on"].replace(day=1):
            return _(
                "The worker left your company on %(date)s; this month is after that. "
                "Check the month."
            ) % {"date": card["left_on"].isoformat()}
        return None

    def _compare(self, at: str, month, sent: dict, computed: list) -> None:
        ours = {p.program: p for p in computed}
        label = f"{month:%Y-%m}"
        for program, (employer, worker) in sent.items():
            mine = ours.get(program)
            if mine is None:
                self.errors.setdefault(f"{at}.amounts.{program}", []).append(
                    _("The rules for %(month)s have no %(program)s contribution for this worker. "
                      "Remove it.") % {"month": label, "program": program}
                )  # fmt: skip
            elif (employer, worker) != (mine.employer, mine.worker):
                self.errors.setdefault(f"{at}.amounts.{program}", []).append(
                    _("You sent employer %(sent_employer)s and worker %(sent_worker)s; the rules "
                      "in force for %(month)s give employer %(employer)s and worker %(worker)s. "
                      "Correct the wage or send these amounts.")
                    % {"sent_employer": employer, "sent_worker": worker, "month": label,
                       "employer": mine.employer, "worker": mine.worker}
                )  # fmt: skip
        for program, mine in ours.items():
            if program not in sent:
                self.errors.setdefault(f"{at}.amounts.{program}", []).append(
                    _("Your amounts leave out %(program)s: the rules give employer %(employer)s "
                      "and worker %(worker)s. Add it.")
                    % {"program": program, "employer": mine.employer, "worker": mine.worker}
                )  # fmt: skip

    @staticmethod
    def _already_posted(pairs: set) -> set:
        if not pairs:
            return set()
        cards = {card for card, _month in pairs}
        months = {month for _card, month in pairs}
        existing = ContributionPosting.objects.filter(
            kind=ContributionPosting.Kind.CONTRIBUTION, kpj_card_id__in=cards, month__in=months
        ).values_list("kpj_card_id", "month")
        return set(existing) & pairs


def _unconfirmed_message(card: dict) -> str | None:
    """A card the worker has not confirmed (or declined) takes no contribution."""
    if card["status"] == KpjCard.Status.PENDING:
        return _(
            "KPJ %(kpj)s is waiting for the worker to confirm your company's registration; "
            "no contribution can be reported for it yet. Remove the row and send it again "
            "once the card is active (the worker confirms on the portal or at their branch)."
        ) % {"kpj": card["number"]}
    if card["status"] == KpjCard.Status.DECLINED:
        return _(
            "The worker declined your company's registration of KPJ %(kpj)s; no contribution "
            "can be reported for it. Remove the row, and contact the branch if this is wrong."
        ) % {"kpj": card["number"]}
    return None


def _already_posted_message(month: datetime.date) -> str:
    return _(
        "The contribution for %(month)s is already posted for this worker; it is never counted "
        "twice. Remove the row (a correction goes through your branch as a reversal)."
    ) % {"month": f"{month:%Y-%m}"}


def _row_result(index: int, kpj: str, row: Row, computed: list) -> dict:
    return {
        "row": index,
        "kpj": kpj,
        "month": row.month,
        "wage": row.wage,
        "programs": [
            {"program": p.program, "employer": p.employer, "worker": p.worker, "total": p.total}
            for p in computed
        ],
        "total": sum(p.total for p in computed),
    }


# --- processing ------------------------------------------------------------------------------


def _totals(planned: list[ContributionLine], rows: int) -> dict:
    programs: dict[str, dict[str, int]] = {}
    for p in planned:
        entry = programs.setdefault(p.program, {"employer": 0, "worker": 0})
        entry["employer"] += p.employer
        entry["worker"] += p.worker
    total = sum(e["employer"] + e["worker"] for e in programs.values())
    return {"rows": rows, "postings": len(planned), "programs": programs, "total": total}


def _refusal(errors: dict[str, list[str]]) -> dict:
    kept = dict(list(errors.items())[:ERRORS_KEPT])
    message = _("Nothing was posted: %(count)s fields are not valid, see `fields`.") % {
        "count": len(errors)
    }
    if len(errors) > ERRORS_KEPT:
        message += " " + _("Only the first %(kept)s are listed.") % {"kept": ERRORS_KEPT}
    return {"code": "invalid", "message": message, "fields": kept}


def _check_all(report: ContributionReport, rows: list[Row], *, progress=None) -> _Checker:
    checker = _Checker(report.employer, keep_results=progress is None)
    chunk_size = settings.CONTRIBUTIONS_CHUNK_ROWS
    delay = getattr(settings, "CONTRIBUTIONS_IMPORT_TEST_DELAY_SECONDS", 0)
    for start in range(0, len(rows), chunk_size):
        checker.check(start, rows[start : start + chunk_size])
        if progress is not None:
            progress(min(start + chunk_size, len(rows)))
            if delay:
                time.sleep(delay)  # test seam: holds the run open so a test can kill it
    return checker


def _post(report: ContributionReport, checker: _Checker, rows: list[Row]) -> None:
    """In the caller's transaction: postings, balances, the report's final state, the audit."""
    try:
        ledger_contributions_post_bulk(lines=checker.planned, paid_on=timezone.localdate())
    except PostingConflict:
        # The race lost: recheck the worker-months now that the other report has committed.
        posted = _Checker._already_posted({(p.card_id, p.month) for p in checker.planned})
        errors = {}
        for (card, month), index in checker.seen.items():
            if (card, month) in posted:
                errors[f"{FIELD}[{index}].month"] = [_already_posted_message(month)]
        if not errors:
            errors = {
                FIELD: [
                    _("Another report posted some of these months at the same moment. Send this "
                      "report again to see which rows to remove.")
                ]
            }  # fmt: skip
        raise ReportRefused(errors) from None
    now = timezone.now()
    report.status, report.finished_at = ContributionReport.Status.POSTED, now
    report.processed_rows, report.payload = report.row_count, []
    report.result = {"totals": _totals(checker.planned, len(rows))}
    report.save(update_fields=["status", "finished_at", "processed_rows", "payload", "result"])
    AuditEvent.objects.create(
        action="contribution_report_posted",
        detail={"report": report.pk, "employer": report.employer.registration_number,
                "rows": len(rows), "postings": len(checker.planned)},
    )  # fmt: skip


def contribution_report_process_now(*, report: ContributionReport, rows: list[Row]) -> list[dict]:
    """A small report, inside the request's transaction: per-row amounts, or ReportRefused."""
    checker = _check_all(report, rows)
    if checker.errors:
        raise ReportRefused(checker.errors)
    _post(report, checker, rows)
    return checker.results


def contribution_report_process(*, report_id: int, worker: str) -> str:
    """A large report, in a Celery task. Safe to run again: a final report is left alone,
    and the write transaction locks the report and checks it is still open first. A
    cancelled report is never claimed: the claim below and `contribution_report_cancel` are
    conditional UPDATEs of the same row, so only one of them finds it queued."""
    claimed = ContributionReport.objects.filter(
        pk=report_id,
        status__in=[ContributionReport.Status.QUEUED, ContributionReport.Status.PROCESSING],
    ).update(
        status=ContributionReport.Status.PROCESSING,
        attempts=F("attempts") + 1,
        claimed_by=worker,
        processed_rows=0,
        started_at=timezone.now(),
    )
    report = ContributionReport.objects.select_related("employer").get(pk=report_id)
    if not claimed:
        return report.status
    rows = [Row.from_payload(item) for item in report.payload]

    def progress(done: int) -> None:
        ContributionReport.objects.filter(pk=report_id, claimed_by=worker).update(
            processed_rows=done
        )

    with translation.override(report.language):
        checker = _check_all(report, rows, progress=progress)
        with transaction.atomic():
            locked = ContributionReport.objects.select_for_update().get(pk=report_id)
            if locked.is_final:
                return locked.status  # a twin run finished first
            if not checker.errors:
                try:
                    with transaction.atomic():
                        _post(report, checker, rows)
                    return ContributionReport.Status.POSTED
                except ReportRefused as exc:
                    checker.errors = exc.errors
            report.status, report.finished_at = ContributionReport.Status.REFUSED, timezone.now()
            report.processed_rows, report.payload = report.row_count, []
            report.result = {"error": _refusal(checker.errors)}
            report.save(
                update_fields=["status", "finished_at", "processed_rows", "payload", "result"]
            )
            return report.status


def contribution_reports_stuck(*, now: datetime.datetime, limit: int = 100) -> list[int]:
    """Reports queued or processing for longer than any live run takes (a lost message, a
    dead machine): the beat job queues them again; the report lock keeps it to one posting.
    Final reports (posted, refused, cancelled) are never picked."""
    stale = now - datetime.timedelta(seconds=settings.CONTRIBUTIONS_STUCK_AFTER_SECONDS)
    status = ContributionReport.Status
    return list(
        ContributionReport.objects.filter(
            Q(status=status.QUEUED, created_at__lte=stale)
            | Q(status=status.PROCESSING, started_at__lte=stale)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- reading and cancelling ------------------------------------------------------------------


def contribution_reports_for_employer(
    *, employer: Employer, status: str | None = None
) -> QuerySet[ContributionReport]:
    """The employer's own reports, newest first (stable pages), without their rows: a queued
    report's payload can be megabytes."""
    reports = ContributionReport.objects.filter(employer=employer).defer("payload")
    if status:
        reports = reports.filter(status=status)
    return reports.order_by("-created_at", "-pk")


def contribution_report_get_for_employer(
    *, employer: Employer, report_id: int
) -> ContributionReport:
    """One of the employer's own reports; a missing and another employer's report are 404."""
    report = contribution_reports_for_employer(employer=employer).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report


@transaction.atomic
def contribution_report_cancel(
    *, employer: Employer, report_id: int, credential: PartnerCredential | None
) -> ContributionReport:
    """Cancel one of the employer's reports that no worker has claimed yet; returns it as it
    now is (404 for a missing or another employer's report).

    One conditional UPDATE from `queued`: a worker claiming the report at the same moment
    runs its own conditional UPDATE (`contribution_report_process`), and the database lets
    only one of them find the row still queued; the worker then skips the report, or the
    cancel is refused. Cancelling a cancelled report again changes nothing and answers the
    same. Raises ReportNotCancellable (with the status) once a worker has it or it is final."""
    status = ContributionReport.Status
    cancelled = ContributionReport.objects.filter(
        pk=report_id, employer=employer, status=status.QUEUED
    ).update(status=status.CANCELLED, finished_at=timezone.now(), payload=[])
    report = contribution_report_get_for_employer(employer=employer, report_id=report_id)
    if cancelled:
        AuditEvent.objects.create(
            action="contribution_report_cancelled",
            detail={"report": report.pk, "employer": employer.registration_number,
                    "rows": report.row_count,
                    **({"partner_key": credential.prefix} if credential else {})},
        )  # fmt: skip
    if report.status != status.CANCELLED:
        raise ReportNotCancellable(report.status)
    return report

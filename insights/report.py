"""From daily summary rows to the dashboard's sections and tables (pure: no ORM, no clock).

Flows (submissions, decisions, ratings, attempts, visits, ...) are added up over the period and
the branches shown; gauges (registered, active, pending) are read from the period's last day;
medians and 90th percentiles come from the added histograms (metrics.percentile).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from claims.choices import Channel, Program
from complaints.models import Category as ComplaintCategory
from participants.models import Category as ParticipantCategory

from .metrics import merge_histograms, percentile, split_claim_key

TOP_REASONS = 10


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart: str = "bars"  # "bars" (one group per row) or "line" (rows are days)
    chart_columns: list[int] = field(default_factory=list)  # which columns are drawn
    unit: str = ""


@dataclass
class Section:
    key: str
    title: str
    definition: str
    headlines: list[tuple[str, object]]
    tables: list[Table]
    note: str = ""


def _pct(part, whole):
    return None if not whole else round(100 * part / whole, 1)


def _days(hours):
    return None if hours is None else round(hours / 24, 1)


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _sum_dicts(dicts: Iterable[Mapping]) -> dict:
    total: dict = defaultdict(int)
    for item in dicts:
        for key, value in item.items():
            total[key] += value
    return dict(total)


def _days_in(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


def build_report(
    rows: list[dict],
    *,
    start: datetime.date,
    end: datetime.date,
    guide_titles: dict[str, str] | None = None,
) -> list[Section]:
    """`rows`: DailySummary values (dicts) for the branches shown, days start..end inclusive;
    `guide_titles`: guide names by slug (a guide removed since keeps its slug)."""
    by_day: dict = defaultdict(list)
    for row in rows:
        by_day[row["day"]].append(row)
    days = _days_in(start, end)
    last_day = max((day for day in by_day), default=None)
    last_rows = by_day.get(last_day, [])
    return [
        _active_section(by_day, days, rows, last_rows),
        _processing_section(rows),
        _satisfaction_section(rows),
        _claims_section(rows, last_rows),
        _knowledge_section(by_day, days, rows, guide_titles or {}),
        _process_section(by_day, days, rows),
    ]


def _active_section(by_day, days, rows, last_rows) -> Section:
    daily = []
    for day in days:
        today = by_day.get(day, [])
        registered = sum(r["registered"] for r in today)
        active_30d = sum(r["active_30d"] for r in today)
        daily.append([
            day.isoformat(), registered, sum(r["active_1d"] for r in today), active_30d,
            _pct(active_30d, registered), sum(r["new_registrations"] for r in today),
        ])  # fmt: skip
    at_end = defaultdict(lambda: {"registered": 0, "active_1d": 0, "active_30d": 0})
    for row in last_rows:
        for category, counts in row["by_category"].items():
            for name in at_end[category]:
                at_end[category][name] += counts.get(name, 0)
    new_by_category = defaultdict(int)
    for row in rows:
        for category, counts in row["by_category"].items():
            new_by_category[category] += counts.get("new", 0)
    by_category = [
        [
            _label(ParticipantCategory, category), at_end[category]["registered"],
            at_end[category]["active_30d"],
            _pct(at_end[category]["active_30d"], at_end[category]["registered"]),
            new_by_category[category],
        ]
        for category in sorted(set(at_end) | set(new_by_category))
    ]  # fmt: skip
    registered = sum(r["registered"] for r in last_rows)
    active_30d = sum(r["active_30d"] for r in last_rows)
    return Section(
        key="active",
        title=_("Active users"),
        definition=_(
            "Participants with a portal account who logged in or used a service themselves on "
            "the day (or in the 30 days up to it), out of all participants registered by then."
        ),
        headlines=[
            (_("Registered (end of period)"), registered),
            (_("Active in the last 30 days"), active_30d),
            (_("Share active (%)"), _pct(active_30d, registered)),
            (_("New registrations in the period"), sum(r["new_registrations"] for r in rows)),
        ],
        tables=[
            Table(
                "active_daily", str(_("Active users per day")),
                [str(_("Day")), str(_("Registered")), str(_("Active that day")),
                 str(_("Active, 30 days")), str(_("Share active, 30 days (%)")),
                 str(_("New registrations"))],
                daily, chart="line", chart_columns=[2, 3],
            ),
            Table(
                "active_category", str(_("Active users by category (end of period)")),
                [str(_("Category")), str(_("Registered")), str(_("Active, 30 days")),
                 str(_("Share active (%)")), str(_("New registrations"))],
                by_category, chart_columns=[3], unit="%",
            ),
        ],
    )  # fmt: skip


def _duration_rows(rows, group, choices) -> list[list]:
    decision, payment = defaultdict(list), defaultdict(list)
    for row in rows:
        for key, histogram in row["decision_hours"].items():
            decision[group(key)].append(histogram)
        for key, histogram in row["payment_hours"].items():
            payment[group(key)].append(histogram)
    out = []
    for name in sorted(set(decision) | set(payment)):
        d, p = merge_histograms(decision[name]), merge_histograms(payment[name])
        out.append([
            _label(choices, name),
            sum(d.values()), _days(percentile(d, 50)), _days(percentile(d, 90)),
            sum(p.values()), _days(percentile(p, 50)), _days(percentile(p, 90)),
        ])  # fmt: skip
    return out


def _processing_section(rows) -> Section:
    columns = [
        "", str(_("Decided")), str(_("Median to decision (days)")),
        str(_("90th percentile to decision (days)")), str(_("Paid")),
        str(_("Median to payment (days)")), str(_("90th percentile to payment (days)")),
    ]  # fmt: skip
    all_decisions = merge_histograms(h for r in rows for h in r["decision_hours"].values())
    all_payments = merge_histograms(h for r in rows for h in r["payment_hours"].values())
    return Section(
        key="processing",
        title=_("Claim processing time"),
        definition=_(
            "Time from a claim's submission to its decision (approved or rejected) and to its "
            "payment, for the claims decided or paid in the period, in days counted by whole hours."
        ),
        headlines=[
            (_("Median to decision (days)"), _days(percentile(all_decisions, 50))),
            (_("90th percentile to decision (days)"), _days(percentile(all_decisions, 90))),
            (_("Median to payment (days)"), _days(percentile(all_payments, 50))),
            (_("90th percentile to payment (days)"), _days(percentile(all_payments, 90))),
        ],
        tables=[
            Table(
                "processing_type", str(_("Processing time by claim type")),
                [str(_("Claim type")), *columns[1:]],
                _duration_rows(rows, lambda key: split_claim_key(key)[0], Program),
                chart_columns=[2, 3], unit=str(_("days")),
            ),
            Table(
                "processing_channel", str(_("Processing time by channel")),
                [str(_("Channel")), *columns[1:]],
                _duration_rows(rows, lambda key: split_claim_key(key)[1], Channel),
                chart_columns=[2, 3], unit=str(_("days")),
            ),
        ],
    )  # fmt: skip


def _satisfaction_section(rows) -> Section:
    counts = [0] * 5
    for row in rows:
        for index, count in enumerate(row["complaint_ratings"] or [0] * 5):
            counts[index] += count
    responses = sum(counts)
    average = (
        None
        if not responses
        else round(sum((i + 1) * c for i, c in enumerate(counts)) / responses, 2)
    )
    return Section(
        key="satisfaction",
        title=_("Satisfaction"),
        definition=_(
            "Ratings from 1 (very unhappy) to 5 (very happy) that participants gave to their "
            "resolved complaints in the period; the average and how many answered."
        ),
        note=_(
            "Only complaints are rated: the portal does not ask for a rating after a branch "
            "appointment, so appointments are not part of this indicator."
        ),
        headlines=[(_("Average rating"), average), (_("Responses"), responses)],
        tables=[
            Table(
                "satisfaction", str(_("Ratings of complaints")),
                [str(_("Rating")), str(_("Responses")), str(_("Share (%)"))],
                [[score, counts[score - 1], _pct(counts[score - 1], responses)]
                 for score in range(1, 6)],
                chart_columns=[1],
            )
        ],
    )  # fmt: skip


def _claims_section(rows, last_rows) -> Section:
    flows = defaultdict(lambda: {"submitted": 0, "approved": 0, "rejected": 0, "pending": 0})
    for row in rows:
        for key, counts in row["claims"].items():
            for name in ("submitted", "approved", "rejected"):
                flows[key][name] += counts.get(name, 0)
    for row in last_rows:
        for key, counts in row["claims"].items():
            flows[key]["pending"] += counts.get("pending", 0)

    def grouped(index, choices):
        groups = defaultdict(list)
        for key, counts in flows.items():
            groups[split_claim_key(key)[index]].append(counts)
        return {name: _sum_dicts(items) for name, items in sorted(groups.items())}

    submitted = sum(c["submitted"] for c in flows.values())
    by_channel = grouped(1, Channel)
    online = by_channel.get(Channel.ONLINE, {}).get("submitted", 0)
    names = ["submitted", "approved", "rejected", "pending"]
    return Section(
        key="claims",
        title=_("Claims approved"),
        definition=_(
            "Claims submitted, approved and rejected in the period and still pending at its end, "
            "by type and channel; the online share is the part submitted through the portal."
        ),
        headlines=[
            (_("Approved"), sum(c["approved"] for c in flows.values())),
            (_("Rejected"), sum(c["rejected"] for c in flows.values())),
            (_("Pending (end of period)"), sum(c["pending"] for c in flows.values())),
            (_("Online share of submissions (%)"), _pct(online, submitted)),
        ],
        tables=[
            Table(
                "claims_type", str(_("Claims by type")),
                [str(_("Claim type")), str(_("Submitted")), str(_("Approved")),
                 str(_("Rejected")), str(_("Pending"))],
                [[_label(Program, name), *(counts[n] for n in names)]
                 for name, counts in grouped(0, Program).items()],
                chart_columns=[2, 3, 4],
            ),
            Table(
                "claims_channel", str(_("Claims by channel")),
                [str(_("Channel")), str(_("Submitted")), str(_("Approved")),
                 str(_("Rejected")), str(_("Pending")), str(_("Share of submissions (%)"))],
                [[_label(Channel, name), *(counts[n] for n in names),
                  _pct(counts["submitted"], submitted)]
                 for name, counts in by_channel.items()],
                chart_columns=[5], unit="%",
            ),
        ],
    )  # fmt: skip


def _knowledge_section(by_day, days, rows, guide_titles) -> Section:
    daily = []
    for day in days:
        guides = [g for r in by_day.get(day, []) for g in r["quiz"].values()]
        score, total = sum(g["score"] for g in guides), sum(g["total"] for g in guides)
        daily.append([
            day.isoformat(), sum(g["attempts"] for g in guides), _pct(score, total),
            sum(g["completions"] for g in guides),
        ])  # fmt: skip
    per_guide = defaultdict(list)
    for row in rows:
        for slug, counts in row["quiz"].items():
            per_guide[slug].append(counts)
    guides = {slug: _sum_dicts(items) for slug, items in sorted(per_guide.items())}
    per_category = defaultdict(list)
    for row in rows:
        for category, counts in row["self_help"].items():
            per_category[category].append(counts)
    offers = {name: _sum_dicts(items) for name, items in sorted(per_category.items())}
    offered = sum(c["offered"] for c in offers.values())
    solved = sum(c["solved"] for c in offers.values())
    score = sum(g["score"] for g in guides.values())
    total = sum(g["total"] for g in guides.values())
    return Section(
        key="knowledge",
        title=_("Knowledge level"),
        definition=_(
            "Share of guide quiz answers that were right, guides completed (a participant's first "
            "quiz on a guide), and complaints deflected: self-help offers that solved the problem."
        ),
        headlines=[
            (_("Average quiz score (%)"), _pct(score, total)),
            (_("Guides completed"), sum(g["completions"] for g in guides.values())),
            (_("Complaint deflection (%)"), _pct(solved, offered)),
        ],
        tables=[
            Table(
                "quiz_daily", str(_("Guide quiz scores per day")),
                [str(_("Day")), str(_("Attempts")), str(_("Average score (%)")),
                 str(_("Guides completed"))],
                daily, chart="line", chart_columns=[2], unit="%",
            ),
            Table(
                "quiz_guide", str(_("Guide quizzes by guide")),
                [str(_("Guide")), str(_("Attempts")), str(_("Average score (%)")),
                 str(_("Guides completed"))],
                [[guide_titles.get(slug, slug), c["attempts"], _pct(c["score"], c["total"]),
                  c["completions"]] for slug, c in guides.items()],
                chart_columns=[2], unit="%",
            ),
            Table(
                "self_help", str(_("Complaint deflection by self-help")),
                [str(_("Problem")), str(_("Self-help offered")), str(_("Solved by it")),
                 str(_("Deflection (%)"))],
                [[_label(ComplaintCategory, name), c["offered"], c["solved"],
                  _pct(c["solved"], c["offered"])] for name, c in offers.items()],
                chart_columns=[3], unit="%",
            ),
        ],
    )  # fmt: skip


def _process_section(by_day, days, rows) -> Section:
    daily = []
    for day in days:
        today = by_day.get(day, [])
        served = sum(r["appointments_served"] for r in today)
        missed = sum(r["appointments_no_show"] for r in today)
        waiting = merge_histograms(r["waiting_days"] for r in today)
        daily.append([
            day.isoformat(), served, missed, _pct(missed, served + missed),
            percentile(waiting, 50),
        ])  # fmt: skip
    served = sum(r["appointments_served"] for r in rows)
    missed = sum(r["appointments_no_show"] for r in rows)
    waiting = merge_histograms(r["waiting_days"] for r in rows)
    responded = sum(r["tickets_responded"] for r in rows)
    responded_on_time = sum(r["tickets_responded_on_time"] for r in rows)
    resolved = sum(r["tickets_resolved"] for r in rows)
    resolved_on_time = sum(r["tickets_resolved_on_time"] for r in rows)
    applied = sum(r["data_updates_applied"] for r in rows)
    rejected = sum(r["data_updates_rejected"] for r in rows)
    reasons = _sum_dicts(r["rejection_reasons"] for r in rows)
    top = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))[:TOP_REASONS]
    return Section(
        key="process",
        title=_("Process view"),
        definition=_(
            "Branch visits missed out of those due, days from booking to the visit, complaints "
            "answered and resolved within their SLA, and data updates applied out of those decided."
        ),
        headlines=[
            (_("No-show rate (%)"), _pct(missed, served + missed)),
            (_("Median waiting days"), percentile(waiting, 50)),
            (_("90th percentile waiting days"), percentile(waiting, 90)),
            (_("First response within SLA (%)"), _pct(responded_on_time, responded)),
            (_("Resolved within SLA (%)"), _pct(resolved_on_time, resolved)),
            (_("Data updates applied (%)"), _pct(applied, applied + rejected)),
        ],
        tables=[
            Table(
                "appointments_daily", str(_("Branch visits per day")),
                [str(_("Day")), str(_("Served")), str(_("No-show")), str(_("No-show rate (%)")),
                 str(_("Median waiting days"))],
                daily, chart="line", chart_columns=[3], unit="%",
            ),
            Table(
                "complaint_sla", str(_("Complaint SLA compliance")),
                [str(_("Step")), str(_("Done")), str(_("Within SLA")), str(_("Within SLA (%)"))],
                [[str(_("First response")), responded, responded_on_time,
                  _pct(responded_on_time, responded)],
                 [str(_("Resolution")), resolved, resolved_on_time,
                  _pct(resolved_on_time, resolved)]],
                chart_columns=[3], unit="%",
            ),
            Table(
                "data_update_reasons", str(_("Top reasons data updates were rejected")),
                [str(_("Reason")), str(_("Rejected"))],
                [[reason, count] for reason, count in top],
                chart_columns=[1],
            ),
        ],
    )  # fmt: skip

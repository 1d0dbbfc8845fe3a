"""A participant's own data, its processing history and their uploaded files (UU PDP).

The export is a ZIP archive: `data.json` (everything held about the person), `README.txt`
(what the files are, in Bahasa Indonesia and English) and `documents/`, the files the
person uploaded. Reads a fixed set of queries however much the person has (one per table,
children grouped in Python), so a long membership history or many files cost no more round
trips than a short one. Internal working fields (code hashes, task claim tokens, storage
names, idempotency keys) are left out of `data.json`: they describe our machinery, not the
person.

Size: uploads are at most `DOCUMENTS_MAX_UPLOAD_BYTES` (5 MB) each and a person has a few
dozen at most, so one archive is tens of MB. It is built in a spooled temporary file, kept in
memory up to `ARCHIVE_MEMORY_BYTES` and on disk beyond, each file copied from storage into it
in chunks (never held whole twice), then streamed to the browser by `FileResponse`.
"""

import datetime
import json
import shutil
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from typing import IO

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from access.models import AccessLock
from appointments.models import Appointment
from claims.models import Claim, ClaimDocument, ClaimEvent
from claims.notes import note_text
from complaints.models import Ticket, TicketMessage
from core.models import AuditEvent
from data_updates.models import DataUpdateRequest, DataUpdateStep
from documents.content import archive_file_name
from documents.models import Document, DocumentCheck
from participants.models import (
    BalanceMergeRequest,
    BankAccount,
    ContributionPosting,
    EmergencyContact,
    Enrolment,
    FamilyMember,
    JhtBalance,
    KpjCard,
    Participant,
    User,
)

FORMAT_VERSION = 1
ARCHIVE_MEMORY_BYTES = 8 * 1024 * 1024  # a bigger archive spills to a temporary file
_COPY_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    """One of the person's uploads to copy into the archive."""

    document_id: int
    kind: str
    original_name: str
    content_type: str
    storage_name: str

    @property
    def archive_name(self) -> str:
        return "documents/" + archive_file_name(
            document_id=self.document_id,
            kind=self.kind,
            original_name=self.original_name,
            content_type=self.content_type,
        )


def _grouped(rows, key: str) -> dict[int, list[dict]]:
    groups = defaultdict(list)
    for row in rows:
        groups[row.pop(key)].append(row)
    return groups


def _actor_kind(row: dict, user_id: int | None) -> str:
    actor_id = row.pop("actor_id")
    is_staff = row.pop("actor__is_staff")
    if actor_id is None:
        return "system"
    if actor_id == user_id:
        return "you"
    return "staff" if is_staff else "other"


def participant_data_collect(*, participant_id: int) -> dict:
    """Everything held about one participant, plain data ready for JSON."""
    return _collect(participant_id=participant_id)[0]


def _collect(*, participant_id: int) -> tuple[dict, list[StoredFile]]:
    """The data, and the person's uploads read by the same documents query."""
    person = Participant.objects.select_related("user", "branch").get(pk=participant_id)
    user_id = person.user_id

    cards = list(
        KpjCard.objects.filter(participant_id=participant_id)
        .order_by("joined_on")
        .values("id", "number", "status", "joined_on", "left_on", "left_reason",
                "employer__name", "employer__registration_number")
    )  # fmt: skip
    enrolments = _grouped(
        Enrolment.objects.filter(kpj_card__participant_id=participant_id)
        .order_by("started_on")
        .values("kpj_card_id", "program", "started_on", "ended_on"),
        "kpj_card_id",
    )
    for card in cards:
        card["enrolments"] = enrolments.get(card["id"], [])

    postings = list(
        ContributionPosting.objects.filter(participant_id=participant_id)
        .annotate(year=ExtractYear("month"))
        .values("kpj_card__number", "program", "year")
        .annotate(total=Sum("amount"), postings=Count("id"))
        .order_by("kpj_card__number", "program", "year")
    )
    balance = (
        JhtBalance.objects.filter(participant_id=participant_id)
        .values("balance", "posting_count", "last_contribution_month", "updated_at")
        .first()
    )

    requests = list(
        DataUpdateRequest.objects.filter(participant_id=participant_id)
        .order_by("created_at")
        .values("id", "kind", "status", "values", "reason", "created_at", "decided_at")
    )
    steps = _grouped(
        DataUpdateStep.objects.filter(request__participant_id=participant_id)
        .order_by("at")
        .values("request_id", "at", "status", "note", "by_staff"),
        "request_id",
    )
    for request in requests:
        request["steps"] = steps.get(request["id"], [])

    claims = list(
        Claim.objects.filter(participant_id=participant_id)
        .order_by("created_at")
        .values("id", "program", "kind", "reason", "event_date", "status", "channel",
                "filed_by_heir", "amount_requested", "amount_estimated", "amount_approved",
                "amount_paid", "submitted_at", "complete_at", "decided_at", "paid_at",
                "decision_note", "bank_name", "bank_account_number", "bank_account_holder")
    )  # fmt: skip
    events = _grouped(
        ClaimEvent.objects.filter(claim__participant_id=participant_id)
        .order_by("at")
        .values("claim_id", "at", "from_status", "to_status", "note", "note_code", "note_params"),
        "claim_id",
    )
    for claim_events in events.values():
        for event in claim_events:
            # The portal's own notes are stored as a code: the export gives their words too.
            if event["note_code"]:
                event["note"] = note_text(event["note_code"], event["note_params"])
    requirements = _grouped(
        ClaimDocument.objects.filter(claim__participant_id=participant_id)
        .order_by("id")
        .values("claim_id", "document_type"),
        "claim_id",
    )
    for claim in claims:
        claim["events"] = events.get(claim["id"], [])
        claim["required_documents"] = requirements.get(claim["id"], [])

    # Only the person's own files, as the documents app decides (`document_get_for_viewer`:
    # the owner). Staff replies to a complaint carry no files; a visitor's files have no owner.
    documents = list(
        Document.objects.filter(owner_id=participant_id)
        .order_by("created_at")
        .values("id", "kind", "original_name", "content_type", "size", "status",
                "created_at", "finished_at", "staff_note", "storage_name")
    )  # fmt: skip
    files = [
        StoredFile(
            document_id=document["id"],
            kind=document["kind"],
            original_name=document["original_name"],
            content_type=document["content_type"],
            storage_name=document.pop("storage_name"),
        )
        for document in documents
    ]
    checks = _grouped(
        DocumentCheck.objects.filter(document__owner_id=participant_id)
        .order_by("checked_at")
        .values("document_id", "check_name", "outcome", "reason_code", "checked_at"),
        "document_id",
    )
    for document in documents:
        document["checks"] = checks.get(document["id"], [])

    appointments = list(
        Appointment.objects.filter(participant_id=participant_id)
        .order_by("requested_at")
        .values("id", "service_type__code", "status", "branch__name", "scheduled_for",
                "window_start", "window_end", "requested_at", "assigned_at",
                "checked_in_at", "served_at", "closed_at")
    )  # fmt: skip

    tickets = list(
        Ticket.objects.filter(participant_id=participant_id)
        .order_by("created_at")
        .values("id", "number", "category", "subject", "status", "branch__name",
                "contact_name", "contact_email", "contact_phone", "created_at",
                "first_responded_at", "resolved_at", "rating", "rating_comment")
    )  # fmt: skip
    messages = _grouped(
        TicketMessage.objects.filter(ticket__participant_id=participant_id)
        .order_by("created_at")
        .values("ticket_id", "created_at", "from_staff", "body"),
        "ticket_id",
    )
    for ticket in tickets:
        ticket["messages"] = messages.get(ticket["id"], [])

    history = list(
        AuditEvent.objects.filter(participant_id=participant_id)
        .order_by("at")
        .values("at", "action", "detail", "actor_id", "actor__is_staff")
    )
    for event in history:
        event["by"] = _actor_kind(event, user_id)

    bank = BankAccount.objects.filter(participant_id=participant_id)
    data = {
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "profile": {
            "nik": person.nik,
            "full_name": person.full_name,
            "birth_date": person.birth_date,
            "gender": person.gender,
            "category": person.category,
            "phone": person.phone,
            "phone_verified_at": person.phone_verified_at,
            "contact_email": person.email,
            "address": person.address,
            "branch": person.branch.name,
            "login_email": person.user.email if person.user else None,
            "registered_at": person.created_at,
            "last_active_at": person.last_active_at,
        },
        "kpj_cards": cards,
        "jht_balance": balance,
        "contributions_by_year": postings,
        "bank_account": bank.values("bank", "account_number", "account_name").first(),
        "family_members": list(
            FamilyMember.objects.filter(participant_id=participant_id)
            .order_by("id")
            .values("full_name", "relationship", "birth_date", "nik", "is_heir")
        ),
        "emergency_contact": EmergencyContact.objects.filter(participant_id=participant_id)
        .values("full_name", "relationship", "phone")
        .first(),
        "data_updates": requests,
        "claims": claims,
        "documents": documents,
        "appointments": appointments,
        "complaints": tickets,
        "processing_history": history,
        "balance_merges": list(
            BalanceMergeRequest.objects.filter(participant_id=participant_id)
            .order_by("created_at")
            .values(
                "from_card__number",
                "to_card__number",
                "status",
                "amount",
                "created_at",
                "decided_at",
                "decision_note",
            )
        ),  # fmt: skip
        "access_locks": list(
            AccessLock.objects.filter(participant_id=participant_id)
            .order_by("created_at")
            .values("kind", "source", "reason", "created_at", "lifted_at")
        ),
    }
    return data, files


def participant_data_export(*, participant: Participant, actor: User) -> IO[bytes]:
    """The export as a ZIP archive, an open file positioned at its start; the caller closes it.

    The export is recorded first, in the same transaction as the reads, so it is listed too.
    The files are copied after the transaction: storage reads hold no database connection.
    """
    with transaction.atomic():
        AuditEvent.objects.create(
            actor=actor, participant=participant, action="exported", detail={"record": "own_data"}
        )
        data, files = _collect(participant_id=participant.pk)
    return _archive(data=data, files=files)


def _entry(name: str, stamp: tuple, compress_type: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = compress_type
    info.external_attr = 0o600 << 16  # personal data: readable by its owner only once unpacked
    return info


def _archive(*, data: dict, files: list[StoredFile]) -> IO[bytes]:
    archive = tempfile.SpooledTemporaryFile(max_size=ARCHIVE_MEMORY_BYTES)
    exported_at = timezone.localtime(data["exported_at"])
    stamp = exported_at.timetuple()[:6]
    included, missing = [], []
    try:
        with zipfile.ZipFile(archive, "w") as zf:
            body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            zf.writestr(_entry("data.json", stamp, zipfile.ZIP_DEFLATED), body.encode())
            for file in files:
                try:
                    stored = default_storage.open(file.storage_name, "rb")
                except FileNotFoundError:
                    missing.append(file)  # listed in README.txt; the export still succeeds
                    continue
                # Scans and PDFs are compressed already: stored as they are, byte for byte.
                entry = _entry(file.archive_name, stamp, zipfile.ZIP_STORED)
                with stored, zf.open(entry, "w") as target:
                    shutil.copyfileobj(stored, target, _COPY_CHUNK)
                included.append(file)
            readme = readme_text(exported_at=exported_at, included=included, missing=missing)
            zf.writestr(_entry("README.txt", stamp, zipfile.ZIP_DEFLATED), readme.encode())
    except BaseException:
        archive.close()
        raise
    archive.seek(0)
    return archive


_SECTIONS = [
    ("format_version", "versi format berkas ini", "version of this file's format"),
    ("exported_at", "waktu ekspor (UTC)", "time of the export (UTC)"),
    ("profile", "profil Anda", "your profile"),
    ("kpj_cards", "kartu KPJ dan program yang diikuti", "KPJ cards and their programs"),
    ("jht_balance", "saldo JHT", "JHT balance"),
    ("contributions_by_year", "ringkasan iuran per tahun", "yearly summary of contributions"),
    ("bank_account", "rekening bank", "bank account"),
    ("family_members", "anggota keluarga", "family members"),
    ("emergency_contact", "kontak darurat", "emergency contact"),
    ("data_updates", "permohonan pembaruan data dan langkahnya",
     "data update requests and their steps"),
    ("claims", "klaim dan riwayatnya", "claims and their history"),
    ("documents", "dokumen yang Anda unggah dan hasil pemeriksaannya",
     "documents you uploaded and their checks"),
    ("appointments", "janji temu di kantor cabang", "branch appointments"),
    ("complaints", "pengaduan dan pesannya", "complaints and their messages"),
    ("processing_history", "catatan siapa yang memproses data Anda dan kapan",
     "log of who processed your data and when"),
    ("balance_merges", "permohonan penggabungan saldo antarkartu KPJ",
     "requests to merge balances between KPJ cards"),
    ("access_locks", "kunci akses online dan kapan dibuka", "online access locks and when lifted"),
]  # fmt: skip


def readme_text(
    *, exported_at: datetime.datetime, included: list[StoredFile], missing: list[StoredFile]
) -> str:
    """README.txt: what the archive holds, in Bahasa Indonesia then English.

    Both languages at once, whatever the page language, so the file explains itself to
    whoever opens it later; not translated through gettext for that reason.
    """
    when = f"{exported_at:%Y-%m-%d %H:%M} {exported_at.tzname()}"
    lines = [
        "DATA SAYA / MY DATA - JMO Portal",
        "=" * 32,
        "",
        f"Diekspor / Exported: {when}",
        "",
        "Berkas ini memuat NIK dan rekening bank Anda: simpan baik-baik dan jangan dibagikan.",
        "This archive holds your NIK and bank account: keep it safe and do not share it.",
        "",
        "ISI / CONTENTS",
        "--------------",
        "data.json",
        "  Semua data pribadi Anda yang kami simpan dan riwayat pemrosesannya, dalam format",
        "  JSON (teks biasa yang dapat dibaca layanan lain). Bagian-bagiannya:",
        "  All the personal data we hold about you and its processing history, in JSON",
        "  (plain text other services can read). Its sections:",
    ]
    for key, indonesian, english in _SECTIONS:
        lines.append(f"    {key}: {indonesian} / {english}")
    lines += [
        "",
        "documents/",
        "  Berkas yang Anda unggah sendiri (identitas, dokumen klaim, lampiran pengaduan),",
        "  persis seperti yang kami simpan. Nama berkas: <id dokumen>-<jenis>-<nama asli>;",
        '  id dokumen sama dengan "id" di bagian "documents" pada data.json.',
        "  The files you uploaded yourself (identity, claim documents, complaint",
        "  attachments), exactly as we store them. File names: <document id>-<kind>-<original",
        '  name>; the document id is the "id" in the "documents" section of data.json.',
        "",
    ]
    if included:
        lines += [f"  {file.archive_name}" for file in included]
    else:
        lines.append("  (tidak ada berkas / no files)")
    if missing:
        lines += [
            "",
            "BERKAS TIDAK DITEMUKAN / FILES NOT FOUND",
            "  Berkas dokumen berikut tidak ada di penyimpanan kami, jadi tidak disertakan;",
            "  keterangannya tetap ada di data.json. Hubungi kantor cabang bila perlu.",
            "  The files of these documents are missing from our storage, so they are not",
            "  included; their details are still in data.json. Contact your branch if needed.",
        ]
        lines += [f"  - dokumen / document {file.document_id} ({file.kind})" for file in missing]
    lines += [
        "",
        "README.txt",
        "  Penjelasan ini. / This explanation.",
        "",
    ]
    return "\n".join(lines)


def export_filename(*, today: datetime.date) -> str:
    return f"jmo-data-saya-{today:%Y%m%d}.zip"

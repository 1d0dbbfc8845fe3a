"""A participant downloads all their data and its processing history (UU PDP)."""

import datetime
import io
import json
import re
import zipfile

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.services import ticket_create, ticket_create_anonymous, ticket_reply
from core.models import AuditEvent
from documents.content import archive_file_name
from documents.models import Document
from documents.services import document_upload
from participants.models import KpjCard
from privacy.data_export import participant_data_collect, participant_data_export
from tests.documents.files import image_bytes, pdf_bytes, upload
from tests.factories import (
    AppointmentFactory,
    BankAccountFactory,
    ClaimEventFactory,
    ClaimFactory,
    DataUpdateRequestFactory,
    DataUpdateStepFactory,
    EnrolmentFactory,
    FamilyMemberFactory,
    KpjCardFactory,
    ParticipantFactory,
    ServiceTypeFactory,
    StaffFactory,
    TicketFactory,
    TicketMessageFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

URL = "/account/my-data/"


def fill(participant, *, times: int):
    """`times` of everything a participant can have, each with children."""
    for n in range(times):
        card = KpjCardFactory(participant=participant)
        EnrolmentFactory(kpj_card=card, program="JKK", started_on=datetime.date(2024, 1, 1))
        claim = ClaimFactory(  # one open claim per program: the older ones were rejected
            participant=participant,
            idempotency_key=f"k-{participant.pk}-{n}",
            status="submitted" if n == 0 else "rejected",
        )
        ClaimEventFactory(claim=claim, from_status="", to_status="submitted")
        request = DataUpdateRequestFactory(
            participant=participant,
            kind="address",
            values={"city": f"Kota {n}"},
            status="draft" if n == 0 else "applied",  # one open request per kind
        )
        DataUpdateStepFactory(request=request, status="draft")
        with TestCase.captureOnCommitCallbacks(execute=True):  # verification runs
            document_upload(owner=participant, kind="ktp", upload=upload(), actor=None)
        ticket = TicketFactory(participant=participant)
        TicketMessageFactory(ticket=ticket, body=f"Pesan {n}")
        service = ServiceTypeFactory(
            code=f"export_{n}", name_id=f"Layanan {n}", name_en=f"Service {n}", duration_minutes=30
        )
        AppointmentFactory(
            participant=participant,
            service_type=service,
            branch_choice_1=participant.branch,
            window_start=datetime.date(2026, 12, 1),
            window_end=datetime.date(2026, 12, 14),
        )
        FamilyMemberFactory(
            participant=participant,
            full_name=f"Anak {n}",
            relationship="child",
            birth_date=datetime.date(2015, 1, 1),
        )
    BankAccountFactory(
        participant=participant, bank="BRI", account_number="5550001112223", account_name="X"
    )


@pytest.fixture
def owner(client):
    participant = ParticipantFactory(user=UserFactory(), full_name="Rina Marlina")
    client.force_login(participant.user)
    return participant


def download_archive(client) -> zipfile.ZipFile:
    response = client.post(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="jmo-data-saya-{today:%Y%m%d}.zip"'
    )
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    return archive


def download(client) -> dict:
    return json.loads(download_archive(client).read("data.json"))


def stored_bytes(document: Document) -> bytes:
    with default_storage.open(document.storage_name, "rb") as stored:
        return stored.read()


def document_entries(archive: zipfile.ZipFile) -> list[str]:
    return [name for name in archive.namelist() if name.startswith("documents/")]


def test_the_download_holds_all_my_data_and_its_history(client, owner):
    fill(owner, times=2)
    data = download(client)

    assert data["profile"]["nik"] == owner.nik
    assert data["profile"]["full_name"] == "Rina Marlina"
    assert len(data["kpj_cards"]) == 2
    assert data["kpj_cards"][0]["enrolments"][0]["program"] == "JKK"
    assert len(data["claims"]) == 2
    assert data["claims"][0]["events"][0]["to_status"] == "submitted"
    assert len(data["data_updates"]) == 2
    assert data["data_updates"][0]["steps"][0]["status"] == "draft"
    assert len(data["documents"]) == 2
    assert len(data["documents"][0]["checks"]) == 6  # the verification pipeline's checks
    assert "storage_name" not in data["documents"][0]
    assert len(data["appointments"]) == 2
    assert data["complaints"][0]["messages"][0]["body"] == "Pesan 0"
    assert data["bank_account"]["account_number"] == "5550001112223"
    assert len(data["family_members"]) == 2
    history = {(event["action"], event["by"]) for event in data["processing_history"]}
    assert ("exported", "you") in history
    assert ("document_checked", "system") in history


def test_the_export_is_recorded_and_staff_access_shows_in_it(client, owner):
    staff = StaffFactory(branch=owner.branch, is_superuser=True)
    client.force_login(staff)
    client.get(reverse("admin:participants_participant_change", args=[owner.pk]))
    client.force_login(owner.user)

    data = download(client)

    assert AuditEvent.objects.filter(
        participant=owner, actor=owner.user, action="exported", detail={"record": "own_data"}
    ).exists()
    seen = [e for e in data["processing_history"] if e["action"] == "viewed"]
    assert seen == [
        {
            "at": seen[0]["at"],
            "action": "viewed",
            "detail": {"record": "participants.participant", "id": owner.pk},
            "by": "staff",
        }
    ]


def test_only_my_own_data_is_in_my_download(client, owner):
    other = ParticipantFactory(user=UserFactory(), full_name="Orang Lain")
    fill(other, times=1)
    data = download(client)
    text = json.dumps(data)
    assert other.nik not in text
    assert "Orang Lain" not in text
    assert "5550001112223" not in text
    assert data["claims"] == []
    assert data["kpj_cards"] == []


def test_the_number_of_queries_does_not_grow_with_the_data(owner):
    """The files come from the same documents query: the archive costs no extra reads."""
    small, large = owner, ParticipantFactory()
    fill(small, times=1)
    fill(large, times=4)
    counts, exports = [], []
    for participant in (small, large):
        with CaptureQueriesContext(connection) as queries:
            participant_data_collect(participant_id=participant.pk)
        counts.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            with participant_data_export(participant=participant, actor=participant.user) as f:
                files = document_entries(zipfile.ZipFile(f))
        exports.append((len(queries), len(files)))
    assert counts[0] == counts[1] == 21
    # the savepoint pair and the audit row, then the same 21 reads; 1 file against 4
    assert exports == [(24, 1), (24, 4)]


def test_the_whole_download_request_has_a_constant_query_count(
    client, owner, django_assert_num_queries
):
    fill(owner, times=3)
    # session, user, participant, savepoint pair and the audit row, then the 19 reads
    with django_assert_num_queries(28):  # + balance merges, access locks
        response = client.post(URL)
    assert len(document_entries(zipfile.ZipFile(io.BytesIO(response.getvalue())))) == 3


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_recorded(client):
    for response in (client.get(URL), client.post(URL)):
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    assert not AuditEvent.objects.exists()


def test_a_staff_login_without_a_participant_gets_404(client):
    client.force_login(StaffFactory())
    assert client.get(URL).status_code == 404
    assert client.post(URL).status_code == 404
    assert not AuditEvent.objects.exists()


def test_other_methods_are_refused(client, owner):
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


def test_the_page_explains_in_indonesian_and_english_and_the_dashboard_links_it(
    client, owner, settings
):
    page = client.get(URL)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    body = page.content.decode()
    assert "Unduh semua data saya" in body
    assert 'method="post"' in body
    assert URL in client.get(reverse("dashboard")).content.decode()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Download all my data" in client.get(URL).content.decode()
    assert not AuditEvent.objects.filter(action="exported").exists()  # looking is not exporting


def test_kpj_card_numbers_are_listed_in_full_for_their_owner(client, owner):
    card = KpjCardFactory(participant=owner)
    data = download(client)
    assert [c["number"] for c in data["kpj_cards"]] == [card.number]
    assert KpjCard.objects.count() == 1


# The archive --------------------------------------------------------------------------------


def test_the_archive_holds_data_json_a_readme_and_my_documents(client, owner):
    fill(owner, times=1)
    claim_scan = document_upload(
        owner=owner, kind="kk", upload=upload("kk.pdf", pdf_bytes(), "application/pdf"), actor=None
    )
    ticket = ticket_create(
        participant=owner,
        category="other",
        subject="Saldo",
        body="Mohon dicek",
        attachments=[upload("bukti.jpg", image_bytes("JPEG"), "image/jpeg")],
    )
    ticket_reply(ticket=ticket, body="Sudah kami cek", author=None, from_staff=True)

    archive = download_archive(client)

    mine = Document.objects.filter(owner=owner).order_by("created_at")
    assert len(mine) == 3  # identity scan, claim document, complaint attachment
    assert archive.namelist()[0] == "data.json"
    assert "README.txt" in archive.namelist()
    entries = document_entries(archive)
    assert entries == [
        f"documents/{mine[0].pk}-ktp-ktp.png",
        f"documents/{claim_scan.pk}-kk-kk.pdf",
        f"documents/{mine[2].pk}-complaint-bukti.jpg",
    ]
    for name, document in zip(entries, mine, strict=True):
        assert archive.read(name) == stored_bytes(document)  # byte for byte
    data = json.loads(archive.read("data.json"))
    assert [d["id"] for d in data["documents"]] == [d.pk for d in mine]


def test_data_json_is_exactly_the_json_export_of_before(client, owner):
    """Same bytes as the former JSON download: collected data, same encoder and layout."""
    fill(owner, times=2)
    with time_machine.travel(
        datetime.datetime(2026, 11, 29, 9, 0, tzinfo=datetime.UTC), tick=False
    ):
        archive = download_archive(client)
        before = participant_data_collect(participant_id=owner.pk)
    expected = json.dumps(before, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
    assert archive.read("data.json") == expected


def test_the_readme_explains_every_section_in_both_languages(client, owner):
    fill(owner, times=1)
    with time_machine.travel(datetime.datetime(2026, 11, 29, 9, 30, tzinfo=datetime.UTC)):
        archive = download_archive(client)
    readme = archive.read("README.txt").decode()
    data = json.loads(archive.read("data.json"))
    for section in data:
        assert f"    {section}: " in readme
    assert "Diekspor / Exported: 2026-11-29 16:30 WIB" in readme
    assert "Berkas yang Anda unggah sendiri" in readme
    assert "The files you uploaded yourself" in readme
    for name in document_entries(archive):
        assert f"  {name}\n" in readme
    assert "FILES NOT FOUND" not in readme


def test_another_participants_documents_are_not_in_my_archive(client, owner):
    fill(owner, times=1)
    other = ParticipantFactory(user=UserFactory(), branch=owner.branch)
    fill(other, times=2)
    theirs = list(Document.objects.filter(owner=other))
    # A visitor's complaint file in my branch, even under my own NIK, is nobody's to export.
    visitor = ticket_create_anonymous(
        category="cannot_log_in",
        nik=owner.nik,
        name="Rina Marlina",
        email="rina@example.test",
        phone="",
        branch=owner.branch,
        subject="Lupa sandi",
        body="Tidak bisa masuk",
        attachments=[upload("lupa.png")],
    )
    theirs.append(Document.objects.get(ticket_attachment__message__ticket=visitor))

    archive = download_archive(client)

    mine = Document.objects.get(owner=owner)
    assert document_entries(archive) == [f"documents/{mine.pk}-ktp-ktp.png"]
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for document in theirs:
        assert stored_bytes(document) not in everything
    assert {d["id"] for d in json.loads(archive.read("data.json"))["documents"]} == {mine.pk}


@pytest.mark.parametrize(
    ("original_name", "content_type", "expected"),
    [
        ("../../etc/passwd", "image/png", "7-ktp-etc_passwd.png"),
        ("a/b\\c.pdf", "application/pdf", "7-ktp-a_b_c.pdf"),
        ("C:\\Windows\\win.ini", "image/jpeg", "7-ktp-C_Windows_win_ini.jpg"),
        ("..", "image/png", "7-ktp.png"),
        ("Kartu Keluarga (baru).JPEG", "image/jpeg", "7-ktp-Kartu_Keluarga_baru.jpg"),
        ("surat-pernyataan_ahli waris.pdf.exe", "application/pdf",
         "7-ktp-surat-pernyataan_ahli_waris_pdf_exe.pdf"),
        ("Café.png", "image/png", "7-ktp-Cafe.png"),
        ("\u0643\u062a\u0627\u0628.png", "image/png", "7-ktp.png"),
        ("x" * 150, "text/html", "7-ktp-" + "x" * 60 + ".bin"),
    ],
)  # fmt: skip
def test_archive_names_are_safe_whatever_the_original_name(original_name, content_type, expected):
    name = archive_file_name(
        document_id=7, kind="ktp", original_name=original_name, content_type=content_type
    )
    assert name == expected
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.(pdf|png|jpg|bin)", name)


def test_hostile_stored_names_become_safe_entries(client, owner):
    """Uploads refuse such names; rows from elsewhere (admin, old data) are not trusted either."""
    first = document_upload(owner=owner, kind="ktp", upload=upload(), actor=None)
    second = document_upload(
        owner=owner, kind="kk", upload=upload("kk.pdf", pdf_bytes(), "application/pdf"), actor=None
    )
    Document.objects.filter(pk=first.pk).update(original_name="../../etc/passwd")
    Document.objects.filter(pk=second.pk).update(original_name="a/b\\c.pdf")

    archive = download_archive(client)

    assert document_entries(archive) == [
        f"documents/{first.pk}-ktp-etc_passwd.png",
        f"documents/{second.pk}-kk-a_b_c.pdf",
    ]
    for name in archive.namelist():
        assert re.fullmatch(r"(documents/)?[A-Za-z0-9_-]+\.(json|txt|pdf|png|jpg)", name)
    assert archive.read(f"documents/{second.pk}-kk-a_b_c.pdf") == stored_bytes(second)


def test_a_file_missing_from_storage_is_reported_and_the_export_still_succeeds(client, owner):
    kept = document_upload(owner=owner, kind="ktp", upload=upload(), actor=None)
    lost = document_upload(
        owner=owner, kind="kk", upload=upload("kk.pdf", pdf_bytes(), "application/pdf"), actor=None
    )
    default_storage.delete(lost.storage_name)

    archive = download_archive(client)

    assert document_entries(archive) == [f"documents/{kept.pk}-ktp-ktp.png"]
    assert archive.read(f"documents/{kept.pk}-ktp-ktp.png") == stored_bytes(kept)
    readme = archive.read("README.txt").decode()
    assert "BERKAS TIDAK DITEMUKAN / FILES NOT FOUND" in readme
    assert f"  - dokumen / document {lost.pk} (kk)" in readme
    assert f"{kept.pk} (ktp)" not in readme.split("FILES NOT FOUND")[1]
    data = json.loads(archive.read("data.json"))
    assert {d["id"] for d in data["documents"]} == {kept.pk, lost.pk}  # its details stay
    assert AuditEvent.objects.filter(participant=owner, action="exported").count() == 1


def test_an_archive_without_documents_says_so(client, owner):
    archive = download_archive(client)
    assert document_entries(archive) == []
    assert "(tidak ada berkas / no files)" in archive.read("README.txt").decode()


def test_balance_merges_and_access_locks_are_in_my_download(client, owner):
    from access.models import AccessLock
    from participants.models import BalanceMergeRequest

    old, new = KpjCardFactory(participant=owner), KpjCardFactory(participant=owner)
    BalanceMergeRequest.objects.create(
        participant=owner, from_card=old, to_card=new, requested_by=owner.user
    )
    AccessLock.objects.create(participant=owner, kind="online_recovery", source="failures")
    data = download(client)
    assert [(m["from_card__number"], m["to_card__number"]) for m in data["balance_merges"]] == [
        (old.number, new.number)
    ]
    assert [(lock["kind"], lock["lifted_at"]) for lock in data["access_locks"]] == [
        ("online_recovery", None)
    ]

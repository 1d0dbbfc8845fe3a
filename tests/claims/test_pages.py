"""What the claim pages tell the participant (issue 16): the reasons of a refusal at the top and
by their fields, files kept after a refusal, a message and a tracker that match the claim's
real state, automatic notes labelled as such and gone once resolved, distinct claim types."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import translation

from claims.choices import CLAIM_TYPE_LABELS, Status
from claims.forms import claim_type_choices
from claims.models import Claim, ClaimDraftUpload
from claims.rules import CLAIM_TYPES
from claims.services import claim_file, claim_transition, claim_verify
from claims.tracking import claim_tracking
from documents.models import Document
from tests.claims.conftest import checked_documents, submit_kwargs
from tests.documents.files import image_bytes, upload
from tests.factories import ClaimFactory

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("media_root"),
    pytest.mark.frozen_at(datetime.datetime(2026, 1, 14, 9, 0, tzinfo=JAKARTA)),
]
RESIGNATION_DOCUMENTS = ("kpj_card", "ktp", "bank_book", "resignation_letter")


@pytest.fixture
def budi(client, resigned):
    client.force_login(resigned.user)
    return resigned


def form(*, key="form-key-1", without=(), blank=(), **overrides):
    data = {
        "claim_type": "JHT:full:resignation",
        "event_date": "2025-12-14",
        "idempotency_key": key,
    }
    for code in RESIGNATION_DOCUMENTS:
        if code not in without:
            data[f"document_{code}"] = upload(f"{code}.png", image_bytes(blank=code in blank))
    return {**data, **overrides}


def top_of(body: str) -> str:
    """The page above the form: where the error summary must be."""
    main = body.split("<main", 1)[1]
    return main.split('<form method="post" class="stacked"', 1)[0]


# -- refusals: an error summary at the top, each error by its field --------------------------


def test_a_refusal_by_the_rules_names_the_reason_at_the_top_and_by_the_date(client, budi):
    """Filing too early: the summary at the top says why, and links to the date field."""
    response = client.post(reverse("claims:file"), form(event_date="2025-12-20"))
    body = response.content.decode()
    summary = top_of(body)
    assert 'class="error-summary' in summary
    assert "Ada yang perlu diperbaiki" in summary
    assert "20 Januari 2026" in summary
    assert 'href="#id_event_date"' in summary
    assert "20 Januari 2026" in str(response.context["form"].errors["event_date"])
    assert not Claim.objects.exists()


def test_a_missing_file_is_named_in_the_summary_and_at_its_input(client, budi):
    response = client.post(reverse("claims:file"), form(without=("resignation_letter",)))
    summary = top_of(response.content.decode())
    assert 'href="#id_document_resignation_letter"' in summary
    assert "Surat pengunduran diri (paklaring) dari pemberi kerja: pilih foto" in summary
    assert response.context["form"].errors["document_resignation_letter"]


def test_the_summary_speaks_english_on_english_pages(client, budi):
    client.cookies["django_language"] = "en"
    body = client.post(reverse("claims:file"), form(event_date="2025-12-20")).content.decode()
    summary = top_of(body)
    assert "There is a problem" in summary
    assert "20 January 2026" in summary
    assert "Ada yang perlu" not in body


# -- files kept after a refusal ---------------------------------------------------------------


def test_a_refused_filing_keeps_the_chosen_files_and_filing_again_uses_them(
    client, budi, django_capture_on_commit_callbacks
):
    """The first post lacks one file: the three good ones are kept and shown as attached; the
    second post sends only the missing file and the claim gets all four."""
    first = client.post(reverse("claims:file"), form(without=("resignation_letter",)))
    body = first.content.decode()
    for code in ("kpj_card", "ktp", "bank_book"):
        assert f"Sudah dilampirkan: <strong>{code}.png</strong>" in body
    assert "Sudah dilampirkan: <strong>resignation_letter.png" not in body
    assert 'value="form-key-1"' in body  # the same form: its kept files go with it

    second = {
        "claim_type": "JHT:full:resignation",
        "event_date": "2025-12-14",
        "idempotency_key": "form-key-1",
        "document_resignation_letter": upload("resignation_letter.png"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("claims:file"), second)
    claim = Claim.objects.get()
    assert response.url == reverse("claims:detail", args=[claim.pk])
    names = {row.document.original_name for row in claim.requirements.select_related("document")}
    assert names == {f"{code}.png" for code in RESIGNATION_DOCUMENTS}
    assert not ClaimDraftUpload.objects.exists()  # used by the claim, no longer kept
    assert Document.objects.count() == 4  # no file stored twice


def test_a_new_file_replaces_the_kept_one(client, budi, django_capture_on_commit_callbacks):
    client.post(reverse("claims:file"), form(without=("resignation_letter",)))
    again = form(without=("kpj_card", "bank_book"))
    again["document_ktp"] = upload("ktp-baru.png")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("claims:file"), again)
    claim = Claim.objects.get()
    ktp = claim.requirements.select_related("document").get(document_type="ktp").document
    assert ktp.original_name == "ktp-baru.png"


def test_kept_files_belong_to_their_form_and_their_owner(client, budi, resigned):
    """Another form (another key) starts empty; another participant never sees them."""
    client.post(reverse("claims:file"), form(without=("resignation_letter",)))
    other_form = client.post(
        reverse("claims:file"), form(key="form-key-2", without=RESIGNATION_DOCUMENTS)
    )
    assert "Sudah dilampirkan" not in other_form.content.decode()

    from tests.claims.conftest import give_bank_account
    from tests.factories import KpjCardFactory, ParticipantFactory, UserFactory

    stranger = ParticipantFactory(user=UserFactory(password=None))
    KpjCardFactory(participant=stranger, status="non_active", joined_on=datetime.date(2012, 1, 1))
    give_bank_account(stranger)
    client.force_login(stranger.user)
    response = client.post(reverse("claims:file"), form(without=RESIGNATION_DOCUMENTS))
    assert "Sudah dilampirkan" not in response.content.decode()
    assert not Claim.objects.exists()


def test_a_refused_file_is_not_kept_and_its_reason_stays_at_its_input(client, budi):
    bad = form(without=("resignation_letter",))
    bad["document_ktp"] = upload("ktp.png", b"<html><script>x</script></html>" * 60)
    response = client.post(reverse("claims:file"), bad)
    kept = ClaimDraftUpload.objects.filter(participant=budi)
    assert {row.document_type for row in kept} == {"kpj_card", "bank_book"}
    errors = response.context["form"].errors["document_ktp"]
    assert len(errors) == 1  # said once, though both the claim and the keeping refused it
    assert "bukan PDF, JPG atau PNG" in errors[0]


def test_a_kept_file_the_automatic_check_refused_must_be_chosen_again(
    client, budi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the pipeline checks kept files
        client.post(reverse("claims:file"), form(without=("resignation_letter",), blank=("ktp",)))
    assert ClaimDraftUpload.objects.get(document_type="ktp").document.status == "rejected"
    second = {
        "claim_type": "JHT:full:resignation",
        "event_date": "2025-12-14",
        "idempotency_key": "form-key-1",
        "document_resignation_letter": upload("resignation_letter.png"),
    }
    response = client.post(reverse("claims:file"), second)
    assert response.status_code == 200
    error = str(response.context["form"].errors["document_ktp"])
    assert "pemeriksaan otomatis menolak ktp.png" in error
    assert "Gambar tampak kosong" in error
    assert not Claim.objects.exists()


# -- after filing: the message matches the claim's state ---------------------------------------


def test_filing_with_a_refused_document_says_so_not_only_filed(
    client, budi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("claims:file"), form(blank=("ktp",)))
    page = client.get(response.url).content.decode()
    assert "tetapi 1 dokumen ditolak oleh pemeriksaan otomatis" in page
    assert "Gambar tampak kosong" in page
    assert "Pantau di sini" not in page
    assert 'class="banner banner-warning"' in page
    again = client.get(response.url).content.decode()
    assert "tetapi 1 dokumen ditolak" not in again  # said once, after filing


def test_filing_with_good_documents_says_they_passed(
    client, budi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("claims:file"), form())
    page = client.get(response.url).content.decode()
    assert "dokumen Anda lolos pemeriksaan otomatis" in page
    assert "ditolak" not in page


# -- the tracker is the status --------------------------------------------------------------


@pytest.mark.parametrize("status", list(Status))
def test_the_trackers_current_step_is_named_by_the_status(status):
    tracking = claim_tracking(status=status, complete_on=None, processing_working_days=None)
    named = [step for step in tracking.steps if step.status == status]
    assert len(named) == 1
    assert named[0].label == str(Status(status).label)
    assert named[0].state == ("done" if status == Status.PAID else "current")
    assert [step.state for step in tracking.steps].count("current") <= 1


def test_a_claim_asking_for_documents_shows_it_in_the_tracker_and_the_status(client, budi, staff):
    claim = ClaimFactory(participant=budi, status=Status.IN_REVIEW)
    claim_transition(claim=claim, to_status=Status.NEEDS_DOCUMENTS, actor=staff, reason="Buram")
    body = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert 'class="tracker"' in body
    assert '<li class="current" aria-current="step">Dokumen yang diperlukan</li>' in body
    assert "Sedang ditinjau</li>" in body  # still to come, not current
    assert re.search(r'class="tag tag-amber[^"]*">Dokumen yang diperlukan<', body)
    assert 'aria-current="step">Sedang ditinjau' not in body


# -- automatic notes: labelled, in the reader's language, gone once resolved ------------------


def _claim_with_a_refused_scan(participant, django_capture_on_commit_callbacks):
    documents = checked_documents(participant)
    Document.objects.filter(pk=documents["ktp"].pk).update(status="rejected")
    documents["ktp"].checks.create(check_name="image", outcome="fail", reason_code="image_blank")
    claim = claim_file(**submit_kwargs(participant, documents=documents)).claim
    claim_verify(claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.status == Status.NEEDS_DOCUMENTS
    return claim


def test_an_automatic_rejection_is_labelled_automatic_in_both_languages(
    client, budi, django_capture_on_commit_callbacks
):
    claim = _claim_with_a_refused_scan(budi, django_capture_on_commit_callbacks)
    url = reverse("claims:detail", args=[claim.pk])
    body = client.get(url).content.decode()
    assert "Pemeriksaan otomatis" in body
    assert "Catatan dari petugas" not in body
    assert "Gambar tampak kosong" in body
    # Only the refused document is asked for again.
    assert reverse("claims:document_send", args=[claim.pk, "ktp"]) in body
    assert reverse("claims:document_send", args=[claim.pk, "kpj_card"]) not in body
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Automatic check" in english
    assert "The picture looks empty" in english
    assert "Gambar tampak kosong" not in english  # the stored note is a code, not Indonesian


def test_the_stored_automatic_note_is_a_code_not_words(budi, django_capture_on_commit_callbacks):
    claim = _claim_with_a_refused_scan(budi, django_capture_on_commit_callbacks)
    event = claim.events.get(to_status=Status.NEEDS_DOCUMENTS)
    assert event.note == ""
    assert event.note_code == "documents_rejected"
    assert event.note_params == {
        "documents": [{"type": "ktp", "reasons": ["image_blank"], "staff_note": ""}]
    }
    with translation.override("en"):
        assert event.note_text == (
            "Identity card (KTP): The picture looks empty (one colour). Take a photo of the "
            "whole document in good light. Upload it again."
        )


def test_the_note_is_gone_once_the_claim_moves_on(client, budi, staff):
    claim = ClaimFactory(participant=budi, status=Status.IN_REVIEW)
    claim_transition(claim=claim, to_status=Status.NEEDS_DOCUMENTS, actor=staff, reason="Buram")
    url = reverse("claims:detail", args=[claim.pk])
    assert "Catatan dari petugas" in client.get(url).content.decode()
    claim_transition(claim=claim, to_status=Status.IN_REVIEW, actor=budi.user)
    claim_transition(claim=claim, to_status=Status.APPROVED, actor=staff)
    body = client.get(url).content.decode()
    assert "Catatan dari petugas" not in body
    assert "Pemeriksaan otomatis:" not in body
    assert Claim.objects.get().decision_note == ""
    api = client.get(reverse("api-me-claim", args=[claim.pk])).json()
    assert api["decision_note"] == ""


# -- claim types ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_claim_type_has_its_own_label(language):
    with translation.override(language):
        labels = [str(label) for _, options in claim_type_choices()[1:] for _, label in options]
    assert len(labels) == len(CLAIM_TYPES)
    assert len(set(labels)) == len(labels), labels
    assert set(CLAIM_TYPE_LABELS) == {claim_type.code for claim_type in CLAIM_TYPES}


def test_the_three_death_claims_say_which_benefit(client, budi):
    page = client.get(reverse("claims:check")).content.decode()
    assert page.count(">Peserta meninggal dunia<") == 0
    assert "Santunan kematian JKM untuk ahli waris: peserta meninggal dunia" in page
    assert "JHT seluruhnya, dibayar kepada ahli waris: peserta meninggal dunia" in page
    assert "Pensiun janda/duda, anak atau orang tua (JP): peserta meninggal dunia" in page
    assert "---------" not in page


def test_claim_pages_have_no_sideways_tables(client, budi):
    ClaimFactory(participant=budi, status=Status.PAID)
    listing = client.get(reverse("claims:list")).content.decode()
    assert '<table class="responsive' in listing
    assert 'data-label="Status"' in listing
    claim = Claim.objects.get()
    detail = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "<table" not in detail
    assert '<dl class="summary-list' in detail


def test_a_file_refused_by_the_check_at_once_is_not_shown_as_attached(client, budi, monkeypatch):
    """When the pipeline runs in-process (no broker), a kept file may be refused before the
    page is drawn: it is shown as refused, not as attached."""
    from documents import services as document_services

    def verify_now(document_id):
        document_services.document_verify(document_id=document_id, claim_token="now")

    monkeypatch.setattr(document_services, "_enqueue_verification", verify_now)
    response = client.post(
        reverse("claims:file"), form(without=("resignation_letter",), blank=("ktp",))
    )
    body = response.content.decode()
    assert "Sudah dilampirkan: <strong>ktp.png" not in body
    assert "pemeriksaan otomatis menolak ktp.png" in top_of(body)
    assert "Sudah dilampirkan: <strong>bank_book.png" in body


def test_the_data_export_gives_an_automatic_notes_words(budi, django_capture_on_commit_callbacks):
    from privacy.data_export import participant_data_collect

    claim = _claim_with_a_refused_scan(budi, django_capture_on_commit_callbacks)
    data = participant_data_collect(participant_id=budi.pk)
    (exported,) = [c for c in data["claims"] if c["id"] == claim.pk]
    refused = [e for e in exported["events"] if e["to_status"] == Status.NEEDS_DOCUMENTS]
    assert refused[0]["note_code"] == "documents_rejected"
    assert "Gambar tampak kosong" in refused[0]["note"]


def test_the_program_acronym_is_explained_at_its_first_use(client, budi):
    claim = ClaimFactory(participant=budi, status=Status.IN_REVIEW)
    body = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", body).group(1)
    assert heading == (f'Klaim #{claim.pk} (<abbr title="Jaminan Hari Tua (JHT)">JHT</abbr>)')


@pytest.mark.parametrize(
    ("code", "asked"),
    [
        ("JKM:full:death", {"claim_type", "event_date", "pmi_work_period"}),
        ("JHT:partial:housing", {"claim_type", "requested_amount"}),
        ("JHT:full:retirement_age", {"claim_type", "contract_retirement_age"}),
        ("JKK:full:work_accident", {"claim_type", "event_date", "accident_reported",
                                    "stmb_months", "disability_code"}),
    ],
)  # fmt: skip
def test_the_checker_asks_only_what_the_chosen_claim_needs(code, asked):
    from claims.forms import EligibilityForm

    assert set(EligibilityForm({"claim_type": code}).fields) == asked
    assert set(EligibilityForm(initial={"claim_type": code}).fields) == asked
    assert len(EligibilityForm().fields) > len(asked)  # nothing chosen yet: every question

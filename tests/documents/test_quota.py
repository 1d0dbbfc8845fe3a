"""A participant's daily upload quota (files and bytes, settings), and refused files never
reach the disk (issue 18)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from documents.models import Document
from documents.services import document_upload
from tests.documents.files import image_bytes, upload
from tests.factories import ParticipantFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def stored_files(media_root):
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def send(owner, file=None):
    return document_upload(owner=owner, kind="ktp", upload=file or upload(), actor=None)


def test_the_daily_file_count_is_a_setting(settings, media_root):
    settings.DOCUMENTS_DAILY_UPLOAD_COUNT = 2
    owner = ParticipantFactory()
    send(owner)
    send(owner)
    with pytest.raises(ValidationError) as caught:
        send(owner)
    assert caught.value.code == "quota_count"
    with translation.override("en"):
        assert "2 files today" in caught.value.messages[0]
    with translation.override("id"):
        assert "sudah mengunggah 2 file" in caught.value.messages[0]
    assert Document.objects.filter(owner=owner).count() == 2
    assert len(stored_files(media_root)) == 2
    # Another participant has a quota of their own.
    send(ParticipantFactory())


def test_yesterday_s_uploads_do_not_count(settings):
    settings.DOCUMENTS_DAILY_UPLOAD_COUNT = 1
    owner = ParticipantFactory()
    first = send(owner)
    Document.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1, hours=1)
    )
    send(owner)


def test_the_daily_bytes_are_a_setting(settings, media_root):
    one = upload()
    settings.DOCUMENTS_DAILY_UPLOAD_BYTES = one.size + 10
    owner = ParticipantFactory()
    send(owner, one)
    with pytest.raises(ValidationError) as caught:
        send(owner)
    assert caught.value.code == "quota_bytes"
    with translation.override("id"):
        assert "hari ini lebih dari" in caught.value.messages[0]
    assert len(stored_files(media_root)) == 1


def test_refused_files_do_not_use_up_the_quota(settings):
    settings.DOCUMENTS_DAILY_UPLOAD_COUNT = 1
    owner = ParticipantFactory()
    for _ in range(3):
        with pytest.raises(ValidationError):
            send(owner, SimpleUploadedFile("ktp.png", b"<html>x</html>", "image/png"))
    send(owner)


def test_five_refused_re_sends_leave_no_file_on_disk(client, media_root):
    user = UserFactory()
    ParticipantFactory(user=user)
    client.force_login(user)
    polyglot = image_bytes("PNG") + b'<img src=x onerror="alert(1)">'
    for _ in range(5):
        response = client.post(
            "/data/identity/",
            {
                "what": "name",
                "new_name": "Budi Santosa",
                "ktp_file": SimpleUploadedFile("ktp.png", polyglot, "image/png"),
            },
        )
        assert response.status_code == 200
    assert stored_files(media_root) == []
    assert not Document.objects.exists()

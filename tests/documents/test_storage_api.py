"""Uploads live wherever STORAGES["default"] says (issue 21: an S3-compatible bucket shared by
every container), so no code may reach a file by a local path. The whole life of a document runs
here on a storage that, like django-storages' S3Storage, has no `path()` and no folder."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, Storage, default_storage, storages
from django.test import override_settings

from documents.models import Document
from documents.services import document_upload, document_verify
from tests.documents.files import image_bytes, upload
from tests.factories import ParticipantFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


class NoLocalPathStorage(Storage):
    """Django's in-memory storage behind only the public Storage API: no `path()`, as on S3
    (InMemoryStorage itself makes one up from MEDIA_ROOT)."""

    def __init__(self):
        self._files = InMemoryStorage()

    def _open(self, name, mode="rb"):
        return self._files._open(name, mode)

    def _save(self, name, content):
        return self._files._save(name, content)

    def delete(self, name):
        self._files.delete(name)

    def exists(self, name):
        return self._files.exists(name)

    def size(self, name):
        return self._files.size(name)

    def listdir(self, path):
        return self._files.listdir(path)


NO_LOCAL_PATH = {
    "default": {"BACKEND": "tests.documents.test_storage_api.NoLocalPathStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture(autouse=True)
def storage_without_paths(media_root):
    with override_settings(STORAGES=NO_LOCAL_PATH):
        assert isinstance(storages["default"], NoLocalPathStorage)
        with pytest.raises(NotImplementedError):
            default_storage.path("documents/any.png")
        yield
    assert not media_root.exists()  # nothing went to the filesystem behind the storage's back


def test_a_document_is_stored_verified_and_downloaded_without_a_local_path(
    client, django_capture_on_commit_callbacks
):
    owner = ParticipantFactory(user=UserFactory())
    data = image_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        document = document_upload(
            owner=owner, kind="ktp", upload=upload("KTP saya.png", data), actor=None
        )
    document.refresh_from_db()

    assert document.status == Document.Status.VERIFIED
    with default_storage.open(document.storage_name, "rb") as stored:
        assert stored.read() == data
    client.force_login(owner.user)
    response = client.get(f"/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    client.force_login(StaffFactory(branch=owner.branch))
    assert client.get(f"/documents/{document.pk}/download/").status_code == 200


def test_a_refused_file_is_removed_from_the_storage_and_its_download_says_so(
    client, django_capture_on_commit_callbacks
):
    owner = ParticipantFactory(user=UserFactory())
    document = document_upload(owner=owner, kind="ktp", upload=upload("ktp.png"), actor=None)
    # Other bytes under the stored name before the check runs: the integrity check refuses it.
    default_storage.delete(document.storage_name)
    default_storage.save(document.storage_name, ContentFile(image_bytes()))

    with django_capture_on_commit_callbacks(execute=True):
        document_verify(document_id=document.pk, claim_token="t1", worker="test")
    document.refresh_from_db()

    assert document.status == Document.Status.REJECTED
    assert document.file_removed_at is not None
    assert not default_storage.exists(document.storage_name)
    client.force_login(owner.user)
    assert client.get(f"/documents/{document.pk}/download/").status_code == 410


def test_a_file_missing_from_the_storage_is_a_404_not_an_error(client):
    owner = ParticipantFactory(user=UserFactory())
    document = document_upload(owner=owner, kind="ktp", upload=upload("ktp.png"), actor=None)
    default_storage.delete(document.storage_name)

    client.force_login(owner.user)
    assert client.get(f"/documents/{document.pk}/download/").status_code == 404


def run_settings(code: str, **env: str) -> subprocess.CompletedProcess:
    """Settings as a fresh process reads them from its environment."""
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=Path(settings.BASE_DIR),
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "jmo_portal.settings.base", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_django_storage_s3_puts_uploads_in_a_private_bucket_and_the_default_stays_the_disk():
    """No S3 server is reachable here: this checks the storage the setting builds, not a bucket."""
    code = (
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, "
        "getattr(s, 'bucket_name', '-'), getattr(s, 'endpoint_url', '-'), "
        "getattr(s, 'default_acl', '-'), getattr(s, 'file_overwrite', '-'))"
    )
    s3 = run_settings(
        code,
        DJANGO_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="jmo-uploads",
        AWS_S3_ENDPOINT_URL="http://minio:9000",
    )
    assert s3.stdout.split() == [
        "S3Storage",
        "jmo-uploads",
        "http://minio:9000",
        "private",
        "False",
    ]
    assert run_settings(code).stdout.split()[0] == "FileSystemStorage"
    misspelt = run_settings(code, DJANGO_STORAGE="S3 ")
    assert misspelt.returncode != 0
    assert "DJANGO_STORAGE must be 'filesystem' or 's3'" in misspelt.stderr

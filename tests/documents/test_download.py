import pytest

from documents.services import document_upload
from tests.documents.files import image_bytes, upload
from tests.factories import BranchFactory, ParticipantFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def document(django_capture_on_commit_callbacks):
    owner = ParticipantFactory(user=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        return document_upload(owner=owner, kind="ktp", upload=upload("KTP saya.png"), actor=None)


def url(document):
    return f"/documents/{document.pk}/download/"


def test_the_owner_downloads_as_an_attachment_that_is_never_sniffed(client, document):
    client.force_login(document.owner.user)

    response = client.get(url(document))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "KTP" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:4] == b"\x89PNG"


def test_staff_of_the_owners_branch_may_download(client, document):
    client.force_login(StaffFactory(branch=document.owner.branch))
    assert client.get(url(document)).status_code == 200


@pytest.mark.parametrize("who", ["other_participant", "other_branch_staff", "plain_user"])
def test_anyone_else_gets_the_same_404_as_for_a_missing_file(client, document, who):
    viewer = {
        "other_participant": lambda: ParticipantFactory(user=UserFactory()).user,
        "other_branch_staff": lambda: StaffFactory(branch=BranchFactory()),
        "plain_user": UserFactory,
    }[who]()
    client.force_login(viewer)

    assert client.get(url(document)).status_code == 404
    assert client.get(f"/documents/{document.pk + 1000}/download/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, document):
    response = client.get(url(document))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_no_public_media_url_serves_uploads(client, document):
    assert client.get(f"/media/{document.storage_name}").status_code == 404
    assert client.get(f"/{document.storage_name}").status_code == 404


def test_another_image_is_checked_separately(client, document, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        second = document_upload(
            owner=document.owner, kind="kk", upload=upload("kk.jpg", image_bytes("JPEG")),
            actor=None,
        )  # fmt: skip
    client.force_login(document.owner.user)
    assert client.get(url(second))["Content-Type"] == "image/jpeg"

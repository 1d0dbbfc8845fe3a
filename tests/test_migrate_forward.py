"""An existing database migrates forward with its data across the split of participants/.

The database is taken back to the schema every installation had before Branch moved to core,
the audit trail to core, the partner models to partners and the data updates to data_updates;
rows are written there with the models of that time, then the database is migrated forward and
the same rows are read through today's models. Runs on SQLite and, in CI, on PostgreSQL.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.models import AuditEvent, Branch
from data_updates.models import DataUpdateRequest
from outbox.models import OutboxMessage
from participants.models import Participant, User
from partners.models import ContributionReport, IdempotencyRecord, PartnerCredential, PartnerWebhook

pytestmark = pytest.mark.django_db(transaction=True)

# Every app's last migration before the split (the moved models' apps did not exist yet).
BEFORE_SPLIT = [
    ("appointments", "0003_seed_service_types"),
    ("participants", "0012_merge_20261129_1747"),
    ("complaints", "0003_ticket_attachments"),
    ("documents", "0002_document_owner_optional"),
    ("insights", "0002_management_group"),
    ("core", None),
    ("partners", None),
    ("data_updates", None),
]


def _migrate(targets):
    """Migrate to `targets`; the models as they are there (with outbox's, which the test uses)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    nodes = [(app, name) for app, name in targets if name is not None]
    return executor.loader.project_state([*nodes, ("outbox", "0001_initial")]).apps


def _write_rows_at_the_old_schema(apps) -> dict:
    """Rows of every moved model, written with the models as they were then."""
    OldBranch = apps.get_model("appointments", "Branch")
    OldUser = apps.get_model("participants", "User")
    OldEmployer = apps.get_model("participants", "Employer")
    OldParticipant = apps.get_model("participants", "Participant")
    OldAuditEvent = apps.get_model("participants", "AuditEvent")
    OldCredential = apps.get_model("participants", "PartnerCredential")
    OldIdempotency = apps.get_model("participants", "IdempotencyRecord")
    OldReport = apps.get_model("participants", "ContributionReport")
    OldWebhook = apps.get_model("participants", "PartnerWebhook")
    OldRequest = apps.get_model("participants", "DataUpdateRequest")
    OldContentType = apps.get_model("contenttypes", "ContentType")
    OldPermission = apps.get_model("auth", "Permission")
    OldOutbox = apps.get_model("outbox", "OutboxMessage")

    branch = OldBranch.objects.create(code="soreang", name="KCP Soreang", address="Jl. Raya")
    staff = OldUser.objects.create(email="petugas@example.test", is_staff=True, branch=branch)
    employer = OldEmployer.objects.create(
        registration_number="NPP-0001", name="PT Tekstil", jkk_risk_class=2, branch=branch
    )
    participant = OldParticipant.objects.create(
        nik="3204101203900001",
        full_name="Asep Sunandar",
        birth_date=datetime.date(1990, 3, 12),
        gender="M",
        category="PPU",
        branch=branch,
    )
    event = OldAuditEvent.objects.create(
        actor=staff, participant=participant, action="data_updated", detail={"field": "phone"}
    )
    credential = OldCredential.objects.create(
        employer=employer,
        name="Payroll 2026",
        prefix="abc123",
        secret_hash="0" * 64,
        scopes=["contributions:write"],
        expires_at=timezone.now() + datetime.timedelta(days=30),
        created_by=staff,
    )
    OldIdempotency.objects.create(
        employer=employer, key="k-1", fingerprint="f" * 64, response_status=201, response_body={}
    )
    report = OldReport.objects.create(
        employer=employer, credential=credential, status="queued", row_count=1, payload=[{}]
    )
    webhook = OldWebhook.objects.create(employer=employer, url="https://hr.example/hook")
    request = OldRequest.objects.create(participant=participant, kind="phone", status="in_review")
    # A branch officer allowed to review data updates, by a permission of the old app label.
    permission = OldPermission.objects.get(
        content_type=OldContentType.objects.get(
            app_label="participants", model="dataupdaterequest"
        ),
        codename="change_dataupdaterequest",
    )
    staff.user_permissions.add(permission)
    pending = OldOutbox.objects.create(
        task_name="participants.tasks.webhook_deliver_task",
        args=[1],
        next_attempt_at=timezone.now(),
    )
    return {
        "branch": branch.pk,
        "staff": staff.pk,
        "participant": participant.pk,
        "event": event.pk,
        "credential": credential.pk,
        "report": report.pk,
        "webhook": webhook.pk,
        "request": request.pk,
        "outbox": pending.pk,
    }


def test_a_database_from_before_the_split_migrates_forward_with_its_rows():
    """One trip back and forward (migrating the whole schema twice is the slow part)."""
    ids = _write_rows_at_the_old_schema(_migrate(BEFORE_SPLIT))

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    branch = Branch.objects.get(pk=ids["branch"])
    assert branch.code == "soreang"
    participant = Participant.objects.select_related("branch").get(pk=ids["participant"])
    assert participant.branch == branch
    assert User.objects.get(pk=ids["staff"]).branch == branch
    event = AuditEvent.objects.get(pk=ids["event"])
    assert (event.participant_id, event.actor_id, event.detail) == (
        ids["participant"],
        ids["staff"],
        {"field": "phone"},
    )
    assert participant.audit_events.get() == event
    credential = PartnerCredential.objects.get(pk=ids["credential"])
    assert credential.employer.branch == branch
    assert IdempotencyRecord.objects.get(key="k-1").employer == credential.employer
    report = ContributionReport.objects.get(pk=ids["report"])
    assert report.credential == credential
    assert PartnerWebhook.objects.get(pk=ids["webhook"]).url == "https://hr.example/hook"
    request = DataUpdateRequest.objects.get(pk=ids["request"])
    assert (request.participant, request.status) == (participant, "in_review")

    # Content types (so permissions and admin history), and tasks waiting in the outbox,
    # follow their models.
    ContentType.objects.clear_cache()
    owners = dict(
        ContentType.objects.filter(
            model__in=["branch", "auditevent", "partnercredential", "dataupdaterequest"]
        ).values_list("model", "app_label")
    )
    assert owners == {
        "branch": "core",
        "auditevent": "core",
        "partnercredential": "partners",
        "dataupdaterequest": "data_updates",
    }
    assert not ContentType.objects.filter(
        app_label="participants", model__in=["auditevent", "dataupdaterequest"]
    ).exists()
    staff = User.objects.get(pk=ids["staff"])
    assert staff.has_perm("data_updates.change_dataupdaterequest")
    assert Permission.objects.filter(
        content_type__app_label="data_updates", codename="change_dataupdaterequest"
    ).exists()
    assert (
        OutboxMessage.objects.get(pk=ids["outbox"]).task_name
        == "partners.tasks.webhook_deliver_task"
    )

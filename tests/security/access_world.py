"""The people and objects the access matrix runs against, built with tests/factories.py.

Two participants A and B at two branches X and Y, staff at each branch with the demo's
"Branch staff" permissions (and a TOTP authenticator, as staff must have), and two employers'
API keys: E employs A, F employs B. Every URL is built from A's objects (or X's), so each row of
the matrix asks "what does this role get for A's thing?".
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from appointments import services
from appointments.door import door_token
from appointments.models import QueueTicket
from complaints.tokens import ticket_status_token
from data_updates.models import DataUpdateRequest
from demo.management.commands.seed_demo import BRANCH_STAFF_PERMISSIONS
from participants.card import card_token
from partners.auth import partner_credential_create
from partners.models import CollectiveClaim, PartnerScope
from tests.appointments.conftest import open_branch
from tests.factories import (
    ArticleFactory,
    BranchFactory,
    ClaimFactory,
    ContributionReportFactory,
    EmployerFactory,
    FamilyMemberFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    TicketFactory,
    UserFactory,
)

ROLES = (
    "anon",
    "participant_a",
    "participant_b",
    "staff_x",
    "staff_y",
    "partner_e",
    "partner_f",
)


@dataclass
class World:
    objects: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)


def _staff_group() -> Group:
    group, _ = Group.objects.get_or_create(name="Branch staff")
    group.permissions.set(
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in BRANCH_STAFF_PERMISSIONS
    )
    return group


def _partner_client(employer) -> Client:
    _credential, key = partner_credential_create(
        employer=employer,
        name="Payroll",
        scopes=[scope.value for scope in PartnerScope],
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _appointment(participant, branch):
    from appointments.models import ServiceType

    service, _ = ServiceType.objects.update_or_create(
        code="matrix_visit",
        defaults={"name_id": "Kunjungan", "name_en": "Visit", "duration_minutes": 30},
    )
    open_branch(branch, service)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    appointment = services.appointment_request_create(
        participant=participant,
        service_type=service,
        branch_choices=[branch],
        window_start=tomorrow,
        window_end=tomorrow + datetime.timedelta(days=14),
    )
    # Scheduled now (the on-commit run never fires inside a test transaction), so the
    # appointment has its branch, a seat and a calendar file like a real one.
    services.appointments_schedule_pending(service_type_id=service.pk)
    appointment.refresh_from_db()
    assert appointment.branch_id == branch.pk, appointment.status
    return appointment


def _article():
    from news.models import ArticleCategory

    return ArticleFactory(
        slug="matrix-news",
        category=ArticleCategory.objects.order_by("pk").first(),
        title="Kabar",
        title_en="News",
        summary="Ringkasan",
        body="Isi.",
        publish_at=timezone.now() - datetime.timedelta(hours=1),
    )


def build_world() -> World:
    from data_updates import services as data_updates
    from documents.services import document_upload
    from tests.documents.files import upload

    world = World()
    o = world.objects
    o["branch_x"] = BranchFactory(code="matrix-x", name="KCP X")
    o["branch_y"] = BranchFactory(code="matrix-y", name="KCP Y")
    o["employer_e"] = EmployerFactory(branch=o["branch_x"])
    o["employer_f"] = EmployerFactory(branch=o["branch_y"])
    for who, branch, employer in (("a", "branch_x", "employer_e"), ("b", "branch_y", "employer_f")):
        user = UserFactory(email=f"peserta.{who}@example.test")
        participant = ParticipantFactory(user=user, branch=o[branch])
        o[f"participant_{who}"] = participant
        o[f"card_{who}"] = KpjCardFactory(participant=participant, employer=o[employer])
        o[f"claim_{who}"] = ClaimFactory(participant=participant)
        o[f"ticket_{who}"] = TicketFactory(participant=participant)
    a = o["participant_a"]
    o["anonymous_ticket"] = TicketFactory(
        participant=None,
        branch=o["branch_x"],
        contact_name="Tanpa Akun",
        contact_nik="3204101203850099",
        contact_email="tanpa.akun@example.test",
    )
    o["document_a"] = document_upload(owner=a, kind="ktp", upload=upload("ktp.png"), actor=None)
    o["data_update_a"] = data_updates.data_update_save_draft(
        participant=a, kind=DataUpdateRequest.Kind.ADDRESS, values={"street": "Jl. A"}
    )
    o["appointment_a"] = _appointment(a, o["branch_x"])
    o["queue_ticket_x"] = QueueTicket.objects.create(
        branch=o["branch_x"], day=timezone.localdate(), prefix="B", number=1,
        service_type=o["appointment_a"].service_type, channel="staff", issued_at=timezone.now(),
    )  # fmt: skip
    o["family_member_a"] = FamilyMemberFactory(
        participant=a,
        full_name="Anak A",
        relationship="child",
        birth_date=datetime.date(2015, 1, 1),
    )
    o["article"] = _article()
    # E's large report, still queued: F gets 404 for it, E may cancel it (the POST line).
    o["report_e"] = ContributionReportFactory(employer=o["employer_e"])
    o["collective_e"] = CollectiveClaim.objects.create(
        employer=o["employer_e"], member_count=0, filed_count=0
    )
    group = _staff_group()
    for who, branch in (("x", "branch_x"), ("y", "branch_y")):
        staff = StaffFactory(email=f"staf.{who}@example.test", branch=o[branch])
        staff.groups.add(group)
        o[f"staff_{who}"] = staff

    world.clients["anon"] = Client()
    for role, user in (
        ("participant_a", a.user),
        ("participant_b", o["participant_b"].user),
        ("staff_x", o["staff_x"]),
        ("staff_y", o["staff_y"]),
    ):
        client = Client()
        client.force_login(user)
        world.clients[role] = client
    world.clients["partner_e"] = _partner_client(o["employer_e"])
    world.clients["partner_f"] = _partner_client(o["employer_f"])
    return world


def url_values(world: World) -> dict:
    """Values for URL kwargs, by kwarg name: always A's object (or branch X's)."""
    o = world.objects
    return {
        "claim_id": o["claim_a"].pk,
        "document_id": o["document_a"].pk,
        "request_id": o["data_update_a"].pk,
        "card_id": o["card_a"].pk,
        "kpj": o["card_a"].number,
        "pk": o["appointment_a"].pk,
        "number": o["ticket_a"].number,
        "year": 2024,
        "token": card_token(kpj_card_id=o["card_a"].pk),
        "category": "balance_missing",
        "member_id": o["family_member_a"].pk,
        "document_type": "ktp",
        "table": "active_daily",
        "report_id": o["report_e"].pk,
        "collective_id": o["collective_e"].pk,
        "participant_id": o["participant_a"].pk,
        "appointment_id": o["appointment_a"].pk,
        "batch_id": 1,
        "branch_code": o["branch_x"].code,
    }


def anonymous_ticket_kwargs(world: World) -> dict:
    ticket = world.objects["anonymous_ticket"]
    return {"number": ticket.number, "token": ticket_status_token(ticket=ticket)}


# Admin change pages open A's object (or branch X's); other models open their first row.
ADMIN_OBJECTS = {
    "participants/participant": lambda o: o["participant_a"],
    "participants/kpjcard": lambda o: o["card_a"],
    "participants/user": lambda o: o["participant_a"].user,
    "participants/employer": lambda o: o["employer_e"],
    "participants/dataupdaterequest": lambda o: o["data_update_a"],
    "participants/partnercredential": lambda o: o["employer_e"].partner_credentials.first(),
    "appointments/branch": lambda o: o["branch_x"],
    "appointments/appointment": lambda o: o["appointment_a"],
    "appointments/queueticket": lambda o: o["queue_ticket_x"],
    "claims/claim": lambda o: o["claim_a"],
    "complaints/ticket": lambda o: o["ticket_a"],
    "documents/document": lambda o: o["document_a"],
    "mfa/authenticator": lambda o: o["staff_x"].authenticator_set.first(),
}
# Routes written as regular expressions (allauth's, the admin's): their URLs, by hand.
REGEX_ROUTES = {
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": "/accounts/confirm-email/not-a-key/",
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
        "/accounts/password/reset/key/1-not-a-key/"
    ),
    "admin/(?P<url>.*)$": "/admin/no-such-page/",
}
ROUTE_VALUES = {  # kwargs whose value depends on the route, by URL name
    "news:article_detail": lambda o: {"slug": o["article"].slug},
    "news:article_cover": lambda o: {"slug": o["article"].slug},
    "news:guide_detail": lambda o: {"slug": "claim-jht"},
    "data_update_edit": lambda o: {"slug": "address"},
    "complaints:self_help": lambda o: {"category": "balance_missing"},
    "complaints:create": lambda o: {"category": "balance_missing"},
    "complaints:status": lambda o: {
        "number": o["anonymous_ticket"].number,
        "token": ticket_status_token(ticket=o["anonymous_ticket"]),
    },
    "data_update_family_member": lambda o: {"slug": "change"},
    "complaints:status_file": lambda o: {
        "number": o["anonymous_ticket"].number,
        "token": ticket_status_token(ticket=o["anonymous_ticket"]),
    },
    "admin:auth_user_password_change": lambda o: {"id": o["participant_a"].user.pk},
    "appointments:queue_door": lambda o: {
        "token": door_token(branch_id=o["branch_x"].pk, day=timezone.localdate())
    },
}


def _admin_object_id(world: World, route: str):
    from django.apps import apps

    model_path = route.removeprefix("admin/").split("/<", 1)[0]
    if model_path in ADMIN_OBJECTS:
        return ADMIN_OBJECTS[model_path](world.objects).pk
    app_label, model_name = model_path.split("/")
    row = apps.get_model(app_label, model_name).objects.order_by("pk").first()
    return row.pk if row else 0


def url_for(world: World, route: str, name: str | None) -> str:
    import re

    from django.contrib.contenttypes.models import ContentType

    if route in REGEX_ROUTES:
        return REGEX_ROUTES[route]
    if route.startswith("admin/^("):  # the admin's per-app index
        return "/admin/participants/"
    values = url_values(world)
    if name in ROUTE_VALUES:
        values.update(ROUTE_VALUES[name](world.objects))
    if route.startswith("admin/r/"):
        participant = world.objects["participant_a"]
        values["content_type_id"] = ContentType.objects.get_for_model(participant).pk
        values["object_id"] = participant.pk
    elif "<path:object_id>" in route:
        values["object_id"] = _admin_object_id(world, route)

    def value(match):
        return str(values[match.group(1)])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)

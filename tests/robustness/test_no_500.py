"""Bad input (issue 10): no form, serializer or view fails on any input.

Hypothesis feeds every form and serializer of the project (found by walking the apps, see
discovery.py) and every URL of the portal with unicode, huge strings, numbers, odd values and
missing fields. A form or serializer may only answer "valid" or "invalid, with errors";
a view may answer anything below 500. Bounded and derandomized, so CI runs the same cases:
HYPOTHESIS_EXAMPLES raises the count for a longer local hunt.
"""

import datetime
import inspect
import json
import os
from urllib.parse import quote

import pytest
from allauth.account.forms import LoginForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.request import Request

from appointments import services as appointment_services
from appointments.models import ServiceType
from complaints.models import Category
from core.models import Branch
from data_updates.views import PAGES
from tests.appointments.conftest import open_branch
from tests.factories import (
    BranchFactory,
    ClaimFactory,
    FamilyMemberFactory,
    KpjCardFactory,
    ParticipantFactory,
    UserFactory,
)
from tests.robustness import strategies
from tests.robustness.discovery import forms_in_project, serializers_in_project

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "20"))
BOUNDED = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# Admin pages are Django's own and staff-only (issue 10's access matrix covers who gets in);
# the schema and Swagger UI take no input.
SKIPPED_PREFIXES = ("admin/", "api/schema/", "api/docs/")


@pytest.fixture
def world(db):
    user = UserFactory(email="rina@example.test")
    participant = ParticipantFactory(user=user, full_name="Rina Marlina")
    KpjCardFactory(participant=participant)
    request = RequestFactory().post("/")
    request.user = user
    request.session = {}
    member = FamilyMemberFactory(
        participant=participant,
        full_name="Anak Rina",
        relationship="child",
        birth_date=datetime.date(2015, 1, 1),
    )
    return {
        "user": user,
        "participant": participant,
        "request": request,
        "claim": ClaimFactory(participant=participant),
        "member": member,
    }


# What a form's constructor may ask for, by parameter name. A new form asking for something
# else fails `_build` with its name: add the argument here.
def _arguments(world) -> dict:
    return {
        "participant": world["participant"],
        "draft": None,
        "slots": [],
        "heir_allowed": False,
        "request": world["request"],
        "user": world["user"],
        "claim": world["claim"],
        "member": world["member"],
        "branches": Branch.objects.all(),
        "all_branches": True,
        "records": [world["participant"]],  # the staff merge form's candidate records
        "branch": world["participant"].branch,  # the queue's walk-in form: its branch's services
    }


def _required_keywords(form_class) -> set[str]:
    names = set()
    for klass in form_class.__mro__:
        init = vars(klass).get("__init__")
        if init is None:
            continue
        for parameter in inspect.signature(init).parameters.values():
            if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty:
                names.add(parameter.name)
    if issubclass(form_class, LoginForm):
        names.add("request")  # allauth's forms take it through **kwargs
    if "claim" in names:
        names.discard("participant")  # a claim's form passes the claim's participant itself
    return names


def _build(form_class, world, **kwargs):
    known = _arguments(world)
    needed = _required_keywords(form_class)
    unknown = needed - known.keys()
    assert not unknown, f"{form_class.__name__} needs {unknown}: add them to _arguments()"
    return form_class(**kwargs, **{name: known[name] for name in needed})


def _name(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


@pytest.mark.parametrize("form_class", forms_in_project(), ids=_name)
def test_form_answers_valid_or_says_which_field(form_class, world):
    blank = _build(form_class, world)

    @BOUNDED
    @given(st.data())
    def check(data):
        values, files = data.draw(strategies.form_data(blank))
        bound = MultiValueDict(
            {k: (v if isinstance(v, list) else [v]) for k, v in values.items() if v is not None}
        )
        uploads = MultiValueDict(
            {k: [SimpleUploadedFile("upload.bin", v)] for k, v in files.items() if v is not None}
        )
        form = _build(form_class, world, data=bound, files=uploads)
        if not form.is_valid():
            assert form.errors, "an invalid form must say what is wrong"

    check()


def test_discovery_finds_the_known_forms_and_serializers():
    """The walk itself: if it found nothing, every test above would pass vacuously."""
    forms = {cls.__name__ for cls in forms_in_project()}
    found = {cls.__name__ for cls in serializers_in_project()}
    assert {"SignupStartForm", "ClaimFileForm", "TicketForm", "BookingForm"} <= forms
    assert {"LeaversInputSerializer", "MemberFilterSerializer"} <= found


@pytest.mark.parametrize("serializer_class", serializers_in_project(), ids=_name)
def test_serializer_answers_valid_or_says_which_field(serializer_class, world):
    request = Request(world["request"])
    context = {"request": request, "view": None}
    blank = serializer_class(context=context)

    @BOUNDED
    @given(st.one_of(strategies.serializer_data(blank), strategies.json_value))
    def check(payload):
        serializer = serializer_class(data=payload, context=context)
        if not serializer.is_valid():
            assert serializer.errors, "an invalid payload must say what is wrong"

    check()


def _routes(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route.lstrip("^").rstrip("$")


ROUTES = sorted(set(_routes()))
SLUGS = sorted({*PAGES, *Category.values, "register", "x"})
FIELD_NAMES = sorted(
    {name for form in forms_in_project() for name in form.base_fields}
    | {name for s in serializers_in_project() for name in s._declared_fields}
)


def _path_value(converter: str):
    if converter == "int":
        return st.sampled_from(["1", "2", "0", "9" * 25]).map(str)
    if converter == "slug":
        slug = st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True)
        return st.one_of(st.sampled_from(SLUGS), slug)
    return st.one_of(st.sampled_from(SLUGS), strategies.text.filter(lambda s: s and "/" not in s))


def _url(route: str):
    """A strategy of concrete URLs for a route such as `claims/<int:claim_id>/`."""
    parts = []
    rest = route
    while "<" in rest:
        before, _, tail = rest.partition("<")
        spec, _, rest = tail.partition(">")
        converter = spec.split(":")[0] if ":" in spec else "str"
        parts += [st.just(before), _path_value(converter).map(lambda v: quote(v, safe=""))]
    parts.append(st.just(rest))
    return st.tuples(*parts).map(lambda bits: "/" + "".join(bits))


payload = st.dictionaries(
    st.sampled_from(FIELD_NAMES) | strategies.text, strategies.scalar, max_size=8
)


@pytest.mark.parametrize("route", ROUTES)
def test_view_never_answers_500(route, world):
    anonymous = Client()
    participant = Client()

    @BOUNDED
    @given(
        url=_url(route),
        method=st.sampled_from(["get", "post", "post-json"]),
        logged_in=st.booleans(),
        data=payload,
    )
    def check(url, method, logged_in, data):
        client = participant if logged_in else anonymous
        if logged_in:
            client.force_login(world["user"])  # the previous example may have logged out
        if method == "get":
            response = client.get(url, data)
        elif method == "post":
            response = client.post(url, data)
        else:
            response = client.post(url, json.dumps(data), content_type="application/json")
        assert response.status_code < 500, f"{method.upper()} {url} answered {response.status_code}"

    check()


# --- inputs that once answered 500 (issue 18) -----------------------------------------------
# Each 500 also e-mails the admins, so these known cases run on every test run, not only when
# Hypothesis happens to draw them. On PostgreSQL a NUL byte in a compared string raised.

DEEP_ARRAY = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000
KNOWN_BAD = [
    ("get", "/search/", {"q": "saldo\x00"}),
    ("get", "/faq/", {"q": "\x00"}),
    ("get", "/news/", {"category": "berita\x00"}),
    ("post-json", "/api/v1/simulations/contribution", DEEP_ARRAY),
    ("post-json", "/api/v1/simulations/pension-age", DEEP_OBJECT),
    ("post-json", "/api/v1/employers/me/contributions", DEEP_OBJECT),
]


@pytest.fixture
def booked_for_robustness(world, django_capture_on_commit_callbacks):
    service, _ = ServiceType.objects.update_or_create(
        code="test_visit",
        defaults={"name_id": "Kunjungan uji", "name_en": "Test visit", "duration_minutes": 30},
    )
    branch = open_branch(BranchFactory(code="near", name="KCP Dekat"), service)
    person = ParticipantFactory(user=UserFactory(), branch=branch)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = appointment_services.appointment_request_create(
            participant=person, service_type=service, branch_choices=[branch],
            window_start=tomorrow, window_end=tomorrow + datetime.timedelta(days=2),
        )  # fmt: skip
    return appointment


@pytest.mark.parametrize(("method", "url", "data"), KNOWN_BAD)
def test_known_bad_inputs_never_answer_500(method, url, data, world):
    anonymous, participant = Client(), Client()
    participant.force_login(world["user"])
    for client in (anonymous, participant):
        if method == "get":
            response = client.get(url, data)
        else:
            response = client.post(url, data, content_type="application/json")
        assert response.status_code < 500, f"{method.upper()} {url} answered {response.status_code}"


def test_deeply_nested_json_is_a_400_in_the_api_error_shape(world):
    response = Client().post(
        "/api/v1/simulations/contribution", DEEP_OBJECT, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "parse_error"
    assert "20" in body["message"]  # says how deep a request may nest


def test_a_move_date_far_in_the_future_is_explained_not_a_500(client, booked_for_robustness):
    appointment = booked_for_robustness
    client.force_login(appointment.participant.user)
    url = reverse("appointments:move", args=[appointment.pk])
    for date in ("9999-12-31", "0001-01-01", "2026-02-30"):
        response = client.get(url, {"date": date})
        assert response.status_code == 200, date
    response = client.get(url, {"date": "9999-12-31"})
    shown = [str(message) for message in response.context["messages"]]
    assert any("60" in message for message in shown), shown  # how far ahead one may book
    assert response.context["next_day"] is None


def test_an_api_body_above_the_upload_limit_is_a_413_not_parsed(world, settings):
    """DRF reads the stream past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check: the parser holds it."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"category": "pu", "note": "x" * 2000})
    response = Client().post(
        "/api/v1/simulations/contribution", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert set(response.json()) == {"code", "message", "fields"}


def test_the_parser_reads_no_more_than_the_views_limit():
    """Whatever Content-Length said, at most max_body_bytes + 1 bytes are read, then a 413."""
    import io
    from types import SimpleNamespace

    from jmo_portal.api_errors import ApiError
    from jmo_portal.api_parsers import BoundedJSONParser

    stream = io.BytesIO(b'{"rows": [' + b"{}," * 10_000 + b"{}]}")
    with pytest.raises(ApiError) as refused:
        BoundedJSONParser().parse(
            stream, parser_context={"view": SimpleNamespace(max_body_bytes=1000)}
        )
    assert refused.value.status_code == 413
    assert stream.tell() == 1001

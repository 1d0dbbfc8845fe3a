from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.ratelimit import client_ip
from core.ratelimit import hit as rate_hit
from documents.views import document_file_response
from participants.selectors import participant_get_for_user

from . import rules, selectors, services
from .forms import AnonymousTicketForm, RatingForm, ReplyForm, TicketFollowForm, TicketForm
from .models import ANONYMOUS_CATEGORIES, Category, Ticket
from .tokens import ticket_status_token

# Anonymous complaints: per address and per NIK, on the shared cache.
ANONYMOUS_LIMITS = {"ip": (5, 60 * 60), "nik": (3, 24 * 60 * 60)}
# Following a complaint by number: per client address and per ticket number.
FOLLOW_LIMITS = {"ip": (20, 60 * 60), "number": (5, 60 * 60)}


def _category_or_404(value: str) -> Category:
    try:
        return Category(value)
    except ValueError as exc:
        raise Http404 from exc


def _complainant(request, category: Category | None = None):
    """(participant, error response). Visitors may only report account problems."""
    if not request.user.is_authenticated:
        if category is not None and category not in ANONYMOUS_CATEGORIES:
            return None, redirect_to_login(request.get_full_path())
        return None, None
    participant = participant_get_for_user(user=request.user)
    if participant is None:
        return None, render(request, "complaints/not_participant.html", status=403)
    return participant, None


def complaint_start(request):
    participant, refused = _complainant(request)
    if refused:
        return refused
    categories = Category if participant else ANONYMOUS_CATEGORIES
    return render(
        request,
        "complaints/start.html",
        {"categories": [(c.value, c.label) for c in categories], "participant": participant},
    )


SELF_HELP_SESSION_KEY = "complaints_self_help_answers"


@require_http_methods(["GET", "POST"])
def complaint_self_help(request, category):
    category = _category_or_404(category)
    participant, refused = _complainant(request, category)
    if refused:
        return refused
    if request.method == "POST":
        solved = request.POST.get("solved") == "yes"
        # The session remembers which row it answered for each problem: repeated posts (a
        # double click, the back button, a script) change that one answer, never add rows.
        answered = dict(request.session.get(SELF_HELP_SESSION_KEY, {}))
        offer = services.self_help_record(
            category=category,
            solved=solved,
            participant=participant,
            earlier_offer_id=answered.get(category.value),
            client_key=client_ip(request),
        )
        if offer is not None and answered.get(category.value) != offer.pk:
            answered[category.value] = offer.pk
            request.session[SELF_HELP_SESSION_KEY] = answered
        if solved:
            return render(request, "complaints/self_help_solved.html")
        return redirect("complaints:create", category=category.value)
    help_ = rules.SELF_HELP[category]
    return render(
        request,
        "complaints/self_help.html",
        {
            "category": category,
            "help": help_,
            "action_url": reverse(help_.action_url_name) if help_.action_url_name else "",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_create(request, category):
    category = _category_or_404(category)
    participant, refused = _complainant(request, category)
    if refused:
        return refused
    form_class = TicketForm if participant else AnonymousTicketForm
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if participant is None and not rate_hit(
            key=f"complaint-ip:{client_ip(request)}",
            limit=ANONYMOUS_LIMITS["ip"][0],
            period=ANONYMOUS_LIMITS["ip"][1],
        ):
            return render(request, "complaints/rate_limited.html", status=429)
        if form.is_valid():
            if participant is None and not rate_hit(
                key=f"complaint-nik:{form.cleaned_data['nik']}",
                limit=ANONYMOUS_LIMITS["nik"][0],
                period=ANONYMOUS_LIMITS["nik"][1],
            ):
                return render(request, "complaints/rate_limited.html", status=429)
            try:
                return _file_complaint(request, form.cleaned_data, category, participant)
            except ValidationError as refusal:  # a file refused by the upload after the form
                form.add_error("attachments", refusal.messages)
    return render(
        request,
        "complaints/form.html",
        {"form": form, "category": category, "anonymous": participant is None},
    )


def _file_complaint(request, data, category, participant):
    if participant:
        ticket = services.ticket_create(
            participant=participant,
            category=category,
            subject=data["subject"],
            body=data["body"],
            attachments=data["attachments"],
        )
        messages.success(
            request,
            _("Your complaint %(number)s was sent. Staff will answer here and by e-mail.")
            % {"number": ticket.number},
        )
        return redirect("complaints:detail", number=ticket.number)
    ticket = services.ticket_create_anonymous(
        category=category,
        nik=data["nik"],
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        branch=data["branch"],
        subject=data["subject"],
        body=data["body"],
        attachments=data["attachments"],
    )
    status_url = reverse(
        "complaints:status",
        kwargs={"number": ticket.number, "token": ticket_status_token(ticket=ticket)},
    )
    return redirect(f"{status_url}?new=1")


@never_cache
@login_required
def complaint_list(request):
    participant, refused = _complainant(request)
    if refused:
        return refused
    tickets = selectors.tickets_for_participant(participant=participant)
    return render(request, "complaints/list.html", {"tickets": tickets})


def _ticket_page(request, ticket: Ticket, *, actor, anonymous: bool, token: str = ""):
    """The thread, a reply box while open, and the rating once resolved (GET and POST)."""
    reply_form, rating_form = ReplyForm(), RatingForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "reply":
                reply_form = ReplyForm(request.POST, request.FILES)
                if reply_form.is_valid():
                    try:
                        services.ticket_reply(
                            ticket=ticket,
                            body=reply_form.cleaned_data["body"],
                            author=actor,
                            from_staff=False,
                            attachments=reply_form.cleaned_data["attachments"],
                        )
                    except ValidationError as refusal:  # refused by the upload itself
                        reply_form.add_error("attachments", refusal.messages)
                    else:
                        messages.success(request, _("Your reply was sent."))
                        return redirect(request.path)
            elif action == "rate":
                rating_form = RatingForm(request.POST)
                if rating_form.is_valid():
                    services.ticket_rate(
                        ticket=ticket,
                        rating=rating_form.cleaned_data["rating"],
                        comment=rating_form.cleaned_data["comment"],
                        actor=actor,
                    )
                    messages.success(request, _("Thank you for rating our help."))
                    return redirect(request.path)
        except services.TicketError as error:
            messages.error(request, error.message)
            return redirect(request.path)
    context = {
        "ticket": ticket,
        "thread": selectors.ticket_messages(ticket=ticket),
        "reply_form": reply_form,
        "rating_form": rating_form,
        "anonymous": anonymous,
        "status_token": token,
        "just_filed": anonymous and request.GET.get("new") == "1",
        "page_url": request.build_absolute_uri(request.path),
    }
    return render(request, "complaints/detail.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def complaint_detail(request, number):
    participant, refused = _complainant(request)
    if refused:
        return refused
    ticket = selectors.ticket_get_for_participant(participant=participant, number=number)
    return _ticket_page(request, ticket, actor=request.user, anonymous=False)


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_follow(request):
    """Follow a complaint sent without an account by its number and the NIK or phone given.

    A wrong number and a wrong NIK or phone get the same answer; tries are limited per client
    address and per ticket number, so numbers cannot be walked nor a NIK guessed for one.
    """
    form = TicketFollowForm(request.POST or None)
    if request.method == "POST":
        limit, period = FOLLOW_LIMITS["ip"]
        if not rate_hit(key=f"complaint-follow-ip:{client_ip(request)}", limit=limit,
                        period=period):  # fmt: skip
            return render(request, "complaints/follow_limited.html", status=429)
        if form.is_valid():
            number = form.cleaned_data["number"]
            limit, period = FOLLOW_LIMITS["number"]
            if not rate_hit(key=f"complaint-follow-number:{number}", limit=limit, period=period):
                return render(request, "complaints/follow_limited.html", status=429)
            ticket = selectors.ticket_get_by_number_and_contact(
                number=number, nik_or_phone=form.cleaned_data["nik_or_phone"]
            )
            if ticket is not None:
                return redirect(
                    "complaints:status", number=ticket.number,
                    token=ticket_status_token(ticket=ticket),
                )  # fmt: skip
            form.add_error(
                None,
                ValidationError(
                    _(
                        "No complaint sent without an account has this number with this NIK "
                        "or mobile number. Check both against the e-mail we sent you. A "
                        "complaint sent from your account is in your account, after you log in."
                    ),
                    code="not_found",
                ),
            )
    return _private_link(render(request, "complaints/follow.html", {"form": form}))


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_status(request, number, token):
    """An anonymous complaint, reached by its status link: no account needed."""
    ticket = selectors.ticket_get_by_status_link(number=number, token=token)
    response = _ticket_page(request, ticket, actor=None, anonymous=True, token=token)
    return _private_link(response)


def _private_link(response):
    response["Referrer-Policy"] = "no-referrer"  # the link is the key; never leak it
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def complaint_status_file(request, number, token, document_id):
    """A file of an anonymous complaint, for whoever holds its status link (the visitor).

    Wrong token, a participant's complaint, or a file of another complaint: the same 404.
    Staff fetch these files through documents' own view (staff of the complaint's branch).
    """
    ticket = selectors.ticket_get_by_status_link(number=number, token=token)
    document = selectors.ticket_attachment_document(ticket=ticket, document_id=document_id)
    return _private_link(document_file_response(request, document))

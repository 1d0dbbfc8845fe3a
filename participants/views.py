from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from . import rules
from .card import TokenState, card_token, card_token_check, qr_svg
from .dashboard import dashboard_panels_context
from .forms import ContributionSimulationForm, JhtProjectionForm, PensionAgeForm
from .page_cache import page_fragment
from .selectors import (
    balance_get_for_participant,
    kpj_card_get_for_participant,
    kpj_card_verification_get,
    member_overview_get,
    participant_get_for_user,
    participant_get_for_user_or_404,
    rules_load,
    statement_get_for_participant,
    statement_years_for_participant,
)
from .statement import statement_pdf


def home(request):
    return render(request, "home.html")


@never_cache
@login_required
def dashboard(request):
    content = page_fragment(
        user=request.user, name="dashboard", render=lambda: _dashboard_content(request.user)
    )
    return render(request, "participants/dashboard.html", {"content": content})


def _dashboard_content(user) -> str:
    participant = participant_get_for_user(user=user)
    context = {"participant": participant}
    if participant is not None:
        overview = member_overview_get(participant=participant, on=timezone.localdate())
        context.update(cards=overview.cards, membership=overview.membership)
        context.update(dashboard_panels_context(participant=participant))
    return render_to_string("participants/_dashboard_content.html", context)


@never_cache
@login_required
def balance(request):
    """Cek saldo: total JHT, per-card breakdown and a page of recent postings."""
    try:
        page = int(request.GET.get("page", 1))
    except ValueError:
        page = 1
    today = timezone.localdate()
    if 1 <= page <= settings.PAGE_CACHE_MAX_PAGES:
        content = page_fragment(
            user=request.user,
            # The statement years and the rules read for a member without JHT change with the
            # date.
            name=f"balance:{page}:{today.isoformat()}",
            render=lambda: _balance_content(request, page=page, today=today),
        )
    else:
        # Any page number may be asked for: caching each would let one visitor fill the
        # cache (it shares Redis with the broker and the rate limits), so these render afresh.
        content = mark_safe(_balance_content(request, page=page, today=today))  # noqa: S308
    return render(request, "participants/balance.html", {"content": content})


# Statement years shown as buttons; older ones fold away under "Earlier years".
RECENT_STATEMENT_YEARS = 3


def _balance_content(request, *, page: int, today) -> str:
    participant = participant_get_for_user_or_404(user=request.user)
    view = balance_get_for_participant(participant=participant, page=page, on=today)
    return render_to_string(
        "participants/_balance_content.html",
        {
            "view": view,
            "recent_years": view.statement_years[:RECENT_STATEMENT_YEARS],
            "earlier_years": view.statement_years[RECENT_STATEMENT_YEARS:],
        },
    )


@never_cache
@login_required
def statement(request, year: int):
    """The annual JHT statement of the logged-in participant, as a PDF download."""
    participant = participant_get_for_user_or_404(user=request.user)
    today = timezone.localdate()
    # Only the years the balance page offers: none before the member's first card joined.
    if year not in statement_years_for_participant(participant=participant, on=today):
        raise Http404
    lines, postings = statement_get_for_participant(participant=participant, year=year)
    pdf = statement_pdf(
        participant=participant, year=year, lines=lines, postings=postings, generated_on=today
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="jht-statement-{year}.pdf"'
    return response


@never_cache
@login_required
def card(request, card_id: int):
    """The digital membership card, with a QR code anyone can scan to check it is valid."""
    participant = participant_get_for_user_or_404(user=request.user)
    kpj_card = kpj_card_get_for_participant(participant=participant, kpj_card_id=card_id)
    verify_url = request.build_absolute_uri(
        reverse("card_verify", args=[card_token(kpj_card_id=kpj_card.pk)])
    )
    return render(
        request,
        "participants/card.html",
        {
            "participant": participant,
            "card": kpj_card,
            "verify_url": verify_url,
            "qr_svg": mark_safe(qr_svg(verify_url)),  # noqa: S308 - our own generated SVG
        },
    )


@never_cache
def card_verify(request, token: str):
    """Public check of a scanned card: valid or not, with no personal data."""
    state, card_id = card_token_check(token)
    kpj_card = kpj_card_verification_get(kpj_card_id=card_id) if card_id else None
    expired = state is TokenState.EXPIRED
    response = render(
        request,
        "participants/card_verify.html",
        {
            "card": kpj_card,
            "expired": expired,
            "max_age_minutes": settings.CARD_QR_TOKEN_MAX_AGE // 60,
            "checked_at": timezone.localtime(),
        },
        # 410: the code was real but is no longer good; 404: it never was.
        status=200 if kpj_card else 410 if expired else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def simulate_contribution(request):
    """Simulasi iuran and the pension age, for anyone, as GET forms."""
    result = pension = None
    form = ContributionSimulationForm(request.GET or None)
    if "category" in request.GET and form.is_valid():
        try:
            result = rules.contribution_calculate(
                rules_load(), rules.ContributionInput(**form.cleaned_data)
            )
        except rules.RuleInputError as error:
            _add_rule_errors(form, error)
    elif "category" not in request.GET:
        form = ContributionSimulationForm(
            initial={**ContributionSimulationForm.EXAMPLE, "on_date": timezone.localdate()}
        )
    age_form = PensionAgeForm(
        request.GET if "year" in request.GET else None,
        initial={"year": timezone.localdate().year},
    )
    if age_form.is_bound and age_form.is_valid():
        year = age_form.cleaned_data["year"]
        try:
            pension = {"year": year, "age": rules.pension_age(rules_load(), year)}
        except rules.RuleInputError as error:
            _add_rule_errors(age_form, error)
    return render(
        request,
        "participants/simulate_contribution.html",
        {"form": form, "result": result, "age_form": age_form, "pension": pension},
    )


def simulate_jht(request):
    """Simulasi JHT: a year-by-year projection table and a bar chart (inline SVG)."""
    rows = chart = None
    form = JhtProjectionForm(request.GET or None, initial=JhtProjectionForm.EXAMPLE)
    if form.is_bound and form.is_valid():
        try:
            rows = rules.jht_projection(
                rules_load(), on_date=timezone.localdate(), **form.cleaned_data
            )
            chart = _bar_chart([row.closing for row in rows])
        except rules.RuleInputError as error:
            _add_rule_errors(form, error)
    return render(
        request, "participants/simulate_jht.html", {"form": form, "rows": rows, "chart": chart}
    )


def _add_rule_errors(form, error: rules.RuleInputError) -> None:
    for name, messages in error.errors.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def _bar_chart(values: list[int], width: int = 600, height: int = 200) -> dict:
    """Bar geometry for an SVG chart drawn by the template (attributes only, CSP-safe)."""
    top = max(values) or 1
    step = width / len(values)
    bars = []
    for index, value in enumerate(values):
        bar_height = round(value / top * (height - 20))
        bars.append(
            {
                "x": round(index * step + step * 0.15, 1),
                "y": height - bar_height,
                "width": round(step * 0.7, 1),
                "height": bar_height,
                "year": index + 1,
                "value": value,
            }
        )
    return {"width": width, "height": height, "bars": bars}

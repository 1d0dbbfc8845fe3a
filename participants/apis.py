"""Participants' REST API: public simulators (anonymous, throttled) and the own balance."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from jmo_portal.api_fields import MoneyField
from jmo_portal.api_schema import error_responses

from . import rules
from .selectors import balance_get_for_participant, participant_get_for_user, rules_load

TAG_PUBLIC = "Public: simulators"
TAG_PARTICIPANT = "Participant: own data"


class ProgramSerializer(serializers.Serializer):
    program = serializers.CharField()
    employer = MoneyField()
    worker = MoneyField()
    total = MoneyField()
    government = MoneyField(
        help_text=_("Paid by the government (JKP); not charged to employer or worker.")
    )
    recomposed = MoneyField(
        help_text=_("Part of the employer's JKK/JKM contribution that funds JKP.")
    )


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    opening = MoneyField()
    contributions = MoneyField()
    returns = MoneyField()
    closing = MoneyField()


class CardSerializer(serializers.Serializer):
    kpj_number = serializers.CharField(source="number")
    employer = serializers.CharField(source="employer.name", default=None)
    status = serializers.CharField()
    joined_on = serializers.DateField()
    left_on = serializers.DateField()
    balance = serializers.SerializerMethodField()
    last_contribution_month = serializers.SerializerMethodField()
    programs = serializers.SerializerMethodField()

    def _balance(self, card):
        return getattr(card, "balance", None)

    @extend_schema_field(MoneyField())
    def get_balance(self, card) -> int:
        row = self._balance(card)
        return row.balance if row else 0

    def get_last_contribution_month(self, card) -> str | None:
        row = self._balance(card)
        month = row.last_contribution_month if row else None
        return month.strftime("%Y-%m") if month else None

    def get_programs(self, card) -> list[dict]:
        return [
            {
                "program": enrolment.program,
                "started_on": enrolment.started_on.isoformat(),
                "ended_on": enrolment.ended_on.isoformat() if enrolment.ended_on else None,
            }
            for enrolment in card.enrolments.all()
        ]


class PostingSerializer(serializers.Serializer):
    kpj_number = serializers.CharField(source="kpj_card.number")
    kind = serializers.CharField()
    program = serializers.CharField()
    month = serializers.DateField(format="%Y-%m")
    employer = MoneyField(source="employer_amount")
    worker = MoneyField(source="worker_amount")
    amount = MoneyField()
    paid_on = serializers.DateField()


class PostingPageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    page_count = serializers.IntegerField()
    count = serializers.IntegerField()
    results = PostingSerializer(many=True)


class SimulationApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "simulations"


class ContributionSimulationApi(SimulationApi):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ContributionSimulationInput"

        category = serializers.ChoiceField(choices=rules.CATEGORIES)
        on_date = serializers.DateField(
            help_text=_("The day the contribution is for (YYYY-MM-DD).")
        )
        monthly_wage = MoneyField(
            required=False, min_value=1, help_text=_("PPU wage, BPU declared income, Jakon wage.")
        )
        jkk_risk_class = serializers.IntegerField(required=False, min_value=1, max_value=5)
        jkk_relief = serializers.BooleanField(
            required=False,
            default=False,
            help_text=_("PPU: the employer is eligible for the JKK relief (PP 7/2025)."),
        )
        include_jht = serializers.BooleanField(required=False, default=False)
        jht_amount = MoneyField(required=False, min_value=1)
        project_value = MoneyField(required=False, min_value=1)
        pmi_phase = serializers.ChoiceField(
            required=False, choices=[rules.PMI_PRE_DEPARTURE, rules.PMI_PLACEMENT]
        )
        contract_months = serializers.IntegerField(required=False, min_value=1, max_value=120)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ContributionSimulationOutput"

        programs = ProgramSerializer(many=True)
        total = MoneyField()
        rules_valid_on = serializers.DateField()
        unconfirmed = serializers.BooleanField(
            help_text=_("True when a rule used is not yet confirmed by a second source.")
        )

    @extend_schema(
        operation_id="simulate_contribution",
        summary="Calculate a month's contributions",
        tags=[TAG_PUBLIC],
        request=InputSerializer,
        responses={200: OutputSerializer, **error_responses(400, 405, 406, 429)},
        auth=[],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = rules.contribution_calculate(
            rules_load(), rules.ContributionInput(**serializer.validated_data)
        )
        return Response(contribution_result_data(result))


def contribution_result_data(result: rules.ContributionResult) -> dict:
    return {
        "programs": [
            {
                "program": program.program,
                "employer": program.employer,
                "worker": program.worker,
                "total": program.total,
                "government": program.government,
                "recomposed": program.recomposed,
            }
            for program in result.programs
        ],
        "total": result.total,
        "rules_valid_on": result.rules_valid_on.isoformat(),
        "unconfirmed": result.unconfirmed,
    }


class PensionAgeApi(SimulationApi):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PensionAgeInput"

        year = serializers.IntegerField(min_value=1900, max_value=2200)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PensionAgeOutput"

        year = serializers.IntegerField()
        pension_age = serializers.IntegerField()

    @extend_schema(
        operation_id="simulate_pension_age",
        summary="Pension age for a birth year",
        tags=[TAG_PUBLIC],
        parameters=[OpenApiParameter("year", int, required=True)],
        responses={200: OutputSerializer, **error_responses(400, 405, 406, 429)},
        auth=[],
    )
    def get(self, request):
        serializer = self.InputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        year = serializer.validated_data["year"]
        return Response({"year": year, "pension_age": rules.pension_age(rules_load(), year)})


class JhtProjectionApi(SimulationApi):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "JhtProjectionInput"

        balance = MoneyField(min_value=0)
        monthly_wage = MoneyField(min_value=0)
        years = serializers.IntegerField(min_value=1, max_value=50)
        annual_return = serializers.DecimalField(
            max_digits=5, decimal_places=2, min_value=0, max_value=30
        )
        wage_growth = serializers.DecimalField(
            max_digits=5, decimal_places=2, min_value=0, max_value=30, required=False, default=0
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "JhtProjectionOutput"

        years = YearSerializer(many=True)
        final_balance = MoneyField()

    @extend_schema(
        operation_id="simulate_jht_projection",
        summary="Project a JHT balance",
        tags=[TAG_PUBLIC],
        request=InputSerializer,
        responses={200: OutputSerializer, **error_responses(400, 405, 406, 429)},
        auth=[],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = rules.jht_projection(
            rules_load(), on_date=timezone.localdate(), **serializer.validated_data
        )
        return Response(
            {
                "years": [YearSerializer(row).data for row in rows],
                "final_balance": rows[-1].closing,
            }
        )


class MyBalanceApi(APIView):
    """The logged-in participant's JHT balance (cek saldo); session auth with CSRF."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MyBalanceOutput"

        balance = MoneyField()
        last_contribution_month = serializers.CharField(allow_null=True)
        cards = CardSerializer(many=True)
        postings = PostingPageSerializer()

    @extend_schema(
        operation_id="me_balance",
        summary="The participant's own JHT balance",
        tags=[TAG_PARTICIPANT],
        parameters=[OpenApiParameter("page", int, required=False)],
        responses={200: OutputSerializer, **error_responses(403, 404, 405, 406)},
    )
    def get(self, request):
        participant = participant_get_for_user(user=request.user)
        if participant is None:
            raise Http404
        try:
            page = int(request.query_params.get("page", 1))
        except ValueError:
            page = 1
        view = balance_get_for_participant(participant=participant, page=page)
        last = view.last_contribution_month
        return Response(
            {
                "balance": view.balance,
                "last_contribution_month": last.strftime("%Y-%m") if last else None,
                "cards": CardSerializer(view.cards, many=True).data,
                "postings": {
                    "page": view.page,
                    "page_count": view.page_count,
                    "count": view.posting_count,
                    "results": PostingSerializer(view.postings, many=True).data,
                },
            }
        )

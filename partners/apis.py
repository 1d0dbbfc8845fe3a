"""Partner REST API under /api/v1/employers/me/: an employer's system, its own workers only.

Every view declares the scope it needs; the key's employer is the only employer a view sees.
Input serializers list the fields a partner may send: anything else (status, balances,
employer, branch) is ignored, never written.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from claims.choices import Program
from claims.choices import Status as ClaimStatus
from jmo_portal.api_fields import DateTimeField, OptionalEmailField
from participants import selectors, services
from participants.models import Category, KpjCard, LeavingReason, Nationality, kpj_validator
from participants.nik import nik_matches_birth_date, parse_nik

from . import api_examples as examples
from .api_schema import (
    IDEMPOTENCY_PARAMETER,
    PartnerPagination,
    partner_headers,
    partner_responses,
)
from .auth import PartnerApi, partner_scope
from .idempotency import idempotent_response
from .models import PartnerScope
from .selectors import claims_for_employer

MAX_ROWS = 1000
TAG_MEMBERS = "Partner: members"
TAG_CLAIMS = "Partner: claims"


def _today():
    return timezone.localdate()


# Members -----------------------------------------------------------------------------------


class MemberSerializer(serializers.Serializer):
    kpj = serializers.CharField(source="number")
    full_name = serializers.CharField(source="participant.full_name")
    nik = serializers.CharField(source="participant.masked_nik", help_text="Masked NIK.")
    category = serializers.ChoiceField(source="participant.category", choices=Category.choices)
    status = serializers.ChoiceField(choices=KpjCard.Status.choices)
    joined_on = serializers.DateField()
    left_on = serializers.DateField(allow_null=True)
    left_reason = serializers.CharField(help_text="Empty while the card is active.")
    portal_account = serializers.SerializerMethodField()

    class Meta:
        ref_name = "PartnerMember"

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_portal_account(self, card) -> bool:
        # Nothing of the member's own beyond the link until the member confirms it.
        return card.status not in KpjCard.UNCONFIRMED and card.participant.user_id is not None


class MemberFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=KpjCard.Status.choices, required=False)

    class Meta:
        ref_name = "PartnerMemberFilter"


class MemberListApi(PartnerApi, generics.ListAPIView):
    """Your company's members (KPJ cards), filtered by status, 50 a page."""

    permission_classes = [partner_scope(PartnerScope.MEMBERS_READ)]
    serializer_class = MemberSerializer
    pagination_class = PartnerPagination

    def get_queryset(self):
        filters = MemberFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.kpj_cards_for_employer(
            employer=self.employer, status=filters.validated_data.get("status")
        )

    @extend_schema(
        operation_id="employer_members_list",
        examples=examples.MEMBERS_LIST,
        summary="List your members",
        tags=[TAG_MEMBERS],
        parameters=[MemberFilterSerializer, *partner_headers()],
        responses=partner_responses(
            {200: MemberSerializer(many=True)}, scope=PartnerScope.MEMBERS_READ
        ),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MemberDetailApi(PartnerApi):
    """One of your members by KPJ number; another company's KPJ is a 404."""

    permission_classes = [partner_scope(PartnerScope.MEMBERS_READ)]

    @extend_schema(
        operation_id="employer_members_retrieve",
        examples=examples.MEMBER_DETAIL,
        summary="Get one member by KPJ number",
        tags=[TAG_MEMBERS],
        parameters=[
            OpenApiParameter(
                "kpj",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern=r"^\d{11}$",
                description="The member's 11-digit KPJ number.",
            ),
            *partner_headers(),
        ],
        responses=partner_responses({200: MemberSerializer}, scope=PartnerScope.MEMBERS_READ),
    )
    def get(self, request, kpj: str):
        card = selectors.kpj_card_get_for_employer(employer=self.employer, number=kpj)
        return Response(MemberSerializer(card).data)


# Claims ------------------------------------------------------------------------------------


class PartnerClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kpj = serializers.CharField()
    program = serializers.ChoiceField(choices=Program.choices)
    kind = serializers.CharField()
    reason = serializers.CharField()
    status = serializers.ChoiceField(choices=ClaimStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = DateTimeField()
    decided_at = DateTimeField(allow_null=True)
    paid_at = DateTimeField(allow_null=True)

    class Meta:
        ref_name = "PartnerClaim"


class ClaimFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False)
    program = serializers.ChoiceField(choices=Program.choices, required=False)

    class Meta:
        ref_name = "PartnerClaimFilter"


class ClaimListApi(PartnerApi, generics.ListAPIView):
    """Claim status of your workers while they worked for you, newest first; no amounts."""

    permission_classes = [partner_scope(PartnerScope.CLAIMS_READ)]
    serializer_class = PartnerClaimSerializer
    pagination_class = PartnerPagination

    def get_queryset(self):
        filters = ClaimFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return claims_for_employer(employer=self.employer, **filters.validated_data)

    @extend_schema(
        operation_id="employer_claims_list",
        examples=examples.CLAIMS,
        summary="List your workers' claims",
        tags=[TAG_CLAIMS],
        parameters=[ClaimFilterSerializer, *partner_headers()],
        responses=partner_responses(
            {200: PartnerClaimSerializer(many=True)}, scope=PartnerScope.CLAIMS_READ
        ),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# Leavers -----------------------------------------------------------------------------------


class LeaverInputSerializer(serializers.Serializer):
    kpj = serializers.CharField(max_length=11, validators=[kpj_validator])
    left_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=LeavingReason.choices)

    class Meta:
        ref_name = "PartnerLeaverInput"

    def validate_left_on(self, value):
        if value > _today():
            raise serializers.ValidationError(
                _("The leaving date is in the future. Report the worker on or after that day.")
            )
        return value


def _duplicates(rows: list[dict], key: str, message) -> list[dict]:
    seen: set = set()
    errors: list[dict] = []
    for row in rows:
        errors.append({key: [message]} if row[key] in seen else {})
        seen.add(row[key])
    return errors


class LeaversInputSerializer(serializers.Serializer):
    leavers = serializers.ListField(
        child=LeaverInputSerializer(), min_length=1, max_length=MAX_ROWS
    )

    class Meta:
        ref_name = "PartnerLeaversInput"

    def validate_leavers(self, rows):
        errors = _duplicates(rows, "kpj", _("This KPJ number is already in an earlier row."))
        if any(errors):
            raise serializers.ValidationError(errors)
        return rows


class LeaverSerializer(serializers.Serializer):
    kpj = serializers.CharField(source="number")
    status = serializers.ChoiceField(choices=KpjCard.Status.choices)
    left_on = serializers.DateField()
    left_reason = serializers.ChoiceField(choices=LeavingReason.choices)

    class Meta:
        ref_name = "PartnerLeaver"


class LeaversResultSerializer(serializers.Serializer):
    leavers = LeaverSerializer(many=True)

    class Meta:
        ref_name = "PartnerLeaversResult"


class LeaversApi(PartnerApi):
    """Report workers who left: their KPJ cards become non-active. All rows or none."""

    permission_classes = [partner_scope(PartnerScope.MEMBERS_WRITE)]

    @extend_schema(
        operation_id="employer_leavers_create",
        examples=examples.LEAVERS,
        summary="Report workers who left",
        tags=[TAG_MEMBERS],
        request=LeaversInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER, *partner_headers(write_statuses=[200])],
        responses=partner_responses(
            {200: LeaversResultSerializer}, scope=PartnerScope.MEMBERS_WRITE, write=True
        ),
    )
    def post(self, request):
        def perform():
            data = LeaversInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            cards = services.kpj_cards_report_leavers(
                employer=self.employer,
                leavers=[services.LeaverReport(**row) for row in data.validated_data["leavers"]],
                credential=request.auth,
            )
            return 200, LeaversResultSerializer({"leavers": cards}).data

        return idempotent_response(request=request, employer=self.employer, perform=perform)


# New members -------------------------------------------------------------------------------


class NewMemberInputSerializer(serializers.Serializer):
    nik = serializers.CharField(max_length=16)
    full_name = serializers.CharField(max_length=150)
    birth_date = serializers.DateField()
    category = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in (Category.PPU, Category.JAKON, Category.PMI)],
        default=Category.PPU,
    )
    joined_on = serializers.DateField()
    phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    email = OptionalEmailField()
    # A foreign worker with a KITAP holds a NIK too: the NIK says nothing of citizenship.
    nationality = serializers.ChoiceField(
        choices=Nationality.choices,
        default=Nationality.INDONESIAN,
        help_text="WNI (Indonesian citizen, the default) or WNA (foreign national).",
    )

    class Meta:
        ref_name = "PartnerNewMemberInput"

    def validate_joined_on(self, value):
        if value > _today():
            raise serializers.ValidationError(
                _("The joining date is in the future. Register the worker on or after that day.")
            )
        return value

    def validate(self, attrs):
        try:
            info = parse_nik(attrs["nik"], today=_today())
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"nik": exc.messages}) from None
        if not nik_matches_birth_date(info, attrs["birth_date"]):
            raise serializers.ValidationError(
                {
                    "birth_date": [
                        _(
                            "The birth date does not match the one in the NIK. Check both "
                            "on the worker's KTP."
                        )
                    ]
                }
            )
        if attrs["joined_on"] < attrs["birth_date"]:
            raise serializers.ValidationError(
                {"joined_on": [_("The joining date is before the birth date. Check the date.")]}
            )
        attrs["gender"] = info.gender
        return attrs


class NewMembersInputSerializer(serializers.Serializer):
    members = serializers.ListField(
        child=NewMemberInputSerializer(), min_length=1, max_length=MAX_ROWS
    )

    class Meta:
        ref_name = "PartnerNewMembersInput"

    def validate_members(self, rows):
        errors = _duplicates(rows, "nik", _("This NIK is already in an earlier row."))
        if any(errors):
            raise serializers.ValidationError(errors)
        return rows


class NewMemberSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Index of the row in the request.")
    kpj = serializers.CharField(source="card.number")
    nik = serializers.CharField(source="card.participant.masked_nik")
    full_name = serializers.CharField(source="card.participant.full_name")
    status = serializers.ChoiceField(source="card.status", choices=KpjCard.Status.choices)
    joined_on = serializers.DateField(source="card.joined_on")

    class Meta:
        ref_name = "PartnerNewMember"


class NewMembersResultSerializer(serializers.Serializer):
    members = NewMemberSerializer(many=True)

    class Meta:
        ref_name = "PartnerNewMembersResult"


class NewMembersApi(PartnerApi):
    """Register workers: each gets a KPJ card with your company, then can sign up on the portal."""

    permission_classes = [partner_scope(PartnerScope.MEMBERS_WRITE)]

    @extend_schema(
        operation_id="employer_new_members_create",
        examples=examples.NEW_MEMBERS,
        summary="Register new workers",
        tags=[TAG_MEMBERS],
        request=NewMembersInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER, *partner_headers(write_statuses=[201])],
        responses=partner_responses(
            {201: NewMembersResultSerializer}, scope=PartnerScope.MEMBERS_WRITE, write=True
        ),
    )
    def post(self, request):
        def perform():
            data = NewMembersInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            cards = services.members_register_for_employer(
                employer=self.employer,
                members=[services.NewMember(**row) for row in data.validated_data["members"]],
                credential=request.auth,
            )
            rows = [{"row": index, "card": card} for index, card in enumerate(cards)]
            return 201, NewMembersResultSerializer({"members": rows}).data

        return idempotent_response(request=request, employer=self.employer, perform=perform)

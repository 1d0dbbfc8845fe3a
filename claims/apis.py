from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from jmo_portal.api_fields import DateTimeField, MoneyField
from jmo_portal.api_schema import error_responses
from participants.selectors import participant_get_for_user

from . import selectors

TAG_PARTICIPANT = "Participant: own data"


class EstimateLineSerializer(serializers.Serializer):
    label = serializers.CharField()
    amount = serializers.IntegerField()
    basis = serializers.CharField(help_text="How the amount was worked out, in one line.")

    class Meta:
        ref_name = "ClaimEstimateLine"


class ScholarshipLevelSerializer(serializers.Serializer):
    label = serializers.CharField()
    amount_per_year = serializers.IntegerField()
    years = serializers.IntegerField()
    total = serializers.IntegerField()

    class Meta:
        ref_name = "ClaimScholarshipLevel"


class EstimateSerializer(serializers.Serializer):
    """The figures shown when the claim was filed, in the request's language."""

    on_date = serializers.DateField()
    benefit_form = serializers.CharField(help_text='"monthly", "lump_sum" or empty.')
    lines = EstimateLineSerializer(source="amount_lines", many=True)
    notes = serializers.ListField(source="note_texts", child=serializers.CharField())
    scholarship = ScholarshipLevelSerializer(source="scholarship_levels", many=True)

    class Meta:
        ref_name = "ClaimEstimate"


class ClaimOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    program = serializers.CharField()
    kind = serializers.CharField()
    reason = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    channel = serializers.CharField()
    event_date = serializers.DateField(allow_null=True)
    amount_requested = MoneyField(allow_null=True)
    amount_estimated = MoneyField(allow_null=True)
    amount_approved = MoneyField(allow_null=True)
    amount_paid = MoneyField(allow_null=True)
    submitted_at = DateTimeField()
    decided_at = DateTimeField(allow_null=True)
    paid_at = DateTimeField(allow_null=True)
    bank_account = serializers.CharField(source="masked_account")
    estimate = EstimateSerializer(allow_null=True, read_only=True)


class ClaimListApi(APIView):
    """The logged-in participant's claims, newest first."""

    class OutputSerializer(ClaimOutputSerializer):
        class Meta:
            ref_name = "ClaimListItem"

    @extend_schema(
        operation_id="me_claims_list",
        summary="The participant's own claims",
        tags=[TAG_PARTICIPANT],
        responses={200: OutputSerializer(many=True), **error_responses(403, 405, 406)},
    )
    def get(self, request):
        participant = participant_get_for_user(user=request.user)
        claims = selectors.claims_for_participant(participant=participant) if participant else []
        return Response(self.OutputSerializer(claims, many=True).data)


class ClaimDetailApi(APIView):
    """One of the participant's own claims with its timeline; anyone else's is a 404."""

    class OutputSerializer(ClaimOutputSerializer):
        class EventSerializer(serializers.Serializer):
            at = DateTimeField()
            from_status = serializers.CharField()
            to_status = serializers.CharField()
            note = serializers.CharField(source="note_text")

        class DocumentSerializer(serializers.Serializer):
            document_type = serializers.CharField()
            label = serializers.CharField(source="get_document_type_display")
            document_id = serializers.IntegerField(allow_null=True)
            check_status = serializers.CharField(
                source="document.status", allow_null=True, default=None
            )

        class Meta:
            ref_name = "ClaimDetail"

        # Why the claim is where it is now, in the reader's language (empty once resolved).
        decision_note = serializers.CharField(source="current_note_text")
        timeline = EventSerializer(source="events.all", many=True)
        required_documents = DocumentSerializer(source="requirements.all", many=True)

    @extend_schema(
        operation_id="me_claims_retrieve",
        summary="One of the participant's own claims",
        tags=[TAG_PARTICIPANT],
        responses={200: OutputSerializer, **error_responses(403, 404, 405, 406)},
    )
    def get(self, request, claim_id: int):
        claim = selectors.claim_get_for_participant(
            participant=participant_get_for_user(user=request.user), claim_id=claim_id
        )
        return Response(self.OutputSerializer(claim).data)

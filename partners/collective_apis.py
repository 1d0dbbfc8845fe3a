"""`/api/v1/employers/me/collective-claims`: file JHT claims for a group of workers who left
(JSON, or a CSV file sent as the `text/csv` body), list the groups, follow one.

Filing needs the scope claims:write, reading claims:read. Every member becomes a normal
claim through `claims.services.claim_file`; a member who cannot claim gets a row with the
reasons, never a refusal of the whole group (partners/collective_claims.py).
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import parsers, serializers
from rest_framework.response import Response

from claims.choices import Status as ClaimStatus
from core.notifications import absolute_url
from jmo_portal.api_errors import ApiError, ErrorSerializer
from jmo_portal.api_fields import DateTimeField

from . import api_examples as examples
from . import collective_claims as collective
from .api_schema import (
    IDEMPOTENCY_PARAMETER,
    PartnerPagination,
    partner_headers,
    partner_responses,
)
from .auth import PartnerApi, partner_scope
from .idempotency import idempotent_response
from .models import PartnerScope

TAG = "Partner: collective claims"
COLLECTIVE_ID_PARAMETER = OpenApiParameter(
    "collective_id",
    {"type": "integer", "minimum": 0},
    OpenApiParameter.PATH,
    description="The group's `id`, as in its `status_url`.",
)

# Request -----------------------------------------------------------------------------------


class CollectiveMemberInputSerializer(serializers.Serializer):
    kpj = serializers.RegexField(
        r"^\d{11}$",
        help_text="The KPJ number of the worker's card with your company, reported as left.",
    )

    class Meta:
        ref_name = "PartnerCollectiveMemberInput"


class CollectiveClaimInputSerializer(serializers.Serializer):
    members = CollectiveMemberInputSerializer(many=True)

    class Meta:
        ref_name = "PartnerCollectiveClaimInput"


# Response ----------------------------------------------------------------------------------


class RefusalSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=collective.REFUSAL_CODE_CHOICES,
        help_text="Why no claim was filed for this worker; one of the values below.",
    )
    message = serializers.CharField(
        help_text="What it means and what to do, in the language of the filing request."
    )

    class Meta:
        ref_name = "PartnerCollectiveRefusal"


class CollectiveMemberSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Index of the worker in the request (or CSV).")
    kpj = serializers.CharField()
    claim_id = serializers.IntegerField(
        allow_null=True, help_text="The claim filed for the worker; null when refused."
    )
    status = serializers.ChoiceField(
        choices=ClaimStatus.choices,
        allow_null=True,
        source="claim_status",
        help_text="The claim's status now; null when no claim was filed.",
    )
    refusals = RefusalSerializer(many=True)

    class Meta:
        ref_name = "PartnerCollectiveMember"


def _status_url(group) -> str:
    return absolute_url(reverse("api-employer-collective-claim", args=[group.pk]))


class CollectiveClaimSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.ChoiceField(choices=["json", "csv"], help_text="How it was sent.")
    members = serializers.IntegerField(source="member_count", help_text="Workers sent.")
    claims_filed = serializers.IntegerField(source="filed_count")
    refused = serializers.SerializerMethodField(help_text="Workers with no claim filed.")
    created_at = DateTimeField()
    status_url = serializers.SerializerMethodField()

    class Meta:
        ref_name = "PartnerCollectiveClaimSummary"

    def get_refused(self, group) -> int:
        return group.member_count - group.filed_count

    def get_status_url(self, group) -> str:
        return _status_url(group)


class CollectiveClaimSerializer(CollectiveClaimSummarySerializer):
    by_status = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Claims per claim status now (only statuses with claims).",
    )
    rows = CollectiveMemberSerializer(many=True)

    class Meta:
        ref_name = "PartnerCollectiveClaim"


def _detail(group) -> dict:
    rows = [
        {
            "row": member.row,
            "kpj": member.kpj,
            "claim_id": member.claim_id,
            "claim_status": member.claim.status if member.claim else None,
            "refusals": member.refusals,
        }
        for member in group.members.all()
    ]
    group.by_status = collective.collective_status_counts(group)
    group.rows = rows
    return CollectiveClaimSerializer(group).data


def _file(view, request, kpjs_from, source: str) -> Response:
    def perform():
        try:
            kpjs = kpjs_from()
        except collective.CollectiveRefused as exc:
            raise serializers.ValidationError(exc.errors) from None
        group = collective.collective_claim_file(
            employer=view.employer, kpjs=kpjs, credential=request.auth, source=source
        )
        found = collective.collective_claim_get_for_employer(
            employer=view.employer, collective_id=group.pk
        )
        return 201, _detail(found)

    response = idempotent_response(request=request, employer=view.employer, perform=perform)
    if response.status_code == 201:
        response["Location"] = response.data["status_url"]
    return response


FILE_RESPONSES = {
    201: OpenApiResponse(
        CollectiveClaimSerializer,
        description=(
            "The group was filed: a claim for each worker who can claim, the reasons for each "
            "who cannot. `Location` is the group's status URL."
        ),
    )
}


class CollectiveClaimApi(PartnerApi):
    """File JHT claims for workers who left (POST), or list your groups (GET)."""

    permission_classes = [partner_scope(PartnerScope.CLAIMS_WRITE, GET=PartnerScope.CLAIMS_READ)]
    pagination_class = PartnerPagination

    @extend_schema(
        operation_id="employer_collective_claims_list",
        examples=examples.COLLECTIVE_LIST,
        summary="List your collective claims",
        tags=[TAG],
        description="Your groups of claims, newest first, 50 a page, without their rows.",
        parameters=[*partner_headers()],
        responses=partner_responses(
            {200: CollectiveClaimSummarySerializer(many=True)}, scope=PartnerScope.CLAIMS_READ
        ),
    )
    def get(self, request):
        found = collective.collective_claims_for_employer(employer=self.employer)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response(
            CollectiveClaimSummarySerializer(page, many=True).data
        )

    @extend_schema(
        operation_id="employer_collective_claims_create",
        examples=examples.COLLECTIVE_CREATE,
        summary="File JHT claims for workers who left",
        tags=[TAG],
        description=(
            "One JHT claim in full for each worker, as a normal claim of their own: the reason "
            "and date are those of the worker's card with your company, which must be reported "
            "as left (`POST leavers`). The worker uploads their documents on their claim page "
            "and hears of each step like any claim. A worker who cannot claim (not your worker, "
            "still active, waiting period, no bank account in their name, an open JHT claim) "
            "gets a row with the reasons; the others are filed."
        ),
        request=CollectiveClaimInputSerializer,
        parameters=[
            IDEMPOTENCY_PARAMETER,
            *partner_headers(write_statuses=[201], location_statuses=[201]),
        ],
        responses=partner_responses(FILE_RESPONSES, scope=PartnerScope.CLAIMS_WRITE, write=True),
    )
    def post(self, request):
        return _file(
            self, request, lambda: collective.collective_members_parse(request.data), "json"
        )


class CsvBodyParser(parsers.BaseParser):
    """The body as bytes, for `Content-Type: text/csv`; bounded before it is read."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.COLLECTIVE_CLAIM_MAX_CSV_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise _too_large()
        # Kept as text only to be fingerprinted for Idempotency-Key; latin-1 maps every byte,
        # so the CSV parser gets back the exact bytes sent and decodes them as UTF-8 itself.
        return {"csv": body.decode("latin-1")}


def _too_large() -> ApiError:
    return ApiError(
        status_code=413,
        code="request_too_large",
        message=_("The file is larger than %(kb)s kB. Split the group into smaller files.")
        % {"kb": settings.COLLECTIVE_CLAIM_MAX_CSV_BYTES // 1000},
    )


class CollectiveClaimCsvApi(PartnerApi):
    """File JHT claims for workers who left, from a CSV file."""

    permission_classes = [partner_scope(PartnerScope.CLAIMS_WRITE)]
    parser_classes = [CsvBodyParser]

    @extend_schema(
        operation_id="employer_collective_claims_csv_create",
        examples=examples.COLLECTIVE_CSV,
        summary="File JHT claims for workers who left, from a CSV file",
        tags=[TAG],
        description=(
            "The same as `POST collective-claims`, from a CSV file sent as the body with "
            "`Content-Type: text/csv` (UTF-8, comma-separated): a header line with a `kpj` "
            "column (other columns are ignored), then one worker a line; blank lines are "
            "skipped. Errors name the line as a spreadsheet shows it (`line[3].kpj`, the "
            "header being line 1); the first 100 bad lines are named, then a count."
        ),
        request={"text/csv": OpenApiTypes.STR},
        parameters=[
            IDEMPOTENCY_PARAMETER,
            *partner_headers(write_statuses=[201], location_statuses=[201]),
        ],
        responses=partner_responses(
            FILE_RESPONSES,
            scope=PartnerScope.CLAIMS_WRITE,
            write=True,
            extra={
                413: OpenApiResponse(
                    description="The file is larger than 200 kB; split the group.",
                    response=ErrorSerializer,
                ),
                415: OpenApiResponse(
                    description="The body is not sent as `Content-Type: text/csv`.",
                    response=ErrorSerializer,
                ),
            },
        ),
    )
    def post(self, request):
        # Checked before the body is read (request.data), after the key, scope and throttle.
        raw = request._request
        if raw.content_type != CsvBodyParser.media_type:
            raise ApiError(
                status_code=415,
                code="unsupported_media_type",
                message=_("Send the CSV file as the body with 'Content-Type: text/csv'."),
            )
        if int(raw.META.get("CONTENT_LENGTH") or 0) > settings.COLLECTIVE_CLAIM_MAX_CSV_BYTES:
            raise _too_large()

        def kpjs():
            # An empty body never reaches the parser: DRF gives empty data instead.
            text = request.data.get("csv", "")
            return collective.collective_csv_parse(text.encode("latin-1"))

        return _file(self, request, kpjs, "csv")


class CollectiveClaimStatusApi(PartnerApi):
    """The progress of one of your groups: claims per status and each worker's row; another
    company's group is a 404."""

    permission_classes = [partner_scope(PartnerScope.CLAIMS_READ)]

    @extend_schema(
        operation_id="employer_collective_claims_retrieve",
        examples=examples.COLLECTIVE_STATUS,
        summary="Follow one collective claim",
        tags=[TAG],
        parameters=[COLLECTIVE_ID_PARAMETER, *partner_headers()],
        responses=partner_responses(
            {200: CollectiveClaimSerializer}, scope=PartnerScope.CLAIMS_READ
        ),
    )
    def get(self, request, collective_id: int):
        found = collective.collective_claim_get_for_employer(
            employer=self.employer, collective_id=collective_id
        )
        return Response(_detail(found))

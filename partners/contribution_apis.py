"""`/api/v1/employers/me/contributions`: post a report, list them, follow one, cancel one
(reading needs the scope contributions:read, posting and cancelling contributions:write).

Below CONTRIBUTIONS_ASYNC_ROWS rows the report is checked and posted inside the request
(201, with the amounts the portal computed per row and program). From that size on it is
stored and answered 202 with a status URL; a Celery task does the rest. Either way the report
is all or nothing. A report still queued may be cancelled (`contributions/{id}/cancel`). The
serializers below document the body in the OpenAPI schema; the rows themselves are checked
by `contribution_reports.report_rows_parse` (see there for why).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.response import Response

from core.notifications import absolute_url
from jmo_portal.api_errors import ApiError, ErrorSerializer
from jmo_portal.api_fields import DateTimeField, MoneyField
from participants.models import Program

from . import api_examples as examples
from . import contribution_reports as reports
from .api_schema import (
    IDEMPOTENCY_PARAMETER,
    PartnerPagination,
    partner_headers,
    partner_responses,
)
from .auth import PartnerApi, partner_scope
from .idempotency import idempotent_response
from .models import ContributionReport, PartnerScope

# The id in `contributions/{report_id}` URLs: the route takes digits only, so never negative.
REPORT_ID_PARAMETER = OpenApiParameter(
    "report_id",
    {"type": "integer", "minimum": 0},
    OpenApiParameter.PATH,
    description="The report's `id`, as in its `status_url`.",
)
TAG = "Partner: contribution reports"

# Request -----------------------------------------------------------------------------------


class ContributionAmountInputSerializer(serializers.Serializer):
    program = serializers.ChoiceField(choices=Program.choices)
    employer = MoneyField(min_value=0, max_value=10**12, help_text="Employer share, whole rupiah.")
    worker = MoneyField(min_value=0, max_value=10**12, help_text="Worker share, whole rupiah.")

    class Meta:
        ref_name = "PartnerContributionAmountInput"


class ContributionRowInputSerializer(serializers.Serializer):
    kpj = serializers.RegexField(
        r"^\d{11}$", required=False, help_text="The worker's KPJ number; or send `nik`."
    )
    nik = serializers.RegexField(
        r"^\d{16}$", required=False, help_text="The worker's NIK; or send `kpj`."
    )
    month = serializers.RegexField(
        r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", help_text="The month paid for, YYYY-MM."
    )
    wage = MoneyField(min_value=1, max_value=10**12, help_text="Monthly wage, whole rupiah.")
    amounts = ContributionAmountInputSerializer(
        many=True,
        required=False,
        help_text=(
            "Optional: the amounts your payroll computed. Each mismatch with the rules in "
            "force is reported for the row, and the report is refused."
        ),
    )

    class Meta:
        ref_name = "PartnerContributionRowInput"


class ContributionReportInputSerializer(serializers.Serializer):
    rows = ContributionRowInputSerializer(many=True)

    class Meta:
        ref_name = "PartnerContributionReportInput"


# Response ----------------------------------------------------------------------------------


class ProgramAmountSerializer(serializers.Serializer):
    program = serializers.ChoiceField(choices=Program.choices)
    employer = MoneyField()
    worker = MoneyField()
    total = MoneyField()

    class Meta:
        ref_name = "PartnerContributionProgramAmount"


class ContributionRowResultSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Index of the row in the request.")
    kpj = serializers.CharField()
    month = serializers.CharField()
    wage = MoneyField()
    programs = ProgramAmountSerializer(many=True)
    total = MoneyField()

    class Meta:
        ref_name = "PartnerContributionRowResult"


class ShareTotalsSerializer(serializers.Serializer):
    employer = MoneyField()
    worker = MoneyField()

    class Meta:
        ref_name = "PartnerContributionShareTotals"


class ReportTotalsSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    postings = serializers.IntegerField()
    total = MoneyField()
    programs = serializers.DictField(child=ShareTotalsSerializer())

    class Meta:
        ref_name = "PartnerContributionTotals"


class ReportStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ContributionReport.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    rows = serializers.IntegerField(source="row_count")
    processed_rows = serializers.IntegerField()
    progress = serializers.IntegerField(
        help_text="Percent; 100 once final (posted, refused or cancelled)."
    )
    created_at = DateTimeField()
    started_at = DateTimeField(allow_null=True)
    finished_at = DateTimeField(allow_null=True)
    status_url = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    class Meta:
        ref_name = "PartnerContributionReportStatus"

    @extend_schema_field(
        {"type": "string", "format": "uri", "description": "Absolute URL to poll this report."}
    )
    def get_status_url(self, report) -> str:
        return absolute_url(reverse("api-employer-contribution", args=[report.pk]))

    @extend_schema_field(ReportTotalsSerializer(allow_null=True))
    def get_totals(self, report):
        return report.result.get("totals")

    @extend_schema_field(ErrorSerializer(allow_null=True))
    def get_error(self, report):
        return report.result.get("error")


class ReportFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ContributionReport.Status.choices, required=False)

    class Meta:
        ref_name = "PartnerContributionReportFilter"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built here, in the request's language: the message lists the statuses to choose from.
        self.fields["status"].error_messages["invalid_choice"] = _(
            "Unknown status. Use one of: %(statuses)s."
        ) % {"statuses": ", ".join(ContributionReport.Status.values)}


class ReportPostedSerializer(serializers.Serializer):
    report = ReportStatusSerializer()
    rows = ContributionRowResultSerializer(many=True)

    class Meta:
        ref_name = "PartnerContributionReportPosted"


# Views -------------------------------------------------------------------------------------


class ContributionReportApi(PartnerApi):
    """Report a month's contributions for many workers: checked against the dated rules,
    posted all or none; large reports are answered 202 and processed in the background."""

    # POST reports a month (a write); GET lists the reports (a read).
    permission_classes = [
        partner_scope(PartnerScope.CONTRIBUTIONS_WRITE, GET=PartnerScope.CONTRIBUTIONS_READ)
    ]
    pagination_class = PartnerPagination

    @property
    def max_body_bytes(self) -> int:
        """The parser's limit for this endpoint (a body sent without Content-Length)."""
        return settings.CONTRIBUTIONS_MAX_BODY_BYTES

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # key, scope and throttle before any reading
        raw = request._request
        length = int(raw.META.get("CONTENT_LENGTH") or 0)
        limit = settings.CONTRIBUTIONS_MAX_BODY_BYTES
        if length > limit:
            raise ApiError(
                status_code=413,
                code="request_too_large",
                message=_("The report is larger than %(mb)s MB. Split it into smaller reports.")
                % {"mb": limit // 1_000_000},
            )
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE and not raw._read_started:
            # This endpoint's own, larger limit: a 100,000-row report is about 6 MB, above
            # Django's global 2.5 MB. Reading it here means Django's check never runs for it.
            raw._body = raw.read(length)

    @extend_schema(
        operation_id="employer_contributions_list",
        examples=examples.REPORT_LIST,
        summary="List your contribution reports",
        tags=[TAG],
        description=(
            "Your contribution reports, newest first, 50 a page, each as its status URL shows "
            "it; filter by `status`."
        ),
        parameters=[ReportFilterSerializer, *partner_headers()],
        responses=partner_responses(
            {200: ReportStatusSerializer(many=True)}, scope=PartnerScope.CONTRIBUTIONS_READ
        ),
    )
    def get(self, request):
        filters = ReportFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        found = reports.contribution_reports_for_employer(
            employer=self.employer, status=filters.validated_data.get("status")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response(ReportStatusSerializer(page, many=True).data)

    @extend_schema(
        operation_id="employer_contributions_create",
        examples=examples.REPORT_CREATE,
        summary="Report a month's contributions",
        tags=[TAG],
        request=ContributionReportInputSerializer,
        parameters=[
            IDEMPOTENCY_PARAMETER,
            *partner_headers(write_statuses=[201, 202], location_statuses=[202]),
        ],
        responses=partner_responses(
            {
                201: OpenApiResponse(
                    ReportPostedSerializer,
                    description="Checked and posted now (below the background size).",
                ),
                202: OpenApiResponse(
                    ReportStatusSerializer,
                    description="Stored and queued; poll `Location` (= `status_url`).",
                ),
            },
            scope=PartnerScope.CONTRIBUTIONS_WRITE,
            write=True,
        ),
    )
    def post(self, request):
        def perform():
            try:
                rows = reports.report_rows_parse(request.data, today=timezone.localdate())
                submitted = reports.contribution_report_submit(
                    employer=self.employer,
                    rows=rows,
                    credential=request.auth,
                    language=translation.get_language(),
                )
            except reports.ReportRefused as exc:
                raise serializers.ValidationError(exc.errors) from None
            if submitted.queued:
                return 202, ReportStatusSerializer(submitted.report).data
            body = {"report": submitted.report, "rows": submitted.rows}
            return 201, ReportPostedSerializer(body).data

        response = idempotent_response(request=request, employer=self.employer, perform=perform)
        if response.status_code == 202:
            response["Location"] = response.data["status_url"]
        return response


class ContributionReportStatusApi(PartnerApi):
    """State and progress of one of your contribution reports; another company's is a 404."""

    permission_classes = [partner_scope(PartnerScope.CONTRIBUTIONS_READ)]

    @extend_schema(
        operation_id="employer_contributions_retrieve",
        examples=examples.REPORT_STATUS,
        summary="Follow one contribution report",
        tags=[TAG],
        parameters=[REPORT_ID_PARAMETER, *partner_headers()],
        responses=partner_responses(
            {200: ReportStatusSerializer}, scope=PartnerScope.CONTRIBUTIONS_READ
        ),
    )
    def get(self, request, report_id: int):
        report = reports.contribution_report_get_for_employer(
            employer=self.employer, report_id=report_id
        )
        return Response(ReportStatusSerializer(report).data)


def _not_cancellable(status: str) -> ApiError:
    """409 saying why the report cannot be cancelled and what to do instead."""
    answers = {
        ContributionReport.Status.PROCESSING: (
            "report_processing",
            _("This report is already being processed and can no longer be cancelled. Follow "
              "its status URL; once it is posted, only a reversal request to your BPJS "
              "Ketenagakerjaan branch can undo it."),
        ),
        ContributionReport.Status.POSTED: (
            "report_posted",
            _("This report is already posted and can no longer be cancelled. To undo it, send "
              "a reversal request to your BPJS Ketenagakerjaan branch."),
        ),
        ContributionReport.Status.REFUSED: (
            "report_refused",
            _("This report was refused, so nothing of it was posted and there is nothing to "
              "cancel. Correct the rows named in its error and send the report again."),
        ),
    }  # fmt: skip
    code, message = answers[status]
    return ApiError(status_code=409, code=code, message=message)


class ContributionReportCancelApi(PartnerApi):
    """Cancel one of your reports that no worker has started (status queued): nothing of it is
    posted. Cancelling it again answers the same; a report being processed, posted or refused
    is a 409 saying why; another company's report is a 404."""

    permission_classes = [partner_scope(PartnerScope.CONTRIBUTIONS_WRITE)]

    @extend_schema(
        operation_id="employer_contributions_cancel",
        examples=examples.REPORT_CANCEL,
        summary="Cancel a queued contribution report",
        tags=[TAG],
        request=None,
        parameters=[
            REPORT_ID_PARAMETER,
            IDEMPOTENCY_PARAMETER,
            *partner_headers(write_statuses=[200]),
        ],
        responses=partner_responses(
            {200: ReportStatusSerializer},
            scope=PartnerScope.CONTRIBUTIONS_WRITE,
            write=True,
            extra={
                409: OpenApiResponse(
                    ErrorSerializer,
                    description=(
                        "The report is past cancelling: `code` is `report_processing`, "
                        "`report_posted` or `report_refused`, and the message says what to do."
                    ),
                )
            },
        ),
    )
    def post(self, request, report_id: int):
        def perform():
            try:
                report = reports.contribution_report_cancel(
                    employer=self.employer, report_id=report_id, credential=request.auth
                )
            except reports.ReportNotCancellable as exc:
                raise _not_cancellable(exc.status) from None
            return 200, ReportStatusSerializer(report).data

        return idempotent_response(request=request, employer=self.employer, perform=perform)

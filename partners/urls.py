from django.urls import path

from . import apis as partner_apis
from . import collective_apis as partner_collective
from . import contribution_apis as partner_contributions

urlpatterns = [
    path(
        "contributions",
        partner_contributions.ContributionReportApi.as_view(),
        name="api-employer-contributions",
    ),
    path(
        "contributions/<int:report_id>",
        partner_contributions.ContributionReportStatusApi.as_view(),
        name="api-employer-contribution",
    ),
    path(
        "contributions/<int:report_id>/cancel",
        partner_contributions.ContributionReportCancelApi.as_view(),
        name="api-employer-contribution-cancel",
    ),
    path("leavers", partner_apis.LeaversApi.as_view(), name="api-employer-leavers"),
    path("new-members", partner_apis.NewMembersApi.as_view(), name="api-employer-new-members"),
    path("members", partner_apis.MemberListApi.as_view(), name="api-employer-members"),
    path("members/<str:kpj>", partner_apis.MemberDetailApi.as_view(), name="api-employer-member"),
    path("claims", partner_apis.ClaimListApi.as_view(), name="api-employer-claims"),
    path(
        "collective-claims",
        partner_collective.CollectiveClaimApi.as_view(),
        name="api-employer-collective-claims",
    ),
    path(
        "collective-claims/csv",
        partner_collective.CollectiveClaimCsvApi.as_view(),
        name="api-employer-collective-claims-csv",
    ),
    path(
        "collective-claims/<int:collective_id>",
        partner_collective.CollectiveClaimStatusApi.as_view(),
        name="api-employer-collective-claim",
    ),
]

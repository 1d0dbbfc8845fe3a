from django.urls import path

from . import apis as partner_apis
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
]

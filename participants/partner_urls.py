from django.urls import path

from . import partner_apis

# The contribution report (POST contributions) joins here with issue 3's rules and postings.
urlpatterns = [
    path("leavers", partner_apis.LeaversApi.as_view(), name="api-employer-leavers"),
    path("new-members", partner_apis.NewMembersApi.as_view(), name="api-employer-new-members"),
    path("members", partner_apis.MemberListApi.as_view(), name="api-employer-members"),
    path("members/<str:kpj>", partner_apis.MemberDetailApi.as_view(), name="api-employer-member"),
    path("claims", partner_apis.ClaimListApi.as_view(), name="api-employer-claims"),
]

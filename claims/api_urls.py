from django.urls import path

from . import apis

urlpatterns = [
    path("", apis.ClaimListApi.as_view(), name="api-me-claims"),
    path("<int:claim_id>", apis.ClaimDetailApi.as_view(), name="api-me-claim"),
]

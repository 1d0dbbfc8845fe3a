"""Under /api/v1/: the public simulators and a participant's own balance."""

from django.urls import path

from . import apis as participant_apis

urlpatterns = [
    path(
        "simulations/contribution",
        participant_apis.ContributionSimulationApi.as_view(),
        name="api-simulation-contribution",
    ),
    path(
        "simulations/pension-age",
        participant_apis.PensionAgeApi.as_view(),
        name="api-simulation-pension-age",
    ),
    path(
        "simulations/jht-projection",
        participant_apis.JhtProjectionApi.as_view(),
        name="api-simulation-jht-projection",
    ),
    path("me/balance", participant_apis.MyBalanceApi.as_view(), name="api-me-balance"),
]

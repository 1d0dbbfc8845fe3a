"""The portal's URLs plus one view that fails, for the error-report test."""

from django.urls import path

from jmo_portal.urls import urlpatterns as portal_urlpatterns


def boom(request):
    nik = request.POST.get("nik") or request.GET.get("nik")
    raise ValueError(f"could not process nik={nik} for {request.POST.get('account_number')}")


urlpatterns = [path("test-boom/", boom), *portal_urlpatterns]

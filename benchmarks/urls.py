"""The portal's URLs plus a bare view: every figure is printed as a ratio to it."""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("hello")


urlpatterns = [
    path("bench/hello", hello),
    path("", include("jmo_portal.urls")),
]

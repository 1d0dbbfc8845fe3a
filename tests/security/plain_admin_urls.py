"""A URLconf whose admin keeps Django's own login form: what check E007 must catch."""

from django.contrib.admin import AdminSite
from django.urls import path

plain_site = AdminSite(name="admin")

urlpatterns = [path("admin/", plain_site.urls)]

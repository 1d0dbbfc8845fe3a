"""The partner operations alone, at their real paths: the urlconf of the partner OpenAPI
document (jmo_portal.api_schema.PartnerSchemaView)."""

from django.urls import include, path

urlpatterns = [path("api/v1/employers/me/", include("partners.urls"))]

from django.urls import path

from . import views

urlpatterns = [
    path("my-data/", views.data_export, name="data_export"),
]

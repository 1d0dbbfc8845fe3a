from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("", views.appointment_list, name="list"),
    path("book/", views.book, name="book"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/calendar.ics", views.ics, name="ics"),
]

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
    path("<int:pk>/queue.json", views.queue_place, name="queue_place"),
    path("queue/door/<str:token>/", views.queue_door, name="queue_door"),
    path("queue/<slug:branch_code>/", views.queue_display, name="queue_display"),
    path("queue/<slug:branch_code>/now.json", views.queue_display_now, name="queue_display_now"),
    path("queue/<slug:branch_code>/kiosk/", views.queue_kiosk, name="queue_kiosk"),
    path(
        "queue/<slug:branch_code>/kiosk/walk-in/",
        views.queue_kiosk_walk_in,
        name="queue_kiosk_walk_in",
    ),
]

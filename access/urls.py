from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("recover/", views.recover_start, name="recover"),
    path("recover/online/", views.recover_online, name="recover_online"),
    path("recover/branch-code/", views.recover_branch_code, name="recover_branch"),
    path("recover/new-login/", views.new_login, name="new_login"),
    path("lock/", views.lock, name="lock"),
]

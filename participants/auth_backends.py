"""Log in with a NIK or a KPJ number and the password (issue 17).

allauth handles e-mail and phone; anything else the login form receives reaches Django's
backends as `username`. This backend reads it as a NIK (16 digits) or KPJ number (11 digits)
and checks the password of that participant's login.
"""

from django.contrib.auth.backends import ModelBackend

from . import selectors
from .models import User


class NikKpjBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, nik_or_kpj=None, **kwargs):
        number = nik_or_kpj or username
        if not number or password is None:
            return None
        user = selectors.user_get_by_nik_or_kpj(number=number)
        if user is None:
            # As long as a real check, so the answer's timing says nothing about the number.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

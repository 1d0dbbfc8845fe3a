"""Find every form and serializer class in the project's apps (not in Django's or a library's).

Walking the packages means a form or serializer added later is covered without touching the
tests; one whose constructor needs something new fails until `CONSTRUCTOR_ARGUMENTS` knows it.
"""

import importlib
import inspect
import pkgutil
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from rest_framework import serializers

SKIPPED_PARTS = (".migrations", ".management", ".tests", ".settings", ".wsgi")


def project_apps():
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if base in path.parents and ".venv" not in path.parts:
            yield config


def project_classes(kind: type) -> list[type]:
    found = {}
    for config in project_apps():
        names = [config.name] + [
            info.name
            for info in pkgutil.walk_packages([config.path], f"{config.name}.")
            if not any(part in info.name for part in SKIPPED_PARTS)
        ]
        for name in names:
            module = importlib.import_module(name)
            for obj in vars(module).values():
                if inspect.isclass(obj) and obj.__module__ == name and issubclass(obj, kind):
                    found[f"{name}.{obj.__qualname__}"] = obj
    return [found[key] for key in sorted(found)]


def forms_in_project() -> list[type]:
    return project_classes(forms.BaseForm)


def serializers_in_project() -> list[type]:
    return project_classes(serializers.BaseSerializer)

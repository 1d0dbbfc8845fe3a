from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localized(obj, field):
    """`{{ article|localized:"title" }}`: the English text when English is chosen and written."""
    return obj.localized(field, get_language() or "id")

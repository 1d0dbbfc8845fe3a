"""The error summary names the field of each error, unless the message already starts with it."""

from django import template

register = template.Library()


@register.filter
def labelled(error, label) -> str:
    error, label = str(error), str(label)
    if not label or error.casefold().startswith(label.casefold()):
        return error
    return f"{label}: {error}"

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import get_language

from news import glossary

register = template.Library()


@register.filter
def localized(obj, field):
    """`{{ article|localized:"title" }}`: the English text when English is chosen and written."""
    return obj.localized(field, get_language() or "id")


@register.simple_tag(takes_context=True)
def glossed(context, text, breaks=""):
    """Stored text with each glossary term explained at its first use on this page.

    `breaks="p"` makes paragraphs of blank-line separated text, `breaks="br"` keeps lines.
    The page's explained terms live on the request, so every call on one page shares them.
    """
    request = context.get("request")
    seen = getattr(request, "_glossary_seen", None) if request is not None else None
    if seen is None:
        seen = set()
        if request is not None:
            request._glossary_seen = seen
    html = glossary.explain(str(text or ""), language=get_language() or "id", seen=seen)
    if breaks == "p":
        return mark_safe(linebreaks(html, autoescape=False))  # noqa: S308 - escaped by explain
    if breaks == "br":
        html = normalize_newlines(html).replace("\n", "<br>")
    return mark_safe(html)  # noqa: S308 - explain escapes the stored text


@register.simple_tag
def page_url(page):
    """The URL of a guide step's page ("name" or "name arg ..."); empty if it is not (yet) a
    page of the portal, so a guide never breaks on a page that is missing."""
    parts = (page or "").split()
    if not parts:
        return ""
    name, *args = parts
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.inclusion_tag("news/_glossary_list.html", takes_context=True)
def glossary_list(context, terms):
    """A short list of what the page's abbreviations mean ("JKK JHT ..."), all explained."""
    language = get_language() or "id"
    request = context.get("request")
    names = terms.split()
    if request is not None:
        seen = getattr(request, "_glossary_seen", None) or set()
        seen.update(names)
        request._glossary_seen = seen
    return {"terms": [(name, glossary.meaning(name, language)) for name in names]}

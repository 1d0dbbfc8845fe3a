"""Every route of the site, from Django's URL resolver: the access matrix and the page checks
(tests/e2e/site_pages.py) both start from this list, so a new route reaches both."""

from django.urls import URLPattern, URLResolver, get_resolver


def walk(patterns, prefix=""):
    """(route, url name) of every endpoint, routes as written in the URLconfs, first wins."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            for route, name in walk(pattern.url_patterns, prefix + str(pattern.pattern)):
                yield route, (namespace + name) if name else None
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


def all_routes() -> dict[str, str | None]:
    routes = {}
    for route, name in walk(get_resolver().url_patterns):
        routes.setdefault(route, name)  # a later duplicate never resolves
    return routes

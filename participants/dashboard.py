"""What other apps show on the participant's dashboard, without participants importing them.

An app registers a panel in its AppConfig.ready(): a function of the participant returning
template context (one or two constant-count queries). participants stays below the apps that
build on it (import-linter keeps it so), and the dashboard still shows their news.
"""

from collections.abc import Callable

_panels: list[Callable[..., dict]] = []


def dashboard_panel_register(panel: Callable[..., dict]) -> Callable[..., dict]:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def dashboard_panels_context(*, participant) -> dict:
    context: dict = {}
    for panel in _panels:
        context.update(panel(participant=participant))
    return context

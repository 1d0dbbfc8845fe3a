"""Read a page's forms the way a browser submits them, for tests that send a form unchanged.

A browser drops values its inputs cannot hold: a date input keeps only an ISO date
(YYYY-MM-DD), a number input only a number written with a dot. Sending the page's own values
through these rules catches a prefilled field the browser would send empty.
"""

import re
from html.parser import HTMLParser

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "fields": [], "selects": {}})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            value = attrs.get("value") or ""
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "reset", "file"):
                return
            if kind == "date" and not _ISO_DATE.match(value):
                value = ""
            if kind == "number" and value and not _NUMBER.match(value):
                value = ""
            if kind in ("checkbox", "radio") and "value" not in attrs:
                value = "on"
            fields.append((attrs["name"], value))
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self.forms[-1]["selects"][self._select] = {"first": None, "selected": None}
        elif tag == "option" and self._select:
            state = self.forms[-1]["selects"][self._select]
            value = attrs.get("value", "")
            if state["first"] is None:
                state["first"] = value
            if "selected" in attrs:
                state["selected"] = value
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            fields.append((self._textarea, ""))

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            state = self.forms[-1]["selects"][self._select]
            chosen = state["selected"] if state["selected"] is not None else state["first"]
            self.forms[-1]["fields"].append((self._select, chosen or ""))
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            name, value = self.forms[-1]["fields"][-1]
            self.forms[-1]["fields"][-1] = (name, value + data)


def form_as_sent(html: str, *, containing: str) -> tuple[str, dict[str, str]]:
    """(action, data) of the first form with a field named `containing`, as a browser sends
    it unchanged."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        names = [name for name, _value in form["fields"]]
        if containing in names:
            return form["attrs"].get("action", ""), dict(form["fields"])
    raise AssertionError(f"No form with a field named {containing!r} on the page")

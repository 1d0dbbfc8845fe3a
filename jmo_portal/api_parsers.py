"""The JSON parser of every API endpoint (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES).

Python's json module recurses once per nested array or object: a body nested 1,000 levels deep
raised RecursionError, a 500 and an admin e-mail, on anonymous endpoints too. No request of
ours nests deeper than a few levels (a contribution report: body, rows, row, amounts, item),
so anything deeper than API_JSON_MAX_DEPTH is answered 400 before any view sees it.

DRF reads the body from the request stream, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check,
so the size is bounded here too: at most that many bytes are read (a view may allow more with
`max_body_bytes`), whatever Content-Length said, and a larger body is a 413.
"""

import io
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from .api_errors import ApiError


def _too_deep() -> ParseError:
    return ParseError(
        _("The JSON is nested more than %(depth)s levels deep. Send a flatter request.")
        % {"depth": settings.API_JSON_MAX_DEPTH}
    )


def json_depth_check(data, limit: int) -> None:
    """Raise ParseError if `data` nests lists or dicts deeper than `limit`; iterative, so a
    deep value cannot exhaust the stack here either."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            raise _too_deep()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def _not_json(cause) -> ParseError:
    if isinstance(cause, json.JSONDecodeError):
        return ParseError(
            _(
                "The body is not valid JSON (line %(line)s, column %(column)s). Correct it "
                "and send it again."
            )
            % {"line": cause.lineno, "column": cause.colno}
        )
    return ParseError(_("The body is not valid JSON in UTF-8. Correct it and send it again."))


class BoundedJSONParser(parsers.JSONParser):
    """DRF's JSON parser with a nesting limit: a 400 in the API error shape, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        view = (parser_context or {}).get("view")
        limit = getattr(view, "max_body_bytes", None) or settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise ApiError(
                status_code=413,
                code="request_too_large",
                message=_("The request is larger than %(mb)s MB. Send less at a time.")
                % {"mb": f"{round(limit / 1_000_000, 1):g}"},
            )
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        except ParseError as exc:
            # DRF's message is English whatever the language ("JSON parse error - ..."): say
            # the same in the request's language, with where the JSON broke.
            raise _not_json(exc.__context__) from None
        json_depth_check(data, settings.API_JSON_MAX_DEPTH)
        return data

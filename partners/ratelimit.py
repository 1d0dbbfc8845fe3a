"""Rate-limit headers on partner answers: `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset` (seconds), on successful answers too, so a partner can slow down before a 429.

Why these three fields and not the IETF draft's structured `RateLimit` / `RateLimit-Policy`:
each is one plain integer that any HTTP client in any language reads without a Structured
Fields parser, that an OpenAPI schema types as `integer` (so generated clients expose them),
and the draft's structured syntax has changed between its versions while the three names have
not. A 429 adds `Retry-After` (RFC 9110), which every HTTP library already understands.
"""

import math

LIMIT_HEADER = "RateLimit-Limit"
REMAINING_HEADER = "RateLimit-Remaining"
RESET_HEADER = "RateLimit-Reset"
_ATTRIBUTE = "_partner_rate_limit"


class ReportingThrottleMixin:
    """For DRF's SimpleRateThrottle: remember the window's state on the request once it has
    been counted, for `rate_limit_headers()`."""

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if getattr(self, "key", None) is not None and self.rate is not None:
            history = self.history
            if allowed:
                remaining = self.num_requests - len(history)
                oldest = history[-1] if history else self.now
                reset = self.duration - (self.now - oldest)
            else:
                remaining, reset = 0, self.wait() or 0
            setattr(request, _ATTRIBUTE, (self.num_requests, max(0, remaining), reset))
        return allowed


def rate_limit_headers(request) -> dict[str, str]:
    state = getattr(request, _ATTRIBUTE, None)
    if state is None:
        return {}
    limit, remaining, reset = state
    return {
        LIMIT_HEADER: str(limit),
        REMAINING_HEADER: str(remaining),
        RESET_HEADER: str(max(0, math.ceil(reset))),
    }

"""Where the portal may send a partner's webhook: public addresses only (no SSRF).

A webhook URL is checked when it is saved and again at every delivery (DNS can change
between the two, or on purpose between two lookups: "rebinding"). The delivery connects to
the address that was checked, never resolving the name a second time, and re-checks the
address the socket actually reached. Loopback, private, link-local (cloud metadata at
169.254.169.254), unique-local, multicast, unspecified and other non-global addresses are
refused if the name has ANY of them. Tests may allow their local server through the
WEBHOOKS_ALLOW_NETWORKS setting (empty outside tests).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_PORTS = {"https": 443, "http": 80}


class AddressRefused(Exception):
    """The URL may not be called; `code` says why (never the address, for the logs)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _allowed_by_setting(ip) -> bool:
    return any(
        ip in ipaddress.ip_network(network, strict=False)
        for network in getattr(settings, "WEBHOOKS_ALLOW_NETWORKS", ())
    )


def address_forbidden(address: str) -> bool:
    """True for every address a partner's public endpoint cannot have."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if _allowed_by_setting(ip):
        return False
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_unspecified
        or ip.is_reserved
        or not ip.is_global
    )


def resolve(host: str, port: int) -> list[str]:
    """Every address the name has now (a seam: tests replace it to fake DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def parse(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and request path of a webhook URL, or AddressRefused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise AddressRefused("bad_url") from exc
    allowed = {"https", "http"} if settings.WEBHOOKS_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed:
        raise AddressRefused("insecure_url")
    if not parts.hostname or parts.username or parts.password:
        raise AddressRefused("bad_url")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme], path


def checked_address(host: str, port: int) -> str:
    """One address of `host` to connect to, after checking ALL of them."""
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise AddressRefused("unresolvable") from exc
    if not addresses:
        raise AddressRefused("unresolvable")
    if any(address_forbidden(address) for address in addresses):
        raise AddressRefused("forbidden_address")
    return addresses[0]

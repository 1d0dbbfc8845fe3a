"""A minimal RFC 5545 calendar file for one appointment (no library needed for one event)."""

import datetime

from django.utils.translation import gettext as _


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after one space."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 75:
            out.append(current.decode())
            current = b" "
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def appointment_ics(appointment, *, url: str, now: datetime.datetime, host: str) -> str:
    branch = appointment.branch
    service = appointment.service_type
    location = (
        _("Video call from %(branch)s") % {"branch": branch.name}
        if service.by_video_call
        else f"{branch.name}, {branch.address}"
    )
    description = _("Counter %(seat)s. Bring your KTP and KPJ card. Change or cancel: %(url)s") % {
        "seat": appointment.seat,
        "url": url,
    }
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//JMO Portal//Branch appointments//ID",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:appointment-{appointment.pk}@{host}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(appointment.scheduled_for)}",
        f"DTEND:{_utc(appointment.ends_at)}",
        f"SUMMARY:{_escape(f'BPJS Ketenagakerjaan: {service.name}')}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT1H",
        f"DESCRIPTION:{_escape(service.name)}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"

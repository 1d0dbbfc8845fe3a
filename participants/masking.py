"""Masks for personal values in audit rows and lists: enough to recognise, not to reuse."""

from .nik import mask_nik


def mask_phone(value: str) -> str:
    value = value or ""
    return value[:4] + "*" * max(len(value) - 7, 0) + value[-3:] if len(value) > 7 else "***"


def mask_email(value: str) -> str:
    local, _, domain = (value or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_account(value: str) -> str:
    value = value or ""
    return "****" + value[-4:] if len(value) > 4 else "****"


def mask_text(value: str) -> str:
    value = value or ""
    return value[:8] + "..." if len(value) > 8 else value


def mask_name(value: str) -> str:
    """Each word's first letter: "Budi Santoso" -> "B*** S***" (a kiosk's screen is public)."""
    return " ".join(word[:1] + "***" for word in (value or "").split()) or "***"


def mask_birth_date(value: str) -> str:
    return (value or "")[:7] + "-**" if value else ""


MASKS = {
    "phone": mask_phone,
    "email": mask_email,
    "account_number": mask_account,
    "address": mask_text,
    "nik": lambda value: mask_nik(value) if value else "",
    "birth_date": mask_birth_date,
}


def mask(field: str, value) -> str:
    value = "" if value is None else str(value)
    return MASKS.get(field, lambda v: v)(value)

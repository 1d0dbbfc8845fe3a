"""The portal's one glossary: each abbreviation and its plain meaning in both languages.

`explain` writes the meaning next to the first use of each term on a page (the caller keeps
the set of terms already explained), so a participant never meets an unexplained KPJ or JHT.
Words chosen once for the whole portal: "PU" (penerima upah), not PPU; "online", not "daring".
"""

import re
from collections.abc import MutableSet

from django.utils.html import escape

# term: (Indonesian meaning, English meaning)
TERMS: dict[str, tuple[str, str]] = {
    "KPJ": ("kartu peserta", "membership card"),
    "JHT": ("Jaminan Hari Tua", "old-age savings"),
    "JP": ("Jaminan Pensiun", "pension"),
    "JKK": ("Jaminan Kecelakaan Kerja", "work accident cover"),
    "JKM": ("Jaminan Kematian", "death benefit"),
    "JKP": ("Jaminan Kehilangan Pekerjaan", "job loss cover"),
    "PU": ("penerima upah", "wage earner"),
    "BPU": ("bukan penerima upah, pekerja mandiri", "non-wage earner, self-employed"),
    "PMI": ("pekerja migran Indonesia", "Indonesian migrant worker"),
    "KCP": ("Kantor Cabang Perintis", "small branch office"),
    "NIK": ("nomor induk kependudukan di KTP", "identity number on the KTP"),
    "KTP": ("kartu tanda penduduk", "identity card"),
    "KK": ("Kartu Keluarga", "family card"),
    "PHK": ("pemutusan hubungan kerja", "lay-off"),
    "Jakon": ("jasa konstruksi", "construction work"),
}
_PATTERN = re.compile(r"\b(" + "|".join(sorted(TERMS, key=len, reverse=True)) + r")\b")


def meaning(term: str, language: str) -> str:
    indonesian, english = TERMS[term]
    return english if language == "en" else indonesian


def explain(text: str, *, language: str, seen: MutableSet[str]) -> str:
    """`text` as escaped HTML, each term not in `seen` followed by its meaning in brackets.

    A term already explained in the text itself (its meaning written there, or a bracket
    right after it) is only marked as seen.
    """
    lowered = text.lower()
    parts, last = [], 0
    for match in _PATTERN.finditer(text):
        term = match.group(1)
        if term in seen:
            continue
        seen.add(term)
        plain = meaning(term, language)
        if plain.lower() in lowered or text[match.end() : match.end() + 2] == " (":
            continue
        parts.append(escape(text[last : match.end()]))
        parts.append(f' <span class="gloss">({escape(plain)})</span>')
        last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)

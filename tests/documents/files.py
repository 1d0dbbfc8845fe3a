"""Real files for upload tests, made with Pillow (no fixtures on disk).

Encoding a photo-like (noisy) image is the slow part, so each format and size is encoded once;
every call still returns a file of its own (a numbered text chunk in a PNG, a comment in a
JPEG), because the portal treats one file sent by two people as a duplicate to review.
"""

import functools
import io
import itertools
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

_serial = itertools.count()


@functools.cache
def _noise_image(fmt: str, size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buffer, format=fmt)
    return buffer.getvalue()


def _made_unique(data: bytes, fmt: str) -> bytes:
    tag = f"test file {next(_serial)}".encode()
    if fmt == "PNG":  # a tEXt chunk just before IEND (the last 12 bytes)
        body = b"tEXt" + b"Comment\x00" + tag
        chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
        return data[:-12] + chunk + data[-12:]
    if fmt == "JPEG":  # a COM segment right after SOI
        return data[:2] + b"\xff\xfe" + struct.pack(">H", len(tag) + 2) + tag + data[2:]
    raise ValueError(f"no cheap way to make a {fmt} file unique")


def image_bytes(fmt="PNG", size=(800, 600), blank=False) -> bytes:
    if blank:
        buffer = io.BytesIO()
        Image.new("L", size, 255).convert("RGB").save(buffer, format=fmt)
        return buffer.getvalue()
    return _made_unique(_noise_image(fmt, tuple(size)), fmt)


def pdf_bytes(pages=1) -> bytes:
    images = [Image.effect_noise((700, 500), 60).convert("RGB") for _ in range(pages)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:])
    return buffer.getvalue()


def upload(name="ktp.png", data=None, content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes() if data is None else data, content_type)

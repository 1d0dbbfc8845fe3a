"""Real files for upload tests, made with Pillow (no fixtures on disk)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt="PNG", size=(800, 600), blank=False) -> bytes:
    image = Image.new("L", size, 255) if blank else Image.effect_noise(size, 60)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format=fmt)
    return buffer.getvalue()


def pdf_bytes(pages=1) -> bytes:
    images = [Image.effect_noise((700, 500), 60).convert("RGB") for _ in range(pages)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:])
    return buffer.getvalue()


def upload(name="ktp.png", data=None, content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes() if data is None else data, content_type)

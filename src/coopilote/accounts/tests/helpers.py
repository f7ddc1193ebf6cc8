"""Small helpers shared by the account tests (mail, pages and pictures)."""

from __future__ import annotations

import html as html_lib
import io
import re
import struct
import zlib
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from coopilote.mail.models import OutboxMessage


def mails_to(address: str) -> list[OutboxMessage]:
    """Outbox rows addressed to ``address``, oldest first (JSON ``contains`` is not on SQLite)."""
    return [m for m in OutboxMessage.objects.order_by("id") if address in m.to]


def link_in(body: str, path_prefix: str) -> str:
    """The first absolute link in ``body`` on the configured site under ``path_prefix``."""
    match = re.search(re.escape(settings.SITE_URL + path_prefix) + r"\S*", body)
    assert match, f"no link to {settings.SITE_URL}{path_prefix} in:\n{body}"
    return match.group(0)


def path_of(link: str) -> str:
    assert link.startswith(settings.SITE_URL + "/"), link
    return link[len(settings.SITE_URL) :]


def in_french(message: str, **params: object) -> str:
    with translation.override("fr"):
        text = translation.gettext(message)
        return text % params if params else text


def normalise(html: str, *replace: str) -> str:
    """A page with what legitimately differs between two requests taken out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", html)
    html = re.sub(r'nonce="[^"]+"', "NONCE", html)
    for text in replace:
        html = html.replace(text, "REPLACED")
    return html


def error_texts(html: str) -> list[str]:
    """The items of the form's error summary."""
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    if not summary:
        return []
    items = re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (600, 400), mode: str = "RGB", **save_options
) -> bytes:
    image = Image.new(mode, size, color=(40, 120, 200) if mode == "RGB" else 1)
    # A diagonal so that the picture is not a flat colour.
    for i in range(min(size)):
        image.putpixel((i, i), (255, 255, 255) if mode == "RGB" else 0)
    output = io.BytesIO()
    image.save(output, format=fmt, **save_options)
    return output.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_bomb(width: int, height: int, *, full: bool = True) -> bytes:
    """A 1-bit PNG announcing ``width`` x ``height`` pixels in a few kilobytes.

    With ``full`` the compressed rows are really there (the file would decode to the whole
    picture); without, only the header is real, which is enough for checks made before decoding.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    if full:
        row = b"\x00" * (1 + (width + 7) // 8)
        idat = b"".join(compressor.compress(row) for _ in range(height))
    else:
        idat = compressor.compress(b"\x00" * 64)
    idat += compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )

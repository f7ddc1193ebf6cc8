"""Library uploads: what a file really is, how it is named, stored, re-encoded and served.

Pure functions, no database: the library's actions call them before writing anything.

Decisions (issue 6, quality.md SEC-T10 and SEC-T25 to SEC-T30):

- The type comes from the bytes. A name only has to agree with them for pictures, PDF and office
  documents, the types people open by double-clicking (``x.exe`` renamed ``.pdf`` is refused); a
  picture may carry another picture extension (a PNG saved as ``.jpg`` is common and harmless,
  since pictures are re-encoded). A file without an extension is accepted.
- HTML is refused: by its name, by its first bytes (the patterns browsers sniff), or as UTF-8 text
  containing a ``<script`` tag (even inside a Markdown code block: such a file can still be shared
  zipped). Other markup, such as XML data (GPX, KML), is kept as a generic file
  (``application/octet-stream``).
- Only re-encoded raster pictures (and the thumbnails made here) are served inline. Everything else,
  SVG and PDF included, is an attachment with ``nosniff`` and a sandbox CSP: a PDF opened in the
  browser's viewer could run its scripts on the app's origin, and its preview is the first-page
  thumbnail anyway.
- Polyglots: a picture with HTML or a zip appended is recognised as a picture by its first bytes;
  re-encoding keeps only the pixels, so the payload never reaches a reader.
- Archives and office documents (zip files) are checked from their directory without extracting
  anything: entry count, total expanded size, compression ratio, path-traversing and symbolic-link
  entries.
"""

from __future__ import annotations

import codecs
import io
import re
import secrets
import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, NamedTuple
from urllib.parse import quote

import pypdfium2 as pdfium
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

CHUNK_BYTES = 64 * 1024
MAX_PIXELS = 40_000_000
MAX_ZIP_ENTRIES = 20_000
MAX_ZIP_UNCOMPRESSED = 2 * 1024**3
MAX_ZIP_RATIO = 100
# Below this expanded size a high ratio is harmless (a few empty files compress "infinitely").
ZIP_RATIO_FLOOR = 10 * 1024 * 1024
# Room per entry in the zip's central directory (46 fixed bytes, name, extra fields): a directory
# larger than this for the announced entry count is refused before Python parses it.
ZIP_DIRECTORY_BYTES_PER_ENTRY = 46 + 300
DISPLAY_NAME_MAX = 150
THUMBNAIL_SIZE = (480, 480)
SANDBOX_CSP = "default-src 'none'; sandbox"


class Kind(StrEnum):
    IMAGE = "image"
    PDF = "pdf"
    OFFICE = "office"
    TEXT = "text"
    SVG = "svg"
    ARCHIVE = "archive"
    OTHER = "other"


# Every extension a stored file may have, with the type it is served with.
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "svg": "image/svg+xml",
    "zip": "application/zip",
    "bin": "application/octet-stream",
}
IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
IMAGE_NAME_EXTENSIONS = {"jpg", "jpeg", "jpe", "jfif", "png", "gif", "webp"}
TEXT_EXTENSIONS = {"txt", "csv", "md"}
HTML_NAME_EXTENSIONS = {"html", "htm", "xhtml", "xht", "shtml", "mht", "mhtml"}
# Main part of an OOXML package (in [Content_Types].xml) and ODF "mimetype" entry → extension.
OOXML_MAIN_PARTS = {
    b"wordprocessingml.document.main+xml": "docx",
    b"spreadsheetml.sheet.main+xml": "xlsx",
    b"presentationml.presentation.main+xml": "pptx",
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
OFFICE_EXTENSIONS = {*OOXML_MAIN_PARTS.values(), *ODF_MIMETYPES.values()}

# The HTML signatures of the WHATWG MIME sniffing standard, after optional BOM and whitespace.
HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|"
    rb"style|title|b|body|br|p|!--)[\s/>]",
    re.IGNORECASE,
)
SCRIPT_TAG = re.compile(rb"<\s*(?:[\w.-]+:)?script\b", re.IGNORECASE)
SCRIPT_TAG_OVERLAP = 64
SVG_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:\?xml|!--|!doctype\s+svg|svg[\s>])", re.I)
SVG_ROOT = re.compile(rb"<svg[\s>]", re.IGNORECASE)
MARKUP_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<")


@dataclass(frozen=True)
class Inspected:
    kind: Kind
    extension: str  # a key of CONTENT_TYPES, derived from the content
    content_type: str
    size: int


@dataclass(frozen=True)
class ZipLimits:
    entries: int = MAX_ZIP_ENTRIES
    uncompressed: int = MAX_ZIP_UNCOMPRESSED
    ratio: int = MAX_ZIP_RATIO


class Reencoded(NamedTuple):
    content: bytes
    width: int
    height: int
    format: str  # Pillow's name: JPEG, PNG or WEBP

    @property
    def extension(self) -> str:
        return IMAGE_EXTENSIONS[self.format]


def inspect(
    file: IO[bytes],
    *,
    name: str,
    max_bytes: int,
    max_entries: int = MAX_ZIP_ENTRIES,
    max_uncompressed: int = MAX_ZIP_UNCOMPRESSED,
    max_ratio: int = MAX_ZIP_RATIO,
) -> Inspected:
    """Tell what an uploaded file is from its bytes, or raise a ValidationError naming the problem.

    The file is read once by chunks (stopping as soon as it passes ``max_bytes``), then zip
    files are checked from their directory; it is left at its start.
    """
    declared = declared_extension(name)
    if declared in HTML_NAME_EXTENSIONS:
        raise _html_refused()
    try:
        size, head, is_text, has_script = _scan(file, max_bytes)
        if size == 0:
            raise ValidationError(_("This file is empty."), code="empty")
        limits = ZipLimits(max_entries, max_uncompressed, max_ratio)
        kind, extension = _detect(file, size, head, is_text, has_script, declared, limits)
    finally:
        file.seek(0)
    if kind in {Kind.TEXT, Kind.OTHER} and HTML_START.match(head):
        raise _html_refused()
    _check_name_agrees(declared, kind, extension)
    return Inspected(kind, extension, CONTENT_TYPES[extension], size)


def _scan(file: IO[bytes], max_bytes: int) -> tuple[int, bytes, bool, bool]:
    """Size, first chunk, whether it is all UTF-8 text without NUL, whether it has a <script."""
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    size, head, tail = 0, b"", b""
    is_text, has_script = True, False
    while chunk := file.read(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise ValidationError(
                _("This file is larger than the limit of %(limit)s."),
                code="too_large",
                params={"limit": filesizeformat(max_bytes)},
            )
        head = head or chunk
        if is_text:
            is_text = b"\x00" not in chunk and _decodes(decoder, chunk)
            window = tail + chunk
            has_script = has_script or bool(SCRIPT_TAG.search(window))
            tail = window[-SCRIPT_TAG_OVERLAP:]
    is_text = is_text and _decodes(decoder, b"", final=True)
    return size, head, is_text, has_script


def _decodes(decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool = False) -> bool:
    try:
        decoder.decode(chunk, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _detect(
    file: IO[bytes],
    size: int,
    head: bytes,
    is_text: bool,
    has_script: bool,
    declared: str,
    limits: ZipLimits,
) -> tuple[Kind, str]:
    image_format = _image_format(head)
    if image_format:
        return Kind.IMAGE, IMAGE_EXTENSIONS[image_format]
    if head.startswith(b"%PDF-"):
        return Kind.PDF, "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        office = _check_zip(file, size, limits)
        return (Kind.OFFICE, office) if office else (Kind.ARCHIVE, "zip")
    if is_text:
        if SVG_START.match(head) and SVG_ROOT.search(head):
            return Kind.SVG, "svg"
        if has_script:
            raise _html_refused()
        if MARKUP_START.match(head):
            return Kind.OTHER, "bin"
        return Kind.TEXT, declared if declared in TEXT_EXTENSIONS else "txt"
    return Kind.OTHER, "bin"


def _image_format(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def _html_refused() -> ValidationError:
    return ValidationError(
        _(
            "Web pages (HTML) cannot be added to the library, as they could run scripts. "
            "Save the page as PDF, or share it in a zip archive."
        ),
        code="html",
    )


def _check_name_agrees(declared: str, kind: Kind, extension: str) -> None:
    if not declared:
        return
    if kind == Kind.IMAGE:
        agrees = declared in IMAGE_NAME_EXTENSIONS
    elif kind in {Kind.PDF, Kind.OFFICE}:
        agrees = declared == extension
    else:
        agrees = declared not in IMAGE_NAME_EXTENSIONS | OFFICE_EXTENSIONS | {"pdf"}
    if not agrees:
        raise ValidationError(
            _(
                "The name of this file ends in “.%(extension)s”, which does not match its "
                "content: %(content)s. Check that you chose the right file."
            ),
            code="name_mismatch",
            params={"extension": declared, "content": _describe(kind, extension)},
        )


def _describe(kind: Kind, extension: str) -> str:
    if kind == Kind.OFFICE:
        return _("a %(format)s document") % {"format": extension.upper()}
    return {
        Kind.IMAGE: _("a picture"),
        Kind.PDF: _("a PDF document"),
        Kind.TEXT: _("plain text"),
        Kind.SVG: _("an SVG drawing"),
        Kind.ARCHIVE: _("a zip archive"),
        Kind.OTHER: _("a file of another kind"),
    }[kind]


def _check_zip(file: IO[bytes], size: int, limits: ZipLimits) -> str | None:
    """Refuse a zip bomb or a zip with dangerous entries; return its office extension if any.

    The announced entry count and directory size are read first, so that a zip of 100,000
    entries is refused before ``zipfile`` builds an object per entry. Nothing is extracted.
    """
    entries, directory_size = _zip_directory(file, size)
    if entries > limits.entries or directory_size > (
        limits.entries * ZIP_DIRECTORY_BYTES_PER_ENTRY
    ):
        raise _too_many_entries(entries, limits)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if len(infos) > limits.entries:
                raise _too_many_entries(len(infos), limits)
            for info in infos:
                _check_zip_entry(info)
            _check_zip_size(size, sum(info.file_size for info in infos), limits)
            return _office_extension(archive)
    except (
        zipfile.BadZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
        ValueError,
    ) as exc:
        raise _damaged_zip() from exc


def _zip_directory(file: IO[bytes], size: int) -> tuple[int, int]:
    """Entry count and central directory size announced by the zip's end record (ZIP64 too)."""
    tail_size = min(size, 22 + 0xFFFF)  # the end record, then a comment of at most 64 KiB
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise _damaged_zip()
    entries, directory_size = struct.unpack_from("<HI", tail, at + 10)
    if entries != 0xFFFF and directory_size != 0xFFFFFFFF:
        return entries, directory_size
    locator = at - 20
    if locator < 0 or tail[locator : locator + 4] != b"PK\x06\x07":
        return entries, directory_size  # the classic record's own figures, at their maximum
    (record_offset,) = struct.unpack_from("<Q", tail, locator + 8)
    file.seek(record_offset)
    record = file.read(56)
    if len(record) < 56 or record[:4] != b"PK\x06\x06":
        raise _damaged_zip()
    entries, directory_size = struct.unpack_from("<QQ", record, 32)
    return entries, directory_size


def _check_zip_entry(info: zipfile.ZipInfo) -> None:
    path = info.filename.replace("\\", "/")
    if path.startswith("/") or re.match(r"[A-Za-z]:", path) or ".." in path.split("/"):
        raise ValidationError(
            _("This file contains an entry with an unsafe path: “%(entry)s”."),
            code="zip_path",
            params={"entry": _visible(info.filename)},
        )
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ValidationError(
            _("This file contains a symbolic link (“%(entry)s”), which is not accepted."),
            code="zip_symlink",
            params={"entry": _visible(info.filename)},
        )


def _check_zip_size(size: int, uncompressed: int, limits: ZipLimits) -> None:
    if uncompressed > limits.uncompressed:
        raise ValidationError(
            _("This file would expand to %(size)s, more than the limit of %(limit)s."),
            code="zip_too_large",
            params={
                "size": filesizeformat(uncompressed),
                "limit": filesizeformat(limits.uncompressed),
            },
        )
    if uncompressed > ZIP_RATIO_FLOOR and uncompressed > limits.ratio * size:
        raise ValidationError(
            _(
                "This file expands %(ratio)d times its size, which is how decompression bombs "
                "work: it is not accepted."
            ),
            code="zip_ratio",
            params={"ratio": uncompressed // size},
        )


def _office_extension(archive: zipfile.ZipFile) -> str | None:
    """The office type a zip declares in its own markers, reading at most a few kilobytes."""
    names = set(archive.namelist())
    if "mimetype" in names:
        with archive.open("mimetype") as entry:
            return ODF_MIMETYPES.get(entry.read(100).strip())
    if "[Content_Types].xml" in names:
        with archive.open("[Content_Types].xml") as entry:
            content_types = entry.read(256 * 1024)
        return next((ext for part, ext in OOXML_MAIN_PARTS.items() if part in content_types), None)
    return None


def _too_many_entries(entries: int, limits: ZipLimits) -> ValidationError:
    return ValidationError(
        _("This file holds too many entries (%(count)d; the limit is %(limit)d)."),
        code="zip_entries",
        params={"count": entries, "limit": limits.entries},
    )


def _damaged_zip() -> ValidationError:
    return ValidationError(_("This zip file is damaged or cannot be read."), code="zip_damaged")


def _visible(text: str) -> str:
    """Text without control or format characters, which could hide what it says."""
    return "".join(char for char in text if unicodedata.category(char)[0] != "C")


def declared_extension(name: str) -> str:
    """The extension a name announces, lower-cased, read as the user's system would read it."""
    stem, dot, extension = display_name(name).rpartition(".")
    if dot and stem and extension.isascii() and extension.isalnum() and len(extension) <= 10:
        return extension.lower()
    return ""


def display_name(raw: str) -> str:
    """A file name safe to show and to send back: no folders, no control or bidi characters.

    Trailing dots and spaces go (Windows drops them, so ``x.pdf.`` is ``x.pdf``), as do leading
    dots (no hidden files); the name is cut to DISPLAY_NAME_MAX characters, keeping its extension.
    """
    name = unicodedata.normalize("NFC", raw.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(
        " " if unicodedata.category(char) in {"Zs", "Zl", "Zp"} else char for char in _visible(name)
    )
    name = re.sub(" +", " ", name).strip(" .")
    if len(name) > DISPLAY_NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        suffix = dot + extension if stem and len(extension) <= 16 else ""
        base = stem if suffix else name
        name = base[: DISPLAY_NAME_MAX - len(suffix)].rstrip(" .") + suffix
    return name or "file"


def content_disposition(display_name_: str, *, inline: bool) -> str:
    """An RFC 6266 Content-Disposition: an ASCII ``filename`` and the exact ``filename*``.

    The name is sanitised again here, so no CR, LF or quote can end the header or add a parameter.
    """
    name = display_name(display_name_)
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = re.sub(r"[^A-Za-z0-9 ._()+,-]", "_", fallback)
    fallback = re.sub(" +", " ", fallback).strip(" .") or "file"
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def serve_inline(kind: Kind) -> bool:
    """Only pictures are shown in the page: the stored picture is always a re-encoding."""
    return kind == Kind.IMAGE


def download_headers(inspected: Inspected, display_name_: str) -> dict[str, str]:
    """Headers for serving a stored file: its checked type, never sniffed, sandboxed."""
    return {
        "Content-Type": inspected.content_type,
        "Content-Disposition": content_disposition(
            display_name_, inline=serve_inline(inspected.kind)
        ),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": SANDBOX_CSP,
    }


def storage_name(extension: str) -> str:
    """A fresh name under a month folder: 128 random bits, so nobody can guess a file's URL."""
    if extension not in CONTENT_TYPES:
        raise ValueError(f"extension not allowed: {extension!r}")
    return f"library/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension}"


def reencode_image(file: IO[bytes], *, max_pixels: int = MAX_PIXELS) -> Reencoded:
    """The picture's pixels only, upright, in sRGB: no EXIF, GPS, ICC, comments or appended data.

    JPEG, PNG and WebP keep their format; a GIF becomes a PNG of its first frame.
    """
    image, source_format = _open_image(file, max_pixels)
    target = "PNG" if source_format == "GIF" else source_format
    if target == "JPEG":
        image = image.convert("RGB")
    output = io.BytesIO()
    image.save(output, format=target, **_SAVE_OPTIONS[target])
    return Reencoded(output.getvalue(), image.width, image.height, target)


def thumbnail(
    file: IO[bytes], size: tuple[int, int] = THUMBNAIL_SIZE, *, max_pixels: int = MAX_PIXELS
) -> bytes:
    """A WebP preview of a picture, within ``size``."""
    image, _format = _open_image(file, max_pixels)
    return _webp_thumbnail(image, size)


def pdf_thumbnail(file: IO[bytes], size: tuple[int, int] = THUMBNAIL_SIZE) -> bytes | None:
    """A WebP preview of a PDF's first page, or None when the PDF cannot be rendered.

    The page is rendered straight at thumbnail scale, so a huge page costs no more pixels than a
    small one. Rendering a hostile page can still be slow: call this from a background task.
    """
    file.seek(0)
    try:
        document = pdfium.PdfDocument(file)
    except (pdfium.PdfiumError, OSError, ValueError):
        file.seek(0)
        return None
    try:
        if len(document) == 0:
            return None
        page = document[0]
        width, height = page.get_size()
        if not (width > 0 and height > 0):
            return None
        scale = min(size[0] / width, size[1] / height, 2.0)
        return _webp_thumbnail(page.render(scale=scale).to_pil(), size)
    except (pdfium.PdfiumError, OSError, ValueError):
        return None
    finally:
        document.close()
        file.seek(0)


_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "JPEG": {"quality": 88, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 88, "method": 4},
}


def _open_image(file: IO[bytes], max_pixels: int) -> tuple[Image.Image, str]:
    """Decode a JPEG, PNG, WebP or GIF (first frame) into clean RGB(A) pixels, upright.

    The size is read from the header and checked before any pixel is decoded.
    """
    file.seek(0)
    try:
        probe = Image.open(file, formats=list(IMAGE_EXTENSIONS))
        source_format = str(probe.format)
        width, height = probe.size
        if width * height > max_pixels:
            raise _too_many_pixels(max_pixels)
        probe.verify()
        file.seek(0)
        image = Image.open(file, formats=[source_format])
        image.load()
    except Image.DecompressionBombError as exc:  # Pillow's own, higher limit, checked in open()
        raise _too_many_pixels(max_pixels) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _unreadable() from exc
    finally:
        file.seek(0)
    clean = _to_srgb(ImageOps.exif_transpose(image))
    clean.info = {}
    return clean, source_format


def _to_srgb(image: Image.Image) -> Image.Image:
    """RGB or RGBA pixels; a picture with its own colour profile is converted to sRGB first."""
    mode = "RGBA" if image.has_transparency_data else "RGB"
    icc = image.info.get("icc_profile")
    if icc and image.mode in {"RGB", "RGBA", "CMYK", "L"}:
        try:
            converted = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode=mode,
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None
        if converted is not None:
            return converted
    return image.convert(mode)


def _webp_thumbnail(image: Image.Image, size: tuple[int, int]) -> bytes:
    image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    image.thumbnail(size, Image.Resampling.LANCZOS)
    image.info = {}
    output = io.BytesIO()
    image.save(output, format="WEBP", quality=80, method=4)
    return output.getvalue()


def _too_many_pixels(max_pixels: int) -> ValidationError:
    return ValidationError(
        _("This picture has too many pixels: the limit is %(megapixels)d megapixels."),
        code="pixels",
        params={"megapixels": max_pixels // 1_000_000},
    )


def _unreadable() -> ValidationError:
    return ValidationError(
        _("This picture is damaged or incomplete. Please export it again as JPEG, PNG or WebP."),
        code="image_unreadable",
    )

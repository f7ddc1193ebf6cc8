"""Library uploads: type from content, safe names, re-encoded pictures, bombs refused.

The SEC upload cases of quality.md (T25 to T30) that a pure function can answer. Every file is
built here, byte by byte when Pillow or zipfile would refuse to write it.
"""

from __future__ import annotations

import io
import re
import stat
import struct
import tracemalloc
import zipfile
import zlib
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import ExifTags, Image, ImageCms

from coopilote.tools.library import uploads
from coopilote.tools.library.uploads import Kind

MB = 1024 * 1024
SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"


def inspect(data: bytes, name: str, **limits) -> uploads.Inspected:
    return uploads.inspect(
        io.BytesIO(data), name=name, max_bytes=limits.pop("max_bytes", MB), **limits
    )


def refusal(data: bytes, name: str, **limits) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        inspect(data, name, **limits)
    return caught.value


def picture(image_format: str = "PNG", size: tuple[int, int] = (40, 20), **options) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG announcing width × height pixels with almost no data: nothing big is allocated."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


def zip_of(entries: dict[str, bytes] | list[zipfile.ZipInfo | tuple[str, bytes]]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        items = entries.items() if isinstance(entries, dict) else entries
        for item in items:
            if isinstance(item, zipfile.ZipInfo):
                archive.writestr(item, b"/etc/passwd")
            else:
                archive.writestr(*item)
    return output.getvalue()


def empty_entries_zip(count: int) -> bytes:
    """A real ZIP64 of `count` empty stored files, written directly (zipfile takes seconds)."""
    local, central = bytearray(), bytearray()
    for index in range(count):
        name = b"%d" % index
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0)
        local += name
        central += struct.pack("<IHHHHHHIII", 0x02014B50, 45, 20, 0, 0, 0, 0, 0, 0, 0)
        central += struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, offset) + name
    zip64_end = struct.pack("<IQHHII", 0x06064B50, 44, 45, 45, 0, 0)
    zip64_end += struct.pack("<QQQQ", count, count, len(central), len(local))
    locator = struct.pack("<IIQI", 0x07064B50, 0, len(local) + len(central), 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return bytes(local + central + zip64_end + locator + end)


def pdf_document(media_box: bytes = b"0 0 200 300") -> bytes:
    """A one-page PDF with a blue square at (20, 20)-(120, 120), bottom-left origin."""
    content = b"0 0 1 rg 20 20 100 100 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Contents 4 0 R >>" % media_box,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(output)


class Endless(io.RawIOBase):
    """A stream that never ends, counting what was read from it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        buffer[:] = b"a" * len(buffer)
        self.read_bytes += len(buffer)
        return len(buffer)


# What a file is: from its bytes, never from its name.


OCTETS = "application/octet-stream"
PLAIN = "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    ("data", "name", "kind", "extension", "content_type"),
    [
        (picture("PNG"), "photo.png", Kind.IMAGE, "png", "image/png"),
        (picture("JPEG"), "photo.JPEG", Kind.IMAGE, "jpg", "image/jpeg"),
        (picture("GIF"), "anim.gif", Kind.IMAGE, "gif", "image/gif"),
        (picture("WEBP"), "photo.webp", Kind.IMAGE, "webp", "image/webp"),
        (picture("PNG"), "saved-as.jpg", Kind.IMAGE, "png", "image/png"),
        (pdf_document(), "guide.pdf", Kind.PDF, "pdf", "application/pdf"),
        (pdf_document(), "guide-sans-extension", Kind.PDF, "pdf", "application/pdf"),
        ("Échanges\n".encode(), "cr.md", Kind.TEXT, "md", "text/markdown; charset=utf-8"),
        (b"nom;commune\nMare;Tours\n", "mares.CSV", Kind.TEXT, "csv", "text/csv; charset=utf-8"),
        (b"echo $PATH\n", "script.SH", Kind.TEXT, "txt", PLAIN),
        (b"<?php system($_GET['c']);", "shell.pHp", Kind.OTHER, "bin", OCTETS),
        (b'<?xml version="1.0"?><gpx><trk/></gpx>', "trace.gpx", Kind.OTHER, "bin", OCTETS),
        ("café;1\n".encode("latin-1"), "export.csv", Kind.OTHER, "bin", OCTETS),
        (b"MZ\x90\x00\x03\x00\x00\x00", "setup.exe", Kind.OTHER, "bin", OCTETS),
        (b"nom\x00commune\n", "nul.txt", Kind.OTHER, "bin", OCTETS),
        (
            zip_of({"a.txt": b"a", "b/c.txt": b"c"}),
            "kit.zip",
            Kind.ARCHIVE,
            "zip",
            "application/zip",
        ),
    ],
)
def test_type_and_safe_extension_come_from_the_content(data, name, kind, extension, content_type):
    inspected = inspect(data, name)

    assert (inspected.kind, inspected.extension) == (kind, extension)
    assert inspected.content_type == content_type
    assert inspected.size == len(data)


def ooxml(main_part: bytes) -> dict[str, bytes]:
    content_types = b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
    return {"[Content_Types].xml": content_types + main_part + b'"/></Types>', "doc.xml": b"<x/>"}


def odf(mimetype: bytes) -> dict[str, bytes]:
    return {"mimetype": b"application/vnd.oasis.opendocument." + mimetype, "content.xml": b"<x/>"}


@pytest.mark.parametrize(
    ("entries", "extension"),
    [
        (ooxml(b"wordprocessingml.document.main+xml"), "docx"),
        (ooxml(b"spreadsheetml.sheet.main+xml"), "xlsx"),
        (ooxml(b"presentationml.presentation.main+xml"), "pptx"),
        (odf(b"text"), "odt"),
        (odf(b"spreadsheet"), "ods"),
        (odf(b"presentation"), "odp"),
    ],
)
def test_office_documents_are_recognised_by_their_own_markers(entries, extension):
    inspected = inspect(zip_of(entries), f"document.{extension}")

    assert (inspected.kind, inspected.extension) == (Kind.OFFICE, extension)
    assert inspected.content_type == uploads.CONTENT_TYPES[extension]


def test_an_office_document_under_another_office_name_is_refused():
    docx = zip_of(ooxml(b"wordprocessingml.document.main+xml"))

    with translation.override("en"):
        error = refusal(docx, "budget.xlsx")

    assert error.code == "name_mismatch"
    assert "“.xlsx”" in error.messages[0]
    assert "DOCX" in error.messages[0]


def test_a_zip_without_office_markers_named_docx_is_refused():
    assert refusal(zip_of({"word/document.xml": b"<w/>"}), "rapport.docx").code == "name_mismatch"


def test_inspect_leaves_the_file_at_its_start():
    upload = io.BytesIO(pdf_document())

    uploads.inspect(upload, name="guide.pdf", max_bytes=MB)

    assert upload.read(5) == b"%PDF-"


def test_an_empty_file_is_refused():
    assert refusal(b"", "vide.txt").code == "empty"


# SEC-T27: size.


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_accepted():
    assert inspect(b"a" * 1000, "a.txt", max_bytes=1000).size == 1000

    with translation.override("en"):
        error = refusal(b"a" * 1001, "a.txt", max_bytes=1000)

    assert error.code == "too_large"
    assert "1000" in error.messages[0]


def test_the_size_limit_stops_reading_an_endless_stream():
    stream = Endless()

    with pytest.raises(ValidationError) as caught:
        uploads.inspect(stream, name="a.txt", max_bytes=5 * MB)

    assert caught.value.code == "too_large"
    assert stream.read_bytes <= 5 * MB + uploads.CHUNK_BYTES


# SEC-T25: SVG is kept, never inline.


def test_an_svg_with_scripts_is_an_svg_served_as_a_sandboxed_attachment():
    svg = (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">'
        b"<script>alert(2)</script><foreignObject><body>x</body></foreignObject>"
        b'<image xlink:href="https://evil.example/x.png"/></svg>'
    )

    inspected = inspect(svg, "logo.svg")
    headers = uploads.download_headers(inspected, "logo.svg")

    assert (inspected.kind, inspected.extension) == (Kind.SVG, "svg")
    assert not uploads.serve_inline(Kind.SVG)
    assert headers["Content-Type"] == "image/svg+xml"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]


def test_an_svg_named_as_a_png_is_refused():
    assert refusal(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "logo.png").code == "name_mismatch"


@pytest.mark.parametrize(
    ("kind", "inline"),
    [
        (Kind.IMAGE, True),
        (Kind.SVG, False),
        (Kind.PDF, False),
        (Kind.OFFICE, False),
        (Kind.TEXT, False),
        (Kind.ARCHIVE, False),
        (Kind.OTHER, False),
    ],
)
def test_only_pictures_are_served_inline(kind, inline):
    assert uploads.serve_inline(kind) is inline


# SEC-T26: HTML and polyglots.


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (SCRIPT, "report.pdf"),
        (b"<!DOCTYPE html><html><body>Bonjour</body></html>", "notes.txt"),
        (b"\n  <p>Bonjour</p>", "notes.txt"),
        (b"Bonjour,\nvoici la page : <script>fetch('/api')</script>\n", "notes.md"),
        (
            b"<?xml version='1.0'?><x xmlns:h='http://www.w3.org/1999/xhtml'><h:script/></x>",
            "d.xml",
        ),
        ("<html><body>é</body></html>".encode("latin-1"), "page.txt"),
        (picture("PNG"), "page.html"),
        (b"Bonjour", "page.HTM"),
    ],
)
def test_html_is_refused_whatever_its_name_or_encoding(data, name):
    with translation.override("en"):
        error = refusal(data, name)

    assert error.code == "html"
    assert "HTML" in error.messages[0]


def test_a_script_tag_split_across_two_chunks_is_found():
    first = b"a" * (uploads.CHUNK_BYTES - 4) + b"<scr"

    assert inspect(b"a" * uploads.CHUNK_BYTES + b"ipt>", "clean.txt").kind == Kind.TEXT
    assert refusal(first + b"ipt>alert(1)</script>", "notes.txt").code == "html"


def test_an_executable_renamed_pdf_is_refused():
    with translation.override("en"):
        error = refusal(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200), "facture.pdf")

    assert error.code == "name_mismatch"
    assert "“.pdf”" in error.messages[0]


@pytest.mark.parametrize("name", ["evil.php.jpg", "photo.jpeg", "document.pdf", "a.docx"])
def test_text_under_a_picture_pdf_or_office_name_is_refused(name):
    assert refusal(b"<?php echo 1; ?>", name).code == "name_mismatch"


def test_a_pdf_under_a_picture_name_is_refused():
    assert refusal(pdf_document(), "photo.png").code == "name_mismatch"


@pytest.mark.parametrize(
    ("image_format", "name"), [("GIF", "anim.gif"), ("JPEG", "image.jpg"), ("PNG", "x.png")]
)
def test_a_picture_with_html_appended_keeps_only_its_pixels(image_format, name):
    """GIFAR-style polyglot: accepted as the picture it starts with, the payload dropped."""
    polyglot = picture(image_format) + SCRIPT + zip_of({"evil.html": SCRIPT})

    inspected = inspect(polyglot, name)
    clean = uploads.reencode_image(io.BytesIO(polyglot))

    assert inspected.kind == Kind.IMAGE
    assert b"script" not in clean.content
    assert b"PK\x03\x04" not in clean.content
    assert Image.open(io.BytesIO(clean.content)).size == (40, 20)


def test_html_behind_a_picture_signature_is_not_a_picture_we_can_read():
    fake = b"GIF89a" + SCRIPT

    assert inspect(fake, "x.gif").kind == Kind.IMAGE
    with pytest.raises(ValidationError) as caught:
        uploads.reencode_image(io.BytesIO(fake))
    assert caught.value.code == "image_unreadable"


# SEC-T28 and T29: names.


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../settings.py", "settings.py"),
        ("..\\..\\x.pdf", "x.pdf"),
        ("/etc/passwd", "passwd"),
        ("C:\\Users\\camille\\Bureau\\CR réunion.docx", "CR réunion.docx"),
        ("x.pdf.", "x.pdf"),
        ("x.pdf ", "x.pdf"),
        ("x.pdf. . ", "x.pdf"),
        ("x.pdf\x00.html", "x.pdf.html"),
        ("\u202efdp.exe", "fdp.exe"),
        ("rapport\u2066\u200f\u200b.pdf", "rapport.pdf"),
        ('"; filename=evil.html', '"; filename=evil.html'),
        ("a\r\nSet-Cookie: x=1.txt", "aSet-Cookie: x=1.txt"),
        ("compte\u00a0\u00a0rendu\t.md", "compte rendu.md"),
        (".htaccess", "htaccess"),
        ("..", "file"),
        ("", "file"),
        ("Cafe\u0301.pdf", "Café.pdf"),
    ],
)
def test_display_names_lose_folders_and_invisible_characters(raw, shown):
    assert uploads.display_name(raw) == shown


def test_a_300_character_name_is_cut_to_150_keeping_its_extension():
    shown = uploads.display_name("é" * 296 + ".pdf")

    assert len(shown) == uploads.DISPLAY_NAME_MAX == 150
    assert shown == "é" * 146 + ".pdf"


def test_a_long_name_without_a_real_extension_is_simply_cut():
    assert uploads.display_name("a" * 200 + "." + "b" * 40) == "a" * 150


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("x.pdf.", "pdf"),
        ("x.PDF ", "pdf"),
        ("x.pdf\x00.html", "html"),
        ("README", ""),
        ("evil.php.jpg", "jpg"),
        ("archive.tar.gz", "gz"),
        ("trop.long-extension", ""),
    ],
)
def test_the_declared_extension_is_read_as_the_system_would(name, extension):
    assert uploads.declared_extension(name) == extension


def test_a_pdf_named_with_a_trailing_dot_or_space_is_accepted_as_pdf():
    assert inspect(pdf_document(), "x.pdf.").extension == "pdf"
    assert inspect(pdf_document(), "x.pdf ").extension == "pdf"


def test_a_nul_byte_cannot_hide_an_html_extension():
    assert refusal(pdf_document(), "x.pdf\x00.html").code == "html"


@pytest.mark.parametrize(
    "raw",
    [
        '"; filename=evil.html',
        "a\r\nSet-Cookie: session=stolen\r\n.pdf",
        "\u202efdp.exe",
        "Réunion « zones humides » 2026.pdf",
        "../../settings.py",
    ],
)
def test_content_disposition_carries_the_exact_name_without_injection(raw):
    header = uploads.content_disposition(raw, inline=False)

    parts = re.fullmatch(
        r"attachment; filename=\"([A-Za-z0-9 ._()+,-]+)\"; filename\*=UTF-8''([A-Za-z0-9%._~-]+)",
        header,
    )
    assert parts is not None, header
    assert unquote(parts.group(2), errors="strict") == uploads.display_name(raw)


def test_content_disposition_keeps_accented_names_readable_in_the_fallback():
    header = uploads.content_disposition("Été réseau.pdf", inline=True)

    assert header == (
        "inline; filename=\"Ete reseau.pdf\"; filename*=UTF-8''%C3%89t%C3%A9%20r%C3%A9seau.pdf"
    )


def test_storage_names_are_random_dated_and_allowlisted():
    names = {uploads.storage_name("pdf") for _ in range(50)}

    assert len(names) == 50
    for name in names:
        assert re.fullmatch(r"library/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", name)


@pytest.mark.parametrize("extension", ["php", "html", "../x", "", "pdf/../../x"])
def test_storage_names_refuse_extensions_outside_the_allowlist(extension):
    with pytest.raises(ValueError, match="not allowed"):
        uploads.storage_name(extension)


# SEC-T30: bombs.


def test_a_zip_bomb_is_refused_by_its_compression_ratio():
    output = io.BytesIO()
    with (
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("zeros.bin", "w") as entry,
    ):
        for _ in range(50):
            entry.write(bytes(MB))
    bomb = output.getvalue()

    with translation.override("en"):
        error = refusal(bomb, "bomb.zip", max_bytes=10 * MB)

    assert len(bomb) < 100_000
    assert error.code == "zip_ratio"
    assert "decompression bomb" in error.messages[0]


def test_a_zip_expanding_beyond_the_limit_is_refused():
    archive = zip_of({"noise.bin": zlib.compress(bytes(range(256)) * 8192, 0)})

    error = refusal(archive, "noise.zip", max_uncompressed=MB)

    assert error.code == "zip_too_large"


def test_a_zip_of_100000_entries_is_refused_before_being_parsed():
    archive = empty_entries_zip(100_000)
    tracemalloc.start()
    try:
        error = refusal(archive, "many.zip", max_bytes=20 * MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert error.code == "zip_entries"
    assert error.params == {"count": 100_000, "limit": uploads.MAX_ZIP_ENTRIES}
    assert peak < 2 * MB  # parsing the directory would build 100,000 objects (about 50 MB)


def test_the_hand_written_zip64_is_a_zip_python_reads():
    archive = empty_entries_zip(70_000)

    inspected = inspect(archive, "many.zip", max_bytes=20 * MB, max_entries=70_000)

    assert inspected.kind == Kind.ARCHIVE
    assert len(zipfile.ZipFile(io.BytesIO(archive)).namelist()) == 70_000


def test_a_zip_lying_about_its_entry_count_is_still_refused():
    archive = bytearray(zip_of({f"{index}.txt": b"x" for index in range(30)}))
    end = archive.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", archive, end + 8, 1, 1)

    assert refusal(bytes(archive), "lying.zip", max_entries=10).code == "zip_entries"


@pytest.mark.parametrize(
    "entry", ["../../x", "a/../../b", "..\\..\\x.txt", "/etc/cron.d/x", "\\\\server\\x", "C:/x"]
)
def test_a_zip_slip_entry_is_refused(entry):
    # Written under a placeholder of the same length, then renamed in place in both headers.
    placeholder = "Q" * len(entry)
    archive = zip_of({"ok.txt": b"x", placeholder: b"y"}).replace(
        placeholder.encode(), entry.encode()
    )
    assert zipfile.ZipFile(io.BytesIO(archive)).namelist() == ["ok.txt", entry]

    with translation.override("en"):
        error = refusal(archive, "kit.zip")

    assert error.code == "zip_path"
    assert "unsafe path" in error.messages[0]


def test_a_symbolic_link_entry_is_refused():
    link = zipfile.ZipInfo("docs/passwd")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16

    error = refusal(zip_of([("ok.txt", b"x"), link]), "kit.zip")

    assert error.code == "zip_symlink"


def test_office_documents_get_the_same_zip_checks():
    docx = zip_of({**ooxml(b"wordprocessingml.document.main+xml"), "../../word.xml": b""})

    assert refusal(docx, "cr.docx").code == "zip_path"


def test_a_damaged_zip_is_refused():
    assert refusal(b"PK\x03\x04" + bytes(100), "kit.zip").code == "zip_damaged"


@pytest.mark.parametrize(("width", "height"), [(30_000, 30_000), (7_000, 7_000)])
def test_a_pixel_flood_is_refused_before_decoding(width, height):
    flood = png_header(width, height)

    with pytest.raises(ValidationError) as caught:
        uploads.reencode_image(io.BytesIO(flood))

    assert len(flood) < 100
    assert caught.value.code == "pixels"


def test_the_pixel_limit_is_the_only_reason_for_the_flood_refusal():
    # Just under the limit, the same hand-made header is refused for its missing pixels instead.
    with pytest.raises(ValidationError) as caught:
        uploads.reencode_image(io.BytesIO(png_header(6_000, 6_000)))

    assert caught.value.code == "image_unreadable"


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "GIF", "WEBP"])
def test_a_truncated_picture_is_refused(image_format):
    whole = picture(image_format, size=(300, 200))

    with pytest.raises(ValidationError) as caught:
        uploads.reencode_image(io.BytesIO(whole[: len(whole) // 2]))

    assert caught.value.code == "image_unreadable"


# Re-encoding strips metadata.


def test_reencoding_removes_exif_gps_and_applies_the_orientation():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored sideways: turn 90° clockwise to show
    exif[ExifTags.Base.Make] = "PhoneCorp"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (47.0, 23.0, 42.0)
    original = picture("JPEG", size=(40, 20), exif=exif)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    clean = uploads.reencode_image(io.BytesIO(original))
    reopened = Image.open(io.BytesIO(clean.content))

    assert (clean.format, clean.extension) == ("JPEG", "jpg")
    assert (clean.width, clean.height) == reopened.size == (20, 40)
    assert not reopened.getexif()
    assert b"Exif" not in clean.content
    assert b"PhoneCorp" not in clean.content


def test_reencoding_drops_colour_profiles_and_text_chunks():
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Camille Martin, 12 rue des Mares")
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = picture("PNG", pnginfo=text, icc_profile=srgb)
    assert Image.open(io.BytesIO(original)).info.get("icc_profile")

    clean = uploads.reencode_image(io.BytesIO(original))
    reopened = Image.open(io.BytesIO(clean.content))

    assert "icc_profile" not in reopened.info
    assert b"Camille" not in clean.content
    assert reopened.getpixel((5, 5)) == (200, 30, 30)


def test_a_gif_becomes_a_png_of_its_first_frame_keeping_transparency():
    frames = [Image.new("RGBA", (30, 30), colour) for colour in [(0, 0, 0, 0), (0, 255, 0, 255)]]
    output = io.BytesIO()
    frames[0].save(output, format="GIF", save_all=True, append_images=frames[1:], disposal=2)

    clean = uploads.reencode_image(output)
    reopened = Image.open(io.BytesIO(clean.content))

    assert clean.format == "PNG"
    assert reopened.mode == "RGBA"
    assert reopened.getpixel((10, 10))[3] == 0


def test_a_picture_thumbnail_is_a_small_webp():
    small = uploads.thumbnail(io.BytesIO(picture("JPEG", size=(2000, 1000))))
    reopened = Image.open(io.BytesIO(small))

    assert reopened.format == "WEBP"
    assert reopened.size == (480, 240)


def test_a_thumbnail_refuses_a_pixel_flood_too():
    with pytest.raises(ValidationError) as caught:
        uploads.thumbnail(io.BytesIO(png_header(30_000, 30_000)))

    assert caught.value.code == "pixels"


# PDF previews.


def test_a_pdf_first_page_becomes_a_thumbnail():
    preview = uploads.pdf_thumbnail(io.BytesIO(pdf_document()))

    assert preview is not None
    assert Image.open(io.BytesIO(preview)).format == "WEBP"
    image = Image.open(io.BytesIO(preview)).convert("RGB")
    assert image.size == (320, 480)
    red, green, blue = image.getpixel((100, 400))
    assert blue > 200 and red < 60 and green < 60  # the blue square
    assert image.getpixel((100, 100)) == (255, 255, 255)


def test_a_huge_pdf_page_is_rendered_at_thumbnail_size():
    preview = uploads.pdf_thumbnail(io.BytesIO(pdf_document(b"0 0 14400 14400")))

    assert preview is not None
    assert max(Image.open(io.BytesIO(preview)).size) <= 480


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\nnot really a pdf",
        b"",
        SCRIPT,
        pdf_document()[:60],
        pdf_document().replace(b"/Count 1", b"/Count 0").replace(b"[3 0 R]", b"[]"),
    ],
)
def test_an_unrenderable_pdf_has_no_thumbnail(data):
    upload = io.BytesIO(data)

    assert uploads.pdf_thumbnail(upload) is None
    assert upload.tell() == 0

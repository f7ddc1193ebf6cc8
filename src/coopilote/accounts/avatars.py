"""Avatar uploads: checked from their content, re-encoded, stored under a random name."""

from __future__ import annotations

import io
import secrets
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
AVATAR_DIR = "avatars"


def process_avatar(upload: UploadedFile) -> bytes:
    """Return a square WebP re-encoding of an uploaded picture, or raise a ValidationError.

    The type comes from the bytes, never from the name or the browser's content type; the pixel
    count is checked before decoding, so a small file announcing a huge picture is refused.
    Re-encoding drops every metadata block (EXIF, GPS, comments) and any appended payload.
    """
    if upload.size is None or upload.size > settings.AVATAR_MAX_BYTES:
        raise ValidationError(
            _("This picture is too large (%(size)s); the limit is %(limit)s.")
            % {
                "size": filesizeformat(upload.size or 0),
                "limit": filesizeformat(settings.AVATAR_MAX_BYTES),
            },
            code="avatar_too_large",
        )
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            image_format = probe.format
            width, height = probe.size
            if image_format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    _("Please choose a JPEG, PNG, WebP or GIF picture."), code="avatar_format"
                )
            if width * height > settings.AVATAR_MAX_PIXELS:
                raise ValidationError(
                    _("This picture has too many pixels (%(width)d × %(height)d).")
                    % {"width": width, "height": height},
                    code="avatar_pixels",
                )
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise ValidationError(
            _("This file is not a picture we can read. Please choose a JPEG, PNG, WebP or GIF."),
            code="avatar_unreadable",
        ) from exc

    upright: Image.Image = ImageOps.exif_transpose(image)
    upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
    size = settings.AVATAR_SIZE
    upright = ImageOps.fit(upright, (size, size), method=Image.Resampling.LANCZOS)
    output = io.BytesIO()
    upright.save(output, format="WEBP", quality=85, method=4)
    return output.getvalue()


def store_avatar(content: bytes) -> str:
    name = f"{AVATAR_DIR}/{secrets.token_hex(16)}.webp"
    return default_storage.save(name, ContentFile(content))


def delete_avatar(name: str) -> None:
    if name and name.startswith(f"{AVATAR_DIR}/"):
        default_storage.delete(name)

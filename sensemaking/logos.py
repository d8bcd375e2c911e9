"""Check a partner's logo by decoding it with Pillow, and store it as a small PNG.

The file's name and extension are never trusted: what Pillow can decode, within the size
limits, is redrawn as a PNG (no metadata, no scripts), which the web page, the PDF and the Word
file can all show.
"""

import io
import warnings
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_SIDE = 5000  # pixels, either way, of the uploaded image
LOGO_STORED_SIDE = 1200  # pixels: larger logos are scaled down to this, which prints sharply
LOGO_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF", "WEBP": "WebP"}
LOGO_FORMATS_TEXT = "PNG, JPEG, GIF or WebP"


def check_logo(upload) -> ContentFile:
    """Return the uploaded logo redrawn as a PNG, or raise ValidationError saying what is wrong."""
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            f"The logo is {upload.size / 1024**2:.1f} MB; a logo can be at most "
            f"{LOGO_MAX_BYTES // 1024**2} MB. Save a smaller copy and upload that.",
            code="too_big",
        )
    data = upload.read()
    try:
        with warnings.catch_warnings(), _whole_files_only():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if max(width, height) > LOGO_MAX_SIDE:
                raise ValidationError(
                    f"The logo is {width:,} × {height:,} pixels; a logo can be at most "
                    f"{LOGO_MAX_SIDE:,} pixels each way. Save a smaller copy and upload that.",
                    code="too_many_pixels",
                )
            if image.format not in LOGO_FORMATS:
                raise ValidationError(
                    f"The logo is a {image.format} image; upload it as {LOGO_FORMATS_TEXT}.",
                    code="format",
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            f"The logo has far too many pixels; a logo can be at most {LOGO_MAX_SIDE:,} pixels "
            "each way. Save a smaller copy and upload that.",
            code="too_many_pixels",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(_not_an_image(data), code="not_an_image") from None
    except (OSError, SyntaxError, ValueError):  # Pillow's errors for a damaged file
        raise ValidationError(
            f"The logo could not be read: the file seems damaged. Upload it as "
            f"{LOGO_FORMATS_TEXT} again.",
            code="damaged",
        ) from None
    image = ImageOps.exif_transpose(image).convert("RGBA")
    image.thumbnail((LOGO_STORED_SIDE, LOGO_STORED_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name="logo.png")


@contextmanager
def _whole_files_only():
    """Refuse a cut-off image while decoding a logo.

    WeasyPrint, once imported, makes Pillow fill in truncated images process-wide; a logo that
    arrived half-uploaded must be refused instead.
    """
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def _not_an_image(data: bytes) -> str:
    start = data[:1024].lstrip().lower()
    if start.startswith(b"%pdf"):
        return (
            f"The logo is a PDF, not an image, whatever its name says. Save the logo as "
            f"{LOGO_FORMATS_TEXT} and upload that."
        )
    if b"<svg" in start or start.startswith(b"<?xml"):
        return (
            f"SVG logos can’t be used. Export the logo as {LOGO_FORMATS_TEXT} (most design "
            f"tools can) and upload that."
        )
    return f"The file is not an image we can read. Upload the logo as {LOGO_FORMATS_TEXT}."

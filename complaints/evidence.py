"""Photo evidence sanitizing: whatever a phone sends, only clean pixels are kept.

The steps follow OWASP's file upload guidance and Pillow's own advice:
- the type is decided by content, from an allow-list of parsers (JPEG, PNG, WebP);
- the pixel count is checked from the header, before any pixel is decoded (decompression bombs);
- orientation is applied, colours are converted to sRGB, and the pixels are copied into a fresh
  image, so no EXIF, GPS, XMP, ICC profile or comment can survive;
- the result is re-encoded as JPEG (long edge capped) with a thumbnail;
- the SHA-256 of the original bytes is kept for chain of custody; the original bytes are not.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from complaints.exceptions import InvalidInput, TooLarge, UnsupportedMedia

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
JPEG_QUALITY = 85
THUMB_QUALITY = 80

# Anything Pillow would only warn about is refused (checked again explicitly below).
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)

MSG_EMPTY = _("The photo file is empty.")
MSG_TOO_LARGE = _("Each photo may be at most %(mb)s MB.")
MSG_TOO_MANY_PIXELS = _("The photo is too large (at most %(mp)s megapixels).")
MSG_NOT_AN_IMAGE = _("Only photos in JPEG, PNG or WebP format can be attached.")
MSG_DAMAGED = _("The photo is damaged or incomplete; please choose it again.")
# The same checks named for one chosen file, as the report page's script makes them before
# sending (frontend.errors.photo_messages); ``%(name)s`` is filled in by the browser.
MSG_FILE_EMPTY = _("The file %(name)s is empty. Choose another photo.")
MSG_FILE_NOT_AN_IMAGE = _(
    "The file %(name)s is not a JPEG, PNG or WebP photo. Choose another photo."
)
MSG_FILE_TOO_LARGE = _(
    "The photo %(name)s is larger than %(mb)s MB. Make it smaller or choose another photo."
)


@dataclass(frozen=True)
class SanitizedPhoto:
    image: bytes
    thumbnail: bytes
    sha256: str
    width: int
    height: int


def photo_sanitize(
    data: bytes, *, max_bytes: int, max_pixels: int, long_edge: int, thumb_edge: int
) -> SanitizedPhoto:
    """Check, clean and re-encode one uploaded photo, or raise ``InvalidInput``
    (``TooLarge``, ``UnsupportedMedia``)."""
    if not data:
        raise InvalidInput.on_field("photos", str(MSG_EMPTY))
    if len(data) > max_bytes:
        raise TooLarge.on_field("photos", str(MSG_TOO_LARGE) % {"mb": max_bytes // (1024 * 1024)})
    digest = hashlib.sha256(data).hexdigest()
    picture = _decode(data, max_pixels=max_pixels, long_edge=long_edge)
    picture.thumbnail((long_edge, long_edge), reducing_gap=3.0)
    clean = Image.new("RGB", picture.size)
    clean.paste(picture)
    thumb = clean.copy()
    thumb.thumbnail((thumb_edge, thumb_edge), reducing_gap=2.0)
    return SanitizedPhoto(
        image=_jpeg(clean, JPEG_QUALITY),
        thumbnail=_jpeg(thumb, THUMB_QUALITY),
        sha256=digest,
        width=clean.width,
        height=clean.height,
    )


def _decode(data: bytes, *, max_pixels: int, long_edge: int) -> Image.Image:
    """Open by content, refuse bombs before decoding, then load, orient and convert to sRGB."""
    try:
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except UnidentifiedImageError as exc:
        raise UnsupportedMedia.on_field("photos", str(MSG_NOT_AN_IMAGE)) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(max_pixels) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput.on_field("photos", str(MSG_DAMAGED)) from exc
    width, height = image.size
    if width * height > max_pixels or width == 0 or height == 0:
        raise _too_many_pixels(max_pixels)
    try:
        if image.format == "JPEG":
            # DCT scaling: decode big phone photos at a fraction of their size when possible.
            image.draft("RGB", _draft_size(image.size, long_edge))
        image.load()
        image = ImageOps.exif_transpose(image)
        return _to_srgb(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(max_pixels) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise InvalidInput.on_field("photos", str(MSG_DAMAGED)) from exc


def _too_many_pixels(max_pixels: int) -> InvalidInput:
    return TooLarge.on_field("photos", str(MSG_TOO_MANY_PIXELS) % {"mp": max_pixels // 1_000_000})


def _draft_size(size: tuple[int, int], long_edge: int) -> tuple[int, int]:
    """The smallest size JPEG's DCT scaling may decode to: three quarters of the cap, so a
    4032×3024 phone photo decodes at half size (2016×1512) instead of in full."""
    width, height = size
    scale = min(1.0, long_edge * 3 / 4 / max(width, height))
    return max(1, int(width * scale)), max(1, int(height * scale))


def _to_srgb(image: Image.Image) -> Image.Image:
    """RGB pixels in sRGB; transparency flattened onto white; embedded profiles dropped."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "CMYK"):
        try:
            return ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: fall back to a plain conversion below
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    # Nothing but pixels: no exif, icc_profile or comment arguments, and a fresh image's info
    # is empty, so the encoder has no metadata to fall back to.
    image.save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()

"""Photo sanitizing speed: a 12 MP phone photo (target ≤ 150 ms) and a 1 MP photo."""

import io

from PIL import Image, ImageFilter

from tests.bench.common import Figure, django_setup, median, percentile, timings


def _photo(width: int, height: int) -> bytes:
    """A photo-like JPEG: smooth noise compresses like a real scene, unlike flat colour."""
    grain = Image.effect_noise((width, height), 60)
    picture = Image.merge(
        "RGB", [grain, grain.rotate(180), grain.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    ).filter(ImageFilter.GaussianBlur(2))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def run() -> list[Figure]:
    django_setup()
    from django.conf import settings

    from complaints.evidence import photo_sanitize

    def sanitize(data):
        return lambda: photo_sanitize(
            data,
            max_bytes=settings.PORTAL_MAX_PHOTO_BYTES,
            max_pixels=settings.PORTAL_MAX_IMAGE_PIXELS,
            long_edge=settings.PORTAL_PHOTO_LONG_EDGE,
            thumb_edge=settings.PORTAL_THUMB_LONG_EDGE,
        )

    big = timings(sanitize(_photo(4032, 3024)), repeat=10)
    small = timings(sanitize(_photo(1200, 850)), repeat=30)
    return [
        Figure(
            "Sanitize a 12 MP phone photo, p95",
            percentile(big, 0.95) * 1000,
            "ms",
            "≤ 150 ms",
            percentile(big, 0.95) <= 0.150,
        ),
        Figure(
            "Sanitize a 1 MP photo, median", median(small) * 1000, "ms", "(informational)", None
        ),
    ]

"""The city's crest, the favicons drawn from it, and the colour theme, as served files.

Everything comes from ``frontend.identity``'s settings at request time, so another city's crest
and colours need no file in this repository and no build step: the icons are drawn with Pillow
from the configured crest (once per crest file and size, then kept in memory). Each URL carries
the identity's version (``?v=``), so a day of browser caching never shows a previous crest.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe
from PIL import Image

from frontend.identity import city

# Favicon sizes: the tab (32), Android's home screen and the web manifest (192, 512).
ICON_SIZES = (32, 192, 512)
ICO_SIZES = [(16, 16), (32, 32), (48, 48)]
APPLE_TOUCH_SIZE = 180
CACHE_CONTROL = "public, max-age=86400"
# A configured SVG crest is served as an image, never as a document that could run script.
CREST_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def crest_file(name: str) -> Path:
    """Where the crest is: an absolute path, or a static name (an app's, or collected)."""
    if Path(name).is_absolute():
        found = Path(name)
    else:
        located = finders.find(name)
        found = Path(located) if located else None
        # Without the app finders (production), the collected copy under STATIC_ROOT.
        if found is None and settings.STATIC_ROOT and staticfiles_storage.exists(name):
            found = Path(staticfiles_storage.path(name))
    if found is None or not found.is_file():
        raise Http404("The configured crest file does not exist.")
    return found


@lru_cache(maxsize=32)
def _drawn(file: str, modified: float, size: int, background: str | None, ico: bool) -> bytes:
    """The crest centred on a square of ``size`` (transparent, or ``background``), as PNG/ICO."""
    with Image.open(file) as source:
        crest = source.convert("RGBA")
    # A little room around it: icons are shown in circles and rounded squares.
    inner = round(size * (0.84 if background else 0.96))
    crest.thumbnail((inner, inner), Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (size, size), background or (0, 0, 0, 0))
    canvas.alpha_composite(crest, ((size - crest.width) // 2, (size - crest.height) // 2))
    out = io.BytesIO()
    if ico:
        canvas.save(out, format="ICO", sizes=ICO_SIZES)
    else:
        canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _icon(size: int, *, background: str | None = None, ico: bool = False) -> HttpResponse:
    identity = city()
    if identity.crest_is_svg:
        # Pillow does not draw SVG: an SVG crest is the icon itself (see base.html).
        raise Http404("Raster icons need a PNG or JPEG crest.")
    file = crest_file(identity.crest)
    body = _drawn(str(file), file.stat().st_mtime, size, background, ico)
    response = HttpResponse(body, content_type="image/x-icon" if ico else "image/png")
    response["Cache-Control"] = CACHE_CONTROL
    return response


@require_safe
def crest(request):
    identity = city()
    response = HttpResponse(
        crest_file(identity.crest).read_bytes(), content_type=identity.crest_type
    )
    response["Cache-Control"] = CACHE_CONTROL
    response["Content-Security-Policy"] = CREST_POLICY
    return response


@require_safe
def favicon(request):
    return _icon(48, ico=True)


@require_safe
def icon(request, size: int):
    if size not in ICON_SIZES:
        raise Http404("No icon of that size.")
    return _icon(size)


@require_safe
def apple_touch_icon(request):
    # iOS paints a transparent icon's background black: the crest sits on white.
    return _icon(APPLE_TOUCH_SIZE, background="#ffffff")


@require_safe
def theme(request):
    response = HttpResponse(city().palette.css(), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = CACHE_CONTROL
    return response


app_name = "identity"
urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("apple-touch-icon.png", apple_touch_icon, name="apple-touch-icon"),
    path("ikon-<int:size>.png", icon, name="icon"),
    path("identitas/lambang", crest, name="crest"),
    path("identitas/tema.css", theme, name="theme"),
]

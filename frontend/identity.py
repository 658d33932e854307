"""The city whose portal this is: its name, its crest and its colours, from settings.

One home for the portal's identity, so another kabupaten/kota changes name, crest and colours by
settings alone (docs/interface.md "City identity"):

- ``PORTAL_CITY_NAME`` and ``PORTAL_CITY_GOVERNMENT`` name the city in the header, the page
  titles, the footer, the admin and the posters; when the name is empty, the region the portal
  serves names it (``routing.Region``, written from its region pack), Kota Bengkulu without one;
- ``PORTAL_CITY_CREST``: the crest, a static file name or an absolute file path (PNG, JPEG or
  SVG); it is served at one address and the favicons are drawn from it
  (``frontend.identity_views``);
- ``PORTAL_CITY_COLOURS``: the primary colour (header, buttons, links) and the accent (the
  stripe under the header), as ``#rrggbb``. The pages read them as CSS custom properties.

A primary colour too light to carry white text or to be read as text on white (WCAG 2.1, 4.5:1)
is darkened, in its own hue, until it can: a city's colours never make the portal unreadable.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from routing.regions.current import region_current

HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# WCAG 2.1 success criterion 1.4.3 (text) and 1.4.11 (user-interface parts).
TEXT_CONTRAST = 4.5
UI_CONTRAST = 3.0
WHITE = "#ffffff"
DEFAULT_PRIMARY = "#0b5d3b"
DEFAULT_ACCENT = "#f2c230"
CREST_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}


# --- Colour arithmetic (WCAG 2.1 relative luminance and contrast ratio) ----------------------


def rgb(colour: str) -> tuple[int, int, int]:
    """``#0b5d3b`` or ``#fff`` as ``(r, g, b)`` in 0-255."""
    if not HEX_COLOUR.match(colour):
        raise ValueError(f"{colour!r} is not a #rrggbb colour.")
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def hex_colour(red: float, green: float, blue: float) -> str:
    return "#" + "".join(f"{round(max(0, min(255, c))):02x}" for c in (red, green, blue))


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.1 definition), 0 for black to 1 for white."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def mix(colour: str, other: str, share: float) -> str:
    """``colour`` with ``share`` (0-1) of ``other`` mixed in."""
    return hex_colour(*(a + (b - a) * share for a, b in zip(rgb(colour), rgb(other), strict=True)))


# --- The identity ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Palette:
    """The colours the stylesheets use, derived from the city's two."""

    primary: str  # header, buttons, links: carries white text and is read on white
    primary_dark: str  # hover, text on the soft tint
    primary_soft: str  # tinted backgrounds (selected choices, the receipt)
    accent: str  # decoration only (the stripe under the header), never text

    def css(self) -> str:
        return (
            ":root {"
            f" --city-primary: {self.primary};"
            f" --city-primary-dark: {self.primary_dark};"
            f" --city-primary-soft: {self.primary_soft};"
            f" --city-accent: {self.accent};"
            " }\n"
        )


@dataclass(frozen=True)
class City:
    name: str
    government: str
    crest: str
    palette: Palette

    @property
    def crest_type(self) -> str:
        return CREST_TYPES.get(Path(self.crest).suffix.lower(), "application/octet-stream")

    @property
    def crest_is_svg(self) -> bool:
        return self.crest_type == "image/svg+xml"

    @property
    def version(self) -> str:
        """Changes whenever the crest or the colours do: the icons' and theme's URLs carry it,
        so browsers that keep them for a day never show the previous city's."""
        key = f"{self.crest}|{self.palette.css()}"
        return hashlib.sha256(key.encode()).hexdigest()[:10]


@lru_cache(maxsize=16)
def palette(primary: str, accent: str) -> Palette:
    """The palette of a city's two colours. The primary carries white text and is read as text
    on white and on its own tint: it is darkened, in its own hue, until all three reach 4.5:1."""
    for step in range(101):
        candidate = mix(primary, "#000000", step / 100)
        soft = mix(candidate, WHITE, 0.9)
        if min(contrast(candidate, WHITE), contrast(candidate, soft)) >= TEXT_CONTRAST:
            break
    return Palette(
        primary=candidate,
        primary_dark=mix(candidate, "#000000", 0.32),
        primary_soft=soft,
        accent=accent,
    )


def _colours() -> tuple[str, str]:
    configured = list(settings.PORTAL_CITY_COLOURS) + [DEFAULT_PRIMARY, DEFAULT_ACCENT]
    primary, accent = configured[0], configured[1]
    return primary.lower(), accent.lower()


DEFAULT_CITY_NAME = "Kota Bengkulu"


def _name_and_government() -> tuple[str, str]:
    """``PORTAL_CITY_NAME``/``PORTAL_CITY_GOVERNMENT`` when set; else the region the portal
    serves (``routing.Region``, from its pack); else Kota Bengkulu."""
    region = None if settings.PORTAL_CITY_NAME else region_current()
    if region is not None:
        return region.name, settings.PORTAL_CITY_GOVERNMENT or region.government
    name = settings.PORTAL_CITY_NAME or DEFAULT_CITY_NAME
    government = settings.PORTAL_CITY_GOVERNMENT or _("Government of %(city)s") % {"city": name}
    return name, government


def city() -> City:
    """The configured city (read on every call: settings may change under tests)."""
    name, government = _name_and_government()
    return City(
        name=name,
        government=government,
        crest=settings.PORTAL_CITY_CREST,
        palette=palette(*_colours()),
    )


def brand_admin(site) -> None:
    """The admin's header, tab title and index title name the city (read per request, lazily,
    so they follow the settings and the visitor's language)."""
    site.site_header = lazy(lambda: _("Lapor Pungli · %(city)s") % {"city": city().name}, str)()
    site.site_title = lazy(lambda: _("Lapor Pungli %(city)s") % {"city": city().name}, str)()
    site.index_title = lazy(lambda: _("Portal administration"), str)()

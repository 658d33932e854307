"""Test images built in memory with Pillow: metadata-laden photos, odd formats, bombs and fakes.

Nothing binary is committed; every function returns the bytes of one file. Photos are drawn
with a recognisable colour split (``LEFT_COLOUR`` on the left half of the stored pixels,
``RIGHT_COLOUR`` on the right half) so a test can tell where the pixels ended up.
``jpeg_segments`` lists the marker segments of a JPEG, for asserting what an output carries.
"""

import io
import random
import struct
import zlib

from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

LEFT_COLOUR = (220, 30, 30)  # red
RIGHT_COLOUR = (30, 30, 220)  # blue

# Kota Bengkulu, roughly: what a phone would put in the GPS IFD.
GPS_LATITUDE = (3.0, 47.0, 45.0)
GPS_LONGITUDE = (102.0, 15.0, 50.0)
CAMERA_MAKE = "PhoneMaker"
CAMERA_MODEL = "Model X-42"
COMMENT = b"taken by Budi at Jl. Suprapto 12"
XMP_NAMESPACE = b"http://ns.adobe.com/xap/1.0/"
XMP_PACKET = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="3,47.75S" exif:GPSLongitude="102,15.83E"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
HTML_PAYLOAD = b"<html><body><script>alert('polyglot')</script></body></html>"

# EXIF tag numbers
TAG_ORIENTATION = 0x0112
TAG_MAKE = 0x010F
TAG_MODEL = 0x0110
IFD_GPS = 0x8825


def split_image(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """``LEFT_COLOUR`` on the left half, ``RIGHT_COLOUR`` on the right half."""
    image = Image.new("RGB", (width, height), LEFT_COLOUR)
    image.paste(RIGHT_COLOUR, (width // 2, 0, width, height))
    return image.convert(mode) if mode != "RGB" else image


def srgb_icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def exif_with_gps(orientation: int | None = 6) -> Image.Exif:
    """EXIF with an orientation, the camera make/model and a GPS position."""
    exif = Image.Exif()
    if orientation is not None:
        exif[TAG_ORIENTATION] = orientation
    exif[TAG_MAKE] = CAMERA_MAKE
    exif[TAG_MODEL] = CAMERA_MODEL
    exif[IFD_GPS] = {
        1: "S",
        2: GPS_LATITUDE,
        3: "E",
        4: GPS_LONGITUDE,
    }
    return exif


def _save(image: Image.Image, format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def _jpeg_insert_segment(data: bytes, marker: int, payload: bytes) -> bytes:
    """``data`` with one more marker segment right after SOI."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    segment = struct.pack(">HH", marker, len(payload) + 2) + payload
    return data[:2] + segment + data[2:]


def jpeg(width: int = 400, height: int = 200, **options) -> bytes:
    """A plain JPEG of the colour split; ``options`` go to Pillow's ``save``."""
    options.setdefault("quality", 90)
    return _save(split_image(width, height), "JPEG", **options)


def jpeg_with_metadata(
    width: int = 400, height: int = 200, orientation: int | None = 6, icc: bool = True
) -> bytes:
    """A phone-like JPEG: stored pixels are the colour split, plus everything a phone leaks.

    EXIF (Orientation, Make, Model, GPS IFD), an XMP APP1 segment with a GPS position, a COM
    comment and (unless ``icc=False``) an APP2 ICC profile (sRGB).
    """
    options = {"icc_profile": srgb_icc_profile()} if icc else {}
    data = _save(
        split_image(width, height),
        "JPEG",
        quality=90,
        exif=exif_with_gps(orientation).tobytes(),
        comment=COMMENT,
        **options,
    )
    return _jpeg_insert_segment(data, 0xFFE1, XMP_NAMESPACE + b"\x00" + XMP_PACKET)


def jpeg_progressive(width: int = 400, height: int = 200) -> bytes:
    return jpeg(width, height, progressive=True)


def jpeg_cmyk(width: int = 400, height: int = 200) -> bytes:
    """A CMYK JPEG (as print workflows produce) of the colour split."""
    return _save(split_image(width, height, mode="CMYK"), "JPEG", quality=90)


def jpeg_noise(width: int = 400, height: int = 300, seed: int = 7) -> bytes:
    """A JPEG of random pixels: big entropy-coded data, small headers."""
    pixels = random.Random(seed).randbytes(width * height * 3)
    return _save(Image.frombytes("RGB", (width, height), pixels), "JPEG", quality=90)


def truncated(data: bytes) -> bytes:
    """The first half of ``data``, as an interrupted upload leaves it."""
    return data[: len(data) // 2]


def jpeg_truncated() -> bytes:
    """The first half of a real JPEG (headers intact, scan data cut)."""
    return truncated(jpeg_noise())


def jpeg_polyglot() -> bytes:
    """A valid JPEG with an HTML document appended after its EOI marker."""
    data = jpeg()
    assert data.endswith(b"\xff\xd9")
    return data + HTML_PAYLOAD


def _jpeg_walk(data: bytes):
    """Yield ``(marker, offset of the marker, payload)`` for each marker segment of a JPEG."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    yield 0xFFD8, 0, b""
    position = 2
    while position < len(data):
        if data[position] != 0xFF:
            raise ValueError(f"expected a marker at {position}")
        while data[position + 1] == 0xFF:  # fill bytes
            position += 1
        offset = position
        marker = 0xFF00 | data[position + 1]
        position += 2
        if marker == 0xFFD9:
            yield marker, offset, b""
            return
        if 0xFFD0 <= marker <= 0xFFD7 or marker == 0xFF01:
            yield marker, offset, b""
            continue
        (length,) = struct.unpack(">H", data[position : position + 2])
        yield marker, offset, data[position + 2 : position + length]
        position += length
        if marker == 0xFFDA:  # skip the entropy-coded data up to the next real marker
            while position + 1 < len(data) and not (
                data[position] == 0xFF
                and data[position + 1] != 0x00
                and not 0xD0 <= data[position + 1] <= 0xD7
            ):
                position += 1


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """The marker segments of a JPEG, in order, as ``(marker, payload)``.

    Standalone markers (SOI, EOI, RSTn) have an empty payload; the entropy-coded data after
    each SOS is skipped (a 0xFF inside it is always followed by 0x00 or an RSTn marker), so a
    marker found here is a real one, never a byte pair inside compressed pixels.
    """
    return [(marker, payload) for marker, _offset, payload in _jpeg_walk(data)]


def jpeg_with_claimed_size(width: int, height: int) -> bytes:
    """A 16×16 baseline JPEG whose SOF0 header is patched to claim ``width`` × ``height``."""
    data = bytearray(jpeg(16, 16, optimize=False, progressive=False))
    for marker, offset, _payload in _jpeg_walk(bytes(data)):
        if marker == 0xFFC0:
            # SOF0: FFC0, length (2), precision (1), height (2), width (2), ...
            struct.pack_into(">HH", data, offset + 5, height, width)
            return bytes(data)
    raise ValueError("no SOF0 segment")


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def png_bomb_header(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny PNG whose IHDR claims ``width`` × ``height`` RGB pixels (valid CRCs).

    The IDAT holds a single row of compressed zeros: a decoder that trusted the header would
    have to allocate the whole canvas before finding out.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (1 + 3 * min(width, 64)), 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def png_with_text_and_transparency(width: int = 400, height: int = 200) -> bytes:
    """An RGBA PNG: left half fully transparent black, right half opaque ``RIGHT_COLOUR``.

    Carries tEXt and iTXt chunks (a comment and an XMP packet) and an eXIf chunk with GPS.
    """
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.paste((*RIGHT_COLOUR, 255), (width // 2, 0, width, height))
    info = PngInfo()
    info.add_text("Comment", COMMENT.decode())
    info.add_itxt("XML:com.adobe.xmp", XMP_PACKET.decode())
    return _save(image, "PNG", pnginfo=info, exif=exif_with_gps(None).tobytes())


def png_palette_transparent(width: int = 400, height: int = 200) -> bytes:
    """A palette PNG: left half is the transparent index, right half ``RIGHT_COLOUR``."""
    image = Image.new("P", (width, height), 0)
    image.putpalette([0, 0, 0, *RIGHT_COLOUR] + [0, 0, 0] * 254)
    image.paste(1, (width // 2, 0, width, height))
    return _save(image, "PNG", transparency=0)


def png_colour_key_transparent(mode: str = "RGB", width: int = 400, height: int = 200) -> bytes:
    """An RGB or L PNG with a tRNS colour key: the left half is black, the key colour.

    The right half is ``RIGHT_COLOUR`` (RGB) or grey 128 (L).
    """
    right = RIGHT_COLOUR if mode == "RGB" else 128
    key = (0, 0, 0) if mode == "RGB" else 0
    image = Image.new(mode, (width, height), key)
    image.paste(right, (width // 2, 0, width, height))
    return _save(image, "PNG", transparency=key)


def png_16bit(
    width: int = 400, height: int = 200, left: int = 0x2000, right: int = 0xC000
) -> bytes:
    """A 16-bit greyscale PNG (mode I;16): ``left`` and ``right`` are 16-bit grey levels."""
    half = width // 2
    row = struct.pack(f"<{half}H", *[left] * half) + struct.pack(
        f"<{width - half}H", *[right] * (width - half)
    )
    image = Image.frombytes("I;16", (width, height), row * height)
    return _save(image, "PNG")


def png(width: int = 400, height: int = 200) -> bytes:
    return _save(split_image(width, height), "PNG")


def webp(width: int = 400, height: int = 200) -> bytes:
    """A plain lossy WebP of the colour split."""
    return _save(split_image(width, height), "WEBP", quality=90)


def webp_with_metadata(width: int = 400, height: int = 200) -> bytes:
    """A lossless WebP of the colour split, with EXIF (Make, Model, GPS), XMP and an ICC profile."""
    return _save(
        split_image(width, height),
        "WEBP",
        lossless=True,
        exif=exif_with_gps(None).tobytes(),
        icc_profile=srgb_icc_profile(),
        xmp=XMP_PACKET,
    )


def webp_animated(width: int = 200, height: int = 100) -> bytes:
    """A two-frame animated WebP: frame 1 all ``LEFT_COLOUR``, frame 2 all ``RIGHT_COLOUR``."""
    first = Image.new("RGB", (width, height), LEFT_COLOUR)
    second = Image.new("RGB", (width, height), RIGHT_COLOUR)
    return _save(
        first, "WEBP", save_all=True, append_images=[second], duration=200, loop=0, lossless=True
    )


def gif(width: int = 40, height: int = 20) -> bytes:
    return _save(split_image(width, height), "GIF")


def tiff(width: int = 40, height: int = 20) -> bytes:
    return _save(split_image(width, height), "TIFF")


def html_renamed() -> bytes:
    """An HTML page, as if renamed to ``photo.jpg``."""
    return b"<!DOCTYPE html>\n" + HTML_PAYLOAD


def svg() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        b'<script>alert(1)</script><rect width="100" height="100" fill="red"/></svg>'
    )


def pdf_header() -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"

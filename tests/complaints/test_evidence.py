"""Photo sanitizing: no metadata in the output bytes, orientation, sizes, colours, rejections."""

import hashlib
import io

import pytest
from PIL import Image, ImageFile

from complaints.evidence import SanitizedPhoto, photo_sanitize
from complaints.exceptions import InvalidInput, TooLarge, UnsupportedMedia
from tests import images

LIMITS = {
    "max_bytes": 10 * 1024 * 1024,
    "max_pixels": 40_000_000,
    "long_edge": 2048,
    "thumb_edge": 400,
}
WHITE = (255, 255, 255)

# JPEG markers that carry metadata: APP1 (EXIF, XMP), APP2 (ICC, MPF), APP13 (IPTC), COM.
METADATA_MARKERS = {0xFFE1, 0xFFE2, 0xFFED, 0xFFFE}


def sanitize(data: bytes, **overrides) -> SanitizedPhoto:
    return photo_sanitize(data, **{**LIMITS, **overrides})


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def close_to(pixel, expected, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


def colour_at(image: Image.Image, x: float, y: float):
    """The pixel at a fraction (x, y) of the image's width and height."""
    return image.getpixel((int(image.width * x), int(image.height * y)))


def assert_no_metadata(data: bytes) -> None:
    image = decode(data)
    assert image.format == "JPEG"
    exif = image.getexif()
    assert len(exif) == 0
    assert exif.get_ifd(images.IFD_GPS) == {}
    for key in ("exif", "icc_profile", "comment", "xmp", "XML:com.adobe.xmp", "Comment"):
        assert key not in image.info, key
    assert b"Exif\x00\x00" not in data
    assert images.XMP_NAMESPACE not in data
    assert b"ICC_PROFILE" not in data
    assert images.CAMERA_MAKE.encode() not in data
    assert images.COMMENT not in data
    markers = {marker for marker, _payload in images.jpeg_segments(data)}
    assert not markers & METADATA_MARKERS, sorted(hex(marker) for marker in markers)


# The sources really carry what the sanitizer must remove (otherwise the tests below prove nothing).


def test_phone_jpeg_source_carries_all_metadata():
    data = images.jpeg_with_metadata()
    source = decode(data)
    exif = source.getexif()
    assert exif[images.TAG_ORIENTATION] == 6
    assert exif[images.TAG_MAKE] == images.CAMERA_MAKE
    assert exif.get_ifd(images.IFD_GPS)[2] == images.GPS_LATITUDE
    assert source.info["icc_profile"]
    assert source.info["comment"] == images.COMMENT
    assert images.XMP_NAMESPACE in data
    markers = [marker for marker, _payload in images.jpeg_segments(data)]
    assert {0xFFE1, 0xFFE2, 0xFFFE} <= set(markers)


@pytest.mark.parametrize(
    "factory", [images.png_with_text_and_transparency, images.webp_with_metadata]
)
def test_png_and_webp_sources_carry_gps_and_xmp(factory):
    source = decode(factory())
    assert source.getexif().get_ifd(images.IFD_GPS)[4] == images.GPS_LONGITUDE
    assert "xmp" in source.info


# Metadata


@pytest.mark.parametrize(
    "factory",
    [
        images.jpeg_with_metadata,
        # without an ICC profile the pixels take another path (no colour conversion)
        lambda: images.jpeg_with_metadata(icc=False),
        lambda: images.jpeg_with_metadata(orientation=None),
        images.png_with_text_and_transparency,
        images.webp_with_metadata,
        images.jpeg_cmyk,
        images.png_16bit,
    ],
    ids=["jpeg", "jpeg-no-icc", "jpeg-no-orientation", "png", "webp", "cmyk", "png-16bit"],
)
def test_output_and_thumbnail_carry_no_metadata(factory):
    photo = sanitize(factory())
    assert_no_metadata(photo.image)
    assert_no_metadata(photo.thumbnail)


def test_output_has_only_jfif_as_application_segment():
    photo = sanitize(images.jpeg_with_metadata())
    app_markers = {
        marker
        for marker, _payload in images.jpeg_segments(photo.image)
        if 0xFFE0 <= marker <= 0xFFEF
    }
    assert app_markers <= {0xFFE0}


# Orientation: the stored pixels are red (left) | blue (right); the output is what an upright
# view of the photo shows.


@pytest.mark.parametrize(
    ("orientation", "size", "red_at", "blue_at"),
    [
        (1, (400, 200), (0.25, 0.5), (0.75, 0.5)),  # as stored
        (3, (400, 200), (0.75, 0.5), (0.25, 0.5)),  # turned 180°
        (6, (200, 400), (0.5, 0.25), (0.5, 0.75)),  # turned 90° clockwise: left goes on top
        (8, (200, 400), (0.5, 0.75), (0.5, 0.25)),  # turned 90° anticlockwise: left at bottom
    ],
)
def test_orientation_is_applied(orientation, size, red_at, blue_at):
    photo = sanitize(images.jpeg_with_metadata(width=400, height=200, orientation=orientation))
    image = decode(photo.image)
    assert image.size == size
    assert (photo.width, photo.height) == size
    assert close_to(colour_at(image, *red_at), images.LEFT_COLOUR)
    assert close_to(colour_at(image, *blue_at), images.RIGHT_COLOUR)
    thumb = decode(photo.thumbnail)
    assert close_to(colour_at(thumb, *red_at), images.LEFT_COLOUR)
    assert close_to(colour_at(thumb, *blue_at), images.RIGHT_COLOUR)


def test_orientation_is_applied_to_a_large_photo_decoded_at_reduced_size():
    # 4100×2000 stored with Orientation=6: upright it is 2000×4100, capped to ~1000×2048
    photo = sanitize(images.jpeg_with_metadata(width=4100, height=2000, orientation=6))
    image = decode(photo.image)
    assert image.height == 2048
    assert 995 <= image.width <= 1000
    assert close_to(colour_at(image, 0.5, 0.25), images.LEFT_COLOUR)
    assert close_to(colour_at(image, 0.5, 0.75), images.RIGHT_COLOUR)


# Sizes and format


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (3000, 1000, [(2048, 683), (2048, 682)]),
        (1000, 3000, [(683, 2048), (682, 2048)]),
    ],
)
def test_long_edge_is_capped(width, height, expected):
    photo = sanitize(images.jpeg(width, height))
    image = decode(photo.image)
    assert image.size in expected
    assert (photo.width, photo.height) == image.size
    thumb = decode(photo.thumbnail)
    assert max(thumb.size) == 400
    assert min(thumb.size) in (133, 134)


def test_small_photo_is_not_enlarged():
    photo = sanitize(images.jpeg(400, 200))
    assert decode(photo.image).size == (400, 200)
    assert decode(photo.thumbnail).size == (400, 200)


def test_thumbnail_fits_the_thumb_edge():
    photo = sanitize(images.jpeg(1200, 900))
    thumb = decode(photo.thumbnail)
    assert thumb.size == (400, 300)


@pytest.mark.parametrize(
    "factory",
    [
        images.jpeg,
        images.jpeg_progressive,
        images.jpeg_with_metadata,
        images.png,
        images.webp,
        images.webp_with_metadata,
        images.webp_animated,
        images.jpeg_cmyk,
        images.png_16bit,
        images.png_palette_transparent,
    ],
)
def test_output_is_an_rgb_jpeg(factory):
    photo = sanitize(factory())
    for data in (photo.image, photo.thumbnail):
        image = decode(data)
        assert image.format == "JPEG"
        assert image.mode == "RGB"


@pytest.mark.parametrize(
    "factory", [images.jpeg, images.jpeg_with_metadata, images.png_16bit, images.jpeg_polyglot]
)
def test_sha256_is_of_the_original_bytes(factory):
    data = factory()
    photo = sanitize(data)
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert photo.sha256 != hashlib.sha256(photo.image).hexdigest()


# Colours


@pytest.mark.parametrize(
    "factory",
    [
        images.jpeg,
        images.jpeg_progressive,
        images.png,
        images.webp,
        images.webp_with_metadata,
        images.jpeg_cmyk,
    ],
)
def test_colours_are_kept(factory):
    image = decode(sanitize(factory()).image)
    assert close_to(colour_at(image, 0.25, 0.5), images.LEFT_COLOUR)
    assert close_to(colour_at(image, 0.75, 0.5), images.RIGHT_COLOUR)


@pytest.mark.parametrize(
    ("factory", "opaque"),
    [
        (images.png_with_text_and_transparency, images.RIGHT_COLOUR),
        (images.png_palette_transparent, images.RIGHT_COLOUR),
        (lambda: images.png_colour_key_transparent("RGB"), images.RIGHT_COLOUR),
        (lambda: images.png_colour_key_transparent("L"), (128, 128, 128)),
    ],
    ids=["rgba", "palette", "rgb-colour-key", "grey-colour-key"],
)
def test_transparency_is_flattened_onto_white(factory, opaque):
    image = decode(sanitize(factory()).image)
    # the transparent half is stored as black pixels: it must come out white, not black
    assert close_to(colour_at(image, 0.25, 0.5), WHITE, tolerance=8)
    assert close_to(colour_at(image, 0.75, 0.5), opaque)


@pytest.mark.parametrize(
    ("left", "right", "left_grey", "right_grey"),
    [
        (0x8000, 0x8000, 128, 128),  # mid-grey stays mid-grey
        (0x2000, 0xC000, 32, 192),  # dark stays dark, light stays light
    ],
)
def test_16bit_png_keeps_its_tones(left, right, left_grey, right_grey):
    image = decode(sanitize(images.png_16bit(left=left, right=right)).image)
    assert close_to(colour_at(image, 0.25, 0.5), (left_grey,) * 3, tolerance=6)
    assert close_to(colour_at(image, 0.75, 0.5), (right_grey,) * 3, tolerance=6)


def test_animated_webp_keeps_the_first_frame():
    source = Image.open(io.BytesIO(images.webp_animated()))
    assert source.n_frames == 2
    image = decode(sanitize(images.webp_animated()).image)
    assert image.size == (200, 100)
    assert close_to(colour_at(image, 0.5, 0.5), images.LEFT_COLOUR)


def test_polyglot_jpeg_is_accepted_without_its_html():
    data = images.jpeg_polyglot()
    assert images.HTML_PAYLOAD in data
    photo = sanitize(data)
    for output in (photo.image, photo.thumbnail):
        assert b"<html" not in output
        assert b"<script" not in output
        assert output.endswith(b"\xff\xd9")
    assert decode(photo.image).size == (400, 200)


# Rejections


@pytest.mark.parametrize(
    ("factory", "kind"),
    [
        (lambda: b"", InvalidInput),
        (images.jpeg_truncated, InvalidInput),
        (lambda: images.truncated(images.png()), InvalidInput),
        (lambda: images.truncated(images.webp_with_metadata()), InvalidInput),
        (images.html_renamed, UnsupportedMedia),
        (images.svg, UnsupportedMedia),
        (images.pdf_header, UnsupportedMedia),
        (images.gif, UnsupportedMedia),
        (images.tiff, UnsupportedMedia),
        (lambda: b"\x00" * 64, UnsupportedMedia),
        (lambda: images.png_bomb_header(30000, 30000), TooLarge),
        (lambda: images.png_bomb_header(8000, 8000), TooLarge),
        (lambda: images.jpeg_with_claimed_size(65000, 65000), TooLarge),
        (lambda: images.jpeg_with_claimed_size(9000, 5000), TooLarge),
    ],
    ids=[
        "empty",
        "truncated-jpeg",
        "truncated-png",
        "truncated-webp",
        "html",
        "svg",
        "pdf",
        "gif",
        "tiff",
        "zeros",
        "png-30000x30000",
        "png-8000x8000",
        "jpeg-65000x65000",
        "jpeg-9000x5000",
    ],
)
def test_bad_files_are_rejected(factory, kind):
    with pytest.raises(InvalidInput) as caught:
        sanitize(factory())
    assert type(caught.value) is kind
    assert caught.value.errors == {"photos": [caught.value.message]}
    assert caught.value.message


@pytest.mark.parametrize(
    "data",
    [
        images.png_bomb_header(30000, 30000),
        images.png_bomb_header(8000, 8000),
        images.jpeg_with_claimed_size(65000, 65000),
        images.jpeg_with_claimed_size(9000, 5000),
    ],
    ids=["png-30000", "png-8000", "jpeg-65000", "jpeg-9000x5000"],
)
def test_pixel_bombs_are_refused_from_the_header_without_decoding(data, monkeypatch):
    assert len(data) < 1000  # a few hundred bytes claiming tens of megapixels or more
    loads = []

    def load_spy(self):
        loads.append(self.size)
        raise AssertionError("pixels decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load_spy)
    with pytest.raises(TooLarge):
        sanitize(data)
    assert loads == []


def test_max_bytes_is_checked_before_decoding():
    data = images.jpeg()
    assert sanitize(data, max_bytes=len(data)).sha256 == hashlib.sha256(data).hexdigest()
    with pytest.raises(TooLarge):
        sanitize(data, max_bytes=len(data) - 1)
    # even bytes that are no image at all: the size is refused first
    with pytest.raises(TooLarge):
        sanitize(b"x" * 2048, max_bytes=1024)


def test_max_pixels_boundary():
    data = images.jpeg(400, 200)
    assert sanitize(data, max_pixels=80_000).width == 400
    with pytest.raises(TooLarge):
        sanitize(data, max_pixels=79_999)

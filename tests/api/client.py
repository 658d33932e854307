"""Small helpers to talk to the anonymous API the way a reporter's phone does."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import images

COMPLAINTS_URL = "/api/v1/complaints/"
TRACK_URL = "/api/v1/track/"

# The story that started the project: a parking attendant asks Rp10.000 and gives no karcis.
PARKIR_STORY = {
    "category": "pungli",
    "service": "PARKIR-MOTOR",
    "kelurahan": "17.71.06.1006",
    "description": "Jukir di depan pasar minta Rp10.000 untuk parkir motor, tidak ada karcis.",
    "amount_paid": 10000,
    "karcis_given": False,
}


def photo(
    content: bytes | None = None, name: str = "IMG_0001.jpg", content_type: str = "image/jpeg"
):
    return SimpleUploadedFile(
        name, images.jpeg_with_metadata() if content is None else content, content_type
    )


def language_headers(language: str | None) -> dict:
    return {"HTTP_ACCEPT_LANGUAGE": language} if language else {}


def complaint_post(client, data: dict, *, photos=(), language: str | None = None, **extra):
    """POST complaints/: JSON without photos, multipart with them (as the contract allows)."""
    if photos:
        body = {key: value for key, value in data.items() if value is not None}
        return client.post(
            COMPLAINTS_URL,
            {**body, "photos": list(photos)},
            format="multipart",
            **language_headers(language),
            **extra,
        )
    return client.post(COMPLAINTS_URL, data, format="json", **language_headers(language), **extra)


def track_post(client, receipt, *, language: str | None = None, **extra):
    return client.post(
        TRACK_URL, {"receipt": receipt}, format="json", **language_headers(language), **extra
    )


def indonesian_catalogue_compiled() -> bool:
    """Whether the project's own Indonesian translations are compiled (``django.mo``)."""
    from django.apps import apps
    from django.conf import settings

    folders = [Path(folder) for folder in settings.LOCALE_PATHS]
    folders += [
        Path(config.path) / "locale"
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR)
        and "site-packages" not in Path(config.path).parts  # the project's apps, not libraries
    ]
    return any((folder / "id" / "LC_MESSAGES" / "django.mo").exists() for folder in folders)


def assert_not_english(message: str, english: str) -> None:
    """The default language is Indonesian: the message must not be the English one.

    Only checkable once the Indonesian catalogue is compiled; until then this skips (the
    assertions the caller made before still ran).
    """
    if not indonesian_catalogue_compiled():
        pytest.skip("no compiled Indonesian catalogue (locale/id/LC_MESSAGES/django.mo) yet")
    assert message != english

"""Fixtures for the API tests: "nothing was left behind" checks and uploads spooled to disk."""

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from complaints.models import Complaint, Event, Evidence
from tests.conftest import files_under


@dataclass
class LeftoverCheck:
    """Rows and files as they were when the fixture started; calling it asserts nothing new."""

    folders: dict[str, Path]
    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, set[Path]] = field(default_factory=dict)

    def snapshot(self) -> None:
        self.rows = _row_counts()
        self.files = {name: set(files_under(folder)) for name, folder in self.folders.items()}

    def __call__(self) -> None:
        assert _row_counts() == self.rows, "a refused request left rows behind"
        for name, folder in self.folders.items():
            new = set(files_under(folder)) - self.files[name]
            assert not new, f"a refused request left files in the {name} folder: {sorted(new)}"


def _row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Complaint, Event, Evidence)}


@pytest.fixture
def assert_nothing_left(directory, settings, evidence_dir, upload_temp_dir) -> LeftoverCheck:
    """Call ``assert_nothing_left()`` after a refused request: no row, no file, no temp file."""
    check = LeftoverCheck(
        folders={
            "evidence": evidence_dir,
            "media": Path(settings.MEDIA_ROOT),
            "upload temp": upload_temp_dir,
        }
    )
    check.snapshot()
    return check


@pytest.fixture
def uploads_spooled_to_disk(settings):
    """Every uploaded file goes through a temporary file in FILE_UPLOAD_TEMP_DIR.

    Django keeps small uploads in memory; with the threshold at 0 each one is written to the
    temp folder, so "no temp file left" is checked for every upload, not only large ones.
    """
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0

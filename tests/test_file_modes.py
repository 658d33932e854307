"""File modes (config.filemodes): the database, the photo evidence and the local key are
readable by the service's user only (issue 12, finding 13: ``var/db.sqlite3`` was readable by
every local user).

The database is made by the real ``manage.py`` in a subprocess, as `make run` makes it; photos
are uploaded through the API.
"""

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from complaints.models import Evidence
from config import filemodes
from config.settings import base
from tests.api.client import PARKIR_STORY, complaint_post, photo

# Independent of the database and channel layer in use: `make test-services` leaves it out.
pytestmark = pytest.mark.embedded_only

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "file-modes-test-key-not-secret-0123456789-abcdefghijklmnop"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def manage(*args: str, workdir: Path) -> subprocess.CompletedProcess:
    """``manage.py`` on an SQLite database and a media folder in ``workdir``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"} and not key.startswith("PORTAL_")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "true",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A folder anyone may read (as /tmp or a home folder may be), with a fresh database."""
    workdir = tmp_path_factory.mktemp("filemodes")
    workdir.chmod(0o755)
    manage("migrate", "--noinput", workdir=workdir)
    return workdir


def test_a_fresh_database_is_private_to_its_user(migrated):
    database = migrated / "db.sqlite3"

    assert mode(database) == 0o600
    for side in filemodes.SQLITE_SIDE_FILES:
        if Path(f"{database}{side}").exists():
            assert mode(Path(f"{database}{side}")) == 0o600


def test_a_readable_database_and_media_folder_are_made_private_at_start(migrated):
    """Finding 13 replayed: a database (with its WAL files) and a media folder left readable
    by everyone, as an older release made them, are private once the portal starts on them."""
    database = migrated / "db.sqlite3"
    media = migrated / "media"
    (media / "evidence" / "ab").mkdir(parents=True, exist_ok=True)
    for folder in (media, media / "evidence"):
        folder.chmod(0o755)
    # Another process holds the database open in WAL mode, so its -wal and -shm files exist.
    holder = sqlite3.connect(database)
    try:
        holder.execute("PRAGMA journal_mode=WAL")
        holder.execute("CREATE TABLE IF NOT EXISTS filemodes_probe (x)")
        holder.commit()
        database.chmod(0o644)
        sides = [Path(f"{database}{side}") for side in ("-wal", "-shm")]
        assert all(side.exists() for side in sides)
        for side in sides:
            side.chmod(0o644)

        manage("migrate", "--noinput", workdir=migrated)

        assert mode(database) == 0o600
        assert [mode(side) for side in sides] == [0o600, 0o600]
    finally:
        holder.close()
    assert mode(media) == 0o700
    assert mode(media / "evidence") == 0o700


@pytest.mark.django_db
def test_an_uploaded_photo_is_private_to_its_user(directory, api_client, evidence_dir):
    response = complaint_post(api_client, PARKIR_STORY, photos=[photo()])
    assert response.status_code == 201, response.content

    evidence = Evidence.objects.get()
    for field in (evidence.image, evidence.thumbnail):
        path = Path(field.path)
        assert mode(path) == 0o600
        folder = path.parent
        while folder != evidence_dir.parent:
            assert mode(folder) == 0o700, folder
            folder = folder.parent


def test_the_local_secret_key_is_private(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "VAR_DIR", tmp_path / "var")

    key = base._local_secret_key()

    assert mode(tmp_path / "var") == 0o700
    assert mode(tmp_path / "var" / "secret_key") == 0o600
    assert base._local_secret_key() == key  # kept, not made anew


def test_two_processes_making_the_local_secret_key_at_once_share_one(tmp_path, monkeypatch):
    """The race replayed: another process writes its key after this one found none, before
    this one puts its own in place. Both end with the other's whole key; nothing is left."""
    var_dir = tmp_path / "var"
    monkeypatch.setattr(base, "VAR_DIR", var_dir)
    make_temporary = base.tempfile.mkstemp

    def the_other_process_first(**kwargs):
        made = make_temporary(**kwargs)
        (var_dir / "secret_key").write_text("the-other-process-key\n")
        (var_dir / "secret_key").chmod(0o600)
        return made

    monkeypatch.setattr(base.tempfile, "mkstemp", the_other_process_first)

    assert base._local_secret_key() == "the-other-process-key"
    assert sorted(path.name for path in var_dir.iterdir()) == ["secret_key"]


UMASK_PRINT = "import os; print(oct(os.umask(0o022)))"


@pytest.mark.parametrize(
    "argv",
    [
        ["manage.py", "shell", "-c", UMASK_PRINT],
        ["-c", f"import config.asgi; {UMASK_PRINT}"],
        ["-c", f"import config.wsgi; {UMASK_PRINT}"],
    ],
    ids=["manage.py", "config.asgi", "config.wsgi"],
)
def test_the_entry_points_create_files_private(argv):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env |= {"DEBUG": "true", "SECRET_KEY": SECRET_KEY}
    result = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "0o77"


# --- config.filemodes, alone ---------------------------------------------------------------------


def test_path_tighten_removes_group_and_other_bits_only(tmp_path):
    readable = tmp_path / "readable"
    readable.write_text("x")
    readable.chmod(0o664)
    read_only = tmp_path / "read-only"
    read_only.write_text("x")
    read_only.chmod(0o400)

    filemodes.path_tighten(readable, filemodes.PRIVATE_FILE)
    filemodes.path_tighten(read_only, filemodes.PRIVATE_FILE)
    filemodes.path_tighten(tmp_path / "missing", filemodes.PRIVATE_FILE)

    assert mode(readable) == 0o600
    assert mode(read_only) == 0o400  # never widened


def test_data_tighten_closes_the_data_folders(tmp_path):
    var_dir, media = tmp_path / "var", tmp_path / "media"
    (media / "evidence").mkdir(parents=True)
    var_dir.mkdir()
    (var_dir / "secret_key").write_text("k")
    for path in (var_dir, media, media / "evidence"):
        path.chmod(0o755)
    (var_dir / "secret_key").chmod(0o644)

    filemodes.data_tighten(var_dir=var_dir, media_root=media)

    assert [mode(path) for path in (var_dir, media, media / "evidence")] == [0o700] * 3
    assert mode(var_dir / "secret_key") == 0o600


def connection_of(vendor: str, name: str) -> SimpleNamespace:
    return SimpleNamespace(vendor=vendor, settings_dict={"NAME": name})


def test_database_files_tighten_acts_on_sqlite_files_only(tmp_path):
    database = tmp_path / "db.sqlite3"
    database.write_bytes(b"")
    database.chmod(0o644)
    other = tmp_path / "other.sqlite3"
    other.write_bytes(b"")
    other.chmod(0o644)

    filemodes.database_files_tighten(None, connection_of("sqlite", str(database)))
    filemodes.database_files_tighten(None, connection_of("postgresql", str(other)))
    filemodes.database_files_tighten(None, connection_of("sqlite", ":memory:"))

    assert mode(database) == 0o600
    assert mode(other) == 0o644

"""File modes: the portal's data on disk is readable by the service's user only.

The SQLite database (with its ``-wal`` and ``-shm`` files), the photo evidence under
``MEDIA_ROOT`` and the key kept in ``var/secret_key`` hold what the portal promises to keep from
everyone, another local user of the machine included. Three layers keep them private:

- :data:`PRIVATE_UMASK`, set first by every entry point (``manage.py``, ``config.asgi``,
  ``config.wsgi``): whatever the process creates — the database SQLite makes on first use, the
  evidence folders, ``var/`` — is born without group or other bits. SQLite gives its ``-wal``
  and ``-shm`` files the mode of the database file.
- ``FILE_UPLOAD_PERMISSIONS`` (0600) and ``FILE_UPLOAD_DIRECTORY_PERMISSIONS`` (0700) in the
  settings: the evidence storage sets these modes explicitly on what it writes, whatever the
  umask of the process that writes (a test runner, a shell).
- :func:`data_tighten` (at start-up, ``config.apps``) and :func:`database_files_tighten` (on a
  process's first connection to an SQLite database): files made before — by an older release,
  by hand, by a process without the umask — lose their group and other bits. Only the top
  folders are changed, not every photo: a folder at 0700 lets no one else reach what it holds.

A path the service's user does not own (a mounted volume, a shared directory) is left as it is:
changing it is the operator's decision, not the portal's.
"""

import logging
import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")

logger = logging.getLogger(__name__)
_tightened: set[str] = set()


def private_umask() -> None:
    """Make everything this process creates private to its user (see the module docstring)."""
    os.umask(PRIVATE_UMASK)


def path_tighten(path: Path, mode: int) -> None:
    """Remove every bit of ``path`` outside ``mode`` if it exists and this user owns it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    current = stat.S_IMODE(info.st_mode)
    if current & ~mode == 0 or info.st_uid != os.geteuid():
        return
    try:
        path.chmod(current & mode)
    except OSError as exc:  # a read-only file system: say so, never stop the portal for it
        logger.warning("Could not make %s private: %s", path, exc)


def data_tighten(*, var_dir: Path, media_root: Path) -> None:
    """The folders of the portal's own data: ``var/`` and ``MEDIA_ROOT`` (with its evidence)."""
    for folder in (var_dir, media_root, media_root / "evidence"):
        path_tighten(folder, PRIVATE_DIR)
    path_tighten(var_dir / "secret_key", PRIVATE_FILE)


def database_files_tighten(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: an SQLite database file and its side files, 0600.

    Once per database and process: Django opens a connection per request (``CONN_MAX_AGE`` 0)."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if name in _tightened or name == ":memory:" or name.startswith("file:"):
        return
    _tightened.add(name)
    for suffix in ("", *SQLITE_SIDE_FILES):
        path_tighten(Path(name + suffix), PRIVATE_FILE)

"""A PostgreSQL server of the fault suite's own, which a test may stop and start again.

``initdb`` into a temporary folder, ``pg_ctl start`` on a free port (TCP on 127.0.0.1, its unix
socket in the same folder, ``fsync`` off: the data is thrown away), trust authentication for the
``postgres`` role. PostgreSQL refuses to run as root, so when the tests run as root the cluster
belongs to the ``postgres`` OS user and its commands run through ``runuser``. The machine's
shared PostgreSQL is never touched.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.e2e.servers import free_port

STARTUP_SECONDS = 60


def postgres_bindir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (PATH first, then Debian's versioned folders)."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(versions[0]).parent if versions else None


class PrivatePostgres:
    """A throw-away cluster; ``url`` for its ``postgres`` database; ``stop()`` and ``start()``."""

    def __init__(self):
        bindir = postgres_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL's initdb/pg_ctl are not installed")
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        # Not under the suite's own temporary folder: as root that is closed to `postgres`.
        self.home = Path(tempfile.mkdtemp(prefix="laporpungli-pg-"))
        self.data = self.home / "data"
        self.log_path = self.home / "postgres.log"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        if self.as_root:
            shutil.chown(self.home, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )

    def _run(self, tool: str, *args: str) -> None:
        argv = [str(self.bindir / tool), *args]
        if self.as_root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        result = subprocess.run(
            argv, cwd=self.home, capture_output=True, text=True, timeout=STARTUP_SECONDS
        )
        if result.returncode != 0:
            log = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
            raise RuntimeError(
                f"{tool} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n{log}"
            )

    def start(self) -> PrivatePostgres:
        options = (
            f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-o", options, "-w", "start"
        )
        return self

    def stop(self) -> None:
        """A fast shutdown: open sessions are ended, as when the server is taken down."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)

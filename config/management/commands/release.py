"""`python manage.py release [--wait]`: prepare a deployment before its processes serve.

In order: empty the shared metrics directory (``PROMETHEUS_MULTIPROC_DIR``, config.metrics),
``migrate``, ``collectstatic`` (with ``DEBUG`` off), ``load_directory``, ``seed_demo`` when
``DEMO`` is true (the demo accounts, with their known password), and the evidence bucket when
``PORTAL_S3_BUCKET`` is set and the bucket does not exist yet (waiting for the store to come up).
Idempotent: run it at every deployment. The compose file runs it as a job before the others;
`make prod-local` (honcho, which has no ordering) runs it at the head of the web process.

``--wait`` prepares nothing: it returns once a release has completed (the other processes of
the Procfile start with it), or fails after ``--timeout`` seconds.
"""

import os
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from config.env import env_bool, env_str

# Written last into the metrics directory, which the release empties first.
DONE_MARKER = "release.done"
STORE_WAIT_SECONDS = 60


class Command(BaseCommand):
    help = "Migrate, collect static files, load the directory, create the bucket (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait", action="store_true", help="Only wait until a release has completed."
        )
        parser.add_argument("--timeout", type=float, default=600.0)

    def handle(self, *args, wait: bool, timeout: float, **options):
        if wait:
            self._wait(timeout)
            return
        metrics_dir = _metrics_dir()
        if metrics_dir:
            _empty(metrics_dir)
        call_command("migrate", interactive=False, verbosity=1)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        call_command("load_directory")
        if env_bool("DEMO", False):
            call_command("seed_demo", force=True)
        bucket = env_str("PORTAL_S3_BUCKET", "")
        if bucket:
            self._bucket_ensure(bucket)
        if metrics_dir:
            (metrics_dir / DONE_MARKER).touch()
        self.stdout.write("Release complete.")

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not _released():
            if time.monotonic() > deadline:
                raise CommandError(f"No release completed within {timeout:.0f} s.")
            time.sleep(0.5)

    def _bucket_ensure(self, bucket: str) -> None:
        import boto3
        from botocore.exceptions import ClientError, EndpointConnectionError

        client = boto3.client(
            "s3",
            endpoint_url=env_str("PORTAL_S3_ENDPOINT_URL", "") or None,
            region_name=env_str("PORTAL_S3_REGION", "us-east-1"),
        )
        deadline = time.monotonic() + STORE_WAIT_SECONDS
        while True:
            try:
                client.head_bucket(Bucket=bucket)
                return
            except EndpointConnectionError:
                # The store starts beside this process (Procfile, compose): give it a moment.
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
                    raise
                client.create_bucket(Bucket=bucket)
                self.stdout.write(f"Bucket {bucket} created.")
                return


def _metrics_dir() -> Path | None:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    return Path(path) if path else None


def _empty(folder: Path) -> None:
    """Remove everything in ``folder`` (values of processes that are gone), keep the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _released() -> bool:
    metrics_dir = _metrics_dir()
    if metrics_dir:
        return (metrics_dir / DONE_MARKER).exists()
    return _migrated()


def _migrated() -> bool:
    """Every migration applied (without a metrics directory, the sign of a release)."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        return not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        return False  # the database is not up yet
    finally:
        connection.close()

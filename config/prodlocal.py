"""`python -m config.prodlocal`: what `make prod-local` needs before honcho starts the Procfile.

- Secrets kept in ``var/prod-local/secrets.env`` (private, git-ignored), made once:
  ``SECRET_KEY`` (receipts are keyed hashes derived from it, so it must outlive a restart) and
  ``PORTAL_METRICS_TOKEN``. Those not given in the environment are written to the honcho
  environment file named by the first argument (a value given in the environment wins).
- The PostgreSQL database of ``DATABASE_URL``, created if it does not exist.
- ``PROMETHEUS_MULTIPROC_DIR`` emptied, so no value, and no mark of a past release, survives
  from an earlier run (``config.management.commands.release``).

Runs before Django is set up: it reads the environment only.
"""

import os
import secrets
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

VAR_DIR = Path(__file__).resolve().parent.parent / "var" / "prod-local"
SECRETS = VAR_DIR / "secrets.env"
GENERATED = {"SECRET_KEY": 50, "PORTAL_METRICS_TOKEN": 32}  # name: random bytes


def secrets_kept() -> dict[str, str]:
    """The kept secrets, made (0600 from the start) the first time."""
    VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not SECRETS.exists():
        lines = "".join(
            f"{name}={secrets.token_urlsafe(size)}\n" for name, size in GENERATED.items()
        )
        descriptor = os.open(SECRETS, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(lines)
    pairs = (line.split("=", 1) for line in SECRETS.read_text().splitlines() if "=" in line)
    return {name: value for name, value in pairs}


def env_file_write(path: Path) -> None:
    missing = [name for name in GENERATED if not os.environ.get(name)]
    kept = {name: secrets_kept()[name] for name in missing}
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write("".join(f"{name}={value}\n" for name, value in kept.items()))


def database_create(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if exists.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Database {name} created.")


def metrics_dir_empty(path: str) -> None:
    if path:
        shutil.rmtree(path, ignore_errors=True)
        Path(path).mkdir(mode=0o700, parents=True)


def main(env_file: str) -> None:
    env_file_write(Path(env_file))
    database_create(os.environ.get("DATABASE_URL", ""))
    metrics_dir_empty(os.environ.get("PROMETHEUS_MULTIPROC_DIR", ""))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(VAR_DIR / "honcho.env"))

"""The production topology: the Procfile (`make prod-local`) and compose.yaml describe the same
processes with the same commands, and the Procfile, run as `make prod-local` runs it, serves the
whole portal and stops cleanly.

The end-to-end test runs under `make test-services` only (it needs PostgreSQL and
``redis-server``): honcho with the Procfile on a free port, a database of its own on the
service's PostgreSQL, a private Redis and a moto S3 server of its own. It files a complaint with
a photo, watches the reporter's socket receive a staff transition, fetches the photo back
through the staff API from the bucket, reads the metrics, and SIGTERMs honcho: every process
must be gone within seconds.
"""

import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# Procfile processes that stand in, on one machine, for a service compose takes from an image.
LOCAL_STAND_INS = {"s3": "minio"}
RELEASE = "python manage.py release"
WAIT_FOR_RELEASE = "python manage.py release --wait"


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    pairs = (line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))
    return {name.strip(): command.strip() for name, command in pairs}


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def command_words(command) -> list[str]:
    return command if isinstance(command, list) else shlex.split(command)


def without_release(command: str) -> tuple[str | None, str]:
    """``(release prefix or None, the process's own command)`` of a Procfile line."""
    prefix, separator, rest = command.partition(" && exec ")
    return (prefix, rest) if separator else (None, command)


# --- The Procfile and compose.yaml, kept in step --------------------------------------------------


@pytest.mark.embedded_only
def test_every_procfile_process_is_a_compose_service_with_the_same_command():
    services = compose()["services"]

    for name, line in procfile().items():
        if name in LOCAL_STAND_INS:
            assert LOCAL_STAND_INS[name] in services, name
            continue
        _prefix, command = without_release(line)
        assert name in services, f"{name} of the Procfile is not in compose.yaml"
        assert command_words(services[name]["command"]) == shlex.split(command), name


@pytest.mark.embedded_only
def test_the_release_runs_before_every_process_in_both():
    processes = procfile()
    services = compose()["services"]

    assert without_release(processes["web"])[0] == RELEASE
    for name, line in processes.items():
        if name not in LOCAL_STAND_INS and name != "web":
            assert without_release(line)[0] == WAIT_FOR_RELEASE, name
    assert command_words(services["release"]["command"]) == shlex.split(RELEASE)
    for name in processes.keys() - LOCAL_STAND_INS.keys():
        assert services[name]["depends_on"] == {
            "release": {"condition": "service_completed_successfully"}
        }, name


@pytest.mark.embedded_only
def test_the_topology_is_two_web_workers_and_the_background_processes_apart():
    processes = procfile()
    web = shlex.split(without_release(processes["web"])[1])

    assert web[:2] == ["uvicorn", "config.asgi:application"]
    assert web[web.index("--workers") + 1] == "2"
    assert "--no-access-log" in web and "--timeout-graceful-shutdown" in web
    assert {"publisher", "clocks", "notifier", "s3"} <= processes.keys()
    # The web workers leave the periodic jobs to those processes (config.lifespan).
    assert "PORTAL_IN_PROCESS_JOBS" not in (ROOT / "Procfile").read_text()
    environment = compose()["services"]["web"]["environment"]
    assert "PORTAL_IN_PROCESS_JOBS" not in environment
    assert environment["PORTAL_DB_POOL"] == "true"


@pytest.mark.embedded_only
def test_make_prod_local_runs_honcho_on_the_procfile():
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "-o", ".venv/.dev", "-o", ".venv/.runtime"]
        + ["-o", "node_modules/.installed", "prod-local"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        ".venv/bin/python -m config.prodlocal var/prod-local/honcho.env",
        ".venv/bin/honcho --no-colour -f Procfile -e var/prod-local/honcho.env start",
    ]


# --- Settings: the connection pool -------------------------------------------------------------

READ_DATABASE_OPTIONS = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)


def database_options(**env: str) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PORTAL_", "DATABASE_URL"))
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "true", **env}
    result = subprocess.run(
        [sys.executable, "-c", READ_DATABASE_OPTIONS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.embedded_only
def test_the_connection_pool_is_on_only_when_asked():
    url = "postgres://portal@127.0.0.1:5432/portal"

    assert "pool" not in database_options(DATABASE_URL=url)
    assert database_options(DATABASE_URL=url, PORTAL_DB_POOL="true")["pool"] == {
        "min_size": 2,
        "max_size": 10,
        "timeout": 5.0,
    }
    sized = database_options(
        DATABASE_URL=url, PORTAL_DB_POOL="on", PORTAL_DB_POOL_MIN="1", PORTAL_DB_POOL_MAX="4"
    )
    assert (sized["pool"]["min_size"], sized["pool"]["max_size"]) == (1, 4)


# --- The release step and the background loops, as processes ---------------------------------


def manage_env(tmp_path: Path, **env: str) -> dict:
    """A process of its own on an SQLite file of its own (DEBUG: no collectstatic needed)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PORTAL_", "DATABASE_URL", "REDIS_URL", "PROMETHEUS_", "DEMO"))
    }
    return environment | {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "true",
        "SECRET_KEY": "topology-test-key-not-secret-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        **env,
    }


def manage(args: list[str], env: dict, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.embedded_only
def test_release_prepares_once_and_then_lets_the_waiting_processes_go(tmp_path):
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    (metrics / "counter_99999.db").write_bytes(b"a process that is gone")
    env = manage_env(tmp_path, PROMETHEUS_MULTIPROC_DIR=str(metrics))

    waiting = manage(["release", "--wait", "--timeout", "1"], env)
    assert waiting.returncode == 1 and "No release completed" in waiting.stderr

    released = manage(["release"], env)
    assert released.returncode == 0, released.stderr
    assert "Release complete." in released.stdout
    assert not (metrics / "counter_99999.db").exists()
    assert manage(["release", "--wait", "--timeout", "5"], env).returncode == 0
    assert manage(["migrate", "--check"], env).returncode == 0


@pytest.mark.embedded_only
def test_a_loop_survives_failing_runs_and_stops_on_sigterm(tmp_path):
    """``publish_outbox --loop`` on a database without tables: every run fails, is logged, and
    the process goes on; SIGTERM then ends it at once with status 0."""
    env = manage_env(tmp_path, PORTAL_OUTBOX_INTERVAL="0.2")
    loop = subprocess.Popen(
        [sys.executable, "manage.py", "publish_outbox", "--loop"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        failures = 0
        deadline = time.monotonic() + 60
        while failures < 2 and time.monotonic() < deadline:
            line = loop.stderr.readline()
            failures += "Job outbox failed; it runs again" in line
        assert failures == 2 and loop.poll() is None

        loop.send_signal(signal.SIGTERM)
        assert loop.wait(timeout=10) == 0
    finally:
        if loop.poll() is None:
            loop.kill()
        loop.stderr.close()


# --- The whole topology, end to end (make test-services) -------------------------------------

SERVICE_DATABASE = os.environ.get("DATABASE_URL", "")
STOP_SECONDS = 8


def topology_env(*, port: int, s3_port: int, database_url: str, redis_url: str, workdir: Path):
    from tests.e2e.servers import DEMO_PASSWORD, SECRET_KEY

    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}"
    return env | {
        # What `make prod-local` exports (Makefile), on this test's own ports and stores.
        "DEBUG": "false",
        "DEMO": "true",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PORTAL_DB_POOL": "true",
        "PORTAL_SSL_REDIRECT": "false",
        "UVICORN_HOST": "127.0.0.1",
        "UVICORN_PORT": str(port),
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "PORTAL_S3_PORT": str(s3_port),
        "PORTAL_S3_BUCKET": "topology-evidence",
        "PORTAL_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
        "PORTAL_S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "topology",
        "AWS_SECRET_ACCESS_KEY": "topology",
        "PROMETHEUS_MULTIPROC_DIR": str(workdir / "metrics"),
        # Given, so nothing is generated into the repository's var/.
        "SECRET_KEY": SECRET_KEY,
        "PORTAL_METRICS_TOKEN": "topology-metrics-token",
        "DEMO_PASSWORD": DEMO_PASSWORD,
        # Kept out of the working tree, where others may be collecting at the same time.
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "TOPOLOGY_RUN": secrets.token_hex(8),  # marks every process of this run
    }


def processes_of_run(marker: str) -> list[int]:
    """Live processes whose environment carries this run's marker (zombies aside)."""
    found = []
    needle = f"TOPOLOGY_RUN={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            found.append(int(entry.name))
    return found


@pytest.fixture
def topology_database():
    """The URL of a database of this test's own; `make prod-local` creates it (config.prodlocal)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(SERVICE_DATABASE)
    name = f"laporpungli_topology_{os.getpid()}_{secrets.token_hex(3)}"
    yield urlunsplit(parts._replace(path="/" + name))
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        connection.execute(drop)


@pytest.fixture
def private_redis(tmp_path):
    from tests.e2e.servers import PrivateRedis

    redis = PrivateRedis(tmp_path / "redis").start()
    yield redis
    redis.stop()


@pytest.mark.faults
@pytest.mark.skipif(
    not SERVICE_DATABASE.startswith(("postgres://", "postgresql://")),
    reason="needs PostgreSQL: `make test-services` runs it",
)
def test_prod_local_serves_the_portal_and_stops_cleanly(topology_database, private_redis, tmp_path):
    import requests

    from tests import images
    from tests.e2e.portal import PARKING_REPORT, ReporterSocket, staff_token, transition
    from tests.e2e.servers import free_port, wait_until

    port, s3_port = free_port(), free_port()
    env = topology_env(
        port=port,
        s3_port=s3_port,
        database_url=topology_database,
        redis_url=private_redis.url,
        workdir=tmp_path,
    )
    env_file = tmp_path / "honcho.env"
    log = (tmp_path / "honcho.log").open("w")
    base = f"http://127.0.0.1:{port}"
    # The two commands of `make prod-local` (test_make_prod_local_runs_honcho_on_the_procfile).
    subprocess.run(
        [sys.executable, "-m", "config.prodlocal", str(env_file)], cwd=ROOT, env=env, check=True
    )
    honcho = subprocess.Popen(
        [sys.executable, "-m", "honcho", "--no-colour", "-f", "Procfile", "-e", str(env_file)]
        + ["start"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until(
            lambda: _status(f"{base}/readyz") == 200 or honcho.poll() is not None,
            timeout=120,
            what="/readyz",
            every=0.5,
        )
        assert honcho.poll() is None, (tmp_path / "honcho.log").read_text()
        ready = requests.get(f"{base}/readyz", timeout=10).json()
        assert ready == {
            "status": "ok",
            "checks": {"database": "ok", "redis": "ok", "storage": "ok"},
        }

        photo = images.jpeg_with_metadata()
        filed = requests.post(
            f"{base}/api/v1/complaints/",
            data=PARKING_REPORT,
            files={"photos": ("IMG_0001.jpg", photo, "image/jpeg")},
            timeout=30,
        )
        assert filed.status_code == 201, filed.text
        receipt, reference = filed.json()["receipt"], filed.json()["reference"]

        socket = ReporterSocket(f"ws://127.0.0.1:{port}", receipt)
        socket.open(timeout=10)
        token = staff_token(base)
        transition(base, token, reference, "in_progress", "Petugas menuju lokasi.")
        pushed = socket.next_event(timeout=10)
        while pushed["status"] != "in_progress":
            pushed = socket.next_event(timeout=10)
        socket.close()

        auth = {"Authorization": f"Token {token}"}
        detail = requests.get(
            f"{base}/api/v1/staff/complaints/{reference}/", headers=auth, timeout=10
        ).json()
        (evidence,) = detail["evidence"]
        image = requests.get(evidence["url"], headers=auth, timeout=10)
        assert image.status_code == 200 and image.content[:3] == b"\xff\xd8\xff"
        assert requests.get(evidence["url"], timeout=10).status_code in (401, 403, 404)
        assert _bucket_keys(env, "evidence/") and not list((tmp_path / "media").rglob("*.jpg"))

        metrics = requests.get(
            f"{base}/metrics",
            headers={"Authorization": "Bearer topology-metrics-token"},
            timeout=10,
        ).text
        assert 'portal_complaints_submitted_total{category="pungli",channel="api"} 1.0' in metrics
        assert re.search(r"^portal_events_published_total [1-9]", metrics, re.M), metrics
        assert 'route="api/v1/complaints/"' in metrics and reference not in metrics
    finally:
        marker = env["TOPOLOGY_RUN"]
        running = processes_of_run(marker)
        honcho.send_signal(signal.SIGTERM)
        try:
            honcho.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
        left = _wait_gone(marker, STOP_SECONDS)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        log.close()

    output = (tmp_path / "honcho.log").read_text()
    # honcho, moto, the uvicorn master and its 2 workers, the three background processes.
    assert len(running) >= 8, output
    assert honcho.returncode is not None and not left, output
    for name in ("web", "publisher", "clocks", "notifier"):
        assert f"{name}.1 stopped (rc=0)" in output, output
    assert "Traceback" not in output, output


def _status(url: str) -> int:
    import requests

    try:
        return requests.get(url, timeout=5).status_code
    except requests.RequestException:
        return 0


def _wait_gone(marker: str, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := processes_of_run(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _bucket_keys(env: dict, prefix: str) -> list[str]:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=env["PORTAL_S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="topology",
        aws_secret_access_key="topology",
    )
    answer = client.list_objects_v2(Bucket=env["PORTAL_S3_BUCKET"], Prefix=prefix)
    return [item["Key"] for item in answer.get("Contents", [])]

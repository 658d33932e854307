"""The production topology the server benchmarks measure, started by the benchmark itself.

Two ``uvicorn config.asgi:application --workers 2`` workers behind one port (``DEBUG=false``,
no access log, rate limits off, the benchmark settings of ``server_settings``) on PostgreSQL
(Django's connection pool in each worker, ``PORTAL_DB_POOL``) and a private Redis
(``tests.e2e.servers``: the one way test servers, databases and Redis start).

PostgreSQL: ``BENCH_DATABASE_URL``, else ``DATABASE_URL`` when it names PostgreSQL, else the
local server (``postgres://postgres@127.0.0.1:5432/postgres``); a database of its own is created
on it and dropped afterwards. When PostgreSQL or ``redis-server`` cannot be reached the benchmark
falls back to the embedded defaults (SQLite in WAL mode, in-memory channel layer) and the figures
say so (``Topology.label``).

``machine()`` describes the machine and the services (CPU, cores, RAM, Python, PostgreSQL and
Redis versions) for the table: figures mean little without it.
"""

from __future__ import annotations

import os
import platform
import secrets
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.bench.common import note
from tests.bench.loadgen import bench_server, cpu_seconds, process_tree, rss_kib
from tests.e2e.servers import REDIS_SERVER, AppServer, E2eDatabase, PrivateRedis

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
# Two workers as deployed; BENCH_WORKERS tries another count (the table names it).
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))


def service_url() -> str:
    """The PostgreSQL server the benchmark database is created on."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else LOCAL_POSTGRES


def postgres_server(url: str) -> tuple[str, int | None] | None:
    """``(version, postmaster pid)`` of the server, or ``None`` when it cannot be reached within
    3 s. The pid (``None`` when the server runs elsewhere) lets the benchmarks count the
    database's CPU as part of the load rather than as the machine's other work."""
    import psycopg

    try:
        admin = urlunsplit(urlsplit(url)._replace(scheme="postgresql", path="/postgres"))
        with psycopg.connect(admin, connect_timeout=3) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
            backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
    except psycopg.Error:
        return None
    try:  # the backend's parent is the postmaster, when it runs on this machine
        stat = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return version, int(stat[1])
    except OSError:
        return version, None


def _database(workdir: Path, url: str) -> E2eDatabase:
    """A PostgreSQL database named after the service URL's (``<name>_bench_<hex>``), so a person
    given one database name finds the benchmark's copies beside it."""
    database = E2eDatabase(workdir, service_url=url)
    parts = urlsplit(url)
    base = parts.path.strip("/") or "postgres"
    prefix = "laporpungli" if base == "postgres" else base
    database.name = f"{prefix}_bench_{secrets.token_hex(3)}"
    database.url = urlunsplit(parts._replace(path="/" + database.name))
    return database


@dataclass
class Topology:
    """PostgreSQL (or SQLite), a private Redis (or none) and two uvicorn workers on one port."""

    workdir: Path
    name: str
    redis_required: bool = False
    database: E2eDatabase | None = None
    redis: PrivateRedis | None = None
    server: AppServer | None = None
    fallbacks: list[str] = field(default_factory=list)
    postgres_pid: int | None = None

    def start(self, before_server=None) -> Topology:
        """Create and fill the database, start Redis, call ``before_server(self)`` (seeding),
        then start the workers and wait until both answer."""
        url = service_url()
        found = postgres_server(url)
        if found is None:
            self.fallbacks.append(f"PostgreSQL unreachable at {urlsplit(url).netloc}: SQLite WAL")
            self.database = E2eDatabase(self.workdir, service_url="")
        else:
            note("PostgreSQL", found[0])
            self.postgres_pid = found[1]
            self.database = _database(self.workdir, url)
        if REDIS_SERVER is None:
            if self.redis_required:
                raise RuntimeError("redis-server is not installed: the Redis layer cannot run")
            self.fallbacks.append("redis-server not installed: in-memory layer per worker")
        else:
            self.redis = PrivateRedis(self.workdir / "redis").start()
            note("Redis", _redis_version())
        self.database.create()
        if before_server is not None:
            before_server(self)
        extra = {"REDIS_URL": self.redis.url} if self.redis else {}
        if self.database.kind == "postgresql":
            # Django's connection pool per worker, as the production topology runs it.
            extra["PORTAL_DB_POOL"] = "true"
        server = bench_server(self.name, self.database, self.workdir, **extra)
        server.argv += ["--workers", str(WORKERS)]
        self.server = server.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        if self.redis is not None:
            self.redis.stop()
        if self.database is not None:
            self.database.drop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    @property
    def worker_pids(self) -> list[int]:
        """The worker processes: the supervisor's children but multiprocessing's resource
        tracker."""
        workers = []
        for pid in process_tree(self.server.process.pid)[1:]:
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"resource_tracker" not in command:
                workers.append(pid)
        return workers

    def worker_rss_kib(self) -> dict[int, int]:
        return {pid: rss_kib(pid) for pid in self.worker_pids}

    def service_pids(self) -> list[int]:
        """The supervisor, Redis and PostgreSQL processes: part of the load, not other work
        (PostgreSQL's other sessions included, when other people use the same server)."""
        pids = [self.server.process.pid]
        if self.redis is not None:
            pids.append(self.redis.process.pid)
        if self.postgres_pid is not None:
            pids += process_tree(self.postgres_pid)
        return pids

    def postgres_cpu_seconds(self) -> float:
        """CPU seconds of the PostgreSQL server so far: its live processes, and the backends
        that ended (a connection per request without a pool), which the postmaster reaped."""
        if self.postgres_pid is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.postgres_pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        reaped = (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
        return reaped + sum(cpu_seconds(pid) for pid in process_tree(self.postgres_pid))

    @property
    def label(self) -> str:
        """What served the figures, in a few words for the table."""
        database = "PostgreSQL" if self.database.kind == "postgresql" else "SQLite WAL"
        layer = "Redis" if self.redis else "in-memory layer"
        text = f"{WORKERS} uvicorn workers, {database}, {layer}"
        return text + (" (FALLBACK)" if self.fallbacks else "")


def _redis_version() -> str:
    out = subprocess.run([REDIS_SERVER, "--version"], capture_output=True, text=True).stdout
    for word in out.split():
        if word.startswith("v="):
            return word[2:]
    return out.strip()


def machine() -> dict[str, str]:
    """The machine the figures come from."""
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    ram = "unknown"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
            break
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    return {
        "CPU": model,
        "Cores": f"{len(os.sched_getaffinity(0))} usable of {os.cpu_count()}",
        "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Load average at the start (1/5/15 min)": load,
    }

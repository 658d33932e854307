"""Dashboard queries on 1,000,000 complaints in PostgreSQL: p50/p95 of each (target p95 ≤ 250 ms).

Uses its own database (``laporpungli_bench`` on the server of ``DATABASE_URL``, default the
local PostgreSQL), loaded once with ``seed_load`` and kept for the next run. Run it by hand:
``python -m tests.bench.run bench_dashboard`` (it is part of `make bench`, not `make test`).
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

from tests.bench.common import Figure

ROOT = Path(__file__).resolve().parents[2]
COMPLAINTS = int(os.environ.get("BENCH_COMPLAINTS", "1000000"))
TARGET_MS = 250.0


def _bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/laporpungli")
    parsed = urlparse(base)
    if parsed.scheme not in ("postgres", "postgresql"):
        base = "postgres://postgres@127.0.0.1:5432/laporpungli"
        parsed = urlparse(base)
    return parsed._replace(path="/laporpungli_bench").geturl()


def _env(url: str) -> dict:
    env = dict(
        os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.base", DEBUG="true"
    )
    env.pop("REDIS_URL", None)
    return env


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def _ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = 'laporpungli_bench'"
        ).fetchone()
        if not exists:
            connection.execute("CREATE DATABASE laporpungli_bench")


MEASURE = r"""
import json, time
import django
django.setup()
from django.db import connection
from complaints.stats import dashboard as stats
from complaints.stats.public import public_figures
from complaints.stats.periods import year_of
from complaints.models import Complaint
from django.utils import timezone

def timed(fn, runs=30):
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter(); fn(); samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2], samples[int(round(0.95 * (len(samples) - 1)))]

year = stats.period_parse(None, None, default_days=365)
quarter = stats.period_parse(None, None, default_days=90)
results = {"count": Complaint.objects.count()}
for name, fn in [
    ("overview, 12 months", lambda: stats.overview(year)),
    ("weekly trend, 12 months", lambda: stats.trend(year)),
    ("OPD league table, 12 months", lambda: stats.opd_table(year)),
    ("hotspots, 12 months", lambda: stats.hotspots(year)),
    ("OPD league table, 3 months", lambda: stats.opd_table(quarter)),
]:
    results[name] = timed(fn)
# The public figures of the last complete year (a published period: seed_load covers two years,
# and a year that is over is the costliest, its money checked month by month).
today = timezone.localdate()
last_year = year_of(today.replace(year=today.year - 1, month=1, day=1))
results["composite: public transparency page (cached 5 min), the last complete year"] = timed(
    lambda: public_figures(last_year, today=today), runs=10)
print(json.dumps(results))
"""


def run() -> list[Figure]:
    url = _bench_database_url()
    _ensure_database(url)
    env = _env(url)
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_directory")
    count = int(
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from complaints.models import Complaint; print(Complaint.objects.count())",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    figures = []
    if count < COMPLAINTS:
        output = _manage(env, "seed_load", "--complaints", str(COMPLAINTS - count))
        seconds = float(output.strip().split(" in ")[-1].split(" s")[0])
        figures.append(
            Figure(f"seed_load of {COMPLAINTS - count:,} complaints", seconds, "s", "minutes", None)
        )
    _manage(
        env,
        "shell",
        "-c",
        "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')",
    )
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    results = json.loads(measured.stdout.strip().splitlines()[-1])
    total = results.pop("count")
    for name, (p50, p95) in results.items():
        composite = name.startswith("composite")
        figures.append(
            Figure(f"Dashboard {name} ({total:,} rows), p50", p50, "ms", "(informational)", None)
        )
        figures.append(
            Figure(
                f"Dashboard {name} ({total:,} rows), p95",
                p95,
                "ms",
                "(informational)" if composite else "≤ 250 ms",
                None if composite else p95 <= TARGET_MS,
            )
        )
    return figures

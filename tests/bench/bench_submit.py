"""Anonymous submission throughput over HTTP, against a bare DRF endpoint in the same run.

Targets (docs/product.md §4): JSON submissions ≥ 40% of the requests/s of a bare DRF endpoint (B);
submissions with a 1 MP photo ≥ 50/s.

One ``uvicorn config.asgi:application`` worker as deployed (no access log, log level warning,
``DEBUG=false``), rate limits off, on a temporary SQLite database in WAL mode (PostgreSQL when
``DATABASE_URL`` names one), prepared like `make run`. B is ``/bench/noop/``, a DRF ``APIView``
returning ``{}`` through the full middleware stack, served by the same process from the benchmark
settings (``tests.bench.server_settings``; the production URLs are not changed).

The client is a Python asyncio closed loop (wrk's method; wrk is not installed): 32 keep-alive
connections, each sending its next request when the previous answer arrives, 10 s measured after
2 s of warm-up, per load. It runs on the same 2 cores as the server and takes CPU from it.
"""

import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

from tests.bench.common import Figure, median, percentile
from tests.bench.loadgen import (
    HttpConnection,
    OtherLoad,
    bench_server,
    closed_loop,
    cores,
    cpu_seconds,
    multipart,
    request_bytes,
    run_async,
)
from tests.e2e.portal import PARKING_REPORT
from tests.e2e.servers import E2eDatabase

CONCURRENCY = 32
SECONDS = 10.0
WARMUP = 2.0
SUBMIT = "/api/v1/complaints/"
NOOP = "/bench/noop/"
JSON_RATIO_TARGET = 0.40
PHOTO_TARGET = 50.0
PHOTO_BYTES = 200 * 1024


def photo_1mp() -> bytes:
    """A photo-like 1 MP JPEG (1224×816) of about 200 KB, made in memory."""
    from PIL import Image, ImageFilter

    grain = Image.effect_noise((1224, 816), 60)
    picture = Image.merge(
        "RGB", [grain, grain.rotate(180), grain.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    ).filter(ImageFilter.GaussianBlur(2))
    for quality in range(88, 98):
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=quality)
        if len(buffer.getvalue()) >= PHOTO_BYTES * 0.95:
            break
    return buffer.getvalue()


def _requests(port: int, photo: bytes) -> dict[str, bytes]:
    fields = {
        key: ("true" if value is True else "false" if value is False else str(value))
        for key, value in PARKING_REPORT.items()
    }
    content_type, body = multipart(fields, [("photos", "IMG_2041.jpg", "image/jpeg", photo)])
    return {
        "noop": request_bytes("GET", NOOP, port=port),
        "json": request_bytes(
            "POST",
            SUBMIT,
            port=port,
            body=json.dumps(PARKING_REPORT).encode(),
            content_type="application/json",
        ),
        "photo": request_bytes("POST", SUBMIT, port=port, body=body, content_type=content_type),
    }


async def _check(port: int, raws: dict[str, bytes]) -> None:
    """One request of each kind answers as the benchmark expects, before any load."""
    connection = HttpConnection(port)
    try:
        status, body = await connection.send(raws["noop"])
        assert (status, json.loads(body)) == (200, {}), (status, body[:300])
        for kind in ("json", "photo"):
            status, body = await connection.send(raws[kind])
            assert status == 201, (kind, status, body[:500])
            answer = json.loads(body)
            assert answer["status"] == "assigned" and answer["opd"]["code"] == "DISHUB", answer
    finally:
        await connection.close()


def _load(server, raw: bytes, label: str):
    cpu_before = cpu_seconds(server.process.pid)
    others = OtherLoad([server.process.pid])
    result = run_async(
        closed_loop(server.port, raw, concurrency=CONCURRENCY, seconds=SECONDS, warmup=WARMUP)
    )
    server_cpu = (cpu_seconds(server.process.pid) - cpu_before) / (SECONDS + WARMUP)
    result.others = others.share()
    print(
        f"   {label}: {result.rate:,.1f}/s, p50 {median(result.latencies) * 1000:.1f} ms, "
        f"p99 {percentile(result.latencies, 0.99) * 1000:.1f} ms, "
        f"statuses {dict(result.statuses)}, "
        f"errors {dict(result.errors)}; server CPU {server_cpu:.0%} of a core, "
        f"client CPU {result.client_cpu / SECONDS:.0%} of a core; "
        f"other processes {result.others:.0%} of the machine",
        file=sys.stderr,
        flush=True,
    )
    return result


def run() -> list[Figure]:
    workdir = Path(tempfile.mkdtemp(prefix="laporpungli-bench-submit-"))
    server = None
    database = E2eDatabase(workdir)
    try:
        database.create()
        server = bench_server("submit", database, workdir).start()
        photo = photo_1mp()
        raws = _requests(server.port, photo)
        run_async(_check(server.port, raws))
        print(
            f"   {database.kind}; photo {len(photo) / 1024:.0f} KB; {CONCURRENCY} connections, "
            f"{SECONDS:.0f} s each after {WARMUP:.0f} s warm-up",
            file=sys.stderr,
        )
        noop = _load(server, raws["noop"], "bare DRF no-op")
        submit = _load(server, raws["json"], "JSON submission")
        with_photo = _load(server, raws["photo"], "submission with a 1 MP photo")
    finally:
        if server is not None:
            server.stop()
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)

    ratio = submit.rate / noop.rate
    others = max(noop.others, submit.others, with_photo.others)
    unexpected = noop.unexpected(200) + submit.unexpected(201) + with_photo.unexpected(201)
    ms = 1000
    db = "SQLite WAL" if database.kind == "sqlite" else "PostgreSQL"
    return [
        Figure(
            f"Bare DRF no-op GET (B), 1 uvicorn worker, {db}",
            noop.rate,
            "req/s",
            "(informational)",
            None,
        ),
        Figure(
            "Bare DRF no-op, p99",
            percentile(noop.latencies, 0.99) * ms,
            "ms",
            "(informational)",
            None,
        ),
        Figure(
            "Anonymous JSON submissions (PARKIR-MOTOR pungli)",
            submit.rate,
            "req/s",
            "(informational)",
            None,
        ),
        Figure(
            "JSON submissions as a share of B",
            ratio * 100,
            "% of B",
            "≥ 40% of B",
            ratio >= JSON_RATIO_TARGET,
        ),
        Figure(
            "JSON submission, p50", median(submit.latencies) * ms, "ms", "(informational)", None
        ),
        Figure(
            "JSON submission, p99",
            percentile(submit.latencies, 0.99) * ms,
            "ms",
            "(informational)",
            None,
        ),
        Figure(
            f"Submissions with a 1 MP JPEG ({len(photo) // 1024} KB, multipart)",
            with_photo.rate,
            "req/s",
            "≥ 50/s",
            with_photo.rate >= PHOTO_TARGET,
        ),
        Figure(
            "Submission with a 1 MP JPEG, p99",
            percentile(with_photo.latencies, 0.99) * ms,
            "ms",
            "(informational)",
            None,
        ),
        Figure(
            "Unexpected answers or connection errors, all loads",
            unexpected,
            "requests",
            "0",
            unexpected == 0,
        ),
        Figure(
            "CPU taken by other processes meanwhile, worst load",
            others * 100,
            "% machine",
            "(informational)",
            None,
        ),
        Figure(
            f"Client: asyncio closed loop, {CONCURRENCY} conns, same cores",
            cores(),
            "cores",
            "(informational)",
            None,
        ),
    ]

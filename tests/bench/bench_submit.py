"""Anonymous submission throughput over HTTP, against a bare DRF endpoint in the same run.

Targets (docs/product.md §4): JSON submissions ≥ 40% of the requests/s of a bare DRF endpoint (B);
submissions with a 1 MP photo ≥ 50/s; and the p99 of a submission where throughput peaks.

The production topology (``tests.bench.topology``): ``uvicorn config.asgi:application --workers 2``
(no access log, log level warning, ``DEBUG=false``), rate limits off, on PostgreSQL and Redis
(SQLite and the in-memory layer when those cannot be reached: the table says so), prepared like
`make run`. B is ``/bench/noop/``, a DRF ``APIView`` returning ``{}`` through the full middleware
stack, served by the same workers in the same run from the benchmark settings
(``tests.bench.server_settings``; the production URLs are not changed).

The client is a Python asyncio closed loop (wrk's method; wrk is not installed): N keep-alive
connections, each sending its next request when the previous answer arrives, 10 s measured after
2 s of warm-up, per load. JSON submissions are swept over 4, 8, 16 and 32 connections; the peak
is compared with the best of B at 8 and 32; photo submissions are the best of 8 and 32 too.
The client runs on the same 2 cores as the workers and takes CPU from them.
"""

import io
import json
import sys
import tempfile
from pathlib import Path

from tests.bench.common import Figure, median, note, percentile
from tests.bench.loadgen import (
    HttpConnection,
    OtherLoad,
    closed_loop,
    cores,
    cpu_seconds,
    multipart,
    request_bytes,
    run_async,
)
from tests.bench.topology import Topology
from tests.e2e.portal import PARKING_REPORT

SWEEP = (4, 8, 16, 32)  # connections of the JSON submission loads; the peak is reported
NOOP_SWEEP = (8, 32)  # of B and of the photo loads, the better is reported
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


def _load(topology, raw: bytes, label: str, concurrency: int):
    workers = topology.worker_pids
    each_before = [cpu_seconds(pid) for pid in workers]
    database_before = topology.postgres_cpu_seconds()
    others = OtherLoad(workers + topology.service_pids())
    result = run_async(
        closed_loop(
            topology.server.port, raw, concurrency=concurrency, seconds=SECONDS, warmup=WARMUP
        )
    )
    each = [
        (cpu_seconds(pid) - before) / (SECONDS + WARMUP)
        for pid, before in zip(workers, each_before, strict=True)
    ]
    server_cpu = sum(each)
    database_cpu = (topology.postgres_cpu_seconds() - database_before) / (SECONDS + WARMUP)
    result.others = others.share()
    result.concurrency = concurrency
    result.worker_cpu, result.database_cpu = server_cpu, database_cpu
    print(
        f"   {label}, {concurrency} conns: {result.rate:,.1f}/s, "
        f"p50 {median(result.latencies) * 1000:.1f} ms, "
        f"p99 {percentile(result.latencies, 0.99) * 1000:.1f} ms, "
        f"statuses {dict(result.statuses)}, "
        f"errors {dict(result.errors)}; workers' CPU {server_cpu:.0%} of a core "
        f"({' + '.join(f'{share:.0%}' for share in each)}), "
        f"PostgreSQL {database_cpu:.0%}, "
        f"client CPU {result.client_cpu / SECONDS:.0%} of a core; "
        f"other processes {result.others:.0%} of the machine",
        file=sys.stderr,
        flush=True,
    )
    return result


def _peak(results):
    return max(results, key=lambda result: result.rate)


def run() -> list[Figure]:
    topology = Topology(Path(tempfile.mkdtemp(prefix="laporpungli-bench-submit-")), "submit")
    try:
        topology.start()
        port = topology.server.port
        photo = photo_1mp()
        raws = _requests(port, photo)
        run_async(_check(port, raws))
        print(
            f"   {topology.label}; photo {len(photo) / 1024:.0f} KB; "
            f"{SECONDS:.0f} s per load after {WARMUP:.0f} s warm-up",
            file=sys.stderr,
        )
        noops = [_load(topology, raws["noop"], "bare DRF no-op", n) for n in NOOP_SWEEP]
        noop = _peak(noops)
        sweep = [_load(topology, raws["json"], "JSON submission", n) for n in SWEEP]
        submit = _peak(sweep)
        photos = [
            _load(topology, raws["photo"], "submission with a 1 MP photo", n) for n in NOOP_SWEEP
        ]
        with_photo = _peak(photos)
    finally:
        topology.stop()
    for fallback in topology.fallbacks:
        note("Fallback (submission benchmark)", fallback)

    loads = [*noops, *sweep, *photos]
    ratio = submit.rate / noop.rate
    others = max(result.others for result in loads)
    unexpected = sum(result.unexpected(200) for result in noops) + sum(
        result.unexpected(201) for result in [*sweep, *photos]
    )
    ms = 1000
    figures = [
        Figure(
            f"Bare DRF no-op GET (B), {topology.label}, best of {NOOP_SWEEP} conns",
            noop.rate,
            "req/s",
            "(informational)",
            None,
        ),
        Figure(
            f"Anonymous JSON submissions at the peak ({submit.concurrency} conns)",
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
            f"JSON submission p99 at the peak ({submit.concurrency} conns)",
            percentile(submit.latencies, 0.99) * ms,
            "ms",
            "(informational)",
            None,
        ),
    ]
    figures += [
        Figure(
            f"  sweep: JSON submissions, {result.concurrency} conns "
            f"(p99 {percentile(result.latencies, 0.99) * ms:,.0f} ms)",
            result.rate,
            "req/s",
            "(informational)",
            None,
        )
        for result in sweep
    ]
    figures += [
        Figure(
            f"  CPU per request: {label}",
            cpu / rate * ms,
            "ms",
            "(informational)",
            None,
        )
        for label, cpu, rate in (
            ("workers, bare DRF", noop.worker_cpu, noop.rate),
            ("workers, JSON submission", submit.worker_cpu, submit.rate),
            ("PostgreSQL, JSON submission", submit.database_cpu, submit.rate),
            ("workers, 1 MP photo submission", with_photo.worker_cpu, with_photo.rate),
        )
        if rate
    ]
    figures += [
        Figure(
            f"Submissions with a 1 MP JPEG ({len(photo) // 1024} KB, multipart, "
            f"{with_photo.concurrency} conns)",
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
            "Client: asyncio closed loop on the same cores",
            cores(),
            "cores",
            "(informational)",
            None,
        ),
    ]
    return figures

"""Staff status change → the reporter's websocket: latency with 2,000 idle sockets on the Redis
layer and 2 workers, and events lost across a forced reconnect of every socket.

Targets (docs/product.md §4): p99 ≤ 150 ms; 0 events lost across the reconnect (catch-up by seq).

Set-up: the production topology of ``tests.bench.topology``: PostgreSQL (SQLite when it cannot
be reached: the table says so), a private ``redis-server``, and one
``uvicorn config.asgi:application --workers 2`` (no access log, log level warning,
``DEBUG=false``), rate limits off; the kernel spreads the connections over the two workers. The
open-file limit is raised in this process before the servers start, so they inherit it.

``SOCKETS`` parking-fee complaints (routed to Dishub) are filed in one process through the same
validation and service as the API (``ComplaintInput`` + ``complaint_submit``); two shortcuts
of that seeding only: the routing rules are read once instead of per complaint, and nothing is
published to the channel layer (no socket is listening yet; the events are still written). Each
complaint gets one reporter socket (``Origin`` header, no compression); each authenticates with
its receipt and sends the tracking page's heartbeat (``{"type": "ping"}`` every 25 s). The
client is a Python asyncio script on the same 2 cores.

1. Live, ``RUNS`` times in a row on the same sockets (the p99 of each run, and their spread):
   Dishub's head moves ``DRIVEN`` of the complaints (in_progress ⇄ needs_info) through the staff
   API at a fixed rate (open loop, ``RATE``/s) for ``LIVE_SECONDS``, on keep-alive connections
   the kernel gave to either worker (about half the events cross workers through Redis).
   ``t_send`` is taken right before the request is written, ``t_recv`` when the event is read
   from the socket of that complaint, both on this process's monotonic clock.
2. Forced reconnect: every socket is closed at once; changes continue while they are closed;
   every socket reconnects (``OPEN_CONCURRENCY`` handshakes at a time) with ``after`` = the last
   seq it saw, while changes go on; then the changes stop. Each reporter's events (all
   connections) are compared with the public events in the database: missing, duplicated, out
   of order, not public.
3. Once every socket is closed, no reporter group in Redis should still hold a channel; and the
   servers' log tells how many layer sends channels_redis dropped as over capacity. Redis's
   ``used_memory`` and the workers' RSS before and after the sockets open give the cost of one
   idle socket.

``BENCH_WS_SOCKETS`` sets the socket count (default 2,000; the figures name the count that
actually connected). ``BENCH_WS_TRACE=<file>`` writes (t_send, latency, HTTP answer time) per
live change and per-process CPU samples, for finding where a slow event spent its time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.bench.common import Figure, median, note, percentile
from tests.bench.loadgen import (
    HttpConnection,
    OtherLoad,
    cores,
    cpu_seconds,
    raise_fd_limit,
    request_bytes,
    rss_kib,
    run_async,
)
from tests.bench.topology import WORKERS, Topology
from tests.e2e.portal import PARKING_STAFF, staff_token
from tests.e2e.servers import PROJECT_DIR, E2eDatabase, server_env

SOCKETS = int(os.environ.get("BENCH_WS_SOCKETS", "2000"))
DRIVEN = 300  # complaints whose status changes; the other sockets stay idle
RATE = 20.0  # status changes per second
RUNS = 5  # consecutive live windows on the same sockets; the p99 of each is reported
LIVE_SECONDS = 20.0  # per run
CLOSED_SECONDS = 5.0  # changes made while every socket is closed
AFTER_RECONNECT_SECONDS = 3.0
OPEN_CONCURRENCY = 100  # handshakes in flight while opening the sockets
HEARTBEAT_SECONDS = 25.0  # frontend/static/frontend/js/live.js
DELIVERY_TIMEOUT = 20.0
P99_TARGET_MS = 150.0

SEED = r"""
import json, sys
import django
django.setup()
from functools import lru_cache
from complaints import events, selectors
from complaints.inputs import ComplaintInput
from complaints.services import complaint_submit
from tests.e2e.portal import PARKING_REPORT

selectors.routing_rules = lru_cache(maxsize=1)(selectors.routing_rules)  # read once
events.event_send = lambda event, left_opd=None: None  # nobody listens yet
complaints = []
for _ in range(int(sys.argv[1])):
    data = ComplaintInput(data=PARKING_REPORT)
    data.is_valid(raise_exception=True)
    complaint, receipt = complaint_submit(**data.to_service_kwargs())
    assert complaint.status == "assigned" and complaint.opd.code == "DISHUB", complaint.status
    complaints.append([receipt, complaint.reference])
print(json.dumps(complaints))
"""


def _seed(database: E2eDatabase, count: int) -> list[tuple[str, str]]:
    env = server_env(database, DJANGO_SETTINGS_MODULE="tests.bench.server_settings", DEBUG="false")
    result = subprocess.run(
        [sys.executable, "-c", SEED, str(count)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode:
        raise RuntimeError(f"seeding failed:\n{result.stderr[-3000:]}")
    return [tuple(row) for row in json.loads(result.stdout.strip().splitlines()[-1])]


@dataclass
class Reporter:
    """One reporter's socket, reconnected once; every event it was sent, per connection."""

    receipt: str
    reference: str
    server: object
    ws: ClientConnection | None = None
    connection: int = -1  # index of the current connection
    arrivals: dict[int, tuple[float, int]] = field(default_factory=dict)  # seq -> (t, connection)
    sequences: list[list[int]] = field(default_factory=list)  # seqs per connection, as received
    duplicates: int = 0
    dropped: list[int] = field(default_factory=list)  # close codes of closes we did not ask for
    closing: bool = False
    tasks: list[asyncio.Task] = field(default_factory=list)

    @property
    def last_seq(self) -> int:
        return max(self.arrivals, default=0)

    async def open(self) -> None:
        after = self.last_seq
        ws = await connect(
            self.server.ws_url + "/ws/track/",
            origin=self.server.url,
            compression=None,
            open_timeout=60,
            close_timeout=10,
            ping_interval=None,  # the page sends no protocol pings, only its heartbeat below
        )
        await ws.send(json.dumps({"type": "auth", "receipt": self.receipt, "after": after}))
        ready = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if ready.get("type") != "ready":
            await ws.close()
            raise RuntimeError(f"not ready: {ready}")
        self.ws, self.closing = ws, False
        self.connection += 1
        self.sequences.append([])
        self.tasks = [
            asyncio.create_task(self._read(ws, self.connection)),
            asyncio.create_task(self._heartbeat(ws)),
        ]

    async def _read(self, ws: ClientConnection, connection: int) -> None:
        try:
            async for raw in ws:
                received = time.perf_counter()
                message = json.loads(raw)
                if message.get("type") != "event":
                    continue
                seq = message["seq"]
                self.sequences[connection].append(seq)
                if seq in self.arrivals:
                    self.duplicates += 1
                else:
                    self.arrivals[seq] = (received, connection)
        except ConnectionClosed:
            pass
        if not self.closing:
            self.dropped.append(ws.close_code or 1006)

    async def _heartbeat(self, ws: ClientConnection) -> None:
        await asyncio.sleep(random.uniform(0, HEARTBEAT_SECONDS))
        with contextlib.suppress(ConnectionClosed):
            while True:
                await ws.send('{"type":"ping"}')
                await asyncio.sleep(HEARTBEAT_SECONDS)

    async def close(self) -> None:
        self.closing = True
        self.tasks[1].cancel()
        await self.ws.close()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.ws = None


@dataclass
class Change:
    reference: str
    target: str
    phase: str
    scheduled: float
    t_send: float = 0.0
    answered: float = 0.0  # when the HTTP answer was read
    lag: float = 0.0  # how late the request left against its schedule (client overload)
    status: int = 0
    seq: int | None = None


class Driver:
    """Dishub's head changing statuses at a fixed rate (open loop) through the staff API."""

    def __init__(self, servers, token: str, references: list[str]):
        self.servers = servers
        self.token = token
        self.references = references
        self.status = dict.fromkeys(references, "assigned")
        self.idle: dict[int, list[HttpConnection]] = {server.port: [] for server in servers}
        self.changes: list[Change] = []
        self.phase = "live"
        self.rng = random.Random(2026)
        self._stop = asyncio.Event()
        self._pending: set[asyncio.Task] = set()
        self.in_flight: set[str] = set()  # a complaint changes again only once answered
        self.skipped = 0  # turns passed over because that complaint was still in flight
        self._next = 0

    def _next_reference(self) -> str | None:
        for _ in range(len(self.references)):
            reference = self.references[self._next % len(self.references)]
            self._next += 1
            if reference not in self.in_flight:
                return reference
            self.skipped += 1
        return None

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        index = 0
        while not self._stop.is_set():
            scheduled = start + index / RATE
            delay = scheduled - loop.time()
            if delay > 0:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), delay)
                if self._stop.is_set():
                    break
            index += 1
            reference = self._next_reference()
            if reference is None:
                continue
            target = "needs_info" if self.status[reference] == "in_progress" else "in_progress"
            self.in_flight.add(reference)
            change = Change(reference, target, self.phase, scheduled)
            self.changes.append(change)
            task = asyncio.create_task(self._send(change, self.rng.choice(self.servers)))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
        await asyncio.gather(*self._pending)

    def stop(self) -> None:
        self._stop.set()

    async def _send(self, change: Change, server) -> None:
        message = (
            "Mohon kirim foto karcis atau lokasi parkirnya."
            if change.target == "needs_info"
            else "Petugas Dishub sedang menindaklanjuti laporan ini."
        )
        raw = request_bytes(
            "POST",
            f"/api/v1/staff/complaints/{change.reference}/transition/",
            port=server.port,
            body=json.dumps({"to": change.target, "message": message}).encode(),
            content_type="application/json",
            headers={"Authorization": f"Token {self.token}"},
        )
        pool = self.idle[server.port]
        connection = pool.pop() if pool else HttpConnection(server.port)
        if connection.stale():
            await connection.close()  # reconnects on send
        change.lag = asyncio.get_running_loop().time() - change.scheduled
        change.t_send = time.perf_counter()
        try:
            change.status, body = await connection.send(raw)
        except (OSError, asyncio.IncompleteReadError) as error:
            change.status = -1
            print(f"   change {change.reference} failed: {error!r}", file=sys.stderr)
            await connection.close()
            return
        finally:
            self.in_flight.discard(change.reference)
        change.answered = time.perf_counter()
        pool.append(connection)
        if change.status == 200:
            self.status[change.reference] = change.target
            events = json.loads(body)["events"]
            change.seq = max(
                event["seq"]
                for event in events
                if event["kind"] == "status" and event["status"] == change.target
            )

    async def close(self) -> None:
        for pool in self.idle.values():
            for connection in pool:
                await connection.close()


async def _bounded(coroutines, limit: int) -> list:
    semaphore = asyncio.Semaphore(limit)

    async def one(coroutine):
        async with semaphore:
            return await coroutine

    return await asyncio.gather(*(one(c) for c in coroutines), return_exceptions=True)


async def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


def _say(text: str) -> None:
    print(f"   {text}", file=sys.stderr, flush=True)


def _group_members(redis_url: str) -> int:
    """Channels still in a reporter's group (``complaint.<id>``) in the channel layer."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = client.scan_iter(match="laporpungli:asgi:group:complaint.*")
        return sum(client.zcard(key) for key in keys)
    finally:
        client.close()


def _socket_count(pid: int) -> int:
    """Open sockets of a process: which worker took how many of the connections."""
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            count += os.readlink(fd).startswith("socket:")
    return count


def _redis_memory(redis_url: str) -> int:
    """Bytes Redis uses (``used_memory``): what the channel layer costs per socket."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        return int(client.info("memory")["used_memory"])
    finally:
        client.close()


async def _scenario(servers, token: str, complaints, database, redis_url: str, pids) -> dict:
    """``servers``: the one port of both workers; ``pids``: the workers', then the others'
    (supervisor, Redis) whose CPU is ours, not the machine's other load."""
    workers = pids[:WORKERS]
    reporters = [
        Reporter(receipt, reference, servers[index % len(servers)])
        for index, (receipt, reference) in enumerate(complaints)
    ]
    rss_before = {pid: rss_kib(pid) for pid in workers}
    sockets_before = {pid: _socket_count(pid) for pid in workers}
    redis_before = _redis_memory(redis_url)

    started = time.perf_counter()
    outcomes = await _bounded([reporter.open() for reporter in reporters], OPEN_CONCURRENCY)
    failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    opened = [r for r, outcome in zip(reporters, outcomes, strict=True) if outcome is None]
    open_seconds = time.perf_counter() - started
    _say(
        f"{len(opened)} sockets open in {open_seconds:.1f} s; {len(failures)} failed "
        f"{sorted({repr(f)[:120] for f in failures})[:3]}"
    )
    # Every socket first gets its history (received, assigned) from the database.
    await _wait_for(lambda: all(len(r.arrivals) >= 2 for r in opened), DELIVERY_TIMEOUT)
    await asyncio.sleep(1)
    rss_after = {pid: rss_kib(pid) for pid in workers}
    redis_per_socket = (_redis_memory(redis_url) - redis_before) / max(1, len(opened))
    per_worker = {
        f"worker-{index}": _socket_count(pid) - sockets_before[pid]
        for index, pid in enumerate(workers, 1)
    }

    samples = []

    async def monitor():  # CPU of each process every 0.25 s, for BENCH_WS_TRACE
        while True:
            samples.append(
                (time.perf_counter(), [cpu_seconds(pid) for pid in workers], time.process_time())
            )
            await asyncio.sleep(0.25)

    tracing = os.environ.get("BENCH_WS_TRACE")
    monitoring = asyncio.create_task(monitor()) if tracing else None
    driven = [r.reference for r in opened[:DRIVEN]]
    by_reference = {r.reference: r for r in opened}
    driver = Driver(servers, token, driven)
    driver.phase = "live-1"
    driving = asyncio.create_task(driver.run())
    others_shares = []
    for window in range(1, RUNS + 1):  # consecutive measurement windows on the same sockets
        driver.phase = f"live-{window}"
        others = OtherLoad(list(pids))
        await asyncio.sleep(LIVE_SECONDS)
        others_shares.append(others.share())
    driver.phase = "closing"
    live_changes = [c for c in driver.changes if c.phase.startswith("live-")]
    # The live changes' events, before any socket closes (those still in flight get 2 s).
    await _wait_for(
        lambda: all(
            c.seq is not None and c.seq in by_reference[c.reference].arrivals
            for c in live_changes
            if c.status == 200 or c.status == 0
        ),
        2.0,
    )
    started = time.perf_counter()
    await asyncio.gather(*(r.close() for r in opened), return_exceptions=True)
    driver.phase = "closed"
    close_seconds = time.perf_counter() - started
    await asyncio.sleep(CLOSED_SECONDS)
    driver.phase = "reconnecting"
    started = time.perf_counter()
    outcomes = await _bounded([r.open() for r in opened], OPEN_CONCURRENCY)
    reconnect_failures = [o for o in outcomes if isinstance(o, BaseException)]
    reconnect_seconds = time.perf_counter() - started
    driver.phase = "reconnected"
    _say(
        f"closed every socket in {close_seconds:.1f} s; reconnected in {reconnect_seconds:.1f} s "
        f"({len(reconnect_failures)} failed)"
    )
    await asyncio.sleep(AFTER_RECONNECT_SECONDS)
    driver.stop()
    await driving
    await driver.close()

    # The truth: every public event of every complaint, from the database.
    def expected() -> dict[str, set[int]]:
        rows = database.rows(
            "SELECT c.reference, e.seq FROM complaints_event e "
            "JOIN complaints_complaint c ON c.id = e.complaint_id "
            "WHERE e.visibility = %s",
            ("reporter",),  # complaints.models.Visibility.REPORTER: what the reporter sees
        )
        truth: dict[str, set[int]] = {}
        for reference, seq in rows:
            truth.setdefault(reference, set()).add(seq)
        return truth

    truth = expected()
    await _wait_for(
        lambda: all(truth.get(r.reference, set()) <= r.arrivals.keys() for r in opened),
        DELIVERY_TIMEOUT,
    )
    await asyncio.sleep(1)  # anything sent twice arrives now
    await asyncio.gather(*(r.close() for r in opened if r.ws is not None), return_exceptions=True)
    # Every socket is closed: its consumer left its complaint's group. What is left in Redis
    # stays until group_expiry (a day) and is sent every event of that complaint meanwhile.
    await _wait_for(lambda: _group_members(redis_url) == 0, 5.0)
    stale_members = _group_members(redis_url)

    latencies = {f"live-{window}": [] for window in range(1, RUNS + 1)}
    trace = []
    first_send = min((c.t_send for c in live_changes), default=0.0)
    not_live = 0
    for change in live_changes:
        arrival = by_reference[change.reference].arrivals.get(change.seq) if change.seq else None
        if arrival is None or arrival[1] != 0:  # not on the first connection: missed live
            not_live += 1
            continue
        latencies[change.phase].append(arrival[0] - change.t_send)
        trace.append(
            (
                change.t_send - first_send,
                arrival[0] - change.t_send,
                change.answered - change.t_send,
            )
        )
    missing = sum(len(truth.get(r.reference, set()) - r.arrivals.keys()) for r in opened)
    if missing:  # which changes they were, and whether a later event of theirs came at all
        made = {(c.reference, c.seq): c for c in driver.changes if c.seq}
        for r in opened:
            for seq in sorted(truth.get(r.reference, set()) - r.arrivals.keys())[:10]:
                change = made.get((r.reference, seq))
                _say(
                    f"missing {r.reference} seq {seq}: made while "
                    f"{change.phase if change else '?'}; newest seq received {r.last_seq}; "
                    f"socket on {r.server.name}, connection {r.connection}"
                )
    unexpected = sum(len(r.arrivals.keys() - truth.get(r.reference, set())) for r in opened)
    out_of_order = sum(
        1
        for r in opened
        for sequence in r.sequences
        if any(b <= a for a, b in zip(sequence, sequence[1:], strict=False))
    )
    lag = max((c.lag for c in driver.changes), default=0.0)
    failed_changes = [c for c in driver.changes if c.status != 200]
    by_phase = {}
    for change in driver.changes:
        by_phase[change.phase] = by_phase.get(change.phase, 0) + 1
    _say(
        f"{sum(len(v) for v in truth.values())} public events in the database; duplicates "
        f"{sum(r.duplicates for r in opened)}, out of order {out_of_order}, not public or "
        f"unknown {unexpected}, missing {missing}"
    )
    _say(
        f"changes by phase {by_phase}; failed {len(failed_changes)} "
        f"{sorted({c.status for c in failed_changes})}; worst send lag {lag * 1000:.1f} ms; "
        f"{driver.skipped} turns skipped (complaint still in flight)"
    )
    if tracing:  # (t_send, latency, HTTP answer time) per live change, and CPU samples
        monitoring.cancel()
        cpu = [(t - first_send, *servers_cpu, client) for t, servers_cpu, client in samples]
        Path(tracing).write_text(json.dumps({"trace": trace, "cpu": cpu}))
    return {
        "others": others_shares,
        "stale_members": stale_members,
        "sockets": len(opened),
        "open_failures": len(failures),
        "open_seconds": open_seconds,
        "per_worker": per_worker,
        "rss_per_socket": sum(rss_after[pid] - rss_before[pid] for pid in workers)
        / max(1, len(opened)),
        "redis_per_socket": redis_per_socket,
        "latencies": list(latencies.values()),
        "live_changes": len(live_changes),
        "not_live": not_live,
        "changes": len(driver.changes),
        "failed_changes": len(failed_changes),
        "reconnect_failures": len(reconnect_failures),
        "reconnect_seconds": reconnect_seconds,
        "changes_while_closed": by_phase.get("closed", 0) + by_phase.get("closing", 0),
        "changes_while_reconnecting": by_phase.get("reconnecting", 0),
        "missing": missing,
        "unexpected": unexpected,
        "duplicates": sum(r.duplicates for r in opened),
        "out_of_order": out_of_order,
        "dropped": sum(len(r.dropped) for r in opened),
    }


def run() -> list[Figure]:
    fd_limit = raise_fd_limit(max(8192, SOCKETS * 3 + 1024))
    topology = Topology(
        Path(tempfile.mkdtemp(prefix="laporpungli-bench-ws-")), "ws", redis_required=True
    )
    complaints = []

    def seed(topology):
        started = time.perf_counter()
        complaints.extend(_seed(topology.database, SOCKETS))
        _say(
            f"{topology.database.kind}; {len(complaints)} complaints filed in "
            f"{time.perf_counter() - started:.1f} s; open-file limit {fd_limit}"
        )

    try:
        topology.start(before_server=seed)
        server = topology.server
        token = staff_token(server.url, PARKING_STAFF)
        workers = topology.worker_pids
        if len(workers) != WORKERS:
            raise RuntimeError(f"{len(workers)} workers running, not {WORKERS}")
        pids = [*workers, *topology.service_pids()]
        result = run_async(
            _scenario([server], token, complaints, topology.database, topology.redis.url, pids)
        )
        if server.process.poll() is not None or len(topology.worker_pids) != WORKERS:
            raise RuntimeError(f"a worker died:\n{server.log_text()}")
        logs = server.log_text()
    finally:
        topology.stop()
    for fallback in topology.fallbacks:
        note("Fallback (websocket benchmark)", fallback)

    runs = [window or [float("inf")] for window in result["latencies"]]
    latencies = [latency for window in runs for latency in window]
    ms = 1000
    p99s = [percentile(window, 0.99) * ms for window in runs]
    p99 = max(p99s)
    n = result["sockets"]
    _say(
        f"latency p50 {median(latencies) * ms:.1f} ms, p95 {percentile(latencies, 0.95) * ms:.1f}"
        f" ms, p99 per run {[round(value, 1) for value in p99s]} ms, max "
        f"{max(latencies) * ms:.1f} ms over {len(latencies)} events; socket descriptors opened "
        f"per worker (websockets and their layer connections) "
        f"{result['per_worker']}; RSS {result['rss_per_socket']:.1f} KiB/socket; other processes "
        f"{[f'{share:.0%}' for share in result['others']]} of the machine per run"
    )
    lines = logs.splitlines()
    problems = [line for line in lines if " WARNING " in line or " ERROR " in line]
    over_capacity = sum(1 for line in lines if "channels over capacity in group" in line)
    _say(
        f"servers logged {logs.count('Traceback')} tracebacks, {len(problems)} warnings or "
        f"errors, {over_capacity} layer sends dropped over capacity"
    )
    if problems:
        _say("first warnings:\n" + "\n".join(problems[:20]))
    lost = result["missing"]
    sockets = f"{n:,} idle sockets"
    return [
        Figure(
            f"Status→socket p99, worst of {RUNS} runs, {topology.label}, {sockets}",
            p99,
            "ms",
            "≤ 150 ms, each run",
            p99 <= P99_TARGET_MS,
        ),
        *(
            Figure(
                f"  run {index}: p99 ({len(window)} events in {LIVE_SECONDS:.0f} s)",
                value,
                "ms",
                "≤ 150 ms",
                value <= P99_TARGET_MS,
            )
            for index, (window, value) in enumerate(zip(runs, p99s, strict=True), 1)
        ),
        Figure(
            f"  spread of the p99 over the {RUNS} runs (max − min)",
            max(p99s) - min(p99s),
            "ms",
            "(informational)",
            None,
        ),
        Figure(
            f"Status→socket p95 ({RATE:.0f} changes/s, open loop)",
            percentile(latencies, 0.95) * ms,
            "ms",
            "(informational)",
            None,
        ),
        Figure("Status→socket p50", median(latencies) * ms, "ms", "(informational)", None),
        Figure(
            f"Live events not delivered live (of {result['live_changes']} changes)",
            result["not_live"],
            "events",
            "0",
            result["not_live"] == 0,
        ),
        Figure(
            f"Events lost across a forced reconnect of all {n:,}", lost, "events", "0", lost == 0
        ),
        Figure(
            "Events duplicated, out of order or not public",
            result["duplicates"] + result["out_of_order"] + result["unexpected"],
            "events",
            "0",
            result["duplicates"] + result["out_of_order"] + result["unexpected"] == 0,
        ),
        Figure(
            "  status changes made while every socket was closed",
            result["changes_while_closed"],
            "changes",
            "(informational)",
            None,
        ),
        Figure(
            "  status changes made while the sockets reconnected",
            result["changes_while_reconnecting"],
            "changes",
            "(informational)",
            None,
        ),
        Figure(
            "Sockets refused, failed or dropped by the server",
            result["open_failures"] + result["reconnect_failures"] + result["dropped"],
            "sockets",
            "0",
            result["open_failures"] + result["reconnect_failures"] + result["dropped"] == 0,
        ),
        Figure(
            "Layer sends dropped (channels_redis over capacity)",
            over_capacity,
            "sends",
            "(informational)",
            None,
        ),
        Figure(
            "Group memberships left in Redis after every socket closed",
            result["stale_members"],
            "channels",
            "0",
            result["stale_members"] == 0,
        ),
        Figure(
            "Staff status changes that failed (non-200)",
            result["failed_changes"],
            "requests",
            "0",
            result["failed_changes"] == 0,
        ),
        Figure(
            f"Reconnect of all {n:,} sockets (auth + catch-up)",
            result["reconnect_seconds"],
            "s",
            "(informational)",
            None,
        ),
        Figure(
            "Redis memory per idle socket (channel layer)",
            result["redis_per_socket"],
            "bytes",
            "(informational)",
            None,
        ),
        Figure(
            "Worker RSS per idle socket (both workers)",
            result["rss_per_socket"],
            "KiB",
            "(informational)",
            None,
        ),
        Figure(
            "CPU taken by other processes, worst live run",
            max(result["others"]) * 100,
            "% machine",
            "(informational)",
            None,
        ),
        Figure(
            "Client: asyncio + websockets, on the same cores",
            cores(),
            "cores",
            "(informational)",
            None,
        ),
    ]

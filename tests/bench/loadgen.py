"""Load generation for the server benchmarks, in Python (asyncio): no wrk on this machine.

- ``HttpConnection``: one keep-alive HTTP/1.1 connection speaking just enough of the protocol
  (Content-Length or chunked answers) to drive the portal's API with little client CPU.
- ``closed_loop``: wrk's method: ``concurrency`` connections, each sending its next request as
  soon as the previous answer is read, for a fixed time after a warm-up.
- ``bench_server``: an ASGI server of ``tests.e2e.servers`` (the one way servers are started) as
  deployed (``uvicorn``, no access log, ``--log-level warning``, ``DEBUG=false``), on the
  benchmark settings (``tests.bench.server_settings``), rate limits off (``tests.bench.topology``
  runs it with two workers).
- ``process_tree``/``tree_cpu_seconds``: a supervisor's workers, and the CPU they used.

The client runs on the same machine as the servers and takes CPU from them: the figures say so.
"""

from __future__ import annotations

import asyncio
import os
import resource
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.servers import AppServer, E2eDatabase, server_env

try:  # the servers' own event loop (uvicorn[standard]); plain asyncio works as well
    import uvloop
except ImportError:  # pragma: no cover
    uvloop = None

HOST = "127.0.0.1"


def run_async(coroutine):
    if uvloop is not None:
        return uvloop.run(coroutine)
    return asyncio.run(coroutine)


def cores() -> int:
    return len(os.sched_getaffinity(0))


def raise_fd_limit(wanted: int) -> int:
    """Raise this process's open-file limit (children inherit it); the soft limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_kib(pid: int) -> int:
    """Resident memory of a process (VmRSS), KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants: ``uvicorn --workers 2`` is a supervisor and two children,
    and only the children's CPU and memory tell what the workers use."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue += [int(child) for child in task.read_text().split()]
            except OSError:  # the thread or process ended meanwhile
                continue
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and its descendants (the workers of a supervisor)."""
    return sum(cpu_seconds(each) for each in process_tree(pid))


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used (every core), from /proc/stat."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class OtherLoad:
    """How much CPU processes other than ours used meanwhile, as a share of the machine: the
    benchmark shares its cores with whatever else runs, and says so."""

    def __init__(self, pids: list[int]):
        self.pids = pids
        self.started = self._sample()

    def _sample(self) -> tuple[float, float, float]:
        ours = sum(cpu_seconds(pid) for pid in self.pids) + time.process_time()
        return time.monotonic(), machine_busy_seconds(), ours

    def share(self) -> float:
        wall, busy, ours = self._sample()
        wall0, busy0, ours0 = self.started
        return max(0.0, (busy - busy0) - (ours - ours0)) / ((wall - wall0) * cores())


def bench_server(name: str, database: E2eDatabase, workdir: Path, **env: str) -> AppServer:
    """A production-like uvicorn worker on the benchmark settings (not started yet)."""
    server = AppServer(
        name,
        server_env(
            database,
            DJANGO_SETTINGS_MODULE="tests.bench.server_settings",
            DEBUG="false",
            **env,
        ),
        workdir,
    )
    server.argv += ["--log-level", "warning"]
    return server


# --- HTTP -----------------------------------------------------------------------------------------


def request_bytes(
    method: str,
    path: str,
    *,
    port: int,
    body: bytes = b"",
    content_type: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A complete HTTP/1.1 request, built once and sent many times."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Accept: application/json"]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class HttpConnection:
    """One keep-alive connection; reconnects by itself after the server closed it."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = 0.0  # time.monotonic() of the last answer

    def stale(self, idle_seconds: float = 2.0) -> bool:
        """Idle long enough that the server may close it (uvicorn's keep-alive is 5 s)."""
        return self.writer is not None and time.monotonic() - self.last_used > idle_seconds

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        """Send a request built by ``request_bytes``; ``(status, body)`` of the answer."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = {}
        for line in header_lines:
            if line:
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunked()
        else:  # the answer ends with the connection
            body = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        self.last_used = time.monotonic()
        return status, body

    async def _chunked(self) -> bytes:
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)  # of the answers in the window, s
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # connection failures, by exception
    client_cpu: float = 0.0  # this process's CPU seconds during the window
    others: float = 0.0  # share of the machine other processes used meanwhile (OtherLoad)
    concurrency: int = 0  # connections of the load
    worker_cpu: float = 0.0  # the server processes' CPU meanwhile, in cores
    database_cpu: float = 0.0  # PostgreSQL's, in cores (0 when it runs elsewhere)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def unexpected(self, expected: int) -> int:
        return sum(n for status, n in self.statuses.items() if status != expected) + sum(
            self.errors.values()
        )


async def closed_loop(
    port: int, raw: bytes, *, concurrency: int, seconds: float, warmup: float
) -> LoadResult:
    """``concurrency`` connections sending ``raw`` back to back, as wrk does: the answers
    completed inside the measured window (after ``warmup``) count, with their latency.

    The connections open one by one over the first half of the warm-up: opened at once, the
    first worker of ``uvicorn --workers 2`` to wake accepts them all (asyncio accepts a whole
    backlog in one go) and the other worker idles for the whole load."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    window_start, window_end = start + warmup, start + warmup + seconds
    result = LoadResult(seconds=seconds)
    stagger = min(0.05, warmup / 2 / concurrency)

    async def client(index: int):
        await asyncio.sleep(index * stagger)
        connection = HttpConnection(port)
        try:
            while loop.time() < window_end:
                sent = time.perf_counter()
                try:
                    status, _body = await connection.send(raw)
                except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                    if window_start <= loop.time() <= window_end:
                        result.errors[type(error).__name__] += 1
                    await connection.close()
                    continue
                if window_start <= loop.time() <= window_end:
                    result.latencies.append(time.perf_counter() - sent)
                    result.statuses[status] += 1
        finally:
            await connection.close()

    async def cpu_mark():
        await asyncio.sleep(warmup)
        cpu_at_start = time.process_time()
        await asyncio.sleep(seconds)
        result.client_cpu = time.process_time() - cpu_at_start

    await asyncio.gather(cpu_mark(), *(client(index) for index in range(concurrency)))
    return result


def multipart(
    fields: dict[str, str], files: list[tuple[str, str, str, bytes]]
) -> tuple[str, bytes]:
    """``(content_type, body)`` of a multipart/form-data body; files: (field, name, type, data)."""
    boundary = f"----bench{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, content_type, data in files:
        parts.append(
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)

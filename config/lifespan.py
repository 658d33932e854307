"""ASGI lifespan: under `make run`, the periodic jobs run inside the one server process.

In production they run as their own processes (`manage.py publish_outbox --loop`,
`manage.py run_clocks --loop`, `manage.py send_notifications --loop`); there the lifespan only
acknowledges the server's startup and shutdown. It runs the jobs when ``PORTAL_IN_PROCESS_JOBS``
is set, or when the server asks for them explicitly (``manage.py serve`` builds its application
with ``in_process_jobs=True``).
"""

import asyncio
import gc
import logging

from asgiref.sync import sync_to_async
from django.conf import settings

from config import metrics

logger = logging.getLogger(__name__)
NOTIFICATIONS_INTERVAL = 60  # seconds


def _jobs() -> list[tuple[str, float, object]]:
    # Imported here: the app registry is ready only once the server starts the lifespan.
    from complaints.clocks import clocks_run
    from complaints.counters import counters_publish_if_changed
    from complaints.events import outbox_sweep
    from notifications.sender import notifications_run

    return [
        ("outbox", settings.PORTAL_OUTBOX_INTERVAL, outbox_sweep),
        ("counters", settings.PORTAL_OUTBOX_INTERVAL, counters_publish_if_changed),
        ("clocks", settings.PORTAL_CLOCKS_INTERVAL, clocks_run),
        # Staff e-mail also goes out between two clock runs, so "immediately" means a minute.
        ("notifications", NOTIFICATIONS_INTERVAL, notifications_run),
    ]


async def _every(name: str, seconds: float, job) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            # Thread-sensitive, like a view: the job's channel-layer sends run on this loop.
            with metrics.job_run(name):
                await sync_to_async(job)()
        except Exception:
            logger.exception("Periodic job %s failed; it runs again in %s s", name, seconds)


class Lifespan:
    def __init__(self, *, in_process_jobs: bool | None = None):
        self.in_process_jobs = in_process_jobs

    async def __call__(self, scope, receive, send):
        tasks = []
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # Everything loaded at startup lives as long as the process: keep it out of the
                # collector's full passes, which otherwise pause a worker holding many sockets.
                gc.collect()
                gc.freeze()
                in_process = self.in_process_jobs
                if in_process if in_process is not None else settings.PORTAL_IN_PROCESS_JOBS:
                    tasks = [asyncio.create_task(_every(*job)) for job in _jobs()]
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for task in tasks:
                    task.cancel()
                metrics.process_exited()  # this worker's open sockets leave the shared gauge
                await send({"type": "lifespan.shutdown.complete"})
                return

"""`python manage.py serve`: the ASGI server of `make run`, with the settings anonymity needs.

One uvicorn worker (the in-memory channel layer is single-process) that also runs the periodic
jobs, no access log (it would record client addresses), websocket compression off (memory per
socket), uvicorn's own proxy-header handling off (forwarding headers are believed in one place
only: ``config.asgi``, from ``PORTAL_TRUSTED_PROXIES``).
"""

import uvicorn
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve HTTP and websockets (uvicorn, one worker, no access log)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host: str, port: int, **options):
        # Imported here, once Django is set up by the command.
        from config.asgi import application_build

        self.stdout.write(f"Lapor Pungli: http://{host}:{port}/  (Ctrl+C to stop)")
        uvicorn.run(
            # One process: the outbox sweeper and the clocks run inside it (config.lifespan).
            application_build(in_process_jobs=True),
            host=host,
            port=port,
            workers=1,
            access_log=False,
            ws_per_message_deflate=False,
            lifespan="on",
            # The project's LOGGING (config.settings.base) governs uvicorn's loggers too: no
            # access log, no handshake lines carrying client addresses.
            log_config=None,
            log_level="warning",
            server_header=False,
            # Otherwise uvicorn believes X-Forwarded-For from 127.0.0.1 by default; the trusted
            # proxies are config.asgi's (PORTAL_TRUSTED_PROXIES), and only those.
            proxy_headers=False,
        )

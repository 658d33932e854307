"""ASGI entry point: HTTP through Django (behind the body-size guard), websockets through
Channels, and the lifespan that runs `make run`'s periodic jobs in-process.

In front of both, and only when ``PORTAL_TRUSTED_PROXIES`` names any, uvicorn's
``ProxyHeadersMiddleware``: for a request whose peer is one of those proxies, the scope's client
(``REMOTE_ADDR``, the websocket's client: what the rate limits count by) becomes the address the
proxy put in ``X-Forwarded-For`` and its scheme ``X-Forwarded-Proto``. This is the one place
forwarding headers are believed; the servers run with their own proxy-header handling off.
"""

import os
import warnings

from django.core.asgi import get_asgi_application

from config.filemodes import private_umask

# Everything this process creates (database, evidence) is private to its user.
private_umask()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django_asgi_app = get_asgi_application()
# Django warns when it streams a file (static assets, evidence) from a synchronous iterator under
# ASGI; the files are small and served from local disk, so the warning is noise in the log.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware  # noqa: E402

from config.lifespan import Lifespan  # noqa: E402
from config.limits import RequestBodyLimit  # noqa: E402
from config.origins import WebsocketOriginValidator  # noqa: E402
from frontend.ws_urls import websocket_urlpatterns  # noqa: E402


def behind_trusted_proxies(app):
    """``app`` believing the forwarding headers of ``PORTAL_TRUSTED_PROXIES`` only (if any)."""
    if not settings.PORTAL_TRUSTED_PROXIES:
        return app
    return ProxyHeadersMiddleware(app, trusted_hosts=list(settings.PORTAL_TRUSTED_PROXIES))


def application_build(*, in_process_jobs: bool | None = None):
    """The portal as one ASGI application (``in_process_jobs``: see ``config.lifespan``)."""
    router = ProtocolTypeRouter(
        {
            "http": RequestBodyLimit(django_asgi_app),
            # Staff sockets use the Django session; the reporter's socket uses its receipt only.
            # Only the portal's own origin, exactly (scheme, host, port): config.origins.
            "websocket": WebsocketOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
            "lifespan": Lifespan(in_process_jobs=in_process_jobs),
        }
    )
    return behind_trusted_proxies(router)


application = application_build()

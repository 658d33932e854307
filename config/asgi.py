"""ASGI entry point: HTTP through Django (behind the body-size guard), websockets through
Channels, and the lifespan that runs `make run`'s periodic jobs in-process."""

import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django_asgi_app = get_asgi_application()
# Django warns when it streams a file (static assets, evidence) from a synchronous iterator under
# ASGI; the files are small and served from local disk, so the warning is noise in the log.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.lifespan import Lifespan  # noqa: E402
from config.limits import RequestBodyLimit  # noqa: E402
from frontend.ws_urls import websocket_urlpatterns  # noqa: E402


def application_build(*, in_process_jobs: bool | None = None) -> ProtocolTypeRouter:
    """The portal as one ASGI application (``in_process_jobs``: see ``config.lifespan``)."""
    return ProtocolTypeRouter(
        {
            "http": RequestBodyLimit(django_asgi_app),
            # Staff sockets use the Django session; the reporter's socket uses its receipt only.
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
            "lifespan": Lifespan(in_process_jobs=in_process_jobs),
        }
    )


application = application_build()

"""WSGI entry point (HTTP only; websockets need config.asgi)."""

import os

from django.core.wsgi import get_wsgi_application

from config.filemodes import private_umask

# Everything this process creates (database, evidence) is private to its user.
private_umask()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

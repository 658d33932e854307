"""The project package as an app, only for the start-up hooks that belong to no domain app."""

from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created

from config import filemodes


class PortalConfig(AppConfig):
    name = "config"
    label = "portal"
    verbose_name = "Lapor Pungli"

    def ready(self):
        # Data made before this release (or by a process without the umask) loses its group
        # and other bits (finding 13: var/db.sqlite3 was readable by every local user).
        filemodes.data_tighten(var_dir=settings.VAR_DIR, media_root=Path(settings.MEDIA_ROOT))
        connection_created.connect(
            filemodes.database_files_tighten, dispatch_uid="config.filemodes.database"
        )

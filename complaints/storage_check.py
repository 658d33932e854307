"""Whether the evidence store can take a file right now: the storage part of ``/readyz``.

The probe writes a tiny object and deletes it again, through the same storage API the
submissions use, so it fails for every reason a submission would: folder not writable, object
store down, bucket missing, credentials wrong or lacking write rights. It runs on its own
thread with a deadline, so a store that hangs makes the answer "not ready", never a hung probe.
"""

import logging
import threading
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from complaints.unavailable import is_storage_error

logger = logging.getLogger(__name__)

# Probe objects live under their own prefix, apart from the photos' sharded folders.
PROBE_PREFIX = "readiness"
DEFAULT_TIMEOUT_SECONDS = 3.0


def evidence_storage_ready(timeout: float = DEFAULT_TIMEOUT_SECONDS) -> bool:
    """True if a write and delete on ``storages["evidence"]`` succeeded within ``timeout``."""
    outcome: list[bool] = []
    probe = threading.Thread(
        target=lambda: outcome.append(_write_and_delete()),
        name="evidence-storage-probe",
        daemon=True,  # a store that never answers must not keep the process alive
    )
    probe.start()
    probe.join(timeout)
    if probe.is_alive():
        logger.warning("Evidence store did not answer within %s s", timeout)
        return False
    return bool(outcome and outcome[0])


def _write_and_delete() -> bool:
    storage = storages["evidence"]
    try:
        name = storage.save(f"{PROBE_PREFIX}/{uuid.uuid4().hex}", ContentFile(b"ok"))
        storage.delete(name)
    except Exception as error:
        if not is_storage_error(error):
            raise
        logger.warning("Evidence store not ready: %s: %s", type(error).__name__, error)
        return False
    return True

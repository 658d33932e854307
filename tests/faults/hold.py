"""The test-only middleware of ``tests.faults.fault_settings`` (see there)."""

import os
import threading
from pathlib import Path

HOLD_HEADER = "HTTP_X_FAULT_HOLD"


class HoldAfterResponseMiddleware:
    """Freeze the worker once the answer is built, if the request asks for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        name = request.META.get(HOLD_HEADER)
        if name and name.isalnum():
            Path(os.environ["FAULT_HOLD_DIR"], name).write_text(str(response.status_code))
            threading.Event().wait()  # until the test kills the process
        return response

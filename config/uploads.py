"""Uploads too large for memory go to a temporary file that has no name on disk.

Django's own handler for them writes a *named* temporary file and deletes it when the request
ends; a worker killed before that (SIGKILL, the out-of-memory killer, a power cut) leaves the
reporter's photo behind in the temporary folder. An unnamed file (``tempfile.TemporaryFile``:
``O_TMPFILE`` on Linux, unlinked at once elsewhere) belongs to the process alone, and the kernel
reclaims it however the process ends. Nothing reads an upload by its path: photos are opened
by Pillow and re-encoded (``complaints.evidence``).
"""

import tempfile

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler


class UnnamedTemporaryUploadedFile(UploadedFile):
    """An upload spooled to an unnamed file in ``FILE_UPLOAD_TEMP_DIR``; no path to leak."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        file = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)
        super().__init__(file, name, content_type, size, charset, content_type_extra)


class UnnamedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """``TemporaryFileUploadHandler`` writing to :class:`UnnamedTemporaryUploadedFile`."""

    def new_file(self, *args, **kwargs):
        FileUploadHandler.new_file(self, *args, **kwargs)
        self.file = UnnamedTemporaryUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )

    def upload_interrupted(self):
        if hasattr(self, "file"):
            self.file.close()  # unnamed: closing it is deleting it

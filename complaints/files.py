"""Photo evidence served over HTTP: only to an account ``complaints.access`` lets see its
complaint, never cached, never from a public media URL. Used by the staff pages, the staff API
and the admin alike.

The file is streamed from the evidence store (local folder or private bucket) through this
view, after the scope check; no bucket URL, signed or not, is ever handed out. A store that
cannot deliver it answers 503 (``complaints.unavailable``).
"""

from django.http import FileResponse
from django.shortcuts import get_object_or_404

from complaints.access import evidence_visible_to
from complaints.audit import access_record
from complaints.models import AccessRecord
from complaints.unavailable import storage_call


def evidence_response(user, evidence_id, *, thumbnail: bool = False) -> FileResponse:
    """The sanitized photo (or its thumbnail), or Http404 for anyone who may not see it.
    Each one served is recorded in the access audit, with the photo's id."""
    evidence = get_object_or_404(evidence_visible_to(user), pk=evidence_id)
    detail = f"{evidence.pk} thumbnail" if thumbnail else str(evidence.pk)
    access_record(user, [evidence.complaint], AccessRecord.Action.EVIDENCE, detail=detail)
    field = evidence.thumbnail if thumbnail else evidence.image
    # FileResponse measures the file (seek/tell) as it is built, so an object store is read
    # here, inside the guard: a store that fails answers 503 rather than a cut-off body.
    with storage_call():
        response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response

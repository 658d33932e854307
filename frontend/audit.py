"""The access audit page (``/staf/audit/``), for the Inspektorat and admins only
(``complaints.access.can_read_audit``; a 404 for anyone else): the recent notices of unusual
reading and the records, searched by complaint reference or by username (``complaints.audit``).
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from complaints.access import can_read_audit
from complaints.audit import notices_recent, records_search

PAGE_SIZE = 50
NOTICES_SHOWN = 20


@never_cache
@login_required
def audit(request):
    if not can_read_audit(request.user):
        raise Http404
    query = request.GET.get("q", "").strip()[:150]
    complaint, records = records_search(query)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "query": query,
        "complaint": complaint,
        "page": page,
        "notices": notices_recent()[:NOTICES_SHOWN],
    }
    return render(request, "frontend/staff/audit.html", context)

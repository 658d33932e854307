"""Staff-side helpers for the API and page tests: the demo accounts, a complaint of each scope, who
handles it, and its photos.

The accounts are those of docs/interface.md "Demo accounts" (``seed_demo``), plus ``plain``: a
user who
can log in but has no staff role and no OPD. The complaints are filed through the same service as
the public form (``complaint_submit``), so each lands where the routing engine sends it:

- ``pungli``: a parking pungli, with Dinas Perhubungan, oversight copy to the Inspektorat;
- ``delay``: a late KTP-el, with Dukcapil (not pungli: no oversight copy);
- ``triage``: a vague complaint no rule can route, waiting for the koordinator;
- ``overdue``: a Kartu Keluarga complaint with Dukcapil whose deadline has passed;
- ``head``: a complaint naming the head of an office: the Inspektorat is the primary handler.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from complaints.models import Complaint, Evidence, StaffRole
from complaints.services import (
    complaint_reporter_photos,
    complaint_staff_message,
    complaint_submit,
    staff_account_ensure,
)
from complaints.staff_inputs import StaffMessageInput
from routing.models import Opd, Service
from tests.api.client import photo

PASSWORD = "uji-kata-sandi-staf-7731"
TOKEN_URL = "/api/v1/auth/token/"
LIST_URL = "/api/v1/staff/complaints/"
LOGIN_PAGE = "/staf/masuk/"
INBOX_PAGE = "/staf/"

# username -> staff_account_ensure arguments (OPD by code); "plain" has none of them.
ACCOUNTS = {
    "admin": {"superuser": True},
    "koordinator": {"role": StaffRole.KOORDINATOR},
    "inspektorat": {"role": StaffRole.INSPEKTORAT},
    "walikota": {"role": StaffRole.WALIKOTA},
    "kepala-dishub": {"role": StaffRole.OPD_STAFF, "opd": "DISHUB"},
    "kepala-dukcapil": {"role": StaffRole.OPD_STAFF, "opd": "DUKCAPIL"},
    "kepala-inspektorat": {"role": StaffRole.OPD_STAFF, "opd": "INSPEKTORAT"},
}
PLAIN = "plain"


def account(username: str):
    """The account ``username`` (created or brought back to its role), with PASSWORD."""
    if username == PLAIN:
        user = get_user_model().objects.filter(username=PLAIN).first()
        return user or get_user_model().objects.create_user(username=PLAIN, password=PASSWORD)
    options = dict(ACCOUNTS[username])
    if "opd" in options:
        options["opd"] = Opd.objects.get(code=options["opd"])
    return staff_account_ensure(username=username, password=PASSWORD, **options)


def accounts_ensure() -> dict:
    return {username: account(username) for username in [*ACCOUNTS, PLAIN]}


def detail_url(reference: str, action: str = "") -> str:
    return f"/api/v1/staff/complaints/{reference}/" + (f"{action}/" if action else "")


def page_url(reference: str) -> str:
    return f"/staf/pengaduan/{reference}/"


def token_for(client, username: str) -> str:
    """A token from ``POST auth/token/``, as a staff client gets it."""
    response = client.post(TOKEN_URL, {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _service(code: str) -> Service:
    return Service.objects.get(code=code)


def _pungli():
    return complaint_submit(
        category="pungli",
        description="Jukir di depan pasar minta Rp10.000 untuk parkir motor, tanpa karcis.",
        service=_service("PARKIR-MOTOR"),
        amount_paid=10000,
        karcis_given=False,
    )


def _delay():
    return complaint_submit(
        category="delay",
        description="KTP-el saya belum dicetak padahal sudah merekam dua bulan lalu.",
        service=_service("KTP-EL"),
    )


def _triage():
    return complaint_submit(category="other", description="Pelayanan jelek sekali, petugas acuh.")


def _overdue():
    complaint, receipt = complaint_submit(
        category="delay",
        description="Kartu Keluarga perubahan tidak kunjung selesai.",
        service=_service("KK"),
    )
    past = timezone.now() - timedelta(days=2)
    Complaint.objects.filter(pk=complaint.pk).update(due_at=past, first_response_due_at=past)
    complaint.refresh_from_db()
    return complaint, receipt


def _head():
    return complaint_submit(
        category="other",
        description="Kepala dinas sendiri meminta uang rokok agar KTP-el cepat dicetak.",
        service=_service("KTP-EL"),
        involves_head=True,
    )


BUILDERS = {
    "pungli": _pungli,
    "delay": _delay,
    "triage": _triage,
    "overdue": _overdue,
    "head": _head,
}
KINDS = list(BUILDERS)


def complaint_make(kind: str) -> Complaint:
    """A complaint of one scope (see the module docstring); its receipt as ``.receipt``."""
    complaint, receipt = BUILDERS[kind]()
    complaint.receipt = receipt
    return complaint


def where_it_went(complaint: Complaint) -> tuple:
    """``(status, OPD code, oversight codes)``: to check the scenario is what it claims."""
    return (
        complaint.status,
        complaint.opd.code if complaint.opd_id else None,
        sorted(complaint.oversight.values_list("code", flat=True)),
    )


# --- The new parity helpers: who handles a complaint, its photos, the 403 text ------------------

# The one refusal text for "you may see it, not do this" (complaints.access.MSG_NOT_PERMITTED).
MSG_NOT_PERMITTED = "You can see this complaint but not do this to it."

# The handling office's account, by the office's code.
HANDLERS = {
    "DISHUB": "kepala-dishub",
    "DUKCAPIL": "kepala-dukcapil",
    "INSPEKTORAT": "kepala-inspektorat",
}


def handler_of(complaint: Complaint) -> str:
    """The username of the head of the office handling ``complaint``."""
    return HANDLERS[Complaint.objects.get(pk=complaint.pk).opd.code]


def evidence_add(complaint: Complaint) -> Evidence:
    """The complaint's one photo, added by its reporter (sanitized, as by ``track/photos/``)."""
    complaint_reporter_photos(complaint=complaint, photos=[photo()])
    [evidence] = Evidence.objects.filter(complaint=complaint)
    return evidence


def evidence_api_urls(evidence_id) -> list[str]:
    """The photo and its thumbnail on the staff API (token or session)."""
    return [
        f"/api/v1/staff/evidence/{evidence_id}/",
        f"/api/v1/staff/evidence/{evidence_id}/thumbnail/",
    ]


def evidence_page_urls(evidence_id) -> list[str]:
    """The photo and its thumbnail on the staff pages (session)."""
    return [f"/staf/bukti/{evidence_id}/", f"/staf/bukti/{evidence_id}/kecil/"]


def staff_write(user, complaint: Complaint, body: str, *, internal: bool = False):
    """A public reply (or an internal note) as the staff API and pages send it: ``{"body",
    "internal"}`` through their shared input, then the service."""
    data = StaffMessageInput(data={"body": body, "internal": internal})
    data.is_valid(raise_exception=True)
    return complaint_staff_message(user=user, complaint=complaint, **data.validated_data)


def read(response) -> bytes:
    """A served file's bytes (exhausting the stream also closes the file)."""
    return b"".join(response.streaming_content)

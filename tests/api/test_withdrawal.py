"""Withdrawal by the reporter (``POST track/withdraw/``, the tracking page's ``/pantau/tarik/``)
and the legal hold that blocks it (``POST staff/complaints/<ref>/legal-hold/``, the staff page).

A withdrawal closes the complaint with the reporter's reason, tells the office, and deletes at
once what the reporter wrote and sent (nothing of it left in any table or file), while every row,
the history, the integrity chain and the city's figures stay. Every wrong receipt gets the same
404; a complaint on legal hold answers 409, in Indonesian by default.
"""

import re
from collections import Counter

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from complaints import integrity
from complaints.integrity import PURGE_WITHDRAWAL
from complaints.models import Complaint, Event, Evidence, Status, Visibility
from complaints.services import (
    complaint_legal_hold,
    complaint_merge,
    complaint_reporter_message,
    complaint_staff_message,
)
from tests.api.client import PARKIR_STORY, complaint_post, track_post
from tests.complaints.retention import (
    PLANTED,
    PLANTED_MESSAGE,
    STAFF_REPLY,
    database_leaks,
    media_leaks,
    photo_files,
    planted_photo,
)
from tests.complaints.rollupcheck import differences, rebuilt_snapshot, rollup_snapshot
from tests.factories import api_client_for, complaint_new, page_client_for, staff_user

pytestmark = pytest.mark.usefixtures("directory")

WITHDRAW_URL = "/api/v1/track/withdraw/"
WITHDRAW_PAGE = "/pantau/tarik/"
TRACK_PAGE = "/pantau/"
DESCRIPTION = PARKIR_STORY["description"] + " Tanda ZAMRUDQX4417 di rompi jukir."
WITHDRAWN_STATUS_TEXT = "Ditarik oleh pelapor"
ON_HOLD_ID = "Laporan ini sedang ditangani penegak hukum, sehingga tidak dapat ditarik sekarang."
ON_HOLD_EN = "This complaint is being handled by law enforcement, so it cannot be withdrawn now."
HOLD_REASON = "Berkas diminta Kejaksaan Negeri."


def page_main(html: bytes) -> str:
    """What a page says (its ``<main>``), less its per-response CSRF token."""
    main = re.search(r"<main.*</main>", html.decode(), re.DOTALL).group(0)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)


def legal_hold_url(reference: str) -> str:
    return f"/api/v1/staff/complaints/{reference}/legal-hold/"


def staff_page(reference: str) -> str:
    return f"/staf/pengaduan/{reference}/"


@pytest.fixture
def filed(django_capture_on_commit_callbacks) -> Complaint:
    """The parking story filed through the API with a planted description and a photo, then an
    office question answered by the reporter with a planted message; its receipt as ``.receipt``."""
    with django_capture_on_commit_callbacks(execute=True):
        response = complaint_post(
            APIClient(), {**PARKIR_STORY, "description": DESCRIPTION}, photos=[planted_photo()]
        )
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    officer = staff_user("opd", opd=complaint.opd)
    complaint_staff_message(user=officer, complaint=complaint, body=STAFF_REPLY)
    complaint_reporter_message(complaint=complaint, body=PLANTED_MESSAGE)
    complaint.refresh_from_db()
    complaint.receipt = response.json()["receipt"]
    assert len(database_leaks(*PLANTED)) >= 2
    return complaint


def withdraw(receipt: str, *, language: str | None = None):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    return APIClient().post(WITHDRAW_URL, {"receipt": receipt}, format="json", **headers)


def received_figures() -> tuple:
    """The city's counts of complaints received: the dashboard's and the rollups'."""
    cache.clear()  # the public figures are cached for a while
    walikota = api_client_for(staff_user("walikota"))
    overview = walikota.get("/api/v1/stats/overview/").json()
    month = timezone.localdate().strftime("%Y-%m")
    public = APIClient().get(f"/api/v1/public/figures/?period={month}").json()
    rollups = rollup_snapshot()["StatDaily"]
    return (
        overview["received"],
        public["received"],
        sum(row["received"] for row in rollups.values()),
    )


def assert_withdrawn_and_nothing_left(complaint: Complaint, paths, digests) -> None:
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.withdrawn_at is not None
    assert complaint.description == ""
    assert database_leaks(*PLANTED) == []
    assert media_leaks(digests=digests) == []
    assert not any(path.exists() for path in paths)
    # No row is deleted: the photo keeps its hash, the message its place in the chain.
    assert Evidence.objects.filter(complaint=complaint, purged_at__isnull=False).count() == 1
    message = complaint.events.get(kind=Event.Kind.REPORTER_MESSAGE)
    assert (message.text, message.purged_at is not None) == ("", True)
    kinds = list(complaint.events.order_by("seq").values_list("kind", "status", "text"))
    assert kinds[-3:] == [
        (Event.Kind.STATUS, Status.CLOSED, WITHDRAWN_STATUS_TEXT),
        (
            Event.Kind.WITHDRAWN,
            Status.CLOSED,
            "Pelapor menarik laporan ini; isi laporan dan fotonya dihapus",
        ),
        (
            Event.Kind.PURGED,
            Status.CLOSED,
            "Dihapus sesuai penarikan oleh pelapor: uraian laporan; "
            f"pesan pelapor #{message.seq}; 1 foto.",
        ),
    ]
    assert complaint.events.filter(text=STAFF_REPLY).exists()  # what the office wrote stays
    tombstones = Counter()
    assert integrity.verify(tombstones=tombstones) is None
    assert tombstones[PURGE_WITHDRAWAL] >= 1


# --- Through the API ------------------------------------------------------------------------------


def test_withdrawing_through_the_api_closes_it_and_leaves_nothing(
    filed, django_capture_on_commit_callbacks
):
    paths, digests = photo_files(filed)
    figures = received_figures()

    with django_capture_on_commit_callbacks(execute=True):
        response = withdraw(filed.receipt)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["withdrawn"], body["can_reply"]) == (Status.CLOSED, True, False)
    assert [event["kind"] for event in body["events"]][-3:] == ["status", "withdrawn", "purged"]
    assert DESCRIPTION not in response.content.decode()
    assert_withdrawn_and_nothing_left(filed, paths, digests)
    # The public figures and the dashboard still count it as received; the rollups are exact.
    assert received_figures() == figures
    assert differences(rollup_snapshot(), rebuilt_snapshot()) == []


def test_the_office_sees_the_withdrawal_and_is_told_live(
    filed, django_capture_on_commit_callbacks, monkeypatch
):
    from complaints import events

    sent = []

    class Recorder:
        async def group_send(self, group, message):
            sent.append((group, message))

    monkeypatch.setattr(events, "get_channel_layer", lambda: Recorder())
    officer = api_client_for(staff_user("opd", opd=filed.opd))
    [photo_id] = filed.evidence.values_list("pk", flat=True)
    assert officer.get(f"/api/v1/staff/evidence/{photo_id}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert withdraw(filed.receipt).status_code == 200

    office = f"staff.opd.{filed.opd.code}"
    assert any(group == office for group, _message in sent)
    # Its photo is gone for the office too: no file to serve.
    assert officer.get(f"/api/v1/staff/evidence/{photo_id}/").status_code == 404
    detail = officer.get(f"/api/v1/staff/complaints/{filed.reference}/").json()
    assert detail["status"] == Status.CLOSED and detail["withdrawn"] is True
    assert detail["description"] == "" and detail["evidence"] == []
    seen = [(event["kind"], event["text"]) for event in detail["events"]]
    assert (Event.Kind.STATUS, WITHDRAWN_STATUS_TEXT) in seen
    assert Event.Kind.WITHDRAWN in {kind for kind, _text in seen}
    page = page_client_for(staff_user("opd", opd=filed.opd)).get(staff_page(filed.reference))
    assert page.status_code == 200
    assert 'id="withdrawn-notice"' in page.content.decode()


def test_a_wrong_receipt_gets_the_same_404_as_everywhere(filed):
    wrong = f"{(int(filed.receipt) + 1) % 10**16:016d}"
    for language in (None, "en"):
        tracked = track_post(APIClient(), wrong, language=language)
        refused = withdraw(wrong, language=language)
        assert refused.status_code == tracked.status_code == 404
        assert refused.content == tracked.content
    filed.refresh_from_db()
    assert (filed.status, filed.withdrawn_at) == (Status.ASSIGNED, None)


def test_a_second_withdrawal_changes_nothing(filed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert withdraw(filed.receipt).status_code == 200
    events = filed.events.count()

    again = withdraw(filed.receipt)

    assert again.status_code == 200 and again.json()["withdrawn"] is True
    assert filed.events.count() == events


# --- The legal hold -------------------------------------------------------------------------------


def test_on_legal_hold_the_withdrawal_is_refused_in_indonesian(filed):
    inspektorat = api_client_for(staff_user("inspektorat"))
    held = inspektorat.post(
        legal_hold_url(filed.reference), {"hold": True, "reason": HOLD_REASON}, format="json"
    )
    assert held.status_code == 200, held.content
    assert (held.json()["legal_hold"], held.json()["actions"]["legal_hold"]) == (True, True)

    refused = withdraw(filed.receipt)
    english = withdraw(filed.receipt, language="en")

    assert refused.status_code == english.status_code == 409
    assert refused.json()["message"] == ON_HOLD_ID
    assert english.json()["message"] == ON_HOLD_EN
    filed.refresh_from_db()
    assert (filed.status, filed.withdrawn_at, filed.description) == (
        Status.ASSIGNED,
        None,
        DESCRIPTION,
    )
    assert len(database_leaks(*PLANTED)) >= 2

    lifted = inspektorat.post(
        legal_hold_url(filed.reference),
        {"hold": False, "reason": "Perkara selesai."},
        format="json",
    )
    assert lifted.status_code == 200 and lifted.json()["legal_hold"] is False
    assert withdraw(filed.receipt).status_code == 200


def test_only_oversight_and_admins_set_the_hold_and_only_they_read_why(filed):
    officer = staff_user("opd", opd=filed.opd)
    koordinator = staff_user("koordinator")
    for user in (officer, koordinator):
        client = api_client_for(user)
        assert (
            client.get(f"/api/v1/staff/complaints/{filed.reference}/").json()["actions"][
                "legal_hold"
            ]
            is False
        )
        refused = client.post(
            legal_hold_url(filed.reference), {"hold": True, "reason": HOLD_REASON}, format="json"
        )
        assert refused.status_code == 403
    admin = api_client_for(staff_user("admin"))
    assert (
        admin.post(
            legal_hold_url(filed.reference), {"hold": True, "reason": HOLD_REASON}, format="json"
        ).status_code
        == 200
    )
    # A reason is required, and setting it twice is a conflict.
    missing = admin.post(
        legal_hold_url(filed.reference), {"hold": False, "reason": ""}, format="json"
    )
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    twice = admin.post(
        legal_hold_url(filed.reference), {"hold": True, "reason": HOLD_REASON}, format="json"
    )
    assert twice.status_code == 409

    hold = filed.events.get(kind=Event.Kind.HOLD)
    assert hold.visibility == Visibility.OVERSIGHT and HOLD_REASON in hold.text
    office_sees = api_client_for(officer).get(f"/api/v1/staff/complaints/{filed.reference}/").json()
    assert HOLD_REASON not in str(office_sees["events"])
    assert office_sees["legal_hold"] is True
    reporter_sees = track_post(APIClient(), filed.receipt)
    assert HOLD_REASON not in reporter_sees.content.decode()


def test_the_staff_page_offers_the_hold_to_oversight_and_sets_it(filed):
    officer_page = page_client_for(staff_user("opd", opd=filed.opd)).get(
        staff_page(filed.reference)
    )
    assert 'value="legal_hold"' not in officer_page.content.decode()

    inspektorat = page_client_for(staff_user("inspektorat"))
    page = inspektorat.get(staff_page(filed.reference)).content.decode()
    assert 'name="action" value="legal_hold"' in page and 'name="hold" value="true"' in page

    response = inspektorat.post(
        staff_page(filed.reference), {"action": "legal_hold", "hold": "true", "reason": HOLD_REASON}
    )

    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.legal_hold is True
    page = inspektorat.get(staff_page(filed.reference)).content.decode()
    assert 'name="hold" value="false"' in page and 'id="legal-hold-notice"' in page


# --- Through the tracking page --------------------------------------------------------------------


def test_the_tracking_page_asks_for_confirmation_then_withdraws(
    filed, django_capture_on_commit_callbacks
):
    paths, digests = photo_files(filed)
    client = Client()
    page = client.post(TRACK_PAGE, {"receipt": filed.receipt}).content.decode()
    assert f'action="{WITHDRAW_PAGE}"' in page and 'name="confirm"' in page

    unconfirmed = client.post(WITHDRAW_PAGE, {"receipt": filed.receipt})
    assert unconfirmed.status_code == 400
    assert 'id="withdraw-confirm-error"' in unconfirmed.content.decode()
    filed.refresh_from_db()
    assert filed.withdrawn_at is None and filed.status == Status.ASSIGNED

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(WITHDRAW_PAGE, {"receipt": filed.receipt, "confirm": "yes"})

    assert done.status_code == 200
    html = done.content.decode()
    assert 'id="withdrawn-notice"' in html and f'action="{WITHDRAW_PAGE}"' not in html
    assert DESCRIPTION not in html and PLANTED_MESSAGE not in html
    assert_withdrawn_and_nothing_left(filed, paths, digests)
    # Opened again later, the page still says it was withdrawn.
    later = client.post(TRACK_PAGE, {"receipt": filed.receipt}).content.decode()
    assert 'id="withdrawn-notice"' in later


def test_the_tracking_page_answers_a_wrong_receipt_and_a_hold_like_the_rest(filed):
    client = Client()
    wrong = f"{(int(filed.receipt) + 1) % 10**16:016d}"
    tracked = client.post(TRACK_PAGE, {"receipt": wrong})
    refused = client.post(WITHDRAW_PAGE, {"receipt": wrong, "confirm": "yes"})
    assert refused.status_code == tracked.status_code == 404
    assert page_main(refused.content) == page_main(tracked.content)

    complaint_legal_hold(
        user=staff_user("inspektorat"), complaint=filed, hold=True, reason=HOLD_REASON
    )
    held = client.post(WITHDRAW_PAGE, {"receipt": filed.receipt, "confirm": "yes"})

    assert held.status_code == 409
    assert ON_HOLD_ID in held.content.decode()
    filed.refresh_from_db()
    assert filed.withdrawn_at is None and filed.description == DESCRIPTION


# --- Merged duplicates ---------------------------------------------------------------------------


def snapshot(complaint: Complaint) -> tuple:
    complaint.refresh_from_db()
    return (
        complaint.status,
        complaint.description,
        complaint.opd_id,
        complaint.withdrawn_at,
        list(complaint.events.values_list("seq", "kind", "text", "purged_at")),
        list(complaint.evidence.values_list("pk", "image", "purged_at")),
    )


def test_withdrawing_a_merged_duplicate_leaves_the_original_untouched(
    django_capture_on_commit_callbacks,
):
    original, _ = complaint_new(
        description="Jukir pasar minta Rp10.000 tanpa karcis.", photos=[planted_photo()]
    )
    duplicate, receipt = complaint_new(description=DESCRIPTION, photos=[planted_photo()])
    complaint_merge(user=staff_user("koordinator"), duplicate=duplicate, original=original)
    before = snapshot(original)
    paths, digests = photo_files(duplicate)

    with django_capture_on_commit_callbacks(execute=True):
        response = withdraw(receipt)

    assert response.status_code == 200, response.content
    assert snapshot(original) == before
    assert all(path.exists() for path in photo_files(original)[0])
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.description) == (Status.CLOSED, "")
    assert media_leaks(needles=PLANTED, digests=digests) == []
    assert database_leaks(*PLANTED) == []
    assert integrity.verify() is None


def test_withdrawing_an_original_hands_its_duplicates_back_to_the_office(
    django_capture_on_commit_callbacks,
):
    original, receipt = complaint_new()
    duplicate, _ = complaint_new(description=DESCRIPTION)
    complaint_merge(user=staff_user("koordinator"), duplicate=duplicate, original=original)

    with django_capture_on_commit_callbacks(execute=True):
        assert withdraw(receipt).status_code == 200

    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None and duplicate.is_open
    assert duplicate.due_at is not None  # its own deadline again
    assert duplicate.description == DESCRIPTION
    last = duplicate.events.order_by("-seq").first()
    assert (last.kind, last.text) == (Event.Kind.MERGED, "Laporan ini kembali ditangani tersendiri")
    assert "ditarik" not in " ".join(duplicate.events.values_list("text", flat=True)).lower()

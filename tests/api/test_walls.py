"""Walls against the insider (docs/product.md §3): the accused office is inside the system.

The attacks an insider ran against the portal, replayed through the real interfaces, and the
visibility matrix of notes: writer × level × reader × surface. Each cell of the matrix is checked
on the staff API detail, the staff page and, for the reporter, the tracking API and page.
"""

import json

import pytest
from channels.testing import WebsocketCommunicator

from complaints import access
from complaints.models import Complaint, Event, Status, Visibility
from complaints.services import (
    complaint_merge,
    complaint_reassign,
    complaint_staff_message,
    complaint_staff_transition,
)
from routing.models import Opd
from tests.api.staff import (
    PASSWORD,
    account,
    accounts_ensure,
    complaint_make,
    detail_url,
    page_url,
)

pytestmark = pytest.mark.django_db
TRACK = "/api/v1/track/"
TRACK_PAGE = "/pantau/"


def api_as(client, username: str):
    client.force_authenticate(user=account(username))
    return client


def page_as(client, username: str):
    client.force_login(account(username))
    return client


def staff_reads(client, username: str, reference: str) -> tuple[str, str]:
    """What ``username`` gets of a complaint: the API detail's text and the page's HTML."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user=account(username))
    detail = api.get(detail_url(reference))
    client.force_login(account(username))
    page = client.get(page_url(reference))
    return detail.content.decode(), page.content.decode()


def reporter_reads(client, receipt: str) -> tuple[str, str]:
    track = client.post(TRACK, {"receipt": receipt}, content_type="application/json")
    page = client.post(TRACK_PAGE, {"receipt": receipt})
    assert track.status_code == page.status_code == 200
    return track.content.decode(), page.content.decode()


# --- The visibility matrix ----------------------------------------------------------------------

# Who reads a note (R) or not (-), by who wrote it and at which level. The complaint is a parking
# pungli with Dinas Perhubungan (kepala-dishub handles it; the Inspektorat has its copy).
MATRIX = """
writer          level     | kepala-dishub inspektorat walikota koordinator admin reporter
kepala-dishub   reporter  | R             R           R        R           R     R
kepala-dishub   office    | R             R           R        -           R     -
inspektorat     reporter  | R             R           R        R           R     R
inspektorat     office    | -             R           R        -           R     -
inspektorat     oversight | -             R           R        -           R     -
admin           oversight | -             R           R        -           R     -
koordinator     office    | -             R           R        R           R     -
"""


def matrix_cells():
    header, *rows = [line for line in MATRIX.strip().splitlines()]
    readers = header.split("|")[1].split()
    for row in rows:
        left, right = row.split("|")
        writer, level = left.split()
        for reader, mark in zip(readers, right.split(), strict=True):
            yield writer, level, reader, mark == "R"


@pytest.fixture
def pungli(directory, client):
    accounts_ensure()
    return complaint_make("pungli")


@pytest.mark.parametrize(
    ("writer", "level", "reader", "reads"),
    list(matrix_cells()),
    ids=[f"{w}-{lv}-{r}" for w, lv, r, _ in matrix_cells()],
)
def test_visibility_matrix(pungli, client, writer, level, reader, reads):
    text = f"Catatan {writer} tingkat {level} nomor 5521"
    complaint_staff_message(user=account(writer), complaint=pungli, body=text, visibility=level)
    if reader == "reporter":
        surfaces = reporter_reads(client, pungli.receipt)
    else:
        surfaces = staff_reads(client, reader, pungli.reference)
    for surface in surfaces:
        assert (text in surface) is reads
    if reads and reader != "reporter" and level != Visibility.REPORTER:
        # The label says who may read it, wherever the note appears.
        label = str(Visibility(level).label)
        assert all(label in surface for surface in surfaces[1:])


def test_an_office_cannot_write_what_it_may_not_read(pungli):
    from complaints.exceptions import NotPermitted

    with pytest.raises(NotPermitted):
        complaint_staff_message(
            user=account("kepala-dishub"), complaint=pungli, body="x", visibility="oversight"
        )
    assert not pungli.events.filter(visibility=Visibility.OVERSIGHT).exists()


def test_an_oversight_note_through_the_api_is_refused_to_the_office(pungli, api_client):
    answer = api_as(api_client, "kepala-dishub").post(
        detail_url(pungli.reference, "messages"),
        {"body": "Catatan terlarang 9931.", "visibility": "oversight"},
        format="json",
    )
    assert answer.status_code == 403
    assert not Event.objects.filter(text__contains="9931").exists()


def test_the_websocket_of_the_reporter_carries_reporter_notes_only(pungli):
    """The reporter's live events are read from the same selector as the tracking page."""
    complaint_staff_message(
        user=account("inspektorat"),
        complaint=pungli,
        body="rahasia pengawas",
        visibility="oversight",
    )
    complaint_staff_message(
        user=account("kepala-dishub"),
        complaint=pungli,
        body="Sudah kami tegur.",
        visibility="reporter",
    )
    texts = [event.text for event in access.events_for_reporter(pungli)]
    assert "Sudah kami tegur." in texts and "rahasia pengawas" not in texts


# --- Finding 2: internal notes cross the walls ----------------------------------------------------


def test_the_inspektorats_notes_never_reach_the_accused_office(pungli, client):
    suspicion = "Kami curigai petugas parkir bernama S, kerabat kepala bidang."
    complaint_staff_message(
        user=account("inspektorat"), complaint=pungli, body=suspicion, visibility="oversight"
    )
    for surface in staff_reads(client, "kepala-dishub", pungli.reference):
        assert suspicion not in surface
    for surface in staff_reads(client, "inspektorat", pungli.reference):
        assert suspicion in surface


def test_a_reassignment_does_not_hand_the_notes_and_the_reason_to_the_next_office(pungli, client):
    note = "Catatan Dishub: petugas shift malam, nomor 7730."
    reason = "Ternyata lokasi milik pasar, alasan internal 6612."
    complaint_staff_message(
        user=account("kepala-dishub"), complaint=pungli, body=note, visibility="office"
    )
    complaint_reassign(
        user=account("koordinator"),
        complaint=pungli,
        opd=Opd.objects.get(code="DUKCAPIL"),
        reason=reason,
    )
    for surface in staff_reads(client, "kepala-dukcapil", pungli.reference):
        assert note not in surface and reason not in surface
    for surface in staff_reads(client, "inspektorat", pungli.reference):
        assert note in surface and reason in surface


def test_a_reroute_reason_stays_with_the_office_that_gave_it(pungli, api_client):
    from complaints.services import complaint_reroute_request

    complaint_reroute_request(
        user=account("kepala-dishub"),
        complaint=pungli,
        suggested_opd=Opd.objects.get(code="DUKCAPIL"),
        reason="Alasan rahasia 4410.",
    )
    detail = api_as(api_client, "kepala-dukcapil").get(detail_url(pungli.reference))
    assert detail.status_code == 404  # not its complaint yet
    desk = api_as(api_client, "koordinator").get(detail_url(pungli.reference)).json()
    assert [item["reason"] for item in desk["reroute_requests"]] == ["Alasan rahasia 4410."]


# --- When the head of an office is involved -------------------------------------------------------


def test_the_office_whose_head_is_involved_sees_nothing(directory, client, api_client):
    accounts_ensure()
    head = complaint_make("head")  # names the head of Dukcapil
    assert head.walled_opd.code == "DUKCAPIL"
    assert head.opd.code == "INSPEKTORAT"
    dukcapil = account("kepala-dukcapil")
    assert not access.complaints_visible_to(dukcapil).filter(pk=head.pk).exists()
    listed = api_as(api_client, "kepala-dukcapil").get("/api/v1/staff/complaints/").json()
    assert head.reference not in json.dumps(listed)
    assert api_client.get(detail_url(head.reference)).status_code == 404
    page_as(client, "kepala-dukcapil")
    assert client.get(page_url(head.reference)).status_code == 404
    assert head.reference not in client.get("/staf/").content.decode()
    assert access.opd_group("DUKCAPIL") not in access.complaint_staff_groups(head)


def test_the_walled_office_cannot_be_handed_the_complaint(directory):
    accounts_ensure()
    head = complaint_make("head")
    from complaints.exceptions import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        complaint_reassign(
            user=account("inspektorat"),
            complaint=head,
            opd=Opd.objects.get(code="DUKCAPIL"),
            reason="Coba dialihkan.",
        )
    assert refused.value.errors["opd"]
    head.refresh_from_db()
    assert head.opd.code == "INSPEKTORAT"


# --- Finding 3: least knowledge for the accused office --------------------------------------------


def test_the_office_sees_reporter_side_times_to_the_hour_and_no_photo_hashes(directory, api_client):
    accounts_ensure()
    complaint = complaint_make("pungli")
    from complaints.services import complaint_reporter_photos
    from tests.api.client import photo

    complaint_reporter_photos(complaint=complaint, photos=[photo()])
    office = api_as(api_client, "kepala-dishub").get(detail_url(complaint.reference)).json()
    assert on_the_hour(office["created_at"])
    reporter_side = [event for event in office["events"] if event["actor"] is None]
    assert reporter_side and all(on_the_hour(event["at"]) for event in reporter_side)
    assert all(item["sha256"] is None for item in office["evidence"])
    oversight = api_as(api_client, "inspektorat").get(detail_url(complaint.reference)).json()
    assert all(len(item["sha256"]) == 64 for item in oversight["evidence"])
    assert parse(oversight["created_at"]) == complaint.created_at
    # Deadlines end with a working day: counted from the submission, they tell only its day.
    assert parse(office["due_at"]).time().isoformat().startswith("23:59:59")


def parse(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


def on_the_hour(text: str) -> bool:
    at = parse(text)
    return (at.minute, at.second, at.microsecond) == (0, 0, 0)


def test_the_page_shows_no_photo_hash_to_the_office(directory, client):
    accounts_ensure()
    complaint = complaint_make("pungli")
    from complaints.services import complaint_reporter_photos
    from tests.api.client import photo

    complaint_reporter_photos(complaint=complaint, photos=[photo()])
    sha = complaint.evidence.get().sha256
    page_as(client, "kepala-dishub")
    assert sha[:16] not in client.get(page_url(complaint.reference)).content.decode()
    page_as(client, "inspektorat")
    assert sha[:16] in client.get(page_url(complaint.reference)).content.decode()


# --- Finding 1: merge takeover --------------------------------------------------------------------


@pytest.fixture
def merged(directory):
    """The real report, and an insider's look-alike merged into it by the coordinator."""
    accounts_ensure()
    original = complaint_make("pungli")
    complaint_staff_message(
        user=account("kepala-dishub"), complaint=original, body="Mohon kirim foto karcis."
    )
    from complaints.services import complaint_reporter_message

    complaint_reporter_message(
        complaint=original, body="Rahasia pelapor asli: saya pedagang no 12."
    )
    lookalike = complaint_make("pungli")
    complaint_merge(user=account("koordinator"), duplicate=lookalike, original=original)
    original.refresh_from_db()
    lookalike.refresh_from_db()
    return original, lookalike


def test_a_merged_receipt_never_reads_the_original_reporters_content(merged, client):
    original, lookalike = merged
    for surface in reporter_reads(client, lookalike.receipt):
        assert "Rahasia pelapor asli" not in surface
        assert original.reference not in surface
        assert "ditangani bersama" in surface.lower()
    track = client.post(TRACK, {"receipt": lookalike.receipt}, content_type="application/json")
    assert track.json()["reference"] == lookalike.reference


def test_the_office_reply_and_the_status_reach_both_reporters(merged, client):
    original, lookalike = merged
    officer = account("kepala-dishub")
    complaint_staff_transition(user=officer, complaint=original, target=Status.IN_PROGRESS)
    complaint_staff_message(user=officer, complaint=original, body="Jukir sudah ditertibkan.")
    for receipt in (original.receipt, lookalike.receipt):
        track = client.post(TRACK, {"receipt": receipt}, content_type="application/json").json()
        assert track["status"] == Status.IN_PROGRESS
        assert "Jukir sudah ditertibkan." in [event["text"] for event in track["events"]]


def test_a_merged_reporter_writes_into_their_own_complaint_only(merged, client):
    original, lookalike = merged
    posted = client.post(
        "/api/v1/track/messages/",
        {"receipt": lookalike.receipt, "body": "Pesan penyusup 8841."},
        content_type="application/json",
    )
    assert posted.status_code == 201
    assert not original.events.filter(text__contains="8841").exists()
    assert lookalike.events.filter(text__contains="8841").exists()


def test_no_reporter_can_close_anothers_complaint(merged, client):
    original, lookalike = merged
    officer = account("kepala-dishub")
    complaint_staff_transition(user=officer, complaint=original, target=Status.IN_PROGRESS)
    complaint_staff_transition(
        user=officer, complaint=original, target=Status.RESOLVED, message="Sudah ditindak."
    )
    lookalike.refresh_from_db()
    assert lookalike.status == Status.RESOLVED
    accepted = client.post(
        "/api/v1/track/decision/",
        {"receipt": lookalike.receipt, "accept": True, "ratings": {"waktu": 4}},
        content_type="application/json",
    )
    assert accepted.status_code == 200
    original.refresh_from_db()
    assert original.status == Status.RESOLVED  # the insider's accept closed only their own
    assert not original.ratings.exists()
    disputed = client.post(
        "/api/v1/track/decision/",
        {"receipt": original.receipt, "accept": False},
        content_type="application/json",
    )
    assert disputed.status_code == 200  # the real reporter's dispute is not refused
    original.refresh_from_db()
    assert original.status == Status.IN_PROGRESS


def test_a_disputing_merged_reporter_is_handled_on_their_own_again(merged, client):
    original, lookalike = merged
    officer = account("kepala-dishub")
    complaint_staff_transition(user=officer, complaint=original, target=Status.IN_PROGRESS)
    complaint_staff_transition(
        user=officer, complaint=original, target=Status.RESOLVED, message="Sudah ditindak."
    )
    answer = client.post(
        "/api/v1/track/decision/",
        {"receipt": lookalike.receipt, "accept": False},
        content_type="application/json",
    )
    assert answer.status_code == 200
    lookalike.refresh_from_db()
    original.refresh_from_db()
    assert (lookalike.status, lookalike.merged_into_id) == (Status.IN_PROGRESS, None)
    assert original.status == Status.RESOLVED


def test_staff_act_on_the_original_not_on_a_merged_duplicate(merged, api_client):
    _, lookalike = merged
    answer = api_as(api_client, "kepala-dishub").post(
        detail_url(lookalike.reference, "transition"), {"to": "in_progress"}, format="json"
    )
    assert answer.status_code == 409
    lookalike.refresh_from_db()
    assert lookalike.merged_into_id == merged[0].pk
    assert not lookalike.events.filter(actor__username="kepala-dishub").exists()


# --- The staff live channel of a walled office -------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_a_walled_office_socket_hears_nothing_of_the_complaint(directory):
    from asgiref.sync import sync_to_async
    from django.test import Client

    from config.asgi import application

    await sync_to_async(accounts_ensure)()
    client = Client()
    await sync_to_async(client.login)(username="kepala-dukcapil", password=PASSWORD)
    cookie = client.cookies["sessionid"].value
    socket = WebsocketCommunicator(
        application,
        "/ws/staff/",
        headers=[
            (b"origin", b"http://127.0.0.1"),
            (b"host", b"127.0.0.1"),
            (b"cookie", f"sessionid={cookie}".encode()),
        ],
    )
    connected, _ = await socket.connect(timeout=5)
    assert connected
    assert json.loads(await socket.receive_from(timeout=5))["type"] == "ready"
    head = await sync_to_async(complaint_make)("head")
    assert await socket.receive_nothing(timeout=0.5)
    assert await sync_to_async(Complaint.objects.filter(pk=head.pk).exists)()
    await socket.disconnect()

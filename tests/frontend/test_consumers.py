"""The websockets, driven through ``config.asgi.application`` (origin check, session auth, router).

``/ws/track/`` (docs/interface.md "Websocket"): the reporter sends ``{"type": "auth", "receipt",
"after"}`` first, gets ``ready``, the public events after ``after`` in order, then live events
exactly once and in order (gaps filled from the database, duplicates dropped), and never an
internal note, another complaint's event or a staff name. Protocol errors close the socket with
the documented codes.

``/ws/staff/``: session-authenticated, scoped like the staff API; messages place a complaint in
an inbox and carry no text at all; the dashboard gets counters only.

Tests with data commit for real (``transaction=True``) so that events are published after commit,
as in production; they run on the in-memory channel layer and, with ``REDIS_URL`` (``make
test-services``), on channels_redis. Every reporter group is per complaint; assertions on the
shared staff groups look for this test's references only, so a parallel run cannot disturb them.
"""

import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils import timezone

from complaints import events
from complaints.access import complaint_group
from complaints.models import Complaint, Event, Status
from complaints.receipts import receipt_new
from complaints.services import (
    complaint_reassign,
    complaint_staff_transition,
    complaint_transition,
    staff_account_ensure,
)
from complaints.workflow import Role
from config.asgi import application
from routing.models import Opd
from tests.api.staff import staff_write
from tests.factories import KK, PARKIR, complaint_kk, complaint_parkir

# Consumers read through database_sync_to_async even when a test has no data, hence the mark
# on every test; only the tests with complaints pay for loading the directory again.
pytestmark = pytest.mark.django_db(transaction=True)
with_data = pytest.mark.usefixtures("directory")


ORIGIN_HEADERS = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
PASSWORD = "kata-sandi-uji-5820"
WAIT = 5  # the longest a message that must come may take; receiving returns as soon as it does
QUIET = 0.2  # how long "nothing arrives" is watched

INTERNAL = "Catatan internal: jukir ini kerabat pejabat, rahasia 90417"
PUBLIC_REPLY = "Petugas kami sudah menegur juru parkir tersebut."


# --- Helpers -------------------------------------------------------------------------------------


class Socket:
    """A websocket client that keeps every raw text it received (to search it afterwards)."""

    def __init__(self, path: str, headers=ORIGIN_HEADERS):
        self.communicator = WebsocketCommunicator(application, path, headers=headers)
        self.received: list[str] = []

    async def connect(self) -> bool:
        connected, _code = await self.communicator.connect(timeout=WAIT)
        return connected

    async def send(self, message) -> None:
        await self.communicator.send_json_to(message)

    async def receive(self) -> dict:
        raw = await self.communicator.receive_from(timeout=WAIT)
        self.received.append(raw)
        return json.loads(raw)

    async def receive_until(self, found, limit: int = 20) -> list[dict]:
        """Messages up to and including the first for which ``found(message)`` holds."""
        messages = []
        for _ in range(limit):
            messages.append(await self.receive())
            if found(messages[-1]):
                return messages
        raise AssertionError(f"not among the first {limit} messages: {messages}")

    async def nothing(self) -> bool:
        return await self.communicator.receive_nothing(timeout=QUIET)

    async def close_code(self) -> int:
        """The code of the close the server sends next (nothing else may come before it)."""
        output = await self.communicator.receive_output(timeout=WAIT)
        assert output["type"] == "websocket.close", output
        return output.get("code", 1000)

    async def disconnect(self) -> None:
        await self.communicator.disconnect()

    def text(self) -> str:
        return "\n".join(self.received)


@pytest.fixture
async def sockets():
    """Open sockets through ``open(path)``; every one is disconnected at the end of the test."""
    opened: list[Socket] = []

    def open_socket(path: str = "/ws/track/", headers=ORIGIN_HEADERS) -> Socket:
        opened.append(Socket(path, headers))
        return opened[-1]

    yield open_socket
    for socket in opened:
        await socket.disconnect()


def opd(code: str) -> Opd:
    return Opd.objects.get(code=code)


def submit_parkir() -> tuple:
    """A pungli complaint routed to DISHUB (with an Inspektorat oversight copy)."""
    complaint, receipt = complaint_parkir()
    assert complaint.status == Status.ASSIGNED and complaint.opd.code == "DISHUB"
    return complaint, receipt


def submit_kk() -> tuple:
    """A delay complaint routed to DUKCAPIL only, not overdue."""
    complaint, receipt = complaint_kk()
    assert complaint.opd.code == "DUKCAPIL" and not complaint.oversight.exists()
    assert complaint.due_at > timezone.now()
    return complaint, receipt


def staff(username: str, role: str, opd_code: str | None = None):
    return staff_account_ensure(
        username=username, password=PASSWORD, role=role, opd=opd(opd_code) if opd_code else None
    )


def session_cookie(username: str) -> bytes:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


def public_payloads(complaint, after: int = 0) -> list[dict]:
    """What the reporter must be shown: the public events after ``after``, as the contract says."""
    rows = Event.objects.filter(complaint=complaint, seq__gt=after).order_by("seq")
    rows = [row for row in rows if row.public]
    return [
        {
            "type": "event",
            "seq": row.seq,
            "kind": row.kind,
            "status": row.status,
            "text": row.text,
            "at": row.created_at.isoformat(),
        }
        for row in rows
    ]


def event_texts(*complaints) -> list[str]:
    return [
        text
        for text in Event.objects.filter(complaint__in=complaints).values_list("text", flat=True)
        if text
    ]


def internal_note(complaint, text: str) -> Event:
    """An internal note from the desk (the koordinator), which may write on every complaint."""
    desk = staff("koordinator", "koordinator")
    with transaction.atomic():
        return staff_write(desk, complaint, text, internal=True)


db = database_sync_to_async


async def tracking(sockets, receipt: str, reference: str, after: int = 0) -> Socket:
    """A reporter's socket past ``ready`` (the replay still to be read)."""
    socket = sockets()
    assert await socket.connect()
    await socket.send({"type": "auth", "receipt": receipt, "after": after})
    assert await socket.receive() == {"type": "ready", "reference": reference}
    return socket


# --- Reporter: authentication and replay ---------------------------------------------------------


@with_data
async def test_auth_sends_ready_then_every_public_event_in_order(sockets):
    complaint, receipt = await db(submit_parkir)()
    head = await db(staff)("kepala-dishub", "opd", "DISHUB")
    await db(staff_write)(head, complaint, PUBLIC_REPLY, internal=False)
    await db(internal_note)(complaint, INTERNAL)
    await db(complaint_staff_transition)(user=head, complaint=complaint, target=Status.IN_PROGRESS)
    expected = await db(public_payloads)(complaint)
    assert [payload["seq"] for payload in expected] == [1, 2, 3, 5]  # 4 is the internal note

    socket = await tracking(sockets, receipt, complaint.reference)

    assert [await socket.receive() for _ in expected] == expected
    assert await socket.nothing()
    assert INTERNAL not in socket.text()


@with_data
async def test_after_replays_only_the_later_events(sockets):
    complaint, receipt = await db(submit_parkir)()
    head = await db(staff)("kepala-dishub", "opd", "DISHUB")
    await db(staff_write)(head, complaint, PUBLIC_REPLY, internal=False)
    await db(complaint_staff_transition)(user=head, complaint=complaint, target=Status.IN_PROGRESS)
    expected = await db(public_payloads)(complaint, after=2)
    assert [payload["seq"] for payload in expected] == [3, 4]

    socket = await tracking(sockets, receipt, complaint.reference, after=2)

    assert [await socket.receive() for _ in expected] == expected
    assert await socket.nothing()


@with_data
async def test_receipts_are_accepted_as_typed_with_spaces(sockets):
    complaint, receipt = await db(submit_parkir)()
    grouped = " ".join(receipt[i : i + 4] for i in range(0, 16, 4))

    socket = await tracking(sockets, grouped, complaint.reference)

    assert (await socket.receive())["seq"] == 1


@with_data
async def test_a_wrong_receipt_is_closed_4403(sockets):
    await db(submit_parkir)()  # a complaint exists, but not for this receipt
    socket = sockets()
    assert await socket.connect()

    await socket.send({"type": "auth", "receipt": receipt_new(), "after": 0})

    assert await socket.close_code() == 4403


@pytest.mark.parametrize(
    ("message", "code"),
    [
        # A string that cannot be a receipt gets the same answer as a wrong one.
        ({"type": "auth", "receipt": "12345", "after": 0}, 4403),
        ({"type": "auth", "receipt": "abcdefghijklmnop", "after": 0}, 4403),
        # Not the protocol at all.
        ({"type": "auth", "receipt": 1234567890123456, "after": 0}, 4400),
        ({"type": "auth", "after": 0}, 4400),
    ],
)
async def test_an_unusable_receipt_is_refused(sockets, message, code):
    socket = sockets()
    assert await socket.connect()

    await socket.send(message)

    assert await socket.close_code() == code


@with_data
@pytest.mark.parametrize("after", [-1, "3", 2.5, None])
async def test_a_bad_after_is_closed_4400(sockets, after):
    _complaint, receipt = await db(submit_parkir)()
    socket = sockets()
    assert await socket.connect()

    await socket.send({"type": "auth", "receipt": receipt, "after": after})

    assert await socket.close_code() == 4400


# --- Reporter: protocol errors -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '"auth"', "null", " "])
async def test_malformed_json_is_closed_4400(sockets, text):
    socket = sockets()
    assert await socket.connect()

    await socket.communicator.send_to(text_data=text)

    assert await socket.close_code() == 4400


@with_data
@pytest.mark.parametrize(
    "padding",
    ["x" * 1100, "é" * 600],  # 1,100 bytes of ASCII; 600 characters that are 1,200 bytes in UTF-8
)
async def test_a_message_over_1_kb_is_closed_1009(sockets, padding):
    _complaint, receipt = await db(submit_parkir)()
    socket = sockets()
    assert await socket.connect()
    text = json.dumps(
        {"type": "auth", "receipt": receipt, "after": 0, "pad": padding}, ensure_ascii=False
    )
    assert len(text.encode()) > 1024

    await socket.communicator.send_to(text_data=text)

    assert await socket.close_code() == 1009


@with_data
async def test_a_message_of_exactly_1_kb_is_read(sockets):
    complaint, receipt = await db(submit_parkir)()
    socket = sockets()
    assert await socket.connect()
    message = {"type": "auth", "receipt": receipt, "after": 0, "pad": ""}
    message["pad"] = "x" * (1024 - len(json.dumps(message)))
    assert len(json.dumps(message).encode()) == 1024

    await socket.send(message)

    assert await socket.receive() == {"type": "ready", "reference": complaint.reference}


@with_data
async def test_a_binary_frame_is_closed(sockets):
    _complaint, receipt = await db(submit_parkir)()
    socket = sockets()
    assert await socket.connect()

    await socket.communicator.send_to(
        bytes_data=json.dumps({"type": "auth", "receipt": receipt, "after": 0}).encode()
    )

    assert await socket.close_code() >= 1000  # closed, and nothing was sent before the close


@pytest.mark.parametrize("message", [{"type": "subscribe", "reference": "BKL-26-AAAAAA"}, {}])
async def test_a_first_message_that_is_not_auth_is_closed_4400(sockets, message):
    socket = sockets()
    assert await socket.connect()

    await socket.send(message)

    assert await socket.close_code() == 4400


@with_data
async def test_a_second_auth_is_closed_4400(sockets):
    complaint, receipt = await db(submit_parkir)()
    other, other_receipt = await db(submit_kk)()
    socket = await tracking(sockets, receipt, complaint.reference)
    await socket.receive_until(lambda message: message["seq"] == 2)

    await socket.send({"type": "auth", "receipt": other_receipt, "after": 0})

    assert await socket.close_code() == 4400
    assert other.reference not in socket.text()


@with_data
async def test_ping_is_answered_pong_before_and_after_auth(sockets):
    complaint, receipt = await db(submit_parkir)()
    socket = sockets()
    assert await socket.connect()

    await socket.send({"type": "ping"})
    assert await socket.receive() == {"type": "pong"}

    await socket.send({"type": "auth", "receipt": receipt, "after": 2})
    assert await socket.receive() == {"type": "ready", "reference": complaint.reference}
    await socket.send({"type": "ping"})
    assert await socket.receive() == {"type": "pong"}


async def test_no_auth_within_the_timeout_is_closed_4408(sockets, settings):
    settings.PORTAL_WS_AUTH_TIMEOUT = 0.3
    socket = sockets()
    assert await socket.connect()

    assert await socket.close_code() == 4408


@with_data
async def test_an_authenticated_socket_outlives_the_auth_timeout(sockets, settings):
    settings.PORTAL_WS_AUTH_TIMEOUT = 0.1
    complaint, receipt = await db(submit_parkir)()
    socket = await tracking(sockets, receipt, complaint.reference, after=2)

    assert await socket.nothing()  # twice the timeout, and still open
    await socket.send({"type": "ping"})
    assert await socket.receive() == {"type": "pong"}


FOREIGN_ORIGINS = [
    [(b"host", b"127.0.0.1")],  # no Origin header
    [(b"origin", b"https://evil.example"), (b"host", b"127.0.0.1")],
    [(b"origin", b"http://127.0.0.1.evil.example"), (b"host", b"127.0.0.1")],
]
ORIGIN_IDS = ["no-origin", "foreign-origin", "lookalike-origin"]


@pytest.mark.parametrize("headers", FOREIGN_ORIGINS, ids=ORIGIN_IDS)
async def test_a_reporter_socket_from_another_origin_is_rejected(sockets, headers):
    socket = sockets("/ws/track/", headers)

    assert not await socket.connect()


@with_data
@pytest.mark.parametrize("headers", FOREIGN_ORIGINS, ids=ORIGIN_IDS)
async def test_a_staff_socket_from_another_origin_is_rejected_even_with_a_session(sockets, headers):
    await db(staff)("kepala-dishub", "opd", "DISHUB")
    cookie = await db(session_cookie)("kepala-dishub")
    assert await sockets("/ws/staff/", [*ORIGIN_HEADERS, (b"cookie", cookie)]).connect()

    socket = sockets("/ws/staff/", [*headers, (b"cookie", cookie)])

    assert not await socket.connect()


# --- Reporter: live events -----------------------------------------------------------------------


@with_data
async def test_a_committed_transition_arrives_live(sockets):
    complaint, receipt = await db(submit_parkir)()
    head = await db(staff)("kepala-dishub", "opd", "DISHUB")
    socket = await tracking(sockets, receipt, complaint.reference, after=2)
    assert await socket.nothing()

    await db(complaint_staff_transition)(
        user=head,
        complaint=complaint,
        target=Status.NEEDS_INFO,
        message="Mohon sebutkan jam kejadian.",
    )

    message = await socket.receive()
    assert message == (await db(public_payloads)(complaint, after=2))[0]
    assert (message["seq"], message["kind"], message["status"]) == (3, "status", "needs_info")
    assert message["text"] == "Mohon sebutkan jam kejadian."
    assert await socket.nothing()
    assert "kepala-dishub" not in socket.text()


@with_data
async def test_another_complaints_event_never_arrives(sockets):
    complaint, receipt = await db(submit_parkir)()
    other, _other_receipt = await db(submit_kk)()
    socket = await tracking(sockets, receipt, complaint.reference, after=2)

    await db(complaint_transition)(complaint=other, target=Status.IN_PROGRESS, role=Role.OPD)
    assert await socket.nothing()
    await db(complaint_transition)(complaint=complaint, target=Status.IN_PROGRESS, role=Role.OPD)

    assert (await socket.receive())["seq"] == 3  # the next message is this complaint's own
    assert other.reference not in socket.text() and KK not in socket.text()


@with_data
async def test_internal_notes_never_reach_the_reporter(sockets):
    complaint, receipt = await db(submit_parkir)()
    head = await db(staff)("kepala-dishub", "opd", "DISHUB")
    socket = await tracking(sockets, receipt, complaint.reference, after=2)

    await db(staff_write)(head, complaint, INTERNAL, internal=True)
    await db(internal_note)(complaint, INTERNAL + " (kedua)")
    assert await socket.nothing()
    await db(staff_write)(head, complaint, PUBLIC_REPLY, internal=False)

    message = await socket.receive()
    assert (message["seq"], message["kind"], message["text"]) == (5, "message", PUBLIC_REPLY)
    assert await socket.nothing()
    assert INTERNAL not in socket.text()
    assert "kepala-dishub" not in socket.text()


@with_data
async def test_a_gap_is_filled_from_the_database_in_order(sockets, monkeypatch):
    complaint, receipt = await db(submit_parkir)()
    head = await db(staff)("kepala-dishub", "opd", "DISHUB")
    socket = await tracking(sockets, receipt, complaint.reference)
    await socket.receive_until(lambda message: message["seq"] == 2)  # the socket is at k = 2
    with monkeypatch.context() as lost:  # two events are committed but their pushes are lost
        lost.setattr(events, "publish_on_commit", lambda event, **kwargs: None)
        for body in ("Balasan pertama.", "Balasan kedua."):
            await db(staff_write)(head, complaint, body, internal=False)
    assert await socket.nothing()
    expected = await db(public_payloads)(complaint, after=2)
    assert [payload["seq"] for payload in expected] == [3, 4]
    layer = get_channel_layer()
    group = complaint_group(complaint.pk)

    # Only k + 2 is pushed (as the outbox would): k + 1 comes first, from the database.
    await layer.group_send(group, {"type": events.EVENT_MESSAGE, "event": expected[1]})

    assert [await socket.receive(), await socket.receive()] == expected
    for payload in (expected[1], expected[0]):  # published again: already sent, so dropped
        await layer.group_send(group, {"type": events.EVENT_MESSAGE, "event": payload})
    assert await socket.nothing()


@with_data
async def test_a_replayed_event_pushed_again_is_not_sent_twice(sockets):
    complaint, receipt = await db(submit_parkir)()
    socket = await tracking(sockets, receipt, complaint.reference)
    replayed = await socket.receive_until(lambda message: message["seq"] == 2)
    layer = get_channel_layer()

    await layer.group_send(
        complaint_group(complaint.pk), {"type": events.EVENT_MESSAGE, "event": replayed[-1]}
    )

    assert await socket.nothing()


@with_data
async def test_the_reporter_sees_dialihkan_on_a_reassignment_and_not_the_reason(sockets):
    complaint, receipt = await db(submit_parkir)()
    coordinator = await db(staff)("koordinator", "koordinator")
    dlh = await db(opd)("DLH")
    socket = await tracking(sockets, receipt, complaint.reference, after=2)

    await db(complaint_reassign)(user=coordinator, complaint=complaint, opd=dlh, reason=INTERNAL)

    message = await socket.receive()
    assert (message["seq"], message["kind"]) == (4, "reassigned")  # 3 is the internal reason
    assert message["text"] == f"Dialihkan ke {dlh.name}"
    assert message["status"] == Status.ASSIGNED
    assert await socket.nothing()
    assert INTERNAL not in socket.text() and "koordinator" not in socket.text()


# --- Staff ---------------------------------------------------------------------------------------


async def staff_socket(sockets, username: str) -> Socket:
    cookie = await db(session_cookie)(username)
    socket = sockets("/ws/staff/", [*ORIGIN_HEADERS, (b"cookie", cookie)])
    assert await socket.connect()
    ready = await socket.receive()
    assert ready["type"] == "ready"
    return socket


def about(reference: str):
    return lambda message: message["type"] == "complaint" and message["reference"] == reference


def references(messages: list[dict]) -> set[str]:
    return {message["reference"] for message in messages if message["type"] == "complaint"}


async def test_an_anonymous_staff_socket_is_rejected(sockets):
    socket = sockets("/ws/staff/")

    assert not await socket.connect()


@with_data
async def test_a_forged_session_cookie_is_rejected(sockets):
    socket = sockets("/ws/staff/", [*ORIGIN_HEADERS, (b"cookie", b"sessionid=forged0123456789")])

    assert not await socket.connect()


@with_data
async def test_an_opd_head_gets_its_own_complaints_only(sockets):
    dishub_complaint, _ = await db(submit_parkir)()
    dukcapil_complaint, _ = await db(submit_kk)()
    head = await db(staff)("kepala-dishub", "opd", "DISHUB")
    socket = await staff_socket(sockets, "kepala-dishub")

    await db(complaint_transition)(
        complaint=dukcapil_complaint, target=Status.IN_PROGRESS, role=Role.OPD
    )
    assert await socket.nothing()
    await db(complaint_staff_transition)(
        user=head, complaint=dishub_complaint, target=Status.IN_PROGRESS
    )

    messages = await socket.receive_until(about(dishub_complaint.reference))
    assert dukcapil_complaint.reference not in references(messages)
    message = messages[-1]
    assert message["status"] == Status.IN_PROGRESS
    assert message["opd"] == "DISHUB" and message["category"] == "pungli"
    assert message["seq"] == 3
    assert not any(text in socket.text() for text in await db(event_texts)(dishub_complaint))
    assert PARKIR not in socket.text() and "kepala-dishub" not in socket.text()


@with_data
async def test_staff_messages_carry_no_text(sockets):
    complaint, _ = await db(submit_parkir)()
    head = await db(staff)("kepala-dishub", "opd", "DISHUB")
    await db(staff)("walikota", "walikota")
    sockets_ = [await staff_socket(sockets, name) for name in ("kepala-dishub", "walikota")]

    await db(staff_write)(head, complaint, INTERNAL, internal=True)
    await db(staff_write)(head, complaint, PUBLIC_REPLY, internal=False)
    for target in (Status.IN_PROGRESS, Status.RESOLVED):
        await db(complaint_staff_transition)(
            user=head, complaint=complaint, target=target, message="Jukir sudah ditindak."
        )

    texts = [PARKIR, *await db(event_texts)(complaint), "kepala-dishub"]
    assert INTERNAL in texts and PUBLIC_REPLY in texts and "Jukir sudah ditindak." in texts
    # The office's note (seq 3) is for the office and oversight, not the desk's channel.
    for socket, seqs in zip(sockets_, ([3, 4, 5, 6], [4, 5, 6]), strict=True):
        messages = await socket.receive_until(
            lambda message: about(complaint.reference)(message) and message["seq"] == 6
        )
        assert [m["seq"] for m in messages if about(complaint.reference)(m)] == seqs
        assert not any(text in socket.text() for text in texts)


@with_data
async def test_the_opd_that_loses_a_complaint_is_told_it_left(sockets):
    complaint, _ = await db(submit_parkir)()
    coordinator = await db(staff)("koordinator", "koordinator")
    await db(staff)("kepala-dishub", "opd", "DISHUB")
    await db(staff)("kepala-dlh", "opd", "DLH")
    dishub = await staff_socket(sockets, "kepala-dishub")
    dlh = await staff_socket(sockets, "kepala-dlh")

    await db(complaint_reassign)(
        user=coordinator, complaint=complaint, opd=await db(opd)("DLH"), reason=INTERNAL
    )

    left = (await dishub.receive_until(about(complaint.reference)))[-1]
    assert left["left"] is True and left["opd"] == "DLH" and left["kind"] == "reassigned"
    arrived = await dlh.receive_until(
        lambda message: about(complaint.reference)(message) and message["kind"] == "reassigned"
    )
    assert not any(message.get("left") for message in arrived)
    for socket in (dishub, dlh):
        assert INTERNAL not in socket.text() and "koordinator" not in socket.text()


@with_data
async def test_the_inspektorat_gets_pungli_of_any_opd_and_not_an_ordinary_delay(sockets):
    pungli, _ = await db(submit_parkir)()
    # Without its oversight copy, so that only the Inspektorat's own channel can carry it.
    await db(pungli.oversight.clear)()
    delay, _ = await db(submit_kk)()
    await db(staff)("inspektorat", "inspektorat", "INSPEKTORAT")
    socket = await staff_socket(sockets, "inspektorat")

    await db(complaint_transition)(complaint=delay, target=Status.IN_PROGRESS, role=Role.OPD)
    await db(complaint_transition)(complaint=pungli, target=Status.IN_PROGRESS, role=Role.OPD)

    messages = await socket.receive_until(about(pungli.reference))
    assert delay.reference not in references(messages)
    assert messages[-1]["category"] == "pungli" and messages[-1]["opd"] == "DISHUB"
    assert PARKIR not in socket.text() and KK not in socket.text()


@with_data
async def test_the_inspektorat_gets_an_overdue_complaint_of_any_opd(sockets):
    delay, _ = await db(submit_kk)()
    await db(staff)("inspektorat", "inspektorat", "INSPEKTORAT")
    socket = await staff_socket(sockets, "inspektorat")

    def overdue_note():
        Complaint.objects.filter(pk=delay.pk).update(due_at=timezone.now() - timedelta(hours=1))
        internal_note(delay, INTERNAL)

    await db(overdue_note)()

    message = (await socket.receive_until(about(delay.reference)))[-1]
    assert message["overdue"] is True and message["opd"] == "DUKCAPIL"
    assert INTERNAL not in socket.text()


@with_data
async def test_the_mayors_office_gets_counters_with_numbers_only(sockets):
    complaint, _ = await db(submit_parkir)()
    await db(staff)("walikota", "walikota")
    socket = await staff_socket(sockets, "walikota")

    await db(complaint_transition)(complaint=complaint, target=Status.IN_PROGRESS, role=Role.OPD)

    messages = await socket.receive_until(lambda message: message["type"] == "counters")
    counters = {key: value for key, value in messages[-1].items() if key != "type"}
    assert counters
    assert all(type(value) is int and value >= 0 for value in counters.values()), counters
    assert counters["open"] >= 1
    assert complaint.reference not in json.dumps(messages[-1])


@with_data
async def test_an_opd_head_gets_no_counters(sockets):
    complaint, _ = await db(submit_parkir)()
    head = await db(staff)("kepala-dishub", "opd", "DISHUB")
    socket = await staff_socket(sockets, "kepala-dishub")

    await db(complaint_staff_transition)(user=head, complaint=complaint, target=Status.IN_PROGRESS)

    await socket.receive_until(about(complaint.reference))
    assert await socket.nothing()
    assert '"counters"' not in socket.text()


@with_data
async def test_a_staff_socket_answers_ping_and_closes_on_anything_else(sockets):
    await db(staff)("kepala-dishub", "opd", "DISHUB")
    socket = await staff_socket(sockets, "kepala-dishub")

    await socket.send({"type": "ping"})
    assert await socket.receive() == {"type": "pong"}
    await socket.send({"type": "auth", "receipt": "1234567890123456"})
    assert await socket.close_code() == 4400

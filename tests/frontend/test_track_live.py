"""The reporter socket's ``state`` message (docs/interface.md "Websocket"), through
``config.asgi.application``.

A client that sends ``"state": true`` with its auth gets, after the replay, what the reporter
may do now (``can_reply``, ``asked``, ``can_decide``, ``can_withdraw``, ``withdrawn``), the
current deadline and the case box rendered from the page's own partial in the page's language;
then a new ``state`` after every event that changed any of it, and none after an event that
changed nothing. A client that does not ask gets exactly the stream it got before.
"""

from datetime import datetime

import pytest
from django.utils import timezone

from complaints.models import Complaint, Status
from complaints.services import complaint_staff_transition
from frontend.templatetags.portal import wib
from tests.api.staff import staff_write
from tests.frontend.test_consumers import (
    INTERNAL,
    PUBLIC_REPLY,
    Socket,
    db,
    internal_note,
    staff,
    submit_parkir,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("directory")]


@pytest.fixture
async def sockets():
    """Reporter sockets opened through ``sockets()``, all disconnected at the end of the test."""
    opened: list[Socket] = []

    def open_socket() -> Socket:
        opened.append(Socket("/ws/track/"))
        return opened[-1]

    yield open_socket
    for socket in opened:
        await socket.disconnect()


async def tracking_with_state(sockets, receipt: str, **auth) -> tuple:
    """A socket past ``ready`` and the replay; ``(socket, the state that follows the replay)``."""
    socket = sockets()
    assert await socket.connect()
    await socket.send({"type": "auth", "receipt": receipt, "after": 0, "state": True, **auth})
    messages = await socket.receive_until(lambda message: message["type"] == "state")
    kinds = [message["type"] for message in messages]
    assert kinds == ["ready", *["event"] * (len(kinds) - 2), "state"], kinds
    return socket, messages[-1]


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def move(complaint: Complaint, target: str, message: str = "") -> None:
    head = staff("kepala-dishub", "opd", "DISHUB")
    complaint_staff_transition(
        user=head, complaint=fresh(complaint), target=target, message=message
    )


async def test_the_state_follows_the_replay_with_the_forms_and_the_deadline(sockets):
    complaint, receipt = await db(submit_parkir)()

    _socket, state = await tracking_with_state(sockets, receipt)

    assert state["status"] == Status.ASSIGNED
    assert (state["can_reply"], state["asked"], state["can_decide"]) == (True, False, False)
    assert (state["can_withdraw"], state["withdrawn"]) == (True, False)
    assert datetime.fromisoformat(state["due_at"]) == complaint.due_at
    assert complaint.reference in state["case"]
    assert f'datetime="{timezone.localtime(complaint.due_at).isoformat()}"' in state["case"]
    assert "Nomor referensi" in state["case"]  # Indonesian unless the page is in English


async def test_a_question_sends_the_event_then_the_answer_form_and_the_new_deadline(sockets):
    complaint, receipt = await db(submit_parkir)()
    socket, before = await tracking_with_state(sockets, receipt)

    await db(move)(complaint, Status.NEEDS_INFO, "Mohon sebutkan jam kejadian.")

    event = await socket.receive()
    assert (event["type"], event["seq"], event["status"]) == ("event", 3, Status.NEEDS_INFO)
    state = await socket.receive()
    asked = await db(fresh)(complaint)
    assert state["type"] == "state" and state["status"] == Status.NEEDS_INFO
    assert (state["can_reply"], state["asked"], state["can_decide"]) == (True, True, False)
    # Asked after the first response: the deadline is now the resolution's.
    assert asked.due_at == asked.resolve_due_at != complaint.due_at
    assert datetime.fromisoformat(state["due_at"]) == asked.due_at
    assert state["due_at"] != before["due_at"]
    assert wib(asked.due_at) in state["case"] and "status-needs_info" in state["case"]
    assert await socket.nothing()


async def test_a_first_reply_moves_the_deadline_and_a_second_changes_nothing(sockets):
    complaint, receipt = await db(submit_parkir)()
    socket, before = await tracking_with_state(sockets, receipt)
    head = await db(staff)("kepala-dishub", "opd", "DISHUB")

    # The office's first public reply is its first response: the resolution deadline follows.
    await db(staff_write)(head, complaint, PUBLIC_REPLY, internal=False)

    event = await socket.receive()
    assert (event["type"], event["kind"], event["text"]) == ("event", "message", PUBLIC_REPLY)
    state = await socket.receive()
    answered = await db(fresh)(complaint)
    assert state["type"] == "state" and state["due_at"] != before["due_at"]
    assert datetime.fromisoformat(state["due_at"]) == answered.resolve_due_at

    await db(staff_write)(head, complaint, PUBLIC_REPLY + " (lanjutan)", internal=False)

    assert (await socket.receive())["kind"] == "message"
    assert await socket.nothing()


async def test_a_resolution_closes_the_answer_and_opens_the_decision(sockets):
    complaint, receipt = await db(submit_parkir)()
    await db(move)(complaint, Status.IN_PROGRESS)
    socket, state = await tracking_with_state(sockets, receipt)
    assert state["can_reply"] and not state["can_decide"]

    await db(move)(complaint, Status.RESOLVED, "Juru parkir sudah ditertibkan.")

    assert (await socket.receive())["status"] == Status.RESOLVED
    state = await socket.receive()
    resolved = await db(fresh)(complaint)
    assert state["type"] == "state"
    assert (state["can_reply"], state["asked"], state["can_decide"]) == (False, False, True)
    assert state["due_at"] is None
    # The reporter's own window: accept or dispute by the day it closes by itself.
    assert wib(resolved.auto_close_at) in state["case"]


async def test_the_case_box_is_rendered_in_the_pages_language(sockets):
    complaint, receipt = await db(submit_parkir)()

    _english, state_en = await tracking_with_state(sockets, receipt, lang="en")
    _unknown, state_xx = await tracking_with_state(sockets, receipt, lang="xx")

    assert "Reference" in state_en["case"] and "Nomor referensi" not in state_en["case"]
    assert "Nomor referensi" in state_xx["case"]  # a language the site does not speak: Indonesian


async def test_the_state_carries_nothing_staff_keep_to_themselves(sockets):
    complaint, receipt = await db(submit_parkir)()
    socket, _state = await tracking_with_state(sockets, receipt)

    await db(internal_note)(complaint, INTERNAL)
    await db(move)(complaint, Status.NEEDS_INFO, "Mohon sebutkan jam kejadian.")

    await socket.receive_until(lambda message: message["type"] == "state")
    assert INTERNAL not in socket.text()
    assert "kepala-dishub" not in socket.text() and "koordinator" not in socket.text()


async def test_without_asking_the_stream_is_events_only(sockets):
    complaint, receipt = await db(submit_parkir)()
    socket = sockets()
    assert await socket.connect()
    await socket.send({"type": "auth", "receipt": receipt, "after": 0})
    messages = [await socket.receive() for _ in range(3)]
    assert [message["type"] for message in messages] == ["ready", "event", "event"]

    await db(move)(complaint, Status.NEEDS_INFO, "Mohon sebutkan jam kejadian.")

    assert (await socket.receive())["type"] == "event"
    assert await socket.nothing()
    assert '"state"' not in socket.text()


async def test_a_ping_that_catches_up_a_lost_push_also_sends_the_state(sockets, monkeypatch):
    from complaints import events

    complaint, receipt = await db(submit_parkir)()
    socket, _state = await tracking_with_state(sockets, receipt)
    with monkeypatch.context() as lost:  # committed, but the push never reaches the socket
        lost.setattr(events, "publish_on_commit", lambda event, **kwargs: None)
        await db(move)(complaint, Status.NEEDS_INFO, "Mohon sebutkan jam kejadian.")
    assert await socket.nothing()

    await socket.send({"type": "ping"})

    messages = await socket.receive_until(lambda message: message["type"] == "pong")
    assert [message["type"] for message in messages] == ["event", "state", "pong"]
    assert messages[1]["asked"] is True


@pytest.mark.parametrize(
    "extra",
    [{"state": "yes"}, {"state": 1}, {"state": None}, {"lang": 5}, {"lang": ["en"]}],
)
async def test_a_bad_state_or_lang_is_closed_4400(sockets, extra):
    _complaint, receipt = await db(submit_parkir)()
    socket = sockets()
    assert await socket.connect()

    await socket.send({"type": "auth", "receipt": receipt, "after": 0, **extra})

    assert await socket.close_code() == 4400

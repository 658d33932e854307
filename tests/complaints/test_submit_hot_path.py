"""The submission path's cheap savings keep what it does: every message of an event goes to the
channel layer in one hand-over to the event loop, in the order the groups expect, and a new
complaint's oversight copies are added without reading the (empty) set first — with or without
copies to add."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import events
from complaints.access import complaint_group
from complaints.models import Event
from tests.factories import complaint_kk, complaint_parkir

pytestmark = pytest.mark.usefixtures("directory")


class RecordingLayer:
    def __init__(self):
        self.sent: list[tuple[str, dict]] = []

    async def group_send(self, group, message):
        self.sent.append((group, message))


@pytest.fixture
def layer(monkeypatch) -> RecordingLayer:
    recording = RecordingLayer()
    monkeypatch.setattr(events, "get_channel_layer", lambda: recording)
    return recording


@pytest.fixture
def hand_overs(monkeypatch) -> list:
    """Each hand-over from complaints.events to the event loop (a call of an ``async_to_sync``
    wrapper), by the coroutine function it ran."""
    calls = []
    real = events.async_to_sync

    def counting(function):
        wrapper = real(function)

        def call(*args, **kwargs):
            calls.append(function)
            return wrapper(*args, **kwargs)

        return call

    monkeypatch.setattr(events, "async_to_sync", counting)
    return calls


@pytest.mark.django_db(transaction=True)
def test_a_submission_publishes_each_event_in_one_hand_over(layer, hand_overs):
    complaint, _receipt = complaint_parkir()

    published = Event.objects.filter(complaint=complaint, published_at__isnull=False).count()
    assert published == 2  # received, assigned
    assert len(hand_overs) == 2  # one per event, not one per message
    to_reporter = [m["event"]["seq"] for g, m in layer.sent if g == complaint_group(complaint.id)]
    assert to_reporter == [1, 2]
    staff = {group for group, message in layer.sent if message["type"] == events.STAFF_MESSAGE}
    assert {"staff.opd.DISHUB", "staff.opd.INSPEKTORAT"} <= staff


@pytest.mark.django_db
def test_oversight_copies_are_added_to_a_new_complaint():
    complaint, _receipt = complaint_parkir()
    assert list(complaint.oversight.values_list("code", flat=True)) == ["INSPEKTORAT"]

    plain, _receipt = complaint_kk()
    assert not plain.oversight.exists()


@pytest.mark.django_db
def test_no_oversight_query_when_the_decision_names_none():
    with CaptureQueriesContext(connection) as queries:
        plain, _receipt = complaint_kk()
    oversight = [q["sql"] for q in queries if "complaints_complaint_oversight" in q["sql"]]
    assert oversight == []
    assert not plain.oversight.exists()

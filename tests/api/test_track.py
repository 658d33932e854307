"""``POST /api/v1/track/``: the receipt opens the reporter's own case, and nothing else does.

The receipt travels only in the request body and is never echoed; internal notes stay internal;
every wrong receipt gets exactly the same 404.
"""

import re
from datetime import datetime

import pytest

import api.urls
from complaints.models import Complaint, Event, Visibility
from complaints.services import complaint_transition, event_append
from complaints.workflow import Role
from tests.api.client import PARKIR_STORY, TRACK_URL, assert_not_english, complaint_post, track_post
from tests.factories import page_client

pytestmark = pytest.mark.usefixtures("directory")

MSG_RECEIPT = "A receipt has 16 digits."
MSG_NOT_FOUND = "No complaint matches this receipt. Check the 16 digits and try again."
EVENT_KEYS = {"seq", "kind", "status", "text", "at"}


@pytest.fixture
def submitted(api_client) -> dict:
    """The Parkir story, submitted; its 201 body (with the receipt)."""
    response = complaint_post(api_client, PARKIR_STORY)
    assert response.status_code == 201, response.content
    return response.json()


def grouped(receipt: str, separator: str = " ") -> str:
    return separator.join(receipt[i : i + 4] for i in range(0, 16, 4))


def test_the_receipt_opens_the_case(api_client, submitted):
    response = track_post(api_client, submitted["receipt"])

    assert response.status_code == 200, response.content
    body = response.json()
    assert {
        "reference",
        "status",
        "category",
        "opd",
        "events",
        "can_reply",
        "can_rate",
    } <= body.keys()
    assert body["reference"] == submitted["reference"]
    assert body["status"] == "assigned"
    assert body["category"] == "pungli"
    assert body["opd"] == {"code": "DISHUB", "name": "Dinas Perhubungan"}
    assert [(e["seq"], e["kind"], e["status"]) for e in body["events"]] == [
        (1, "status", "received"),
        (2, "status", "assigned"),
    ]
    for event in body["events"]:
        assert set(event) == EVENT_KEYS
        datetime.fromisoformat(event["at"])
    assert body["events"][1]["text"] == submitted["reason"]
    assert body["can_reply"] is True
    assert body["can_rate"] is False


@pytest.mark.parametrize(
    "typed",
    [lambda r: grouped(r), lambda r: grouped(r, "-"), lambda r: f"  {grouped(r)}  "],
    ids=["spaces", "dashes", "padded"],
)
def test_the_receipt_may_be_typed_in_groups(api_client, submitted, typed):
    response = track_post(api_client, typed(submitted["receipt"]))

    assert response.status_code == 200, response.content
    assert response.json()["reference"] == submitted["reference"]


def test_internal_events_never_reach_the_reporter(api_client, submitted):
    complaint = Complaint.objects.get(reference=submitted["reference"])
    event_append(
        complaint=complaint,
        kind=Event.Kind.NOTE,
        text="Catatan internal: cek jukir X",
        visibility=Visibility.OFFICE,
    )
    event_append(complaint=complaint, kind=Event.Kind.MESSAGE, text="Kami sedang memeriksa lokasi.")

    response = track_post(api_client, submitted["receipt"])

    assert response.status_code == 200
    events = response.json()["events"]
    assert [e["seq"] for e in events] == [1, 2, 4]
    assert events[-1]["kind"] == "message" and events[-1]["text"] == "Kami sedang memeriksa lokasi."
    assert "Catatan internal" not in response.content.decode()
    assert "note" not in {e["kind"] for e in events}


def test_events_come_in_order_and_the_reporter_may_rate_a_resolved_case(api_client, submitted):
    complaint = Complaint.objects.get(reference=submitted["reference"])
    complaint_transition(complaint=complaint, target="in_progress", role=Role.OPD, text="Diproses.")
    complaint_transition(
        complaint=complaint, target="resolved", role=Role.OPD, text="Jukir ditertibkan."
    )

    body = track_post(api_client, submitted["receipt"]).json()

    assert [(e["seq"], e["status"]) for e in body["events"]] == [
        (1, "received"),
        (2, "assigned"),
        (3, "in_progress"),
        (4, "resolved"),
    ]
    assert body["status"] == "resolved"
    assert body["can_rate"] is True
    assert body["can_reply"] is False


def test_every_wrong_receipt_gets_the_same_answer(api_client, submitted):
    real = submitted["receipt"]
    wrong = [f"{(int(real) + delta) % 10**16:016d}" for delta in (1, 2, 10**8, 5 * 10**15)]
    wrong.append("0000000000000000")

    responses = [track_post(api_client, receipt, language="en") for receipt in wrong]

    assert {response.status_code for response in responses} == {404}
    assert len({response.content for response in responses}) == 1
    assert responses[0].json() == {"message": MSG_NOT_FOUND, "errors": {}}
    assert submitted["reference"] not in responses[0].content.decode()


def test_a_wrong_receipt_in_the_default_language(api_client, submitted):
    response = track_post(api_client, "0000000000000000")

    assert response.status_code == 404
    assert set(response.json()) == {"message", "errors"}
    assert_not_english(response.json()["message"], MSG_NOT_FOUND)


@pytest.mark.parametrize(
    "receipt",
    [
        "123",
        "1234 5678 9012 345",
        "12345678901234567",
        "abcdabcdabcdabcd",
        "",
        "   ",
        "１２３４５６７８９０１２３４５６",
        None,
    ],
    ids=[
        "short",
        "15-digits",
        "17-digits",
        "letters",
        "empty",
        "blank",
        "fullwidth-digits",
        "null",
    ],
)
def test_a_malformed_receipt_is_a_400(api_client, receipt):
    response = track_post(api_client, receipt, language="en")

    assert response.status_code == 400, response.content
    assert response.json() == {
        "message": "Please check the fields marked below.",
        "errors": {"receipt": [MSG_RECEIPT]},
    }


def test_a_missing_receipt_is_a_400(api_client):
    response = api_client.post(TRACK_URL, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json()["errors"] == {"receipt": [MSG_RECEIPT]}


def test_the_track_answer_never_contains_the_receipt(api_client, submitted):
    receipt = submitted["receipt"]

    response = track_post(api_client, grouped(receipt))

    content = response.content.decode()
    assert response.status_code == 200
    assert receipt not in content
    assert grouped(receipt) not in content


def test_a_receipt_in_the_url_opens_nothing(api_client, submitted):
    receipt = submitted["receipt"]

    as_get = api_client.get(TRACK_URL, {"receipt": receipt})
    as_query = api_client.post(f"{TRACK_URL}?receipt={receipt}", {}, format="json")

    assert as_get.status_code == 405
    assert as_query.status_code == 400
    for response in (as_get, as_query):
        assert submitted["reference"] not in response.content.decode()


def test_no_api_url_carries_a_receipt(api_client):
    """No route takes a receipt as a path parameter, and submitting sets no Location."""
    routes = [str(pattern.pattern) for pattern in api.urls.urlpatterns]
    assert TRACK_URL.removeprefix("/api/v1/") in routes
    parameters = [name for route in routes for name in re.findall(r"<(?:\w+:)?(\w+)>", route)]
    assert not [name for name in parameters if "receipt" in name.lower()]

    response = complaint_post(api_client, PARKIR_STORY)

    assert response.status_code == 201
    assert "Location" not in response
    assert response.json()["receipt"] not in " ".join(value for _name, value in response.items())


# --- The tracking page's forms validate as the API does (complaints.inputs) --------------------

DECISION_PAGE = "/pantau/keputusan/"  # frontend:track-decision
REPLY_PAGE = "/pantau/balas/"  # frontend:track-reply
MSG_RATING = "Each rating is a whole number from 1 to 4."
MSG_RATING_ID = "Setiap nilai berupa angka bulat 1 sampai 4."
BAD_RATINGS = {
    "superscript-two": "²",  # str.isdigit() says yes; int() says no
    "arabic-indic-two": "٢",  # int() reads it as 2: only the digits 0-9 are ratings
    "5000-digits": "9" * 5000,
    "word": "empat",
    "fraction": "2.5",
}


@pytest.mark.parametrize("rating", BAD_RATINGS.values(), ids=BAD_RATINGS.keys())
def test_the_decision_page_refuses_a_malformed_rating_with_a_400_in_indonesian(submitted, rating):
    from django.test import Client

    response = Client().post(
        DECISION_PAGE,
        {
            "receipt": submitted["receipt"],
            "accept": "true",
            "rating_waktu": rating,
            "rating_biaya": "4",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert MSG_RATING_ID in html
    assert MSG_RATING not in html
    complaint = Complaint.objects.get(reference=submitted["reference"])
    assert complaint.status == "assigned" and not complaint.ratings.exists()


@pytest.mark.parametrize("rating", BAD_RATINGS.values(), ids=BAD_RATINGS.keys())
def test_the_decision_api_refuses_the_same_ratings(api_client, submitted, rating):
    response = api_client.post(
        "/api/v1/track/decision/",
        {"receipt": submitted["receipt"], "accept": True, "ratings": {"waktu": rating}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"ratings": [MSG_RATING]}


def test_the_decision_page_without_ratings_reaches_the_domain(submitted):
    """No rating is chosen (they are optional): the input is fine, and the domain answers that
    an assigned complaint has nothing to accept (409), as the API would."""

    response = page_client("en").post(
        DECISION_PAGE, {"receipt": submitted["receipt"], "accept": "false"}
    )

    assert response.status_code == 409
    assert "nothing to accept or dispute" in response.content.decode()


def test_the_reply_page_refuses_a_text_over_the_limit_as_the_api_does(api_client, submitted):

    from complaints.models import TEXT_MAX

    body = "a" * (TEXT_MAX + 1)
    page = page_client("en").post(REPLY_PAGE, {"receipt": submitted["receipt"], "body": body})
    api = api_client.post(
        "/api/v1/track/messages/",
        {"receipt": submitted["receipt"], "body": body},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    message = f"Please write at most {TEXT_MAX} characters."
    assert page.status_code == api.status_code == 400
    assert message in page.content.decode()
    assert api.json()["errors"] == {"body": [message]}
    assert not Event.objects.filter(kind=Event.Kind.REPORTER_MESSAGE).exists()


def test_the_reply_page_fits_its_textarea_to_the_limit(submitted):
    from django.test import Client

    from complaints.models import TEXT_MAX

    html = Client().post("/pantau/", {"receipt": submitted["receipt"]}).content.decode()

    assert f'name="body" rows="4" maxlength="{TEXT_MAX}"' in html

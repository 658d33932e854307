"""Bad input to the staff API and pages, and to the reporter's actions: a clear 4xx, never a 500.

- a move the workflow does not allow from the current status: 409 and the reason;
- an unknown status, a missing message where the reporter must be told something, an empty or
  too long text, an unknown or unchanged office: 400 with ``errors.<field>``;
- HTML and script in any text is stored as written and shown as text (escaped), on the staff page
  and, for public messages, on the reporter's tracking page;
- ratings that are not whole numbers 1-4 of a known element, or a second rating: refused, nothing
  stored; accepting, disputing, replying or adding photos when the status does not allow it: 409,
  no row, no file;
- a token of one OPD on another OPD's complaint: 404 on every endpoint, whatever the body;
- "not our responsibility", its decision and merging, on the API and the page alike: an unknown
  or unchanged office, an empty reason, a reference that does not exist or is out of the user's
  scope (the same answer), a request id that is unknown for this complaint or not a number: 400
  on the field; a second decision on a request: 409;
- photos on the staff API: another office's photo is 404 like one that does not exist, anonymous
  is 401, a token in scope gets the JPEG;
- filters that do not parse: 400 on the API, a 400 page that says why on ``/staf/``;
- too many login attempts: 429, on the token endpoint and on the login page.

English (``Accept-Language: en`` for the API, the language cookie for pages) is the source
language, so its texts are compared exactly; the default language is Indonesian, checked where a
client asks for none.
"""

import json
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from complaints.models import Complaint, Event, Evidence, Rating, RerouteRequest, Status
from complaints.services import (
    complaint_reroute_request,
    complaint_staff_transition,
    reroute_request_decide,
)
from routing.models import Opd
from tests.api.client import photo
from tests.api.staff import (
    INBOX_PAGE,
    LIST_URL,
    LOGIN_PAGE,
    MSG_NOT_PERMITTED,
    PASSWORD,
    TOKEN_URL,
    accounts_ensure,
    complaint_make,
    detail_url,
    evidence_add,
    evidence_api_urls,
    page_url,
    read,
    token_for,
)
from tests.factories import page_client

pytestmark = pytest.mark.usefixtures("directory")

TRACK_PAGE = "/pantau/"
MSG_TRANSITION = "A complaint that is “{current}” cannot be moved to “{target}” by you."
MSG_BY_ACTION = (
    "“{target}” is not set by a status change: route the complaint to an office to assign it, "
    "or merge a duplicate into its original to close it."
)
MSG_MESSAGE_REQUIRED = "Write the message the reporter will read."
MSG_TEXT_EMPTY = "Write a message."
MSG_TEXT_LONG = "Please write at most 5000 characters."
MSG_RATING = "Each rating is a whole number from 1 to 4."
MSG_CHECK_FIELDS = "Please check the fields marked below."
HOSTILE = '<script>alert("pwn")</script><img src=x onerror="alert(1)"> & <b>tebal</b>'
HOSTILE_ESCAPED = (
    "&lt;script&gt;alert(&quot;pwn&quot;)&lt;/script&gt;&lt;img src=x "
    "onerror=&quot;alert(1)&quot;&gt; &amp; &lt;b&gt;tebal&lt;/b&gt;"
)


@pytest.fixture
def users():
    return accounts_ensure()


def api_as(username: str, language: str | None = "en") -> APIClient:
    """A token client; ``language=None`` sends no ``Accept-Language`` (Indonesian answers)."""
    client = APIClient(**({"HTTP_ACCEPT_LANGUAGE": language} if language else {}))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(client, username)}")
    return client


def pages_as(username: str) -> Client:
    client = page_client("en")
    client.force_login(accounts_ensure()[username])
    return client


def reporter() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def move(complaint, users, *targets, username="kepala-dishub", message="Pesan untuk pelapor."):
    complaint.refresh_from_db()
    for target in targets:
        complaint_staff_transition(
            user=users[username], complaint=complaint, target=target, message=message
        )
    complaint.refresh_from_db()
    return complaint


def rows() -> dict:
    return {model.__name__: model.objects.count() for model in (Complaint, Event, Evidence, Rating)}


def post(client, reference, action, body):
    return client.post(detail_url(reference, action), body, format="json")


def assert_refused(response, status: int, message: str | None = None, field: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "errors"}
    if message is not None:
        assert body["message"] == message
    if field is not None:
        assert list(body["errors"]) == [field], body


# --- Transitions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username, kind, steps, target, current",
    [
        # (who, complaint, moves made first by its OPD, the refused move, status it is in)
        ("kepala-dishub", "pungli", [], "resolved", "Assigned"),
        ("kepala-dishub", "pungli", [], "in_progress_twice", "In progress"),
        ("kepala-dishub", "pungli", ["in_progress", "resolved"], "needs_info", "Resolved"),
        ("kepala-dishub", "pungli", ["in_progress", "referred"], "in_progress", "Referred"),
        ("koordinator", "triage", [], "in_progress", "Being verified"),
        ("inspektorat", "pungli", [], "resolved", "Assigned"),
        ("admin", "triage", [], "resolved", "Being verified"),
    ],
)
def test_a_move_the_workflow_does_not_allow_is_409_with_the_reason(
    users, username, kind, steps, target, current
):
    complaint = complaint_make(kind)
    for step in steps:
        who = "inspektorat" if step == "referred" else "kepala-dishub"
        move(complaint, users, step, username=who)
    if target == "in_progress_twice":
        move(complaint, users, "in_progress")
        target = "in_progress"
    before = rows()

    response = post(
        api_as(username),
        complaint.reference,
        "transition",
        {"to": target, "message": "Sudah kami tangani."},
    )

    label = dict(Status.choices)[target]
    assert_refused(response, 409, MSG_TRANSITION.format(current=current, target=label))
    assert rows() == before


@pytest.mark.parametrize(
    "username, kind, target",
    [
        ("koordinator", "triage", "assigned"),  # an office must be chosen: reassign does it
        ("admin", "triage", "assigned"),
        ("koordinator", "pungli", "closed"),  # staff close only a duplicate, by merging it
        ("admin", "delay", "closed"),
    ],
)
def test_moves_that_have_their_own_action_are_refused_as_bare_status_changes(
    users, username, kind, target
):
    complaint = complaint_make(kind)
    before = rows()
    client = api_as(username)

    response = post(client, complaint.reference, "transition", {"to": target, "message": "x"})

    label = dict(Status.choices)[target]
    assert_refused(response, 409, MSG_BY_ACTION.format(target=label))
    assert rows() == before
    assert target not in client.get(detail_url(complaint.reference)).json()["allowed_transitions"]


@pytest.mark.parametrize(
    "body",
    [
        {"to": "nope"},
        {"to": ""},
        {"to": None},
        {"to": ["in_progress"]},
        {"message": "tanpa tujuan"},
        {"to": "IN_PROGRESS"},
    ],
)
def test_an_unknown_target_status_is_400(users, body):
    complaint = complaint_make("pungli")
    before = rows()

    response = post(api_as("kepala-dishub"), complaint.reference, "transition", body)

    assert_refused(response, 400, MSG_CHECK_FIELDS, field="to")
    assert rows() == before


@pytest.mark.parametrize(
    "username, kind, steps, target",
    [
        ("kepala-dishub", "pungli", [], "needs_info"),
        ("kepala-dishub", "pungli", ["in_progress"], "resolved"),
        ("koordinator", "triage", [], "rejected"),
        ("inspektorat", "pungli", [], "referred"),
    ],
)
@pytest.mark.parametrize("message", [None, "", "   \n\t "], ids=["missing", "empty", "blank"])
def test_a_move_the_reporter_must_be_told_about_needs_a_message(
    users, username, kind, steps, target, message
):
    complaint = complaint_make(kind)
    move(complaint, users, *steps)
    body = {"to": target} if message is None else {"to": target, "message": message}
    before = rows()

    response = post(api_as(username), complaint.reference, "transition", body)

    assert_refused(response, 400, MSG_MESSAGE_REQUIRED, field="message")
    assert response.json()["errors"]["message"] == [MSG_MESSAGE_REQUIRED]
    assert rows() == before


def test_a_transition_message_over_5000_characters_is_400(users):
    complaint = complaint_make("pungli")

    response = post(
        api_as("kepala-dishub"),
        complaint.reference,
        "transition",
        {"to": "needs_info", "message": "x" * 5001},
    )

    assert_refused(response, 400, field="message")
    assert response.json()["errors"]["message"] == [MSG_TEXT_LONG]
    assert Complaint.objects.get(pk=complaint.pk).status == Status.ASSIGNED


def test_the_page_refuses_a_question_without_a_message(users):
    complaint = complaint_make("pungli")

    response = pages_as("kepala-dishub").post(
        page_url(complaint.reference), {"action": "transition", "to": "needs_info", "message": " "}
    )

    assert response.status_code == 400
    assert MSG_MESSAGE_REQUIRED in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == Status.ASSIGNED


@pytest.mark.parametrize("to", ["nope", "", "assigned"])
def test_the_page_refuses_an_unknown_or_bare_status(users, to):
    complaint = complaint_make("triage")

    response = pages_as("koordinator").post(
        page_url(complaint.reference), {"action": "transition", "to": to, "message": "x"}
    )

    assert response.status_code in (400, 409)
    assert [str(m) for m in response.context["messages"]]
    assert Complaint.objects.get(pk=complaint.pk).status == Status.TRIAGE


# --- Messages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("internal", [False, True], ids=["public", "internal"])
@pytest.mark.parametrize(
    "body, message",
    [
        ({}, MSG_TEXT_EMPTY),
        ({"body": ""}, MSG_TEXT_EMPTY),
        ({"body": None}, None),
        ({"body": "x" * 5001}, MSG_TEXT_LONG),
    ],
    ids=["missing", "empty", "null", "5001-characters"],
)
def test_an_empty_or_too_long_message_is_400(users, body, message, internal):
    complaint = complaint_make("pungli")
    before = rows()

    response = post(
        api_as("kepala-dishub"), complaint.reference, "messages", {**body, "internal": internal}
    )

    assert_refused(response, 400, MSG_CHECK_FIELDS, field="body")
    if message:
        assert response.json()["errors"]["body"] == [message]
    assert rows() == before


def test_a_message_of_exactly_5000_characters_is_kept_whole(users):
    complaint = complaint_make("pungli")

    response = post(api_as("kepala-dishub"), complaint.reference, "messages", {"body": "y" * 5000})

    assert response.status_code == 201
    assert complaint.events.order_by("-seq").first().text == "y" * 5000


# The page's reply and note forms (a note is ``action=message`` with ``internal=true``).
PAGE_MESSAGE_FORMS = {"message": {}, "note": {"internal": "true"}}


@pytest.mark.parametrize("form", list(PAGE_MESSAGE_FORMS))
@pytest.mark.parametrize(
    "body, message",
    [("", MSG_TEXT_EMPTY), ("   ", MSG_TEXT_EMPTY), ("z" * 5001, MSG_TEXT_LONG)],
    ids=["empty", "blank", "5001"],
)
def test_the_page_refuses_an_empty_or_too_long_message(users, form, body, message):
    """The same input as the API, so the same message, beside the field."""
    complaint = complaint_make("pungli")
    before = rows()

    response = pages_as("kepala-dishub").post(
        page_url(complaint.reference),
        {"action": "message", "body": body, **PAGE_MESSAGE_FORMS[form]},
    )

    assert response.status_code == 400
    assert [str(m) for m in response.context["messages"]] == [MSG_CHECK_FIELDS]
    assert response.context["errors"] == {"body": [message]}
    assert message in response.content.decode()
    assert rows() == before


def test_the_old_note_action_is_gone(users):
    """Notes are ``action=message`` with ``internal=true``, as on the API."""
    complaint = complaint_make("pungli")
    before = rows()

    response = pages_as("kepala-dishub").post(
        page_url(complaint.reference), {"action": "note", "body": "Catatan"}
    )

    assert response.status_code == 400
    assert "Unknown action." in response.content.decode()
    assert rows() == before


def test_html_in_messages_is_stored_as_text_and_shown_escaped(users):
    complaint = complaint_make("pungli")
    staff = api_as("kepala-dishub")
    assert post(staff, complaint.reference, "messages", {"body": HOSTILE}).status_code == 201
    internal = HOSTILE.replace("tebal", "internal-saja")
    assert (
        post(
            staff, complaint.reference, "messages", {"body": internal, "internal": True}
        ).status_code
        == 201
    )
    reply = reporter().post(
        "/api/v1/track/messages/",
        {"receipt": complaint.receipt, "body": HOSTILE.replace("tebal", "pelapor")},
        format="json",
    )
    assert reply.status_code == 201

    stored = list(complaint.events.exclude(text="").order_by("seq").values_list("text", flat=True))
    assert HOSTILE in stored and internal in stored  # stored exactly as written

    staff_page = pages_as("kepala-dishub").get(page_url(complaint.reference)).content.decode()
    assert HOSTILE_ESCAPED in staff_page
    assert HOSTILE_ESCAPED.replace("tebal", "internal-saja") in staff_page
    assert HOSTILE_ESCAPED.replace("tebal", "pelapor") in staff_page
    assert "<script>alert" not in staff_page and 'onerror="alert' not in staff_page

    track_page = Client().post(TRACK_PAGE, {"receipt": complaint.receipt}).content.decode()
    assert HOSTILE_ESCAPED in track_page
    assert HOSTILE_ESCAPED.replace("tebal", "pelapor") in track_page
    assert "internal-saja" not in track_page  # the internal note never reaches the reporter
    assert "<script>alert" not in track_page and 'onerror="alert' not in track_page


# --- Reassign ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "opd, message",
    [
        ("NOPE", "Unknown office."),
        ("", None),
        (None, None),
        (["DLH"], None),
        ("DISHUB", "The complaint is already with Dinas Perhubungan."),
    ],
    ids=["unknown", "empty", "null", "list", "same-office"],
)
def test_reassign_to_an_unknown_or_the_same_office_is_400(users, opd, message):
    complaint = complaint_make("pungli")
    before = rows()

    response = post(
        api_as("koordinator"),
        complaint.reference,
        "reassign",
        {"opd": opd, "reason": "Salah alamat."},
    )

    assert_refused(response, 400, field="opd")
    if message:
        assert response.json()["errors"]["opd"] == [message]
    assert rows() == before
    assert Complaint.objects.get(pk=complaint.pk).opd.code == "DISHUB"


def test_reassign_without_a_reason_is_400(users):
    complaint = complaint_make("pungli")

    response = post(
        api_as("koordinator"), complaint.reference, "reassign", {"opd": "DLH", "reason": " "}
    )

    assert_refused(response, 400, field="reason")


def test_reassign_by_an_opd_head_is_403(users):
    complaint = complaint_make("pungli")
    before = rows()

    response = post(
        api_as("kepala-dishub"),
        complaint.reference,
        "reassign",
        {"opd": "DLH", "reason": "Bukan kewenangan kami."},
    )

    assert_refused(response, 403, MSG_NOT_PERMITTED)
    assert response.json()["errors"] == {}
    assert rows() == before
    assert Complaint.objects.get(pk=complaint.pk).opd.code == "DISHUB"


@pytest.mark.parametrize("opd", ["NOPE", "DISHUB"])
def test_the_page_refuses_reassign_to_an_unknown_or_the_same_office(users, opd):
    complaint = complaint_make("pungli")
    before = rows()

    response = pages_as("koordinator").post(
        page_url(complaint.reference), {"action": "reassign", "opd": opd, "reason": "Salah alamat."}
    )

    assert response.status_code == 400
    assert rows() == before


# --- The reporter's decision and ratings ---------------------------------------------------------


def resolved(users):
    complaint = complaint_make("pungli")
    return move(complaint, users, "in_progress", "resolved")


def decide(complaint, body):
    return reporter().post(
        "/api/v1/track/decision/", {"receipt": complaint.receipt, **body}, format="json"
    )


@pytest.mark.parametrize(
    "ratings",
    [
        {"waktu": 0},
        {"waktu": 5},
        {"waktu": -1},
        {"waktu": 4, "biaya": 9},
        {"waktu": 2.5},
        {"waktu": "tiga"},
        {"waktu": None},
        {"waktu": True},
        {"kecepatan": 3},
        {"waktu": 4, "kecepatan": 3},
        ["waktu", 4],
        "4444",
    ],
    ids=lambda value: json.dumps(value),
)
@pytest.mark.parametrize("accept", [True, False], ids=["accept", "dispute"])
def test_ratings_that_are_not_1_to_4_of_a_known_element_are_400_and_nothing_is_stored(
    users, ratings, accept
):
    complaint = resolved(users)
    before = rows()

    response = decide(complaint, {"accept": accept, "ratings": ratings})

    assert_refused(response, 400, field="ratings")
    assert rows() == before
    assert Complaint.objects.get(pk=complaint.pk).status == Status.RESOLVED


def test_the_domain_message_for_a_rating_out_of_range(users):
    complaint = resolved(users)

    response = decide(complaint, {"accept": True, "ratings": {"waktu": 5}})

    assert_refused(response, 400, MSG_RATING, field="ratings")


def test_rating_twice_is_409_and_nothing_more_is_stored(users):
    complaint = resolved(users)
    first = decide(complaint, {"accept": False, "ratings": {"waktu": 2, "penanganan": 1}})
    assert first.status_code == 200 and first.json()["status"] == "in_progress"
    move(complaint, users, "resolved")
    before = rows()

    second = decide(complaint, {"accept": True, "ratings": {"waktu": 4}})

    assert_refused(second, 409, "This complaint has been rated already.")
    assert rows() == before
    assert Complaint.objects.get(pk=complaint.pk).status == Status.RESOLVED
    kept = sorted(complaint.ratings.values_list("element", "value"))
    assert kept == [("penanganan", 1), ("waktu", 2)]


@pytest.mark.parametrize("body", [{}, {"accept": "perhaps"}, {"accept": None}])
def test_a_decision_without_a_yes_or_no_is_400(users, body):
    complaint = resolved(users)
    before = rows()

    assert_refused(decide(complaint, body), 400, field="accept")
    assert rows() == before


@pytest.mark.parametrize(
    "steps", [[], ["in_progress"], ["needs_info"]], ids=["assigned", "in_progress", "needs_info"]
)
@pytest.mark.parametrize("accept", [True, False], ids=["accept", "dispute"])
def test_accept_or_dispute_before_it_is_resolved_is_409(users, steps, accept):
    complaint = move(complaint_make("pungli"), users, *steps)
    before = rows()

    response = decide(complaint, {"accept": accept, "ratings": {"waktu": 4}})

    assert_refused(
        response,
        409,
        "The complaint has not been resolved yet, so there is nothing to accept or dispute.",
    )
    assert rows() == before


def closed(users):
    complaint = resolved(users)
    assert decide(complaint, {"accept": True}).status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    return complaint


MSG_REPORTER_CLOSED = "This complaint is closed; it can no longer receive messages or photos."


def test_a_reporter_reply_after_closed_is_409(users):
    complaint = closed(users)
    before = rows()

    response = reporter().post(
        "/api/v1/track/messages/",
        {"receipt": complaint.receipt, "body": "Satu hal lagi."},
        format="json",
    )

    assert_refused(response, 409, MSG_REPORTER_CLOSED)
    assert rows() == before


def test_photos_on_a_closed_complaint_are_409_and_no_file_is_kept(
    users, assert_nothing_left, uploads_spooled_to_disk
):
    complaint = closed(users)
    assert_nothing_left.snapshot()

    response = reporter().post(
        "/api/v1/track/photos/",
        {"receipt": complaint.receipt, "photos": [photo(), photo(name="kedua.jpg")]},
        format="multipart",
    )

    assert_refused(response, 409, MSG_REPORTER_CLOSED)
    assert_nothing_left()


def test_the_tracking_page_refuses_a_reply_after_closed(users):
    complaint = closed(users)
    before = rows()

    response = page_client("en").post(
        "/pantau/balas/", {"receipt": complaint.receipt, "body": "Satu hal lagi."}
    )

    assert response.status_code == 409
    assert MSG_REPORTER_CLOSED in response.content.decode()
    assert rows() == before


@pytest.mark.parametrize(
    "body, status",
    [({"body": ""}, 400), ({"body": "x" * 5001}, 400), ({}, 400)],
    ids=["empty", "5001", "missing"],
)
def test_a_reporter_reply_that_is_empty_or_too_long_is_400(users, body, status):
    complaint = move(complaint_make("pungli"), users, "needs_info")
    before = rows()

    response = reporter().post(
        "/api/v1/track/messages/", {"receipt": complaint.receipt, **body}, format="json"
    )

    assert_refused(response, status, field="body")
    assert rows() == before
    assert Complaint.objects.get(pk=complaint.pk).status == Status.NEEDS_INFO


# --- Another OPD's complaint ---------------------------------------------------------------------


ENDPOINTS = [
    ("get", "", None),
    ("post", "transition", {"to": "in_progress"}),
    ("post", "transition", {"to": "nope"}),  # even an invalid body: the scope is checked first
    ("post", "messages", {"body": "Halo"}),
    ("post", "messages", {"body": "Catatan", "internal": True}),
    ("post", "messages", {}),
    ("post", "reassign", {"opd": "DLH", "reason": "x"}),
    ("post", "reassign", {"opd": "NOPE"}),
    ("post", "reroute", {"opd": "DLH", "reason": "Bukan kewenangan kami."}),
    ("post", "reroute", {}),
    ("post", "reroute/decision", {"request": 1, "approve": True}),
    ("post", "reroute/decision", {"request": "abc"}),
    ("post", "merge", {"into": "BKL-26-ZZZZZZ"}),
    ("post", "merge", {}),
]


@pytest.mark.parametrize("method, action, body", ENDPOINTS)
def test_a_token_of_one_opd_on_another_opds_complaint_is_404_everywhere(
    users, method, action, body
):
    complaint = complaint_make("delay")  # Dukcapil's
    client = api_as("kepala-dishub")
    unknown = client.get(detail_url("BKL-26-ZZZZZZ"))
    before = rows()

    if method == "get":
        response = client.get(detail_url(complaint.reference))
    else:
        response = post(client, complaint.reference, action, body)

    assert response.status_code == 404
    assert response.json() == unknown.json() == {"message": "Not found.", "errors": {}}
    assert rows() == before


@pytest.mark.parametrize(
    "body",
    [
        {"action": "transition", "to": "in_progress"},
        {"action": "message", "body": "Halo"},
        {"action": "message", "body": "Catatan", "internal": "true"},
        {"action": "reassign", "opd": "DLH", "reason": "x"},
        {"action": "reroute", "opd": "DLH", "reason": "Bukan kewenangan kami."},
        {"action": "decide_reroute", "request": "1", "approve": "true"},
        {"action": "merge", "into": "BKL-26-ZZZZZZ"},
        {"action": "nope"},
    ],
)
def test_another_opds_complaint_page_is_404_for_every_action(users, body):
    complaint = complaint_make("delay")
    client = pages_as("kepala-dishub")
    before = rows()

    assert client.get(page_url(complaint.reference)).status_code == 404
    response = client.post(page_url(complaint.reference), body)

    assert response.status_code == 404
    assert complaint.reference not in response.content.decode()
    assert rows() == before


def test_an_unknown_page_action_is_400(users):
    complaint = complaint_make("pungli")

    response = pages_as("kepala-dishub").post(page_url(complaint.reference), {"action": "hapus"})

    assert response.status_code == 400
    assert "Unknown action." in response.content.decode()


# --- Filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, field",
    [
        ("status=nope", "status"),
        ("status=assigned&status=nope", "status"),
        ("category=korupsi", "category"),
        ("created_after=yesterday", "created_after"),
        ("created_before=2026-02-30", "created_before"),
        ("overdue=maybe", "overdue"),
        ("overdue=ya", "overdue"),
        ("sort=random", "sort"),
    ],
)
def test_filters_that_do_not_parse_are_400_never_an_unfiltered_list(users, query, field):
    complaint_make("pungli")

    api = api_as("admin").get(f"{LIST_URL}?{query}")
    page = pages_as("admin").get(f"{INBOX_PAGE}?{query}")

    assert_refused(api, 400, MSG_CHECK_FIELDS, field=field)
    assert page.status_code == 400
    html = page.content.decode()
    assert 'class="alert error" role="alert"' in html and f"{field}:" in html
    assert page.context["page"].paginator.count == 0  # not the unfiltered list


@pytest.mark.parametrize(
    "query, api_status",
    [
        ("overdue=true", 200),
        ("overdue=false", 200),
        ("overdue=", 200),  # the inbox form's "All"
        ("page=abc", 404),  # DRF's answer for a page that does not exist; the inbox shows page 1
    ],
)
def test_well_formed_filters_are_accepted(users, query, api_status):
    complaint_make("pungli")

    assert pages_as("admin").get(f"{INBOX_PAGE}?{query}").status_code == 200
    assert api_as("admin").get(f"{LIST_URL}?{query}").status_code == api_status


# --- Login attempts ------------------------------------------------------------------------------


@pytest.fixture
def login_limit_3_per_minute(settings):
    """One limit for the token endpoint and the login page (``complaints.ratelimits``)."""
    settings.PORTAL_RATES = {**settings.PORTAL_RATES, "login": "3/minute"}
    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("login_limit_3_per_minute")
def test_the_fourth_token_request_in_a_minute_is_429(users):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.10")
    wrong = [
        client.post(
            TOKEN_URL, {"username": "kepala-dishub", "password": f"salah-{n}"}, format="json"
        ).status_code
        for n in range(3)
    ]

    fourth = client.post(
        TOKEN_URL, {"username": "kepala-dishub", "password": PASSWORD}, format="json"
    )

    assert wrong == [400, 400, 400]
    assert fourth.status_code == 429
    assert "token" not in fourth.json()
    assert fourth.json()["message"].startswith("Too many login attempts; try again in ")
    assert int(fourth["Retry-After"]) > 0


@pytest.mark.usefixtures("login_limit_3_per_minute")
def test_the_fourth_login_page_post_in_a_minute_is_429(users):
    client = page_client("en", REMOTE_ADDR="203.0.113.11")
    wrong = [
        client.post(LOGIN_PAGE, {"username": "kepala-dishub", "password": f"salah-{n}"}).status_code
        for n in range(3)
    ]

    fourth = client.post(LOGIN_PAGE, {"username": "kepala-dishub", "password": PASSWORD})

    assert wrong == [200, 200, 200]  # the form again, with "wrong username or password"
    assert fourth.status_code == 429
    assert "Too many login attempts; try again in " in fourth.content.decode()
    assert "_auth_user_id" not in client.session  # the right password did not log in


# --- "Not our responsibility": the API and the page ---------------------------------------------


def reroute(surface: str, complaint, body: dict):
    """POST a reroute request as the handling office, on the API or the page."""
    if surface == "api":
        return post(api_as("kepala-dishub"), complaint.reference, "reroute", body)
    return pages_as("kepala-dishub").post(
        page_url(complaint.reference), {"action": "reroute", **body}
    )


def requests_of(complaint) -> list:
    return list(RerouteRequest.objects.filter(complaint=complaint).values_list("state", flat=True))


OFFICE_CASES = [
    ({}, "Unknown office."),
    ({"opd": ""}, "Unknown office."),
    ({"opd": "NOPE"}, "Unknown office."),
    ({"opd": "dlh"}, "Unknown office."),  # codes are exact
    ({"opd": "DISHUB"}, "The complaint is already with Dinas Perhubungan."),
]
OFFICE_IDS = ["none-chosen", "empty", "unknown", "lower-case", "same-office"]


@pytest.mark.parametrize("surface", ["api", "page"])
@pytest.mark.parametrize("office, message", OFFICE_CASES, ids=OFFICE_IDS)
def test_a_reroute_request_to_no_unknown_or_the_same_office_is_400(users, surface, office, message):
    complaint = complaint_make("pungli")
    before = rows()

    response = reroute(surface, complaint, {**office, "reason": "Bukan kewenangan kami."})

    assert response.status_code == 400
    if surface == "api":
        assert_refused(response, 400, field="opd")
        assert response.json()["errors"]["opd"] == [message]
    else:
        html = response.content.decode()
        assert f'<p class="field-error" id="r-opd-error">{message}</p>' in html  # under the field
    assert rows() == before
    assert requests_of(complaint) == []


@pytest.mark.parametrize("surface", ["api", "page"])
@pytest.mark.parametrize("reason", [None, "", "   \n "], ids=["missing", "empty", "blank"])
def test_a_reroute_request_without_a_reason_is_400(users, surface, reason):
    complaint = complaint_make("pungli")
    body = {"opd": "DLH"} if reason is None else {"opd": "DLH", "reason": reason}
    before = rows()

    response = reroute(surface, complaint, body)

    assert response.status_code == 400
    if surface == "api":
        assert_refused(response, 400, MSG_CHECK_FIELDS, field="reason")
        assert response.json()["errors"]["reason"] == [MSG_TEXT_EMPTY]
    else:
        assert response.context["errors"] == {"reason": [MSG_TEXT_EMPTY]}
    assert rows() == before
    assert requests_of(complaint) == []


@pytest.mark.parametrize("surface", ["api", "page"])
def test_a_resolved_complaint_cannot_be_sent_back_as_not_ours(users, surface):
    """Resolved waits for the reporter; a reroute request could never be carried out."""
    complaint = move(complaint_make("pungli"), users, "in_progress", "resolved")
    assert (
        'value="reroute"'
        not in pages_as("kepala-dishub").get(page_url(complaint.reference)).content.decode()
    )
    detail = api_as("kepala-dishub").get(detail_url(complaint.reference)).json()
    assert detail["actions"]["reroute_request"] is False
    before = rows()

    response = reroute(surface, complaint, {"opd": "DLH", "reason": "Bukan kewenangan kami."})

    assert response.status_code == 409
    if surface == "api":
        assert_refused(response, 409, "A complaint that is “Resolved” can no longer be reassigned.")
    assert requests_of(complaint) == []
    assert rows() == before


def test_a_second_reroute_request_while_one_is_pending_is_409(users):
    complaint = complaint_make("pungli")
    assert reroute("api", complaint, {"opd": "DLH", "reason": "Urusan pasar."}).status_code == 201
    before = rows()

    response = reroute("api", complaint, {"opd": "DUKCAPIL", "reason": "Atau ini."})

    assert_refused(
        response, 409, "A reroute request for this complaint is already waiting for a decision."
    )
    assert requests_of(complaint) == ["pending"]
    assert rows() == before


# --- Deciding a reroute request -----------------------------------------------------------------


def pending(users, complaint=None) -> RerouteRequest:
    complaint = complaint or complaint_make("pungli")
    return complaint_reroute_request(
        user=users["kepala-dishub"],
        complaint=complaint,
        suggested_opd=Opd.objects.get(code="DLH"),
        reason="Bukan kewenangan kami.",
    )


def decide_reroute(surface: str, complaint, body: dict, username: str = "koordinator"):
    if surface == "api":
        return post(api_as(username), complaint.reference, "reroute/decision", body)
    return pages_as(username).post(
        page_url(complaint.reference), {"action": "decide_reroute", **body}
    )


def decision_unchanged(request, before) -> None:
    request.refresh_from_db()
    assert (request.state, request.decided_by, request.decided_at) == ("pending", None, None)
    assert rows() == before
    assert Complaint.objects.get(pk=request.complaint_id).opd.code == "DISHUB"


REQUEST_IDS = {
    "unknown": 2**31,
    "zero": 0,
    "negative": -1,
    "text": "abc",
    "number-and-text": "1x",
    "fraction": 1.5,
    "huge": 10**30,
    "list": [1],
    "null": None,
}


FORM_CANNOT_SEND = {"list", "null"}


@pytest.mark.parametrize(
    "surface, value",
    [
        pytest.param(surface, value, id=f"{surface}-{name}")
        for surface in ("api", "page")
        for name, value in REQUEST_IDS.items()
        if surface == "api" or name not in FORM_CANNOT_SEND
    ],
)
def test_a_decision_on_an_unknown_or_malformed_request_id_is_400(users, surface, value):
    request = pending(users)
    before = rows()

    response = decide_reroute(surface, request.complaint, {"request": value, "approve": True})

    assert response.status_code == 400
    errors = response.json()["errors"] if surface == "api" else response.context["errors"]
    assert errors == {"request": ["Unknown request."]}
    decision_unchanged(request, before)


@pytest.mark.parametrize("surface", ["api", "page"])
def test_a_decision_on_another_complaints_request_is_400(users, surface):
    """Requests are looked up within the complaint of the URL: another's is unknown here."""
    request = pending(users)
    other = complaint_make("pungli")
    before = rows()

    response = decide_reroute(surface, other, {"request": request.pk, "approve": True})

    assert response.status_code == 400
    errors = response.json()["errors"] if surface == "api" else response.context["errors"]
    assert errors == {"request": ["Unknown request."]}
    decision_unchanged(request, before)
    assert Complaint.objects.get(pk=other.pk).opd.code == "DISHUB"


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "approve"),
        ({"approve": "perhaps"}, "approve"),
        ({"approve": None}, "approve"),
        ({"approve": True, "opd": "NOPE"}, "opd"),
        ({"approve": True, "opd": "DISHUB"}, "opd"),  # approved to the office it is with
        ({"approve": True, "note": "x" * 5001}, "note"),
    ],
    ids=["no-answer", "not-yes-or-no", "null-answer", "unknown-office", "same-office", "long-note"],
)
def test_a_decision_that_is_not_yes_or_no_or_to_a_wrong_office_is_400(users, body, field):
    request = pending(users)
    before = rows()

    response = decide_reroute("api", request.complaint, {"request": request.pk, **body})

    assert_refused(response, 400, field=field)
    decision_unchanged(request, before)


@pytest.mark.parametrize("surface", ["api", "page"])
@pytest.mark.parametrize("first", [True, False], ids=["approved", "declined"])
def test_a_second_decision_on_a_decided_request_is_409(users, surface, first):
    request = pending(users)
    reroute_request_decide(user=users["koordinator"], request=request, approve=first)
    request.refresh_from_db()
    decided = (request.state, request.decided_by, request.decided_at)
    office = Complaint.objects.get(pk=request.complaint_id).opd.code
    before = rows()

    response = decide_reroute(
        surface, request.complaint, {"request": request.pk, "approve": not first}, "inspektorat"
    )

    assert response.status_code == 409
    if surface == "api":
        assert_refused(response, 409, "This reroute request has been decided already.")
    else:
        messages = [str(m) for m in response.context["messages"]]
        assert messages == ["This reroute request has been decided already."]
    request.refresh_from_db()
    assert (request.state, request.decided_by, request.decided_at) == decided
    assert Complaint.objects.get(pk=request.complaint_id).opd.code == office
    assert rows() == before


def test_the_decision_answer_is_in_indonesian_by_default(users):
    request = pending(users)

    response = post(
        api_as("koordinator", language=None),
        request.complaint.reference,
        "reroute/decision",
        {"request": "abc", "approve": True},
    )

    assert_refused(response, 400, "Periksa lagi isian yang ditandai di bawah ini.", field="request")
    assert response.json()["errors"]["request"] == ["Permintaan tidak dikenal."]


# --- Merging a duplicate ------------------------------------------------------------------------

MSG_UNKNOWN_COMPLAINT_ID = "Tidak ada pengaduan dengan nomor referensi itu."
MSG_UNKNOWN_COMPLAINT = "No complaint with that reference."


def merge(surface: str, duplicate, body: dict, username: str = "koordinator", language="en"):
    if surface == "api":
        return post(api_as(username, language), duplicate.reference, "merge", body)
    client = page_client(language)
    client.force_login(accounts_ensure()[username])
    return client.post(page_url(duplicate.reference), {"action": "merge", **body})


def merge_refused(response, surface: str, message: str, *, form_shown: bool = True) -> None:
    """400, with ``message`` on the field ``into`` (and beside it, on a page with the form)."""
    assert response.status_code == 400
    if surface == "api":
        assert set(response.json()) == {"message", "errors"}
        assert response.json()["errors"] == {"into": [message]}
    else:
        assert response.context["errors"] == {"into": [message]}
        assert (message in response.content.decode()) == form_shown


def nothing_merged(duplicate, before) -> None:
    assert rows() == before
    merged = Complaint.objects.get(pk=duplicate.pk)
    assert (merged.status, merged.merged_into_id) == (duplicate.status, None)


@pytest.mark.parametrize("surface", ["api", "page"])
@pytest.mark.parametrize(
    "into",
    ["BKL-26-ZZZZZZ", "", "   ", "x" * 25, "bkl-26-zzzzzz"],
    ids=["unknown", "empty", "blank", "too-long", "lower-case"],
)
def test_merge_into_an_unknown_reference_is_400_in_indonesian(users, surface, into):
    duplicate = complaint_make("pungli")
    before = rows()

    response = merge(surface, duplicate, {"into": into}, language=None)

    merge_refused(response, surface, MSG_UNKNOWN_COMPLAINT_ID)
    nothing_merged(duplicate, before)


@pytest.mark.parametrize(
    "body", [{}, {"into": None}, {"into": ["BKL-26-ZZZZZZ"]}], ids=["missing", "null", "list"]
)
def test_merge_without_a_reference_is_400(users, body):
    duplicate = complaint_make("pungli")
    before = rows()

    response = merge("api", duplicate, body)

    assert_refused(response, 400, MSG_CHECK_FIELDS, field="into")
    nothing_merged(duplicate, before)


@pytest.mark.parametrize("surface", ["api", "page"])
def test_merge_into_a_complaint_out_of_scope_is_answered_like_an_unknown_one(users, surface):
    """Dishub may not merge at all, but the reference is looked up first, within its scope:
    a Dukcapil complaint is "no complaint with that reference", never a hint that it exists."""
    duplicate = complaint_make("pungli")
    hidden = complaint_make("delay")
    before = rows()

    unknown = merge(surface, duplicate, {"into": "BKL-26-ZZZZZZ"}, username="kepala-dishub")
    response = merge(surface, duplicate, {"into": hidden.reference}, username="kepala-dishub")

    # Dishub is offered no merge form: the page says only what is wrong, in its messages.
    merge_refused(response, surface, MSG_UNKNOWN_COMPLAINT, form_shown=False)
    if surface == "api":
        assert response.json() == unknown.json()
    else:
        assert response.context["errors"] == unknown.context["errors"]
        assert [str(m) for m in response.context["messages"]] == [MSG_CHECK_FIELDS]
    assert hidden.reference not in response.content.decode()
    nothing_merged(duplicate, before)


@pytest.mark.parametrize("surface", ["api", "page"])
def test_merge_into_itself_is_400(users, surface):
    duplicate = complaint_make("pungli")
    before = rows()

    response = merge(surface, duplicate, {"into": duplicate.reference})

    merge_refused(response, surface, "A complaint cannot be merged into itself.")
    nothing_merged(duplicate, before)


@pytest.mark.parametrize("surface", ["api", "page"])
def test_merge_into_a_finished_complaint_is_400(users, surface):
    original = move(
        complaint_make("pungli"),
        users,
        "in_progress",
        "referred",
        username="admin",
        message="Dilimpahkan ke APH.",
    )
    duplicate = complaint_make("pungli")
    before = rows()

    response = merge(surface, duplicate, {"into": original.reference})

    merge_refused(
        response, surface, "The original complaint must be open and not itself a duplicate."
    )
    nothing_merged(duplicate, before)


def test_merge_with_a_reason_over_5000_characters_is_400(users):
    original = complaint_make("pungli")
    duplicate = complaint_make("pungli")
    before = rows()

    response = merge("api", duplicate, {"into": original.reference, "reason": "x" * 5001})

    assert_refused(response, 400, field="reason")
    assert response.json()["errors"]["reason"] == [MSG_TEXT_LONG]
    nothing_merged(duplicate, before)


# --- Photos on the staff API --------------------------------------------------------------------


def anonymous_api() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def test_another_offices_photo_is_404_like_one_that_does_not_exist(users):
    photo_of_dukcapil = evidence_add(complaint_make("delay"))
    client = api_as("kepala-dishub")

    for url, missing in zip(
        evidence_api_urls(photo_of_dukcapil.pk), evidence_api_urls(uuid.uuid4()), strict=True
    ):
        found, not_found = client.get(url), client.get(missing)

        assert (found.status_code, not_found.status_code) == (404, 404)
        assert found.json() == not_found.json() == {"message": "Not found.", "errors": {}}


def test_an_anonymous_photo_request_is_401_like_every_staff_endpoint(users):
    evidence = evidence_add(complaint_make("pungli"))

    for url in [*evidence_api_urls(evidence.pk), *evidence_api_urls(uuid.uuid4())]:
        response = anonymous_api().get(url)

        assert response.status_code == 401  # token authentication first: DRF says 401, not 403
        assert response["WWW-Authenticate"] == "Token"
        assert set(response.json()) == {"message", "errors"}


@pytest.mark.parametrize("token", ["0" * 40, "not-a-token", ""])
def test_a_wrong_token_gets_no_photo(users, token):
    evidence = evidence_add(complaint_make("pungli"))
    client = anonymous_api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    for url in evidence_api_urls(evidence.pk):
        response = client.get(url)

        assert response.status_code == 401
        assert not response.get("Content-Type", "").startswith("image/")


def test_a_token_in_scope_gets_the_jpeg_from_the_detail_urls(users):
    complaint = complaint_make("pungli")
    evidence = evidence_add(complaint)
    client = api_as("kepala-dishub")

    [item] = client.get(detail_url(complaint.reference)).json()["evidence"]
    assert item["id"] == str(evidence.pk)
    # Absolute URLs of the API itself, so a token client can follow them.
    assert [item["url"], item["thumbnail_url"]] == [
        f"http://testserver{url}" for url in evidence_api_urls(evidence.pk)
    ]

    for url, field in ((item["url"], evidence.image), (item["thumbnail_url"], evidence.thumbnail)):
        response = client.get(url)

        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert "no-store" in response["Cache-Control"]
        with field.open("rb") as stored:
            assert read(response) == stored.read()


@pytest.mark.parametrize("path", ["not-a-uuid", "1", "../../etc/passwd"])
def test_a_photo_id_that_is_not_a_uuid_is_404(users, path):
    response = api_as("admin").get(f"/api/v1/staff/evidence/{path}/")

    assert response.status_code == 404

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
- filters that do not parse: 400 on the API, a 400 page that says why on ``/staf/``;
- too many login attempts: 429, on the token endpoint and on the login page.

English (``Accept-Language: en``) is the source language, so its texts are compared exactly.
"""

import json

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from complaints.models import Complaint, Event, Evidence, Rating, Status
from complaints.services import complaint_staff_transition
from tests.api.client import photo
from tests.api.staff import (
    INBOX_PAGE,
    LIST_URL,
    LOGIN_PAGE,
    PASSWORD,
    TOKEN_URL,
    accounts_ensure,
    complaint_make,
    detail_url,
    page_url,
    token_for,
)

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
MSG_PAGE_TEXT = "Write a text of at most 5000 characters."
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


def api_as(username: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(client, username)}")
    return client


def pages_as(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
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

    response = post(api_as(username), complaint.reference, "transition",
                    {"to": target, "message": "Sudah kami tangani."})

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

    response = post(api_as("kepala-dishub"), complaint.reference, "transition",
                    {"to": "needs_info", "message": "x" * 5001})

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

    response = post(api_as("kepala-dishub"), complaint.reference, "messages",
                    {**body, "internal": internal})

    assert_refused(response, 400, MSG_CHECK_FIELDS, field="body")
    if message:
        assert response.json()["errors"]["body"] == [message]
    assert rows() == before


def test_a_message_of_exactly_5000_characters_is_kept_whole(users):
    complaint = complaint_make("pungli")

    response = post(api_as("kepala-dishub"), complaint.reference, "messages", {"body": "y" * 5000})

    assert response.status_code == 201
    assert complaint.events.order_by("-seq").first().text == "y" * 5000


@pytest.mark.parametrize("action", ["message", "note"])
@pytest.mark.parametrize("body", ["", "   ", "z" * 5001], ids=["empty", "blank", "5001"])
def test_the_page_refuses_an_empty_or_too_long_message(users, action, body):
    complaint = complaint_make("pungli")
    before = rows()

    response = pages_as("kepala-dishub").post(
        page_url(complaint.reference), {"action": action, "body": body}
    )

    assert response.status_code == 400
    assert MSG_PAGE_TEXT in response.content.decode()
    assert rows() == before


def test_html_in_messages_is_stored_as_text_and_shown_escaped(users):
    complaint = complaint_make("pungli")
    staff = api_as("kepala-dishub")
    assert post(staff, complaint.reference, "messages", {"body": HOSTILE}).status_code == 201
    internal = HOSTILE.replace("tebal", "internal-saja")
    assert post(staff, complaint.reference, "messages",
                {"body": internal, "internal": True}).status_code == 201
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
    assert "<script>alert" not in staff_page and "onerror=\"alert" not in staff_page

    track_page = Client().post(TRACK_PAGE, {"receipt": complaint.receipt}).content.decode()
    assert HOSTILE_ESCAPED in track_page
    assert HOSTILE_ESCAPED.replace("tebal", "pelapor") in track_page
    assert "internal-saja" not in track_page  # the internal note never reaches the reporter
    assert "<script>alert" not in track_page and "onerror=\"alert" not in track_page


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

    response = post(api_as("koordinator"), complaint.reference, "reassign",
                    {"opd": opd, "reason": "Salah alamat."})

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

    response = post(api_as("kepala-dishub"), complaint.reference, "reassign",
                    {"opd": "DLH", "reason": "Bukan kewenangan kami."})

    assert_refused(
        response, 403, "Only the complaint coordinator, the Inspektorat or an admin can reassign."
    )
    assert rows() == before


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
    return reporter().post("/api/v1/track/decision/", {"receipt": complaint.receipt, **body},
                           format="json")


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
        response, 409,
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

    response = reporter().post("/api/v1/track/messages/",
                               {"receipt": complaint.receipt, "body": "Satu hal lagi."},
                               format="json")

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

    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
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

    response = reporter().post("/api/v1/track/messages/", {"receipt": complaint.receipt, **body},
                               format="json")

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
        {"action": "note", "body": "Catatan"},
        {"action": "reassign", "opd": "DLH", "reason": "x"},
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
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
    rates["login"] = "3/minute"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("login_limit_3_per_minute")
def test_the_fourth_token_request_in_a_minute_is_429(users):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.10")
    wrong = [
        client.post(TOKEN_URL, {"username": "kepala-dishub", "password": f"salah-{n}"},
                    format="json").status_code
        for n in range(3)
    ]

    fourth = client.post(TOKEN_URL, {"username": "kepala-dishub", "password": PASSWORD},
                         format="json")

    assert wrong == [400, 400, 400]
    assert fourth.status_code == 429
    assert "token" not in fourth.json()
    assert fourth.json()["message"].startswith("Too many requests; please try again in ")
    assert int(fourth["Retry-After"]) > 0


@pytest.mark.usefixtures("login_limit_3_per_minute")
def test_the_fourth_login_page_post_in_a_minute_is_429(users):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.11")
    wrong = [
        client.post(LOGIN_PAGE, {"username": "kepala-dishub", "password": f"salah-{n}"}).status_code
        for n in range(3)
    ]

    fourth = client.post(LOGIN_PAGE, {"username": "kepala-dishub", "password": PASSWORD})

    assert wrong == [200, 200, 200]  # the form again, with "wrong username or password"
    assert fourth.status_code == 429
    assert "Too many login attempts; try again in " in fourth.content.decode()
    assert "_auth_user_id" not in client.session  # the right password did not log in


# --- "Not our responsibility" (the staff page only) ----------------------------------------------


@pytest.mark.parametrize(
    "suggested, message",
    [("", "Unknown office."), ("NOPE", "Unknown office."),
     ("DISHUB", "The complaint is already with Dinas Perhubungan.")],
    ids=["none-chosen", "unknown", "same-office"],
)
def test_a_reroute_request_to_no_unknown_or_the_same_office_is_400(users, suggested, message):
    complaint = complaint_make("pungli")
    before = rows()

    response = pages_as("kepala-dishub").post(
        page_url(complaint.reference),
        {"action": "reroute", "suggested_opd": suggested, "reason": "Bukan kewenangan kami."},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert f'<p class="field-error" id="r-opd-error">{message}</p>' in html  # under the field
    assert rows() == before


def test_a_resolved_complaint_cannot_be_sent_back_as_not_ours(users):
    """Resolved waits for the reporter; a reroute request could never be carried out."""
    complaint = move(complaint_make("pungli"), users, "in_progress", "resolved")
    client = pages_as("kepala-dishub")
    assert 'value="reroute"' not in client.get(page_url(complaint.reference)).content.decode()
    before = rows()

    response = client.post(
        page_url(complaint.reference),
        {"action": "reroute", "suggested_opd": "DLH", "reason": "Bukan kewenangan kami."},
    )

    assert response.status_code == 409
    assert not complaint.reroute_requests.exists()
    assert rows() == before

"""The permission matrix: who may see and do what, on the staff API, pages and live channels.

Rows are the accounts of docs/interface.md (plus ``anonymous`` and ``plain``, a logged-in user with
no staff role and no OPD); columns are five complaints, one per scope (``tests.api.staff``):

    pungli   Dinas Perhubungan, oversight copy to the Inspektorat   (assigned)
    delay    Dukcapil, not pungli                                    (assigned)
    triage   no office yet, waiting for the koordinator              (triage)
    overdue  Dukcapil, not pungli, deadline passed                   (assigned)
    head     names the head of an office: Inspektorat is primary     (assigned)

Each cell is the exact HTTP status. The rules the tables encode (docs/product.md F3-F5,
docs/interface.md):

- anonymous: the API answers 401 (token authentication comes first, so DRF can send
  ``WWW-Authenticate: Token``); a page redirects to ``/staf/masuk/?next=...``;
- out of the user's scope: 404, the same body as a reference that does not exist, never 403;
- in scope but no role on the complaint (the walikota, read-only): 403 with a message;
- a role that may not make this move (e.g. the koordinator starting work, an OPD referring): 409
  with the reason;
- the Inspektorat (the role, or the head of the Inspektorat OPD) holds the oversight role on what
  it sees: it may refer, reassign and write, not do the OPD's work. In this directory oversight
  copies only ever go to the Inspektorat, so no other OPD head holds a copy of another OPD's case.

The pages run the same services with the same inputs (``complaints.staff_inputs``), so every
action is checked on both, against the same table: they answer as the API does, except that a
success redirects back to the complaint (302; to the inbox when the action took it out of the
user's scope) and anonymous visitors are sent to the login page (a photo answers them 404, as for
one that does not exist). The detail's ``actions`` and the page's forms offer exactly what the
tables allow.

Reopening is checked on the same five complaints once finished (``VISIBLE_CLOSED``): closed after
the reporter accepted, the triage one rejected as spam. A closed complaint is no longer overdue,
so the Inspektorat no longer sees the ``overdue`` one.
"""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from rest_framework.test import APIClient

from complaints.access import (
    complaint_staff_groups,
    complaints_visible_to,
    staff_channel_groups,
)
from complaints.models import Complaint, Event, RerouteRequest, Status
from complaints.services import (
    complaint_reporter_decision,
    complaint_reroute_request,
    complaint_staff_transition,
)
from routing.models import Opd
from tests.api.staff import (
    ACCOUNTS,
    INBOX_PAGE,
    KINDS,
    LIST_URL,
    LOGIN_PAGE,
    MSG_NOT_PERMITTED,
    PASSWORD,
    PLAIN,
    account,
    accounts_ensure,
    complaint_make,
    detail_url,
    evidence_add,
    evidence_api_urls,
    evidence_page_urls,
    handler_of,
    page_url,
    read,
    token_for,
    where_it_went,
)
from tests.factories import page_client

pytestmark = pytest.mark.usefixtures("directory")

ANONYMOUS = "anonymous"
USERS = [ANONYMOUS, PLAIN, *ACCOUNTS]
UNKNOWN_REFERENCE = "BKL-26-ZZZZZZ"


def matrix(text: str) -> dict[tuple[str, str], str]:
    """A table whose header names the complaints and whose rows start with a username."""
    header, *rows = [line.split() for line in text.strip().splitlines()]
    assert header == KINDS, header
    table = {}
    for username, *cells in rows:
        assert len(cells) == len(header), username
        table.update({(username, kind): cell for kind, cell in zip(header, cells, strict=True)})
    assert {username for username, _kind in table} == set(USERS)
    return table


def cells(table: dict) -> list:
    return [
        pytest.param(username, kind, int(value), id=f"{username}-{kind}-{value}")
        for (username, kind), value in table.items()
    ]


# --- The tables ---------------------------------------------------------------------------------

VISIBLE = matrix("""
                      pungli  delay  triage  overdue  head
anonymous               -       -      -       -       -
plain                   -       -      -       -       -
admin                   Y       Y      Y       Y       Y
koordinator             Y       Y      Y       Y       Y
inspektorat             Y       -      -       Y       Y
walikota                Y       Y      Y       Y       Y
kepala-dishub           Y       -      -       -       -
kepala-dukcapil         -       Y      -       Y       -
kepala-inspektorat      Y       -      -       -       Y
""")

# GET staff/complaints/<ref>/
DETAIL = matrix("""
                      pungli  delay  triage  overdue  head
anonymous              401     401    401     401     401
plain                  404     404    404     404     404
admin                  200     200    200     200     200
koordinator            200     200    200     200     200
inspektorat            200     404    404     200     200
walikota               200     200    200     200     200
kepala-dishub          200     404    404     404     404
kepala-dukcapil        404     200    404     200     404
kepala-inspektorat     200     404    404     404     200
""")

# POST .../transition/: the complaint's "next step": start work (assigned -> in_progress), or
# for the triage complaint reject it as spam (triage -> rejected, with the reason).
WORK_MOVE = {
    "pungli": Status.IN_PROGRESS,
    "delay": Status.IN_PROGRESS,
    "triage": Status.REJECTED,
    "overdue": Status.IN_PROGRESS,
    "head": Status.IN_PROGRESS,
}
TRANSITION = matrix("""
                      pungli  delay  triage  overdue  head
anonymous              401     401    401     401     401
plain                  404     404    404     404     404
admin                  200     200    200     200     200
koordinator            409     409    200     409     409
inspektorat            409     404    404     409     409
walikota               403     403    403     403     403
kepala-dishub          200     404    404     404     404
kepala-dukcapil        404     200    404     200     404
kepala-inspektorat     409     404    404     404     200
""")

# POST .../transition/ {"to": "referred", "message"}: to law enforcement / the Ombudsman.
REFER = matrix("""
                      pungli  delay  triage  overdue  head
anonymous              401     401    401     401     401
plain                  404     404    404     404     404
admin                  200     200    200     200     200
koordinator            409     409    409     409     409
inspektorat            200     404    404     200     200
walikota               403     403    403     403     403
kepala-dishub          409     404    404     404     404
kepala-dukcapil        404     409    404     409     404
kepala-inspektorat     200     404    404     404     200
""")

# POST .../messages/ {"body", "internal"}: the same for a public reply and an internal note.
MESSAGE = matrix("""
                      pungli  delay  triage  overdue  head
anonymous              401     401    401     401     401
plain                  404     404    404     404     404
admin                  201     201    201     201     201
koordinator            201     201    201     201     201
inspektorat            201     404    404     201     201
walikota               403     403    403     403     403
kepala-dishub          201     404    404     404     404
kepala-dukcapil        404     201    404     201     404
kepala-inspektorat     201     404    404     404     201
""")

# POST .../reassign/ {"opd": "DLH", "reason"}: the desk roles only; an OPD says "not ours" instead.
REASSIGN = matrix("""
                      pungli  delay  triage  overdue  head
anonymous              401     401    401     401     401
plain                  404     404    404     404     404
admin                  200     200    200     200     200
koordinator            200     200    200     200     200
inspektorat            200     404    404     200     200
walikota               403     403    403     403     403
kepala-dishub          403     404    404     404     404
kepala-dukcapil        404     403    404     403     404
kepala-inspektorat     200     404    404     404     200
""")
REASSIGN_TO = "DLH"

# POST .../reroute/ {"opd": "DLH", "reason"} (page: action=reroute), "Not our responsibility":
# the handling OPD asks the desk to reroute (201: request recorded, nothing moved yet). A triage
# complaint has no office to say it (409).
REROUTE = matrix("""
                      pungli  delay  triage  overdue  head
anonymous              401     401    401     401     401
plain                  404     404    404     404     404
admin                  201     201    409     201     201
koordinator            403     403    403     403     403
inspektorat            403     404    404     403     403
walikota               403     403    403     403     403
kepala-dishub          201     404    404     404     404
kepala-dukcapil        404     201    404     201     404
kepala-inspektorat     403     404    404     404     201
""")

# POST .../reroute/decision/ {"request", "approve": true} (page: action=decide_reroute): the desk
# approves the handling OPD's pending request (to DLH). A triage complaint has no request: the id
# given (another complaint's request) is unknown for it, 400 on ``request`` to whoever sees it,
# before any question of role. The Inspektorat's own office decides the requests of the
# complaints it oversees, its own included.
DECIDE = matrix("""
                      pungli  delay  triage  overdue  head
anonymous              401     401    401     401     401
plain                  404     404    404     404     404
admin                  200     200    400     200     200
koordinator            200     200    400     200     200
inspektorat            200     404    404     200     200
walikota               403     403    400     403     403
kepala-dishub          403     404    404     404     404
kepala-dukcapil        404     403    404     403     404
kepala-inspektorat     200     404    404     404     200
""")

# POST .../merge/ {"into": another complaint of the same kind} (page: action=merge), "Merge a
# duplicate": the koordinator (or an admin) merges it into the original, which it then follows.
MERGE = matrix("""
                      pungli  delay  triage  overdue  head
anonymous              401     401    401     401     401
plain                  404     404    404     404     404
admin                  200     200    200     200     200
koordinator            200     200    200     200     200
inspektorat            403     404    404     403     403
walikota               403     403    403     403     403
kepala-dishub          403     404    404     404     404
kepala-dukcapil        404     403    404     403     404
kepala-inspektorat     403     404    404     404     403
""")

# GET staff/evidence/<uuid>/ and .../thumbnail/ with a token (page: /staf/bukti/<uuid>/ and
# kecil/, with a session): a photo of the complaint, to whoever may see the complaint.
EVIDENCE = matrix("""
                      pungli  delay  triage  overdue  head
anonymous              401     401    401     401     401
plain                  404     404    404     404     404
admin                  200     200    200     200     200
koordinator            200     200    200     200     200
inspektorat            200     404    404     200     200
walikota               200     200    200     200     200
kepala-dishub          200     404    404     404     404
kepala-dukcapil        404     200    404     200     404
kepala-inspektorat     200     404    404     404     200
""")

# The same complaints, finished: closed by their reporter's acceptance (triage: rejected as spam).
VISIBLE_CLOSED = matrix("""
                      pungli  delay  triage  overdue  head
anonymous               -       -      -       -       -
plain                   -       -      -       -       -
admin                   Y       Y      Y       Y       Y
koordinator             Y       Y      Y       Y       Y
inspektorat             Y       -      -       -       Y
walikota                Y       Y      Y       Y       Y
kepala-dishub           Y       -      -       -       -
kepala-dukcapil         -       Y      -       Y       -
kepala-inspektorat      Y       -      -       -       Y
""")

# POST .../transition/ {"to": "in_progress"} on a finished complaint (page: the status buttons):
# the Inspektorat (or an admin) reopens a closed complaint; nobody reopens a rejected one (409).
REOPEN = matrix("""
                      pungli  delay  triage  overdue  head
anonymous              401     401    401     401     401
plain                  404     404    404     404     404
admin                  200     200    409     200     200
koordinator            409     409    409     409     409
inspektorat            200     404    404     404     200
walikota               403     403    403     403     403
kepala-dishub          409     404    404     404     404
kepala-dukcapil        404     409    404     409     404
kepala-inspektorat     200     404    404     404     200
""")

TABLES = {
    "detail": (DETAIL, VISIBLE),
    "transition": (TRANSITION, VISIBLE),
    "refer": (REFER, VISIBLE),
    "message": (MESSAGE, VISIBLE),
    "reassign": (REASSIGN, VISIBLE),
    "reroute": (REROUTE, VISIBLE),
    "decide": (DECIDE, VISIBLE),
    "merge": (MERGE, VISIBLE),
    "evidence": (EVIDENCE, VISIBLE),
    "reopen": (REOPEN, VISIBLE_CLOSED),
}


@pytest.mark.parametrize("table, visible", list(TABLES.values()), ids=list(TABLES))
def test_every_table_hides_exactly_what_is_out_of_scope(table, visible):
    """404 in every table where (and only where) the complaint is out of the user's scope."""
    for (username, kind), value in table.items():
        if username == ANONYMOUS:
            assert value == "401"
        else:
            assert (value == "404") == (visible[(username, kind)] == "-"), (username, kind)


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def users() -> dict:
    return accounts_ensure()


def api_as(username: str) -> APIClient:
    """An API client authenticated with a token from ``POST auth/token/`` (or anonymous)."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if username != ANONYMOUS:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(client, username)}")
    return client


def pages_as(username: str) -> Client:
    """A browser-like client with a session from the login page (or anonymous)."""
    client = page_client("en")
    if username != ANONYMOUS:
        response = client.post(LOGIN_PAGE, {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.content
    return client


@pytest.fixture
def every_complaint() -> dict[str, Complaint]:
    return {kind: complaint_make(kind) for kind in KINDS}


def state_of(complaint: Complaint) -> tuple:
    complaint = Complaint.objects.get(pk=complaint.pk)
    return (complaint.status, complaint.opd_id, complaint.last_seq)


# What a 409 says, by table: the workflow's refusal, or why there is no office to move it from.
CONFLICT_TEXT = "cannot be moved to"
NO_OFFICE_TEXT = "can no longer be reassigned"


def assert_error(
    response, expected: int, not_found_body: dict, *, conflict: str = CONFLICT_TEXT, field=None
) -> None:
    body = response.json()
    assert set(body) == {"message", "errors"}
    if expected == 404:
        assert body == not_found_body  # indistinguishable from a reference that does not exist
    elif expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    elif expected == 403:
        assert body == {"message": MSG_NOT_PERMITTED, "errors": {}}
    elif expected == 409:
        assert conflict in body["message"] and body["errors"] == {}
    elif expected == 400:
        assert list(body["errors"]) == [field], body
    else:
        raise AssertionError(f"unexpected status {expected}")


def not_found_body(client) -> dict:
    response = client.get(detail_url(UNKNOWN_REFERENCE))
    if response.status_code == 401:
        return {}
    assert response.status_code == 404
    return response.json()


# --- The scenario is what it claims --------------------------------------------------------------


def test_the_five_complaints_land_where_the_columns_say(every_complaint):
    assert {kind: where_it_went(c) for kind, c in every_complaint.items()} == {
        "pungli": (Status.ASSIGNED, "DISHUB", ["INSPEKTORAT"]),
        "delay": (Status.ASSIGNED, "DUKCAPIL", []),
        "triage": (Status.TRIAGE, None, []),
        "overdue": (Status.ASSIGNED, "DUKCAPIL", []),
        "head": (Status.ASSIGNED, "INSPEKTORAT", []),
    }
    assert every_complaint["delay"].category != "pungli"
    assert every_complaint["overdue"].category != "pungli"


# --- Lists and counts: API, inbox page ----------------------------------------------------------


def visible_references(username: str, complaints: dict) -> set[str]:
    return {c.reference for kind, c in complaints.items() if VISIBLE[(username, kind)] == "Y"}


@pytest.mark.parametrize("username", USERS)
def test_api_list_holds_exactly_the_users_scope(users, every_complaint, username):
    response = api_as(username).get(LIST_URL)

    if username == ANONYMOUS:
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        return
    assert response.status_code == 200, response.content
    body = response.json()
    expected = visible_references(username, every_complaint)
    assert {item["reference"] for item in body["results"]} == expected
    assert body["count"] == len(expected)


# Filters narrow the user's scope; none of them widens it. Query -> the complaints it matches.
FILTERS = {
    "opd=DUKCAPIL": {"delay", "overdue"},
    "opd=INSPEKTORAT": {"head"},
    "category=pungli": {"pungli"},
    "status=triage": {"triage"},
    "overdue=true": {"overdue"},
    "overdue=false": {"pungli", "delay", "triage", "head"},
}


@pytest.mark.parametrize("query", list(FILTERS))
@pytest.mark.parametrize("username", [PLAIN, *ACCOUNTS])
def test_api_list_filters_never_widen_the_scope(users, every_complaint, username, query):
    response = api_as(username).get(f"{LIST_URL}?{query}")

    assert response.status_code == 200, response.content
    body = response.json()
    expected = {
        c.reference
        for kind, c in every_complaint.items()
        if VISIBLE[(username, kind)] == "Y" and kind in FILTERS[query]
    }
    assert {item["reference"] for item in body["results"]} == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("username", USERS)
def test_inbox_page_lists_and_counts_exactly_the_users_scope(users, every_complaint, username):
    response = pages_as(username).get(INBOX_PAGE)

    if username == ANONYMOUS:
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN_PAGE}?next={INBOX_PAGE}"
        return
    assert response.status_code == 200
    expected = visible_references(username, every_complaint)
    assert response.context["page"].paginator.count == len(expected)
    assert {row[0].reference for row in response.context["rows"]} == expected
    html = response.content.decode()
    for complaint in every_complaint.values():
        assert (complaint.reference in html) == (complaint.reference in expected)


# --- Live staff channels ------------------------------------------------------------------------


def user_object(username: str, users: dict):
    return AnonymousUser() if username == ANONYMOUS else users[username]


@pytest.mark.parametrize("username", USERS)
def test_staff_channels_reach_exactly_the_visible_complaints(users, every_complaint, username):
    """A complaint's live updates reach a user's channels iff the user may see the complaint."""
    user = user_object(username, users)
    joined = set(staff_channel_groups(user))
    visible = set(complaints_visible_to(user).values_list("reference", flat=True))
    for kind, complaint in every_complaint.items():
        reaches = bool(set(complaint_staff_groups(complaint)) & joined)
        assert reaches == (complaint.reference in visible), kind
        assert reaches == (VISIBLE[(username, kind)] == "Y"), kind


# --- The API, one complaint at a time ------------------------------------------------------------


@pytest.mark.parametrize("username, kind, expected", cells(DETAIL))
def test_api_detail(users, username, kind, expected):
    complaint = complaint_make(kind)
    client = api_as(username)

    response = client.get(detail_url(complaint.reference))

    assert response.status_code == expected, response.content
    if expected == 200:
        body = response.json()
        assert body["reference"] == complaint.reference
        if username == "walikota":
            assert body["allowed_transitions"] == []
    else:
        assert_error(response, expected, not_found_body(client))


@pytest.mark.parametrize("username, kind, expected", cells(TRANSITION))
def test_api_transition(users, username, kind, expected):
    complaint = complaint_make(kind)
    client = api_as(username)
    before = state_of(complaint)
    target = WORK_MOVE[kind]

    response = client.post(
        detail_url(complaint.reference, "transition"),
        {"to": target, "message": "Laporan tidak dapat ditindaklanjuti: tidak jelas."},
        format="json",
    )

    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["status"] == target
        assert Complaint.objects.get(pk=complaint.pk).status == target
    else:
        assert state_of(complaint) == before
        assert_error(response, expected, not_found_body(client))


@pytest.mark.parametrize("username, kind, expected", cells(REFER))
def test_api_refer(users, username, kind, expected):
    complaint = complaint_make(kind)
    client = api_as(username)
    before = state_of(complaint)

    response = client.post(
        detail_url(complaint.reference, "transition"),
        {"to": Status.REFERRED, "message": "Dilimpahkan ke Ombudsman RI Perwakilan Bengkulu."},
        format="json",
    )

    assert response.status_code == expected, response.content
    if expected == 200:
        assert Complaint.objects.get(pk=complaint.pk).status == Status.REFERRED
    else:
        assert state_of(complaint) == before
        assert_error(response, expected, not_found_body(client))


@pytest.mark.parametrize("internal", [False, True], ids=["public", "internal"])
@pytest.mark.parametrize("username, kind, expected", cells(MESSAGE))
def test_api_message(users, username, kind, expected, internal):
    complaint = complaint_make(kind)
    client = api_as(username)
    before = state_of(complaint)

    response = client.post(
        detail_url(complaint.reference, "messages"),
        {"body": "Mohon sebutkan jam kejadian.", "internal": internal},
        format="json",
    )

    assert response.status_code == expected, response.content
    if expected == 201:
        event = complaint.events.order_by("-seq").first()
        assert (event.text, event.public, event.actor.username) == (
            "Mohon sebutkan jam kejadian.",
            not internal,
            username,
        )
    else:
        assert state_of(complaint) == before
        assert_error(response, expected, not_found_body(client))


@pytest.mark.parametrize("username, kind, expected", cells(REASSIGN))
def test_api_reassign(users, username, kind, expected):
    complaint = complaint_make(kind)
    client = api_as(username)
    before = state_of(complaint)

    response = client.post(
        detail_url(complaint.reference, "reassign"),
        {"opd": REASSIGN_TO, "reason": "Ini urusan kebersihan pasar."},
        format="json",
    )

    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["opd"]["code"] == REASSIGN_TO
    else:
        assert state_of(complaint) == before
        assert_error(response, expected, not_found_body(client))


def assert_rerouted_as_asked(complaint, before, username, expected) -> None:
    """A request recorded exactly when allowed; a request moves nothing by itself."""
    requests = list(complaint.reroute_requests.values_list("state", "suggested_opd__code"))
    if expected == 201:
        assert requests == [(RerouteRequest.State.PENDING, REASSIGN_TO)]
        assert state_of(complaint)[:2] == before[:2]
        note = complaint.events.order_by("-seq").first()
        assert (note.kind, note.public, note.actor.username) == (Event.Kind.NOTE, False, username)
    else:
        assert requests == []
        assert state_of(complaint) == before


@pytest.mark.parametrize("username, kind, expected", cells(REROUTE))
def test_api_reroute_request(users, username, kind, expected):
    complaint = complaint_make(kind)
    client = api_as(username)
    before = state_of(complaint)

    response = client.post(
        detail_url(complaint.reference, "reroute"),
        {"opd": REASSIGN_TO, "reason": "Bukan kewenangan kami."},
        format="json",
    )

    assert response.status_code == expected, response.content
    if expected == 201:
        body = response.json()
        assert body["opd"]["code"] == complaint.opd.code  # still with the office
        [request] = body["reroute_requests"]
        assert (request["state"], request["suggested_opd"]) == ("pending", REASSIGN_TO)
        assert body["actions"]["reroute_request"] is True
    else:
        assert_error(response, expected, not_found_body(client), conflict=NO_OFFICE_TEXT)
    assert_rerouted_as_asked(complaint, before, username, expected)


def pending_request(complaint: Complaint, users: dict) -> RerouteRequest:
    """The handling office's pending "not ours" (to DLH). A complaint in triage has none: it
    gets a request of another complaint, which must be unknown for it."""
    if complaint.opd_id is None:
        complaint = complaint_make("pungli")
    return complaint_reroute_request(
        user=users[handler_of(complaint)],
        complaint=complaint,
        suggested_opd=Opd.objects.get(code=REASSIGN_TO),
        reason="Bukan kewenangan kami: urusan kebersihan pasar.",
    )


def assert_decided_as_asked(complaint, request, before, username, expected) -> None:
    request.refresh_from_db()
    if expected == 200:
        assert (request.state, request.decided_by.username) == ("approved", username)
        assert Complaint.objects.get(pk=complaint.pk).opd.code == REASSIGN_TO
    else:
        assert (request.state, request.decided_by, request.decided_at) == ("pending", None, None)
        assert state_of(complaint) == before


@pytest.mark.parametrize("username, kind, expected", cells(DECIDE))
def test_api_reroute_decision(users, username, kind, expected):
    complaint = complaint_make(kind)
    request = pending_request(complaint, users)
    client = api_as(username)
    before = state_of(complaint)

    response = client.post(
        detail_url(complaint.reference, "reroute/decision"),
        {"request": request.pk, "approve": True},
        format="json",
    )

    assert response.status_code == expected, response.content
    if expected == 200:
        body = response.json()
        assert body["opd"]["code"] == REASSIGN_TO
        assert [(r["id"], r["state"]) for r in body["reroute_requests"]] == [
            (request.pk, "approved")
        ]
    else:
        assert_error(response, expected, not_found_body(client), field="request")
        if expected == 400:
            assert response.json()["errors"] == {"request": ["Unknown request."]}
    assert_decided_as_asked(complaint, request, before, username, expected)


def assert_merged_as_asked(duplicate, original, before, username, expected) -> None:
    merged = Complaint.objects.get(pk=duplicate.pk)
    if expected == 200:
        # Merged: it follows the original (office and status; the same here, one kind), which
        # is not moved by the merge.
        assert merged.merged_into_id == original.pk
        assert state_of(original)[:2] == before[1][:2] == (merged.status, merged.opd_id)
        told = original.events.order_by("-seq").first()
        assert (told.kind, told.actor.username) == (Event.Kind.MERGED, username)
        assert merged.events.filter(kind=Event.Kind.MERGED).count() == 1
    else:
        assert (state_of(duplicate), state_of(original)) == before
        assert merged.merged_into_id is None


@pytest.mark.parametrize("username, kind, expected", cells(MERGE))
def test_api_merge(users, username, kind, expected):
    original = complaint_make(kind)
    duplicate = complaint_make(kind)
    client = api_as(username)
    before = state_of(duplicate), state_of(original)

    response = client.post(
        detail_url(duplicate.reference, "merge"),
        {"into": original.reference, "reason": "Kejadian yang sama."},
        format="json",
    )

    assert response.status_code == expected, response.content
    if expected == 200:
        body = response.json()
        assert (body["reference"], body["status"]) == (duplicate.reference, before[1][0])
        # Staff act on the original from now on: nothing left to do on the duplicate but notes.
        assert (body["allowed_transitions"], body["actions"]["merge"]) == ([], False)
    else:
        assert_error(response, expected, not_found_body(client))
    assert_merged_as_asked(duplicate, original, before, username, expected)


def assert_photo(response, field) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    with field.open("rb") as stored:
        assert read(response) == stored.read()


@pytest.mark.parametrize("username, kind, expected", cells(EVIDENCE))
def test_api_evidence(users, username, kind, expected):
    complaint = complaint_make(kind)
    evidence = evidence_add(complaint)
    client = api_as(username)

    for url, field in zip(evidence_api_urls(evidence.pk), ("image", "thumbnail"), strict=True):
        response = client.get(url)

        assert response.status_code == expected, response.content
        if expected == 200:
            assert_photo(response, getattr(evidence, field))
        else:
            assert_error(response, expected, not_found_body(client))
            missing = client.get(url.replace(str(evidence.pk), str(uuid.uuid4())))
            assert (missing.status_code, missing.json()) == (expected, response.json())


def finished(kind: str, users: dict) -> Complaint:
    """A complaint of ``kind``, finished: resolved by its office and accepted by its reporter
    (closed); the triage one rejected as spam by the koordinator."""
    complaint = complaint_make(kind)
    if kind == "triage":
        complaint_staff_transition(
            user=users["koordinator"],
            complaint=complaint,
            target=Status.REJECTED,
            message="Iklan, bukan pengaduan.",
        )
    else:
        office = users[handler_of(complaint)]
        for target in (Status.IN_PROGRESS, Status.RESOLVED):
            complaint_staff_transition(
                user=office, complaint=complaint, target=target, message="Sudah ditertibkan."
            )
        complaint_reporter_decision(complaint=complaint, accept=True)
    complaint.refresh_from_db()
    assert complaint.status == (Status.REJECTED if kind == "triage" else Status.CLOSED)
    return complaint


def test_the_finished_complaints_are_seen_as_the_table_says(users):
    complaints = {kind: finished(kind, users) for kind in KINDS}
    for username in USERS:
        user = user_object(username, users)
        visible = set(complaints_visible_to(user).values_list("pk", flat=True))
        for kind, complaint in complaints.items():
            assert (complaint.pk in visible) == (VISIBLE_CLOSED[(username, kind)] == "Y"), (
                username,
                kind,
            )


def assert_reopened_as_asked(complaint, before, username, expected) -> None:
    if expected == 200:
        event = complaint.events.order_by("-seq").first()
        assert (event.kind, event.status, event.actor.username) == (
            Event.Kind.STATUS,
            Status.IN_PROGRESS,
            username,
        )
        assert Complaint.objects.get(pk=complaint.pk).status == Status.IN_PROGRESS
    else:
        assert state_of(complaint) == before


@pytest.mark.parametrize("username, kind, expected", cells(REOPEN))
def test_api_reopen(users, username, kind, expected):
    complaint = finished(kind, users)
    client = api_as(username)
    before = state_of(complaint)
    if expected != 401 and VISIBLE_CLOSED[(username, kind)] == "Y":
        allowed = client.get(detail_url(complaint.reference)).json()["allowed_transitions"]
        assert (Status.IN_PROGRESS in allowed) == (expected == 200)

    response = client.post(
        detail_url(complaint.reference, "transition"), {"to": Status.IN_PROGRESS}, format="json"
    )

    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["status"] == Status.IN_PROGRESS
    else:
        assert_error(response, expected, not_found_body(client))
    assert_reopened_as_asked(complaint, before, username, expected)


# --- What the detail offers: exactly what the tables allow --------------------------------------

# The detail's ``actions`` flag -> the table (and the cell) that says the action succeeds.
ACTION_FLAGS = {
    "message": (MESSAGE, "201"),
    "note": (MESSAGE, "201"),
    "reassign": (REASSIGN, "200"),
    "reroute_request": (REROUTE, "201"),
    "merge": (MERGE, "200"),
}
DESK = {"admin", "koordinator", "inspektorat", "kepala-inspektorat"}


def offered(username: str, kind: str) -> dict[str, bool]:
    flags = {flag: table[(username, kind)] == ok for flag, (table, ok) in ACTION_FLAGS.items()}
    # Deciding needs a pending request; the flag says the user may decide this complaint's.
    flags["reroute_decide"] = username in DESK and VISIBLE[(username, kind)] == "Y"
    if kind != "triage":
        assert flags["reroute_decide"] == (DECIDE[(username, kind)] == "200")
    return flags


@pytest.mark.parametrize(
    "username, kind",
    [
        (username, kind)
        for username in [PLAIN, *ACCOUNTS]
        for kind in KINDS
        if VISIBLE[(username, kind)] == "Y"
    ],
)
def test_the_detail_and_the_page_offer_exactly_the_allowed_actions(users, username, kind):
    complaint = complaint_make(kind)
    expected = offered(username, kind)

    body = api_as(username).get(detail_url(complaint.reference)).json()
    html = pages_as(username).get(page_url(complaint.reference)).content.decode()

    # The flags the tables speak for (the detail may offer more, checked where it is defined).
    assert {flag: body["actions"][flag] for flag in expected} == expected
    forms = {
        "reassign": 'name="action" value="reassign"' in html,
        "reroute_request": 'name="action" value="reroute"' in html,
        "merge": 'name="action" value="merge"' in html,
        "note": 'name="internal" value="true"' in html,
        "message": html.count('name="action" value="message"') == 2,
    }
    assert forms == {flag: expected[flag] for flag in forms}
    transitions = TRANSITION[(username, kind)] == "200" or REFER[(username, kind)] == "200"
    assert bool(body["allowed_transitions"]) == transitions
    assert ('name="action" value="transition"' in html) == transitions


# --- The pages: same services, same answers ------------------------------------------------------


def page_status(api_status: int) -> int:
    """What the detail page answers where the API answers ``api_status``."""
    if api_status in (200, 201):
        return 302  # back to the complaint, with a message
    if api_status == 401:
        return 302  # to the login page
    return api_status


def assert_page_answer(response, api_status: int, complaint: Complaint, user=None) -> None:
    assert response.status_code == page_status(api_status), response.content[:2000]
    if api_status == 401:
        assert response["Location"] == f"{LOGIN_PAGE}?next={page_url(complaint.reference)}"
    elif api_status in (200, 201):
        # Back to the complaint, or to the inbox when the action took it out of the user's scope.
        still_visible = complaints_visible_to(user).filter(pk=complaint.pk).exists()
        expected = page_url(complaint.reference) if still_visible else INBOX_PAGE
        assert response["Location"] == expected
    elif api_status in (400, 403, 409):
        # The page says why, in the messages area.
        messages = [str(m) for m in response.context["messages"]]
        assert messages and all(messages), messages
        if api_status == 403:
            assert messages == [MSG_NOT_PERMITTED]
    elif api_status == 404:
        assert complaint.reference not in response.content.decode()


@pytest.mark.parametrize("username, kind, expected", cells(DETAIL))
def test_page_detail(users, username, kind, expected):
    complaint = complaint_make(kind)

    response = pages_as(username).get(page_url(complaint.reference))

    if expected == 200:
        assert response.status_code == 200
        html = response.content.decode()
        assert complaint.reference in html
        if username == "walikota":
            assert 'name="action"' not in html  # read-only: no action form at all
    else:
        assert_page_answer(response, expected, complaint, user_object(username, users))


@pytest.mark.parametrize("username, kind, expected", cells(TRANSITION))
def test_page_transition(users, username, kind, expected):
    complaint = complaint_make(kind)
    before = state_of(complaint)

    response = pages_as(username).post(
        page_url(complaint.reference),
        {"action": "transition", "to": WORK_MOVE[kind], "message": "Laporan tidak jelas."},
    )

    assert_page_answer(response, expected, complaint, user_object(username, users))
    after = Complaint.objects.get(pk=complaint.pk).status
    assert after == (WORK_MOVE[kind] if expected == 200 else before[0])


@pytest.mark.parametrize("username, kind, expected", cells(REFER))
def test_page_refer(users, username, kind, expected):
    complaint = complaint_make(kind)
    before = state_of(complaint)

    response = pages_as(username).post(
        page_url(complaint.reference),
        {
            "action": "transition",
            "to": Status.REFERRED,
            "destination": "police",
            "message": "Dilimpahkan ke APH.",
        },
    )

    assert_page_answer(response, expected, complaint, user_object(username, users))
    if expected != 200:
        assert state_of(complaint) == before


# The page's two forms: a public reply, and an internal note (``action=message`` with
# ``internal=true``, the API's field).
PAGE_MESSAGE_FORMS = {"message": {}, "note": {"internal": "true"}}


@pytest.mark.parametrize("form", list(PAGE_MESSAGE_FORMS))
@pytest.mark.parametrize("username, kind, expected", cells(MESSAGE))
def test_page_message_and_note(users, username, kind, expected, form):
    complaint = complaint_make(kind)
    before = state_of(complaint)

    response = pages_as(username).post(
        page_url(complaint.reference),
        {"action": "message", "body": "Mohon sebutkan jam kejadian.", **PAGE_MESSAGE_FORMS[form]},
    )

    assert_page_answer(response, expected, complaint, user_object(username, users))
    if expected == 201:
        event = complaint.events.order_by("-seq").first()
        assert (event.text, event.public, event.actor.username) == (
            "Mohon sebutkan jam kejadian.",
            form == "message",
            username,
        )
    else:
        assert state_of(complaint) == before


@pytest.mark.parametrize("username, kind, expected", cells(REASSIGN))
def test_page_reassign(users, username, kind, expected):
    complaint = complaint_make(kind)
    before = state_of(complaint)

    response = pages_as(username).post(
        page_url(complaint.reference),
        {"action": "reassign", "opd": REASSIGN_TO, "reason": "Urusan kebersihan pasar."},
    )

    assert_page_answer(response, expected, complaint, user_object(username, users))
    if expected == 200:
        assert Complaint.objects.get(pk=complaint.pk).opd.code == REASSIGN_TO
    else:
        assert state_of(complaint) == before


@pytest.mark.parametrize("username, kind, expected", cells(REROUTE))
def test_page_reroute_request(users, username, kind, expected):
    complaint = complaint_make(kind)
    before = state_of(complaint)

    response = pages_as(username).post(
        page_url(complaint.reference),
        {"action": "reroute", "opd": REASSIGN_TO, "reason": "Bukan kewenangan kami."},
    )

    assert_page_answer(response, expected, complaint, user_object(username, users))
    assert_rerouted_as_asked(complaint, before, username, expected)


@pytest.mark.parametrize("username, kind, expected", cells(DECIDE))
def test_page_reroute_decision(users, username, kind, expected):
    complaint = complaint_make(kind)
    request = pending_request(complaint, users)
    before = state_of(complaint)

    response = pages_as(username).post(
        page_url(complaint.reference),
        {"action": "decide_reroute", "request": request.pk, "approve": "true", "note": ""},
    )

    assert_page_answer(response, expected, complaint, user_object(username, users))
    assert_decided_as_asked(complaint, request, before, username, expected)


@pytest.mark.parametrize("username, kind, expected", cells(MERGE))
def test_page_merge(users, username, kind, expected):
    original = complaint_make(kind)
    duplicate = complaint_make(kind)
    before = state_of(duplicate), state_of(original)

    response = pages_as(username).post(
        page_url(duplicate.reference),
        {"action": "merge", "into": original.reference, "reason": "Kejadian yang sama."},
    )

    assert_page_answer(response, expected, duplicate, user_object(username, users))
    assert_merged_as_asked(duplicate, original, before, username, expected)


@pytest.mark.parametrize("username, kind, expected", cells(EVIDENCE))
def test_page_evidence(users, username, kind, expected):
    complaint = complaint_make(kind)
    evidence = evidence_add(complaint)
    client = pages_as(username)

    for url, field in zip(evidence_page_urls(evidence.pk), ("image", "thumbnail"), strict=True):
        response = client.get(url)

        if expected == 200:
            assert_photo(response, getattr(evidence, field))
        else:
            # Anonymous too: a photo never redirects to the login page (that would confirm it).
            missing = client.get(url.replace(str(evidence.pk), str(uuid.uuid4())))
            assert (response.status_code, missing.status_code) == (404, 404)
            assert "Location" not in response and response.content == missing.content


@pytest.mark.parametrize("username, kind, expected", cells(REOPEN))
def test_page_reopen(users, username, kind, expected):
    complaint = finished(kind, users)
    before = state_of(complaint)
    client = pages_as(username)
    if expected != 401 and VISIBLE_CLOSED[(username, kind)] == "Y":
        html = client.get(page_url(complaint.reference)).content.decode()
        # The status buttons are offered exactly when the move is allowed.
        assert ('name="to" value="in_progress"' in html) == (expected == 200)

    response = client.post(
        page_url(complaint.reference),
        {"action": "transition", "to": Status.IN_PROGRESS, "message": "Bukti baru masuk."},
    )

    assert_page_answer(response, expected, complaint, user_object(username, users))
    assert_reopened_as_asked(complaint, before, username, expected)


def test_a_plain_account_is_a_user_with_no_staff_scope(users):
    """``plain`` logs in like anyone, but sees nothing and joins no live channel."""
    user = account(PLAIN)
    assert user.is_authenticated and not user.is_staff and not user.groups.exists()
    assert staff_channel_groups(user) == []
    assert not complaints_visible_to(user).exists()


@pytest.mark.parametrize(
    "username, kind, path, body",
    [
        ("inspektorat", "overdue", "transition", {"to": "referred", "message": "Ke Ombudsman."}),
        ("inspektorat", "overdue", "reassign", {"opd": REASSIGN_TO, "reason": "Salah alamat."}),
        ("kepala-inspektorat", "head", "reassign", {"opd": REASSIGN_TO, "reason": "Salah alamat."}),
    ],
)
def test_an_action_that_takes_a_complaint_out_of_scope_still_answers_with_its_result(
    users, username, kind, path, body
):
    """The actor is told what their action did; from then on the complaint is a 404 for them."""
    complaint = complaint_make(kind)
    client = api_as(username)

    response = client.post(detail_url(complaint.reference, path), body, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["reference"] == complaint.reference
    assert not complaints_visible_to(users[username]).filter(pk=complaint.pk).exists()
    assert client.get(detail_url(complaint.reference)).status_code == 404


def test_a_decision_that_takes_a_complaint_out_of_scope_still_answers_with_its_result(users):
    """The Inspektorat sees an overdue complaint; approving its reroute restarts the new office's
    clock, so it is no longer overdue, nor the Inspektorat's."""
    complaint = complaint_make("overdue")
    request = pending_request(complaint, users)
    client = api_as("inspektorat")

    response = client.post(
        detail_url(complaint.reference, "reroute/decision"),
        {"request": request.pk, "approve": True},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert (response.json()["reference"], response.json()["opd"]["code"]) == (
        complaint.reference,
        REASSIGN_TO,
    )
    assert not complaints_visible_to(users["inspektorat"]).filter(pk=complaint.pk).exists()
    assert client.get(detail_url(complaint.reference)).status_code == 404

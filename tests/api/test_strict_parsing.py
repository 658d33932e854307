"""Strict parsing on the API (issue 12 findings 4, 5 and 14, replayed through HTTP).

- Deeply nested JSON (5,000 levels) answered 500 with a traceback on every JSON endpoint; now
  400 ``{"message", "errors": {}}`` in the request's language, and nothing is stored.
- Numbers are whole numbers in the ASCII digits 0-9 of a bounded length: other scripts' digits,
  superscripts, thousands of digits, ``NaN`` and out-of-range floats are a 400.
- A text with nothing visible in it (zero-width characters, BOM, soft hyphen, odd spaces) is
  "required", not a complaint or a message.
"""

import json

import pytest

from complaints.models import Complaint, Event, Rating, RatingElement, Status
from routing.models import Opd
from tests.api.client import COMPLAINTS_URL, PARKIR_STORY, complaint_post
from tests.api.staff import detail_url
from tests.factories import api_client_for, complaint_moved_to, staff_user

pytestmark = pytest.mark.django_db

NESTED_ARRAYS = "[" * 5000 + "]" * 5000
NESTED_OBJECTS = '{"a":' * 5000 + "1" + "}" * 5000
UNCLOSED = "[" * 5000

ANONYMOUS_JSON_URLS = [
    "/api/v1/complaints/",
    "/api/v1/routing/preview/",
    "/api/v1/track/",
    "/api/v1/track/messages/",
    "/api/v1/track/decision/",
    "/api/v1/track/withdraw/",
    "/api/v1/track/proof/",
    "/api/v1/auth/token/",
]
STAFF_ACTIONS = [
    "transition",
    "messages",
    "reassign",
    "reroute",
    "reroute/decision",
    "merge",
    "summary",
    "legal-hold",
]
# Invisible: zero-width space, ZWNJ, ZWJ, word joiner, BOM, soft hyphen, an ideographic space,
# a no-break space, a Hangul filler, a variation selector, a line separator, a tab.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u3000\u00a0\u3164\ufe0f\u2028\t"


def post_raw(client, url: str, body: str, **extra):
    return client.generic("POST", url, body.encode(), content_type="application/json", **extra)


def assert_refused(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert body["message"]
    return body


def counts() -> tuple:
    return Complaint.objects.count(), Event.objects.count(), Rating.objects.count()


# --- Finding 4: deeply nested JSON -----------------------------------------------------------


@pytest.mark.parametrize("url", ANONYMOUS_JSON_URLS)
@pytest.mark.parametrize("body", [NESTED_ARRAYS, NESTED_OBJECTS, UNCLOSED])
def test_deep_json_on_every_anonymous_endpoint_is_400(parkir, url, body):
    before = counts()
    refused = assert_refused(post_raw(api_client_for(), url, body))
    assert refused["errors"] == {}
    assert counts() == before


@pytest.mark.parametrize("action", STAFF_ACTIONS)
def test_deep_json_on_every_staff_action_is_400(parkir, action):
    complaint, _receipt = parkir
    client = api_client_for(staff_user("admin"))
    before = counts()
    assert_refused(post_raw(client, detail_url(complaint.reference, action), NESTED_ARRAYS))
    assert counts() == before


def test_deep_json_message_is_in_the_request_language(directory):
    english = assert_refused(
        post_raw(api_client_for(), COMPLAINTS_URL, NESTED_ARRAYS, HTTP_ACCEPT_LANGUAGE="en")
    )
    indonesian = assert_refused(post_raw(api_client_for(), COMPLAINTS_URL, NESTED_ARRAYS))
    assert english["message"] == "The request could not be read."
    assert indonesian["message"] != english["message"]


def nested(value, depth: int):
    for _level in range(depth):
        value = [value]
    return value


def test_nesting_up_to_the_limit_is_read_and_one_more_is_refused(directory):
    # The whole body counts: the outer object is level 1, so 19 arrays inside it make 20.
    accepted = complaint_post(api_client_for(), {**PARKIR_STORY, "extra": nested(1, 19)})
    assert accepted.status_code == 201, accepted.content
    before = counts()
    refused = complaint_post(api_client_for(), {**PARKIR_STORY, "extra": nested(1, 20)})
    assert_refused(refused)
    assert counts() == before


def test_brackets_inside_text_are_not_nesting(directory):
    description = "Petugas menulis " + "[{" * 2000 + " di kuitansi, lalu minta Rp50.000."
    response = complaint_post(api_client_for(), {**PARKIR_STORY, "description": description})
    assert response.status_code == 201, response.content
    stored = Complaint.objects.get(reference=response.json()["reference"])
    assert stored.description == description


def test_escaped_quotes_do_not_hide_nesting(directory):
    # A string that ends in an escaped quote is still open: what follows is inside it, not
    # structure; a scanner that got this wrong would either refuse this or miss the nesting.
    inside = json.dumps({**PARKIR_STORY, "description": 'kata "[[[[" dan \\"]]]]'})
    assert post_raw(api_client_for(), COMPLAINTS_URL, inside).status_code == 201
    hidden = '{"description": "a\\\\", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    assert_refused(post_raw(api_client_for(), COMPLAINTS_URL, hidden))


def test_a_json_body_larger_than_the_form_limit_is_413(directory, settings):
    body = json.dumps({**PARKIR_STORY, "padding": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    before = counts()
    assert_refused(post_raw(api_client_for(), COMPLAINTS_URL, body), status=413)
    assert counts() == before


# --- Numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount",
    [
        "١٠٠٠٠",  # Arabic-Indic digits: int() reads 10000
        "10²",
        "１０００",  # fullwidth
        "1_000",
        "+1000",
        "10.000",
        "9" * 5000,
        True,
        2.5,
        10000.0,
    ],
)
def test_an_amount_must_be_ascii_digits(directory, amount):
    before = counts()
    body = assert_refused(complaint_post(api_client_for(), {**PARKIR_STORY, "amount_paid": amount}))
    assert "amount_paid" in body["errors"]
    assert counts() == before


def test_ascii_digit_amounts_are_read(directory):
    for amount in (10000, "10000", " 2000 "):
        response = complaint_post(api_client_for(), {**PARKIR_STORY, "amount_paid": amount})
        assert response.status_code == 201, (amount, response.content)


@pytest.mark.parametrize(
    "number", ["1" + "0" * 5000, "1" + "0" * 60, "1e999", "-1e999", "NaN", "Infinity"]
)
def test_json_numbers_out_of_bounds_are_400(directory, number):
    body = json.dumps(PARKIR_STORY)[:-1] + f', "amount_paid": {number}}}'
    before = counts()
    assert_refused(post_raw(api_client_for(), COMPLAINTS_URL, body))
    assert counts() == before


@pytest.mark.parametrize("date", ["٢٠٢٦-01-01", "2026-01-0١", "20260101", "2026-W01-1"])
def test_a_date_must_be_written_yyyy_mm_dd_in_ascii(directory, date):
    body = assert_refused(complaint_post(api_client_for(), {**PARKIR_STORY, "incident_date": date}))
    assert "incident_date" in body["errors"]


@pytest.fixture
def resolved(parkir):
    complaint, receipt = parkir
    complaint_moved_to(complaint, Status.RESOLVED)
    return complaint, receipt


@pytest.mark.parametrize("rating", ["²", "٣", "３", "9" * 5000, "3.0", True, 2.5, None, [3]])
def test_a_rating_must_be_ascii_digits(resolved, rating):
    complaint, receipt = resolved
    element = RatingElement.values[0]
    before = counts()
    response = api_client_for().post(
        "/api/v1/track/decision/",
        {"receipt": receipt, "accept": True, "ratings": {element: rating}},
        format="json",
    )
    body = assert_refused(response)
    assert "ratings" in body["errors"]
    assert counts() == before
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_a_rating_in_ascii_digits_is_recorded(resolved):
    complaint, receipt = resolved
    response = api_client_for().post(
        "/api/v1/track/decision/",
        {"receipt": receipt, "accept": True, "ratings": dict.fromkeys(RatingElement.values, "4")},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert sorted(Rating.objects.values_list("value", flat=True)) == [4] * len(RatingElement)


@pytest.mark.parametrize("request_id", ["٣", "1" * 30, True, "1e3"])
def test_a_reroute_request_number_must_be_ascii_digits(parkir, request_id):
    complaint, _receipt = parkir
    client = api_client_for(staff_user("koordinator"))
    response = client.post(
        detail_url(complaint.reference, "reroute/decision"),
        {"request": request_id, "approve": True},
        format="json",
    )
    body = assert_refused(response)
    assert "request" in body["errors"]


# --- Finding 14: text with nothing visible -----------------------------------------------------


@pytest.mark.parametrize(
    "description", [INVISIBLE, "\u200b" * 4000, "\u200b \u200b\n\u2060", "\ufeff\u00ad"]
)
def test_a_description_of_invisible_characters_is_required(directory, description):
    before = counts()
    response = complaint_post(api_client_for(), {**PARKIR_STORY, "description": description})
    body = assert_refused(response)
    assert "description" in body["errors"]
    assert counts() == before


def test_an_invisible_description_is_refused_in_multipart_too(directory):
    before = counts()
    response = api_client_for().post(
        COMPLAINTS_URL, {**PARKIR_STORY, "description": INVISIBLE}, format="multipart"
    )
    assert "description" in assert_refused(response)["errors"]
    assert counts() == before


def test_visible_text_with_invisible_characters_in_it_is_kept(directory):
    description = "Jukir\u200b minta Rp10.000 👨\u200d👩\u200d👧 tanpa karcis."
    response = complaint_post(api_client_for(), {**PARKIR_STORY, "description": description})
    assert response.status_code == 201, response.content
    assert Complaint.objects.get(reference=response.json()["reference"]).description == description


def test_a_reporter_message_of_invisible_characters_is_required(parkir):
    complaint, receipt = parkir
    complaint_moved_to(complaint, Status.NEEDS_INFO)
    before = counts()
    response = api_client_for().post(
        "/api/v1/track/messages/", {"receipt": receipt, "body": INVISIBLE}, format="json"
    )
    assert "body" in assert_refused(response)["errors"]
    assert counts() == before


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("messages", {"body": INVISIBLE}, "body"),
        ("messages", {"body": INVISIBLE, "internal": True}, "body"),
        ("reassign", {"opd": "DUKCAPIL", "reason": INVISIBLE}, "reason"),
        ("legal-hold", {"hold": True, "reason": INVISIBLE}, "reason"),
    ],
)
def test_staff_texts_of_invisible_characters_are_required(parkir, action, data, field):
    complaint, _receipt = parkir
    client = api_client_for(staff_user("admin"))
    before = counts()
    response = client.post(detail_url(complaint.reference, action), data, format="json")
    assert field in assert_refused(response)["errors"]
    assert counts() == before
    complaint.refresh_from_db()
    assert complaint.opd == Opd.objects.get(code="DISHUB")
    assert not complaint.legal_hold


@pytest.mark.parametrize("day", ["٢٠٢٦-01-01", "20260101", "2026-W01-1"])
@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/staff/complaints/", "created_after"),
        ("/api/v1/staff/complaints/", "created_before"),
        ("/api/v1/stats/overview/", "from"),
        ("/api/v1/stats/overview/", "to"),
    ],
)
def test_date_parameters_must_be_yyyy_mm_dd_in_ascii(directory, url, parameter, day):
    client = api_client_for(staff_user("admin"))
    body = assert_refused(client.get(url, {parameter: day}))
    assert parameter in body["errors"]
    assert client.get(url, {parameter: "2026-01-01"}).status_code == 200


# --- Answers the fuzzer found undocumented ------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/public/figures/", "/api/v1/stats/overview/"])
def test_an_unknown_format_is_a_400_on_format(directory, url):
    client = api_client_for(staff_user("admin"), language="en")
    body = assert_refused(client.get(url, {"format": "xml"}))
    assert "format" in body["errors"]


@pytest.mark.parametrize(
    "path", ["staff/evidence/not-a-uuid/", "staff/evidence/1/thumbnail/", "no/such/thing/"]
)
def test_an_unknown_api_address_is_a_json_404(directory, path):
    response = api_client_for(staff_user("admin")).get(f"/api/v1/{path}")
    assert_refused(response, status=404)


# --- NUL bytes: PostgreSQL refuses them in any query parameter -----------------------------------
# (found by the schema fuzzer on PostgreSQL: a NUL in an office code was a 500)


@pytest.mark.parametrize("code", ["DIS\x00HUB", "\x00", "DISHUB\n", "X" * 65])
def test_an_office_code_that_cannot_be_a_code_is_400_before_any_lookup(parkir, code):
    complaint, _receipt = parkir
    client = api_client_for(staff_user("admin"))

    response = client.post(
        detail_url(complaint.reference) + "reassign/",
        {"opd": code, "reason": "salah"},
        format="json",
    )

    body = assert_refused(response)
    assert "opd" in body["errors"]
    assert Complaint.objects.get(pk=complaint.pk).opd == complaint.opd


def test_a_service_code_with_a_nul_byte_on_a_report_is_400_and_files_nothing(directory):
    before = counts()

    response = complaint_post(api_client_for(), {**PARKIR_STORY, "service": "PARKIR\x00MOTOR"})

    assert "service" in assert_refused(response)["errors"]
    assert counts() == before


@pytest.mark.parametrize("path", ["staff/complaints/BKL-26-%00/", "staff/complaints/%00/audit/"])
def test_a_reference_with_a_nul_byte_in_the_address_is_404(directory, path):
    response = api_client_for(staff_user("admin")).get("/api/v1/" + path)

    assert response.status_code == 404

"""Cross-site posts to the anonymous API (issue 12 finding 9, replayed through HTTP).

A hostile page made its visitors' browsers file complaints with a plain HTML form posting to
``/api/v1/complaints/`` (form-encoded or multipart): the API authenticates no one, so DRF does
no CSRF check. Now such a post carrying another site's ``Origin`` (or, without one,
``Sec-Fetch-Site: cross-site``) is refused with 403 before any view runs, while our own pages,
our own scripts and non-browser clients keep working.
"""

from urllib.parse import urlencode

import pytest
from django.test import Client

from complaints.models import Complaint, Event, RatingElement, Status
from config.crossorigin import is_cross_site_post
from tests.api.client import COMPLAINTS_URL, PARKIR_STORY, photo
from tests.factories import api_client_for, complaint_moved_to

pytestmark = pytest.mark.django_db

OURS = "http://testserver"  # the Django test client's scheme and host
HOSTILE = "https://pungli-gratis.example"
FORM = "application/x-www-form-urlencoded"
STORY = {key: value for key, value in PARKIR_STORY.items() if value is not None}
MESSAGE_EN = "Requests from other websites are not accepted. Use the portal itself."


def form_post(url: str, data: dict, *, content_type: str = FORM, **headers):
    """What a hostile page's ``<form method=post>`` (or a ``no-cors`` fetch) sends."""
    body = urlencode(data) if content_type == FORM else "&".join(f"{k}={v}" for k, v in data)
    return Client().generic("POST", url, body, content_type=content_type, **headers)


def counts() -> tuple[int, int]:
    return Complaint.objects.count(), Event.objects.count()


def assert_forbidden(response) -> dict:
    assert response.status_code == 403, response.content[:300]
    body = response.json()
    assert set(body) == {"message", "errors"} and body["errors"] == {}
    return body


# --- The attack --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        HOSTILE,
        "null",  # a sandboxed frame on the hostile page
        "http://testserver:8080",  # same host, another port
        "https://testserver",  # same host, another scheme
        "http://testserver.pungli-gratis.example",
    ],
)
def test_a_hostile_form_cannot_file_a_complaint(directory, origin):
    before = counts()
    assert_forbidden(form_post(COMPLAINTS_URL, STORY, HTTP_ORIGIN=origin))
    assert counts() == before


def test_a_hostile_multipart_form_with_a_photo_cannot_file_a_complaint(directory, evidence_dir):
    before = counts()
    response = Client().post(
        COMPLAINTS_URL, {**STORY, "photos": [photo()]}, HTTP_ORIGIN=HOSTILE
    )  # multipart/form-data, as an HTML form with a file input sends it
    assert_forbidden(response)
    assert counts() == before


@pytest.mark.parametrize("content_type", ["text/plain", "text/plain;charset=UTF-8", ""])
def test_text_plain_or_untyped_no_cors_posts_are_refused(directory, content_type):
    body = '{"category": "pungli", "description": "dari situs lain"}'
    response = Client().generic(
        "POST", COMPLAINTS_URL, body, content_type=content_type, HTTP_ORIGIN=HOSTILE
    )
    assert_forbidden(response)


def test_without_origin_sec_fetch_site_cross_site_is_refused(directory):
    before = counts()
    assert_forbidden(form_post(COMPLAINTS_URL, STORY, HTTP_SEC_FETCH_SITE="cross-site"))
    assert counts() == before


def test_every_anonymous_action_is_protected(parkir):
    complaint, receipt = parkir
    complaint_moved_to(complaint, Status.RESOLVED)
    element = RatingElement.values[0]
    posts = {
        "/api/v1/track/": {"receipt": receipt},
        "/api/v1/track/messages/": {"receipt": receipt, "body": "tambahan"},
        "/api/v1/track/decision/": {"receipt": receipt, "accept": "false", element: "1"},
        "/api/v1/track/withdraw/": {"receipt": receipt},
        "/api/v1/routing/preview/": {"description": "jukir"},
        "/api/v1/auth/token/": {"username": "admin", "password": "x"},
    }
    before = counts()
    for url, data in posts.items():
        assert_forbidden(form_post(url, data, HTTP_ORIGIN=HOSTILE))
    assert counts() == before
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED and complaint.withdrawn_at is None


def test_the_refusal_is_in_the_request_language(directory):
    english = assert_forbidden(
        form_post(COMPLAINTS_URL, STORY, HTTP_ORIGIN=HOSTILE, HTTP_ACCEPT_LANGUAGE="en")
    )
    indonesian = assert_forbidden(form_post(COMPLAINTS_URL, STORY, HTTP_ORIGIN=HOSTILE))
    assert english["message"] == MESSAGE_EN
    assert indonesian["message"] != MESSAGE_EN


# --- What keeps working ------------------------------------------------------------------------


def test_a_form_post_from_our_own_origin_is_accepted(directory):
    response = form_post(COMPLAINTS_URL, STORY, HTTP_ORIGIN=OURS, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 201, response.content


def test_a_client_that_is_not_a_browser_is_accepted(directory):
    """curl, apps, integrations: no Origin, no Sec-Fetch-Site."""
    assert form_post(COMPLAINTS_URL, STORY).status_code == 201
    assert form_post(COMPLAINTS_URL, STORY, HTTP_SEC_FETCH_SITE="none").status_code == 201


def test_an_origin_listed_in_portal_allowed_origins_is_accepted(directory, settings):
    settings.PORTAL_ALLOWED_ORIGINS = ["https://lapor.bengkulukota.go.id"]
    origin = "https://lapor.bengkulukota.go.id"
    assert form_post(COMPLAINTS_URL, STORY, HTTP_ORIGIN=origin).status_code == 201


def test_our_report_page_works_without_javascript(directory):
    """The HTML form posts to the page address with Django's CSRF token, from our origin."""
    client = Client(enforce_csrf_checks=True)
    page = client.get("/lapor/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/lapor/",
        {**STORY, "csrfmiddlewaretoken": token},
        HTTP_ORIGIN=OURS,
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 201, response.content[:300]


def test_cross_site_json_is_left_to_the_cors_preflight(directory):
    """A browser sends cross-site JSON only after a preflight the portal never grants: the
    answer to the preflight allows no origin, so the page's post never leaves the browser."""
    preflight = Client().options(
        COMPLAINTS_URL,
        HTTP_ORIGIN=HOSTILE,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Headers" not in preflight.headers
    # Our own scripts post JSON from our origin (report preview, tracking poll).
    response = api_client_for().post(COMPLAINTS_URL, PARKIR_STORY, format="json", HTTP_ORIGIN=OURS)
    assert response.status_code == 201, response.content
    assert "Access-Control-Allow-Origin" not in response.headers


def test_reads_are_not_affected(directory):
    response = Client().get("/api/v1/directory/opds/", HTTP_ORIGIN=HOSTILE)
    assert response.status_code == 200


# --- The rule itself ----------------------------------------------------------------------------


class FakeRequest:
    def __init__(self, method="POST", path=COMPLAINTS_URL, content_type=FORM, **meta):
        self.method, self.path, self.scheme = method, path, "http"
        self.META = {"CONTENT_TYPE": content_type, **meta}

    def get_host(self):
        return "testserver"


@pytest.mark.parametrize(
    ("request_", "cross_site"),
    [
        (FakeRequest(HTTP_ORIGIN=HOSTILE), True),
        (FakeRequest(HTTP_ORIGIN=OURS), False),
        (FakeRequest(content_type="multipart/form-data; boundary=x", HTTP_ORIGIN=HOSTILE), True),
        (FakeRequest(content_type="Text/Plain", HTTP_ORIGIN=HOSTILE), True),
        (FakeRequest(content_type="application/json", HTTP_ORIGIN=HOSTILE), False),
        (FakeRequest(method="GET", HTTP_ORIGIN=HOSTILE), False),
        (FakeRequest(method="PUT", HTTP_ORIGIN=HOSTILE), True),
        (FakeRequest(method="DELETE", content_type="", HTTP_ORIGIN=HOSTILE), True),
        (FakeRequest(path="/lapor/", HTTP_ORIGIN=HOSTILE), False),  # Django's CSRF check
        (FakeRequest(HTTP_SEC_FETCH_SITE="cross-site"), True),
        (FakeRequest(HTTP_SEC_FETCH_SITE="same-site"), True),
        (FakeRequest(HTTP_SEC_FETCH_SITE="same-origin"), False),
        (FakeRequest(), False),
    ],
)
def test_is_cross_site_post(request_, cross_site, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    assert is_cross_site_post(request_) is cross_site

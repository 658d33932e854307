"""The pages' side of the fair limits (issue 12, findings 2 and 8).

- The reporter's reply and photo forms on the tracking page count as submissions, as
  ``POST track/messages/`` and ``track/photos/`` do, not against the tracking budget.
- A refused page says the wait in minutes ("Coba lagi dalam 59 menit"), not seconds, while
  ``Retry-After`` stays in seconds.
- The report form, once the budget is spent, carries a proof-of-work challenge for its script;
  the same form sent with the solution in ``X-Altcha`` (what ``report.js`` does) is filed, once.
"""

import base64
import json
import re

import altcha
import pytest
from django.test import Client

from tests.api.client import PARKIR_STORY, photo
from tests.factories import page_client

CARRIER_IP = "203.0.113.77"
REPORT = {**PARKIR_STORY, "karcis_given": "false"}


def rates(settings, **scopes):
    settings.PORTAL_RATES = {**settings.PORTAL_RATES, **scopes}


def reporter(language: str = "id") -> Client:
    return page_client(language, REMOTE_ADDR=CARRIER_IP)


def reply(client: Client, receipt: str, **extra):
    return client.post(
        "/pantau/balas/", {"receipt": receipt, "body": "Jukirnya berkaos merah."}, **extra
    )


def add_photo(client: Client, receipt: str):
    return client.post("/pantau/foto/", {"receipt": receipt, "photos": [photo()]})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- Finding 8: what the reporter sends counts as a submission --------------------------------


def test_the_reply_form_counts_against_the_submission_limit(settings, parkir):
    """Finding 8 replayed: with the tracking budget ample, the second reply in the hour is
    refused because the submission budget (1 an hour) is spent."""
    _complaint, receipt = parkir
    rates(settings, submit="1/hour", track="60/hour")
    client = reporter()

    first = reply(client, receipt)
    second = reply(client, receipt)

    assert first.status_code == 200
    assert second.status_code == 429


def test_the_photo_form_counts_against_the_submission_limit(settings, parkir):
    _complaint, receipt = parkir
    rates(settings, submit="1/hour", track="60/hour")
    client = reporter()

    assert add_photo(client, receipt).status_code == 200
    assert add_photo(client, receipt).status_code == 429


def test_replies_do_not_spend_the_tracking_budget(settings, parkir):
    _complaint, receipt = parkir
    rates(settings, submit="10/hour", track="1/hour")
    client = reporter()

    answers = [reply(client, receipt).status_code for _ in range(3)]
    opened = client.post("/pantau/", {"receipt": receipt})

    assert answers == [200, 200, 200]
    assert opened.status_code == 200  # the one look-up of the hour is still there


# --- The wait in minutes -----------------------------------------------------------------------


@pytest.mark.usefixtures("directory")
def test_a_refused_report_page_says_the_wait_in_minutes(settings):
    rates(settings, submit="1/hour")
    client = reporter()
    assert client.post("/lapor/", REPORT).status_code == 201

    refused = client.post("/lapor/", REPORT)

    assert refused.status_code == 429
    assert 3500 < int(refused["Retry-After"]) <= 3600  # seconds, for machines
    assert "Coba lagi dalam 60 menit" in text_of(refused)
    assert "detik" not in text_of(refused)


def test_a_refused_reply_says_the_wait_in_minutes_in_english_too(settings, parkir):
    _complaint, receipt = parkir
    rates(settings, submit="1/hour")
    client = reporter("en")
    reply(client, receipt)

    refused = reply(client, receipt)

    assert refused.status_code == 429
    assert "please try again in 60 minutes." in text_of(refused)


# --- The report form's proof of work -----------------------------------------------------------


def challenge_in(page) -> dict:
    found = re.search(
        r'<script id="pow-challenge" type="application/json">(.*?)</script>',
        page.content.decode(),
        re.S,
    )
    assert found, "the 429 page carries no challenge"
    return json.loads(found.group(1))


def solved(challenge: dict) -> str:
    solution = altcha.solve_challenge(altcha.Challenge.from_dict(challenge), timeout=60)
    payload = {"challenge": challenge, "solution": solution.to_dict()}
    return base64.b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.usefixtures("directory")
def test_the_report_form_sent_again_with_the_solution_is_filed_once(settings):
    rates(settings, submit="1/hour")
    client = reporter()
    assert client.post("/lapor/", REPORT).status_code == 201
    refused = client.post("/lapor/", REPORT)
    assert refused.status_code == 429
    proof = solved(challenge_in(refused))

    filed = client.post("/lapor/", REPORT, HTTP_X_ALTCHA=proof)
    replayed = client.post("/lapor/", REPORT, HTTP_X_ALTCHA=proof)

    assert filed.status_code == 201
    assert 'id="receipt"' in filed.content.decode()
    assert replayed.status_code == 429
    assert challenge_in(replayed) != challenge_in(refused)


@pytest.mark.usefixtures("directory")
def test_the_report_page_names_its_solver_and_its_progress_line(settings):
    page = reporter().get("/lapor/")

    assert 'data-pow-worker="/static/frontend/js/pow-worker.js"' in page.content.decode()
    assert "Memeriksa perangkat Anda" in page.content.decode()
    assert 'id="pow-challenge"' not in page.content.decode()  # only when refused

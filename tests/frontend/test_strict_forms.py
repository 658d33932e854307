"""Strict parsing on the HTML forms (issue 12 findings 5 and 14, replayed through the pages).

Ratings written with Unicode digits ("²") or 5,000 digits on ``/pantau/keputusan/`` answered
500; a description or message of zero-width characters alone was accepted. Now each is a 400
page with the message beside the field, and nothing is stored.
"""

import pytest

from complaints.models import Complaint, Event, Rating, RatingElement, Status
from tests.api.client import PARKIR_STORY
from tests.api.staff import page_url
from tests.factories import complaint_moved_to, page_client_for, staff_user

pytestmark = pytest.mark.django_db

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad \u3000"
STORY = {key: value for key, value in PARKIR_STORY.items() if value is not None}


def counts() -> tuple:
    return Complaint.objects.count(), Event.objects.count(), Rating.objects.count()


@pytest.fixture
def resolved(parkir):
    complaint, receipt = parkir
    complaint_moved_to(complaint, Status.RESOLVED)
    return complaint, receipt


@pytest.mark.parametrize("rating", ["²", "٣", "３", "9" * 5000, "1_0", "+3", "3.0", "-1"])
def test_a_rating_that_is_not_ascii_digits_is_400(resolved, rating):
    complaint, receipt = resolved
    before = counts()
    data = {"receipt": receipt, "accept": "true", f"rating_{RatingElement.values[0]}": rating}
    response = page_client_for(language="en").post("/pantau/keputusan/", data)
    assert response.status_code == 400
    assert "Each rating is a whole number from 1 to 4." in response.content.decode()
    assert counts() == before
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_ratings_in_ascii_digits_close_the_complaint(resolved):
    complaint, receipt = resolved
    data = {"receipt": receipt, "accept": "true"}
    data |= {f"rating_{element}": "3" for element in RatingElement.values}
    response = page_client_for(language="en").post("/pantau/keputusan/", data)
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert Rating.objects.filter(complaint=complaint).count() == len(RatingElement)


@pytest.mark.parametrize("description", [INVISIBLE, "\u200b" * 3000])
def test_a_report_of_invisible_characters_is_refused(directory, description):
    before = counts()
    response = page_client_for(language="en").post("/lapor/", {**STORY, "description": description})
    assert response.status_code == 400
    assert "Tell us what happened." in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("amount", ["١٠٠٠٠", "10²", "9" * 5000])
def test_a_report_with_an_amount_in_other_digits_is_refused(directory, amount):
    before = counts()
    response = page_client_for(language="en").post("/lapor/", {**STORY, "amount_paid": amount})
    assert response.status_code == 400
    assert "whole rupiah" in response.content.decode()
    assert counts() == before


def test_a_reply_of_invisible_characters_is_refused(parkir):
    complaint, receipt = parkir
    complaint_moved_to(complaint, Status.NEEDS_INFO)
    before = counts()
    response = page_client_for(language="en").post(
        "/pantau/balas/", {"receipt": receipt, "body": INVISIBLE}
    )
    assert response.status_code == 400
    assert "Write a message." in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize(
    "data",
    [
        {"action": "message", "body": INVISIBLE},
        {"action": "message", "body": INVISIBLE, "internal": "true"},
        {"action": "legal_hold", "hold": "true", "reason": INVISIBLE},
        {"action": "decide_reroute", "request": "١", "approve": "true"},
    ],
)
def test_staff_forms_refuse_invisible_text_and_other_digits(parkir, data):
    complaint, _receipt = parkir
    client = page_client_for(staff_user("admin"), language="en")
    before = counts()
    response = client.post(page_url(complaint.reference), data)
    assert response.status_code == 400, response.status_code
    assert counts() == before
    complaint.refresh_from_db()
    assert not complaint.legal_hold

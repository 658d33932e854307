"""Finding 15 through the pages: reloading the receipt page (a browser re-POSTs the form) filed a
second complaint with a new receipt, and reloading after a reply posted it twice.

The pages' forms now carry a one-time token (``retry_key``) used as the idempotency key: the
browser's repeat of the same POST gets the same page back and posts nothing new. Staff forms
redirect after success (a reload repeats only the GET). Each test gets the form as a browser
does (CSRF enforced, the token read from the page), then posts it again exactly.
"""

import re

import pytest
from django.test import Client

from complaints.idempotency import key_clean
from complaints.models import Complaint, Event, Evidence, Rating, StoredAnswer
from tests import images
from tests.api.client import PARKIR_STORY
from tests.conftest import files_under
from tests.factories import complaint_moved_to, page_client_for, staff_user

pytestmark = pytest.mark.usefixtures("directory")

REPORT = {**PARKIR_STORY, "karcis_given": "false"}
RATINGS = {
    "rating_waktu": "4",
    "rating_biaya": "3",
    "rating_perilaku": "4",
    "rating_penanganan": "2",
}


def browser() -> Client:
    return Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="id")


def hidden(page, name: str) -> str:
    """The value of the page's first hidden field ``name``."""
    html = page.content.decode()
    found = re.search(rf'<input type="hidden" name="{name}"[^>]*value="([^"]*)"', html)
    assert found, f"no hidden {name} on the page"
    return found.group(1)


def form_of(page) -> dict:
    """What the page's forms send besides what the user fills in: CSRF and the one-time token."""
    return {
        "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
        "retry_key": hidden(page, "retry_key"),
    }


def receipt_on(page) -> str:
    html = page.content.decode()
    found = re.search(r'id="receipt"[^>]*>(.*?)</p>', html, re.S)
    assert found, "no receipt on the page"
    return re.sub(r"\D", "", found.group(1))


def jpeg(name="IMG_0001.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, images.jpeg_with_metadata(), "image/jpeg")


# --- The report form ---------------------------------------------------------------------------


def test_the_form_carries_a_fresh_one_time_token_each_time():
    client = browser()
    first, second = client.get("/lapor/"), client.get("/lapor/")
    tokens = {hidden(first, "retry_key"), hidden(second, "retry_key")}
    assert len(tokens) == 2
    assert all(key_clean(token) == token for token in tokens)


def test_reloading_the_receipt_page_shows_the_same_receipt_and_files_nothing(evidence_dir):
    client = browser()
    sent = {**REPORT, **form_of(client.get("/lapor/"))}

    first = client.post("/lapor/", {**sent, "photos": [jpeg()]})
    files = set(files_under(evidence_dir))
    reloaded = client.post("/lapor/", {**sent, "photos": [jpeg()]})  # the browser's re-POST

    assert first.status_code == reloaded.status_code == 201
    assert receipt_on(reloaded) == receipt_on(first)
    assert Complaint.objects.count() == 1
    assert Evidence.objects.count() == 1  # one photo set
    assert set(files_under(evidence_dir)) == files
    assert Complaint.objects.get().reference in reloaded.content.decode()


def test_a_reload_costs_no_submission_budget(settings):
    """Behind a shared carrier address the hour's budget may be spent: the reload of a receipt
    page still shows the receipt (it files nothing), while a new report is refused."""
    settings.PORTAL_RATES = {**settings.PORTAL_RATES, "submit": "1/hour"}
    client = browser()
    sent = {**REPORT, **form_of(client.get("/lapor/"))}

    first = client.post("/lapor/", sent)
    reloaded = client.post("/lapor/", sent)
    another = client.post("/lapor/", {**REPORT, **form_of(client.get("/lapor/"))})

    assert (first.status_code, reloaded.status_code, another.status_code) == (201, 201, 429)
    assert receipt_on(reloaded) == receipt_on(first)
    assert Complaint.objects.count() == 1


def test_two_forms_file_two_complaints():
    client = browser()
    receipts = {
        receipt_on(client.post("/lapor/", {**REPORT, **form_of(client.get("/lapor/"))}))
        for _ in range(2)
    }
    assert len(receipts) == 2 == Complaint.objects.count()


def test_the_script_sends_the_same_token_as_its_header():
    """The page's script (report.js) sends the form with the token in ``Idempotency-Key`` too,
    and sends again with it when the connection dropped: the second answer is the first."""
    client = browser()
    page = client.get("/lapor/")
    token = hidden(page, "retry_key")
    data = {**REPORT, "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken")}

    first = client.post("/lapor/", data, HTTP_IDEMPOTENCY_KEY=token)
    again = client.post("/lapor/", data, HTTP_IDEMPOTENCY_KEY=token)

    assert first.status_code == again.status_code == 201
    assert receipt_on(again) == receipt_on(first)
    assert Complaint.objects.count() == 1


def test_a_form_refused_for_a_field_keeps_its_token_and_files_once_when_fixed():
    client = browser()
    sent = {**REPORT, **form_of(client.get("/lapor/"))}

    refused = client.post("/lapor/", {**sent, "description": ""})
    assert refused.status_code == 400
    assert hidden(refused, "retry_key") == sent["retry_key"]
    assert not StoredAnswer.objects.exists()

    fixed = {**sent, **form_of(refused)}
    assert client.post("/lapor/", fixed).status_code == 201
    assert client.post("/lapor/", fixed).status_code == 201
    assert Complaint.objects.count() == 1


def test_a_tampered_token_is_a_400_in_indonesian_that_files_nothing(evidence_dir):
    client = browser()
    sent = {**REPORT, **form_of(client.get("/lapor/"))}
    files = set(files_under(evidence_dir))

    refused = client.post("/lapor/", {**sent, "retry_key": "pendek", "photos": [jpeg()]})

    assert refused.status_code == 400
    assert "Kunci idempotensi" in refused.content.decode()
    assert key_clean(hidden(refused, "retry_key"))  # a fresh, valid token to send again
    assert not Complaint.objects.exists() and not Event.objects.exists()
    assert not StoredAnswer.objects.exists() and set(files_under(evidence_dir)) == files


def test_a_form_without_a_token_still_files():
    """An old copy of the page, or a client that strips hidden fields: no retry safety, but no
    refusal either."""
    client = browser()
    page = client.get("/lapor/")
    data = {**REPORT, "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken")}
    assert client.post("/lapor/", data).status_code == 201


def test_the_receipt_stays_out_of_sessions_and_urls():
    client = browser()
    sent = {**REPORT, **form_of(client.get("/lapor/"))}
    page = client.post("/lapor/", sent)
    receipt = receipt_on(page)

    from django.contrib.sessions.models import Session

    assert not any(receipt in str(s.get_decoded()) for s in Session.objects.all())
    assert receipt not in "".join(str(value) for value in client.cookies.values())
    assert not page.has_header("Location")
    stored = b"".join(
        bytes(row.ciphertext) + row.key_hash.encode() for row in StoredAnswer.objects.all()
    )
    assert receipt.encode() not in stored


# --- The tracking page's forms -----------------------------------------------------------------


def tracking_page(client: Client, receipt: str):
    page = client.get("/pantau/")
    opened = client.post(
        "/pantau/", {"receipt": receipt, "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken")}
    )
    assert opened.status_code == 200
    return opened


def test_reloading_after_a_reply_posts_it_once(parkir):
    complaint, receipt = parkir
    client = browser()
    sent = {**form_of(tracking_page(client, receipt)), "receipt": receipt, "body": "Rompi oranye."}

    first = client.post("/pantau/balas/", sent)
    reloaded = client.post("/pantau/balas/", sent)

    assert first.status_code == reloaded.status_code == 200
    assert (
        "Pesan Anda terkirim" in reloaded.content.decode()
        or "terkirim" in reloaded.content.decode()
    )
    assert complaint.events.filter(kind=Event.Kind.REPORTER_MESSAGE).count() == 1

    # The page after the reply has a new token: the next message is a new one.
    following = {**sent, **form_of(reloaded), "body": "Satu hal lagi."}
    assert client.post("/pantau/balas/", following).status_code == 200
    assert complaint.events.filter(kind=Event.Kind.REPORTER_MESSAGE).count() == 2


def test_reloading_after_adding_photos_adds_them_once(parkir, evidence_dir):
    complaint, receipt = parkir
    client = browser()
    sent = {**form_of(tracking_page(client, receipt)), "receipt": receipt}

    first = client.post("/pantau/foto/", {**sent, "photos": [jpeg()]})
    files = set(files_under(evidence_dir))
    reloaded = client.post("/pantau/foto/", {**sent, "photos": [jpeg()]})

    assert first.status_code == reloaded.status_code == 200
    assert complaint.evidence.count() == 1
    assert complaint.events.filter(kind=Event.Kind.PHOTOS).count() == 1
    assert set(files_under(evidence_dir)) == files


def test_reloading_after_the_decision_shows_the_same_page(parkir):
    complaint, receipt = parkir
    complaint_moved_to(complaint, "resolved")
    client = browser()
    sent = {**form_of(tracking_page(client, receipt)), "receipt": receipt, "accept": "true"}

    first = client.post("/pantau/keputusan/", {**sent, **RATINGS})
    reloaded = client.post("/pantau/keputusan/", {**sent, **RATINGS})

    assert first.status_code == reloaded.status_code == 200  # not 409 "already decided"
    notice = re.search(r'class="alert success"[^>]*>(.*?)</div>', reloaded.content.decode())
    assert notice and notice.group(1) == re.search(
        r'class="alert success"[^>]*>(.*?)</div>', first.content.decode()
    ).group(1)
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    assert Rating.objects.filter(complaint=complaint).count() == 4


def test_reloading_after_a_withdrawal_shows_the_same_page(parkir):
    complaint, receipt = parkir
    client = browser()
    sent = {**form_of(tracking_page(client, receipt)), "receipt": receipt, "confirm": "yes"}

    first = client.post("/pantau/tarik/", sent)
    reloaded = client.post("/pantau/tarik/", sent)

    assert first.status_code == reloaded.status_code == 200
    assert complaint.events.filter(kind=Event.Kind.WITHDRAWN).count() == 1


def test_a_tracking_token_does_not_carry_over_to_another_action(parkir):
    """One token on the page serves each of its forms once: a reply does not stop a photo."""
    complaint, receipt = parkir
    client = browser()
    sent = {**form_of(tracking_page(client, receipt)), "receipt": receipt}

    assert client.post("/pantau/balas/", {**sent, "body": "Tambahan."}).status_code == 200
    assert client.post("/pantau/foto/", {**sent, "photos": [jpeg()]}).status_code == 200
    assert complaint.events.filter(kind=Event.Kind.REPORTER_MESSAGE).count() == 1
    assert complaint.events.filter(kind=Event.Kind.PHOTOS).count() == 1


# --- Staff forms: post, redirect, get ----------------------------------------------------------


def test_a_staff_action_redirects_so_a_reload_repeats_only_the_get(parkir):
    complaint, _receipt = parkir
    client = page_client_for(staff_user("opd", "DISHUB"))
    url = f"/staf/pengaduan/{complaint.reference}/"
    page = client.get(url)
    assert page.status_code == 200

    answer = client.post(
        url, {"action": "message", "body": "Kami sedang memeriksa.", "visibility": "reporter"}
    )

    assert answer.status_code == 302
    assert answer["Location"] == url
    assert client.get(url).status_code == 200  # what a reload does now
    assert complaint.events.filter(kind=Event.Kind.MESSAGE).count() == 1

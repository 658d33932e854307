"""The tracking page and the receipt page as the server renders them (no JavaScript).

- The tracking page holds the forms a status change can open (answer, photos, decision); those
  the complaint does not take now wait in a ``<template>`` (inert), by the same answer the live
  socket's ``state`` gives (``frontend.tracking``); its initial state is in the page.
- A refused receipt is shown back in the field as typed, in a page that is never stored, and
  never in a URL.
- The receipt page offers the receipt as a text file: the same text inside the page for the
  script, and a POST route answering an attachment (never GET, never cached).
"""

import json
import re

import pytest
from django.test import Client

from complaints.models import Status
from complaints.selectors import complaint_get_by_receipt
from tests.api.client import PARKIR_STORY
from tests.factories import complaint_moved_to, complaint_parkir
from tests.frontend.test_retry_safe_forms import form_of, hidden, receipt_on

pytestmark = pytest.mark.usefixtures("directory")

TRACK_PAGE = "/pantau/"
RECEIPT_FILE = "/pantau/tanda-terima/"
REPORT = {**PARKIR_STORY, "karcis_given": "false"}


def browser() -> Client:
    return Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="id")


def opened(client: Client, receipt: str):
    page = client.get(TRACK_PAGE)
    return client.post(TRACK_PAGE, {"receipt": receipt, **csrf(page)})


def csrf(page) -> dict:
    """What a page's forms send for CSRF."""
    return {"csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken")}


def tag(html: str, element_id: str) -> str:
    """The opening tag of the element with ``element_id``."""
    found = re.search(rf'<[a-z0-9]+ [^>]*id="{element_id}"[^>]*>', html)
    assert found, f"no #{element_id} in the page"
    return found.group(0)


def shown(html: str, element_id: str) -> bool:
    """In the page itself, not waiting in a ``<template>`` (inert: not shown, not sent)."""
    outside = re.sub(r"<template[^>]*>.*?</template>", "", html, flags=re.S)
    return f'id="{element_id}"' in outside


def page_state(html: str) -> dict:
    found = re.search(r'<script id="track-state" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1))


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


# --- The forms a status change opens -------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reply", "asked", "decide"),
    [
        (Status.ASSIGNED, True, False, False),
        (Status.NEEDS_INFO, True, True, False),
        (Status.RESOLVED, False, False, True),
        (Status.CLOSED, False, False, False),
    ],
)
def test_the_forms_it_takes_now_are_in_the_page_and_the_others_wait_in_templates(
    status, reply, asked, decide
):
    complaint, receipt = complaint_parkir()
    complaint_moved_to(complaint, status)

    html = opened(browser(), receipt).content.decode()

    assert (shown(html, "reply-card"), shown(html, "photos-card")) == (reply, reply)
    assert shown(html, "decide-card") == decide
    assert ("asked" in tag(html, "reply-card")) == asked
    for name, wanted in (("reply", reply), ("photos", reply), ("decide", decide)):
        assert (f'<template data-card="{name}">' in html) == (not wanted)
    assert 'name="body"' in html and 'name="photos"' in html and 'name="accept"' in html
    state = page_state(html)
    assert (state["status"], state["can_reply"], state["asked"], state["can_decide"]) == (
        status,
        reply,
        asked,
        decide,
    )


def test_the_state_in_the_page_is_the_sockets_minus_the_case_box():
    from frontend.tracking import state_message

    complaint, receipt = complaint_parkir()
    complaint_moved_to(complaint, Status.NEEDS_INFO)

    html = opened(browser(), receipt).content.decode()

    live = state_message(complaint.pk, "id")
    assert page_state(html) == {
        key: value for key, value in live.items() if key not in {"type", "case"}
    }
    # The case box the socket sends is the one the page shows.
    assert live["case"].strip() in html


# --- A wrong receipt keeps what was typed --------------------------------------------------------


def test_a_wrong_receipt_is_shown_back_as_typed_in_a_page_never_stored():
    complaint, receipt = complaint_parkir()
    typed = f"{receipt[:4]} {receipt[4:8]} {receipt[8:12]} {(int(receipt[12:]) + 1) % 10000:04d}"
    client = browser()

    answer = client.post(TRACK_PAGE, {"receipt": typed, **csrf(client.get(TRACK_PAGE))})

    assert answer.status_code == 404
    field = tag(answer.content.decode(), "receipt")
    assert f'value="{typed}"' in field and 'aria-invalid="true"' in field
    assert no_store(answer)
    assert complaint.reference not in answer.content.decode()


@pytest.mark.parametrize(
    ("typed", "shown_back"),
    [
        ("1234 5678 abcd 9999", "1234 5678 abcd 9999"),
        ('"><script>alert(1)</script>', "&quot;&gt;&lt;script&gt;alert(1)&lt;/"),
        ("1234\x005678\x07", "12345678"),
        ("9" * 200, "9" * 24),
    ],
)
def test_an_unusable_receipt_is_shown_back_escaped_and_cut_to_the_field(typed, shown_back):
    client = browser()

    answer = client.post(TRACK_PAGE, {"receipt": typed, **csrf(client.get(TRACK_PAGE))})

    assert answer.status_code == 400
    field = tag(answer.content.decode(), "receipt")
    assert f'value="{shown_back}' in field and "<script>" not in answer.content.decode()
    assert "9" * 25 not in answer.content.decode()
    assert no_store(answer)


# --- The receipt as a file -----------------------------------------------------------------------


def filed_receipt_page(client: Client):
    page = client.post("/lapor/", {**REPORT, **form_of(client.get("/lapor/"))})
    assert page.status_code == 201
    return page


def test_the_receipt_page_carries_the_file_and_a_post_form_for_it():
    client = browser()
    page = filed_receipt_page(client)
    html = page.content.decode()
    receipt = receipt_on(page)
    grouped = " ".join(receipt[i : i + 4] for i in range(0, 16, 4))

    carried = re.search(r'<script id="receipt-file" type="application/json">(.*?)</script>', html)
    text = json.loads(carried.group(1))
    form = tag(html, "receipt-save")

    assert 'method="post"' in form and f'action="{RECEIPT_FILE}"' in form and receipt not in form
    assert grouped in text and "http://testserver/pantau/" in text
    assert complaint_get_by_receipt(receipt=receipt).reference in text
    assert no_store(page)

    download = client.post(RECEIPT_FILE, {"receipt": grouped, **csrf(page)})

    assert download.status_code == 200
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert download["Content-Disposition"].startswith('attachment; filename="tanda-terima-')
    assert no_store(download)
    assert download.content.decode() == text  # the script's file and the server's are one


def test_the_receipt_file_says_what_it_is_in_indonesian():
    complaint, receipt = complaint_parkir()
    client = browser()

    download = client.post(RECEIPT_FILE, {"receipt": receipt, **csrf(client.get(TRACK_PAGE))})

    text = download.content.decode()
    assert complaint.reference in text and receipt[:4] in text
    assert "Nomor referensi" in text and "Kode tanda terima" in text
    assert "jangan berikan kepada siapa pun" in text
    assert complaint.description not in text  # only what tracking needs: it may be found
    assert f'filename="tanda-terima-{complaint.reference}.txt"' in download["Content-Disposition"]


def test_the_receipt_file_is_never_given_for_a_get_or_a_wrong_receipt():
    _complaint, receipt = complaint_parkir()
    client = browser()
    wrong = f"{(int(receipt) + 1) % 10**16:016d}"

    by_get = client.get(RECEIPT_FILE, {"receipt": receipt})
    refused = client.post(RECEIPT_FILE, {"receipt": wrong, **csrf(client.get(TRACK_PAGE))})

    assert by_get.status_code == 405 and receipt not in by_get.content.decode()
    assert refused.status_code == 404 and "Content-Disposition" not in refused
    assert f'value="{wrong}"' in tag(refused.content.decode(), "receipt")

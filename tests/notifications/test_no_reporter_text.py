"""No reporter text reaches a mail: what the reporter wrote (the story, the answer), the amounts,
the photos' names and the receipt appear in no message the SMTP server received, raw (headers
and body as sent) or decoded (a base64 or quoted-printable body would hide a plain search).

Everything goes through the API, as a phone and a staff client do; every kind of mail is made:
the new case, the answer, the photos, the dispute, a deadline warning and the daily digest.
"""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import Complaint
from notifications.models import Mode, Preference
from notifications.sender import notifications_run
from tests.api.client import complaint_post, photo
from tests.factories import api_client_for

STORY = "Oknum berompi oranye ZEBRAKUDA minta setoran tanpa karcis di gerbang Pasar Panorama."
ANSWER = "Kejadiannya pukul 07.45, pelakunya berkumis tebal JERAPAHLAUT."
QUESTION = "Mohon sebutkan ciri petugas BUAYAMERAH yang meminta uang."
ASKED, PAID = 987654, 876543
PHOTO_NAME = "IMG_PENGUINBIRU.jpg"


def amounts_written(value: int) -> list[str]:
    return [str(value), f"{value:,}", f"{value:,}".replace(",", ".")]


def forbidden(receipt: str) -> list[str]:
    words = ["ZEBRAKUDA", "Pasar Panorama", "JERAPAHLAUT", "berkumis", "BUAYAMERAH"]
    return [
        *words,
        STORY,
        ANSWER,
        QUESTION,
        "PENGUINBIRU",
        *amounts_written(ASKED),
        *amounts_written(PAID),
        receipt,
        re.sub(r"\D", "", receipt),
    ]


@pytest.mark.django_db
def test_no_reporter_text_amount_photo_or_receipt_reaches_any_mail(smtp, people):
    Preference.objects.create(user=people["daily"], mode=Mode.DAILY)
    reporter = APIClient()
    story = {
        "category": "pungli",
        "service": "PARKIR-MOTOR",
        "kelurahan": "17.71.06.1006",
        "description": STORY,
        "amount_asked": ASKED,
        "amount_paid": PAID,
        "karcis_given": False,
    }
    response = complaint_post(reporter, story, photos=[photo(name=PHOTO_NAME)])
    assert response.status_code == 201, response.content
    receipt, reference = response.json()["receipt"], response.json()["reference"]
    office = api_client_for(people["head"])
    url = f"/api/v1/staff/complaints/{reference}/transition/"

    question = {"to": "needs_info", "message": QUESTION}
    assert office.post(url, question, format="json").status_code == 200
    answer = {"receipt": receipt, "body": ANSWER}
    assert reporter.post("/api/v1/track/messages/", answer, format="json").status_code == 201
    photos = {"receipt": receipt, "photos": [photo(name=PHOTO_NAME)]}
    assert reporter.post("/api/v1/track/photos/", photos, format="multipart").status_code == 201
    resolved = {"to": "resolved", "message": "Sudah ditindak."}
    assert office.post(url, resolved, format="json").status_code == 200
    dispute = {"receipt": receipt, "accept": False}
    assert reporter.post("/api/v1/track/decision/", dispute, format="json").status_code == 200
    soon = timezone.now() + timedelta(hours=2)
    Complaint.objects.filter(reference=reference).update(due_at=soon)
    notifications_run()
    call_command("send_digest", day=timezone.localdate().isoformat())

    # Every kind of mail was sent: new, answer, photos, dispute, deadline; and a digest.
    head = smtp.to("kepala@dishub.test")
    assert len(head) == 5
    assert all(reference in message["Subject"] for message in head)
    assert len(smtp.to("harian@dishub.test")) == 1
    assert len(smtp.to("irban@inspektorat.test")) == 5

    for raw, message in zip(smtp.inbox.raw, smtp.messages, strict=True):
        decoded = "\n".join(
            [*(f"{name}: {value}" for name, value in message.items()), message.get_content()]
        )
        for text in forbidden(receipt):
            assert text.encode() not in raw, text
            assert text not in decoded, text

"""``POST /api/v1/complaints/``: what a good report becomes (docs/interface.md "REST API",
docs/product.md F1).

The Parkir story end to end: routed to Dinas Perhubungan with an Inspektorat oversight copy, the
fee check finds Rp8.000 too much and no karcis, the photos are stored re-encoded without EXIF
under random names, and the history starts with "received" then "assigned".
"""

import hashlib
import io
import re
from datetime import datetime

import pytest
from django.utils import timezone
from PIL import Image

from complaints.access import complaints_visible_to
from complaints.models import Complaint, Event, Evidence
from tests import images
from tests.api.client import PARKIR_STORY, complaint_post, photo
from tests.conftest import files_under
from tests.factories import staff_user

pytestmark = pytest.mark.usefixtures("directory")

RESPONSE_KEYS = {
    "reference",
    "receipt",
    "status",
    "opd",
    "oversight",
    "reason",
    "fee_check",
    "due_at",
}


def test_parkir_story_with_two_photos(api_client, evidence_dir):
    before = set(files_under(evidence_dir))
    originals = [images.jpeg_with_metadata(), images.jpeg_with_metadata(320, 240, orientation=None)]

    response = complaint_post(
        api_client,
        PARKIR_STORY,
        photos=[photo(originals[0], "IMG_0001.jpg"), photo(originals[1], "IMG_0002.jpg")],
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert RESPONSE_KEYS <= body.keys()
    assert re.fullmatch(r"\d{16}", body["receipt"])
    assert re.fullmatch(r"BKL-\d{2}-[0-9A-Z]{6}", body["reference"])
    assert body["status"] == "assigned"
    assert body["opd"] == {"code": "DISHUB", "name": "Dinas Perhubungan"}
    assert body["oversight"] == ["INSPEKTORAT"]
    assert body["reason"].strip()
    assert body["fee_check"]["official_fee"] == 2000
    assert body["fee_check"]["amount"] == 10000
    assert body["fee_check"]["excess"] == 8000
    assert body["fee_check"]["karcis_missing"] is True
    assert body["fee_check"]["flagged"] is True
    assert datetime.fromisoformat(body["due_at"]) > timezone.now()  # the first-response deadline

    complaint = Complaint.objects.get(reference=body["reference"])
    assert complaint.opd.code == "DISHUB"
    assert complaint.kecamatan.code == "17.71.06"
    assert complaint.fee_excess == 8000 and complaint.fee_flagged

    events = list(complaint.events.order_by("seq").values_list("seq", "kind", "status"))
    assert events == [(1, "status", "received"), (2, "status", "assigned")]

    evidence = list(Evidence.objects.filter(complaint=complaint))
    assert len(evidence) == 2
    # Chain of custody: the SHA-256 of each original upload is kept (the bytes are not).
    assert sorted(item.sha256 for item in evidence) == sorted(
        hashlib.sha256(data).hexdigest() for data in originals
    )
    new_files = set(files_under(evidence_dir)) - before
    assert len(new_files) == 4  # an image and a thumbnail per photo
    stored = {
        evidence_dir / name for item in evidence for name in (item.image.name, item.thumbnail.name)
    }
    assert stored == new_files
    for path in new_files:
        assert re.fullmatch(r"[0-9a-f]{32}\.jpg", path.name), path
        data = path.read_bytes()
        assert data not in originals
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
            assert not image.getexif()
            assert "exif" not in image.info and "comment" not in image.info
            assert "icc_profile" not in image.info
        segments = {marker for marker, _payload in images.jpeg_segments(data)}
        assert not segments & {0xFFE1, 0xFFE2, 0xFFFE}  # no APP1 (EXIF/XMP), APP2 (ICC), COM
        assert images.CAMERA_MAKE.encode() not in data and images.COMMENT not in data


def test_parkir_story_as_json(api_client):
    response = complaint_post(api_client, PARKIR_STORY)

    assert response.status_code == 201, response.content
    body = response.json()
    assert RESPONSE_KEYS <= body.keys()
    assert body["status"] == "assigned"
    assert body["opd"]["code"] == "DISHUB"
    assert body["oversight"] == ["INSPEKTORAT"]
    assert body["fee_check"]["excess"] == 8000
    assert Evidence.objects.filter(complaint__reference=body["reference"]).count() == 0


def test_the_receipt_is_stored_only_as_a_keyed_hash(api_client):
    body = complaint_post(api_client, PARKIR_STORY).json()

    complaint = Complaint.objects.get(reference=body["reference"])
    assert complaint.receipt_hash != body["receipt"]
    assert body["receipt"] not in complaint.receipt_hash
    # Not a plain (unkeyed) hash either, which anyone could recompute from a guessed receipt.
    assert complaint.receipt_hash != hashlib.sha256(body["receipt"].encode()).hexdigest()


def test_involving_the_head_goes_to_the_inspektorat_as_primary(api_client):
    data = {
        "category": "pungli",
        "service": "KK",
        "description": "Kepala dinas sendiri yang minta uang pelicin untuk KK.",
        "amount_paid": 200000,
        "involves_head": True,
    }

    response = complaint_post(api_client, data)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "assigned"
    assert body["opd"]["code"] == "INSPEKTORAT"
    assert "DUKCAPIL" not in body["oversight"]


def test_a_head_named_as_the_actor_walls_off_that_office_without_the_box_ticked(api_client):
    data = {
        "category": "pungli",
        "service": "KK",
        "description": "Kepala dinas kependudukan sendiri yang minta uang pelicin 200rb untuk KK.",
    }

    response = complaint_post(api_client, data)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["opd"]["code"] == "INSPEKTORAT"
    assert "DUKCAPIL" not in body["oversight"]
    complaint = Complaint.objects.get(reference=body["reference"])
    assert complaint.involves_head is True
    assert complaint.walled_opd.code == "DUKCAPIL"
    # The head's own office sees nothing of it, on any surface (complaints.access).
    dukcapil_head = staff_user("opd", "DUKCAPIL")
    assert not complaints_visible_to(dukcapil_head).filter(pk=complaint.pk).exists()


def test_a_local_service_goes_to_the_kecamatan_office_of_the_place(api_client):
    data = {
        "category": "delay",
        "service": "SKTM",
        "kelurahan": "17.71.06.1006",  # Sawah Lebar, Kecamatan Ratu Agung
        "description": "SKTM sudah seminggu belum selesai.",
    }

    response = complaint_post(api_client, data)

    assert response.status_code == 201, response.content
    assert response.json()["opd"]["code"] == "KEC-RATU-AGUNG"
    assert response.json()["status"] == "assigned"


def test_nothing_to_route_by_waits_for_triage(api_client):
    data = {"category": "other", "description": "Ada masalah."}

    response = complaint_post(api_client, data)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "triage"
    assert body["opd"] is None
    assert body["due_at"] is not None  # the triage deadline runs
    complaint = Complaint.objects.get(reference=body["reference"])
    assert list(complaint.events.values_list("seq", "status")) == [(1, "received"), (2, "triage")]
    assert Event.objects.filter(complaint=complaint).count() == 2

"""The conversation between a reporter and the staff, through the API only (docs/product.md F2-F5).

The reporter holds nothing but the receipt (``track/``, ``track/messages/``, ``track/photos/``,
``track/decision/``); staff use tokens (``staff/complaints/...``). The story:

1. Dinas Perhubungan asks a question (``needs_info``): the tracking answer shows it and lets the
   reporter reply; the reply moves the case back to ``in_progress`` by itself.
2. The reporter adds photos (sanitized; a ``photos`` event).
3. The office resolves it with the action taken; the reporter disputes (reopened), then, once
   resolved again, accepts with the four SKM ratings: closed, ratings kept with OPD and service.
4. The Inspektorat reopens the closed case and refers it to law enforcement.
5. The koordinator routes a complaint out of triage, rejects spam with a reason the reporter
   reads, and merges a duplicate: it follows the original (office, status, the office's
   replies) while each reporter reads, answers and decides only their own complaint.
6. Dinas Perhubungan says "bukan kewenangan kami"; the koordinator declines, then approves a
   second request to another office than suggested: the reporter reads only "Dialihkan ke …".
7. The walikota reads everything and can act on nothing (403), photos included.

Every staff action here goes through the API, as a staff client would use it; the pages run the
same inputs and services (``tests.api.test_permission_matrix``).
"""

import hashlib

import pytest
from PIL import Image
from rest_framework.test import APIClient

from complaints.models import Complaint, Evidence, Rating, RerouteRequest, Status
from complaints.services import staff_account_ensure
from routing.models import Opd
from tests import images
from tests.api.client import PARKIR_STORY, complaint_post, photo, track_post
from tests.api.staff import (
    MSG_NOT_PERMITTED,
    PASSWORD,
    accounts_ensure,
    detail_url,
    read,
    token_for,
)

pytestmark = pytest.mark.usefixtures("directory")

QUESTION = "Jam berapa kejadiannya, dan apakah jukir memakai rompi resmi?"
ANSWER = "Sekitar jam 10 pagi, jukir tidak memakai rompi."
ACTION_TAKEN = "Jukir liar sudah ditertibkan bersama Satpol PP; titik parkir diawasi petugas resmi."
ACTION_AGAIN = "Petugas resmi kini berjaga setiap hari; karcis wajib diberikan."
RATINGS = {"waktu": 4, "biaya": 4, "perilaku": 3, "penanganan": 2}
REFERRAL = "Dilimpahkan ke Saber Pungli / Kepolisian untuk pemeriksaan."
SPAM_REASON = "Laporan berisi iklan, bukan pengaduan layanan publik."
INTERNAL_REASON = "Catatan internal: ini urusan kebersihan pasar (DLH)."


@pytest.fixture
def staff():
    """Token clients of the demo accounts, by username."""
    accounts_ensure()

    def client(username: str) -> APIClient:
        api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(api, username)}")
        return api

    return client


@pytest.fixture
def reporter() -> APIClient:
    """An anonymous client: no cookie, no token, only the receipt."""
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def submit(client, data: dict) -> tuple[str, str]:
    response = complaint_post(client, data)
    assert response.status_code == 201, response.content
    body = response.json()
    return body["receipt"], body["reference"]


def track(client, receipt: str) -> dict:
    response = track_post(client, receipt)
    assert response.status_code == 200, response.content
    return response.json()


def act(client, reference: str, action: str, body: dict, expected: int = 200) -> dict:
    response = client.post(detail_url(reference, action), body, format="json")
    assert response.status_code == expected, response.content
    return response.json()


def tail(tracked: dict, count: int) -> list[tuple]:
    return [(e["kind"], e["status"], e["text"]) for e in tracked["events"][-count:]]


def seqs_are_1_to_n(tracked_or_detail: dict) -> bool:
    return [e["seq"] for e in tracked_or_detail["events"]] == sorted(
        e["seq"] for e in tracked_or_detail["events"]
    )


# --- 1-3: question, answer, photos, resolution, dispute, acceptance ---------------------------


def test_the_reporter_and_the_office_talk_until_the_case_is_closed(staff, reporter):
    receipt, reference = submit(reporter, PARKIR_STORY)
    dishub = staff("kepala-dishub")
    start = track(reporter, receipt)
    assert (start["status"], start["can_reply"], start["can_rate"]) == ("assigned", True, False)

    # The office asks.
    act(dishub, reference, "transition", {"to": "needs_info", "message": QUESTION})
    asked = track(reporter, receipt)
    assert (asked["status"], asked["can_reply"], asked["can_rate"]) == ("needs_info", True, False)
    assert tail(asked, 1) == [("status", "needs_info", QUESTION)]

    # The reporter answers: back to in_progress by itself.
    response = reporter.post(
        "/api/v1/track/messages/", {"receipt": receipt, "body": ANSWER}, format="json"
    )
    assert response.status_code == 201, response.content
    answered = response.json()
    assert answered["status"] == "in_progress"
    assert tail(answered, 2) == [
        ("reporter_message", "needs_info", ANSWER),
        ("status", "in_progress", ""),
    ]
    assert answered == track(reporter, receipt)

    # The reporter adds two phone photos; they are stored sanitized.
    originals = [images.jpeg_with_metadata(), images.jpeg_with_metadata(orientation=None)]
    response = reporter.post(
        "/api/v1/track/photos/",
        {"receipt": receipt, "photos": [photo(originals[0]), photo(originals[1], name="b.jpg")]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert tail(response.json(), 1) == [("photos", "in_progress", "2")]
    evidence = list(Evidence.objects.filter(complaint__reference=reference))
    assert sorted(item.sha256 for item in evidence) == sorted(
        hashlib.sha256(data).hexdigest() for data in originals
    )
    for item in evidence:
        with item.image.open("rb") as stored, Image.open(stored) as image:
            assert not image.getexif() and "icc_profile" not in image.info
            assert "comment" not in image.info
    staff_view = dishub.get(detail_url(reference)).json()
    assert len(staff_view["evidence"]) == 2
    # The office opens the sanitized photos with its token, from the detail's URLs.
    stored = {str(item.pk): item for item in evidence}
    for item in staff_view["evidence"]:
        response = dishub.get(item["url"])
        assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
        with stored[item["id"]].image.open("rb") as kept:
            assert read(response) == kept.read()
    assert [e for e in staff_view["events"] if e["kind"] == "reporter_message"][0]["text"] == ANSWER

    # The office resolves with the action taken: now the reporter may rate.
    act(dishub, reference, "transition", {"to": "resolved", "message": ACTION_TAKEN})
    solved = track(reporter, receipt)
    assert (solved["status"], solved["can_reply"], solved["can_rate"]) == ("resolved", False, True)
    assert tail(solved, 1) == [("status", "resolved", ACTION_TAKEN)]

    # Not solved for the reporter: reopened.
    response = reporter.post(
        "/api/v1/track/decision/", {"receipt": receipt, "accept": False}, format="json"
    )
    assert response.status_code == 200, response.content
    disputed = response.json()
    assert (disputed["status"], disputed["can_rate"]) == ("in_progress", False)
    assert disputed["events"][-1]["kind"] == "status"
    assert not Rating.objects.exists()

    # Resolved again, then accepted with the four ratings: closed.
    act(dishub, reference, "transition", {"to": "resolved", "message": ACTION_AGAIN})
    response = reporter.post(
        "/api/v1/track/decision/",
        {"receipt": receipt, "accept": True, "ratings": RATINGS},
        format="json",
    )
    assert response.status_code == 200, response.content
    done = response.json()
    assert (done["status"], done["can_reply"], done["can_rate"]) == ("closed", False, False)
    assert [(e["kind"], e["status"]) for e in done["events"][-2:]] == [
        ("rated", "resolved"),
        ("status", "closed"),
    ]
    rows = Rating.objects.filter(complaint__reference=reference)
    assert sorted(rows.values_list("element", "value", "opd__code", "service__code")) == [
        ("biaya", 4, "DISHUB", "PARKIR-MOTOR"),
        ("penanganan", 2, "DISHUB", "PARKIR-MOTOR"),
        ("perilaku", 3, "DISHUB", "PARKIR-MOTOR"),
        ("waktu", 4, "DISHUB", "PARKIR-MOTOR"),
    ]
    assert seqs_are_1_to_n(done)
    # The office sees the whole history, with the rating, in order.
    statuses = [
        e["status"]
        for e in dishub.get(detail_url(reference)).json()["events"]
        if e["kind"] == "status"
    ]
    assert statuses == [
        "received",
        "assigned",
        "needs_info",
        "in_progress",
        "resolved",
        "in_progress",
        "resolved",
        "closed",
    ]


# --- 4: the Inspektorat ------------------------------------------------------------------------


def closed_parking_case(staff, reporter) -> tuple[str, str]:
    receipt, reference = submit(reporter, PARKIR_STORY)
    dishub = staff("kepala-dishub")
    act(dishub, reference, "transition", {"to": "in_progress"})
    act(dishub, reference, "transition", {"to": "resolved", "message": ACTION_TAKEN})
    response = reporter.post(
        "/api/v1/track/decision/", {"receipt": receipt, "accept": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "closed"
    return receipt, reference


def test_the_inspektorat_reopens_a_closed_case_and_refers_it(staff, reporter):
    receipt, reference = closed_parking_case(staff, reporter)
    inspektorat = staff("inspektorat")
    assert "in_progress" in inspektorat.get(detail_url(reference)).json()["allowed_transitions"]

    reopened = act(inspektorat, reference, "transition", {"to": "in_progress"})
    assert reopened["status"] == "in_progress"
    assert track(reporter, receipt)["can_reply"] is True

    referred = act(inspektorat, reference, "transition", {"to": "referred", "message": REFERRAL})
    assert referred["status"] == "referred"
    assert referred["allowed_transitions"] == []
    tracked = track(reporter, receipt)
    assert (tracked["status"], tracked["can_reply"], tracked["can_rate"]) == (
        "referred",
        False,
        False,
    )
    assert tail(tracked, 2) == [("status", "in_progress", ""), ("status", "referred", REFERRAL)]
    actors = [e["actor"] for e in referred["events"][-2:]]
    assert actors == ["inspektorat", "inspektorat"]


def test_the_opd_cannot_reopen_or_refer(staff, reporter):
    _receipt, reference = closed_parking_case(staff, reporter)
    dishub = staff("kepala-dishub")

    for target, message in (("in_progress", ""), ("referred", REFERRAL)):
        body = act(dishub, reference, "transition", {"to": target, "message": message}, 409)
        assert "cannot be moved to" in body["message"]
    assert Complaint.objects.get(reference=reference).status == Status.CLOSED


# --- 5: the koordinator ------------------------------------------------------------------------

VAGUE = {"category": "other", "description": "Pelayanan jelek sekali, petugas acuh saja."}
SPAM = {"category": "other", "description": "Klik tautan ini untuk hadiah menarik gratis!!!"}


def test_the_koordinator_routes_a_complaint_out_of_triage(staff, reporter):
    receipt, reference = submit(reporter, VAGUE)
    assert track(reporter, receipt)["status"] == "triage"
    koordinator = staff("koordinator")

    routed = act(koordinator, reference, "reassign", {"opd": "DLH", "reason": INTERNAL_REASON})

    assert (routed["status"], routed["opd"]["code"]) == ("assigned", "DLH")
    tracked = track(reporter, receipt)
    assert (tracked["status"], tracked["opd"]["code"]) == ("assigned", "DLH")
    assert tail(tracked, 1) == [("status", "assigned", "Diteruskan ke Dinas Lingkungan Hidup")]
    assert INTERNAL_REASON not in str(tracked)  # the reason stays internal
    assert INTERNAL_REASON in [e["text"] for e in routed["events"] if not e["public"]]
    # Dinas Lingkungan Hidup's head can now work on it.
    staff_account_ensure(
        username="kepala-dlh", password=PASSWORD, role="opd", opd=Opd.objects.get(code="DLH")
    )
    started = act(staff("kepala-dlh"), reference, "transition", {"to": "in_progress"})
    assert started["status"] == "in_progress"


def test_the_koordinator_rejects_spam_with_a_reason_the_reporter_reads(staff, reporter):
    receipt, reference = submit(reporter, SPAM)
    assert track(reporter, receipt)["status"] == "triage"

    rejected = act(
        staff("koordinator"), reference, "transition", {"to": "rejected", "message": SPAM_REASON}
    )

    assert rejected["status"] == "rejected"
    tracked = track(reporter, receipt)
    assert (tracked["status"], tracked["can_reply"], tracked["can_rate"]) == (
        "rejected",
        False,
        False,
    )
    assert tail(tracked, 1) == [("status", "rejected", SPAM_REASON)]
    refused = reporter.post(
        "/api/v1/track/messages/", {"receipt": receipt, "body": "Kenapa?"}, format="json"
    )
    assert refused.status_code == 409


MERGED_DUPLICATE = "Ditangani bersama laporan lain tentang hal yang sama"
MERGED_ORIGINAL = "Laporan lain tentang hal yang sama ditangani bersama laporan ini"
DUPLICATE_STORY = {**PARKIR_STORY, "description": "Jukir pasar minta 10 ribu, tanpa karcis lagi."}


def test_a_merged_duplicate_follows_the_original_and_each_reporter_reads_their_own(staff, reporter):
    original_receipt, original = submit(reporter, PARKIR_STORY)
    duplicate_receipt, duplicate = submit(reporter, DUPLICATE_STORY)
    dishub, koordinator = staff("kepala-dishub"), staff("koordinator")
    act(dishub, original, "transition", {"to": "in_progress"})
    assert koordinator.get(detail_url(duplicate)).json()["actions"]["merge"] is True

    merged = act(koordinator, duplicate, "merge", {"into": original, "reason": "Lokasi sama."})

    # The duplicate follows the original: its status now, and nothing left to do on it but notes.
    assert (merged["reference"], merged["status"]) == (duplicate, "in_progress")
    assert merged == koordinator.get(detail_url(duplicate)).json()
    assert merged["allowed_transitions"] == []
    assert merged["actions"]["merge"] is False
    assert "Lokasi sama." in [e["text"] for e in merged["events"] if not e["public"]]
    # Each receipt opens its own complaint, told it is handled together with another.
    through_duplicate = track(reporter, duplicate_receipt)
    through_original = track(reporter, original_receipt)
    assert (through_duplicate["reference"], through_duplicate["status"]) == (
        duplicate,
        "in_progress",
    )
    assert MERGED_DUPLICATE in [e["text"] for e in through_duplicate["events"]]
    assert tail(through_original, 1) == [("merged", "in_progress", MERGED_ORIGINAL)]
    assert original not in str(through_duplicate) and duplicate not in str(through_original)
    assert PARKIR_STORY["description"] not in str(through_duplicate)
    assert DUPLICATE_STORY["description"] not in str(through_original)

    # The office works on the original; its reply and its resolution reach both reporters.
    act(dishub, original, "messages", {"body": "Jukir sudah kami tegur."}, 201)
    act(dishub, original, "transition", {"to": "resolved", "message": ACTION_TAKEN})
    for receipt in (original_receipt, duplicate_receipt):
        tracked = track(reporter, receipt)
        assert (tracked["status"], tracked["can_rate"]) == ("resolved", True)
        assert "Jukir sudah kami tegur." in [e["text"] for e in tracked["events"]]

    # Each reporter writes into, and decides on, their own complaint only.
    reply = reporter.post(
        "/api/v1/track/messages/",
        {"receipt": duplicate_receipt, "body": "Tambahan: jam 10 pagi."},
        format="json",
    )
    assert reply.status_code == 409  # resolved: the reporter decides, no more replies
    accepted = reporter.post(
        "/api/v1/track/decision/", {"receipt": duplicate_receipt, "accept": True}, format="json"
    )
    assert (accepted.status_code, accepted.json()["reference"]) == (200, duplicate)
    assert accepted.json()["status"] == "closed"
    assert track(reporter, original_receipt)["status"] == "resolved"  # still the original's own


def test_a_followed_resolution_tells_the_duplicates_reporter_the_action_taken(staff, reporter):
    """A resolution must say what was done (the reporter accepts or disputes on it): the
    duplicate's reporter, asked to decide too, reads the same action taken."""
    _original_receipt, original = submit(reporter, PARKIR_STORY)
    duplicate_receipt, duplicate = submit(reporter, DUPLICATE_STORY)
    dishub = staff("kepala-dishub")
    act(staff("koordinator"), duplicate, "merge", {"into": original})
    act(dishub, original, "transition", {"to": "in_progress"})

    act(dishub, original, "transition", {"to": "resolved", "message": ACTION_TAKEN})

    tracked = track(reporter, duplicate_receipt)
    assert (tracked["status"], tracked["can_rate"]) == ("resolved", True)
    assert ACTION_TAKEN in [e["text"] for e in tracked["events"]]


# --- 6: "bukan kewenangan kami" ------------------------------------------------------------------

NOT_OURS = "Bukan kewenangan kami: retribusi pasar; catatan internal 5521"


def test_the_office_says_not_ours_and_the_koordinator_decides(staff, reporter):
    receipt, reference = submit(reporter, PARKIR_STORY)
    dishub, koordinator = staff("kepala-dishub"), staff("koordinator")
    before = track(reporter, receipt)

    # Dinas Perhubungan asks; nothing moves yet, and the reporter sees nothing of it.
    asked = act(dishub, reference, "reroute", {"opd": "DLH", "reason": NOT_OURS}, 201)
    [request] = asked["reroute_requests"]
    assert (asked["opd"]["code"], request["state"], request["suggested_opd"]) == (
        "DISHUB",
        "pending",
        "DLH",
    )
    assert track(reporter, receipt) == before

    # The koordinator declines: it stays with Dinas Perhubungan, which may ask again.
    declined = act(
        koordinator,
        reference,
        "reroute/decision",
        {"request": request["id"], "approve": False, "note": "Parkir urusan Dishub."},
    )
    assert (declined["opd"]["code"], declined["reroute_requests"][0]["state"]) == (
        "DISHUB",
        "declined",
    )
    asked_again = act(dishub, reference, "reroute", {"opd": "DLH", "reason": NOT_OURS}, 201)
    second = next(r for r in asked_again["reroute_requests"] if r["state"] == "pending")

    # Approved, to another office than suggested.
    approved = act(
        koordinator,
        reference,
        "reroute/decision",
        {"request": second["id"], "approve": True, "opd": "DISPERINDAG"},
    )
    assert approved["opd"]["code"] == "DISPERINDAG"
    assert sorted(
        RerouteRequest.objects.filter(complaint__reference=reference).values_list(
            "state", flat=True
        )
    ) == ["approved", "declined"]
    tracked = track(reporter, receipt)
    assert tracked["opd"]["code"] == "DISPERINDAG"
    assert tail(tracked, 1)[0][0] == "reassigned"
    assert tail(tracked, 1)[0][2].startswith("Dialihkan ke ")
    for secret in ("5521", "Bukan kewenangan", "Parkir urusan Dishub"):
        assert secret not in str(tracked)
    # Dinas Perhubungan no longer holds it.
    assert dishub.get(detail_url(reference)).status_code == 404


# --- 7: the walikota ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, body",
    [
        ("transition", {"to": "in_progress"}),
        ("transition", {"to": "needs_info", "message": QUESTION}),
        ("transition", {"to": "referred", "message": REFERRAL}),
        ("messages", {"body": "Dari kantor wali kota."}),
        ("messages", {"body": "Catatan wali kota.", "internal": True}),
        ("reassign", {"opd": "DLH", "reason": "Perintah wali kota."}),
        ("reroute", {"opd": "DLH", "reason": "Perintah wali kota."}),
        ("merge", {"into": "<other>", "reason": "Sama."}),
    ],
)
def test_the_walikota_reads_everything_and_acts_on_nothing(staff, reporter, action, body):
    receipt, reference = submit(reporter, PARKIR_STORY)
    _other_receipt, other = submit(reporter, PARKIR_STORY)
    body = {key: other if value == "<other>" else value for key, value in body.items()}
    walikota = staff("walikota")
    before = track(reporter, receipt)

    listed = walikota.get("/api/v1/staff/complaints/").json()
    detail = walikota.get(detail_url(reference))
    refused = act(walikota, reference, action, body, expected=403)

    assert reference in [item["reference"] for item in listed["results"]]
    assert detail.status_code == 200 and detail.json()["allowed_transitions"] == []
    assert not any(detail.json()["actions"].values())
    assert refused == {"message": MSG_NOT_PERMITTED, "errors": {}}
    assert track(reporter, receipt) == before
    assert Complaint.objects.get(reference=other).merged_into_id is None


def test_the_walikota_cannot_decide_a_reroute_request(staff, reporter):
    receipt, reference = submit(reporter, PARKIR_STORY)
    asked = act(
        staff("kepala-dishub"), reference, "reroute", {"opd": "DLH", "reason": NOT_OURS}, 201
    )
    request_id = asked["reroute_requests"][0]["id"]
    before = track(reporter, receipt)

    refused = act(
        staff("walikota"),
        reference,
        "reroute/decision",
        {"request": request_id, "approve": True},
        expected=403,
    )

    assert refused == {"message": MSG_NOT_PERMITTED, "errors": {}}
    assert RerouteRequest.objects.get(pk=request_id).state == "pending"
    assert track(reporter, receipt) == before


def test_the_walikota_opens_the_photos(staff, reporter):
    response = complaint_post(reporter, PARKIR_STORY, photos=[photo()])
    assert response.status_code == 201, response.content
    walikota = staff("walikota")

    [item] = walikota.get(detail_url(response.json()["reference"])).json()["evidence"]

    for url in (item["url"], item["thumbnail_url"]):
        opened = walikota.get(url)
        assert (opened.status_code, opened["Content-Type"]) == (200, "image/jpeg")
        assert read(opened)

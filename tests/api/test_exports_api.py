"""The de-identified export over HTTP, and the public summary it carries.

- ``GET /api/v1/stats/export/?from=&to=&format=json|csv``: dashboard viewers (the mayor's
  office, the Inspektorat, admins); other staff 403, anonymous 401; a bad period is a 400 in
  the client's language (Indonesian unless ``Accept-Language: en``).
- ``/dasbor/ekspor/?from=&to=&format=``: the same file from the mayor's dashboard, which links
  to it for its period; 404 for other staff and a login redirect for anyone else, as the
  dashboard.
- ``POST /api/v1/staff/complaints/<ref>/summary/`` ``{"summary"}`` and the staff page's form:
  the handling office, the desk, oversight and admins write (and so approve) the public
  summary; the mayor's office may not; the reporter is told nothing of it.

Every surface serves the same bytes as ``complaints.exports`` (checked against it), and none
carries what the reporters of ``tests.complaints.exportdata`` wrote.
"""

import csv
import io
import json
from datetime import date
from html import unescape

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from complaints import exports
from complaints.models import Complaint, Event, Visibility
from complaints.stats.dashboard import Period
from tests.api.client import assert_not_english, track_post
from tests.api.staff import (
    LOGIN_PAGE,
    MSG_NOT_PERMITTED,
    PASSWORD,
    PLAIN,
    account,
    detail_url,
    page_url,
    token_for,
)
from tests.complaints.exportdata import APRIL, SUMMARY, as_csv_row, build
from tests.factories import page_client

pytestmark = pytest.mark.usefixtures("directory")

API = "/api/v1/stats/export/"
PAGE = "/dasbor/ekspor/"
QUERY = {"from": APRIL[0], "to": APRIL[1]}
VIEWERS = ["walikota", "inspektorat", "admin"]
OTHER_STAFF = ["koordinator", "kepala-dishub", "kepala-dukcapil", "kepala-inspektorat", PLAIN]
# Who may write the summary of the parking pungli (Dishub's, with an Inspektorat copy).
WRITERS = ["kepala-dishub", "koordinator", "inspektorat", "kepala-inspektorat", "admin"]

BAD_PERIODS = [
    # (query, field, Indonesian, English)
    (
        {"from": "2025-04-01", "to": "2026-04-01"},
        "to",
        "Ekspor mencakup paling lama satu tahun.",
        "An export covers at most one year.",
    ),
    (
        {"from": "2026-04-01", "to": "2099-01-01"},
        "to",
        "Periode tidak boleh berakhir sesudah hari ini.",
        "The period cannot end after today.",
    ),
    (
        {"from": "2026-04-01", "to": "30/04/2026"},
        "to",
        "Tulis tanggal dengan format YYYY-MM-DD.",
        "Dates are written YYYY-MM-DD.",
    ),
    (
        {"from": "2026-04-30", "to": "2026-04-01"},
        "from",
        "Awal periode tidak boleh sesudah akhirnya.",
        "The start of the period must not be after its end.",
    ),
    (
        {"to": "2026-04-30"},
        "from",
        "Pilih periode ekspor: kedua tanggal, dengan format YYYY-MM-DD.",
        "Choose the period to export: both dates, written YYYY-MM-DD.",
    ),
]


@pytest.fixture
def city():
    return build()


def api_as(username: str, *, language: str | None = None) -> APIClient:
    client = APIClient(**({"HTTP_ACCEPT_LANGUAGE": language} if language else {}))
    account(username)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(client, username)}")
    return client


def page_as(username: str, *, language: str | None = None) -> Client:
    client = page_client(language)
    account(username)
    assert client.login(username=username, password=PASSWORD)
    return client


def april(fmt: str) -> bytes:
    return exports.export_bytes(Period(date(2026, 4, 1), date(2026, 4, 30)), fmt)


def rows_of(body: bytes, fmt: str) -> list[dict]:
    if fmt == "csv":
        assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
        return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    return json.loads(body.decode("utf-8"))["complaints"]


def expected_rows(city, fmt: str) -> list[dict]:
    rows = sorted(city.expected.values(), key=lambda row: (row["received_on"], row["reference"]))
    return [as_csv_row(row) for row in rows] if fmt == "csv" else rows


def assert_no_secret(body: bytes, secrets: list[str]) -> None:
    text = body.decode("utf-8").lower()
    leaked = [secret for secret in secrets if secret.lower() in text]
    assert not leaked, f"the export carries what it must not: {leaked}"


def assert_download(response, fmt: str) -> None:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == exports.CONTENT_TYPES[fmt]
    assert response["Content-Disposition"] == (
        f'attachment; filename="laporpungli-ekspor-2026-04-01_2026-04-30.{fmt}"'
    )
    assert "no-store" in response["Cache-Control"]


# --- The API -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", exports.FORMATS)
@pytest.mark.parametrize("username", VIEWERS)
def test_dashboard_viewers_download_the_export(city, username, fmt):
    response = api_as(username).get(API, {**QUERY, "format": fmt})
    assert_download(response, fmt)
    assert response.content == april(fmt)
    assert rows_of(response.content, fmt) == expected_rows(city, fmt)


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_the_api_export_carries_the_summary_and_nothing_of_the_reporters(city, fmt):
    body = api_as("walikota").get(API, {**QUERY, "format": fmt}).content
    assert_no_secret(body, city.secrets)
    assert SUMMARY in body.decode("utf-8")
    references = {row["reference"] for row in rows_of(body, fmt)}
    assert references == set(city.expected) and not references & set(city.outside)


def test_json_is_the_default_and_csv_may_be_asked_for_by_accept(city):
    client = api_as("inspektorat")
    assert client.get(API, QUERY).content == april("json")
    assert client.get(API, QUERY, HTTP_ACCEPT="text/csv").content == april("csv")


def test_anonymous_is_401():
    response = APIClient().get(API, QUERY)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"message", "errors"}


@pytest.mark.parametrize("username", OTHER_STAFF)
def test_other_staff_are_403(city, username):
    response = api_as(username).get(API, {**QUERY, "format": "csv"})
    assert response.status_code == 403
    assert SUMMARY.encode() not in response.content


@pytest.mark.parametrize("query, field, indonesian, english", BAD_PERIODS)
def test_a_bad_period_is_a_400_in_the_clients_language(query, field, indonesian, english):
    default = api_as("walikota").get(API, query)
    in_english = api_as("walikota", language="en").get(API, query)
    assert default.status_code == in_english.status_code == 400
    assert in_english.json() == {"message": english, "errors": {field: [english]}}
    assert default.json()["errors"] == {field: [default.json()["message"]]}
    assert_not_english(default.json()["message"], english)
    assert default.json()["message"] == indonesian


def test_a_bad_period_asked_as_csv_is_still_a_400_with_its_message():
    response = api_as("walikota").get(
        API, {"from": "2025-01-01", "to": "2026-04-30", "format": "csv"}
    )
    assert response.status_code == 400
    assert "Ekspor mencakup paling lama satu tahun." in response.content.decode("utf-8-sig")


def test_an_unknown_format_is_a_400_naming_it():
    response = api_as("walikota").get(API, {**QUERY, "format": "xlsx"})
    assert response.status_code == 400
    assert response.json() == {
        "message": "Pilih format: json atau csv.",
        "errors": {"format": ["Pilih format: json atau csv."]},
    }


def test_the_schema_documents_the_export():
    out = io.StringIO()
    call_command("spectacular", "--format", "openapi-json", stdout=out)
    operation = json.loads(out.getvalue())["paths"]["/api/v1/stats/export/"]["get"]
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
    assert {parameter["name"] for parameter in operation["parameters"]} == {"from", "to", "format"}
    content = operation["responses"]["200"]["content"]
    assert {"application/json", "text/csv"} <= set(content)


# --- The dashboard ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", exports.FORMATS)
@pytest.mark.parametrize("username", VIEWERS)
def test_the_dashboard_download_is_the_same_file(city, username, fmt):
    response = page_as(username).get(PAGE, {**QUERY, "format": fmt})
    assert_download(response, fmt)
    assert response.content == april(fmt)
    assert rows_of(response.content, fmt) == expected_rows(city, fmt)
    assert_no_secret(response.content, city.secrets)
    assert SUMMARY in response.content.decode("utf-8")


@pytest.mark.parametrize("username", OTHER_STAFF)
def test_the_dashboard_download_is_404_for_other_staff(city, username):
    response = page_as(username).get(PAGE, {**QUERY, "format": "csv"})
    assert response.status_code == 404
    assert SUMMARY.encode() not in response.content


def test_the_dashboard_download_needs_a_login(city):
    response = Client().get(PAGE, {**QUERY, "format": "csv"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN_PAGE}?next=/dasbor/ekspor/")


@pytest.mark.parametrize("query, field, indonesian, english", BAD_PERIODS)
def test_the_dashboard_download_of_a_bad_period_is_a_400_page(query, field, indonesian, english):
    default = page_as("walikota").get(PAGE, {**query, "format": "csv"})
    in_english = page_as("walikota", language="en").get(
        PAGE, {**query, "format": "csv", "lang": "en"}
    )
    assert default.status_code == in_english.status_code == 400
    assert indonesian in default.content.decode()
    assert english in in_english.content.decode()


def test_the_dashboard_download_of_an_unknown_format_is_a_400_page():
    response = page_as("walikota").get(PAGE, {**QUERY, "format": "xlsx"})
    assert response.status_code == 400
    assert "Pilih format: json atau csv." in response.content.decode()


def test_the_dashboard_links_both_files_for_its_period(city):
    html = unescape(page_as("walikota").get("/dasbor/", QUERY).content.decode())
    for fmt in exports.FORMATS:
        assert f'href="{PAGE}?from=2026-04-01&to=2026-04-30&format={fmt}"' in html


def test_the_dashboard_says_why_it_cannot_export_a_longer_period(city):
    html = (
        page_as("walikota")
        .get("/dasbor/", {"from": "2024-01-01", "to": "2026-04-30"})
        .content.decode()
    )
    assert PAGE not in html
    assert "Ekspor mencakup paling lama satu tahun." in html


# --- The public summary --------------------------------------------------------------------------


def summary_url(reference: str) -> str:
    return detail_url(reference, "summary")


@pytest.mark.parametrize("username", WRITERS)
def test_the_office_the_desk_and_oversight_write_the_summary(parkir, username):
    complaint, _receipt = parkir
    client = api_as(username)
    response = client.post(
        summary_url(complaint.reference), {"summary": f" {SUMMARY} "}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["public_summary"] == SUMMARY
    assert body["actions"]["public_summary"] is True
    event = Event.objects.filter(complaint=complaint).order_by("-seq").first()
    assert (event.kind, event.visibility, event.text) == (
        Event.Kind.NOTE,
        Visibility.OFFICE,
        "Ringkasan publik diperbarui",
    )
    assert event.actor.username == username


def test_the_mayors_office_may_not_write_the_summary(parkir):
    complaint, _receipt = parkir
    client = api_as("walikota", language="en")
    assert client.get(detail_url(complaint.reference)).json()["actions"]["public_summary"] is False
    response = client.post(summary_url(complaint.reference), {"summary": SUMMARY}, format="json")
    assert response.status_code == 403
    assert response.json() == {"message": MSG_NOT_PERMITTED, "errors": {}}
    assert Complaint.objects.get(pk=complaint.pk).public_summary == ""


def test_an_office_out_of_scope_gets_404_and_anonymous_401(parkir):
    complaint, _receipt = parkir
    out_of_scope = api_as("kepala-dukcapil").post(
        summary_url(complaint.reference), {"summary": SUMMARY}, format="json"
    )
    anonymous = APIClient().post(
        summary_url(complaint.reference), {"summary": SUMMARY}, format="json"
    )
    assert out_of_scope.status_code == 404
    assert out_of_scope.json() == api_as("kepala-dukcapil").get(detail_url("BKL-00-XXXXXX")).json()
    assert anonymous.status_code == 401
    assert Complaint.objects.get(pk=complaint.pk).public_summary == ""


def test_a_missing_or_too_long_summary_is_a_400(parkir):
    complaint, _receipt = parkir
    client = api_as("kepala-dishub")
    missing = client.post(summary_url(complaint.reference), {}, format="json")
    too_long = client.post(summary_url(complaint.reference), {"summary": "x" * 5001}, format="json")
    assert missing.status_code == too_long.status_code == 400
    assert missing.json()["errors"]["summary"] == [
        "Tulis ringkasan publik (kosongkan untuk menarik ringkasan yang sudah terbit)."
    ]
    assert list(too_long.json()["errors"]) == ["summary"]
    assert Complaint.objects.get(pk=complaint.pk).public_summary == ""


def test_an_empty_summary_withdraws_it(parkir):
    complaint, _receipt = parkir
    client = api_as("kepala-dishub")
    client.post(summary_url(complaint.reference), {"summary": SUMMARY}, format="json")
    response = client.post(summary_url(complaint.reference), {"summary": ""}, format="json")
    assert response.status_code == 200 and response.json()["public_summary"] == ""
    assert Event.objects.filter(complaint=complaint, text="Ringkasan publik ditarik").exists()


def test_the_reporter_is_told_nothing_of_the_summary(parkir):
    complaint, receipt = parkir
    before = track_post(APIClient(), receipt).json()
    api_as("kepala-dishub").post(
        summary_url(complaint.reference), {"summary": SUMMARY}, format="json"
    )
    after = track_post(APIClient(), receipt).json()
    assert after["events"] == before["events"]
    text = json.dumps(after, ensure_ascii=False)
    assert SUMMARY not in text and "Ringkasan" not in text
    # Staff who read the office's notes see that it changed, never its text in the timeline.
    events = api_as("kepala-dishub").get(detail_url(complaint.reference)).json()["events"]
    assert [event["text"] for event in events if "Ringkasan" in event["text"]] == [
        "Ringkasan publik diperbarui"
    ]
    assert not any(SUMMARY in event["text"] for event in events)


def test_the_summary_written_through_the_api_is_what_the_export_carries(parkir):
    complaint, _receipt = parkir
    api_as("kepala-dishub").post(
        summary_url(complaint.reference), {"summary": SUMMARY}, format="json"
    )
    today = timezone.localdate(timezone.now(), timezone=exports.WIB).isoformat()
    rows = api_as("walikota").get(API, {"from": today, "to": today}).json()["complaints"]
    assert [(row["reference"], row["public_summary"]) for row in rows] == [
        (complaint.reference, SUMMARY)
    ]
    assert complaint.description not in json.dumps(rows, ensure_ascii=False)


def test_the_page_form_writes_the_summary(parkir):
    complaint, _receipt = parkir
    client = page_as("kepala-dishub")
    page = client.get(page_url(complaint.reference)).content.decode()
    assert 'name="action" value="summary"' in page
    response = client.post(page_url(complaint.reference), {"action": "summary", "summary": SUMMARY})
    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).public_summary == SUMMARY
    page = client.get(page_url(complaint.reference)).content.decode()
    assert "Ringkasan publik disimpan" in page and SUMMARY in page


def test_the_mayors_office_reads_the_summary_on_the_page_but_cannot_write_it(parkir):
    complaint, _receipt = parkir
    page_as("kepala-dishub").post(
        page_url(complaint.reference), {"action": "summary", "summary": SUMMARY}
    )
    client = page_as("walikota")
    page = client.get(page_url(complaint.reference)).content.decode()
    assert 'value="summary"' not in page and SUMMARY in page
    refused = client.post(
        page_url(complaint.reference), {"action": "summary", "summary": "Diubah."}
    )
    assert refused.status_code == 403
    assert Complaint.objects.get(pk=complaint.pk).public_summary == SUMMARY


def test_the_page_form_with_no_summary_field_is_a_400(parkir):
    complaint, _receipt = parkir
    response = page_as("kepala-dishub").post(page_url(complaint.reference), {"action": "summary"})
    assert response.status_code == 400
    assert "Tulis ringkasan publik" in response.content.decode()


@pytest.mark.parametrize("surface", ["api", "page"])
def test_every_exported_complaint_is_recorded_in_the_access_audit(city, surface):
    """An export is a read of each complaint in it: the audit says who took which."""
    from complaints.models import AccessRecord

    if surface == "api":
        answer = api_as("walikota").get(API, {**QUERY, "format": "json"})
    else:
        answer = page_as("walikota").get(PAGE, {**QUERY, "format": "json"})
    assert answer.status_code == 200
    exported = {row["reference"] for row in json.loads(answer.content)["complaints"]}
    assert exported
    recorded = AccessRecord.objects.filter(
        user__username="walikota", action=AccessRecord.Action.EXPORT
    )
    assert set(recorded.values_list("complaint__reference", flat=True)) == exported
    assert recorded.count() == len(exported)

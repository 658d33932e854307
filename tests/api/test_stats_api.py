"""The statistics API (``GET stats/overview|trend|opds|hotspots/``) and the dashboard pages.

API (docs/interface.md "REST API"): the mayor's office, the Inspektorat and admins may read it;
anyone else logged in gets 403, and an anonymous client 401 (token authentication comes first, so
DRF can answer ``WWW-Authenticate: Token``). ``?from=&to=`` choose the period; a bad period or an
unknown ``group_by`` is a 400 with ``{"message", "errors"}``. ``?format=csv`` answers the same
rows as CSV (UTF-8 with a byte-order mark, a header row naming the fields).

Pages (docs/interface.md "Pages"): ``/dasbor/`` (login; 404 for staff who may not see it, like the
API's out-of-scope answers), ``/transparansi/`` (public), ``/standar/`` (every active service with
its fee, time limit and legal basis) and ``/standar/<code>/poster/`` (an A4 poster with an inline
SVG QR code of the absolute report link pre-filled with the service).

The data is the hand-made April 2026 city of ``tests/complaints/test_dashboard_stats.py``.
"""

import csv
import io
import re
from datetime import date

import pytest
from django.test import Client
from rest_framework.test import APIClient

from complaints.models import Category, Status
from routing.models import Service
from tests.api.client import assert_not_english
from tests.api.staff import ACCOUNTS, LOGIN_PAGE, PASSWORD, PLAIN, account, token_for
from tests.complaints.statdata import FUTURE, PAST, complaint, rate, rebuild, wib
from tests.factories import page_client

pytestmark = pytest.mark.usefixtures("directory")

ENDPOINTS = ["overview", "trend", "opds", "hotspots"]
APRIL = {"from": "2026-04-01", "to": "2026-04-30"}
EMPTY = {"from": "2019-01-01", "to": "2019-01-31"}
ALLOWED = ["walikota", "inspektorat", "admin"]
REFUSED = [PLAIN, "koordinator", "kepala-dishub", "kepala-dukcapil", "kepala-inspektorat"]
POSTER_SENTENCE = "Dimintai bayaran di luar tarif resmi? Laporkan tanpa identitas"
EMPTY_SENTENCES = (
    "No complaints were received in this period.",
    "Tidak ada pengaduan yang diterima pada periode ini.",
)


def url(endpoint: str) -> str:
    return f"/api/v1/stats/{endpoint}/"


def client_for(username: str) -> APIClient:
    client = APIClient()
    account(username)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(client, username)}")
    return client


@pytest.fixture
def walikota() -> APIClient:
    return client_for("walikota")


@pytest.fixture
def city():
    """April 2026: Dishub 3 pungli (2 at Sawah Lebar, 1 kept, 1 waiting late), Dukcapil 2 delays
    (1 late, 1 open), 1 complaint in triage; one rating (4, 4, 3, 2: IKM 81.25)."""
    kept = complaint(
        wib(date(2026, 4, 6)),
        status=Status.CLOSED,
        service="PARKIR-MOTOR",
        kelurahan="17.71.06.1006",
        fee_flagged=True,
        fee_excess=8_000,
        resolved_at=wib(date(2026, 4, 8)),
        resolve_due_at=FUTURE,
        first_response_days=1,
    )
    rate(kept, wib(date(2026, 4, 9)), waktu=4, biaya=4, perilaku=3, penanganan=2)
    complaint(
        wib(date(2026, 4, 7)),
        service="PARKIR-MOTOR",
        kelurahan="17.71.06.1006",
        fee_flagged=True,
        fee_excess=3_000,
        due_at=PAST,
        resolve_due_at=PAST,
        first_response_days=3,
    )
    complaint(
        wib(date(2026, 4, 14)),
        service="RETRIBUSI-PASAR",
        fee_excess=None,
        due_at=FUTURE,
        resolve_due_at=FUTURE,
    )
    complaint(
        wib(date(2026, 4, 15)),
        opd="DUKCAPIL",
        category=Category.DELAY,
        status=Status.CLOSED,
        resolved_at=wib(date(2026, 4, 30)),
        resolve_due_at=wib(date(2026, 4, 28), 23, 59),
        first_response_days=2,
    )
    complaint(
        wib(date(2026, 4, 21)),
        opd="DUKCAPIL",
        category=Category.DELAY,
        status=Status.ASSIGNED,
        due_at=FUTURE,
        resolve_due_at=FUTURE,
    )
    complaint(
        wib(date(2026, 4, 22)), opd=None, category=Category.OTHER, status=Status.TRIAGE, due_at=PAST
    )
    rebuild()


# --- Who may read ----------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_is_401(endpoint):
    response = APIClient().get(url(endpoint))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"message", "errors"}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("username", REFUSED)
def test_other_staff_are_403(endpoint, username):
    response = client_for(username).get(url(endpoint))
    assert response.status_code == 403
    assert response.json()["message"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("username", ALLOWED)
def test_the_mayors_office_inspektorat_and_admin_may_read(endpoint, username):
    assert client_for(username).get(url(endpoint), APRIL).status_code == 200


@pytest.mark.parametrize("username", ALLOWED)
def test_a_session_works_as_well_as_a_token(username):
    account(username)
    client = APIClient()
    assert client.login(username=username, password=PASSWORD)
    assert client.get(url("overview")).status_code == 200


def test_the_roles_tested_are_the_demo_accounts():
    assert set(ALLOWED + REFUSED) == set(ACCOUNTS) | {PLAIN}


# --- Answers -----------------------------------------------------------------------------------


def test_overview_answer(walikota, city):
    assert walikota.get(url("overview"), APRIL).json() == {
        "from": "2026-04-01",
        "to": "2026-04-30",
        "received": 6,
        "open": 4,
        "overdue": 2,
        "median_first_response_days": 2.0,
        "deadline_compliance": 33.3,  # 1 kept / (1 + 1 late + 1 waiting past its deadline)
        "ikm": 81.25,
        "ikm_category": "B",
        "ikm_responses": 1,
        "fee_flagged": 2,
        "excess_total": 11_000,
    }


def test_from_and_to_are_honoured(walikota, city):
    first_week = walikota.get(url("overview"), {"from": "2026-04-06", "to": "2026-04-12"}).json()
    assert (first_week["from"], first_week["to"], first_week["received"]) == (
        "2026-04-06",
        "2026-04-12",
        2,
    )
    assert (
        walikota.get(url("overview"), {"from": "2026-04-13", "to": "2026-04-30"}).json()["received"]
        == 4
    )
    weeks = walikota.get(url("trend"), {"from": "2026-04-13", "to": "2026-04-26"}).json()
    assert weeks == [
        {"week": "2026-04-13", "pungli": 1, "delay": 1, "other": 0},
        {"week": "2026-04-20", "pungli": 0, "delay": 1, "other": 1},
    ]
    late_april = walikota.get(url("opds"), {"from": "2026-04-15", "to": "2026-04-30"}).json()
    assert [row["opd"] for row in late_april] == ["DUKCAPIL"]
    assert (
        walikota.get(url("hotspots"), {"from": "2026-04-08", "to": "2026-04-30"}).json()[0][
            "reports"
        ]
        == 1
    )


def test_the_default_period_is_the_last_90_days(walikota):
    answer = walikota.get(url("overview")).json()
    start, end = date.fromisoformat(answer["from"]), date.fromisoformat(answer["to"])
    assert (end - start).days == 89


def test_trend_by_opd(walikota, city):
    weeks = walikota.get(url("trend"), {**APRIL, "group_by": "opd"}).json()
    assert [week["week"] for week in weeks] == [
        "2026-03-30",
        "2026-04-06",
        "2026-04-13",
        "2026-04-20",
        "2026-04-27",
    ]
    # Complaints with no office yet (in triage) are the column named "".
    assert weeks[1] == {"week": "2026-04-06", "triage": 0, "DISHUB": 2, "DUKCAPIL": 0}
    assert weeks[3] == {"week": "2026-04-20", "triage": 1, "DISHUB": 0, "DUKCAPIL": 1}


def test_opds_and_hotspots_answers(walikota, city):
    opds = walikota.get(url("opds"), APRIL).json()
    assert [
        (row["opd"], row["received"], row["deadline_compliance"], row["zone"]) for row in opds
    ] == [
        ("DISHUB", 3, 50.0, "kuning"),  # 0.6 × 50 + 0.4 × 81.25 = 62.50
        ("DUKCAPIL", 2, 0.0, "merah"),
    ]
    hotspots = walikota.get(url("hotspots"), APRIL).json()
    assert [
        (row["kelurahan"], row["service"], row["reports"], row["excess_total"]) for row in hotspots
    ] == [
        ("17.71.06.1006", "PARKIR-MOTOR", 2, 11_000),
        ("", "RETRIBUSI-PASAR", 1, 0),
    ]


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-05-01", "to": "2026-04-01"}, "from"),  # start after end
        ({"from": "2026-13-01", "to": "2026-04-01"}, "from"),  # malformed
        ({"from": "2026-04-01", "to": "30/04/2026"}, "to"),
        ({"from": "2019-01-01", "to": "2025-01-31"}, "from"),  # over 5 years
    ],
)
def test_bad_periods_are_400(walikota, endpoint, query, field):
    response = walikota.get(url(endpoint), query)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert body["message"] and list(body["errors"]) == [field]
    assert body["errors"][field] == [body["message"]]


def test_an_unknown_group_is_400(walikota):
    response = walikota.get(url("trend"), {"group_by": "kelurahan"})
    assert response.status_code == 400
    assert set(response.json()) == {"message", "errors"}
    assert list(response.json()["errors"]) == ["group_by"]


def test_errors_follow_the_language(walikota):
    english = walikota.get(url("overview"), {"from": "x"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["message"] == "Dates are written YYYY-MM-DD."
    default = walikota.get(url("overview"), {"from": "x"}).json()
    assert default["message"]
    assert_not_english(default["message"], english["message"])  # Indonesian by default


def test_a_bad_period_as_csv_is_still_a_400_with_the_message(walikota):
    response = walikota.get(
        url("overview"), {"from": "x", "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["message"], ["Dates are written YYYY-MM-DD."]]


# --- CSV ---------------------------------------------------------------------------------------


def csv_rows(response) -> tuple[list[str], list[dict]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, for spreadsheets
    text = response.content.decode("utf-8")[1:]
    reader = csv.DictReader(io.StringIO(text))
    return reader.fieldnames or [], list(reader)


def same(text: str, value) -> bool:
    """A CSV cell against the JSON value it stands for (numbers compared as numbers)."""
    if value is None:
        return text == ""
    if isinstance(value, bool):
        return text == str(value)
    if isinstance(value, (int, float)):
        return float(text) == value
    return text == str(value)


@pytest.mark.parametrize(
    ("endpoint", "query"),
    [
        ("overview", APRIL),
        ("trend", APRIL),
        ("trend", {**APRIL, "group_by": "opd"}),
        ("opds", APRIL),
        ("hotspots", APRIL),
    ],
)
def test_csv_has_the_rows_of_the_json_answer(walikota, city, endpoint, query):
    answer = walikota.get(url(endpoint), query).json()
    rows = answer if isinstance(answer, list) else [answer]
    header, lines = csv_rows(walikota.get(url(endpoint), {**query, "format": "csv"}))
    assert header == list(rows[0])
    assert len(lines) == len(rows)
    for line, row in zip(lines, rows, strict=True):
        mismatched = {
            key: (line[key], value) for key, value in row.items() if not same(line[key], value)
        }
        assert not mismatched


def test_csv_keeps_indonesian_text(walikota, city):
    _header, lines = csv_rows(walikota.get(url("opds"), {**APRIL, "format": "csv"}))
    assert lines[1]["name"] == "Dinas Kependudukan dan Pencatatan Sipil"
    _header, lines = csv_rows(walikota.get(url("hotspots"), {**APRIL, "format": "csv"}))
    assert lines[1]["kelurahan_name"] == "—"


# --- An empty period -------------------------------------------------------------------------


def test_an_empty_period_is_zeros_and_empty_lists(walikota, city):
    overview = walikota.get(url("overview"), EMPTY).json()
    counts = ("received", "open", "overdue", "excess_total")
    assert [overview[key] for key in counts] == [0, 0, 0, 0]
    figures = ("deadline_compliance", "ikm", "median_first_response_days")
    assert [overview[key] for key in figures] == [None, None, None]
    trend = walikota.get(url("trend"), EMPTY).json()
    assert len(trend) == 5 and all(
        week["pungli"] == week["delay"] == week["other"] == 0 for week in trend
    )
    assert walikota.get(url("opds"), EMPTY).json() == []
    assert walikota.get(url("hotspots"), EMPTY).json() == []


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_empty_period_as_csv_still_names_its_columns(walikota, city, endpoint):
    full_header, _lines = csv_rows(walikota.get(url(endpoint), {**APRIL, "format": "csv"}))
    header, lines = csv_rows(walikota.get(url(endpoint), {**EMPTY, "format": "csv"}))
    assert header == full_header
    if endpoint in ("opds", "hotspots"):
        assert lines == []


# --- Pages: the dashboard --------------------------------------------------------------------


def staff_pages(username: str, language: str | None = None) -> Client:
    account(username)
    client = page_client(language)
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_dashboard_needs_a_login():
    response = Client().get("/dasbor/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_PAGE}?next=/dasbor/"


@pytest.mark.parametrize("username", REFUSED)
def test_the_dashboard_is_404_for_other_staff(username):
    assert staff_pages(username).get("/dasbor/").status_code == 404


@pytest.mark.parametrize("username", ALLOWED)
def test_the_dashboard_for_its_readers(username, city):
    response = staff_pages(username).get("/dasbor/", APRIL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="chart-svg"' in html and html.count('<g class="bar"') == 5
    assert "Dinas Perhubungan" in html and 'class="zone zone-kuning"' in html
    assert "/api/v1/stats/opds/?from=2026-04-01&amp;to=2026-04-30&format=csv" in html
    assert "Rp11.000" in html


def test_the_dashboard_with_a_bad_period_is_a_400_page():
    response = staff_pages("walikota", "en").get(
        "/dasbor/", {"from": "2026-05-01", "to": "2026-04-01"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "The start of the period must not be after its end." in html


def test_the_dashboard_of_an_empty_period_says_so(city):
    html = staff_pages("walikota").get("/dasbor/", EMPTY).content.decode()
    assert any(sentence in html for sentence in EMPTY_SENTENCES)
    assert 'class="chart-svg"' in html  # the axes are still drawn, with no bar in them
    assert not re.search(r"<rect x=", html)


# --- Pages: public -----------------------------------------------------------------------------


def test_the_transparency_page_is_public(city):
    response = Client().get("/transparansi/", {"period": "2026-04"})
    assert response.status_code == 200
    assert "Dinas Perhubungan" in response.content.decode()


def test_the_transparency_page_of_an_empty_period_says_so():
    response = Client().get("/transparansi/", {"period": "2021"})
    assert response.status_code == 200
    assert any(sentence in response.content.decode() for sentence in EMPTY_SENTENCES)


def test_the_transparency_page_with_a_bad_period_is_a_400_page():
    """Only published periods: a date range (the differencing attack's tool) is refused."""
    for query in ({"from": "x"}, {"from": "2026-04-01", "to": "2026-04-23"}, {"period": "2026-13"}):
        response = page_client("en").get("/transparansi/", query)
        assert response.status_code == 400
        assert "Choose a published period" in response.content.decode()


def test_the_poster_of_a_service():
    response = Client().get("/standar/PARKIR-MOTOR/poster/")
    assert response.status_code == 200
    html = response.content.decode()
    assert POSTER_SENTENCE in html
    assert "Parkir tepi jalan umum: sepeda motor" in html and "Rp2.000" in html
    link = "http://testserver/lapor/?service=PARKIR-MOTOR"
    assert f'<p class="link">{link}</p>' in html
    svg = re.search(r'<div class="qr-code"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert svg.lstrip().startswith("<svg") and "<?xml" not in svg
    path = re.search(r'<path[^>]* d="([^"]+)"', svg)
    assert path and len(path.group(1)) > 500  # the modules of a real QR code
    assert "<script" not in svg


def test_the_poster_link_follows_the_host():
    html = Client().get("/standar/KTP-EL/poster/", HTTP_HOST="localhost").content.decode()
    assert "http://localhost/lapor/?service=KTP-EL" in html
    assert "GRATIS" in html


def test_the_poster_of_an_unknown_or_inactive_service_is_404():
    assert Client().get("/standar/TIDAK-ADA/poster/").status_code == 404
    Service.objects.filter(code="VISUM").update(is_active=False)
    assert Client().get("/standar/VISUM/poster/").status_code == 404

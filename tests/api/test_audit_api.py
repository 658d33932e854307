"""The access audit through the real interfaces (docs/product.md §3 "Accountability"): every staff
read and action on every surface leaves a record naming the staff account (never anything about
the reporter), and only the Inspektorat and admins read the records and the notices.
"""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from complaints.models import AccessRecord, AuditNotice, Complaint
from complaints.services import staff_account_ensure
from routing.models import Opd
from tests.api.staff import (
    INBOX_PAGE,
    LIST_URL,
    PASSWORD,
    account,
    accounts_ensure,
    complaint_make,
    detail_url,
    evidence_add,
    evidence_api_urls,
    evidence_page_urls,
    page_url,
    read,
)

pytestmark = pytest.mark.django_db

AUDIT_URL = "/api/v1/staff/audit/"
NOTICES_URL = "/api/v1/staff/audit/notices/"
AUDIT_PAGE = "/staf/audit/"
NOTE = "Catatan audit 5518."


def audit_url(reference: str) -> str:
    return detail_url(reference, "audit")


def api_as(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=account(username))
    return client


def page_as(username: str) -> Client:
    client = Client()
    client.force_login(account(username))
    return client


# --- Every surface records --------------------------------------------------------------------

# What one request of ``reader`` on a surface records about the complaint it concerns: the
# record's action (``act:<name>`` with the action's name as its detail), or "-" for nothing.
# Surfaces: the API detail, the page, a photo on the API and on the pages, the API list, the
# inbox page, and an internal note through the API and the page. The complaint (``case``) is one
# in the reader's scope: the parking pungli (Dinas Perhubungan, Inspektorat copy), or for
# Dukcapil the late KTP-el. The mayor's office holds no role, so its note is refused (403):
# nothing on the API, and the page shown again with the refusal is a view.
MATRIX = """
reader          case   | api  page ev-api   ev-page  list inbox act-api     act-page
kepala-dishub   pungli | view view evidence evidence list list  act:message act:message
kepala-dukcapil delay  | view view evidence evidence list list  act:message act:message
koordinator     pungli | view view evidence evidence list list  act:message act:message
walikota        pungli | view view evidence evidence list list  -           view
inspektorat     pungli | view view evidence evidence list list  act:message act:message
admin           pungli | view view evidence evidence list list  act:message act:message
"""


def matrix_cells():
    header, *rows = MATRIX.strip().splitlines()
    surfaces = header.split("|")[1].split()
    for row in rows:
        left, right = row.split("|")
        reader, kind = left.split()
        for surface, mark in zip(surfaces, right.split(), strict=True):
            yield reader, kind, surface, mark


def visit(reader: str, surface: str, complaint: Complaint, evidence) -> int:
    """One request of ``reader`` on ``surface``; its status code."""
    note = {"body": NOTE, "internal": True}
    if surface == "api":
        return api_as(reader).get(detail_url(complaint.reference)).status_code
    if surface == "page":
        return page_as(reader).get(page_url(complaint.reference)).status_code
    if surface in ("ev-api", "ev-page"):
        urls = evidence_api_urls if surface == "ev-api" else evidence_page_urls
        client = api_as(reader) if surface == "ev-api" else page_as(reader)
        response = client.get(urls(evidence.pk)[0])
        read(response)
        return response.status_code
    if surface == "list":
        return api_as(reader).get(LIST_URL).status_code
    if surface == "inbox":
        return page_as(reader).get(INBOX_PAGE).status_code
    if surface == "act-api":
        url = detail_url(complaint.reference, "messages")
        return api_as(reader).post(url, note, format="json").status_code
    if surface == "act-page":
        data = {"action": "message", **note}
        return page_as(reader).post(page_url(complaint.reference), data).status_code
    raise AssertionError(surface)


@pytest.fixture
def scene(directory):
    accounts_ensure()
    complaints = {kind: complaint_make(kind) for kind in ("pungli", "delay")}
    photos = {kind: evidence_add(complaint) for kind, complaint in complaints.items()}
    return complaints, photos


@pytest.mark.parametrize(
    ("reader", "kind", "surface", "mark"),
    list(matrix_cells()),
    ids=[f"{reader}-{surface}" for reader, _k, surface, _m in matrix_cells()],
)
def test_audit_matrix(scene, reader, kind, surface, mark):
    complaints, photos = scene
    complaint = complaints[kind]
    before = AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    status = visit(reader, surface, complaint, photos[kind])
    assert status in (200, 201, 302, 403), status
    new = AccessRecord.objects.filter(pk__gt=before)
    assert {record.user.username for record in new} <= {reader}
    mine = [(record.action, record.detail) for record in new.filter(complaint=complaint)]
    if mark == "-":
        assert mine == []
        return
    action, _, detail = mark.partition(":")
    if action == AccessRecord.Action.EVIDENCE:
        detail = str(photos[kind].pk)
    assert mine == [(action, detail)]


def test_a_list_records_each_complaint_shown_on_its_page_in_one_append(directory):
    accounts_ensure()
    filed = [complaint_make(kind) for kind in ("pungli", "delay", "triage", "overdue")]
    shown = api_as("walikota").get(LIST_URL).json()
    references = {item["reference"] for item in shown["results"]}
    assert references >= {complaint.reference for complaint in filed}
    records = AccessRecord.objects.filter(action=AccessRecord.Action.LIST)
    assert sorted(r.complaint.reference for r in records) == sorted(references)
    assert len({record.at for record in records}) == 1  # one transaction, one moment
    page_as("walikota").get(INBOX_PAGE + "?sort=newest")
    assert records.all().count() == 2 * len(references)


def test_a_thumbnail_is_recorded_as_such(scene):
    complaints, photos = scene
    response = api_as("inspektorat").get(evidence_api_urls(photos["pungli"].pk)[1])
    read(response)
    response = page_as("inspektorat").get(evidence_page_urls(photos["pungli"].pk)[1])
    read(response)
    details = list(AccessRecord.objects.order_by("pk").values_list("action", "detail"))
    assert details == [("evidence", f"{photos['pungli'].pk} thumbnail")] * 2


def test_anonymous_and_reporter_requests_record_nothing(scene, client):
    complaints, photos = scene
    pungli = complaints["pungli"]
    anonymous = APIClient()
    assert anonymous.get(detail_url(pungli.reference)).status_code == 401
    assert anonymous.get(LIST_URL).status_code == 401
    assert anonymous.get(evidence_api_urls(photos["pungli"].pk)[0]).status_code == 401
    assert client.get(page_url(pungli.reference)).status_code == 302
    assert client.get(INBOX_PAGE).status_code == 302
    assert client.get(evidence_page_urls(photos["pungli"].pk)[0]).status_code == 404
    # The reporter, with the receipt, on every surface they have.
    track = {"receipt": pungli.receipt}
    assert anonymous.post("/api/v1/track/", track, format="json").status_code == 200
    message = {**track, "body": "Saya tambahkan: kejadian jam 9 pagi."}
    assert anonymous.post("/api/v1/track/messages/", message, format="json").status_code == 201
    assert client.post("/pantau/", track).status_code == 200
    # An account with no staff role sees nothing, so nothing is recorded either.
    plain = api_as("plain")
    assert plain.get(detail_url(pungli.reference)).status_code == 404
    assert plain.get(LIST_URL).json()["results"] == []
    assert not AccessRecord.objects.exists()


def test_a_record_names_the_staff_account_and_nothing_about_the_reporter(scene):
    complaints, photos = scene
    pungli = complaints["pungli"]
    api_as("kepala-dishub").get(detail_url(pungli.reference))
    read(api_as("kepala-dishub").get(evidence_api_urls(photos["pungli"].pk)[0]))
    fields = {field.name for field in AccessRecord._meta.concrete_fields}
    assert fields == {"id", "user", "complaint", "action", "detail", "at", "chain_hash"}
    rows = list(AccessRecord.objects.values())
    assert {row["user_id"] for row in rows} == {account("kepala-dishub").pk}
    text = json.dumps(rows, default=str)
    assert pungli.receipt not in text and pungli.description not in text
    audit = api_as("inspektorat").get(audit_url(pungli.reference)).json()
    for item in audit["results"]:
        assert set(item) == {"user", "complaint", "action", "detail", "at"}
    assert pungli.receipt not in json.dumps(audit)


# --- Who reads the audit ----------------------------------------------------------------------

READERS = ["inspektorat", "kepala-inspektorat", "admin"]
NOT_READERS = ["kepala-dishub", "kepala-dukcapil", "koordinator", "walikota", "plain"]


@pytest.fixture
def read_by_all(directory):
    """The parking pungli, opened by its office, the desk, the mayor's office and oversight."""
    accounts_ensure()
    pungli = complaint_make("pungli")
    for username in ("kepala-dishub", "koordinator", "walikota", "inspektorat"):
        assert api_as(username).get(detail_url(pungli.reference)).status_code == 200
    return pungli


@pytest.mark.parametrize("username", READERS)
def test_the_inspektorat_and_admins_read_the_audit(read_by_all, username):
    pungli = read_by_all
    client = api_as(username)
    answer = client.get(audit_url(pungli.reference))
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 4
    assert [(item["user"], item["action"]) for item in body["results"]] == [
        ("inspektorat", "view"),
        ("walikota", "view"),
        ("koordinator", "view"),
        ("kepala-dishub", "view"),
    ]  # newest first
    by_user = client.get(AUDIT_URL, {"user": "walikota"}).json()
    assert [(item["complaint"], item["action"]) for item in by_user["results"]] == [
        (pungli.reference, "view")
    ]
    assert client.get(NOTICES_URL).status_code == 200
    page = page_as(username).get(AUDIT_PAGE, {"q": pungli.reference})
    assert page.status_code == 200
    html = page.content.decode()
    for reader in ("kepala-dishub", "koordinator", "walikota", "inspektorat"):
        assert f">{reader}</a>" in html
    assert 'href="/staf/audit/"' in html  # in the staff navigation
    by_name = page_as(username).get(AUDIT_PAGE, {"q": "walikota"}).content.decode()
    assert pungli.reference in by_name and ">koordinator</a>" not in by_name


@pytest.mark.parametrize("username", NOT_READERS)
def test_every_other_account_gets_the_404_of_anything_out_of_scope(read_by_all, username):
    pungli = read_by_all
    client = api_as(username)
    missing = client.get(detail_url("BKL-00-ZZZZZZ"))
    assert missing.status_code == 404
    for url, params in [
        (audit_url(pungli.reference), {}),
        (AUDIT_URL, {"user": "inspektorat"}),
        (AUDIT_URL, {}),
        (NOTICES_URL, {}),
    ]:
        answer = client.get(url, params)
        assert answer.status_code == 404, url
        assert answer.json() == missing.json()
    page = page_as(username)
    assert page.get(AUDIT_PAGE, {"q": "inspektorat"}).status_code == 404
    assert 'href="/staf/audit/"' not in page.get(INBOX_PAGE).content.decode()


def test_anonymous_is_asked_to_log_in(read_by_all, client):
    assert APIClient().get(audit_url(read_by_all.reference)).status_code == 401
    assert client.get(AUDIT_PAGE).status_code == 302


def test_the_office_never_learns_who_in_oversight_read_its_complaint(read_by_all):
    pungli = read_by_all
    office = api_as("kepala-dishub")
    before = office.get(detail_url(pungli.reference)).content
    for username in ("inspektorat", "walikota", "admin"):
        api_as(username).get(detail_url(pungli.reference))
        page_as(username).get(page_url(pungli.reference))
    after = office.get(detail_url(pungli.reference)).content
    assert after == before  # its view of the complaint says nothing of who read it
    assert b"inspektorat" not in after and b"walikota" not in after
    assert office.get(audit_url(pungli.reference)).status_code == 404
    assert office.get(AUDIT_URL, {"user": "inspektorat"}).status_code == 404
    page = page_as("kepala-dishub").get(page_url(pungli.reference)).content.decode()
    assert ">inspektorat<" not in page and ">walikota<" not in page


def test_the_inspektorat_reads_the_audit_of_a_complaint_outside_its_scope(directory):
    accounts_ensure()
    delay = complaint_make("delay")  # Dukcapil's, not pungli, not overdue: not the Inspektorat's
    api_as("kepala-dukcapil").get(detail_url(delay.reference))
    inspektorat = api_as("inspektorat")
    assert inspektorat.get(detail_url(delay.reference)).status_code == 404
    answer = inspektorat.get(audit_url(delay.reference))
    assert answer.status_code == 200
    assert [item["user"] for item in answer.json()["results"]] == ["kepala-dukcapil"]
    assert inspektorat.get(audit_url("BKL-00-ZZZZZZ")).status_code == 404


def test_the_audit_is_paginated(directory, monkeypatch):
    from rest_framework.pagination import PageNumberPagination

    accounts_ensure()
    pungli = complaint_make("pungli")
    client = api_as("inspektorat")
    for _ in range(3):
        client.get(detail_url(pungli.reference))
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    first = client.get(audit_url(pungli.reference)).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["previous"]


# --- Notices, through the interfaces ------------------------------------------------------------


def test_an_admin_of_the_walled_office_raises_one_notice_a_day(directory):
    accounts_ensure()
    head = complaint_make("head")  # the head of Dukcapil is involved
    assert head.walled_opd.code == "DUKCAPIL"
    insider = staff_account_ensure(
        username="admin-dukcapil",
        password=PASSWORD,
        superuser=True,
        opd=Opd.objects.get(code="DUKCAPIL"),
    )
    client = APIClient()
    client.force_authenticate(user=insider)
    photo = evidence_add(head)
    assert client.get(detail_url(head.reference)).status_code == 200
    assert client.get(detail_url(head.reference)).status_code == 200
    read(client.get(evidence_api_urls(photo.pk)[0]))
    api_as("admin").get(detail_url(head.reference))  # an admin of no office: no notice
    assert api_as("kepala-dukcapil").get(detail_url(head.reference)).status_code == 404
    [notice] = AuditNotice.objects.all()
    assert (notice.user, notice.kind, notice.complaint) == (insider, "own_head", head)
    listed = api_as("inspektorat").get(NOTICES_URL).json()["results"]
    assert [(item["user"], item["kind"], item["complaint"]) for item in listed] == [
        ("admin-dukcapil", "own_head", head.reference)
    ]
    html = page_as("inspektorat").get(AUDIT_PAGE).content.decode()
    assert "admin-dukcapil" in html and head.reference in html
    assert api_as("kepala-dukcapil").get(NOTICES_URL).status_code == 404


def test_the_mayors_office_reading_everything_is_noticed(directory, settings):
    settings.PORTAL_AUDIT_OUTSIDE_WORK_LIMIT = 2
    accounts_ensure()
    filed = [complaint_make(kind) for kind in ("pungli", "delay", "triage")]
    walikota = api_as("walikota")
    walikota.get(LIST_URL)  # lists do not count
    for complaint in filed[:2]:
        walikota.get(detail_url(complaint.reference))
    assert not AuditNotice.objects.exists()
    page_as("walikota").get(page_url(filed[2].reference))
    [notice] = AuditNotice.objects.all()
    assert (notice.user.username, notice.kind, notice.detail) == (
        "walikota",
        "many_outside_work",
        "3",
    )
    # The desk handles every complaint it reads: never noticed.
    for complaint in filed:
        api_as("koordinator").get(detail_url(complaint.reference))
    assert AuditNotice.objects.count() == 1


# --- The schema ---------------------------------------------------------------------------------


def test_the_audit_endpoints_are_documented():
    from io import StringIO

    import yaml
    from django.core.management import call_command

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    paths = yaml.safe_load(out.getvalue())["paths"]
    for path in (
        "/api/v1/staff/complaints/{reference}/audit/",
        "/api/v1/staff/audit/",
        "/api/v1/staff/audit/notices/",
    ):
        assert {"200", "401", "404"} <= set(paths[path]["get"]["responses"]), path

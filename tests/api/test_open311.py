"""Open311 GeoReport v2 under /open311/v2/ (docs/interface.md "Open311 GeoReport v2").

Through the real interface (Django's test client), in JSON and XML: discovery, services, service
definitions, the de-identified feed and one request, and a POST with an api_key that is routed
like any report. The reporter's own words are planted as a unique marker and searched for in
every answer; the identity fields a GeoReport client may send are searched for in every row.
"""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import Open311Client
from api.open311 import keys
from complaints.access import public_feed_summary
from complaints.models import Complaint, Event
from complaints.services import complaint_withdraw
from complaints.services.publication import complaint_summary_publish
from tests.api.staff import account, complaint_make, detail_url, page_url

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
MARKER = "PENANDA-RAHASIA-PELAPOR-7Q4K"
IDENTITY = {
    "email": "siti.pelapor@example.org",
    "first_name": "Sitinurbaya",
    "last_name": "Pelaporwati",
    "phone": "+6281234567890",
    "device_id": "DEVICE-ID-5511",
    "account_id": "ACCOUNT-ID-9182",
}
PLACE = {"lat": "-3.7956", "long": "102.2592", "address_string": "Jalan Rahasia Nomor 17"}


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def get(client, path, **params):
    return client.get(BASE + path, params)


def as_json(response):
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return json.loads(response.content)


def as_xml(response):
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    return ET.fromstring(response.content)


@pytest.fixture
def client_key(directory):
    _client, key = keys.client_create(name="Aplikasi Warga")
    return key


@pytest.fixture
def planted(directory):
    """A pungli complaint whose reporter's text carries MARKER."""
    complaint = complaint_make("pungli")
    Complaint.objects.filter(pk=complaint.pk).update(
        description=f"{complaint.description} {MARKER}",
        amount_paid=123457,
        created_at=days_ago(1),
    )
    complaint.refresh_from_db()
    return complaint


def post_request(client, key, *, language=None, **fields):
    data = {
        "api_key": key,
        "service_code": "PARKIR-MOTOR",
        "description": "Jukir minta Rp10.000 di depan Pasar Minggu, tidak ada karcis.",
        "attribute[category]": "pungli",
        "attribute[kelurahan]": "17.71.06.1006",
        **fields,
    }
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    return client.post(BASE + "requests.json", data, **headers)


# --- Discovery, services, definitions -----------------------------------------------------------


def test_discovery_names_the_specification_and_both_formats(client, directory):
    data = as_json(get(client, "discovery.json"))
    [endpoint] = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = as_xml(get(client, "discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.iter("format")] == ["text/xml", "application/json"]


def test_services_list_the_directory_in_json_and_xml(client, directory):
    services = as_json(get(client, "services.json"))
    by_code = {service["service_code"]: service for service in services}
    parkir = by_code["PARKIR-MOTOR"]
    assert parkir["metadata"] is True and parkir["type"] == "realtime"
    assert parkir["group"] and parkir["service_name"]
    assert "UMUM" in by_code  # a report about no particular service
    root = as_xml(get(client, "services.xml"))
    assert root.tag == "services"
    xml_codes = [s.findtext("service_code") for s in root.findall("service")]
    assert xml_codes == [service["service_code"] for service in services]
    assert root.find("service/metadata").text == "true"


def test_a_service_definition_lists_the_report_forms_fields(client, directory):
    definition = as_json(get(client, "services/PARKIR-MOTOR.json"))
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert definition["service_code"] == "PARKIR-MOTOR"
    assert attributes["category"]["required"] is True
    assert {v["key"] for v in attributes["category"]["values"]} == {"pungli", "delay", "other"}
    assert attributes["amount_asked"]["datatype"] == "number"
    assert "17.71.06.1006" in {v["key"] for v in attributes["kelurahan"]["values"]}
    root = as_xml(get(client, "services/PARKIR-MOTOR.xml"))
    assert root.tag == "service_definition"
    codes = [a.findtext("code") for a in root.iter("attribute")]
    assert codes == [a["code"] for a in definition["attributes"]]
    assert root.find("attributes/attribute/values/value/key").text == "pungli"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_a_georeport_404(client, directory, fmt):
    response = get(client, f"services/TIDAK-ADA.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        [error] = as_json(response)
        assert error["code"] == 404 and "service_code" in error["description"]
    else:
        root = as_xml(response)
        assert root.tag == "errors" and root.findtext("error/code") == "404"


# --- The feed: de-identified --------------------------------------------------------------------


def test_the_feed_never_carries_the_reporters_text_or_amounts(client, planted):
    bodies = []
    for fmt in ("json", "xml"):
        for path in (f"requests.{fmt}", f"requests/{planted.reference}.{fmt}"):
            response = get(client, path)
            assert response.status_code == 200
            bodies.append(response.content.decode())
    for body in bodies:
        assert planted.reference in body
        assert MARKER not in body
        assert "123457" not in body and "123.457" not in body
        assert "Jukir" not in body  # not a word of the description
        assert "17.71.06.1006" not in body  # not the kelurahan


def test_unapproved_has_no_description_approved_has_exactly_the_summary(client, planted):
    [entry] = as_json(get(client, f"requests/{planted.reference}.json"))
    assert "description" not in entry
    assert entry["status"] == "open"
    assert entry["agency_responsible"] == planted.opd.name
    assert entry["media_url"] is None
    complaint_summary_publish(
        user=account("inspektorat"), complaint=planted, text="Parkir liar di pasar ditertibkan."
    )
    [entry] = as_json(get(client, f"requests/{planted.reference}.json"))
    assert entry["description"] == "Parkir liar di pasar ditertibkan."
    root = as_xml(get(client, f"requests/{planted.reference}.xml"))
    assert root.findtext("request/description") == "Parkir liar di pasar ditertibkan."
    assert MARKER not in get(client, "requests.json").content.decode()


def test_the_feed_gives_days_not_times(client, planted):
    [entry] = as_json(get(client, f"requests/{planted.reference}.json"))
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert entry[field].endswith("T00:00:00+07:00"), (field, entry[field])
    local = timezone.localtime(planted.due_at).date().isoformat()
    assert entry["expected_datetime"].startswith(local)


def test_a_withdrawn_complaint_loses_its_published_summary(client, planted):
    complaint_summary_publish(user=account("admin"), complaint=planted, text="Ringkasan.")
    complaint_withdraw(complaint=Complaint.objects.get(pk=planted.pk))
    [entry] = as_json(get(client, f"requests/{planted.reference}.json"))
    assert "description" not in entry and entry["status"] == "closed"
    # the rule is the access module's, for every surface that shows the public text
    withdrawn = Complaint.objects.get(pk=planted.pk)
    assert withdrawn.published_summary == "Ringkasan." and public_feed_summary(withdrawn) == ""


def test_feed_filters(client, directory):
    pungli, delay, today = complaint_make("pungli"), complaint_make("delay"), complaint_make("head")
    Complaint.objects.filter(pk=pungli.pk).update(created_at=days_ago(2))
    Complaint.objects.filter(pk=delay.pk).update(status="closed", created_at=days_ago(3))

    def refs(**params):
        return {e["service_request_id"] for e in as_json(get(client, "requests.json", **params))}

    assert refs() == {pungli.reference, delay.reference}
    assert refs(service_code="PARKIR-MOTOR") == {pungli.reference}
    assert refs(status="closed") == {delay.reference}
    assert refs(status="open,closed") == {pungli.reference, delay.reference}
    assert refs(service_request_id=f"{delay.reference},BKL-00-000000") == {delay.reference}
    # Today's complaints join the list tomorrow; by reference they are there at once.
    assert today.reference not in refs(start_date=days_ago(1).isoformat())
    assert refs(service_request_id=today.reference) == {today.reference}
    old = (timezone.now() - timedelta(days=40)).isoformat()
    older = (timezone.now() - timedelta(days=60)).isoformat()
    assert refs(start_date=older, end_date=old) == set()
    assert refs(start_date=old) == {pungli.reference, delay.reference}
    assert len(as_json(get(client, "requests.json", page_size="1"))) == 1
    assert refs(page_size="1", page="2") | refs(page_size="1") == refs()


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "kemarin"},
        {"end_date": "2026-13-45T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"status": "pending"},
        {"service_code": "TIDAK-ADA"},
        {"page_size": "100000"},
        {"page": "0"},
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_feed_filters_are_georeport_400s(client, directory, params, fmt):
    response = get(client, f"requests.{fmt}", **params)
    assert response.status_code == 400
    if fmt == "json":
        errors = as_json(response)
        assert errors and all(e["code"] == 400 and e["description"] for e in errors)
    else:
        assert as_xml(response).findtext("error/code") == "400"


def test_errors_speak_english_when_asked(client, directory):
    indonesian = as_json(get(client, "requests.json", status="x"))[0]["description"]
    english = as_json(
        client.get(BASE + "requests.json", {"status": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    )
    assert (
        english[0]["description"] == "status: status is open, closed or both, separated by a comma."
    )
    assert indonesian != english[0]["description"]


def test_an_unknown_request_is_a_georeport_404(client, directory):
    response = get(client, "requests/BKL-26-ZZZZZZ.json")
    assert response.status_code == 404 and as_json(response)[0]["code"] == 404


# --- Approving the summary: not by the accused office -------------------------------------------


def summary_api(username, reference, text="Ringkasan yang disetujui."):
    api = APIClient()
    api.force_authenticate(user=account(username))
    return api.post(detail_url(reference, "public-summary"), {"text": text}, format="json")


def test_the_accused_office_cannot_approve_through_the_api(planted):
    assert planted.opd.code == "DISHUB"
    assert summary_api("kepala-dishub", planted.reference).status_code == 403
    assert summary_api("kepala-dukcapil", planted.reference).status_code == 404  # out of scope
    assert summary_api("koordinator", planted.reference).status_code == 403  # pungli: oversight
    planted.refresh_from_db()
    assert planted.published_summary == ""
    response = summary_api("inspektorat", planted.reference)
    assert response.status_code == 200, response.content
    assert response.json()["actions"]["publish_summary"] is True
    assert response.json()["published_summary"] == "Ringkasan yang disetujui."
    planted.refresh_from_db()
    assert planted.published_summary == "Ringkasan yang disetujui."
    assert planted.published_summary_by == account("inspektorat")
    note = Event.objects.filter(complaint=planted).order_by("-seq").first()
    assert "Ringkasan yang disetujui." not in note.text  # the event says only that it changed


def test_the_desk_approves_a_delay_but_its_office_does_not(directory):
    delay = complaint_make("delay")
    assert summary_api("kepala-dukcapil", delay.reference).status_code == 403
    assert summary_api("koordinator", delay.reference).status_code == 200


def test_an_office_head_of_the_inspektorat_cannot_approve_its_own_case(directory):
    head = complaint_make("head")  # the Inspektorat handles it
    assert head.opd.code == "INSPEKTORAT"
    assert summary_api("kepala-inspektorat", head.reference).status_code == 403
    assert summary_api("admin", head.reference).status_code == 200


def test_an_overlong_summary_is_refused_and_nothing_changes(planted):
    response = summary_api("inspektorat", planted.reference, text="x" * 5001)
    assert response.status_code == 400
    planted.refresh_from_db()
    assert planted.published_summary == ""


def test_the_page_offers_the_form_only_to_approvers_and_refuses_the_accused(client, planted):
    client.force_login(account("kepala-dishub"))
    page = client.get(page_url(planted.reference)).content.decode()
    assert 'value="publish_summary"' not in page
    refused = client.post(
        page_url(planted.reference), {"action": "publish_summary", "text": "Bersih."}
    )
    assert refused.status_code == 403
    planted.refresh_from_db()
    assert planted.published_summary == ""
    client.force_login(account("inspektorat"))
    assert 'value="publish_summary"' in client.get(page_url(planted.reference)).content.decode()
    done = client.post(
        page_url(planted.reference), {"action": "publish_summary", "text": "Ditertibkan."}
    )
    assert done.status_code in (200, 302)
    planted.refresh_from_db()
    assert planted.published_summary == "Ditertibkan."


# --- POST: keys, routing, anonymity, limits, bad input ------------------------------------------


def test_a_posted_request_is_routed_and_answers_once_with_its_receipt(client, client_key):
    response = post_request(client, client_key, **IDENTITY, **PLACE)
    assert response.status_code == 201, response.content
    [answer] = as_json(response)
    complaint = Complaint.objects.get(reference=answer["service_request_id"])
    assert complaint.opd.code == "DISHUB"
    assert answer["agency_responsible"] == complaint.opd.name
    assert answer["token"] is None and answer["service_notice"]
    assert len(answer["receipt"]) == 16 and answer["receipt"].isdigit()
    assert complaint.category == "pungli" and complaint.kelurahan.code == "17.71.06.1006"
    assert Open311Client.objects.get().last_used_on == timezone.localdate()
    # The receipt is nowhere else: not in the feed, not stored in clear.
    for fmt in ("json", "xml"):
        read_back = get(client, f"requests/{complaint.reference}.{fmt}").content.decode()
        assert complaint.reference in read_back and answer["receipt"] not in read_back
    assert complaint.receipt_hash != answer["receipt"]


def test_a_post_in_xml_answers_in_xml(client, client_key):
    response = client.post(
        BASE + "requests.xml",
        {
            "api_key": client_key,
            "service_code": "KTP-EL",
            "description": "KTP-el saya belum dicetak sudah dua bulan.",
            "attribute[category]": "delay",
        },
    )
    assert response.status_code == 201, response.content
    root = as_xml(response)
    reference = root.findtext("request/service_request_id")
    assert Complaint.objects.get(reference=reference).opd.code == "DUKCAPIL"
    assert len(root.findtext("request/receipt")) == 16


def every_row_text() -> str:
    """Every row of every table of the project's apps, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            if table not in connection.introspection.table_names():
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_identity_and_place_fields_are_never_stored(client, client_key):
    assert post_request(client, client_key, **IDENTITY, **PLACE).status_code == 201
    rows = every_row_text()
    for value in [*IDENTITY.values(), *PLACE.values()]:
        assert value not in rows, value


@pytest.mark.parametrize("key", ["", "salah-kunci", "x" * 500])
def test_a_missing_or_wrong_key_is_403_and_writes_nothing(
    client, client_key, key, assert_nothing_left
):
    response = post_request(client, key)
    assert response.status_code == 403
    assert as_json(response)[0]["code"] == 403
    assert_nothing_left()


def test_a_revoked_key_is_403(client, client_key, assert_nothing_left):
    keys.client_revoke(client=Open311Client.objects.get())
    assert post_request(client, client_key).status_code == 403
    assert_nothing_left()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"service_code": "TIDAK-ADA"}, "service_code"),
        ({"service_code": ""}, "service_code"),
        ({"description": "x" * 5001}, "description"),
        ({"description": ""}, "description"),
        ({"attribute[category]": "korupsi"}, "attribute[category]"),
        ({"attribute[kelurahan]": "99.99"}, "attribute[kelurahan]"),
        ({"attribute[amount_paid]": "10.000,-"}, "attribute[amount_paid]"),
        ({"attribute[incident_date]": "2999-01-01"}, "attribute[incident_date]"),
    ],
)
def test_bad_posts_are_georeport_400s_and_write_nothing(
    client, client_key, fields, field, assert_nothing_left
):
    response = post_request(client, client_key, **fields)
    assert response.status_code == 400, response.content
    errors = as_json(response)
    assert any(e["description"].startswith(f"{field}: ") for e in errors), errors
    assert_nothing_left()


def test_the_submit_limit_of_the_address_applies(client, client_key, settings):
    settings.PORTAL_RATES = {**settings.PORTAL_RATES, "submit": "1/hour"}
    assert post_request(client, client_key).status_code == 201
    refused = post_request(client, client_key)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert as_json(refused)[0]["code"] == 429
    assert Complaint.objects.count() == 1


def test_each_key_has_its_own_limit(client, client_key, settings):
    settings.PORTAL_RATES = {**settings.PORTAL_RATES, "open311_key": "1/hour"}
    _other, other_key = keys.client_create(name="Dasbor Provinsi")
    assert post_request(client, client_key).status_code == 201
    assert post_request(client, client_key, REMOTE_ADDR="198.51.100.9").status_code == 429
    assert post_request(client, other_key).status_code == 201
    assert Complaint.objects.count() == 2


def test_other_methods_are_refused_in_georeport_form(client, directory):
    response = client.delete(BASE + "requests.json")
    assert response.status_code == 405 and as_json(response)[0]["code"] == 405


def test_an_oversized_post_is_a_georeport_413(client, client_key, assert_nothing_left):
    response = post_request(client, client_key, description="x" * (300 * 1024))
    assert response.status_code == 413
    assert as_json(response)[0]["code"] == 413
    assert_nothing_left()


def test_reads_count_in_the_directory_scope(client, directory, settings):
    settings.PORTAL_RATES = {**settings.PORTAL_RATES, "directory": "1/hour"}
    assert get(client, "services.json").status_code == 200
    refused = get(client, "services.xml")
    assert refused.status_code == 429 and as_xml(refused).findtext("error/code") == "429"


def test_the_admin_makes_a_key_shows_it_once_and_revokes_it(client, directory):
    client.force_login(account("admin"))
    added = client.post("/admin/api/open311client/add/", {"name": "Dasbor Provinsi"}, follow=True)
    assert added.status_code == 200
    [shown] = [str(m) for m in added.context["messages"] if "API" in str(m)]
    key = shown.rsplit(" ", 1)[-1]
    stored = Open311Client.objects.get(name="Dasbor Provinsi")
    assert stored.key_hash == keys.key_hash(key) and key not in every_row_text()
    listing = client.get("/admin/api/open311client/").content.decode()
    assert key not in listing and stored.key_prefix in listing
    assert post_request(client, key).status_code == 201
    client.post(
        "/admin/api/open311client/",
        {"action": "revoke", "_selected_action": [stored.pk]},
    )
    stored.refresh_from_db()
    assert not stored.is_active and stored.revoked_at is not None
    assert post_request(client, key).status_code == 403

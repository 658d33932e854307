"""Open311 with third-party GeoReport v2 clients from PyPI against a real ASGI server.

``civicbot`` (its ``Open311Client``: JSON reads, and a POST it first checks against our service
list and definition) and ``georeport`` (JSON and XML reads, parsed with xmltodict) talk to
``uvicorn config.asgi:application`` on a database prepared as `make run` does
(``tests.e2e.servers``). The client's key is made in that database as the admin makes it
(``api.open311.keys.client_create``); the posted request must be routed, and a summary approved
by the Inspektorat must then reach both clients, in both formats.
"""

import subprocess
import sys

import pytest
from civicbot.http import HttpError, HttpTransport, RateLimiter
from civicbot.open311 import Open311Client
from civicbot.registry import Endpoint
from georeport import GeoReport

from tests.e2e.servers import PROJECT_DIR, AppServer, E2eDatabase, server_env

SUMMARY = "Parkir liar di depan pasar telah ditertibkan Dinas Perhubungan."
STORY = "Jukir minta Rp10.000 di depan Pasar Minggu, tidak ada karcis. PENANDA-PIHAK-KETIGA-51"

MAKE_KEY = """
import django; django.setup()
from api.open311.keys import client_create
print(client_create(name="Aplikasi pihak ketiga")[1])
"""
PUBLISH = """
import sys, django; django.setup()
from django.contrib.auth import get_user_model
from complaints.models import Complaint
from complaints.services.publication import complaint_summary_publish
complaint_summary_publish(
    user=get_user_model().objects.get(username="inspektorat"),
    complaint=Complaint.objects.get(reference=sys.argv[1]),
    text=sys.argv[2],
)
"""


def run_django(env: dict, script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """A real server, its database, its environment and one Open311 client key."""
    database = E2eDatabase(tmp_path_factory.mktemp("open311"))
    database.create()
    env = server_env(database)
    server = AppServer("open311", env, database.workdir)
    try:
        key = run_django(env, MAKE_KEY)
        server.start()
        yield {"url": server.url + "/open311/v2", "db": database, "env": env, "key": key}
    finally:
        server.stop()
        database.drop()


@pytest.fixture
def civic(portal):
    endpoint = Endpoint(
        id="kota-bengkulu", name="Kota Bengkulu", base_url=portal["url"], write=True
    )
    # No pause between calls: this server is ours.
    transport = HttpTransport(rate_limiter=RateLimiter(min_interval=0))
    return Open311Client(endpoint, transport=transport)


def routed_office(portal, reference: str) -> str | None:
    rows = portal["db"].rows(
        "SELECT o.code FROM complaints_complaint c LEFT JOIN routing_opd o ON o.id = c.opd_id "
        "WHERE c.reference = %s",
        (reference,),
    )
    return rows[0][0] if rows else None


def test_a_third_party_client_lists_posts_and_reads_back(portal, civic):
    services = civic.list_services()
    assert "PARKIR-MOTOR" in {service["service_code"] for service in services}
    definition = civic.get_service_definition("PARKIR-MOTOR")
    assert {a["code"] for a in definition["attributes"]} >= {"category", "kelurahan"}

    # civicbot checks the payload against our list and definition before it sends it.
    prepared = civic.create_request(
        "PARKIR-MOTOR",
        dry_run=False,
        confirm="SEND",
        api_key=portal["key"],
        validate_remote=True,
        address_string="Jalan Rahasia Nomor 17",
        description=STORY,
        attributes={"category": "pungli", "kelurahan": "17.71.06.1006"},
        email="pelapor@example.org",
        first_name="Siti",
        phone="+6281234567890",
    )
    [answer] = prepared.response
    reference = answer["service_request_id"]
    assert routed_office(portal, reference) == "DISHUB"
    assert answer["agency_responsible"] == "Dinas Perhubungan"
    assert len(answer["receipt"]) == 16

    # In the list from tomorrow on (docs/interface.md "Open311"); by its reference at once.
    assert reference not in {item["service_request_id"] for item in civic.list_requests()}
    listed = civic.list_requests(service_request_ids=[reference])
    assert [item["service_request_id"] for item in listed] == [reference]
    one = civic.get_request(reference)
    assert one["status"] == "open" and "description" not in one
    assert "PENANDA-PIHAK-KETIGA" not in repr(listed) + repr(one)

    run_django(portal["env"], PUBLISH, reference, SUMMARY)
    assert civic.get_request(reference)["description"] == SUMMARY

    for fmt in ("json", "xml"):
        client = GeoReport(portal["url"], output_format=fmt)
        codes = [service["service_code"] for service in client.get_service_list()]
        assert "PARKIR-MOTOR" in codes and codes == [s["service_code"] for s in services]
        attribute_codes = [
            a["code"] for a in _as_list(client.get_service_definition("PARKIR-MOTOR"), "attributes")
        ]
        assert attribute_codes == [a["code"] for a in definition["attributes"]]
        requests = _items(client.get_service_requests(service_request_id=reference))
        assert [item["service_request_id"] for item in requests] == [reference]
        assert requests[0]["description"] == SUMMARY
        assert requests[0]["agency_responsible"] == "Dinas Perhubungan"
        single = client.get_service_request(reference)
        assert single["status"] == "open" and single["description"] == SUMMARY


def test_a_third_party_client_without_a_valid_key_is_refused(portal, civic):
    with pytest.raises(HttpError) as refused:
        civic.create_request(
            "PARKIR-MOTOR",
            dry_run=False,
            confirm="SEND",
            api_key="kunci-yang-salah",
            address_string="Jalan",
            description=STORY,
            attributes={"category": "pungli"},
        )
    assert refused.value.status == 403
    assert '"code": 403' in refused.value.body


def _as_list(definition: dict, key: str) -> list:
    """georeport hands XML over as xmltodict parsed it: ``{"attribute": [...]}`` (or one dict)."""
    value = definition[key]
    if isinstance(value, dict):
        value = value[next(iter(value))]
    return value if isinstance(value, list) else [value]


def _items(value) -> list:
    return value if isinstance(value, list) else [value]

"""A region made by ``region_init`` serving real requests: Padang's parking complaint reaches
Padang's transport office, a WITA region shows its deadlines in WITA (API answer and tracking
page), and the portal names the region from its pack."""

import re
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from complaints.models import Complaint
from routing.models import Kelurahan
from tests.api.client import complaint_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("directory", "forget_region")]


def region(code: str) -> None:
    call_command("region_init", code, stdout=StringIO())


def parking_story(kelurahan: str) -> dict:
    return {
        "category": "pungli",
        "service": "PARKIR-MOTOR",
        "kelurahan": kelurahan,
        "description": "Jukir di depan pasar minta Rp10.000 untuk parkir motor, tidak ada karcis.",
        "amount_paid": 10000,
        "karcis_given": False,
    }


def test_in_padang_a_parking_complaint_goes_to_padangs_transport_office(api_client):
    region("13.71")
    kelurahan = Kelurahan.objects.filter(kecamatan__code="13.71.03").order_by("code").first()

    response = complaint_post(api_client, parking_story(kelurahan.code))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["opd"] == {"code": "DISHUB", "name": "Dinas Perhubungan Kota Padang"}
    assert body["status"] == "assigned"
    assert body["oversight"] == ["INSPEKTORAT"]
    # Padang's parking tariff is not known until its admin sets it: no excess is claimed.
    assert body["fee_check"]["official_fee"] is None
    complaint = Complaint.objects.get(reference=body["reference"])
    assert complaint.opd.code == "DISHUB" and complaint.kelurahan == kelurahan


def test_in_padang_a_parking_complaint_without_a_service_is_routed_by_its_words(api_client):
    region("13.71")
    story = parking_story(Kelurahan.objects.order_by("code").first().code)
    del story["service"]

    response = complaint_post(api_client, story)

    assert response.status_code == 201, response.content
    assert response.json()["opd"]["name"] == "Dinas Perhubungan Kota Padang"


def test_a_kelurahan_of_kota_bengkulu_is_refused_in_padang(api_client):
    region("13.71")
    response = complaint_post(api_client, parking_story("17.71.06.1006"))
    assert response.status_code == 400
    assert "kelurahan" in response.json()["errors"]
    assert not Complaint.objects.exists()


def test_in_a_wita_region_deadlines_are_shown_in_wita(api_client):
    region("73.71")  # Kota Makassar
    kelurahan = Kelurahan.objects.order_by("code").first()

    response = complaint_post(api_client, parking_story(kelurahan.code))

    assert response.status_code == 201, response.content
    body = response.json()
    due = datetime.fromisoformat(body["due_at"])
    # The working day ends at 23:59:59 in Makassar (UTC+8), not in Jakarta.
    assert body["due_at"].endswith("+08:00"), body["due_at"]
    assert (due.hour, due.minute, due.second) == (23, 59, 59)
    assert Complaint.objects.get(reference=body["reference"]).due_at == due

    page = Client().post("/pantau/", {"receipt": body["receipt"]})

    assert page.status_code == 200
    html = page.content.decode()
    shown = f"{due:%d}".lstrip("0")
    assert re.search(rf"{shown} \w+ {due:%Y}, 23\.59 WITA", html), "no WITA deadline on the page"
    assert "23.59 WIB" not in html


def test_in_a_wib_region_the_same_deadline_ends_at_2359_wib(api_client):
    region("13.71")
    kelurahan = Kelurahan.objects.order_by("code").first()
    body = complaint_post(api_client, parking_story(kelurahan.code)).json()
    assert body["due_at"].endswith("T23:59:59+07:00"), body["due_at"]


def test_the_pages_name_the_region_of_the_pack(client, settings):
    settings.PORTAL_CITY_NAME = ""
    settings.PORTAL_CITY_GOVERNMENT = ""
    region("13.71")

    html = client.get("/").content.decode()

    assert "Kota Padang" in html and "Kota Bengkulu" not in html


def test_the_city_name_setting_still_wins_over_the_pack(client, settings):
    settings.PORTAL_CITY_NAME = "Kabupaten Contoh"
    region("13.71")
    assert "Kabupaten Contoh" in client.get("/").content.decode()


def test_the_admin_confirms_the_offices_region_init_made(client, django_user_model):
    from routing.models import Opd

    region("13.71")
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    chosen = list(Opd.objects.filter(code__in=["DISHUB", "DINKES"]).values_list("pk", flat=True))

    response = client.post(
        "/admin/routing/opd/",
        {"action": "confirm_offices", "_selected_action": chosen},
        follow=True,
    )

    assert response.status_code == 200
    assert set(Opd.objects.filter(confirmed=True).values_list("code", flat=True)) == {
        "DISHUB",
        "DINKES",
    }
    assert Opd.objects.filter(confirmed=False).count() == 42 - 2


def test_outside_a_request_deadlines_and_mails_follow_the_time_zone_setting(settings):
    """Clocks and e-mails run outside a request: TIME_ZONE (from REGION) is their zone."""
    from datetime import UTC, date
    from datetime import datetime as moment

    from django.template import Context, Template

    from complaints.deadlines import WorkingCalendar

    start = moment(2026, 12, 1, 16, 30, tzinfo=UTC)  # Tue 23.30 WIB, but Wed 00.30 WITA
    settings.TIME_ZONE = "Asia/Jakarta"
    assert WorkingCalendar().add_working_days(start, 1).date() == date(2026, 12, 2)
    settings.TIME_ZONE = "Asia/Makassar"
    due = WorkingCalendar().add_working_days(start, 1)
    assert (due.date(), due.hour, due.tzinfo.key) == (date(2026, 12, 3), 23, "Asia/Makassar")
    # The mails' own format ("…, H:i T") names the zone.
    mail = Template('{{ due|date:"j F Y, H:i T" }}').render(Context({"due": due}))
    assert mail.endswith("23:59 WITA"), mail

"""The delay and fee checks judge the services whose standards the directory now knows.

A delay report about a KTP-el filed through the API is measured against the adminduk standard
(Permendagri 19/2018: "1 jam, paling lama 24 jam", loaded as 1 working day: the loosest reading
of the rule); a service with no known time limit says so and is never flagged.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint
from tests.api.client import complaint_post

pytestmark = pytest.mark.usefixtures("directory")


def delay_report(client, service: str, days_ago: int) -> dict:
    applied = timezone.localdate() - timedelta(days=days_ago)
    response = complaint_post(
        client,
        {
            "category": "delay",
            "description": "Sudah lama mengurus, dokumennya belum juga selesai sampai sekarang.",
            "service": service,
            "applied_date": applied.isoformat(),
        },
        language="en",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_ktp_delay_report_is_judged_against_the_adminduk_standard(api_client):
    answer = delay_report(api_client, "KTP-EL", days_ago=30)
    check = answer["delay_check"]
    assert check["time_limit"] == 1 and check["time_unit"] == "working_days"
    assert check["working_days"] > 1  # 30 days always hold more than one working day
    assert check["late_by"] == check["working_days"] - 1
    assert check["flagged"] is True
    assert "the standard is 1 working days: late by" in check["text"]
    stored = Complaint.objects.get(reference=answer["reference"])
    assert (stored.delay_time_limit, stored.delay_flagged) == (1, True)


def test_a_ktp_applied_for_today_is_within_the_standard(api_client):
    check = delay_report(api_client, "KTP-EL", days_ago=0)["delay_check"]
    assert (check["working_days"], check["late_by"], check["flagged"]) == (0, 0, False)
    assert "within the standard of 1 working days" in check["text"]


@pytest.mark.parametrize("service", ["KIA", "SKTM", "UJI-KIR"])
def test_a_service_without_a_known_time_limit_is_not_judged(api_client, service):
    check = delay_report(api_client, service, days_ago=30)["delay_check"]
    assert check["time_limit"] is None and check["late_by"] is None
    assert check["flagged"] is False
    assert check["text"].endswith("the service's time limit is not known yet.")

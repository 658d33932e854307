"""Staff e-mail through a real SMTP server (aiosmtpd, ``conftest.smtp``).

Complaints are filed and handled through the API, as a phone and a staff client do; the mails
are written and sent by the sender the clocks run (``notifications_run``, ``clocks_run``) and by
``manage.py send_digest``. Who gets a mail is exactly who may see the complaint
(``complaints.access``): the office it is assigned to, the Inspektorat for pungli, nobody else;
each as they chose (immediate, daily digest, none).
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.clocks import clocks_run
from complaints.models import Complaint
from notifications.models import Mail, Mode, Notice, Preference
from notifications.sender import notifications_run
from tests.api.client import PARKIR_STORY, complaint_post
from tests.factories import KK, api_client_for, complaint_overdue, staff_user

LINK = "https://lapor.bengkulukota.go.id/staf/pengaduan/{}/"
KK_STORY = {"category": "delay", "service": "KK", "description": KK}


def submit(story: dict) -> str:
    response = complaint_post(APIClient(), story)
    assert response.status_code == 201, response.content
    return response.json()["reference"]


def choose(user, mode: str) -> None:
    Preference.objects.update_or_create(user=user, defaults={"mode": mode})


def subjects(messages) -> list[str]:
    return sorted(str(message["Subject"]) for message in messages)


@pytest.mark.django_db
def test_a_new_complaint_reaches_those_who_may_see_it_as_each_chose(smtp, people):
    choose(people["daily"], Mode.DAILY)
    choose(people["none"], Mode.NONE)
    parkir = submit(PARKIR_STORY)  # pungli: Dinas Perhubungan, Inspektorat copy
    kk = submit(KK_STORY)  # delay: Dukcapil only

    report = notifications_run()

    assert report.failed == 0
    head = smtp.to("kepala@dishub.test")
    assert len(head) == 1
    mail = head[0]
    assert parkir in mail["Subject"]
    body = mail.get_content()
    assert LINK.format(parkir) in body
    assert "Pengaduan baru" in body and "Dinas Perhubungan" in body
    assert mail["From"] == "Lapor Pungli <no-reply@bengkulukota.go.id>"
    assert mail["Auto-Submitted"] == "auto-generated"
    # The Inspektorat gets the pungli case, not the delay.
    assert [parkir in m["Subject"] for m in smtp.to("irban@inspektorat.test")] == [True]
    # The other office gets its own case only (walls), daily and none nothing now.
    assert [kk in m["Subject"] for m in smtp.to("kepala@dukcapil.test")] == [True]
    assert smtp.to("harian@dishub.test") == []
    assert smtp.to("tanpa@dishub.test") == []

    # Each mail once: another run sends nothing new.
    notifications_run()
    assert len(smtp.messages) == 3

    # The digest of the day: the daily reader gets the parking case, not Dukcapil's.
    call_command("send_digest", day=timezone.localdate().isoformat())
    digest = smtp.to("harian@dishub.test")
    assert len(digest) == 1
    body = digest[0].get_content()
    assert parkir in body and LINK.format(parkir) in body
    assert kk not in body
    assert smtp.to("tanpa@dishub.test") == []
    assert len(smtp.to("kepala@dishub.test")) == 1  # immediate readers get no digest
    # The digest is sent once, however often it is asked for.
    call_command("send_digest", day=timezone.localdate().isoformat())
    assert len(smtp.to("harian@dishub.test")) == 1


@pytest.mark.django_db
def test_the_clocks_write_yesterdays_digest_once_from_the_morning(smtp, people, settings):
    choose(people["daily"], Mode.DAILY)
    parkir = submit(PARKIR_STORY)
    tomorrow = timezone.localtime() + timedelta(days=1)
    early = tomorrow.replace(hour=settings.PORTAL_NOTIFY_DIGEST_HOUR - 1, minute=0)
    morning = tomorrow.replace(hour=settings.PORTAL_NOTIFY_DIGEST_HOUR, minute=5)

    notifications_run(now=early)
    assert smtp.to("harian@dishub.test") == []
    notifications_run(now=morning)
    notifications_run(now=morning + timedelta(hours=1))
    digests = smtp.to("harian@dishub.test")
    assert len(digests) == 1 and parkir in digests[0].get_content()


@pytest.mark.django_db
def test_a_complaint_about_an_offices_head_is_not_mailed_to_that_office(smtp, people):
    reference = submit({**PARKIR_STORY, "involves_head": True, "reported_opd": "DISHUB"})
    assert Complaint.objects.get(reference=reference).walled_opd.code == "DISHUB"

    notifications_run()

    assert smtp.to("kepala@dishub.test") == []
    assert [reference in m["Subject"] for m in smtp.to("irban@inspektorat.test")] == [True]


@pytest.mark.django_db
def test_a_reassigned_complaint_is_news_for_the_new_office_only(smtp, people):
    reference = submit(PARKIR_STORY)
    coordinator = api_client_for(staff_user("koordinator"))
    response = coordinator.post(
        f"/api/v1/staff/complaints/{reference}/reassign/",
        {"opd": "DUKCAPIL", "reason": "Urusan dokumen kependudukan."},
        format="json",
    )
    assert response.status_code == 200, response.content

    notifications_run()

    # Moved before its mail went out: Dinas Perhubungan is told nothing, Dukcapil once.
    assert smtp.to("kepala@dishub.test") == []
    news = smtp.to("kepala@dukcapil.test")
    assert len(news) == 1 and reference in news[0]["Subject"]
    assert "Kependudukan" in news[0].get_content()


@pytest.mark.django_db
def test_the_reporters_answer_photos_and_dispute_reach_the_office(smtp, people):
    reporter = APIClient()
    response = complaint_post(reporter, PARKIR_STORY)
    receipt, reference = response.json()["receipt"], response.json()["reference"]
    office = api_client_for(people["head"])
    url = f"/api/v1/staff/complaints/{reference}/transition/"
    question = {"to": "needs_info", "message": "Jam berapa kejadiannya?"}
    assert office.post(url, question, format="json").status_code == 200
    notifications_run()
    smtp.clear()

    answer = {"receipt": receipt, "body": "Sekitar jam sepuluh pagi."}
    assert reporter.post("/api/v1/track/messages/", answer, format="json").status_code == 201
    resolved = {"to": "resolved", "message": "Sudah ditertibkan."}
    assert office.post(url, resolved, format="json").status_code == 200
    dispute = {"receipt": receipt, "accept": False}
    assert reporter.post("/api/v1/track/decision/", dispute, format="json").status_code == 200
    notifications_run()

    bodies = [m.get_content() for m in smtp.to("kepala@dishub.test")]
    assert len(bodies) == 2
    assert "Pelapor menjawab" in bodies[0]
    assert "Pelapor tidak menerima penyelesaian" in bodies[1]
    # The office's own moves (the question, the resolution) are not mailed back to it.


@pytest.mark.django_db
def test_the_smtp_server_down_loses_nothing_and_each_mail_goes_once(smtp, people):
    choose(people["daily"], Mode.DAILY)
    choose(people["none"], Mode.NONE)
    smtp.stop()
    reference = submit(PARKIR_STORY)

    down = notifications_run()

    assert down.sent == 0 and down.failed == 2  # the office's head and the Inspektorat
    waiting = Mail.objects.filter(sent_at__isnull=True)
    assert waiting.count() == 2
    assert {mail.attempts for mail in waiting} == {1}
    assert {mail.last_error for mail in waiting} == {"ConnectionRefusedError"}

    smtp.start()
    # Not before its backoff: the next run a minute later is the retry.
    assert notifications_run().sent == 0
    later = timezone.now() + timedelta(minutes=2)
    assert notifications_run(now=later).sent == 2
    assert notifications_run(now=later + timedelta(hours=2)).sent == 0
    head = smtp.to("kepala@dishub.test")
    assert len(head) == 1 and reference in head[0]["Subject"]
    assert len(smtp.to("irban@inspektorat.test")) == 1
    assert not Mail.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_deadline_about_to_be_missed_is_warned_of_once(smtp, people):
    reference = submit(KK_STORY)
    notifications_run()
    smtp.clear()
    soon = timezone.now() + timedelta(hours=3)
    Complaint.objects.filter(reference=reference).update(due_at=soon)

    notifications_run()
    notifications_run()
    clocks_run()

    warned = smtp.to("kepala@dukcapil.test")
    assert len(warned) == 1
    assert reference in warned[0]["Subject"]
    assert "Batas waktu segera terlewati" in warned[0].get_content()
    assert smtp.to("kepala@dishub.test") == []


@pytest.mark.django_db
def test_a_missed_deadline_escalated_by_the_clocks_is_mailed_to_the_office(smtp, people):
    reference = submit(KK_STORY)
    notifications_run()
    smtp.clear()
    complaint_overdue(Complaint.objects.get(reference=reference))

    clocks_run()

    missed = smtp.to("kepala@dukcapil.test")
    assert len(missed) == 1 and "Batas waktu terlewati" in missed[0].get_content()
    # The escalation to the office's head is the office's internal event: no other office.
    assert smtp.to("kepala@dishub.test") == []


@pytest.mark.django_db
def test_a_mail_another_sender_holds_is_not_sent_twice(smtp, people):
    choose(people["daily"], Mode.DAILY)
    choose(people["none"], Mode.NONE)
    submit(PARKIR_STORY)
    notifications_run(now=timezone.now() - timedelta(hours=1))  # written, and sent
    smtp.clear()
    Mail.objects.update(sent_at=None, claimed_until=timezone.now() + timedelta(minutes=5))

    # Another sender holds them (it is sending them now): this one leaves them alone.
    assert notifications_run().sent == 0
    assert smtp.messages == []
    # A sender that died holding them: once its claim runs out, they go (at least once).
    assert notifications_run(now=timezone.now() + timedelta(minutes=6)).sent == 2


@pytest.mark.django_db
def test_notices_and_mails_are_forgotten_after_a_month(smtp, people):
    choose(people["daily"], Mode.DAILY)
    submit(PARKIR_STORY)
    notifications_run()
    call_command("send_digest", day=timezone.localdate().isoformat())
    assert Mail.objects.filter(sent_at__isnull=False).count() == 4

    notifications_run(now=timezone.now() + timedelta(days=29))
    assert Mail.objects.count() == 4
    notifications_run(now=timezone.now() + timedelta(days=32))
    assert not Mail.objects.exists() and not Notice.objects.exists()

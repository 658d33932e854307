"""Staff pages: status changes as verbs with what each needs, the routing reason in words and
the inbox excerpt, through the pages (Django's test client, logged in by session) and the
formatting units behind them (docs/product.md F3, F4)."""

import pytest
from django.utils import translation

from complaints.models import Complaint, Event, Status
from complaints.services import complaint_reassign
from frontend.routing_reasons import routing_reason
from frontend.staff import EXCERPT_CHARS, excerpt
from frontend.staff_verbs import verbs_for
from routing.models import Opd
from tests.factories import (
    api_client_for,
    complaint_kk,
    complaint_moved_to,
    complaint_new,
    complaint_parkir,
    complaint_vague,
    page_client_for,
    staff_user,
)

pytestmark = pytest.mark.django_db


def page_of(complaint) -> str:
    return f"/staf/pengaduan/{complaint.reference}/"


def english_reason(complaint) -> str:
    complaint = Complaint.objects.get(pk=complaint.pk)
    with translation.override("en"):
        reason = routing_reason(complaint)
    return reason


# --- The routing reason in words ----------------------------------------------------------------


def test_routed_by_the_chosen_service(directory):
    complaint, _receipt = complaint_parkir()
    reason = english_reason(complaint)
    assert reason.text == (
        "Sent to Dinas Perhubungan because of the service the reporter chose: "
        f"{complaint.service.name} (high confidence)."
    )
    assert reason.oversight == "Oversight copy to Inspektorat Daerah (suspected pungli)."
    assert reason.raw.startswith("service · 1.00 · ")


def test_routed_by_the_words_of_the_report(directory):
    complaint, _receipt = complaint_kk(service=None)
    Complaint.objects.filter(pk=complaint.pk).update(
        routing_rule="text",
        routing_confidence=0.7,
        routing_reason="Kata 'kk', 'berkas' → Dinas Kependudukan dan Pencatatan Sipil",
        opd=Opd.objects.get(code="DUKCAPIL"),
    )
    reason = english_reason(complaint)
    assert reason.text == (
        "Sent to Dinas Kependudukan dan Pencatatan Sipil because of words in the report: "
        "“kk”, “berkas” (medium confidence)."
    )
    assert reason.oversight == ""  # a delay carries no oversight copy


def test_waiting_in_triage(directory):
    complaint, _receipt = complaint_vague()
    assert complaint.status == Status.TRIAGE
    reason = english_reason(complaint)
    assert reason.text.startswith("Waiting for the complaint desk:")
    assert "confidence)" not in reason.text


def test_moved_by_hand_says_so_without_a_confidence(directory):
    complaint, _receipt = complaint_vague()
    complaint_moved_to(complaint, Status.ASSIGNED, opd="DLH")
    reason = english_reason(complaint)
    opd = Opd.objects.get(code="DLH").name
    assert reason.text == (
        f"Moved to {opd} by staff (the complaint desk, the Inspektorat or an admin)."
    )


def test_involving_the_head_names_the_office_kept_out(directory):
    complaint, _receipt = complaint_new(involves_head=True, reported_opd="DISHUB")
    reason = english_reason(complaint)
    assert reason.text.startswith("Sent to Inspektorat Daerah because the report involves the ")
    assert "Dinas Perhubungan" in reason.text


def test_an_unknown_rule_shows_the_engines_own_sentence(directory):
    complaint, _receipt = complaint_parkir()
    Complaint.objects.filter(pk=complaint.pk).update(
        routing_rule="a_future_rule", routing_reason="Aturan baru → Dinas Perhubungan"
    )
    assert english_reason(complaint).text == "Aturan baru → Dinas Perhubungan"


def test_the_detail_page_says_it_in_indonesian(directory):
    complaint, _receipt = complaint_parkir()
    response = page_client_for(staff_user("opd", "DISHUB")).get(page_of(complaint))
    html = response.content.decode()
    assert "Diarahkan ke Dinas Perhubungan karena layanan yang dipilih pelapor:" in html
    assert "(keyakinan tinggi)." in html
    assert "Tembusan pengawasan ke Inspektorat Daerah (dugaan pungli)." in html
    assert "service · keyakinan" not in html


# --- The inbox excerpt --------------------------------------------------------------------------


def test_excerpt_counts_visible_characters_on_one_line():
    assert excerpt("  Jukir\u200b minta\n\n uang  ") == "Jukir minta uang"
    long = "a" * (EXCERPT_CHARS + 30)
    assert excerpt(long) == "a" * EXCERPT_CHARS + "…"
    assert excerpt("") == ""


def test_every_inbox_row_has_an_escaped_excerpt(directory):
    text = "<script>alert(1)</script> Jukir minta " + "uang parkir " * 20
    complaint, _receipt = complaint_parkir(description=text)
    vague, _receipt = complaint_vague()
    head = page_client_for(staff_user("opd", "DISHUB"))
    html = head.get("/staf/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Jukir minta uang parkir" in html
    assert "<script>alert(1)" not in html
    shown = excerpt(text)
    assert len(shown) == EXCERPT_CHARS + 1 and shown.endswith("…")
    # The triage row (seen by the complaint desk) has its excerpt too.
    desk = page_client_for(staff_user("koordinator")).get("/staf/").content.decode()
    assert excerpt(vague.description) in desk


def test_the_excerpt_is_not_shown_to_staff_who_cannot_see_the_complaint(directory):
    complaint, _receipt = complaint_parkir(description="Rahasia: jukir bernama Budi minta uang.")
    other = page_client_for(staff_user("opd", "DUKCAPIL"))
    html = other.get("/staf/").content.decode()
    assert complaint.reference not in html
    assert "Rahasia: jukir" not in html


# --- Verbs --------------------------------------------------------------------------------------


def test_buttons_say_what_the_click_does(directory):
    complaint, _receipt = complaint_parkir()
    html = page_client_for(staff_user("opd", "DISHUB")).get(page_of(complaint)).content.decode()
    assert "Mulai proses" in html
    assert "Minta info ke pelapor" in html
    assert ">Diproses</button>" not in html
    # The office does not refer: that is the Inspektorat's (docs/product.md F4).
    assert 'name="destination"' not in html


def test_verbs_put_the_usual_next_step_first():
    verbs = verbs_for(Status.IN_PROGRESS, [Status.NEEDS_INFO, Status.RESOLVED, Status.REFERRED])
    assert [verb.target for verb in verbs] == [
        Status.RESOLVED,
        Status.NEEDS_INFO,
        Status.REFERRED,
    ]
    reopen = verbs_for(Status.CLOSED, [Status.IN_PROGRESS])[0]
    with translation.override("en"):
        assert reopen.text_required and str(reopen.label) == "Reopen the case"


def test_the_inspektorat_reopens_a_closed_case_with_a_reason(directory):
    complaint, _receipt = complaint_parkir()
    complaint_moved_to(complaint, Status.CLOSED)
    client = page_client_for(staff_user("inspektorat"))
    page = client.get(page_of(complaint)).content.decode()
    assert "Buka kembali kasus" in page
    before = Event.objects.filter(complaint=complaint).count()

    refused = client.post(page_of(complaint), {"action": "transition", "to": "in_progress"})
    assert refused.status_code == 400
    assert "Tuliskan alasan kasus dibuka kembali" in refused.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert Event.objects.filter(complaint=complaint).count() == before

    reason = "Pelapor lain melaporkan jukir yang sama masih memungut uang."
    done = client.post(
        page_of(complaint), {"action": "transition", "to": "in_progress", "message": reason}
    )
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert Event.objects.filter(complaint=complaint).latest("seq").text == reason


def test_a_referral_names_where_it_goes(directory):
    complaint, _receipt = complaint_parkir()
    client = page_client_for(staff_user("inspektorat"))
    html = client.get(page_of(complaint)).content.decode()
    assert "Limpahkan ke APH atau Ombudsman" in html
    assert "Ombudsman Republik Indonesia" in html
    message = "Dugaan pungli berulang oleh jukir yang sama."

    missing = client.post(
        page_of(complaint), {"action": "transition", "to": "referred", "message": message}
    )
    assert missing.status_code == 400
    assert "Pilih ke mana kasus dilimpahkan." in missing.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED

    done = client.post(
        page_of(complaint),
        {"action": "transition", "to": "referred", "destination": "ombudsman", "message": message},
    )
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.REFERRED
    event = Event.objects.filter(complaint=complaint).latest("seq")
    assert event.text == f"Dilimpahkan ke Ombudsman Republik Indonesia. {message}"


def test_the_api_takes_the_same_destination_and_refuses_it_elsewhere(directory):
    complaint, _receipt = complaint_parkir()
    client = api_client_for(staff_user("inspektorat"))
    url = f"/api/v1/staff/complaints/{complaint.reference}/transition/"
    wrong = client.post(
        url, {"to": "in_progress", "destination": "police", "message": "x"}, format="json"
    )
    assert wrong.status_code == 400 and "destination" in wrong.json()["errors"]
    unknown = client.post(
        url, {"to": "referred", "destination": "kpk", "message": "x"}, format="json"
    )
    assert unknown.status_code == 400 and "destination" in unknown.json()["errors"]
    # Without a destination the API refers as before (its contract keeps ``{"to", "message"}``).
    plain = client.post(url, {"to": "referred", "message": "Ke APH."}, format="json")
    assert plain.status_code == 200 and plain.json()["status"] == "referred"


def test_a_rejection_without_a_reason_changes_nothing(directory):
    complaint, _receipt = complaint_vague()
    client = page_client_for(staff_user("koordinator"))
    assert "Tolak" in client.get(page_of(complaint)).content.decode()
    before = Event.objects.filter(complaint=complaint).count()
    refused = client.post(
        page_of(complaint), {"action": "transition", "to": "rejected", "message": " \u200b "}
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'id="verb-rejected" open' in html  # the form it came from, open with the error
    assert "v-rejected-message-error" in html
    complaint.refresh_from_db()
    assert complaint.status == Status.TRIAGE
    assert Event.objects.filter(complaint=complaint).count() == before


def test_the_desk_moves_a_complaint_to_the_chosen_office(directory):
    complaint, _receipt = complaint_parkir()
    desk = page_client_for(staff_user("koordinator"))
    assert "Pindahkan ke OPD lain" in desk.get(page_of(complaint)).content.decode()
    response = desk.post(
        page_of(complaint), {"action": "reassign", "opd": "DLH", "reason": "Sampah, bukan parkir."}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.opd.code == "DLH"
    new_office = page_client_for(staff_user("opd", "DLH")).get("/staf/").content.decode()
    assert complaint.reference in new_office


def test_a_reassigned_complaint_reads_as_moved_by_staff(directory):
    complaint, _receipt = complaint_parkir()
    complaint_reassign(
        user=staff_user("koordinator"),
        complaint=complaint,
        opd=Opd.objects.get(code="DLH"),
        reason="Salah OPD.",
    )
    html = page_client_for(staff_user("opd", "DLH")).get(page_of(complaint)).content.decode()
    assert "oleh petugas" in html

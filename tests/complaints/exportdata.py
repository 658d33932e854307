"""The city of April 2026 for the de-identified export tests, with its hand-made oracle.

Four complaints are filed and worked through the product's own services, and each carries
distinctive things a reporter (or staff about a reporter) wrote: names, a phone number, a
NIK-like number, an address, amounts such as Rp1.234.567, a kelurahan, a reporter's message,
internal notes, a public reply, a reroute reason, a reassignment reason, a photo. The others are
rows written directly (``tests.complaints.statdata``) in the shapes the deadline and band columns
must tell apart. ``SECRETS`` and ``Dataset.secrets`` list what no export may ever contain;
``Dataset.expected`` is every row the export of April must hold, written out by hand.

The period is April 2026 in WIB: a complaint of 1 April 00:05 WIB (31 March in UTC) is in it,
one of 1 May 00:00 WIB (30 April in UTC) and one of 31 March 23:59 WIB are not.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from complaints.models import Category, Complaint, Evidence, Status
from complaints.services import (
    complaint_public_summary,
    complaint_reassign,
    complaint_reporter_decision,
    complaint_reporter_message,
    complaint_reroute_request,
    complaint_staff_transition,
    complaint_submit,
)
from routing.models import Kelurahan, Opd, Service
from tests.api.staff import account, evidence_add, staff_write
from tests.complaints.statdata import FUTURE, PAST, complaint, wib

APRIL = ("2026-04-01", "2026-04-30")

# What the reporters (and staff about them) wrote: none of it may leave in an export.
DESCRIPTION_NAME = "Zulkarnain Wiraatmaja"
PHONE = "0812-7731-4409"
NIK = "1771015507880003"
REPORTER_MESSAGE = "Rumah saya di Gang Melati RT 05, dekat warung Bu Sartini"
INTERNAL_NOTE = "Petugas Yuliana Prasetyo mengenali pelapor dari fotonya"
PUBLIC_REPLY = "Balasan untuk pelapor: kode Merpati-88 sudah dicatat"
REROUTE_REASON = "Bukan urusan kami, alasan Kutilang-42"
REASSIGN_REASON = "Dipindah karena alasan Kenari-19"
RESOLUTION = "Juru parkir Samsul Bahri sudah ditegur (Cendrawasih-7)"
WITHDRAWN_SUMMARY = "Ringkasan yang ditarik pelapor Cucakrowo-5"
PLACE_1 = "17.71.06.1005"  # Kebun Kenanga, kecamatan Ratu Agung (17.71.06)
PLACE_2 = "17.71.01.1006"  # Sumur Dewa, kecamatan Selebar (17.71.01)

SECRETS = [
    DESCRIPTION_NAME,
    PHONE,
    NIK,
    REPORTER_MESSAGE,
    "Gang Melati",
    INTERNAL_NOTE,
    "Yuliana",
    PUBLIC_REPLY,
    "Merpati-88",
    REROUTE_REASON,
    "Kutilang-42",
    REASSIGN_REASON,
    "Kenari-19",
    RESOLUTION,
    "Cendrawasih-7",
    WITHDRAWN_SUMMARY,
    "Cucakrowo-5",
    "Data uji statistik",  # the description of every row written directly
    # Amounts, as digits and as rupiah.
    "1234567",
    "1.234.567",
    "1232567",  # its excess over the Rp2.000 tariff
    "1.232.567",
    "777333",
    "777.333",
    # The kelurahan, by name and code.
    "Kebun Kenanga",
    PLACE_1,
    "Sumur Dewa",
    PLACE_2,
    # The exact time of the first complaint (14.37.21 WIB, 07.37 UTC).
    "14:37",
    "14.37",
    "07:37",
    "T07:",
    "T14:",
    # Fields that are not exported, by name.
    "description",
    "involves_head",
    "walled",
    "routing",
    "amount",
    "receipt",
]

SUMMARY = "Pungutan parkir di atas tarif; petugas ditegur dan karcis resmi kini diberikan."


@dataclass
class Dataset:
    expected: dict[str, dict]  # reference -> the row, as JSON carries it
    outside: list[str]  # references received outside April
    secrets: list[str] = field(default_factory=lambda: list(SECRETS))
    parkir: Complaint | None = None  # the complaint with the approved summary


def _at(complaint_: Complaint, **fields) -> Complaint:
    Complaint.objects.filter(pk=complaint_.pk).update(**fields)
    complaint_.refresh_from_db()
    return complaint_


def build() -> Dataset:
    """File and work the complaints of April 2026 (and two just outside it); return the oracle."""
    dishub, koordinator = account("kepala-dishub"), account("koordinator")
    kepala_dukcapil = account("kepala-dukcapil")
    parkir_service = Service.objects.get(code="PARKIR-MOTOR")
    secrets = list(SECRETS)

    # 1. The parking pungli, worked to the end; its office approved a public summary.
    parkir, receipt = complaint_submit(
        category=Category.PUNGLI,
        description=(
            f"Jukir bernama {DESCRIPTION_NAME} minta Rp1.234.567 untuk parkir motor. "
            f"Hubungi saya di {PHONE}, NIK {NIK}."
        ),
        service=parkir_service,
        kelurahan=Kelurahan.objects.get(code=PLACE_1),
        amount_asked=777333,
        amount_paid=1234567,
        karcis_given=False,
    )
    secrets += [receipt, parkir.receipt_hash, parkir.routing_reason]
    evidence = evidence_add(parkir)
    secrets.append(evidence.sha256)
    complaint_reporter_message(complaint=parkir, body=REPORTER_MESSAGE)
    staff_write(dishub, parkir, INTERNAL_NOTE, internal=True)
    staff_write(dishub, parkir, PUBLIC_REPLY)
    complaint_staff_transition(user=dishub, complaint=parkir, target=Status.IN_PROGRESS)
    complaint_staff_transition(
        user=dishub, complaint=parkir, target=Status.RESOLVED, message=RESOLUTION
    )
    complaint_reporter_decision(complaint=parkir, accept=True)
    complaint_public_summary(user=dishub, complaint=parkir, text=SUMMARY)
    _at(
        parkir,
        created_at=wib(date(2026, 4, 9), 14, 37) + timedelta(seconds=21),
        first_response_at=wib(date(2026, 4, 10), 9),
        first_response_due_at=wib(date(2026, 4, 16), 23, 59),
        resolved_at=wib(date(2026, 4, 14), 11),
        resolve_due_at=wib(date(2026, 7, 3), 23, 59),
        closed_at=wib(date(2026, 4, 20), 8, 15),
    )
    assert (parkir.fee_excess, parkir.status) == (1232567, Status.CLOSED), (
        parkir.fee_excess,
        parkir.status,
    )

    # 2. A late Kartu Keluarga at Dukcapil: no first answer past its deadline; its office says
    # "bukan kewenangan kami" (pending). No summary.
    kk, receipt = complaint_submit(
        category=Category.DELAY,
        # (No phone number here: the fee check reads "0812-7731-4409" as Rp7.731.)
        description=f"KK saya belum jadi. Saya {DESCRIPTION_NAME}, NIK {NIK}.",
        service=Service.objects.get(code="KK"),
        kelurahan=Kelurahan.objects.get(code=PLACE_2),
    )
    secrets += [receipt, kk.receipt_hash, kk.routing_reason]
    complaint_reporter_message(complaint=kk, body=f"{REPORTER_MESSAGE}. HP {PHONE}.")
    complaint_reroute_request(
        user=kepala_dukcapil,
        complaint=kk,
        suggested_opd=Opd.objects.get(code="DPMPTSP"),
        reason=REROUTE_REASON,
    )
    _at(
        kk,
        created_at=wib(date(2026, 4, 1), 0, 5),  # 31 March in UTC
        first_response_due_at=PAST,
        due_at=PAST,
        resolve_due_at=FUTURE,
    )
    assert kk.status == Status.ASSIGNED and kk.first_response_at is None

    # 3. The head of Dukcapil is involved: the Inspektorat handles it, Dukcapil is walled off.
    head, receipt = complaint_submit(
        category=Category.OTHER,
        description=f"Kepala dinas meminta uang rokok Rp777.333 kepada saya, {DESCRIPTION_NAME}.",
        service=Service.objects.get(code="KTP-EL"),
        involves_head=True,
    )
    secrets += [receipt, head.receipt_hash, head.routing_reason]
    _at(
        head,
        created_at=wib(date(2026, 4, 15), 13),
        first_response_due_at=FUTURE,
        resolve_due_at=FUTURE,
        due_at=FUTURE,
    )
    assert head.opd.code == "INSPEKTORAT" and head.walled_opd.code == "DUKCAPIL"

    # 4. A vague complaint routed out of triage by the desk, with an internal reason.
    moved, receipt = complaint_submit(
        category=Category.OTHER,
        description=f"Pelayanan jelek sekali, petugas acuh. Saya {DESCRIPTION_NAME}.",
    )
    secrets += [receipt, moved.receipt_hash, moved.routing_reason]
    assert moved.status == Status.TRIAGE
    complaint_reassign(
        user=koordinator,
        complaint=moved,
        opd=Opd.objects.get(code="DISPERINDAG"),
        reason=REASSIGN_REASON,
    )
    _at(
        moved,
        created_at=wib(date(2026, 4, 30), 23, 55),
        first_response_due_at=FUTURE,
        resolve_due_at=FUTURE,
        due_at=FUTURE,
    )

    # Rows written directly, in the shapes the columns must tell apart.
    late = complaint(
        wib(date(2026, 4, 2)),
        status=Status.CLOSED,
        service="PARKIR-MOBIL",
        fee_excess=75_000,
        first_response_at=wib(date(2026, 4, 10)),
        first_response_due_at=wib(date(2026, 4, 9), 23, 59),
        resolved_at=wib(date(2026, 6, 30)),
        resolve_due_at=wib(date(2026, 6, 29), 23, 59),
        closed_at=wib(date(2026, 7, 2), 23, 30),  # 2 July in WIB, still 2 July in UTC
    )
    waiting_late = complaint(
        wib(date(2026, 4, 6)),
        status=Status.IN_PROGRESS,
        kelurahan=PLACE_2,
        fee_excess=8_000,
        first_response_at=wib(date(2026, 4, 7)),
        first_response_due_at=wib(date(2026, 4, 13), 23, 59),
        resolve_due_at=PAST,
        due_at=PAST,
        public_summary="",
    )
    # Reopened by the Inspektorat after closing: the old closing day is not a closing day.
    reopened = complaint(
        wib(date(2026, 4, 7)),
        status=Status.IN_PROGRESS,
        fee_excess=0,
        first_response_at=wib(date(2026, 4, 8)),
        first_response_due_at=wib(date(2026, 4, 14), 23, 59),
        resolve_due_at=FUTURE,
        due_at=FUTURE,
        closed_at=wib(date(2026, 4, 20)),
    )
    # A merged duplicate following it: its original carries the deadlines.
    duplicate = complaint(
        wib(date(2026, 4, 8)),
        status=Status.IN_PROGRESS,
        fee_excess=10_000,
        first_response_due_at=PAST,
        resolve_due_at=PAST,
        merged_into=reopened,
    )
    rejected = complaint(
        wib(date(2026, 4, 3), 16, 59),
        opd=None,
        category=Category.OTHER,
        status=Status.REJECTED,
        closed_at=wib(date(2026, 4, 4), 0, 30),  # 3 April 17:30 in UTC: 4 April in WIB
        public_summary="Laporan spam tentang undian berhadiah.",
    )
    withdrawn = complaint(
        wib(date(2026, 4, 21)),
        opd="DUKCAPIL",
        category=Category.DELAY,
        status=Status.CLOSED,
        closed_at=wib(date(2026, 4, 22)),
        withdrawn_at=wib(date(2026, 4, 22)),
        public_summary=WITHDRAWN_SUMMARY,
    )
    # Just outside April, on either side (in WIB).
    before = complaint(wib(date(2026, 3, 31), 23, 59), public_summary="Maret, di luar periode.")
    after = complaint(wib(date(2026, 5, 1), 0, 0), public_summary="Mei, di luar periode.")

    parkir_row = {
        "reference": parkir.reference,
        "received_on": "2026-04-09",
        "closed_on": "2026-04-20",
        "category": "pungli",
        "service": "PARKIR-MOTOR",
        "service_name": parkir_service.name,
        "office": "DISHUB",
        "office_name": "Dinas Perhubungan",
        "kecamatan": "17.71.06",
        "kecamatan_name": "Ratu Agung",
        "status": "closed",
        "first_response_on_time": True,
        "resolved_on_time": True,
        "fee_excess_band": "≥500.000",
        "public_summary": SUMMARY,
    }
    rows = [
        parkir_row,
        {
            "reference": kk.reference,
            "received_on": "2026-04-01",
            "closed_on": None,
            "category": "delay",
            "service": "KK",
            "service_name": kk.service.name,
            "office": "DUKCAPIL",
            "office_name": kk.opd.name,
            "kecamatan": "17.71.01",
            "kecamatan_name": "Selebar",
            "status": "assigned",
            "first_response_on_time": False,
            "resolved_on_time": None,
            "fee_excess_band": "",
            "public_summary": "",
        },
        {
            "reference": head.reference,
            "received_on": "2026-04-15",
            "closed_on": None,
            "category": "other",
            "service": "KTP-EL",
            "service_name": head.service.name,
            "office": "INSPEKTORAT",
            "office_name": "Inspektorat Daerah",
            "kecamatan": None,
            "kecamatan_name": None,
            "status": "assigned",
            "first_response_on_time": None,
            "resolved_on_time": None,
            # Rp777.333 named in the text, against a free service.
            "fee_excess_band": "≥500.000",
            "public_summary": "",
        },
        {
            "reference": moved.reference,
            "received_on": "2026-04-30",
            "closed_on": None,
            "category": "other",
            "service": None,
            "service_name": None,
            "office": "DISPERINDAG",
            "office_name": moved.opd.name,
            "kecamatan": None,
            "kecamatan_name": None,
            "status": "assigned",
            "first_response_on_time": None,
            "resolved_on_time": None,
            "fee_excess_band": "",
            "public_summary": "",
        },
        {
            "reference": late.reference,
            "received_on": "2026-04-02",
            "closed_on": "2026-07-02",
            "category": "pungli",
            "service": "PARKIR-MOBIL",
            "service_name": late.service.name,
            "office": "DISHUB",
            "office_name": "Dinas Perhubungan",
            "kecamatan": None,
            "kecamatan_name": None,
            "status": "closed",
            "first_response_on_time": False,
            "resolved_on_time": False,
            "fee_excess_band": "50.000-99.999",
            "public_summary": "",
        },
        {
            "reference": waiting_late.reference,
            "received_on": "2026-04-06",
            "closed_on": None,
            "category": "pungli",
            "service": None,
            "service_name": None,
            "office": "DISHUB",
            "office_name": "Dinas Perhubungan",
            # No kecamatan stored: the kelurahan's kecamatan, never the kelurahan.
            "kecamatan": "17.71.01",
            "kecamatan_name": "Selebar",
            "status": "in_progress",
            "first_response_on_time": True,
            "resolved_on_time": False,
            "fee_excess_band": "1-9.999",
            "public_summary": "",
        },
        {
            "reference": reopened.reference,
            "received_on": "2026-04-07",
            "closed_on": None,
            "category": "pungli",
            "service": None,
            "service_name": None,
            "office": "DISHUB",
            "office_name": "Dinas Perhubungan",
            "kecamatan": None,
            "kecamatan_name": None,
            "status": "in_progress",
            "first_response_on_time": True,
            "resolved_on_time": None,
            "fee_excess_band": "0",
            "public_summary": "",
        },
        {
            "reference": duplicate.reference,
            "received_on": "2026-04-08",
            "closed_on": None,
            "category": "pungli",
            "service": None,
            "service_name": None,
            "office": "DISHUB",
            "office_name": "Dinas Perhubungan",
            "kecamatan": None,
            "kecamatan_name": None,
            "status": "in_progress",
            "first_response_on_time": None,
            "resolved_on_time": None,
            "fee_excess_band": "10.000-49.999",
            "public_summary": "",
        },
        {
            "reference": rejected.reference,
            "received_on": "2026-04-03",
            "closed_on": "2026-04-04",
            "category": "other",
            "service": None,
            "service_name": None,
            "office": None,
            "office_name": None,
            "kecamatan": None,
            "kecamatan_name": None,
            "status": "rejected",
            "first_response_on_time": None,
            "resolved_on_time": None,
            "fee_excess_band": "",
            "public_summary": "Laporan spam tentang undian berhadiah.",
        },
        {
            "reference": withdrawn.reference,
            "received_on": "2026-04-21",
            "closed_on": "2026-04-22",
            "category": "delay",
            "service": None,
            "service_name": None,
            "office": "DUKCAPIL",
            "office_name": withdrawn.opd.name,
            "kecamatan": None,
            "kecamatan_name": None,
            "status": "closed",
            "first_response_on_time": None,
            "resolved_on_time": None,
            "fee_excess_band": "",
            "public_summary": "",
        },
    ]
    # Guard the oracle's own premises: nothing planted may be a legitimate value of a row.
    legitimate = " ".join(str(value) for row in rows for value in row.values())
    assert not [secret for secret in secrets if secret and secret in legitimate]
    assert Evidence.objects.filter(complaint=parkir).exists()
    return Dataset(
        expected={row["reference"]: row for row in rows},
        outside=[before.reference, after.reference],
        secrets=[secret for secret in secrets if secret],
        parkir=parkir,
    )


def as_csv_row(row: dict) -> dict:
    """A JSON row as the CSV writes it: empty for null, true/false, text as it is."""

    def cell(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return {key: cell(value) for key, value in row.items()}

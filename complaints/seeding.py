"""Realistic synthetic complaints in bulk, for demos, dashboards and benchmarks (``seed_load``).

The city's rhythm is built in: fewer reports on weekends; school admission (SPMB) complaints in
June-July; parking complaints around Festival Tabut (July) and holidays at Pantai Panjang;
older complaints mostly closed, recent ones still open. Rows go in with COPY on PostgreSQL and
batched inserts elsewhere; the dashboard rollups are rebuilt once at the end.
"""

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction

from complaints import integrity
from complaints.deadlines import WIB, WorkingCalendar
from complaints.models import Category, Complaint, Event, Rating, RatingElement, Status
from complaints.receipts import _REFERENCE_ALPHABET
from complaints.rollups import rollups_rebuild
from complaints.selectors import working_calendar
from routing.models import Kelurahan, Opd, Service

DESCRIPTIONS = {
    Category.PUNGLI: [
        "Diminta bayar {amount} tanpa karcis, padahal tarif resminya jauh lebih kecil.",
        "Petugas minta uang {amount} supaya urusan cepat selesai.",
        "Ada pungutan {amount} yang tidak ada dasar hukumnya.",
    ],
    Category.DELAY: [
        "Sudah lewat batas waktu layanan, berkas belum juga selesai.",
        "Berkas saya tertahan berminggu-minggu tanpa kabar.",
    ],
    Category.OTHER: [
        "Petugas tidak ramah dan layanan ditolak tanpa alasan jelas.",
        "Antrean tidak tertib dan informasi persyaratan membingungkan.",
    ],
}
# Relative weight of each service's complaints by month (1 = January).
SEASONS = {
    "SPMB-SD": {6: 6.0, 7: 5.0},
    "SPMB-SMP": {6: 6.0, 7: 5.0},
    "PARKIR-MOTOR": {7: 2.5, 12: 1.5, 1: 1.3},
    "PARKIR-MOBIL": {7: 2.5, 12: 1.5, 1: 1.3},
}
BASE_WEIGHT = {
    "PARKIR-MOTOR": 8,
    "PARKIR-MOBIL": 4,
    "KTP-EL": 5,
    "KK": 5,
    "AKTA-LAHIR": 3,
    "RETRIBUSI-PASAR": 3,
    "RETRIBUSI-SAMPAH": 2,
    "SURAT-PENGANTAR": 3,
    "SKTM": 2,
    "SK-DOMISILI": 2,
    "PUSKESMAS-RAWAT-JALAN": 2,
    "RSUD-RAWAT-JALAN": 2,
    "DTKS": 2,
    "PBG": 1,
    "IZIN-TRAYEK": 1,
    "PBB-P2": 1,
}
PUNGLI_SHARE = {
    "PARKIR-MOTOR": 0.9,
    "PARKIR-MOBIL": 0.9,
    "RETRIBUSI-PASAR": 0.8,
    "SPMB-SD": 0.8,
    "SPMB-SMP": 0.8,
}


@dataclass
class _City:
    services: list[Service]
    service_weights: list[float]
    kelurahan: list[Kelurahan]
    offices: dict[int, Opd]  # kecamatan id -> its office
    opds: list[Opd]
    inspektorat: Opd | None


def _city() -> _City:
    services = list(Service.objects.filter(is_active=True).select_related("opd"))
    offices = {opd.kecamatan_id: opd for opd in Opd.objects.filter(kind=Opd.Kind.KECAMATAN)}
    return _City(
        services=services,
        service_weights=[BASE_WEIGHT.get(service.code, 1) for service in services],
        kelurahan=list(Kelurahan.objects.all()),
        offices=offices,
        opds=list(Opd.objects.filter(is_active=True).exclude(kind=Opd.Kind.KECAMATAN)),
        inspektorat=Opd.objects.filter(code=settings.PORTAL_INSPEKTORAT_CODE).first(),
    )


def seed_load(
    *, complaints: int, days: int = 730, seed: int = 2026, today: date | None = None
) -> int:
    """Insert ``complaints`` synthetic complaints spread over the last ``days`` days."""
    # Loading more into a loaded database must not draw the same ids again.
    rng = random.Random(f"{seed}:{Complaint.objects.count()}")
    city = _city()
    calendar = working_calendar()
    today = today or datetime.now(WIB).date()
    day_list = [today - timedelta(days=offset) for offset in range(days)]
    day_weights = [
        (0.45 if day.weekday() >= 5 else 1.0) * (1 + 0.25 * (day.year - day_list[-1].year))
        for day in day_list
    ]
    references = set(Complaint.objects.values_list("reference", flat=True))
    batch_size = 20_000
    made = 0
    with transaction.atomic():
        while made < complaints:
            size = min(batch_size, complaints - made)
            rows = [
                _complaint(
                    rng, city, calendar, rng.choices(day_list, day_weights)[0], today, references
                )
                for _ in range(size)
            ]
            _write(rows)
            made += size
        rollups_rebuild()
    return made


def _complaint(
    rng, city: _City, calendar: WorkingCalendar, day: date, today: date, references: set
) -> dict:
    month_weights = [
        weight * SEASONS.get(service.code, {}).get(day.month, 1.0)
        for service, weight in zip(city.services, city.service_weights, strict=True)
    ]
    service = rng.choices(city.services, month_weights)[0] if rng.random() < 0.85 else None
    kelurahan = rng.choice(city.kelurahan) if rng.random() < 0.8 else None
    pungli_share = PUNGLI_SHARE.get(service.code, 0.5) if service else 0.45
    roll = rng.random()
    category = (
        Category.PUNGLI
        if roll < pungli_share
        else Category.DELAY
        if roll < pungli_share + (1 - pungli_share) * 0.65
        else Category.OTHER
    )
    if service and service.opd_id:
        opd = service.opd
    elif service and kelurahan:
        opd = city.offices.get(kelurahan.kecamatan_id)
    else:
        opd = rng.choice(city.opds) if rng.random() < 0.8 else None
    created = datetime.combine(
        day, time(rng.randint(7, 21), rng.randint(0, 59), rng.randint(0, 59)), tzinfo=WIB
    )
    created = min(created, datetime.now(WIB))  # today's complaints are not from later today
    age = (today - day).days
    row = {
        "id": uuid.UUID(int=rng.getrandbits(128), version=4),
        "reference": _reference(rng, day, references),
        "receipt_hash": f"{rng.getrandbits(256):064x}",
        "category": category,
        "service": service,
        "kelurahan": kelurahan,
        "opd": opd,
        "created_at": created,
        "pungli": category == Category.PUNGLI,
    }
    row.update(_fees(rng, service, category))
    row.update(_lifecycle(rng, calendar, created, age, opd, category))
    row["description"] = rng.choice(DESCRIPTIONS[category]).format(
        amount=f"Rp{row['amount_paid'] or 0:,}".replace(",", ".")
    )
    rated = row["status"] == Status.CLOSED and row["resolved_at"] and rng.random() < 0.3
    mood = rng.gauss(3.1, 0.5)  # one reporter's overall satisfaction, per element a little noise
    row["ratings"] = (
        {element: min(4, max(1, round(rng.gauss(mood, 0.5)))) for element in RatingElement.values}
        if rated
        else {}
    )
    return row


def _reference(rng, day: date, references: set) -> str:
    while True:
        code = "".join(rng.choice(_REFERENCE_ALPHABET) for _ in range(6))
        reference = f"{settings.PORTAL_REFERENCE_PREFIX}-{day:%y}-{code}"
        if reference not in references:
            references.add(reference)
            return reference


def _fees(rng, service: Service | None, category: str) -> dict:
    if category != Category.PUNGLI or service is None:
        return {
            "amount_paid": None,
            "official_fee": service.fee_rupiah if service else None,
            "fee_excess": None,
            "fee_flagged": False,
            "karcis_given": None,
        }
    official = service.fee_rupiah
    base = official or 5_000
    paid = (
        base * rng.choice([2, 2, 3, 5, 10])
        if official
        else rng.choice([10_000, 25_000, 50_000, 100_000, 200_000])
    )
    karcis = rng.random() < 0.3 if service.requires_karcis else None
    excess = max(paid - official, 0) if official is not None else None
    return {
        "amount_paid": paid,
        "official_fee": official,
        "fee_excess": excess,
        "fee_flagged": bool(excess) or karcis is False,
        "karcis_given": karcis,
    }


def _lifecycle(
    rng, calendar: WorkingCalendar, created: datetime, age: int, opd, category: str
) -> dict:
    """Status and clocks, plausible for a complaint ``age`` days old."""
    deadlines = settings.PORTAL_DEADLINES
    if opd is None:
        status = Status.TRIAGE if age < 10 else rng.choice([Status.REJECTED, Status.CLOSED])
        triage_due = calendar.add_working_days(created, deadlines["triage"])
        return {
            "status": status,
            "assigned_at": None,
            "first_response_at": None,
            "first_response_days": None,
            "resolved_at": None,
            "closed_at": None if status == Status.TRIAGE else created + timedelta(days=4),
            "first_response_due_at": None,
            "resolve_due_at": None,
            "due_at": triage_due if status == Status.TRIAGE else None,
            "triage_due_at": triage_due,
        }
    resolve_days = deadlines["resolve_pungli" if category == Category.PUNGLI else "resolve"]
    first_due = calendar.add_working_days(created, deadlines["first_response"])
    resolve_due = calendar.add_working_days(created, resolve_days)
    response_days = min(int(rng.expovariate(1 / 2.5)), 40)
    working_days_old = age * 5 // 7
    responded = response_days <= working_days_old and rng.random() < 0.95
    first_response_at = (
        calendar.add_working_days(created, response_days) - timedelta(hours=rng.randint(1, 8))
        if responded
        else None
    )
    if first_response_at and first_response_at <= created:
        first_response_at = created + timedelta(hours=2)
    taken = response_days + int(rng.expovariate(1 / (resolve_days * 0.45)))
    resolved = responded and taken <= working_days_old and rng.random() < 0.93
    resolved_at = (
        max(calendar.add_working_days(created, taken) - timedelta(hours=3), first_response_at)
        if resolved
        else None
    )
    if resolved:
        closed = age > 25 or rng.random() < 0.5
        status = Status.CLOSED if closed else Status.RESOLVED
        if category == Category.PUNGLI and rng.random() < 0.03:
            status = Status.REFERRED
    elif responded:
        status = rng.choice([Status.IN_PROGRESS, Status.IN_PROGRESS, Status.NEEDS_INFO])
    else:
        status = Status.ASSIGNED
    closed_at = (
        resolved_at + timedelta(days=rng.randint(1, 12))
        if status in (Status.CLOSED, Status.REFERRED)
        else None
    )
    due = {
        Status.ASSIGNED: first_due,
        Status.IN_PROGRESS: resolve_due,
        Status.NEEDS_INFO: resolve_due,
    }.get(status)
    return {
        "status": status,
        "assigned_at": created,
        "first_response_at": first_response_at,
        "first_response_days": response_days if responded else None,
        "resolved_at": resolved_at,
        "closed_at": closed_at,
        "first_response_due_at": first_due,
        "resolve_due_at": resolve_due,
        "due_at": due,
        "triage_due_at": None,
    }


# --- Writing -------------------------------------------------------------------------------

COMPLAINT_COLUMNS = (
    "id",
    "reference",
    "receipt_hash",
    "category",
    "description",
    "service_id",
    "kelurahan_id",
    "kecamatan_id",
    "involves_head",
    "status",
    "opd_id",
    "routing_rule",
    "routing_confidence",
    "routing_reason",
    "official_fee",
    "amount_paid",
    "karcis_given",
    "fee_excess",
    "fee_karcis_missing",
    "fee_flagged",
    "delay_flagged",
    "delay_time_unit",
    "created_at",
    "updated_at",
    "assigned_at",
    "first_response_at",
    "first_response_days",
    "resolved_at",
    "closed_at",
    "triage_due_at",
    "first_response_due_at",
    "resolve_due_at",
    "auto_close_at",
    "due_at",
    "escalation_level",
    "last_seq",
    "legal_hold",
    "public_summary",
    "published_summary",
)
EVENT_COLUMNS = (
    "complaint_id",
    "seq",
    "kind",
    "status",
    "text",
    "visibility",
    "created_at",
    "published_at",
    "content_hash",
    "chain_hash",
)


def _write(rows: list[dict]) -> None:
    complaints, events, oversight, ratings = [], [], [], []
    inspektorat = (
        Opd.objects.filter(code=settings.PORTAL_INSPEKTORAT_CODE)
        .values_list("pk", flat=True)
        .first()
    )
    for row in rows:
        timeline = list(_events(row))
        service, kelurahan, opd = row["service"], row["kelurahan"], row["opd"]
        auto_close = (
            row["resolved_at"] + timedelta(days=14) if row["status"] == Status.RESOLVED else None
        )
        complaints.append(
            (
                row["id"],
                row["reference"],
                row["receipt_hash"],
                row["category"],
                row["description"],
                service.pk if service else None,
                kelurahan.pk if kelurahan else None,
                kelurahan.kecamatan_id if kelurahan else None,
                False,
                row["status"],
                opd.pk if opd else None,
                "service" if service else "text",
                1.0 if service else 0.6,
                f"Layanan {service.name} → {opd.name}"
                if service and opd
                else "Belum jelas OPD yang berwenang",
                row["official_fee"],
                row["amount_paid"],
                row["karcis_given"],
                row["fee_excess"],
                row["karcis_given"] is False,
                row["fee_flagged"],
                False,
                "",
                row["created_at"],
                row["closed_at"] or row["created_at"],
                row["assigned_at"],
                row["first_response_at"],
                row["first_response_days"],
                row["resolved_at"],
                row["closed_at"],
                row["triage_due_at"],
                row["first_response_due_at"],
                row["resolve_due_at"],
                auto_close,
                row["due_at"],
                0,
                len(timeline),
                False,
                "",
                "",
            )
        )
        events.extend(_chained(row, timeline))
        if row["pungli"] and inspektorat and (opd is None or opd.pk != inspektorat):
            oversight.append((row["id"], inspektorat))
        for element, value in row["ratings"].items():
            ratings.append(
                (
                    row["id"],
                    opd.pk if opd else None,
                    service.pk if service else None,
                    element,
                    value,
                    row["closed_at"],
                )
            )
    _copy(Complaint._meta.db_table, COMPLAINT_COLUMNS, complaints)
    _copy(Event._meta.db_table, EVENT_COLUMNS, events)
    _copy(Complaint.oversight.through._meta.db_table, ("complaint_id", "opd_id"), oversight)
    _copy(
        Rating._meta.db_table,
        ("complaint_id", "opd_id", "service_id", "element", "value", "created_at"),
        ratings,
    )


def _chained(row: dict, timeline: list[tuple]) -> Iterator[tuple]:
    """The event rows of one complaint, chained as ``event_append`` chains them."""
    previous = None
    for seq, (kind, status, text, at) in enumerate(timeline, 1):
        event = Event(seq=seq, kind=kind, status=status, text=text, created_at=at)
        integrity.event_seal(event, reference=row["reference"], previous=previous)
        previous = event.chain_hash
        yield (
            row["id"],
            seq,
            kind,
            status,
            text,
            event.visibility,
            at,
            at,
            event.content_hash,
            event.chain_hash,
        )


def _events(row: dict) -> Iterator[tuple]:
    created = row["created_at"]
    yield (Event.Kind.STATUS, Status.RECEIVED, "", created)
    if row["opd"] is None:
        yield (Event.Kind.STATUS, Status.TRIAGE, "Belum jelas OPD yang berwenang", created)
        if row["status"] != Status.TRIAGE:
            yield (Event.Kind.STATUS, row["status"], "Ditutup oleh koordinator", row["closed_at"])
        return
    yield (Event.Kind.STATUS, Status.ASSIGNED, f"→ {row['opd'].name}", created)
    if row["first_response_at"]:
        yield (Event.Kind.STATUS, Status.IN_PROGRESS, "", row["first_response_at"])
    if row["resolved_at"]:
        yield (Event.Kind.STATUS, Status.RESOLVED, "Sudah ditindaklanjuti", row["resolved_at"])
    if row["status"] in (Status.CLOSED, Status.REFERRED, Status.NEEDS_INFO):
        yield (Event.Kind.STATUS, row["status"], "", row["closed_at"] or row["first_response_at"])


def _copy(table: str, columns: tuple, rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [tuple(_sqlite_value(value) for value in row) for row in rows])


def _sqlite_value(value):
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value

"""The de-identified export for SP4N-LAPOR! and the Ombudsman (docs/product.md "Accountability
and data lifetime"; every field in docs/interface.md "De-identified export").

One row per complaint received in a period (WIB days) of at most one year, not in the future:
where it went, where it stands, whether its deadlines were kept, a band of the excess fee, and
the public summary staff wrote and approved. Nothing the reporter wrote or sent and nothing that
narrows a report down to a person: no description, messages, notes, photos, amounts, exact
times, kelurahan, routing reason or rule, whether the head of an office is involved (nor which
office is walled off).

The rows are read with an explicit list of columns (``_COLUMNS``): what is not listed there
cannot reach the file. The same rows feed ``manage.py export_deidentified``, the dashboard's
download (``/dasbor/ekspor/``) and ``GET /api/v1/stats/export/``, as JSON or as CSV (UTF-8 with
a byte-order mark, like the statistics CSVs).
"""

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.db.models import QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.access import complaints_exportable_by
from complaints.audit import access_record
from complaints.deadlines import WIB, wib_date
from complaints.exceptions import InvalidInput
from complaints.models import FINAL_STATUSES, AccessRecord, Complaint, Status
from complaints.stats.dashboard import MSG_DATE, MSG_ORDER, Period

JSON, CSV = "json", "csv"
FORMATS = (JSON, CSV)
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", CSV: "text/csv; charset=utf-8"}

# The columns, in order (the CSV header; the keys of each JSON row).
FIELDS = (
    "reference",
    "received_on",
    "closed_on",
    "category",
    "service",
    "service_name",
    "office",
    "office_name",
    "kecamatan",
    "kecamatan_name",
    "status",
    "first_response_on_time",
    "resolved_on_time",
    "fee_excess_band",
    "public_summary",
)

# The excess fee as a band, never the amount: (lowest excess of the band, its label).
FEE_BANDS = (
    (500_000, "≥500.000"),
    (100_000, "100.000-499.999"),
    (50_000, "50.000-99.999"),
    (10_000, "10.000-49.999"),
    (1, "1-9.999"),
    (0, "0"),
)

MSG_REQUIRED = _("Choose the period to export: both dates, written YYYY-MM-DD.")
MSG_YEAR = _("An export covers at most one year.")
MSG_FUTURE = _("The period cannot end after today.")
MSG_FORMAT = _("Choose the format: json or csv.")

# Digits of this script only: ``date.fromisoformat`` also reads "20260401" and "2026-W14-1".
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A CSV cell starting with one of these is a formula to a spreadsheet program.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- The period -------------------------------------------------------------------------------


def export_period(raw_from: str | None, raw_to: str | None, *, today: date | None = None) -> Period:
    """The period of an export from two ``YYYY-MM-DD`` dates, both required: at most one year
    (the last day before the same date a year later), ending today at the latest (WIB). Every
    refusal is ``InvalidInput``, named by field."""
    today = today or wib_date(timezone.now())
    errors: dict[str, list[str]] = {}
    start = _parse(raw_from, "from", errors)
    end = _parse(raw_to, "to", errors)
    if errors:
        messages = {text for texts in errors.values() for text in texts}
        summary = MSG_REQUIRED if str(MSG_REQUIRED) in messages else MSG_DATE
        raise InvalidInput(str(summary), errors=errors)
    if start > end:
        raise InvalidInput.on_field("from", MSG_ORDER)
    if end > today:
        raise InvalidInput.on_field("to", MSG_FUTURE)
    if end >= _a_year_after(start):
        raise InvalidInput.on_field("to", MSG_YEAR)
    return Period(start, end)


def export_format(raw: str | None) -> str:
    """``json`` or ``csv`` (``InvalidInput`` otherwise); JSON when not given."""
    if raw in (None, ""):
        return JSON
    if raw not in FORMATS:
        raise InvalidInput.on_field("format", MSG_FORMAT)
    return raw


def _parse(raw: str | None, name: str, errors: dict) -> date | None:
    text = (raw or "").strip()
    if not text:
        errors[name] = [str(MSG_REQUIRED)]
        return None
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = [str(MSG_DATE)]
        return None


def _a_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 3, 1)


# --- The rows ---------------------------------------------------------------------------------

# Every column the export reads; nothing else of a complaint is ever fetched.
_COLUMNS = (
    "reference",
    "created_at",
    "closed_at",
    "status",
    "category",
    "service__code",
    "service__name",
    "opd__code",
    "opd__name",
    "first_response_at",
    "first_response_due_at",
    "resolved_at",
    "resolve_due_at",
    "merged_into_id",
    "fee_excess",
    "public_summary",
    "withdrawn_at",
)


def export_rows(period: Period, complaints: QuerySet[Complaint] | None = None) -> Iterator[dict]:
    """The rows of ``period``: every complaint of ``complaints`` (default: all) received in it,
    by day received and then by reference (random: the order within a day tells nothing)."""
    complaints = Complaint.objects.all() if complaints is None else complaints
    now = timezone.now()
    values = (
        complaints.filter(period.created_filter())
        .annotate(received_day=TruncDate("created_at", tzinfo=WIB))
        .order_by("received_day", "reference")
        .values(
            *_COLUMNS,
            # The kecamatan of the place, never the kelurahan itself.
            kecamatan_code=Coalesce("kecamatan__code", "kelurahan__kecamatan__code"),
            kecamatan_name=Coalesce("kecamatan__name", "kelurahan__kecamatan__name"),
        )
    )
    for row in values.iterator(chunk_size=2000):
        yield _row(row, now=now)


def _row(row: dict, *, now: datetime) -> dict:
    status = row["status"]
    final = status in FINAL_STATUSES
    following = row["merged_into_id"] is not None  # its original carries the deadlines
    return {
        "reference": row["reference"],
        "received_on": wib_date(row["created_at"]),
        # A reopened complaint keeps its old ``closed_at``: only a final one has a closing day.
        "closed_on": wib_date(row["closed_at"]) if final and row["closed_at"] else None,
        "category": row["category"],
        "service": row["service__code"],
        "service_name": row["service__name"],
        "office": row["opd__code"],
        "office_name": row["opd__name"],
        "kecamatan": row["kecamatan_code"],
        "kecamatan_name": row["kecamatan_name"],
        "status": status,
        "first_response_on_time": deadline_kept(
            row["first_response_at"],
            row["first_response_due_at"],
            waiting=not final and not following,
            now=now,
        ),
        "resolved_on_time": deadline_kept(
            row["resolved_at"],
            row["resolve_due_at"],
            waiting=not final and status != Status.RESOLVED and not following,
            now=now,
        ),
        "fee_excess_band": fee_excess_band(row["fee_excess"]),
        # A withdrawn complaint publishes nothing of itself beyond the row.
        "public_summary": "" if row["withdrawn_at"] else row["public_summary"],
    }


def deadline_kept(done_at, due_at, *, waiting: bool, now: datetime) -> bool | None:
    """True when done by the deadline, False when done after it or still waiting past it, None
    when there is no such deadline or it is still running (the dashboard's compliance rule)."""
    if due_at is None:
        return None
    if done_at is not None:
        return done_at <= due_at
    if waiting and due_at < now:
        return False
    return None


def fee_excess_band(excess: int | None) -> str:
    """The band of an excess fee ("" when there is none to compare)."""
    if excess is None:
        return ""
    return next(label for lowest, label in FEE_BANDS if excess >= lowest)


# --- The files --------------------------------------------------------------------------------


def export_filename(period: Period, fmt: str) -> str:
    return f"laporpungli-ekspor-{period.start.isoformat()}_{period.end.isoformat()}.{fmt}"


def export_chunks(
    period: Period, fmt: str, complaints: QuerySet[Complaint] | None = None
) -> Iterator[str]:
    """The export file of ``period`` as text, piece by piece (the command writes it as it goes)."""
    rows = export_rows(period, complaints)
    return _csv_chunks(rows) if fmt == CSV else _json_chunks(period, rows)


def export_for(user, period: Period, fmt: str) -> bytes:
    """The export as a staff member downloads it: what they may export, each complaint in it
    recorded in the access audit (``complaints.audit``)."""
    complaints = complaints_exportable_by(user)
    body = export_bytes(period, fmt, complaints)
    exported = complaints.filter(period.created_filter()).only("pk", "reference")
    access_record(user, exported, AccessRecord.Action.EXPORT)
    return body


def export_download(user, period: Period, fmt: str) -> HttpResponse:
    """``export_for`` as a file to save (the dashboard's link and the API answer alike)."""
    response = HttpResponse(export_for(user, period, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(period, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def export_bytes(period: Period, fmt: str, complaints: QuerySet[Complaint] | None = None) -> bytes:
    return "".join(export_chunks(period, fmt, complaints)).encode("utf-8")


def _json_chunks(period: Period, rows: Iterable[dict]) -> Iterator[str]:
    head = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    yield (
        '{"period": ' + json.dumps(head) + ', "fields": ' + json.dumps(FIELDS) + ', "complaints": ['
    )
    separator = "\n"
    for row in rows:
        yield separator + json.dumps(row, ensure_ascii=False, default=_json_value)
        separator = ",\n"
    yield "\n]}\n"


def _json_value(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _csv_chunks(rows: Iterable[dict], *, every: int = 500) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # A byte-order mark lets spreadsheet programs read the Indonesian text as UTF-8.
    buffer.write("\ufeff")
    writer.writerow(FIELDS)
    for number, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(row[field]) for field in FIELDS])
        if number % every == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _csv_cell(value) -> str:
    """``true``/``false`` and empty cells as the fields say; text that a spreadsheet would run
    as a formula is quoted with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text

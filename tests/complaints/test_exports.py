"""The de-identified export (``complaints.exports``, ``manage.py export_deidentified``) and the
public summary it carries (``complaint_public_summary``).

docs/product.md "Accountability and data lifetime" and docs/interface.md "De-identified export":
one row per complaint received in a period of at most a year, not in the future; where it went,
where it stands, whether its deadlines were kept, a band of the excess fee, and the summary
staff approved; never anything a reporter wrote or sent, nor anything that narrows a report
down to a person. The data and the oracle are ``tests.complaints.exportdata``.
"""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from complaints import exports
from complaints.access import complaints_exportable_by, events_for_reporter
from complaints.exceptions import InvalidInput, NotPermitted
from complaints.models import Complaint, Event, StaffRole, Visibility
from complaints.services import complaint_public_summary, staff_account_ensure
from complaints.stats.dashboard import Period
from routing.models import Opd
from tests.api.client import indonesian_catalogue_compiled
from tests.api.staff import PASSWORD, account
from tests.complaints import exportdata
from tests.complaints.exportdata import APRIL, SUMMARY, as_csv_row, build
from tests.complaints.statdata import complaint, wib

pytestmark = pytest.mark.usefixtures("directory")

PERIOD = Period(date(2026, 4, 1), date(2026, 4, 30))
TODAY = date(2026, 11, 30)

MSG_YEAR_ID = "Ekspor mencakup paling lama satu tahun."
MSG_YEAR_EN = "An export covers at most one year."
MSG_FUTURE_ID = "Periode tidak boleh berakhir sesudah hari ini."
MSG_FUTURE_EN = "The period cannot end after today."
MSG_DATE_ID = "Tulis tanggal dengan format YYYY-MM-DD."
MSG_DATE_EN = "Dates are written YYYY-MM-DD."


@pytest.fixture
def city():
    return build()


def exported(fmt: str, complaints=None) -> str:
    return exports.export_bytes(PERIOD, fmt, complaints).decode("utf-8")


def json_rows(text: str) -> list[dict]:
    return json.loads(text)["complaints"]


def csv_rows(text: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def in_order(expected: dict) -> list[dict]:
    """The oracle's rows as the export orders them: by day received, then by reference."""
    return sorted(expected.values(), key=lambda row: (row["received_on"], row["reference"]))


def assert_no_secret(text: str, secrets: list[str]) -> None:
    lowered = text.lower()
    leaked = [secret for secret in secrets if secret.lower() in lowered]
    assert not leaked, f"the export carries what it must not: {leaked}"


# --- Pure pieces -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "excess, band",
    [
        (None, ""),
        (0, "0"),
        (1, "1-9.999"),
        (9_999, "1-9.999"),
        (10_000, "10.000-49.999"),
        (49_999, "10.000-49.999"),
        (50_000, "50.000-99.999"),
        (99_999, "50.000-99.999"),
        (100_000, "100.000-499.999"),
        (499_999, "100.000-499.999"),
        (500_000, "≥500.000"),
        (1_234_565, "≥500.000"),
        (10**12, "≥500.000"),
    ],
)
def test_the_excess_fee_is_a_band_never_the_amount(excess, band):
    assert exports.fee_excess_band(excess) == band


def test_a_deadline_is_kept_missed_or_not_yet_known():
    now, due = wib(date(2026, 5, 1)), wib(date(2026, 4, 20), 23, 59)
    assert exports.deadline_kept(wib(date(2026, 4, 20)), due, waiting=False, now=now) is True
    assert exports.deadline_kept(wib(date(2026, 4, 21)), due, waiting=False, now=now) is False
    assert (
        exports.deadline_kept(None, due, waiting=True, now=now) is False
    )  # still waiting, past it
    assert exports.deadline_kept(None, due, waiting=False, now=now) is None  # left without it
    assert exports.deadline_kept(None, due, waiting=True, now=wib(date(2026, 4, 2))) is None
    assert exports.deadline_kept(None, None, waiting=True, now=now) is None  # no such deadline


# --- The period ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end",
    [
        ("2026-04-01", "2026-04-30"),
        ("2025-11-30", "2026-11-29"),  # a whole year
        ("2025-12-01", "2026-11-30"),  # a whole year, ending today
        ("2026-11-30", "2026-11-30"),  # today alone
        ("2024-02-29", "2025-02-28"),  # from 29 February: the year ends on 28 February
        (" 2026-04-01 ", "2026-04-30"),
    ],
)
def test_a_period_of_at_most_a_year_that_has_begun(start, end):
    period = exports.export_period(start, end, today=TODAY)
    assert period == Period(date.fromisoformat(start.strip()), date.fromisoformat(end))


@pytest.mark.parametrize(
    "start, end, field, english",
    [
        ("2025-11-30", "2026-11-30", "to", MSG_YEAR_EN),  # a year and a day
        ("2021-01-01", "2026-01-01", "to", MSG_YEAR_EN),
        ("2024-02-29", "2025-03-01", "to", MSG_YEAR_EN),
        ("2026-11-01", "2026-12-01", "to", MSG_FUTURE_EN),
        ("2026-12-01", "2026-12-31", "to", MSG_FUTURE_EN),
        ("2026-04-30", "2026-04-01", "from", "The start of the period must not be after its end."),
        ("2026-4-1", "2026-04-30", "from", MSG_DATE_EN),
        ("20260401", "2026-04-30", "from", MSG_DATE_EN),
        ("2026-W14-1", "2026-04-30", "from", MSG_DATE_EN),
        ("2026-02-30", "2026-04-30", "from", MSG_DATE_EN),
        ("٢٠٢٦-04-01", "2026-04-30", "from", MSG_DATE_EN),
        ("2026-04-01", "yesterday", "to", MSG_DATE_EN),
        ("2026-04-01", "", "to", "Choose the period to export: both dates, written YYYY-MM-DD."),
        (
            None,
            "2026-04-30",
            "from",
            "Choose the period to export: both dates, written YYYY-MM-DD.",
        ),
    ],
)
def test_a_bad_period_is_refused_by_field_in_the_language_asked(start, end, field, english):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        exports.export_period(start, end, today=TODAY)
    assert refused.value.message == english
    assert refused.value.errors[field] == [english]
    if indonesian_catalogue_compiled():
        with translation.override("id"), pytest.raises(InvalidInput) as indonesian:
            exports.export_period(start, end, today=TODAY)
        assert indonesian.value.message != english


def test_the_period_cannot_end_after_today_in_wib(settings):
    today = timezone.localdate(timezone.now(), timezone=exports.WIB)
    exports.export_period(today.isoformat(), today.isoformat())
    with pytest.raises(InvalidInput):
        exports.export_period(
            today.isoformat(), date.fromordinal(today.toordinal() + 1).isoformat()
        )


def test_the_format_is_json_or_csv():
    assert exports.export_format(None) == exports.export_format("") == "json"
    assert exports.export_format("csv") == "csv"
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        exports.export_format("xlsx")
    assert refused.value.errors == {"format": ["Choose the format: json or csv."]}


# --- The rows --------------------------------------------------------------------------------


def test_the_rows_are_the_complaints_received_in_the_period_and_nothing_else(city):
    rows = json_rows(exported("json"))
    assert rows == in_order(city.expected)
    references = [row["reference"] for row in rows]
    assert not set(references) & set(city.outside)
    assert len(references) == len(set(references)) == 10


def test_each_row_has_exactly_the_documented_fields(city):
    document = json.loads(exported("json"))
    assert set(document) == {"period", "fields", "complaints"}
    assert document["period"] == {"from": "2026-04-01", "to": "2026-04-30"}
    assert document["fields"] == list(exports.FIELDS)
    assert all(list(row) == list(exports.FIELDS) for row in document["complaints"])


def test_the_csv_holds_the_same_rows_with_a_header_and_a_byte_order_mark(city):
    text = exported("csv")
    assert text.splitlines()[0] == "\ufeff" + ",".join(exports.FIELDS)
    assert csv_rows(text) == [as_csv_row(row) for row in in_order(city.expected)]


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_nothing_the_reporter_wrote_or_that_narrows_them_down_is_exported(city, fmt):
    text = exported(fmt)
    assert_no_secret(text, city.secrets)
    assert SUMMARY in text  # what staff approved, and only that


def test_the_approved_summary_is_the_only_complaint_text(city):
    rows = {row["reference"]: row for row in json_rows(exported("json"))}
    parkir = Complaint.objects.get(pk=city.parkir.pk)
    assert rows[parkir.reference]["public_summary"] == SUMMARY == parkir.public_summary
    assert parkir.description not in exported("json")


def test_an_empty_period_is_a_file_with_no_rows():
    empty = Period(date(2019, 1, 1), date(2019, 1, 31))
    assert json.loads(exports.export_bytes(empty, "json"))["complaints"] == []
    text = exports.export_bytes(empty, "csv").decode()
    assert text == "\ufeff" + ",".join(exports.FIELDS) + "\n"


def test_a_summary_a_spreadsheet_would_run_is_quoted_in_the_csv():
    formula = '=HYPERLINK("http://contoh.test","klik")'
    row = complaint(wib(date(2026, 4, 10)), public_summary=formula)
    [csv_row] = csv_rows(exported("csv"))
    [json_row] = json_rows(exported("json"))
    assert csv_row["public_summary"] == "'" + formula
    assert json_row["public_summary"] == formula and json_row["reference"] == row.reference


def test_many_rows_stream_in_pieces_and_stay_whole():
    for day in range(1, 29):
        complaint(wib(date(2026, 4, day)), fee_excess=day * 1000)
        complaint(wib(date(2026, 4, day), 15), fee_excess=None)
    pieces = list(exports._csv_chunks(exports.export_rows(PERIOD), every=7))
    assert len(pieces) > 5
    assert len(csv_rows("".join(pieces))) == 56
    assert len(json_rows(exported("json"))) == 56


# --- Who gets which rows -----------------------------------------------------------------------


def test_a_viewer_whose_own_office_is_walled_off_does_not_get_that_complaint(city):
    head = next(ref for ref, row in city.expected.items() if row["office"] == "INSPEKTORAT")
    walikota_at_dukcapil = staff_account_ensure(
        username="walikota-dukcapil",
        password=PASSWORD,
        role=StaffRole.WALIKOTA,
        opd=Opd.objects.get(code="DUKCAPIL"),
    )
    mine = {
        row["reference"]
        for row in json_rows(exported("json", complaints_exportable_by(walikota_at_dukcapil)))
    }
    everything = {
        row["reference"]
        for row in json_rows(exported("json", complaints_exportable_by(account("walikota"))))
    }
    assert everything == set(city.expected)
    assert mine == set(city.expected) - {head}


@pytest.mark.parametrize(
    "username", ["koordinator", "kepala-dishub", "kepala-inspektorat", "plain"]
)
def test_only_dashboard_viewers_may_export_anything(city, username):
    assert not complaints_exportable_by(account(username)).exists()


# --- The command -------------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("export_deidentified", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_json_to_stdout_by_default(city):
    text = run("--from", APRIL[0], "--to", APRIL[1])
    assert text == exported("json")
    assert json_rows(text) == in_order(city.expected)
    assert_no_secret(text, city.secrets)


def test_the_command_writes_csv_to_a_file(city, tmp_path):
    target = tmp_path / "april.csv"
    assert (
        run("--from", APRIL[0], "--to", APRIL[1], "--format", "csv", "--output", str(target)) == ""
    )
    text = target.read_text(encoding="utf-8")
    assert text == exported("csv")
    assert csv_rows(text) == [as_csv_row(row) for row in in_order(city.expected)]
    assert_no_secret(text, city.secrets)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["april.csv"]


@pytest.mark.parametrize(
    "args, indonesian, english",
    [
        (["--from", "2025-04-01", "--to", "2026-04-01"], MSG_YEAR_ID, MSG_YEAR_EN),
        (["--from", "2026-11-01", "--to", "2099-12-31"], MSG_FUTURE_ID, MSG_FUTURE_EN),
        (["--from", "1 April 2026", "--to", "2026-04-30"], MSG_DATE_ID, MSG_DATE_EN),
        (["--to", "2026-04-30"], "Pilih periode ekspor", "Choose the period to export"),
        (
            ["--from", "2026-04-01", "--to", "2026-04-30", "--format", "xlsx"],
            "Pilih format",
            "Choose the format",
        ),
    ],
)
def test_the_command_refuses_a_bad_period_in_indonesian_or_english(
    args, indonesian, english, tmp_path
):
    target = tmp_path / "out.json"
    with pytest.raises(CommandError) as refused:
        run(*args, "--output", str(target))
    with pytest.raises(CommandError) as refused_en:
        run(*args, "--language", "en")
    assert english in str(refused_en.value)
    assert str(refused_en.value).startswith("--")  # names the option at fault
    if indonesian_catalogue_compiled():
        assert indonesian in str(refused.value)
    assert list(tmp_path.iterdir()) == []  # no file, not even a partial one


# --- The public summary (the service; the API and the page: tests/api/test_exports_api.py) ----


def test_writing_the_summary_stores_it_and_tells_the_office_not_the_reporter(parkir):
    complaint_, _receipt = parkir
    dishub = account("kepala-dishub")
    text = "Petugas parkir ditegur; karcis resmi kini diberikan."
    event = complaint_public_summary(user=dishub, complaint=complaint_, text=f"  {text}  ")
    complaint_.refresh_from_db()
    assert complaint_.public_summary == text
    assert (event.kind, event.visibility, event.text) == (
        Event.Kind.NOTE,
        Visibility.OFFICE,
        "Ringkasan publik diperbarui",
    )
    assert event.office.code == "DISHUB" and event.actor == dishub
    assert complaint_.first_response_at is None  # not an answer to the reporter
    assert not events_for_reporter(complaint_).filter(pk=event.pk).exists()
    assert not Event.objects.filter(complaint=complaint_, text__contains="karcis resmi").exists()


def test_an_empty_summary_withdraws_it(parkir):
    complaint_, _receipt = parkir
    dishub = account("kepala-dishub")
    complaint_public_summary(user=dishub, complaint=complaint_, text="Ringkasan pertama.")
    event = complaint_public_summary(user=dishub, complaint=complaint_, text="  ")
    complaint_.refresh_from_db()
    assert complaint_.public_summary == ""
    assert event.text == "Ringkasan publik ditarik"


@pytest.mark.parametrize(
    "username", ["kepala-dishub", "koordinator", "inspektorat", "kepala-inspektorat", "admin"]
)
def test_the_office_the_desk_and_oversight_may_write_the_summary(parkir, username):
    complaint_, _receipt = parkir
    complaint_public_summary(user=account(username), complaint=complaint_, text="Ringkasan.")
    assert Complaint.objects.get(pk=complaint_.pk).public_summary == "Ringkasan."


def test_the_mayors_office_may_not_write_the_summary(parkir):
    complaint_, _receipt = parkir
    with pytest.raises(NotPermitted):
        complaint_public_summary(user=account("walikota"), complaint=complaint_, text="Ringkasan.")
    assert Complaint.objects.get(pk=complaint_.pk).public_summary == ""


def test_a_summary_is_carried_by_the_export_of_its_period(parkir):
    complaint_, _receipt = parkir
    complaint_public_summary(user=account("kepala-dishub"), complaint=complaint_, text=SUMMARY)
    today = timezone.localdate(timezone.now(), timezone=exports.WIB)
    rows = json_rows(exports.export_bytes(Period(today, today), "json").decode())
    assert [(row["reference"], row["public_summary"]) for row in rows] == [
        (complaint_.reference, SUMMARY)
    ]


def test_the_planted_strings_are_the_ones_the_data_module_lists():
    # The dataset's list is what the tests above search for: keep it long and specific.
    assert len(exportdata.SECRETS) >= 30 and exportdata.PLACE_1 in exportdata.SECRETS

"""``GET /api/v1/public/figures/?period=...`` and ``/transparansi/?period=...``: the public figures
of fixed periods only, and the differencing attack they were changed to stop.

The attack (before the change): ``?from=2026-10-01&to=2026-10-24`` minus ``...&to=2026-10-23``
is one day. On 24 October 2026 the one complaint about Dinas Tenaga Kerja (a Rp3.000 charge for
a free job-seeker card) was filed; the two answers differed by that office's row and by Rp3.000,
recovering a suppressed cell and one report's amount.

Now a period is a month ("2026-10"), a quarter ("2026-Q4") or a year ("2026"), not in the
future; anything else, ``?from=&to=`` included, is a 400 that says which periods exist (in
Indonesian unless the client asks for English). The attacker of ``test_the_differencing_attack``
asks for every period there is and feeds every published figure to a small solver
(``Solver``): each figure bounds a sum of unknown counts (a "<5" 1-4, or, as the one cell hidden
next to a lone small one, at least 5 and no more than the cells shown beside it; a rounded r
r-2..r+2; a 0 exactly 0), months add up to their quarter and their year, per office and per
category, and no office table can hold more than the complaints received. Whatever it combines,
that office's October count keeps at least two possible values, and neither Rp3.000 nor any
other single report's amount is in any answer.

The attack city, 2026, filed through ``complaint_submit`` (the real routing and fee checks), each
complaint then moved to its day by an UPDATE of ``created_at`` and the rollups rebuilt:

    month   DISHUB pungli          DUKCAPIL delay  DIKBUD other  DISNAKER pungli
            motor 8.000 + car 5.000 (KK)           (SPMB-SD)     (KARTU-AK1, 3.000)
    Sep     10 + 2 = 12            7               6             -
    Oct     11 + 2 = 13            8               6             1 (24 Oct)
    Nov      9 + 2 = 11            6               7             -
    Dec     10 + 2 = 12            9               5             -

Excess (motor: Rp10.000 paid for a Rp2.000 fee; car: Rp8.000 for Rp3.000): Sep 10 × 8.000 +
2 × 5.000 = 90.000; Oct 11 × 8.000 + 2 × 5.000 + 3.000 = 101.000 (14 reports); Nov 82.000;
Dec 90.000; Q4 273.000. Every month from September has at least 10 reports with an excess, so
on 15 January 2027 (every 2026 period over) each of those months publishes its total, and Q4
its sum; Q3 (July and August had none) and the year do not.
"""

import csv
import html as html_lib
import io
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from complaints.models import Category, Complaint
from complaints.rollups import rollups_rebuild
from complaints.services import complaint_submit
from complaints.stats.periods import MSG_PERIOD, period_parse, periods_recent
from complaints.stats.scoring import SUPPRESSED
from frontend.templatetags.portal import rupiah
from routing.models import Kelurahan, Opd, Service
from tests.complaints.clock import FrozenClock
from tests.complaints.statdata import WIB, wib
from tests.factories import page_client

pytestmark = pytest.mark.usefixtures("directory")

URL = "/api/v1/public/figures/"
PAGE = "/transparansi/"
AFTER_2026 = date(2027, 1, 15)  # every 2026 period is over
SAWAH_LEBAR = "17.71.06.1006"
X = "DISNAKER"  # the small office
X_DAY = date(2026, 10, 24)
X_AMOUNT = 3_000
OCTOBER = date(2026, 10, 1)
CSV_FIELDS = [
    "opd",
    "name",
    "received",
    "deadline_compliance",
    "ikm",
    "ikm_category",
    "zone",
    "zone_score",
]


# --- Asking, on a given day -------------------------------------------------------------------


def at(today: date):
    """The API's and the page's "today" (``timezone.localdate()``): ``today``, 10.00 WIB."""
    return mock.patch(
        "django.utils.timezone.now", FrozenClock(datetime.combine(today, time(10), tzinfo=WIB))
    )


def ask(params: dict, *, today: date = AFTER_2026, language: str | None = None, client=None):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    with at(today):
        return (client or APIClient()).get(URL, params, **headers)


def page(params: dict, *, today: date = AFTER_2026, language: str | None = None):
    with at(today):
        return page_client(language).get(PAGE, params)


def messages() -> tuple[str, str]:
    """MSG_PERIOD in Indonesian and in English."""
    with translation.override("id"):
        indonesian = str(MSG_PERIOD)
    with translation.override("en"):
        english = str(MSG_PERIOD)
    return indonesian, english


def assert_period_refused(response, *, language: str = "id", translated: bool = True) -> None:
    """A 400 whose message is MSG_PERIOD in ``language`` (the API's body, or the page's alert);
    ``translated``: and the Indonesian is not the English text (the catalogue has it)."""
    assert response.status_code == 400, response.content[:300]
    indonesian, english = messages()
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        message = body["message"]
        assert body["errors"] == {"period": [message]}
    else:
        alert = re.search(
            r'<div class="alert error" role="alert">(.*?)</div>', response.content.decode(), re.S
        )
        assert alert, "the 400 page says nothing"
        message = html_lib.unescape(alert.group(1)).strip()
    if language == "en":
        assert message == english
    else:
        assert message == indonesian
        if translated:
            assert message != english, "MSG_PERIOD has no Indonesian translation (locale/id)"


# --- The attack city ----------------------------------------------------------------------------

MONTHS = {  # month -> (motor, car, Dukcapil delays, Dikbud others)
    date(2026, 9, 1): (10, 2, 7, 6),
    date(2026, 10, 1): (11, 2, 8, 6),
    date(2026, 11, 1): (9, 2, 6, 7),
    date(2026, 12, 1): (10, 2, 9, 5),
}


def file(
    day: date, *, service: str, category: str, description: str, hour: int = 10, **fields
) -> Complaint:
    """One complaint through the real service, then moved to ``day`` (WIB)."""
    complaint, _receipt = complaint_submit(
        category=category,
        description=description,
        service=Service.objects.get(code=service),
        **fields,
    )
    Complaint.objects.filter(pk=complaint.pk).update(created_at=wib(day, hour))
    return complaint


def day_in(month: date, index: int) -> date:
    return month.replace(day=1 + index % 28)


@pytest.fixture
def attack_city():
    sawah_lebar = Kelurahan.objects.get(code=SAWAH_LEBAR)
    for month, (motor, car, delays, others) in MONTHS.items():
        for index in range(motor):
            file(
                day_in(month, index),
                service="PARKIR-MOTOR",
                category=Category.PUNGLI,
                description="Jukir minta Rp10.000 untuk parkir motor di depan pasar.",
                amount_paid=10_000,
                kelurahan=sawah_lebar,
            )
        for index in range(car):
            file(
                day_in(month, 3 * index + 1),
                service="PARKIR-MOBIL",
                category=Category.PUNGLI,
                description="Jukir minta Rp8.000 untuk parkir mobil.",
                amount_paid=8_000,
                kelurahan=sawah_lebar,
            )
        for index in range(delays):
            file(
                day_in(month, 2 * index),
                service="KK",
                category=Category.DELAY,
                description="KK sudah sebulan belum jadi, katanya berkas menumpuk.",
            )
        for index in range(others):
            file(
                day_in(month, 2 * index + 1),
                service="SPMB-SD",
                category=Category.OTHER,
                description="Informasi pendaftaran sekolah membingungkan, petugas tidak ramah.",
            )
    target = file(
        X_DAY,
        service="KARTU-AK1",
        category=Category.PUNGLI,
        hour=14,
        description="Petugas minta Rp3.000 untuk kartu kuning, padahal gratis.",
        amount_paid=X_AMOUNT,
    )
    rollups_rebuild()
    # The routing and the fee check did what the table above says.
    assert (target.opd.code, target.fee_excess, target.fee_flagged) == (X, X_AMOUNT, True)
    assert Complaint.objects.filter(opd__code=X).count() == 1
    return target


def truth() -> dict[tuple, int]:
    """The hidden counts the attacker is after: ("office", code, month) and ("category", ...)."""
    counts: dict[tuple, int] = {}
    for month, (motor, car, delays, others) in MONTHS.items():
        counts[("office", "DISHUB", month)] = motor + car
        counts[("office", "DUKCAPIL", month)] = delays
        counts[("office", "DIKBUD", month)] = others
        counts[("office", X, month)] = 1 if month == OCTOBER else 0
        counts[("category", Category.PUNGLI, month)] = motor + car + (1 if month == OCTOBER else 0)
        counts[("category", Category.DELAY, month)] = delays
        counts[("category", Category.OTHER, month)] = others
    return counts


# --- The attacker's solver ----------------------------------------------------------------------

UNBOUNDED = 10**6


@dataclass
class Sum:
    """``Σ coefficient × count`` lies in ``[low, high]`` (coefficients are +1 or -1)."""

    terms: tuple[tuple[tuple, int], ...]
    low: int
    high: int


@dataclass
class Shown:
    """One published count: the sum of ``variables`` was published as ``value``."""

    variables: tuple[tuple, ...]
    value: object  # 0, a rounded count, or "<5"
    table: str  # cells of one table are suppressed together


@dataclass
class Solver:
    """Everything the attacker learnt, as linear constraints on the hidden counts.

    Values are bounded by propagation (each sum's bounds narrow each of its terms, until nothing
    moves) and a value is *consistent* if a search finds a whole assignment of every count with
    it. A table with exactly two "<5" cells may hide one of them only because the other was the
    lone small cell (secondary suppression): both readings are tried.
    """

    rounding: bool = True  # counts are published rounded (False: as they are, for the controls)
    shown: list[Shown] = field(default_factory=list)
    sums: list[Sum] = field(default_factory=list)
    nodes: int = 0

    def learn(self, answer: dict, universe: set[str]) -> None:
        """Every count of one period's published answer."""
        key = answer["period"]
        months = [date.fromisoformat(row["month"]) for row in answer["months"]]
        categories = list(Category.values)
        everything = tuple(
            ("category", category, month) for month in months for category in categories
        )
        self.shown.append(Shown(everything, answer["received"], f"{key}:received"))
        for row in answer["months"]:
            month = date.fromisoformat(row["month"])
            for category in categories:
                self.shown.append(
                    Shown((("category", category, month),), row[category], f"{key}:months")
                )
        listed = {row["opd"]: row["received"] for row in answer["opds"]}
        for office in universe:  # an office the table leaves out received none in the period
            cells = tuple(("office", office, month) for month in months)
            self.shown.append(Shown(cells, listed.get(office, 0), f"{key}:opds"))
        for month in months:  # the offices' complaints are among those received (some in triage)
            offices = [(("office", office, month), 1) for office in universe]
            received = [(("category", category, month), -1) for category in categories]
            self.sums.append(Sum(tuple(offices + received), -UNBOUNDED, 0))

    def variables(self) -> set[tuple]:
        found = {variable for cell in self.shown for variable in cell.variables}
        return found | {variable for constraint in self.sums for variable, _c in constraint.terms}

    def readings(self):
        """Each way of reading the "<5" cells: a list of Sums per reading."""
        tables: dict[str, list[Shown]] = {}
        for cell in self.shown:
            tables.setdefault(cell.table, []).append(cell)
        fixed, choices = [], []
        for cells in tables.values():
            hidden = [cell for cell in cells if cell.value == SUPPRESSED]
            shown = [cell for cell in cells if cell.value not in (SUPPRESSED, 0)]
            for cell in cells:
                if cell.value != SUPPRESSED:
                    fixed.append(self._bounds(cell))
            if len(hidden) == 2 and shown:
                first, second = hidden
                choices.append(
                    [
                        [self._small(first), self._small(second)],
                        [self._small(first), *self._secondary(second, shown)],
                        [*self._secondary(first, shown), self._small(second)],
                    ]
                )
            else:
                fixed += [self._small(cell) for cell in hidden]
        for picked in itertools.product(*choices) if choices else [()]:
            yield fixed + [constraint for option in picked for constraint in option] + self.sums

    @staticmethod
    def _terms(cell: Shown, sign: int = 1) -> tuple:
        return tuple((variable, sign) for variable in cell.variables)

    def _bounds(self, cell: Shown) -> Sum:
        if cell.value == 0:
            return Sum(self._terms(cell), 0, 0)
        if not self.rounding:
            return Sum(self._terms(cell), cell.value, cell.value)
        assert isinstance(cell.value, int) and cell.value % 5 == 0 and cell.value >= 5, cell.value
        return Sum(self._terms(cell), max(5, cell.value - 2), cell.value + 2)

    def _small(self, cell: Shown) -> Sum:
        return Sum(self._terms(cell), 1, 4)

    def _secondary(self, cell: Shown, shown: list[Shown]) -> list[Sum]:
        """The next smallest cell: at least 5, and no larger than any cell shown beside it."""
        return [Sum(self._terms(cell), 5, UNBOUNDED)] + [
            Sum(self._terms(cell) + self._terms(other, -1), -UNBOUNDED, 0) for other in shown
        ]

    # -- bounds propagation and search --

    @staticmethod
    def propagate(sums: list[Sum], domains: dict) -> dict | None:
        domains = dict(domains)
        changed = True
        while changed:
            changed = False
            for constraint in sums:
                lows, highs = [], []
                for variable, sign in constraint.terms:
                    low, high = domains[variable]
                    lows.append(low if sign > 0 else -high)
                    highs.append(high if sign > 0 else -low)
                least, most = sum(lows), sum(highs)
                if least > constraint.high or most < constraint.low:
                    return None
                for (variable, sign), term_low, term_high in zip(
                    constraint.terms, lows, highs, strict=True
                ):
                    new_high = min(term_high, constraint.high - (least - term_low))
                    new_low = max(term_low, constraint.low - (most - term_high))
                    low, high = (new_low, new_high) if sign > 0 else (-new_high, -new_low)
                    low, high = max(low, domains[variable][0]), min(high, domains[variable][1])
                    if low > high:
                        return None
                    if (low, high) != domains[variable]:
                        domains[variable] = (low, high)
                        changed = True
        return domains

    def search(self, sums: list[Sum], domains: dict) -> bool:
        """Whether some whole assignment within ``domains`` meets every sum."""
        self.nodes += 1
        assert self.nodes < 200_000, "the solver's search ran away"
        domains = self.propagate(sums, domains)
        if domains is None:
            return False
        open_ = [(high - low, variable) for variable, (low, high) in domains.items() if high > low]
        if not open_:
            return True
        _width, variable = min(open_)
        low, high = domains[variable]
        return any(
            self.search(sums, {**domains, variable: (value, value)})
            for value in range(low, high + 1)
        )

    def consistent(self, target: tuple) -> set[int]:
        """Every value of ``target`` that some reading of everything published allows."""
        start = dict.fromkeys(self.variables(), (0, UNBOUNDED))
        values: set[int] = set()
        for sums in self.readings():
            domains = self.propagate(sums, start)
            if domains is None:
                continue
            low, high = domains[target]
            for value in range(low, min(high, low + 50) + 1):
                if value not in values and self.search(sums, {**domains, target: (value, value)}):
                    values.add(value)
        return values

    def allows(self, assignment: dict[tuple, int]) -> bool:
        """Whether a full assignment (the truth) meets some reading: the solver is sound."""
        domains = {variable: (assignment.get(variable, 0),) * 2 for variable in self.variables()}
        return any(self.propagate(sums, domains) is not None for sums in self.readings())


# --- 1. The differencing attack -----------------------------------------------------------------

ALL_2026 = (
    [f"2026-{month:02d}" for month in range(1, 13)]
    + [f"2026-Q{quarter}" for quarter in range(1, 5)]
    + ["2026"]
)
ALSO_ALLOWED = ["2025", "2027", "2027-Q1", "2027-01"]  # the year before, and the one just begun
OLD_RANGES = [
    {"from": "2026-10-01", "to": "2026-10-24"},
    {"from": "2026-10-01", "to": "2026-10-23"},
    {"from": "2026-10-24", "to": "2026-10-24"},
    {"to": "2026-10-24"},
    {"from": "2026-10-24"},
    {"period": "2026-10", "from": "2026-10-01", "to": "2026-10-24"},
    {"period": "2026-10-24"},
    {"period": "2026-10-01:2026-10-24"},
]


def leaves(value):
    """Every scalar of a JSON answer."""
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    else:
        yield value


def test_the_old_attack_is_a_400_in_indonesian():
    """``?from=2026-10-01&to=2026-10-24``: refused, saying (in Indonesian, the default) which
    periods exist; the page likewise."""
    old = {"from": "2026-10-01", "to": "2026-10-24"}
    assert_period_refused(ask(old))
    assert_period_refused(page(old))


def test_the_differencing_attack(attack_city):
    # The old attack is over: no range is answered, on the API or on the page (the wording of
    # the refusal is test_the_old_attack_is_a_400_in_indonesian's).
    for params in OLD_RANGES:
        assert_period_refused(ask(params), translated=False)
        assert_period_refused(page(params), translated=False)
    # Nor the future: December 2026 seen on 24 October.
    assert_period_refused(ask({"period": "2026-12"}, today=X_DAY), translated=False)

    # Everything the API allows that holds 2026 (every 2026 month, quarter and the year), and more.
    answers = {}
    for key in ALL_2026 + ALSO_ALLOWED:
        response = ask({"period": key})
        assert response.status_code == 200, (key, response.content[:300])
        answers[key] = response.json()
        assert answers[key]["provisional"] is (key in ("2027", "2027-Q1", "2027-01"))
    csv_answers = {
        key: ask({"period": key, "format": "csv"}).content.decode("utf-8-sig") for key in ALL_2026
    }

    # What the attacker sees: X is "<5" in October, Q4 and the year, and nowhere else.
    for key, answer in answers.items():
        listed = {row["opd"]: row["received"] for row in answer["opds"]}
        if key in ("2026-10", "2026-Q4", "2026"):
            assert listed[X] == SUPPRESSED
        else:
            assert X not in listed
    assert answers["2026-10"]["received"] == 30  # 13 + 8 + 6 + 1 = 28

    # The solver combines every published count.
    universe = {row["opd"] for answer in answers.values() for row in answer["opds"]}
    assert universe == {"DISHUB", "DUKCAPIL", "DIKBUD", X}
    solver = Solver()
    for answer in answers.values():
        solver.learn(answer, universe)
    assert solver.allows(truth()), "the solver would rule out what really happened"
    target = ("office", X, OCTOBER)
    october = solver.consistent(target)
    assert 1 in october
    assert len(october) >= 2, f"X's October count is recovered: {october}"
    # By hand: "<5" in October, Q4 and the year, 0 in November and December, and the office
    # table within October's 28-32 received, beside Dishub 13-17, Dukcapil 8-12 and Dikbud's
    # hidden 5 or more: 1 to 4, every one of them still possible.
    assert october == {1, 2, 3, 4}
    # No other count under 5 is recovered either; neither is Dikbud's hidden October 6.
    for variable, count in truth().items():
        if 0 < count < 5 or variable == ("office", "DIKBUD", OCTOBER):
            assert len(solver.consistent(variable)) >= 2, variable

    # Money: each month of Q4 (and September) has 10 or more reports with an excess, so their
    # totals and Q4's are published; Rp3.000, or any one report's amount, is in no answer.
    money = {
        key: answer["excess_total"]
        for key, answer in answers.items()
        if answer["excess_total"] is not None
    }
    assert money == {
        "2026-09": 90_000,
        "2026-10": 101_000,
        "2026-11": 82_000,
        "2026-12": 90_000,
        "2026-Q4": 273_000,
    }
    amounts = set(Complaint.objects.filter(fee_excess__gt=0).values_list("fee_excess", flat=True))
    assert amounts == {8_000, 5_000, X_AMOUNT}
    for key, answer in answers.items():
        numbers = [
            value
            for value in leaves(answer)
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool)
        ]
        assert not amounts & set(numbers), (key, amounts & set(numbers))
        assert "excess" not in str([row.keys() for row in answer["opds"] + answer["hotspots"]])
        # X's own place (no kelurahan, its service) is never a hotspot.
        assert all(
            row["service_name"] != "Kartu pencari kerja (AK/1)" for row in answer["hotspots"]
        )
    for key, text in csv_answers.items():
        assert text.splitlines()[0] == ",".join(CSV_FIELDS), key
        assert not re.search(r"(?<![\d.])(3000|3\.000|5000|5\.000|8000|8\.000)(?![\d.])", text), key
    for key in ALL_2026:
        html = page({"period": key}).content.decode()
        for amount in amounts:
            assert not re.search(re.escape(rupiah(amount)) + r"(?![\d.])", html), (key, amount)


def test_the_page_shows_what_the_api_publishes(attack_city):
    """The page and the API read the same figures, period by period (in English: "85.7")."""
    for key in ("2026-10", "2026-Q4", "2026", "2026-09"):
        answer = ask({"period": key}, language="en").json()
        response = page({"period": key}, language="en")
        assert response.status_code == 200
        html = response.content.decode()
        assert_page_matches(html, answer)


def assert_page_matches(html: str, answer: dict) -> None:
    kpis = dict(re.findall(r'<span class="kpi-label">([^<]*)</span><strong>([^<]*)</strong>', html))
    assert html_lib.unescape(kpis["Complaints received"]) == str(answer["received"])
    money = answer["excess_total"]
    assert kpis["Excess fees reported"] == ("–" if money is None else rupiah(money))
    names = dict(Opd.objects.values_list("code", "name"))
    rows = {row[0]: row for row in table_rows(html)}
    for office in answer["opds"]:
        row = rows[names[office["opd"]]]
        assert row[1] == str(office["received"])
        compliance = office["deadline_compliance"]
        assert row[2] == ("–" if compliance is None else f"{compliance}%")
    every_row = table_rows(html)
    for spot in answer["hotspots"]:
        assert [spot["service_name"], spot["kelurahan_name"], str(spot["reports"])] in every_row
    assert f'<option value="{answer["period"]}" selected>' in html


def table_rows(html: str) -> list[list[str]]:
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        found.append(
            [" ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).split()) for cell in cells]
        )
    return [row for row in found if row]


# --- 2. The API -------------------------------------------------------------------------------


@pytest.fixture
def small_city():
    """October 2026: Dishub 12 parking pungli (8.000 excess each), Dukcapil 6 KK delays,
    Disnaker 1 (Rp3.000). Published [10, "<5", "<5"]; 19 received, published 20."""
    for index in range(12):
        file(
            date(2026, 10, 1 + index),
            service="PARKIR-MOTOR",
            category=Category.PUNGLI,
            description="Jukir minta Rp10.000 untuk parkir motor.",
            amount_paid=10_000,
        )
    for index in range(6):
        file(
            date(2026, 10, 2 + index),
            service="KK",
            category=Category.DELAY,
            description="KK sudah sebulan belum jadi.",
        )
    file(
        X_DAY,
        service="KARTU-AK1",
        category=Category.PUNGLI,
        description="Petugas minta Rp3.000 untuk kartu kuning.",
        amount_paid=X_AMOUNT,
    )
    rollups_rebuild()


def test_the_api_answers_a_period(small_city):
    answer = ask({"period": "2026-10"}).json()
    assert (answer["period"], answer["kind"], answer["from"], answer["to"]) == (
        "2026-10",
        "month",
        "2026-10-01",
        "2026-10-31",
    )
    assert answer["provisional"] is False
    assert answer["received"] == 20
    assert {row["opd"]: row["received"] for row in answer["opds"]} == {
        "DISHUB": 10,
        "DUKCAPIL": SUPPRESSED,
        X: SUPPRESSED,
    }
    assert answer["months"] == [{"month": "2026-10-01", "pungli": 15, "delay": 5, "other": 0}]
    # 12 × 8.000 + 3.000 = 99.000 from 13 reports with an excess in the one month.
    assert answer["excess_total"] == 99_000
    # Without ?period=: the last complete month (December 2026 on 15 January 2027), empty here.
    default = ask({}).json()
    assert (default["period"], default["received"], default["opds"]) == ("2026-12", 0, [])


def test_the_page_and_the_api_agree(small_city):
    for key in ("2026-10", "2026-Q4", "2026"):
        answer = ask({"period": key}, language="en").json()
        assert_page_matches(page({"period": key}, language="en").content.decode(), answer)


def test_the_csv_is_the_office_table(small_city):
    response = ask({"period": "2026-10", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    answer = ask({"period": "2026-10"}).json()
    assert list(rows[0].keys()) == CSV_FIELDS
    assert [row["opd"] for row in rows] == [row["opd"] for row in answer["opds"]]
    by_code = {row["opd"]: row for row in rows}
    names = dict(Opd.objects.values_list("code", "name"))
    assert by_code["DISHUB"]["received"] == "10" and by_code["DISHUB"]["name"] == names["DISHUB"]
    assert by_code["DUKCAPIL"]["received"] == by_code[X]["received"] == "<5"
    assert by_code[X]["deadline_compliance"] == by_code[X]["zone"] == ""
    # An empty period still names its columns.
    empty = ask({"period": "2026-03", "format": "csv"}).content.decode("utf-8-sig")
    assert empty.splitlines() == [",".join(CSV_FIELDS)]


@pytest.mark.parametrize(
    "params",
    [
        {"period": "2027-02"},  # next month, seen on 15 January 2027
        {"period": "2027-Q2"},
        {"period": "2028"},
        {"period": "2026-13"},
        {"period": "2026-00"},
        {"period": "2026-Q5"},
        {"period": "abc"},
        {"period": ""},
        {"period": "1999"},
        {"from": "2026-10-01", "to": "2026-10-24"},
    ],
)
def test_anything_but_a_published_period_is_a_400_in_indonesian(params):
    assert_period_refused(ask(params))
    assert_period_refused(page(params))


@pytest.mark.parametrize(
    "params",
    [
        {"period": "2027-02"},
        {"period": "2026-13"},
        {"period": "2026-Q5"},
        {"period": "abc"},
        {"from": "2026-10-01", "to": "2026-10-24"},
    ],
)
def test_and_in_english_when_asked(params):
    assert_period_refused(ask(params, language="en"), language="en")
    assert_period_refused(page(params, language="en"), language="en")
    assert_period_refused(page({**params, "lang": "en"}), language="en")


def test_the_400_page_lists_the_periods():
    response = page({"period": "2026-13"})
    assert response.status_code == 400
    options = re.findall(r'<option value="([^"]+)"', response.content.decode())
    assert options == [period.key for period in periods_recent(AFTER_2026)]
    assert {"2027", "2027-Q1", "2027-01", "2026", "2026-Q4", "2026-10"} <= set(options)
    assert "2027-02" not in options


def test_a_refused_csv_says_why():
    response = ask({"period": "abc", "format": "csv"}, language="en")
    assert response.status_code == 400
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [
        ["message"],
        [messages()[1]],
    ]


def test_the_current_month_is_provisional_and_carries_no_money(small_city):
    """Seen on 26 October 2026: October is running. Its 13 reports with an excess would
    publish money once it is over, not before; the page says "provisional"."""
    running = ask({"period": "2026-10"}, today=date(2026, 10, 26)).json()
    assert running["provisional"] is True
    assert running["excess_total"] is None
    assert running["received"] == 20
    for key in ("2026-Q4", "2026"):
        wider = ask({"period": key}, today=date(2026, 10, 26)).json()
        assert wider["provisional"] is True and wider["excess_total"] is None
    html = page({"period": "2026-10"}, today=date(2026, 10, 26), language="en").content.decode()
    assert '<span class="tag">provisional</span>' in html
    kpis = dict(re.findall(r'<span class="kpi-label">([^<]*)</span><strong>([^<]*)</strong>', html))
    assert kpis["Excess fees reported"] == "–"
    assert "Rp99.000" not in html and "Rp3.000" not in html
    # Once it is over (1 November): final, and its money published.
    over = ask({"period": "2026-10"}, today=date(2026, 11, 1)).json()
    assert (over["provisional"], over["excess_total"]) == (False, 99_000)
    # The default on 26 October is September, which is complete.
    assert ask({}, today=date(2026, 10, 26)).json()["period"] == "2026-09"


# --- 3. Money --------------------------------------------------------------------------------


def test_money_only_when_every_month_of_a_past_period_has_ten_reports_with_an_excess():
    """Q4 2026: October 10 motor reports (8.000), November 10 (8.000) plus a Rp3.000 one,
    December 9 (8.000) and a report flagged only for a missing karcis (paid the official
    Rp2.000, no karcis: flagged, no excess), which must not count as the tenth.

    October 80.000 and November 83.000 are published; December (9) and the quarter are not.
    """
    for month, count in ((10, 10), (11, 10), (12, 9)):
        for index in range(count):
            file(
                date(2026, month, 1 + index),
                service="PARKIR-MOTOR",
                category=Category.PUNGLI,
                description="Jukir minta Rp10.000 untuk parkir motor.",
                amount_paid=10_000,
            )
    file(
        date(2026, 11, 20),
        service="KARTU-AK1",
        category=Category.PUNGLI,
        description="Petugas minta Rp3.000 untuk kartu kuning.",
        amount_paid=X_AMOUNT,
    )
    karcis = file(
        date(2026, 12, 20),
        service="PARKIR-MOTOR",
        category=Category.PUNGLI,
        description="Bayar parkir motor sesuai tarif tapi tidak diberi karcis.",
        amount_paid=2_000,
        karcis_given=False,
    )
    assert (karcis.fee_flagged, karcis.fee_excess) == (True, 0)
    rollups_rebuild()
    money = {
        key: ask({"period": key}).json()["excess_total"]
        for key in ("2026-10", "2026-11", "2026-12", "2026-Q4", "2026")
    }
    assert money == {
        "2026-10": 80_000,
        "2026-11": 83_000,
        "2026-12": None,
        "2026-Q4": None,
        "2026": None,
    }
    html = page({"period": "2026-Q4"}).content.decode()
    assert "Rp72.000" not in html and "Rp235.000" not in html
    # A tenth December report with an excess (Rp5.000, paid 7.000): 77.000, and the quarter
    # 80.000 + 83.000 + 77.000 = 240.000.
    file(
        date(2026, 12, 21),
        service="PARKIR-MOTOR",
        category=Category.PUNGLI,
        description="Jukir minta Rp7.000 untuk parkir motor.",
        amount_paid=7_000,
    )
    rollups_rebuild()
    cache.clear()  # the figures are kept five minutes
    assert ask({"period": "2026-12"}).json()["excess_total"] == 77_000
    assert ask({"period": "2026-Q4"}).json()["excess_total"] == 240_000
    assert "Rp240.000" in page({"period": "2026-Q4"}).content.decode()
    assert ask({"period": "2026"}).json()["excess_total"] is None  # January to September had none


# --- The solver itself: it does recover what a weaker publication gives away --------------------

OFFICES = ("DISHUB", "DUKCAPIL", "DIKBUD", X)


def synthetic(publish) -> dict[str, dict]:
    """The answers of every 2026 period for the attack city's counts, published by ``publish``
    (as ``public_figures`` would lay them out: offices by count, largest first)."""
    counts = truth()
    answers = {}
    for key in ALL_2026:
        months = [month.start for month in period_parse(key, today=AFTER_2026).months()]
        cells = [
            counts.get(("category", category, month), 0)
            for month in months
            for category in Category.values
        ]
        flat = publish(cells)
        width = len(Category.values)
        offices = sorted(
            (-sum(counts.get(("office", office, month), 0) for month in months), office)
            for office in OFFICES
        )
        offices = [(office, -negative) for negative, office in offices if negative]
        shown = publish([count for _office, count in offices])
        answers[key] = {
            "period": key,
            "received": publish([sum(cells)])[0],
            "months": [
                {
                    "month": month.isoformat(),
                    **dict(zip(Category.values, flat[i * width : (i + 1) * width], strict=True)),
                }
                for i, month in enumerate(months)
            ],
            "opds": [
                {"opd": office, "received": value}
                for (office, _n), value in zip(offices, shown, strict=True)
            ],
        }
    return answers


def solve(answers: dict, target: tuple, *, rounding: bool = True) -> set[int]:
    solver = Solver(rounding=rounding)
    for answer in answers.values():
        solver.learn(answer, set(OFFICES))
    assert solver.allows(truth())
    return solver.consistent(target)


def test_the_solver_recovers_counts_published_exactly():
    """Control: with every count published as it is, X's October is exactly 1."""
    assert solve(
        synthetic(lambda values: list(values)), ("office", X, OCTOBER), rounding=False
    ) == {1}


def test_the_solver_finds_on_made_up_answers_what_it_finds_on_the_real_ones():
    from complaints.stats.scoring import published

    assert solve(synthetic(published), ("office", X, OCTOBER)) == {1, 2, 3, 4}


def test_the_solver_replays_the_old_attack():
    """Control: the old answers for ``?from=2026-10-01&to=2026-10-23`` and ``...&to=2026-10-24``
    (the attack city's October; counts exact unless 1-4, the rule before this change).

    1-23 October: 13 pungli (Dishub), 8 delays (Dukcapil), 6 others (Dikbud), 27 received;
    24 October: X's one pungli. The first answer lists no X; the second shows X and (hidden next
    to it) Dikbud as "<5", but 28 received: the day held one complaint, so X's is exactly 1 (and
    the excess totals differed by its Rp3.000). The same solver recovers it.
    """
    from complaints.stats.scoring import suppressed

    days_1_23, day_24 = date(2026, 10, 1), X_DAY  # two spans, named by their first day
    to_23 = {
        "period": "to=2026-10-23",
        "received": 27,
        "months": [{"month": days_1_23.isoformat(), "pungli": 13, "delay": 8, "other": 6}],
        "opds": [
            {"opd": "DISHUB", "received": 13},
            {"opd": "DUKCAPIL", "received": 8},
            {"opd": "DIKBUD", "received": 6},
        ],
    }
    flat = suppressed([13, 8, 6, 1, 0, 0])
    offices = suppressed([13, 8, 6, 1])
    assert (flat, offices) == ([13, 8, "<5", "<5", 0, 0], [13, 8, "<5", "<5"])
    to_24 = {
        "period": "to=2026-10-24",
        "received": 28,
        "months": [
            {"month": days_1_23.isoformat(), **dict(zip(Category.values, flat[:3], strict=True))},
            {"month": day_24.isoformat(), **dict(zip(Category.values, flat[3:], strict=True))},
        ],
        "opds": [
            {"opd": code, "received": value}
            for code, value in zip(("DISHUB", "DUKCAPIL", "DIKBUD", X), offices, strict=True)
        ],
    }
    solver = Solver(rounding=False)
    for answer in (to_23, to_24):
        solver.learn(answer, set(OFFICES))
    assert solver.consistent(("office", X, day_24)) == {1}

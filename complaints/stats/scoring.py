"""The scoring arithmetic of the statistics, pure: numbers in, numbers out, no database.

Kept apart from the queries (``complaints.stats.dashboard``) so each rule of docs/product.md §3
and F7 has one home that can be tested by hand-computed examples without a database:

- IKM (Permenpan RB 14/2017): the mean of each rated element's mean (1-4), times 25, giving
  25-100, rounded half-up to two decimals; category A 88.31-100, B 76.61-88.30, C 65.00-76.60,
  D 25.00-64.99;
- an OPD's zone: 60 % deadline compliance + 40 % IKM (either alone when the other is missing);
  hijau from 81, kuning from 51, merah below;
- public figures: counts of 1-4 are shown as "<5", with a second cell hidden when only one would
  be (secondary suppression), and every other count rounded to a multiple of 5, so that no
  comparison of published tables recovers a hidden count;
- the exact median of a histogram, and percentages to one decimal.

No ORM import here, on purpose: this module must stay importable without Django set up.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# --- IKM ----------------------------------------------------------------------------------------

# Lower bounds of each category, highest first.
IKM_CATEGORIES = (
    ("A", Decimal("88.31")),
    ("B", Decimal("76.61")),
    ("C", Decimal("65.00")),
    ("D", Decimal("25.00")),
)


@dataclass(frozen=True)
class Ikm:
    value: Decimal  # 25.00-100.00, two decimals
    category: str  # A-D
    responses: int  # complaints rated


def ikm_category(value: Decimal) -> str:
    for category, lower in IKM_CATEGORIES:
        if value >= lower:
            return category
    return "D"


def ikm_from_element_means(means: list[float], responses: int) -> Ikm | None:
    """The IKM of the elements' mean ratings (each element counts once, however often rated)."""
    if not means:
        return None
    # Through str(), the float's shortest decimal form: a mean of 2.6142 is 65.355 and rounds half
    # up to 65.36, where its binary value (2.61419999…) would give 65.35.
    value = (Decimal(str(sum(means) / len(means))) * 25).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Ikm(value=value, category=ikm_category(value), responses=responses)


# --- OPD zone -----------------------------------------------------------------------------------

# Zone score = COMPLIANCE_WEIGHT × deadline compliance % + IKM_WEIGHT × IKM (both 0-100).
COMPLIANCE_WEIGHT = Decimal("0.6")
IKM_WEIGHT = Decimal("0.4")
ZONES = (("hijau", Decimal("81")), ("kuning", Decimal("51")), ("merah", Decimal("0")))


def zone(compliance: Decimal | None, ikm: Ikm | None) -> tuple[Decimal | None, str | None]:
    """The OPD's zone score (0-100) and colour; documented on the dashboard."""
    if compliance is None and ikm is None:
        return None, None
    if ikm is None:
        score = compliance
    elif compliance is None:
        score = ikm.value
    else:
        score = COMPLIANCE_WEIGHT * compliance + IKM_WEIGHT * ikm.value
    score = score.quantize(Decimal("0.01"), ROUND_HALF_UP)
    colour = next(name for name, lower in ZONES if score >= lower)
    return score, colour


# --- Rounding and medians -----------------------------------------------------------------------


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, one decimal, half-up; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def median_from_histogram(histogram: dict[int, int]) -> float | None:
    """The median of integer values given as value -> count (exact, like the raw median)."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def nth(position: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if seen > position:
                return value
        return ordered[-1][0]

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


# --- Small-count suppression (docs/product.md F7) ------------------------------------------------

SMALL = 5
SUPPRESSED = "<5"


def suppressed(values: list[int]) -> list:
    """Counts under 5 (but above 0) as "<5"; when only one cell would be hidden, the next
    smallest is hidden too, so it cannot be recovered from a published total."""
    shown: list = list(values)
    small = [i for i, value in enumerate(values) if 0 < value < SMALL]
    if len(small) == 1:
        others = sorted((value, i) for i, value in enumerate(values) if value >= SMALL)
        if others:
            small.append(others[0][1])
    for index in small:
        shown[index] = SUPPRESSED
    return shown


ROUNDING = 5


def rounded(count: int) -> int:
    """A published count: to the nearest multiple of 5 (never below 5 for a count of 5 or more,
    which would read as "none")."""
    return max(ROUNDING, (count + ROUNDING // 2) // ROUNDING * ROUNDING)


def published(values: list[int]) -> list:
    """Counts as the public may see them: 0 as 0, small ones suppressed (``suppressed``), the
    rest rounded (``rounded``). Two published tables that overlap then bound a hidden count to
    a range of at least two values, never to one."""
    return [value if value in (0, SUPPRESSED) else rounded(value) for value in suppressed(values)]


MONEY_MIN_CASES = 10
MONEY_ROUNDING = 1000


def published_money(total: int, cases_by_month: list[int]) -> int | None:
    """A sum of reported excess fees, if every month behind it has at least 10 such cases: a
    sum over months then only adds up sums already published, and one report's amount never
    stands alone. Rounded to Rp1.000."""
    if not cases_by_month or min(cases_by_month) < MONEY_MIN_CASES:
        return None
    return (total + MONEY_ROUNDING // 2) // MONEY_ROUNDING * MONEY_ROUNDING

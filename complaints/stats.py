"""Read-only statistics: the satisfaction index (IKM) and, for the dashboards, the aggregates.

IKM (Permenpan RB 14/2017, PRODUCT.md §3): the mean of each rated element's mean (1-4), times
25, giving 25-100; category A 88.31-100, B 76.61-88.30, C 65.00-76.60, D 25.00-64.99.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, QuerySet

from complaints.models import Rating

# Lower bounds of each category, highest first.
IKM_CATEGORIES = (("A", Decimal("88.31")), ("B", Decimal("76.61")), ("C", Decimal("65.00")), ("D", Decimal("25.00")))


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
    if not means:
        return None
    value = (Decimal(str(sum(means) / len(means))) * 25).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Ikm(value=value, category=ikm_category(value), responses=responses)


def ikm_by(ratings: QuerySet[Rating], field: str) -> dict:
    """IKM per value of ``field`` ("opd", "service", or "" for one overall figure), one query."""
    keys = [field] if field else []
    rows = ratings.values(*keys, "element").annotate(mean=Avg("value"), complaints=Count("complaint", distinct=True))
    means: dict = defaultdict(list)
    responses: dict = defaultdict(int)
    for row in rows:
        key = row[field] if field else None
        means[key].append(float(row["mean"]))
        responses[key] = max(responses[key], row["complaints"])
    return {key: ikm_from_element_means(values, responses[key]) for key, values in means.items()}


def ikm_overall(ratings: QuerySet[Rating]) -> Ikm | None:
    return ikm_by(ratings, "").get(None)

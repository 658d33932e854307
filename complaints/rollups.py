"""Dashboard rollups, kept exact in the same transaction as the change they count.

A complaint's *contribution* to the rollup tables is a pure function of its own fields
(``contribution``). Every service that changes one of those fields wraps the change in
``tracking(complaint)``: the old contribution is subtracted and the new one added inside the
same transaction, so the rollups always equal an aggregation of the complaints themselves
(``rollups_rebuild`` computes that aggregation, and the test suite compares the two).
Ratings never change once given, so they are added once (``ratings_add``).
"""

from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from complaints.deadlines import WIB, wib_date
from complaints.models import (
    FINAL_STATUSES,
    Category,
    Complaint,
    Rating,
    StatDaily,
    StatHotspot,
    StatRating,
    StatResponse,
)

# First responses later than this many working days are counted in this last bucket.
RESPONSE_DAYS_CAP = 90


def contribution(complaint: Complaint) -> Counter:
    """What one complaint adds to each rollup row: ``(model, key) -> {field: amount}`` flattened."""
    day = wib_date(complaint.created_at)
    opd = complaint.opd.code if complaint.opd_id else ""
    rows: Counter = Counter()
    daily = (StatDaily, (day, opd, complaint.category))
    rows[(daily, "received")] += 1
    rows[(daily, "open")] += complaint.status not in FINAL_STATUSES
    rows[(daily, "fee_flagged")] += complaint.fee_flagged
    rows[(daily, "excess")] += complaint.fee_excess or 0
    if complaint.resolved_at and complaint.resolve_due_at:
        on_time = complaint.resolved_at <= complaint.resolve_due_at
        rows[(daily, "resolved_on_time" if on_time else "resolved_late")] += 1
    if complaint.first_response_days is not None:
        days = min(complaint.first_response_days, RESPONSE_DAYS_CAP)
        rows[((StatResponse, (day, opd, days)), "count")] += 1
    if complaint.category == Category.PUNGLI:
        hotspot = (StatHotspot, (day, _code(complaint, "kelurahan"), _code(complaint, "service")))
        rows[(hotspot, "reports")] += 1
        rows[(hotspot, "excess")] += complaint.fee_excess or 0
    return rows


def _code(complaint: Complaint, relation: str) -> str:
    return getattr(complaint, relation).code if getattr(complaint, f"{relation}_id") else ""


_KEYS = {
    StatDaily: ("day", "opd", "category"),
    StatResponse: ("day", "opd", "days"),
    StatHotspot: ("day", "kelurahan", "service"),
    StatRating: ("day", "opd", "service", "element"),
}


def _apply(changes: Counter) -> None:
    """Add ``changes`` to the rollup rows (creating rows as needed), in the caller's transaction."""
    by_row: dict = {}
    for ((model, key), field), amount in changes.items():
        if amount:
            by_row.setdefault((model, key), {})[field] = amount
    for (model, key), amounts in by_row.items():
        lookup = dict(zip(_KEYS[model], key, strict=True))
        increments = {field: F(field) + amount for field, amount in amounts.items()}
        if model.objects.filter(**lookup).update(**increments):
            continue
        try:
            with transaction.atomic():
                model.objects.create(**lookup, **amounts)
        except IntegrityError:  # created meanwhile by a concurrent transaction
            model.objects.filter(**lookup).update(**increments)


# Complaints whose change is being tracked by an enclosing block (services call each other).
_tracked: ContextVar[frozenset] = ContextVar("rollups_tracked", default=frozenset())


@contextmanager
def tracking(complaint: Complaint):
    """Wrap a change to ``complaint`` (saved inside the block) so the rollups follow it.

    The caller holds the transaction. Nested blocks for the same complaint count once: the
    outermost one sees the whole change.
    """
    active = _tracked.get()
    if complaint.pk in active:
        yield
        return
    before = Counter() if complaint._state.adding else contribution(complaint)
    token = _tracked.set(active | {complaint.pk})
    try:
        yield
    finally:
        _tracked.reset(token)
    changes = Counter(contribution(complaint))
    changes.subtract(before)
    _apply(changes)


def ratings_add(ratings: list[Rating]) -> None:
    changes: Counter = Counter()
    for rating in ratings:
        key = (
            StatRating,
            (
                wib_date(rating.created_at),
                rating.opd.code if rating.opd_id else "",
                rating.service.code if rating.service_id else "",
                rating.element,
            ),
        )
        changes[(key, "total")] += rating.value
        changes[(key, "count")] += 1
    _apply(changes)


# --- Rebuilding from the complaints themselves -----------------------------------------------


def _day(field: str):
    return TruncDate(field, tzinfo=WIB)


@transaction.atomic
def rollups_rebuild() -> None:
    """Recompute every rollup row from the complaints and ratings (after a bulk load or repair)."""
    for model in _KEYS:
        model.objects.all().delete()
    complaints = Complaint.objects.annotate(
        day=_day("created_at"), opd_code=Coalesce("opd__code", Value(""))
    )
    open_ = ~Q(status__in=FINAL_STATUSES)
    resolved = Q(resolved_at__isnull=False, resolve_due_at__isnull=False)
    StatDaily.objects.bulk_create(
        StatDaily(
            day=row["day"],
            opd=row["opd_code"],
            category=row["category"],
            received=row["received"],
            open=row["open"],
            fee_flagged=row["fee_flagged"],
            excess=row["excess"] or 0,
            resolved_on_time=row["on_time"],
            resolved_late=row["late"],
        )
        for row in complaints.values("day", "opd_code", "category").annotate(
            received=Count("pk"),
            open=Count("pk", filter=open_),
            fee_flagged=Count("pk", filter=Q(fee_flagged=True)),
            excess=Sum("fee_excess"),
            on_time=Count("pk", filter=resolved & Q(resolved_at__lte=F("resolve_due_at"))),
            late=Count("pk", filter=resolved & Q(resolved_at__gt=F("resolve_due_at"))),
        )
    )
    responses: Counter = Counter()
    for row in (
        complaints.filter(first_response_days__isnull=False)
        .values("day", "opd_code", "first_response_days")
        .annotate(n=Count("pk"))
    ):
        days = min(row["first_response_days"], RESPONSE_DAYS_CAP)
        responses[(row["day"], row["opd_code"], days)] += row["n"]
    StatResponse.objects.bulk_create(
        StatResponse(day=day, opd=opd, days=days, count=n)
        for (day, opd, days), n in responses.items()
    )
    StatHotspot.objects.bulk_create(
        StatHotspot(
            day=row["day"],
            kelurahan=row["k"],
            service=row["s"],
            reports=row["n"],
            excess=row["x"] or 0,
        )
        for row in complaints.filter(category=Category.PUNGLI)
        .annotate(k=Coalesce("kelurahan__code", Value("")), s=Coalesce("service__code", Value("")))
        .values("day", "k", "s")
        .annotate(n=Count("pk"), x=Sum("fee_excess"))
    )
    StatRating.objects.bulk_create(
        StatRating(
            day=row["day"],
            opd=row["o"],
            service=row["s"],
            element=row["element"],
            total=row["t"],
            count=row["n"],
        )
        for row in Rating.objects.annotate(
            day=_day("created_at"),
            o=Coalesce("opd__code", Value("")),
            s=Coalesce("service__code", Value("")),
        )
        .values("day", "o", "s", "element")
        .annotate(t=Sum("value"), n=Count("pk"))
    )

"""Reading the dashboard rollups as plain dicts, to compare the incremental path with a rebuild.

``rollup_snapshot()`` is ``{table: {key: {field: value}}}`` with only the non-zero values, and
without rows whose values are all zero: the incremental path may leave a row at zero (a complaint
moved away from it) where a rebuild has no row, and the two mean the same.
"""

from django.db import transaction

from complaints.models import StatDaily, StatHotspot, StatRating, StatResponse
from complaints.rollups import rollups_rebuild

TABLES = {
    StatDaily: (
        ("day", "opd", "category"),
        ("received", "open", "fee_flagged", "excess", "resolved_on_time", "resolved_late"),
    ),
    StatResponse: (("day", "opd", "days"), ("count",)),
    StatHotspot: (("day", "kelurahan", "service"), ("reports", "excess")),
    StatRating: (("day", "opd", "service", "element"), ("total", "count")),
}


def rollup_snapshot() -> dict:
    snapshot = {}
    for model, (keys, values) in TABLES.items():
        rows = {}
        for row in model.objects.values(*keys, *values):
            amounts = {field: row[field] for field in values if row[field]}
            if amounts:
                key = tuple(row[field] for field in keys)
                assert key not in rows, f"two {model.__name__} rows for {key}"
                rows[key] = amounts
        snapshot[model.__name__] = rows
    return snapshot


class _Undo(Exception):
    pass


def rebuilt_snapshot() -> dict:
    """What ``rollups_rebuild()`` would make of the complaints now, leaving the tables alone."""
    result = {}
    try:
        with transaction.atomic():
            rollups_rebuild()
            result = rollup_snapshot()
            raise _Undo
    except _Undo:
        pass
    return result


def differences(incremental: dict, rebuilt: dict) -> list[str]:
    """Readable differences between two snapshots (empty when they are equal)."""
    lines = []
    for table in TABLES:
        name = table.__name__
        left, right = incremental.get(name, {}), rebuilt.get(name, {})
        for key in sorted(set(left) | set(right), key=repr):
            if left.get(key) != right.get(key):
                lines.append(
                    f"{name}{key}: incremental {left.get(key)} != rebuilt {right.get(key)}"
                )
    return lines

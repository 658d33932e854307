"""A frozen ``timezone.now()`` that tests move by hand."""

from datetime import UTC, datetime


class FrozenClock:
    """What ``timezone.now()`` answers while a test runs; moved by assigning ``now``."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now.astimezone(UTC)

"""What every benchmark returns, and how `make bench` prints it."""

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    target: str  # as docs/product.md states it
    met: bool | None  # None: informational

    def row(self) -> str:
        verdict = {True: "ok", False: "MISSED", None: ""}[self.met]
        return f"{self.name:<58} {self.value:>12,.1f} {self.unit:<10} {self.target:<18} {verdict}"


# What the figures were measured on beyond the machine itself (service versions, fallbacks),
# noted by the benchmarks as they start things and printed by `make bench` with the table.
ENVIRONMENT: dict[str, str] = {}


def note(key: str, value: str) -> None:
    ENVIRONMENT[key] = value


def django_setup(settings_module: str = "config.settings.test") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def timings(action: Callable[[], object], *, repeat: int, warmup: int = 2) -> list[float]:
    """Seconds per call of ``action``, after ``warmup`` unmeasured calls."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def median(samples: list[float]) -> float:
    return statistics.median(samples)

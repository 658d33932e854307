"""`make bench`: run every benchmark, print one table of the figures of docs/product.md §4 with
the machine's details, and write that table to docs/benchmarks.md (replaced on every run).

Each ``bench_*.py`` module in this folder has ``run() -> list[Figure]``. Pass module names to
run only some: ``python -m tests.bench.run bench_routing`` (docs/benchmarks.md then holds only
those). ``BENCH_NO_WRITE=1`` prints without writing the file.
"""

import datetime
import importlib
import os
import pkgutil
import sys
import traceback
from pathlib import Path

from tests.bench.common import ENVIRONMENT, Figure
from tests.bench.topology import machine

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
VERDICT = {True: "ok", False: "MISSED", None: ""}


def _markdown(
    stamp: str, details: dict[str, str], results: dict[str, list[Figure]], failed, skipped
) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"The latest `make bench` run ({stamp}), written by `tests/bench/run.py`; the targets are "
        "docs/product.md §4. The load generators are Python asyncio clients on the same cores as "
        "the servers, and the machine is shared: figures from a busy machine are lower (each "
        "server benchmark reports the CPU other processes took meanwhile). How the figures are "
        "taken: the docstrings of `tests/bench/bench_*.py`; what they mean at scale: "
        "[scale.md](scale.md).",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in details.items()),
        "",
    ]
    for name, figures in results.items():
        lines += [
            f"## {name}",
            "",
            "| figure | measured | unit | target | verdict |",
            "|---|---:|---|---|---|",
            *(
                f"| {f.name.strip()} | {f.value:,.1f} | {f.unit} | {f.target} | {VERDICT[f.met]} |"
                for f in figures
            ),
            "",
        ]
    if failed:
        lines += [f"Benchmarks that failed: {', '.join(failed)}.", ""]
    if skipped:
        lines += [f"Not part of this run: {', '.join(skipped)} (see the README).", ""]
    return "\n".join(lines)


def main(names: list[str]) -> int:
    folder = Path(__file__).parent
    every = sorted(
        info.name for info in pkgutil.iter_modules([str(folder)]) if info.name.startswith("bench_")
    )
    modules = names or every
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    details = machine()
    results: dict[str, list[Figure]] = {}
    failed = []
    for name in modules:
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            results[name] = importlib.import_module(f"tests.bench.{name}").run()
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
    details.update(ENVIRONMENT)
    print(f"\n{stamp}")
    for key, value in details.items():
        print(f"{key + ':':<40} {value}")
    print(f"\n{'figure':<58} {'measured':>12} {'unit':<10} {'target':<18} verdict")
    print("-" * 108)
    for figures in results.values():
        for figure in figures:
            print(figure.row())
    if failed:
        print(f"\nbenchmarks that did not run: {', '.join(failed)}")
    if not os.environ.get("BENCH_NO_WRITE"):
        skipped = [name for name in every if name not in modules]
        DOCUMENT.write_text(_markdown(stamp, details, results, failed, skipped))
        print(f"\nwritten to {DOCUMENT}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

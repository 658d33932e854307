"""`make bench`: run every benchmark and print one table of the figures of docs/product.md §4.

Each ``bench_*.py`` module in this folder has ``run() -> list[Figure]``. Pass module names to
run only some: ``python -m tests.bench.run bench_routing``.
"""

import importlib
import pkgutil
import sys
import traceback
from pathlib import Path

from tests.bench.common import Figure


def main(names: list[str]) -> int:
    folder = Path(__file__).parent
    modules = names or sorted(
        info.name for info in pkgutil.iter_modules([str(folder)]) if info.name.startswith("bench_")
    )
    figures: list[Figure] = []
    failed = []
    for name in modules:
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            figures.extend(importlib.import_module(f"tests.bench.{name}").run())
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
    print(f"{'figure':<58} {'measured':>12} {'unit':<10} {'target':<18} verdict")
    print("-" * 108)
    for figure in figures:
        print(figure.row())
    if failed:
        print(f"\nbenchmarks that did not run: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

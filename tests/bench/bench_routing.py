"""Routing speed in-process: text analysis + engine for a 300-character description.

Target (docs/product.md §4): ≥ 10,000 decisions per second. The rules are built
without a database from the two fixture files (the directory and the default rules), the way
``routing.selectors.routing_rules`` builds them from the admin's rows; the descriptions are the
labelled complaints, joined and cut to 300 characters so every one is the same length.

The steady-state figures are the best of five repeats of at least 4,000 decisions each, as
Python's ``timeit`` advises: on a shared machine the slower repeats measure the other processes,
not the code. The median repeat is reported beside it, so a noisy run shows as one.
"""

import json
import statistics
import time
from pathlib import Path

from routing import engine  # pure: no Django (imported here, not in the measured loop)
from tests.bench.common import Figure, django_setup

ROOT = Path(__file__).resolve().parents[2]
DIRECTORY = ROOT / "routing" / "data" / "kota_bengkulu.json"
RULES = ROOT / "routing" / "data" / "rules_kota_bengkulu.json"
LABELLED = ROOT / "tests" / "routing" / "data" / "labelled_complaints.jsonl"
LENGTH = 300
MIN_DECISIONS = 4_000  # per repeat
REPEATS = 5
TARGET = 10_000


def rules_from_files(threshold: float):
    """The engine's ``Rules`` from the fixture files, mirroring ``routing_rules()`` (all rows
    of a fresh load are active; a text rule's id is its row index)."""
    from routing import learning
    from routing.duties import duty_rules
    from routing.text import analyze_pattern, words_of

    directory = json.loads(DIRECTORY.read_text(encoding="utf-8"))
    rules = json.loads(RULES.read_text(encoding="utf-8"))
    targets = {"local_office": engine.LOCAL_OFFICE, "outside": engine.OUTSIDE}

    def target(row: dict) -> str:
        if row["target"] == "opd":
            return row["opd"]
        if row["target"] == "service":
            return f"service:{row['service']}"
        return targets[row["target"]]

    opds = {row["code"]: row["name"] for row in directory["opd"]}
    text_rules = [
        engine.TextRule(
            id=index,
            kind=row["kind"],
            terms=analyze_pattern(row["kind"], row["pattern"]),
            label=row["pattern"],
            weight=row["weight"],
            target=target(row),
            category=row.get("category", ""),
        )
        for index, row in enumerate(rules["text"])
    ]
    return engine.Rules(
        opds=opds,
        services={
            row["code"]: engine.ServiceRoute(
                code=row["code"], name=row["name"], opd=row["opd"] or None
            )
            for row in directory["services"]
        },
        areas={
            row["code"]: engine.Area(code=row["code"], name=row["name"], kecamatan=row["kecamatan"])
            for row in directory["kelurahan"]
        },
        kecamatan_names={row["code"]: row["name"] for row in directory["kecamatan"]},
        kecamatan_offices={
            row["kecamatan"]: row["code"] for row in directory["opd"] if row["kind"] == "kecamatan"
        },
        text_rules=text_rules,
        duty_rules=duty_rules(tuple(text_rules), opds),
        oversight=[
            engine.OversightRule(when=row["when"], mode=row["mode"], opd=row["opd"])
            for row in rules["oversight"]
        ],
        threshold=threshold,
        model=learning.model_load(),
        read_name=words_of,
    )


def descriptions() -> list[tuple[str, str, str | None]]:
    """(category, 300-character text, kelurahan) for every labelled case: its text followed by
    the next ones until there are 300 characters, cut there."""
    rows = [
        json.loads(line)
        for line in LABELLED.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    cases = []
    for index, row in enumerate(rows):
        text, following = row["text"], index
        while len(text) < LENGTH:
            following = (following + 1) % len(rows)
            text = f"{text} {rows[following]['text']}"
        cases.append((row["category"], text[:LENGTH], row.get("kelurahan")))
    return cases


def facts_from(analysis, category: str, kelurahan: str | None):
    return engine.Facts(
        category=category,
        kelurahan=kelurahan,
        words=analysis.words,
        stems=analysis.stems,
        weights=analysis.weights,
        roles=analysis.roles,
    )


def _rates(decide, items) -> list[float]:
    """Decisions per second of each repeat, in the order run."""
    passes = -(-MIN_DECISIONS // len(items))  # enough passes for at least MIN_DECISIONS
    rates = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(passes):
            for item in items:
                decide(item)
        rates.append(passes * len(items) / (time.perf_counter() - start))
    return rates


def run() -> list[Figure]:
    django_setup()
    from django.conf import settings

    from routing import native
    from routing.text import analyze, stem

    # The modules as the portal runs them: compiled where `make native` built them from these
    # sources (PORTAL_ROUTING_COMPILED=false measures the Python source).
    build = "compiled" if native.in_use() else "Python source"

    rules = rules_from_files(settings.PORTAL_ROUTING_THRESHOLD)
    cases = descriptions()

    # Cold: every word seen for the first time (the stemmer's cache emptied), one pass.
    stem.cache_clear()
    start = time.perf_counter()
    for category, text, kelurahan in cases:
        engine.route(facts_from(analyze(text), category, kelurahan), rules)
    cold = len(cases) / (time.perf_counter() - start)

    # Steady state, as in a running server: analysis and engine for every decision.
    full = _rates(
        lambda case: engine.route(facts_from(analyze(case[1]), case[0], case[2]), rules), cases
    )
    # The engine alone, with the analysis done beforehand.
    prepared = [
        facts_from(analyze(text), category, kelurahan) for category, text, kelurahan in cases
    ]
    alone = _rates(lambda facts: engine.route(facts, rules), prepared)

    return [
        Figure(
            f"Routing decisions per second (300-char description, in-process, {build}), "
            "best of 5 repeats",
            max(full),
            "/s",
            "≥ 10,000/s",
            max(full) >= TARGET,
        ),
        Figure(
            "Routing decisions per second, the median of those repeats",
            statistics.median(full),
            "/s",
            "(informational)",
            None,
        ),
        Figure(
            "Routing engine alone, analysis precomputed, best of 5 repeats",
            max(alone),
            "/s",
            "(informational)",
            None,
        ),
        Figure(
            "Routing with a cold stem cache (first sight of every word)",
            cold,
            "/s",
            "(informational)",
            None,
        ),
    ]

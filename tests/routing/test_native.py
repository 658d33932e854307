"""The compiled build of the routing hot path (``routing.native``): used only when made from the
sources as they are, and deciding exactly as the sources do."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from routing import native

pytestmark = pytest.mark.embedded_only

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "routing" / "data"

# Every labelled complaint (both sets) and every bench description, decided with the rules of
# the fixture files and the stored model; one JSON line per decision on stdout.
DECIDE = """
import json, sys
from pathlib import Path
from routing import engine, native
from routing.text import analyze
from tests.bench.bench_routing import descriptions, facts_from, rules_from_files

rules = rules_from_files(0.4)
cases = list(descriptions())
for path in sorted(Path("tests/routing/data").glob("*.jsonl")):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            cases.append((row.get("category", "lainnya"), row["text"], row.get("kelurahan")))
print(json.dumps({"compiled": native.in_use()}))
for category, text, kelurahan in cases:
    analysis = analyze(text)
    decision = engine.route(facts_from(analysis, category, kelurahan), rules)
    print(json.dumps([analysis.words, analysis.stems, analysis.weights, analysis.roles,
                      list(decision)], ensure_ascii=False))
"""


def decide_everything(compiled: bool) -> tuple[bool, list[str]]:
    env = {**os.environ, "PORTAL_ROUTING_COMPILED": "true" if compiled else "false"}
    done = subprocess.run(
        [sys.executable, "-c", DECIDE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    first, *decisions = done.stdout.splitlines()
    return json.loads(first)["compiled"], decisions


@pytest.mark.skipif(
    not native.is_fresh(), reason="no compiled build of these sources (make native)"
)
def test_the_compiled_build_decides_exactly_as_the_source():
    compiled, from_build = decide_everything(compiled=True)
    interpreted, from_source = decide_everything(compiled=False)
    assert compiled and not interpreted
    assert len(from_build) == len(from_source) > 900
    different = [
        (built, source)
        for built, source in zip(from_build, from_source, strict=True)
        if built != source
    ]
    assert not different, different[:3]


def test_a_build_of_other_sources_is_not_used(tmp_path, monkeypatch):
    stamp = tmp_path / "SOURCES.sha256"
    stamp.write_text("0" * 64 + "\n", encoding="ascii")
    monkeypatch.setattr(native, "STAMP", stamp)
    path = ["/the/source"]
    assert not native.is_fresh()
    assert native.use_if_fresh(path) is False and path == ["/the/source"]


def test_a_build_of_these_sources_goes_first_unless_switched_off(tmp_path, monkeypatch):
    stamp = tmp_path / "SOURCES.sha256"
    stamp.write_text(native.fingerprint() + "\n", encoding="ascii")
    monkeypatch.setattr(native, "STAMP", stamp)
    path = ["/the/source"]
    assert native.use_if_fresh(path) is True and path == [str(native.COMPILED_DIR), "/the/source"]
    monkeypatch.setenv("PORTAL_ROUTING_COMPILED", "false")
    path = ["/the/source"]
    assert native.use_if_fresh(path) is False and path == ["/the/source"]


def test_no_build_at_all_leaves_the_source(tmp_path, monkeypatch):
    monkeypatch.setattr(native, "STAMP", tmp_path / "missing" / "SOURCES.sha256")
    path = ["/the/source"]
    assert native.use_if_fresh(path) is False and path == ["/the/source"]


def test_the_fingerprint_changes_with_any_compiled_source(tmp_path, monkeypatch):
    for name in native.COMPILED:
        (tmp_path / f"{name}.py").write_text(f"# {name}\n", encoding="utf-8")
    monkeypatch.setattr(native, "PACKAGE", tmp_path)
    before = native.fingerprint()
    (tmp_path / "engine.py").write_text("# engine, edited\n", encoding="utf-8")
    assert native.fingerprint() != before


def test_the_learned_model_is_found_wherever_the_module_was_loaded_from():
    from routing import learning

    assert learning.MODEL.is_file()
    assert learning.MODEL.parent.parent == Path(native.__file__).parent

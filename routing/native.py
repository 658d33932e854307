"""The compiled build of the routing hot path, and the rule for when it is used.

Every decision runs ``routing.text`` and ``routing.clauses`` (the analysis), ``routing.engine``
and, where the rules are unsure, ``routing.learning``. mypyc compiles those four modules, as
they are written, to C extensions that make the same decisions with a quarter fewer
instructions (a quarter to a third less time). ``make native`` (part of ``make venv`` and of
the image's build) writes them to ``build/native/routing/`` with a stamp: a hash of the very
sources they were built from.
Data files are found beside the package's source (``routing.__file__``), never beside a module.

``use_if_fresh`` (called by the package's ``__init__``) puts that directory before the
package's own on its search path only while the stamp matches the sources, so an edited source
is never shadowed by an older build: it runs as written until the next ``make native``. Without
a build (no C compiler where it was installed) the source runs as it is, only slower.
``PORTAL_ROUTING_COMPILED=false`` runs the source even where a fresh build exists.

Build: ``make native``, i.e. ``native.build()`` (needs requirements-native.txt and a C compiler).
"""

import hashlib
import os
import shutil
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUILD = PACKAGE.parent / "build" / "native"
COMPILED_DIR = BUILD / "routing"
STAMP = COMPILED_DIR / "SOURCES.sha256"
# The modules every decision runs through; the rest of the package is no hot path.
COMPILED = ("clauses", "engine", "learning", "text")
# The compiled modules' shared runtime, a module of the package: routing.compiled__mypyc.
GROUP = "routing.compiled"
_OFF = {"0", "false", "no", "off"}


def fingerprint() -> str:
    """A hash of the compiled modules' sources and of the Python that builds them."""
    digest = hashlib.sha256(sys.implementation.cache_tag.encode())
    for name in COMPILED:
        digest.update(name.encode() + b"\0" + (PACKAGE / f"{name}.py").read_bytes())
    return digest.hexdigest()


def is_fresh() -> bool:
    """Whether a build exists and was made from the sources as they are now."""
    try:
        return STAMP.read_text(encoding="ascii").strip() == fingerprint()
    except OSError:
        return False


def use_if_fresh(package_path: list[str]) -> bool:
    """Put the compiled modules first on the package's path if they are fresh (and wanted)."""
    wanted = os.environ.get("PORTAL_ROUTING_COMPILED", "true").strip().lower() not in _OFF
    if not (wanted and is_fresh()):
        return False
    package_path.insert(0, str(COMPILED_DIR))
    return True


def in_use() -> bool:
    """Whether the modules of this process came from the compiled build."""
    from routing import engine

    return Path(engine.__file__).parent == COMPILED_DIR


def build() -> None:
    """Compile the hot modules into build/native, then stamp them with their sources' hash
    (written last: a failed build leaves no stamp, so the sources run)."""
    from mypyc.build import mypycify
    from setuptools import setup

    shutil.rmtree(BUILD, ignore_errors=True)
    work = BUILD.parent / "native-work"
    shutil.rmtree(work, ignore_errors=True)
    stamp = fingerprint()
    sources = [str(PACKAGE / f"{name}.py") for name in COMPILED]
    cwd = Path.cwd()
    work.mkdir(parents=True)
    os.chdir(work)  # away from the project's pyproject.toml, which setuptools would read
    try:
        extensions = mypycify(
            ["--ignore-missing-imports", "--cache-dir", str(work / "mypy"), *sources],
            group_name=GROUP,
            target_dir=str(work / "c"),
        )
        setup(
            name="routing-compiled",
            ext_modules=extensions,
            script_args=[
                "--quiet",
                "build_ext",
                "--build-lib",
                str(BUILD),
                "--build-temp",
                str(work / "objects"),
            ],
        )
    finally:
        os.chdir(cwd)
        shutil.rmtree(work, ignore_errors=True)
    STAMP.write_text(stamp + "\n", encoding="ascii")
    print(f"routing: {', '.join(COMPILED)} compiled into {COMPILED_DIR}")

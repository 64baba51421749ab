"""Every module of gaodi imports on its own, first, in a fresh interpreter: no import cycle.

An import cycle between two modules (``a`` imports ``b`` at load time, ``b`` imports ``a``)
works or fails depending on which of the two is imported first, so a test run that happens to
import them in the working order hides it (gaodi.plans.board and gaodi.plans.service were such
a pair: ``import gaodi.plans.board`` failed unless gaodi.plans.service had been imported).

Run as a script, this file imports every gaodi module once (to load the third-party libraries),
forgets the gaodi modules, then forks one child per module that imports just that module, first,
two children at a time. A child inherits the loaded third-party libraries but no gaodi module,
so each module is loaded exactly as ``python -c "import <module>"`` would load it; forking
keeps the whole check to seconds instead of one interpreter start-up per module.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

#: Not importable outside its tool: Alembic runs env.py with ``alembic.context`` configured.
SKIP = {"gaodi.migrations.env"}
CONCURRENCY = 2
TRACEBACK_CHARS = 4000  # stays below a pipe's buffer, so a child never blocks on writing


def _modules(package: str) -> list[str]:
    import importlib
    import pkgutil

    root = importlib.import_module(package)
    found = pkgutil.walk_packages(root.__path__, f"{package}.")
    return sorted({package, *(m.name for m in found)} - SKIP)


def check_each_module(package: str) -> list[tuple[str, str]]:
    """(module, traceback) for every module of ``package`` that fails to import first in a
    clean process."""
    import shutil
    import tempfile

    # Bytecode the parent compiles goes to a private cache that the children read: without it,
    # under PYTHONDONTWRITEBYTECODE=1 (or in a fresh clone), every child compiled every module
    # it loads again. Which module imports which, and in what order, is unchanged. The settings
    # found are put back and the folder removed however the check ends (the children leave by
    # os._exit, so only the parent runs the ``finally``).
    before = (sys.pycache_prefix, sys.dont_write_bytecode)
    cache = tempfile.mkdtemp(prefix="gaodi-imports-pyc-")
    sys.pycache_prefix, sys.dont_write_bytecode = cache, False
    try:
        return _check_each_module(package)
    finally:
        sys.pycache_prefix, sys.dont_write_bytecode = before
        shutil.rmtree(cache, ignore_errors=True)


def _check_each_module(package: str) -> list[tuple[str, str]]:
    import gc
    import importlib
    import os
    import traceback

    names = _modules(package)
    failures: list[tuple[str, str]] = []
    for name in names:  # load the third-party libraries once, in the parent
        try:
            importlib.import_module(name)
        except Exception:  # the child for this module reports it
            continue
    for key in [k for k in sys.modules if k == package or k.startswith(f"{package}.")]:
        del sys.modules[key]
    importlib.invalidate_caches()
    gc.collect()
    gc.freeze()  # fewer copy-on-write pages in the children

    def start(name: str) -> tuple[int, int]:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: import one module, report, exit without cleanup
            os.close(read)
            code = 0
            try:
                importlib.import_module(name)
            except BaseException:
                os.write(write, traceback.format_exc()[-TRACEBACK_CHARS:].encode())
                code = 1
            os._exit(code)
        os.close(write)
        return pid, read

    pending = list(names)
    running: dict[int, tuple[str, int]] = {}
    while pending or running:
        while pending and len(running) < CONCURRENCY:
            name = pending.pop(0)
            pid, read = start(name)
            running[pid] = (name, read)
        pid, status = os.wait()
        name, read = running.pop(pid)
        with os.fdopen(read, "rb") as fh:
            text = fh.read().decode(errors="replace")
        if status != 0:
            failures.append((name, text or f"exit status {status}"))
    return failures


def _run(package: str, path: Path | None = None) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, str(Path(__file__).resolve()), package]
    return subprocess.run(
        [*args, str(path)] if path else args, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    done = _run("gaodi")
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    # the walk found the package (a broken walk would pass on nothing)
    assert int(done.stdout.split()[1]) > 100, done.stdout


def test_the_check_finds_a_cycle_that_one_import_order_hides(tmp_path: Path) -> None:
    """A two-module cycle: ``b`` defines ``g`` and then imports ``a``; ``a`` imports ``g`` from
    ``b``. Importing ``b`` first works; importing ``a`` first fails. The check reports ``a``."""
    pkg = tmp_path / "cyc"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyc.b import g\n\n\ndef f():\n    return g()\n")
    (pkg / "b.py").write_text("def g():\n    return 2\n\n\nfrom cyc.a import f  # noqa\n")
    (pkg / "c.py").write_text("import cyc.b\n")  # loads b first, so a and b both load here
    done = _run("cyc", tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    failed = re.findall(r"^--- import (\S+) ", done.stdout, re.M)
    assert failed == ["cyc.a"], done.stdout
    assert "partially initialized module 'cyc.a'" in done.stdout


if __name__ == "__main__":
    if len(sys.argv) > 2:
        sys.path.insert(0, sys.argv[2])
    top = sys.argv[1] if len(sys.argv) > 1 else "gaodi"
    problems = check_each_module(top)
    for module, text in problems:
        print(f"--- import {module} (first, in a fresh interpreter) failed:\n{text}")
    if problems:
        sys.exit(1)
    print(f"imported {len(_modules(top))} modules, each first in its own process")

"""The file parser's worker imports from where the application imports, never from the folder
it works in: a module file among a user's files (``gettext.py`` in the folder ``gaodi import``
runs from) used to run inside the worker, whose ``python -c`` search path began with the
current folder (found in an audit; the user was then told their file was damaged)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from gaodi.core import bounds
from gaodi.core.bounds import run_isolated

PROBE = "gaodi_cwd_probe_module"


def try_probe(_: bytes) -> bool:
    """Whether the worker could import a module that exists only in its current folder."""
    try:
        importlib.import_module(PROBE)
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("worker", ["fork server", "fresh interpreter"])
def test_a_module_in_the_callers_folder_is_not_imported_by_the_worker(
    worker: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "RAN"
    (tmp_path / f"{PROBE}.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    if worker == "fresh interpreter":
        monkeypatch.setattr(bounds, "_can_fork", lambda: False)
    assert run_isolated(try_probe, b"", name="x.xlsx", memory_mb=1024) is False
    assert not marker.exists()

"""mypy is clean on the packages pyproject.toml names for it: the pure ones (gaodi/analytics,
gaodi/core) and the others as each became clean.

``make lint`` runs the same check; this test keeps CI from merging a type error there. It runs
mypy in-process through its API, with the project's configuration and a fresh cache.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parents[1]


def _configured_files() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["mypy"]["files"])


def test_mypy_is_configured_for_the_pure_packages() -> None:
    assert {"gaodi/analytics", "gaodi/core"} <= set(_configured_files())


@pytest.mark.slow
def test_mypy_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # mypy reports (and resolves the config's paths) from here
    stdout, stderr, status = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "--no-error-summary",
            *_configured_files(),
        ]
    )
    assert status == 0, f"mypy found problems:\n{stdout}{stderr}"
    assert stdout == "", stdout

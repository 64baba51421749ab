"""An analyst's type checker sees the Python API's types (README: "a typed Python API").

Issue found by the analyst-path audit, 2026-12-07: the package shipped no ``py.typed``, so mypy
on a notebook's script said "module is installed, but missing library stubs or py.typed marker"
and typed every ``gaodi`` name as ``Any``; ``regional.specialisation_table`` and the other table
functions (handed out by the module's ``__getattr__``) were ``Any`` even inside the project; and
``gaodi.open(**kwargs: Any)`` let a misspelt ``principal=`` through unchecked.

mypy runs the way an analyst runs it: on a script outside the project, finding ``gaodi`` on the
interpreter's path (``PYTHONPATH``), where PEP 561 asks for the marker.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """\
import numpy as np

import gaodi
from gaodi.analytics import complexity, regional
from gaodi.core.permissions import SYSTEM

city = gaodi.open(principal=SYSTEM)
reveal_type(city)
reveal_type(city.enterprises())
reveal_type(city.panel("output"))
reveal_type(regional.location_quotient(np.ones((2, 2))))
reveal_type(regional.specialisation_table)
reveal_type(regional.shift_share_table)
reveal_type(complexity.complexity_table)
gaodi.open(principl=SYSTEM)
"""


@pytest.mark.slow
def test_mypy_reads_the_api_types_from_an_analysts_script(tmp_path: Path) -> None:
    (tmp_path / "analysis.py").write_text(SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MYPYPATH", None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / "cache"),
            "analysis.py",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = run.stdout.splitlines()
    revealed = [line.split('Revealed type is "', 1)[1][:-1] for line in lines if "Revealed" in line]
    errors = [line for line in lines if ": error:" in line]
    assert "py.typed" not in run.stdout, run.stdout
    assert len(revealed) == 7, run.stdout
    assert revealed[:3] == [
        "gaodi.city.City",
        "polars.dataframe.frame.DataFrame",
        "polars.dataframe.frame.DataFrame",
    ], run.stdout
    # numpy spells its float64 arrays differently from version to version
    assert revealed[3].startswith("numpy.ndarray[") and "float64" in revealed[3], run.stdout
    # the table functions: their signatures, returning Polars frames
    for signature in revealed[4:6]:
        assert signature.startswith("def (") and signature.endswith(
            "-> polars.dataframe.frame.DataFrame"
        ), run.stdout
    assert revealed[6].endswith("-> gaodi.analytics.complexity.ComplexityTables"), run.stdout
    # the one error is the misspelt keyword (line 15), which the checker now names
    assert len(errors) == 1, run.stdout
    assert errors[0].startswith("analysis.py:15:") and '"principl"' in errors[0], run.stdout

"""A non-productive input-output table (Hawkins-Simon condition violated) is refused in words,
instead of giving negative Leontief multipliers and a "key" sector.

By hand: Z = [[0, 5], [10, 0]] and Y = [0, -8] give x = (5, 2), both positive, but
A = [[0, 5/2], [10/5, 0]] = [[0, 2.5], [2, 0]] has eigenvalues +-sqrt(5) = +-2.236, so its
spectral radius is above 1 and (I - A)^-1 = [[1, 2.5], [2, 1]] / (1 - 5) is negative.
(Hawkins & Simon 1949; Miller & Blair 2009, section 2.3.4.)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from gaodi.analytics.io import io_model
from gaodi.cli import app
from gaodi.core.errors import DataError


def test_negative_final_demand_that_makes_the_table_non_productive_is_refused() -> None:
    with pytest.raises(DataError) as err:
        io_model([[0, 5], [10, 0]], [0, -8])
    assert "Hawkins-Simon" in err.value.en and "2.236" in err.value.en
    assert "Hawkins–Simon" in err.value.zh and "谱半径为 2.236" in err.value.zh


def test_negative_final_demand_on_a_productive_table_is_still_accepted() -> None:
    # Miller & Blair's 2x2 table with one category of final demand lowered below zero for
    # sector 1 (inventory run-down): x stays positive and A's spectral radius below 1.
    m = io_model([[150, 500], [200, 100]], [[400, -50], [1700, 0]])
    assert m.x.tolist() == [1000.0, 2000.0]
    assert (m.L >= 0).all() and (m.output_multiplier >= 1).all()


def test_cli_linkages_refuses_the_table_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "z.csv").write_text(
        "row_sector,col_sector,value\n1,1,0\n1,2,5\n2,1,10\n2,2,0\n", encoding="utf-8"
    )
    (tmp_path / "y.csv").write_text("sector,value\n1,0\n2,-8\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "regions",
            "linkages",
            "--flows",
            str(tmp_path / "z.csv"),
            "--final-demand",
            str(tmp_path / "y.csv"),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "Hawkins" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o" / "linkages.csv").exists()


def test_random_productive_tables_keep_a_non_negative_inverse() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        z = rng.uniform(0, 10, (4, 4))
        y = rng.uniform(1, 20, 4)
        m = io_model(z, y)
        assert (m.L >= -1e-12).all()

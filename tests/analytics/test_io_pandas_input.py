"""``io.linkages_tables`` takes pandas tables as the regional and complexity table functions do
(issue found by the analyst-path audit, 2026-12-07: a pandas ``flows`` table was
``AttributeError: 'DataFrame' object has no attribute 'height'``)."""

from __future__ import annotations

import polars as pl
import pytest

from gaodi.analytics import io
from gaodi.core.errors import DataError

# Miller & Blair (2009), table 2.3: Z = [[150, 500], [200, 100]], f = [350, 1700], x = [1000, 2000]
FLOWS = pl.DataFrame(
    {
        "row_sector": ["1", "1", "2", "2"],
        "col_sector": ["1", "2"] * 2,
        "value": [150.0, 500, 200, 100],
    }
)
FINAL = pl.DataFrame({"sector": ["1", "2"], "value": [350.0, 1700]})


def test_pandas_tables_give_the_polars_answer() -> None:
    out = io.linkages_tables(FLOWS.to_pandas(), FINAL.to_pandas())
    # A = [[.15, .25], [.2, .05]]; det(I - A) = .85 * .95 - .25 * .2 = .7575;
    # L = [[.95, .25], [.2, .85]] / .7575, so the column sums are 1.15 / .7575 and 1.1 / .7575
    multipliers = out["linkages"]["output_multiplier"].to_list()
    assert multipliers == pytest.approx([1.15 / 0.7575, 1.1 / 0.7575], abs=1e-12)
    assert out["linkages"].equals(io.linkages_tables(FLOWS, FINAL)["linkages"])


def test_a_table_that_is_not_a_frame_is_named() -> None:
    with pytest.raises(DataError) as err:
        io.linkages_tables(FLOWS, [["1", 350.0]])
    assert (
        err.value.en
        == "The final-demand table must be a Polars or pandas DataFrame, not builtins.list."
    )
    assert "最终需求表" in err.value.zh

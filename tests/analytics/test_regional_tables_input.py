"""What the regional table functions accept (issues found by the third audit, 2026-12-06): a
pandas DataFrame is converted, a duplicated or non-numeric reference row and a fractional
year are named in words instead of a numpy or Polars traceback or a silent truncation."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pytest

from gaodi.analytics.regional_tables import (
    cagr_table,
    concentration_table,
    shift_share_table,
    specialisation_table,
)
from gaodi.core.errors import DataError

# a 2 × 2 × 2 table: 2020 a (10, 10), b (10, 30); 2021 a (12, 14), b (10, 36)
DATA = pl.DataFrame(
    {
        "region": ["a", "a", "b", "b"] * 2,
        "industry": ["x", "y"] * 4,
        "year": [2020] * 4 + [2021] * 4,
        "value": [10.0, 10, 10, 30, 12, 14, 10, 36],
    }
)
REFERENCE = pl.DataFrame(
    {"industry": ["x", "y", "x", "y"], "year": [2020, 2020, 2021, 2021], "value": [100.0] * 4}
)


def test_a_duplicated_reference_row_is_named() -> None:
    twice = pl.concat(
        [REFERENCE, pl.DataFrame({"industry": ["x"], "year": [2021], "value": [5.0]})]
    )
    for table in (specialisation_table, shift_share_table):
        with pytest.raises(DataError) as err:
            table(DATA, reference=twice)
        assert "参照表中 2021 年产业 x 出现了多次" in err.value.zh
        assert "Industry x, year 2021 appears more than once in the reference" in err.value.en


def test_a_non_numeric_reference_value_is_named() -> None:
    words = REFERENCE.with_columns(pl.Series("value", ["100", "abc", "100", "100"]))
    with pytest.raises(DataError) as err:
        specialisation_table(DATA, reference=words)
    assert "参照表第 2 行 value 列的值“abc”不是数值" in err.value.zh
    assert err.value.context == {"row": 2, "column": "value"}
    # numbers written as text are numbers: the same LQs as the float table
    text = REFERENCE.with_columns(pl.col("value").cast(pl.String))
    assert specialisation_table(DATA, reference=text)["lq"].to_list() == (
        specialisation_table(DATA, reference=REFERENCE)["lq"].to_list()
    )


def test_a_fractional_year_is_refused_not_truncated() -> None:
    half = DATA.with_columns(pl.col("year").cast(pl.Float64) + 0.5)
    with pytest.raises(DataError) as err:
        specialisation_table(half)
    assert "不是整数年份" in err.value.zh and "is not a whole year" in err.value.en
    assert "2020.5" in err.value.en
    ref = REFERENCE.with_columns(pl.Series("year", [2020.0, 2020.0, 2021.25, 2021.0]))
    with pytest.raises(DataError) as err:
        shift_share_table(DATA, reference=ref)
    assert "参照表第 3 行 year 列的值“2021.25”不是整数年份" in err.value.zh
    # a whole year stored as a float is that year
    whole = DATA.with_columns(pl.col("year").cast(pl.Float64))
    assert specialisation_table(whole)["year"].unique().sort().to_list() == [2020, 2021]


def test_pandas_frames_are_accepted() -> None:
    want = specialisation_table(DATA, reference=REFERENCE)
    got = specialisation_table(DATA.to_pandas(), reference=REFERENCE.to_pandas())
    assert got.equals(want)
    assert concentration_table(DATA.to_pandas()).equals(concentration_table(DATA))
    assert cagr_table(DATA.to_pandas()).equals(cagr_table(DATA))
    assert shift_share_table(DATA.to_pandas()).equals(shift_share_table(DATA))
    mixed = pd.DataFrame(
        {"region": ["a", "b"], "industry": ["x", 7], "year": [2020, 2020], "value": [1.0, 2.0]}
    )
    with pytest.raises(DataError) as err:
        specialisation_table(mixed)
    assert "industry" in err.value.zh and "industry" in err.value.en


def test_anything_else_is_refused_naming_what_is_accepted() -> None:
    with pytest.raises(DataError) as err:
        specialisation_table([{"region": "a", "industry": "x", "year": 2020, "value": 1.0}])
    assert "Polars or pandas DataFrame" in err.value.en and "list" in err.value.en

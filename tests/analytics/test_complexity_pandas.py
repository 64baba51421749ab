"""An analyst's pandas frame gives the same complexity tables as the Polars frame it holds
(audit I #14: ``complexity_table`` failed with ``'DataFrame' object has no attribute 'height'``)."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from gaodi.analytics.complexity import complexity_table, to_matrix
from gaodi.core.errors import DataError

LONG = {"region": list("aaaabbbbccccdddd"), "industry": list("pqrs") * 4,
        "value": [5.0, 5, 5, 5, 6, 6, 6, 1, 7, 7, 1, 1, 9, 1, 1, 1]}  # fmt: skip


def test_a_pandas_frame_gives_the_polars_answer() -> None:
    ours, theirs = complexity_table(pl.DataFrame(LONG)), complexity_table(pd.DataFrame(LONG))
    for name in ("regions", "industries", "cells", "proximity"):
        assert_frame_equal(getattr(theirs, name), getattr(ours, name))
    assert to_matrix(pd.DataFrame(LONG))[1] == ["a", "b", "c", "d"]


def test_anything_else_is_refused_naming_what_is_accepted() -> None:
    with pytest.raises(DataError) as exc:
        complexity_table([("a", "p", 1.0)])  # type: ignore[arg-type]
    assert "Polars or pandas DataFrame" in exc.value.en

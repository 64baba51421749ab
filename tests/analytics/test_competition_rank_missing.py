"""``competition_rank`` ranks a missing (NaN) score last among the n alternatives, never n + 1:
NaN sorted last but still counted, so every score after it moved one rank down."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gaodi.analytics.scoring import competition_rank

NAN = math.nan


def test_a_nan_score_ranks_last_among_three() -> None:
    assert competition_rank([0.3, NAN, 0.2]).tolist() == [1, 3, 2]


def test_several_nan_scores_tie_last() -> None:
    assert competition_rank([NAN, 0.3, NAN, 0.3, 0.1]).tolist() == [4, 1, 4, 1, 3]
    assert competition_rank([NAN, NAN]).tolist() == [1, 1]


@given(
    st.lists(
        st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(NAN)), min_size=1, max_size=20
    )
)
def test_ranks_stay_within_n_and_missing_is_below_every_present(scores: list[float]) -> None:
    ranks = competition_rank(scores)
    assert ranks.min() >= 1 and ranks.max() <= len(scores)
    present = [r for s, r in zip(scores, ranks, strict=True) if not math.isnan(s)]
    absent = [r for s, r in zip(scores, ranks, strict=True) if math.isnan(s)]
    if present and absent:
        assert min(absent) > max(present)
    # the present scores rank exactly as they would without the missing ones
    kept = [s for s in scores if not math.isnan(s)]
    if kept:
        assert present == competition_rank(np.array(kept)).tolist()

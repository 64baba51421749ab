"""Tests for gaodi.analytics.scoring: hand-computed cases, published examples, invariants."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gaodi.analytics.scoring import (
    Criterion,
    competition_rank,
    entropy_weights,
    minmax_normalise,
    rank_frame,
    topsis,
    weighted_sum,
)
from gaodi.core.errors import DataError, ValidationError

DATA = Path(__file__).resolve().parents[1] / "data" / "scoring_published_examples.yaml"
EXAMPLES = yaml.safe_load(DATA.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- hand-computed TOPSIS 3x3
# X = [[3, 4, 1], [0, 0, 2], [4, 3, 2]], w = (0.4, 0.4, 0.2), criteria benefit, benefit, cost.
# Column norms: sqrt(9+0+16) = 5, sqrt(16+0+9) = 5, sqrt(1+4+4) = 3.
# r = [[.6, .8, 1/3], [0, 0, 2/3], [.8, .6, 2/3]]
# v = r*w = [[.24, .32, 1/15], [0, 0, 2/15], [.32, .24, 2/15]]
# ideal A+ = (.32, .32, 1/15) (max, max, min); anti A- = (0, 0, 2/15).
# A1: D+ = sqrt(.08^2) = .08; D- = sqrt(.24^2 + .32^2 + (1/15)^2) = sqrt(.1644444) = .4055175
#     C1 = .4055175 / .4855175 = .8352274
# A2: D+ = sqrt(.32^2 + .32^2 + (1/15)^2) = sqrt(.2092444) = .4574324; D- = 0; C2 = 0
# A3: D+ = sqrt(.08^2 + (1/15)^2) = sqrt(.0108444) = .1041368; D- = sqrt(.32^2 + .24^2) = .4
#     C3 = .4 / .5041368 = .7934356
X3 = [[3, 4, 1], [0, 0, 2], [4, 3, 2]]
W3 = [0.4, 0.4, 0.2]
D3 = ["benefit", "benefit", "cost"]


def test_topsis_hand_computed_3x3() -> None:
    r = topsis(X3, W3, D3)
    d1_minus = math.sqrt(0.24**2 + 0.32**2 + (1 / 15) ** 2)
    expected_c = [
        d1_minus / (0.08 + d1_minus),
        0.0,
        0.4 / (math.sqrt(0.08**2 + (1 / 15) ** 2) + 0.4),
    ]
    assert r.closeness == pytest.approx(expected_c, abs=1e-12)
    assert r.closeness == pytest.approx([0.8352274, 0.0, 0.7934356], abs=1e-7)
    assert r.ideal == pytest.approx([0.32, 0.32, 1 / 15])
    assert r.anti_ideal == pytest.approx([0.0, 0.0, 2 / 15])
    assert r.d_plus == pytest.approx([0.08, math.sqrt(0.2092444444), math.sqrt(0.0108444444)])
    assert competition_rank(r.closeness).tolist() == [1, 3, 2]


def test_topsis_weights_are_rescaled() -> None:
    # (4, 4, 2) is (0.4, 0.4, 0.2) times 10: same result.
    a = topsis(X3, [4, 4, 2], D3).closeness
    b = topsis(X3, W3, D3).closeness
    assert a == pytest.approx(b)


def test_topsis_published_tzeng_huang_2011() -> None:
    ex = EXAMPLES["topsis_tzeng_huang_2011"]
    r = topsis(ex["matrix"], ex["weights"], ex["directions"])
    assert np.round(r.closeness, ex["decimals"]).tolist() == ex["closeness"]
    assert competition_rank(r.closeness).tolist() == ex["ranking"]


# ---------------------------------------------------------------- hand-computed entropy
# X = [[1, 10], [2, 20], [3, 40]], col 1 benefit, col 2 cost, min-max normalisation:
# col 1: r = (0, .5, 1), p = (0, 1/3, 2/3)
#   e1 = -(1/3 ln 1/3 + 2/3 ln 2/3) / ln 3 = (.3662041 + .2703101) / 1.0986123 = .5793802
# col 2 (cost): r = (40 - x) / 30 = (1, 2/3, 0), p = (.6, .4, 0)
#   e2 = -(.6 ln .6 + .4 ln .4) / ln 3 = (.3064954 + .3665163) / 1.0986123 = .6126016
# d = (.4206198, .3873984), sum .8080182; w = (.5205574, .4794426)
def test_entropy_hand_computed() -> None:
    w = entropy_weights([[1, 10], [2, 20], [3, 40]], ["benefit", "cost"])
    e1 = -(1 / 3 * math.log(1 / 3) + 2 / 3 * math.log(2 / 3)) / math.log(3)
    e2 = -(0.6 * math.log(0.6) + 0.4 * math.log(0.4)) / math.log(3)
    d1, d2 = 1 - e1, 1 - e2
    assert w == pytest.approx([d1 / (d1 + d2), d2 / (d1 + d2)], abs=1e-12)
    assert w == pytest.approx([0.5205574, 0.4794426], abs=1e-7)


@pytest.mark.parametrize("name", ["entropy_xu_2004", "entropy_zavadskas_podvezko_2016"])
def test_entropy_published(name: str) -> None:
    ex = EXAMPLES[name]
    w = entropy_weights(ex["matrix"], ex.get("directions"), normalisation=ex["normalisation"])
    assert np.round(w, ex["decimals"]).tolist() == pytest.approx(ex["weights"], abs=1e-12)


# ---------------------------------------------------------------- degenerate inputs
def test_entropy_constant_column_gets_zero_weight() -> None:
    # column 2 is constant: no information; column 1 takes all the weight
    assert entropy_weights([[1, 7], [4, 7], [9, 7]]).tolist() == [1.0, 0.0]
    # an all-zero column under "sum" shares is also weight 0
    assert entropy_weights([[1, 0], [4, 0]], normalisation="sum").tolist() == [1.0, 0.0]


def test_entropy_two_alternatives_minmax() -> None:
    # m = 2, min-max gives (0, 1) in every non-constant column: p = (0, 1), e = 0, d = 1.
    # Both columns are equally informative: w = (.5, .5).
    assert entropy_weights([[1, 5], [2, 3]], ["benefit", "cost"]).tolist() == [0.5, 0.5]


@pytest.mark.parametrize(
    ("matrix", "kwargs"),
    [
        ([[1, 2]], {}),  # single alternative
        ([[1, 2], [1, 2], [1, 2]], {}),  # every column constant
        ([[1, -2], [3, 4]], {"normalisation": "sum"}),  # negative shares
        ([[1, float("nan")], [3, 4]], {}),  # missing value
    ],
)
def test_entropy_degenerate_raises(matrix: list[list[float]], kwargs: dict[str, str]) -> None:
    with pytest.raises(DataError):
        entropy_weights(matrix, **kwargs)  # type: ignore[arg-type]


def test_topsis_degenerate() -> None:
    with pytest.raises(DataError):
        topsis([[1, 2]], [1, 1])  # single alternative
    with pytest.raises(DataError):
        topsis([[1, 2], [1, 2]], [1, 1])  # identical alternatives
    # A zero column normalises to 0 and adds nothing: same as dropping it.
    with_zero = topsis([[1, 0, 3], [2, 0, 1]], [1, 1, 1]).closeness
    without = topsis([[1, 3], [2, 1]], [1, 1]).closeness
    assert with_zero == pytest.approx(without)
    with pytest.raises(ValidationError):
        topsis([[1, 2], [3, 4]], [1, -1])
    with pytest.raises(ValidationError):
        topsis([[1, 2], [3, 4]], [0, 0])
    with pytest.raises(ValidationError):
        topsis([[1, 2], [3, 4]], [1, 1, 1])


def test_weighted_sum_hand_computed() -> None:
    # min-max: col 1 benefit (1, 3, 2) -> (0, 1, .5); col 2 cost (10, 20, 30) -> (1, .5, 0)
    # w = (3, 1) / 4 = (.75, .25): S = (.25, .875, .375)
    s = weighted_sum([[1, 10], [3, 20], [2, 30]], [3, 1], ["benefit", "cost"])
    assert s.tolist() == pytest.approx([0.25, 0.875, 0.375])
    # a single alternative scores 1 (it is the best observed on every criterion)
    assert weighted_sum([[5, 6]], [1, 1]).tolist() == [1.0]


def test_competition_rank_ties() -> None:
    assert competition_rank([0.3, 0.7, 0.7, 0.1, 0.3]).tolist() == [3, 1, 1, 5, 3]


def test_rank_frame_entropy_topsis() -> None:
    df = pl.DataFrame({"ent": ["a", "b", "c"], "x1": [1.0, 2.0, 3.0], "x2": [10.0, 20.0, 40.0]})
    crit = [Criterion("x1", "benefit"), Criterion("x2", "cost")]
    out, w = rank_frame(df, crit, id_column="ent", weighting="entropy")
    assert w == pytest.approx({"x1": 0.5205574, "x2": 0.4794426}, abs=1e-7)
    expected = topsis(df.select("x1", "x2").to_numpy(), [w["x1"], w["x2"]], ["benefit", "cost"])
    got = dict(zip(out["ent"].to_list(), out["score"].to_list(), strict=True))
    assert [got[k] for k in "abc"] == pytest.approx(expected.closeness.tolist())
    assert out["rank"].to_list() == [1, 2, 3]


def test_rank_frame_validation() -> None:
    df = pl.DataFrame({"id": [1, 2], "x": [1.0, 2.0]})
    with pytest.raises(ValidationError):
        rank_frame(df, [Criterion("x")], id_column="id")  # no weight given
    with pytest.raises(ValidationError):
        rank_frame(df, [Criterion("y", weight=1)], id_column="id")  # no such column
    with pytest.raises(ValidationError):
        Criterion("x", "up")  # type: ignore[arg-type]
    with pytest.raises(DataError):
        rank_frame(
            pl.DataFrame({"id": [1, 2], "x": [1.0, None]}),
            [Criterion("x", weight=1)],
            id_column="id",
        )


# ---------------------------------------------------------------- invariants (hypothesis)
# No subnormals: 5e-324 × 0.5 underflows to 0, so a rescaled column can turn constant — a float
# artefact, not a property of the methods (indicator values are never that small).
finite = st.floats(
    min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False
)


def matrices(min_rows: int = 2) -> st.SearchStrategy[np.ndarray]:
    shape = st.tuples(st.integers(min_rows, 8), st.integers(1, 5))
    return shape.flatmap(lambda s: arrays(np.float64, s, elements=finite))


def _has_spread(x: np.ndarray) -> bool:
    return bool(np.any(np.ptp(x, axis=0) > 1e-6 * (1 + np.abs(x).max())))


@settings(max_examples=200, deadline=None)
@given(matrices(), st.sampled_from(["minmax", "sum"]))
def test_entropy_weights_simplex(x: np.ndarray, normalisation: str) -> None:
    try:
        w = entropy_weights(x, normalisation=normalisation)  # type: ignore[arg-type]
    except DataError:
        assert not _has_spread(x) or normalisation == "sum"
        return
    assert np.all(w >= 0)
    assert w.sum() == pytest.approx(1.0)


@settings(max_examples=200, deadline=None)
@given(matrices(), st.data())
def test_topsis_closeness_in_unit_interval_and_ideal_is_one(
    x: np.ndarray, data: st.DataObject
) -> None:
    n = x.shape[1]
    dirs = data.draw(st.lists(st.sampled_from(["benefit", "cost"]), min_size=n, max_size=n))
    w = data.draw(arrays(np.float64, n, elements=st.floats(0.01, 10)))
    # Append an alternative that is best on every criterion: it IS the ideal point.
    best = np.where(np.array(dirs) == "benefit", x.max(axis=0), x.min(axis=0))
    xx = np.vstack([x, best])
    try:
        r = topsis(xx, w, dirs)
    except DataError:
        assert not _has_spread(xx)
        return
    assert np.all((r.closeness >= 0) & (r.closeness <= 1))
    assert r.closeness[-1] == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(matrices(), st.floats(0.1, 100))
def test_scale_invariance(x: np.ndarray, c: float) -> None:
    # Vector and min-max normalisation are invariant to a positive rescaling of a column.
    y = x.copy()
    y[:, 0] *= c
    w = np.ones(x.shape[1])
    assert weighted_sum(y, w) == pytest.approx(weighted_sum(x, w), abs=1e-9)
    assert minmax_normalise(y) == pytest.approx(minmax_normalise(x), abs=1e-9)
    # in floats a rescaling can merge two nearly equal values (rounding) and TOPSIS squares the
    # values (vector norm), so tiny ones underflow: either loses a spread the exact rescaling
    # keeps, which is the float format's doing, not the method's
    tiny = np.finfo(np.float64).tiny
    assume(len(np.unique(y[:, 0])) == len(np.unique(x[:, 0])))
    assume(all(np.all((m == 0) | (m**2 >= tiny)) for m in (x, y)))
    try:
        cx = topsis(x, w).closeness
    except DataError:
        return
    assert topsis(y, w).closeness == pytest.approx(cx, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(matrices(), st.randoms(use_true_random=False))
def test_row_permutation_equivariance(x: np.ndarray, rnd) -> None:  # type: ignore[no-untyped-def]
    perm = list(range(x.shape[0]))
    rnd.shuffle(perm)
    w = np.ones(x.shape[1])
    assert weighted_sum(x[perm], w) == pytest.approx(weighted_sum(x, w)[perm])
    try:
        cx = topsis(x, w).closeness
    except DataError:
        return
    assert topsis(x[perm], w).closeness == pytest.approx(cx[perm])

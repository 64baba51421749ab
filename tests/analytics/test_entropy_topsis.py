"""Entropy weights + TOPSIS (熵权TOPSIS) against a case worked by hand (issue [11] item 6)."""

from __future__ import annotations

import math

import polars as pl
import pytest

from gaodi.analytics.scoring import Criterion, rank_frame

# Three firms, two benefit criteria:      a      b
#                                 f1      1      2
#                                 f2      2      2
#                                 f3      3      5
FRAME = pl.DataFrame({"id": ["f1", "f2", "f3"], "a": [1.0, 2.0, 3.0], "b": [2.0, 2.0, 5.0]})
CRIT = [Criterion("a"), Criterion("b")]


def _hand_minmax_weights() -> tuple[float, float]:
    # min-max: a -> 0, 1/2, 1; shares p = 0, 1/3, 2/3;
    # e_a = -(1/3 ln 1/3 + 2/3 ln 2/3) / ln 3 = 0.579380; d_a = 1 - e_a = 0.420620;
    # w_a = 0.420620 / 1.420620 = 0.296082, w_b = 1 / 1.420620 = 0.703918
    # b -> 0, 0, 1; shares 0, 0, 1; e_b = -(1 ln 1) / ln 3 = 0; d_b = 1
    e_a = -(1 / 3 * math.log(1 / 3) + 2 / 3 * math.log(2 / 3)) / math.log(3)
    d_a, d_b = 1 - e_a, 1.0
    return d_a / (d_a + d_b), d_b / (d_a + d_b)


def test_hand_weights() -> None:
    w_a, w_b = _hand_minmax_weights()
    assert w_a == pytest.approx(0.296082, abs=1e-6) and w_b == pytest.approx(0.703918, abs=1e-6)


def test_entropy_weighted_topsis_by_hand() -> None:
    w_a, w_b = _hand_minmax_weights()
    out, weights = rank_frame(
        FRAME, CRIT, id_column="id", method="topsis", weighting="entropy", distances=True
    )
    assert weights == pytest.approx({"a": w_a, "b": w_b})
    # vector normalisation: a / sqrt(14), b / sqrt(33); f3 is best on both (D+ = 0, C = 1),
    # f1 worst on both (D- = 0, C = 0). f2: D- = w_a (2 - 1)/sqrt 14 (b ties with f1),
    # D+ = sqrt((w_a (3 - 2)/sqrt 14)^2 + (w_b (5 - 2)/sqrt 33)^2).
    d_minus_2 = w_a * 1 / math.sqrt(14)
    d_plus_2 = math.hypot(w_a * 1 / math.sqrt(14), w_b * 3 / math.sqrt(33))
    c2 = d_minus_2 / (d_plus_2 + d_minus_2)
    rows = {r["id"]: r for r in out.iter_rows(named=True)}
    assert rows["f3"]["score"] == pytest.approx(1.0) and rows["f3"]["d_plus"] == pytest.approx(0)
    assert rows["f1"]["score"] == pytest.approx(0.0) and rows["f1"]["d_minus"] == pytest.approx(0)
    assert rows["f2"]["d_minus"] == pytest.approx(d_minus_2)
    assert rows["f2"]["d_plus"] == pytest.approx(d_plus_2)
    assert rows["f2"]["score"] == pytest.approx(c2)
    # 0.079131 / (0.376032 + 0.079131) = 0.173853
    assert c2 == pytest.approx(0.173853, abs=1e-6)
    assert [r["id"] for r in out.iter_rows(named=True)] == ["f3", "f2", "f1"]


def test_sum_normalisation_weights_by_hand() -> None:
    # shares of raw values: a -> 1/6, 2/6, 3/6; b -> 2/9, 2/9, 5/9
    def e(ps: list[float]) -> float:
        return -sum(p * math.log(p) for p in ps) / math.log(3)

    d_a = 1 - e([1 / 6, 2 / 6, 3 / 6])
    d_b = 1 - e([2 / 9, 2 / 9, 5 / 9])
    _, weights = rank_frame(
        FRAME, CRIT, id_column="id", method="topsis", weighting="entropy", normalisation="sum"
    )
    assert weights["a"] == pytest.approx(d_a / (d_a + d_b))
    assert weights["b"] == pytest.approx(d_b / (d_a + d_b))
    # the two variants weigh differently: b dominates under min-max (0.70) less under sums
    assert weights["b"] < _hand_minmax_weights()[1]


def test_distances_only_when_asked_and_only_for_topsis() -> None:
    out, _ = rank_frame(FRAME, CRIT, id_column="id", method="topsis", weighting="entropy")
    assert out.columns == ["id", "score", "rank"]
    out, _ = rank_frame(
        FRAME, CRIT, id_column="id", method="weighted_sum", weighting="entropy", distances=True
    )
    assert out.columns == ["id", "score", "rank"]

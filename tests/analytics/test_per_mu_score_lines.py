"""亩均 ``score`` classes: a firm exactly on a class line gets the upper class ("C if S ≥ t_C"),
even where the float arithmetic lands a hair below the line.

By hand: 29 万元 tax on 100 亩 is 0.29 万元/亩, and 0.87 万元 on 3 亩 is also 0.29; against a
divisor of 1 and a weight of 100 both score 0.29 / 1 × 100 = 29 points, exactly the C line.
"""

from __future__ import annotations

import polars as pl
import pytest

from gaodi.analytics.per_mu import (
    ClassRule,
    assign_classes,
    evaluate_per_mu,
    per_mu_rules_from_dict,
)


def _rules(thresholds: list[float], *, weight: float = 100, benchmark: float = 1, cap=None):
    return per_mu_rules_from_dict(
        {
            "id": "t",
            "version": "1",
            "name_zh": "示例",
            "name_en": "Demo",
            "sources": {"s": {"title": "t"}},
            "indicators": {"tax_per_mu": {"numerator": "tax", "denominator": "land_mu"}},
            "schemes": [
                {
                    "id": "all",
                    "items": [
                        {
                            "indicator": "tax_per_mu",
                            "benchmark": benchmark,
                            "weight": weight,
                            "source": "s",
                        }
                    ],
                }
            ],
            "classes": {"method": "score", "thresholds": thresholds},
            **({"cap_multiple": cap} if cap is not None else {}),
        }
    )


def test_a_score_exactly_on_the_c_line_is_c_and_shown_as_29() -> None:
    df = pl.DataFrame({"enterprise": ["a", "b"], "tax": [29.0, 0.87], "land_mu": [100.0, 3.0]})
    out = evaluate_per_mu(df, _rules([120, 80, 29])).select("enterprise", "score", "class")
    assert out.rows() == [("a", 29.0, "C"), ("b", 29.0, "C")]


@pytest.mark.parametrize(
    ("tax", "land", "benchmark", "weight", "line"),
    [
        (0.3, 1.0, 0.1, 10, 30),  # 0.3 / 0.1 * 10 = 30 (floats: 29.999999999999996)
        (0.7, 10.0, 0.07, 80, 80),  # 0.07 / 0.07 * 80 = 80
        (2.03, 7.0, 0.29, 29, 29),  # 0.29 / 0.29 * 29 = 29
    ],
)
def test_every_line_is_inclusive(tax, land, benchmark, weight, line) -> None:
    df = pl.DataFrame({"enterprise": ["x"], "tax": [tax], "land_mu": [land]})
    upper = {120: "A", 80: "B", 30: "C", 29: "C"}
    thresholds = [120, 80, 30] if line == 30 else [120, 80, 29]
    row = evaluate_per_mu(df, _rules(thresholds, weight=weight, benchmark=benchmark)).row(
        0, named=True
    )
    assert row["score"] == line
    assert row["class"] == upper[line]


def test_a_score_just_below_the_line_stays_below() -> None:
    df = pl.DataFrame({"enterprise": ["x"], "tax": [28.9999999], "land_mu": [100.0]})
    assert evaluate_per_mu(df, _rules([120, 80, 29]))["class"].to_list() == ["D"]


def test_assign_classes_on_given_scores_takes_them_as_written() -> None:
    frame = pl.DataFrame({"score": [0.1 + 0.2, 0.3, 0.29]})
    # 0.1 + 0.2 is 0.30000000000000004: above the line 0.3; 0.3 is on it; 0.29 below it
    out = assign_classes(frame, ClassRule("score", (1.0, 0.5, 0.3)))
    assert out["class"].to_list() == ["C", "C", "D"]

"""Tier arithmetic at the edges, against hand-computed values (issue [11] item 3).

Every expected value below is worked out by hand in the comment next to it; the float
expressions that go wrong are asserted too, so the tests show what the decimal path fixes.
"""

from __future__ import annotations

import math
from decimal import Decimal

import polars as pl
import pytest

from gaodi.analytics.rulefiles import load_rule_set
from gaodi.analytics.ruleset import compare, dec, evaluate, evaluate_frame, rule_set_from_dict
from gaodi.core.errors import ValidationError
from gaodi.enterprises.records import exact_figures


def _fig(**kw: float | None) -> dict[str, float | None]:
    names = (
        "revenue_growth",
        "main_revenue_growth",
        "main_revenue_growth_2y_cagr",
        "main_revenue_growth_2y_mean",
        "rd_intensity",
        "rd_intensity_min_2y",
    )
    args = {
        k: kw.get(k)
        for k in (
            "revenue",
            "revenue_1",
            "main_revenue",
            "main_revenue_1",
            "main_revenue_2",
            "rd_spend",
            "rd_spend_1",
        )
    }
    return dict(zip(names, exact_figures(**args), strict=True))


# ------------------------------------------------------------------ the 15 % growth band
def test_growth_of_exactly_15_percent_scores_20_points() -> None:
    # 23000 / 20000 − 1 = 3000 / 20000 = 0.15 exactly: the band "15%以上" (>= 15 %) → 20 分.
    assert 23000 / 20000 - 1 < 0.15  # the float expression loses it (0.1499999999999999)
    f = _fig(main_revenue=23000.0, main_revenue_1=20000.0)
    assert f["main_revenue_growth"] == 0.15
    rs = load_rule_set("innovative_sme")
    e = evaluate(rs, {"main_revenue_growth": f["main_revenue_growth"]})
    points = {p.id: p for p in e.points}
    assert points["main_revenue_growth"].points == 20
    # one 万元 less is 14.995 %: the 10 %–15 % band, 15 分
    g = _fig(main_revenue=22999.0, main_revenue_1=20000.0)["main_revenue_growth"]
    assert g == pytest.approx(0.14995)
    e = evaluate(rs, {"main_revenue_growth": g})
    assert {p.id: p.points for p in e.points}["main_revenue_growth"] == 15


def test_frame_agrees_with_the_scalar_evaluator_on_exact_ties() -> None:
    # innovative_sme derives rd_intensity = rd_spend / revenue. 600.3 / 12006 = 0.05 exactly
    # (12006 × 0.05 = 600.3) → "5%以上" → 20 分; but the float quotient is 0.049999999999999996.
    # 3.5 / 70 = 0.05 too (float gets it right); 599 / 12006 = 4.989 % → "3%-5%" → 15 分.
    assert 600.3 / 12006 < 0.05
    rs = load_rule_set("innovative_sme")
    frame = pl.DataFrame(
        {"rd_spend": [600.3, 3.5, 599.0, None], "revenue": [12006.0, 70.0, 12006.0, 100.0]}
    )
    out = evaluate_frame(rs, frame)
    assert out["points__rd_intensity"].to_list() == [20.0, 20.0, 15.0, None]
    for i in range(frame.height):
        scalar = evaluate(rs, frame.row(i, named=True))
        pts = {p.id: p.points for p in scalar.points}
        assert out["points__rd_intensity"][i] == pts["rd_intensity"]
        assert out["score_min"][i] == scalar.score_min
        assert out["score_max"][i] == scalar.score_max


def test_decimal_comparison_reads_figures_as_written() -> None:
    assert dec(0.15) == Decimal("0.15")
    assert compare(0.15, ">=", 0.15)
    assert compare(Decimal("0.15"), ">=", 0.15)
    assert not compare(Decimal("0.1499999999999999"), ">=", 0.15)
    # between and in compare decimals too: 0.1 + 0.2 is 0.30000000000000004 as a float
    assert not compare(0.1 + 0.2, "between", [0.1, 0.3])
    assert compare(dec(0.1) + dec(0.2), "between", [0.1, 0.3])
    assert compare(True, "==", True) and not compare(False, "==", True)


def test_derived_ratio_is_decimal_and_shown_as_float() -> None:
    rs = rule_set_from_dict(
        {
            "id": "d",
            "version": "1",
            "name_zh": "示例",
            "name_en": "D",
            "sources": {"s": {"title": "t"}},
            "fields": {"a": {}, "b": {}},
            "derived": {"r": {"op": "ratio", "of": ["a", "b"]}},
            "rule": {
                "id": "root",
                "items": [{"id": "x", "metric": "r", "op": ">=", "threshold": 0.05, "source": "s"}],
            },
        }
    )
    e = evaluate(rs, {"a": 600.3, "b": 12006})
    assert e.qualifies
    c = e.criterion("x")
    assert isinstance(c.actual, float) and c.actual == 0.05


# ------------------------------------------------------------------ missing R&D
def test_missing_current_rd_is_unknown_never_last_years_ratio() -> None:
    # rd_spend missing this year, 300 of 10000 last year (3 %): this year's intensity and the
    # two-year minimum are both unknown.
    f = _fig(revenue=12000.0, revenue_1=10000.0, rd_spend=None, rd_spend_1=300.0)
    assert f["rd_intensity"] is None
    assert f["rd_intensity_min_2y"] is None
    # both years known: min(360/12000, 300/10000) = min(3 %, 3 %) = 0.03
    f = _fig(revenue=12000.0, revenue_1=10000.0, rd_spend=360.0, rd_spend_1=300.0)
    assert f["rd_intensity"] == 0.03 and f["rd_intensity_min_2y"] == 0.03
    # srdi: R&D >= 3 % of revenue is undetermined without this year's R&D, not passed
    rs = load_rule_set("srdi_sme")
    e = evaluate(rs, {"revenue": 12000.0})
    assert e.criterion("rd_intensity").met is None
    assert "rd_intensity" in e.missing


def test_revenue_of_zero_or_missing_gives_unknown_ratios() -> None:
    f = _fig(revenue=0.0, rd_spend=10.0, main_revenue=5.0, main_revenue_1=0.0)
    assert f["rd_intensity"] is None and f["main_revenue_growth"] is None
    assert all(v is None for v in _fig().values())


# ------------------------------------------------------------------ the 2-year growth reading
def test_two_readings_of_the_two_year_average_growth() -> None:
    # 100 → 130 → 109.2: growth 30 % then 109.2 / 130 − 1 = −16 %.
    # mean = (30 % − 16 %) / 2 = 7 %; cagr = √(109.2 / 100) − 1 = √1.092 − 1 = 4.4988 %.
    f = _fig(main_revenue=109.2, main_revenue_1=130.0, main_revenue_2=100.0)
    assert f["main_revenue_growth_2y_mean"] == 0.07
    assert f["main_revenue_growth_2y_cagr"] == pytest.approx(math.sqrt(1.092) - 1, abs=1e-15)
    cagr = load_rule_set("little_giant")
    mean = load_rule_set("little_giant", {"growth_2y_reading": "mean"})
    assert cagr.parameters["growth_2y_reading"].value == "cagr"  # the documented default
    metric = [
        next(c.metric for c in r.criteria if c.id == "main_revenue_growth") for r in (cagr, mean)
    ]
    assert metric == ["main_revenue_growth_2y_cagr", "main_revenue_growth_2y_mean"]
    rec = {k: v for k, v in f.items() if v is not None}
    # the criterion "不低于5%": fails under cagr (4.50 %), passes under mean (7 %)
    assert evaluate(cagr, rec).criterion("main_revenue_growth").met is False
    assert evaluate(mean, rec).criterion("main_revenue_growth").met is True
    # equal growth both years: both readings agree (100 → 110 → 121: 10 %)
    g = _fig(main_revenue=121.0, main_revenue_1=110.0, main_revenue_2=100.0)
    assert g["main_revenue_growth_2y_cagr"] == g["main_revenue_growth_2y_mean"] == 0.1


def test_a_parameter_outside_its_choices_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        load_rule_set("little_giant", {"growth_2y_reading": "geometric"})
    assert "cagr" in err.value.zh and "cagr" in err.value.en
    with pytest.raises(ValidationError):
        load_rule_set("little_giant", {"no_such_parameter": "x"})

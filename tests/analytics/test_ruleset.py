"""Tests for the generic rule-set evaluator (gaodi.analytics.ruleset / ruleset_frame)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaodi.analytics.rulefiles import load_rule_set
from gaodi.analytics.ruleset import (
    evaluate,
    evaluate_frame,
    is_effective,
    rule_set_from_dict,
    shortfall,
)
from gaodi.core.errors import ValidationError

SRC = {"s": {"title": "test source", "urls": ["https://example.org/rules"]}}
FIELDS = {
    "revenue": {"unit": "万元"},
    "rd_spend": {"unit": "万元"},
    "debt": {"unit": "ratio"},
    "years": {"unit": "年"},
    "flag": {"kind": "bool"},
    "code": {"kind": "text"},
    "growth": {"unit": "ratio"},
}


def demo_rules(**over: Any) -> dict[str, Any]:
    """A small rule set exercising every operator, group mode, a derived metric and points."""
    data: dict[str, Any] = {
        "id": "demo",
        "version": "1",
        "name_zh": "示例",
        "name_en": "Demo",
        "effective_from": "2022-08-01",
        "sources": SRC,
        "fields": FIELDS,
        "derived": {"rd_intensity": {"op": "ratio", "of": ["rd_spend", "revenue"]}},
        "score_groups": [{"id": "g1", "max": 20}, {"id": "g2", "max": 10}],
        "points": [
            {
                "id": "p_rd",
                "group": "g1",
                "source": "s",
                "table": [
                    {"metric": "rd_intensity", "op": ">=", "threshold": 0.05, "points": 20},
                    {
                        "any": [
                            {"metric": "rd_intensity", "op": ">=", "threshold": 0.03},
                            {"metric": "rd_spend", "op": ">=", "threshold": 500},
                        ],
                        "points": 10,
                    },
                ],
                "otherwise": 0,
            },
            {
                "id": "p_debt",
                "group": "g2",
                "source": "s",
                "table": [{"metric": "debt", "op": "<=", "threshold": 0.5, "points": 10}],
                "otherwise": 2,
            },
        ],
        "rule": {
            "id": "root",
            "mode": "all",
            "items": [
                {"id": "rev", "metric": "revenue", "op": ">=", "threshold": 1000, "source": "s"},
                {"id": "debt", "metric": "debt", "op": "<=", "threshold": 0.7, "source": "s"},
                {
                    "id": "two_of_three",
                    "mode": "at_least",
                    "k": 2,
                    "items": [
                        {
                            "id": "yrs",
                            "metric": "years",
                            "op": "between",
                            "threshold": [2, 10],
                            "source": "s",
                        },
                        {
                            "id": "flag",
                            "metric": "flag",
                            "op": "==",
                            "threshold": True,
                            "source": "s",
                        },
                        {
                            "id": "code",
                            "metric": "code",
                            "op": "in",
                            "threshold": ["C35", "C36"],
                            "source": "s",
                        },
                    ],
                },
                {
                    "id": "score_or_growth",
                    "mode": "any",
                    "items": [
                        {
                            "id": "score",
                            "metric": "score",
                            "op": ">=",
                            "threshold": 20,
                            "source": "s",
                        },
                        {
                            "id": "growth",
                            "metric": "growth",
                            "op": ">",
                            "threshold": 0.1,
                            "source": "s",
                        },
                    ],
                },
            ],
        },
    }
    data.update(over)
    return data


RS = rule_set_from_dict(demo_rules())
GOOD = {
    "revenue": 2000,
    "rd_spend": 100,
    "debt": 0.4,
    "years": 3,
    "flag": True,
    "code": "C35",
    "growth": 0.0,
}


def test_all_pass() -> None:
    # rd_intensity = 100 / 2000 = 0.05 -> 20 points; debt 0.4 <= 0.5 -> 10; score 30 >= 20
    e = evaluate(RS, GOOD)
    assert e.qualifies and e.determined and not e.nearly_qualifies
    assert (e.score, e.group_scores) == (30.0, {"g1": 20.0, "g2": 10.0})
    assert e.missed == () and e.missed_count == 0
    assert e.criterion("score").actual == 30.0


def test_shortfall_and_nearly() -> None:
    # revenue 900 misses 1000 by 100 (10 %): one near miss -> nearly qualifies
    e = evaluate(RS, {**GOOD, "revenue": 900})
    c = e.criterion("rev")
    assert (c.met, c.actual, c.threshold, c.shortfall) == (False, 900, 1000, 100.0)
    assert c.relative_shortfall == pytest.approx(0.1)
    assert not e.qualifies and e.determined and e.nearly_qualifies
    assert e.missed == ("rev",) and e.near_missed == ("rev",) and e.missed_count == 1
    # but rd_intensity = 100/900 = 0.111 -> still 20 points: the derived metric follows revenue
    assert e.score == 30.0
    # revenue 700 misses by 30 % > 20 %: not nearly
    e = evaluate(RS, {**GOOD, "revenue": 700})
    assert not e.nearly_qualifies and e.missed == ("rev",)
    # a wider margin makes it near
    assert evaluate(RS, {**GOOD, "revenue": 700}, near_margin=0.3).nearly_qualifies
    # debt 0.8 > 0.7: shortfall 0.1 (in the metric's unit), relative 0.1 / 0.7
    e = evaluate(RS, {**GOOD, "debt": 0.8})
    assert e.criterion("debt").shortfall == pytest.approx(0.1)
    assert e.criterion("debt").relative_shortfall == pytest.approx(0.1 / 0.7)
    # two near misses: not nearly unless max_missed = 2
    two = {**GOOD, "revenue": 950, "debt": 0.72}
    assert evaluate(RS, two).missed_count == 2
    assert not evaluate(RS, two).nearly_qualifies
    assert evaluate(RS, two, max_missed=2).nearly_qualifies


def test_between_in_and_at_least() -> None:
    # years 12 is 2 above [2, 10]: relative to the violated bound 10 -> 0.2
    assert shortfall(12, "between", (2, 10)) == (2, 0.2)
    assert shortfall(1, "between", (2, 10)) == (1, 0.5)
    assert shortfall("C20", "in", ("C35",)) == (None, None)
    assert shortfall(False, "==", True) == (None, None)
    # at_least 2 of 3: years out of range but flag and code hold -> still passes
    e = evaluate(RS, {**GOOD, "years": 12})
    assert e.qualifies and e.groups["two_of_three"] is True
    # two of three fail -> group fails; cheapest fix is years (rel 0.2) over booleans/codes
    e = evaluate(RS, {**GOOD, "years": 12, "flag": False})
    assert e.groups["two_of_three"] is False and e.missed == ("yrs",) and e.nearly_qualifies


def test_kleene_logic_with_missing_data() -> None:
    # missing revenue: criterion undetermined, root undetermined
    rec = {k: v for k, v in GOOD.items() if k != "revenue"}
    e = evaluate(RS, rec)
    assert e.criterion("rev").met is None and e.criterion("rev").shortfall is None
    assert not e.qualifies and not e.determined and "rev" in e.missing
    assert e.missed == () and e.missed_count == 0  # nothing known to be missed
    assert not e.nearly_qualifies  # missing data is not a near miss
    # a known failure decides the all-group even with missing data elsewhere
    e = evaluate(RS, {**rec, "debt": 0.9})
    assert e.determined and not e.qualifies
    # any-group: one True decides it although the other is missing
    e = evaluate(RS, {**GOOD, "growth": None, "debt": 0.6})
    # debt 0.6 > 0.5 -> otherwise 2 points; score 22 >= 20 -> True; growth missing is harmless
    assert e.qualifies and e.groups["score_or_growth"] is True
    # NaN counts as missing
    assert evaluate(RS, {**GOOD, "revenue": math.nan}).criterion("rev").met is None


def test_score_ranges_with_missing_points_data() -> None:
    # debt missing: p_debt in {10, 2}; debt criterion undetermined
    e = evaluate(RS, {**GOOD, "debt": None})
    assert (e.score, e.score_min, e.score_max) == (None, 22.0, 30.0)
    assert e.criterion("score").met is True  # 22 >= 20 whatever the debt
    assert e.group_scores == {"g1": 20.0, "g2": None}
    # rd_spend missing: rd_intensity missing too; range {20, 10, 0} -> score in [2+0, 10+20]
    e = evaluate(RS, {**GOOD, "rd_spend": None, "growth": 0.0})
    assert (e.score_min, e.score_max) == (10.0, 30.0)
    assert e.criterion("score").met is None and not e.determined
    # first-match: a known True row fixes the points although a later row's data is missing
    e = evaluate(RS, {**GOOD, "rd_spend": 600, "revenue": 10000})
    # rd_intensity = 0.06 >= 0.05 -> 20 (row 2 never consulted)
    assert e.points[0].points == 20.0


def test_reported_value_wins_over_derived_formula() -> None:
    # rd_intensity reported as 0.01 although rd_spend / revenue = 0.05 -> 0 points, not 20
    e = evaluate(RS, {**GOOD, "rd_intensity": 0.01})
    assert e.points[0].points == 0.0
    # division by zero in the formula -> missing, not inf
    assert evaluate(RS, {**GOOD, "revenue": 0}).points[0].points is None


def test_dataclass_record_and_effective_dates() -> None:
    @dataclass
    class Firm:
        revenue: float
        debt: float

    e = evaluate(RS, Firm(revenue=2000, debt=0.4))
    assert e.criterion("rev").met is True and not e.determined
    assert not is_effective(RS, date(2022, 7, 31)) and is_effective(RS, date(2022, 8, 1))


@pytest.mark.parametrize(
    ("patch", "fragment"),
    [
        (
            {
                "rule": {
                    "id": "r",
                    "items": [
                        {"id": "a", "metric": "revenue", "op": "~", "threshold": 1, "source": "s"}
                    ],
                }
            },
            "operator",
        ),
        (
            {
                "rule": {
                    "id": "r",
                    "items": [
                        {"id": "a", "metric": "nope", "op": ">=", "threshold": 1, "source": "s"}
                    ],
                }
            },
            "metric",
        ),
        (
            {
                "rule": {
                    "id": "r",
                    "items": [
                        {"id": "a", "metric": "revenue", "op": ">=", "threshold": 1, "source": "x"}
                    ],
                }
            },
            "source",
        ),
        (
            {
                "rule": {
                    "id": "r",
                    "items": [
                        {"id": "r", "metric": "revenue", "op": ">=", "threshold": 1, "source": "s"}
                    ],
                }
            },
            "duplicate",
        ),
        (
            {
                "rule": {
                    "id": "r",
                    "items": [
                        {
                            "id": "a",
                            "metric": "revenue",
                            "op": "between",
                            "threshold": [5, 1],
                            "source": "s",
                        }
                    ],
                }
            },
            "between",
        ),
        (
            {
                "rule": {
                    "id": "r",
                    "items": [
                        {
                            "id": "a",
                            "metric": "revenue",
                            "op": ">=",
                            "threshold": "x",
                            "source": "s",
                        }
                    ],
                }
            },
            "numeric",
        ),
        (
            {
                "rule": {
                    "id": "r",
                    "mode": "at_least",
                    "k": 3,
                    "items": [
                        {"id": "a", "metric": "revenue", "op": ">=", "threshold": 1, "source": "s"}
                    ],
                }
            },
            "group",
        ),
        ({"sources": {}}, "source"),
    ],
)
def test_validation_errors(patch: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        rule_set_from_dict(demo_rules(**patch))
    assert fragment in err.value.en


def test_score_metric_needs_points() -> None:
    with pytest.raises(ValidationError):
        rule_set_from_dict(demo_rules(points=[], score_groups=[]))


# ------------------------------------------------------------------ frame == scalar
def _frame_row(rs: Any, rec: dict[str, Any]) -> dict[str, Any]:
    return evaluate_frame(rs, pl.DataFrame([rec], schema=_schema(rs)), detail=True).row(
        0, named=True
    )


def _schema(rs: Any) -> dict[str, Any]:
    kinds = {"number": pl.Float64, "bool": pl.Boolean, "text": pl.String}
    return {name: kinds[f.kind] for name, f in rs.fields.items()}


def _assert_same(rs: Any, recs: list[dict[str, Any]]) -> None:
    frame = pl.DataFrame(recs, schema=_schema(rs))
    out = evaluate_frame(rs, frame, detail=True)
    for rec, row in zip(recs, out.iter_rows(named=True), strict=True):
        e = evaluate(rs, rec)
        assert row["qualifies"] == e.qualifies
        assert row["determined"] == e.determined
        assert row["nearly_qualifies"] == e.nearly_qualifies
        assert row["missed_count"] == e.missed_count
        if rs.points:
            # entered points (value_of) can be fractional: the frame and the scalar add the
            # items in different orders, which may differ in the last bit (85.01 vs
            # 85.00999999999999); a decision at a threshold is re-decided exactly (close calls)
            got = (row["score"], row["score_min"], row["score_max"])
            want = (e.score, e.score_min, e.score_max)
            assert [g is None for g in got] == [w is None for w in want]
            assert [g for g in got if g is not None] == pytest.approx(
                [w for w in want if w is not None], rel=1e-12, abs=1e-9
            )
        for c in e.criteria:
            assert row[f"met__{c.id}"] == c.met, c.id
            if c.shortfall is None:
                assert row[f"shortfall__{c.id}"] is None, c.id
            else:
                assert row[f"shortfall__{c.id}"] == pytest.approx(c.shortfall), c.id


def test_frame_matches_scalar_on_fixed_cases() -> None:
    recs = [
        dict(GOOD),
        {**GOOD, "revenue": 900},
        {**GOOD, "revenue": None},
        {**GOOD, "debt": None},
        {**GOOD, "years": 12, "flag": False},
        {**GOOD, "rd_spend": None, "growth": 0.0},
        {**GOOD, "revenue": 0.0},
    ]
    _assert_same(RS, recs)
    out = evaluate_frame(
        RS, pl.DataFrame({"id": [1, 2], "revenue": [2000.0, 900.0]}), id_column="id", detail=False
    )
    assert out.columns[0] == "id" and out["determined"].to_list() == [False, True]


def _value(kind: str, name: str) -> st.SearchStrategy[Any]:
    if kind == "bool":
        return st.one_of(st.none(), st.booleans())
    if kind == "text":
        return st.one_of(st.none(), st.sampled_from(["C35", "C36", "C20"]))
    # numbers near the thresholds in use, with missing values
    grid = [
        0.0,
        0.01,
        0.03,
        0.05,
        0.1,
        0.5,
        0.55,
        0.7,
        0.75,
        0.9,
        1,
        2,
        3,
        10,
        12,
        60,
        100,
        500,
        999,
        1000,
        2000,
        5000,
        8000,
        10000,
    ]
    return st.one_of(st.none(), st.sampled_from(grid), st.floats(0, 20000, allow_nan=False))


@st.composite
def records(draw: st.DrawFn, rs: Any) -> dict[str, Any]:
    return {name: draw(_value(f.kind, name)) for name, f in rs.fields.items()}


TIER_SETS = ["innovative_sme", "srdi_sme", "little_giant", "champion", "above_scale"]


@pytest.mark.parametrize("name", ["demo", *TIER_SETS])
def test_frame_matches_scalar_property(name: str) -> None:
    rs = RS if name == "demo" else load_rule_set(name)

    # few examples, many records each: the cost is per evaluate_frame call, not per row
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(records(rs), min_size=1, max_size=25))
    def check(recs: list[dict[str, Any]]) -> None:
        _assert_same(rs, recs)

    check()

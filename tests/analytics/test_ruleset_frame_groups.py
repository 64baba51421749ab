"""``evaluate_frame(..., groups=...)``: a group's state as a column, row for row the scalar
evaluator's ``Evaluation.groups`` (Kleene three-valued: True, False, None).

The group that matters is the SME size test ``sme_size`` of 创新型中小企业, 专精特新中小企业 and
小巨人 (gaodi/analytics/rules/tiers/*.yaml, citing 工信部联企业〔2011〕300号 and the NBS 2017
table, 国统字〔2017〕213号: an industrial firm is large when BOTH 从业人员 >= 1000 AND 营业收入 >=
40000 万元; a non-industrial firm's size is the entered ``sme_by_sector_row``). The cases by hand
sit on and around both floors; the random ones draw every field of the rule file.
"""

from __future__ import annotations

import itertools
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaodi.analytics.rulefiles import load_rule_set
from gaodi.analytics.ruleset import evaluate, evaluate_frame, rule_set_from_dict
from gaodi.analytics.ruleset_frame import group_ids
from gaodi.core.errors import ValidationError
from tests.analytics.test_ruleset import _value

SME_TIERS = ["innovative_sme", "srdi_sme", "little_giant"]
EMPLOYEES = [None, 0, 999, 1000, 1001]
REVENUE = [None, 0.0, 39999.99, 40000.0, 40000.01, 3532277.0]

#: (is_industrial, employees, revenue 万元, sme_by_sector_row) -> sme_size, by hand
BY_HAND: list[tuple[bool | None, int | None, float | None, bool | None, bool | None]] = [
    (True, 1000, 40000.0, None, False),  # on both floors: large ("须同时满足所列指标的下限")
    (True, 18702, 3532277.0, None, False),  # the audit's 353亿元 firm
    (True, 999, 40000.0, None, True),  # one employee under: medium
    (True, 1000, 39999.99, None, True),  # 0.01 万元 under: medium
    (True, None, 40000.0, None, None),  # employees unknown, revenue on the floor
    (True, None, 39999.99, None, True),  # revenue under settles it alone
    (True, 1000, None, None, None),
    (False, 5000, 900000.0, True, True),  # non-industrial: its sector's row decides
    (False, 5, 30.0, False, False),  # entered as large by its sector's row
    (False, 5, 30.0, None, None),  # not entered
    (None, 5, 30.0, None, None),  # no industry code
    (None, 5, 30.0, False, None),  # could still be an industrial SME
    (None, 5000, 900000.0, False, False),  # large whichever row applies
]


def _frame(rs: Any, recs: list[dict[str, Any]]) -> pl.DataFrame:
    kinds = {"number": pl.Float64, "bool": pl.Boolean, "text": pl.String}
    return pl.DataFrame(recs, schema={n: kinds[f.kind] for n, f in rs.fields.items()})


def _assert_groups(rs: Any, recs: list[dict[str, Any]], groups: tuple[str, ...]) -> pl.DataFrame:
    out = evaluate_frame(rs, _frame(rs, recs), detail=False, groups=groups)
    for g in groups:
        assert out.schema[f"group__{g}"] == pl.Boolean
    for rec, row in zip(recs, out.iter_rows(named=True), strict=True):
        e = evaluate(rs, rec)
        for g in groups:
            assert row[f"group__{g}"] is e.groups[g], (g, rec)
        assert (row["qualifies"], row["determined"]) == (e.qualifies, e.determined), rec
    return out


@pytest.mark.parametrize("name", SME_TIERS)
def test_size_column_by_hand(name: str) -> None:
    rs = load_rule_set(name)
    recs = [
        {
            **{f: None for f in rs.fields},
            "is_industrial": ind,
            "employees": emp,
            "revenue": rev,
            "sme_by_sector_row": row,
        }
        for ind, emp, rev, row, _ in BY_HAND
    ]
    out = _assert_groups(rs, recs, ("sme_size",))
    assert out["group__sme_size"].to_list() == [want for *_, want in BY_HAND]
    # a large firm is never counted as qualifying or nearly qualifying
    large = out.filter(pl.col("group__sme_size").not_())
    assert large.height == sum(want is False for *_, want in BY_HAND)
    assert not large["qualifies"].any() and not large["nearly_qualifies"].any()


@pytest.mark.parametrize("name", SME_TIERS)
def test_size_column_on_every_combination(name: str) -> None:
    """Every combination of the size inputs, the other fields missing or all favourable."""
    rs = load_rule_set(name)
    recs = [
        {
            **{f: None for f in rs.fields},
            "is_industrial": ind,
            "employees": emp,
            "revenue": rev,
            "sme_by_sector_row": row,
        }
        for ind, emp, rev, row in itertools.product(
            [True, False, None], EMPLOYEES, REVENUE, [True, False, None]
        )
    ]
    out = _assert_groups(rs, recs, ("sme_size",))
    assert set(out["group__sme_size"].to_list()) == {True, False, None}


@st.composite
def _records(draw: st.DrawFn, rs: Any) -> dict[str, Any]:
    rec = {name: draw(_value(f.kind, name)) for name, f in rs.fields.items()}
    rec["employees"] = draw(st.sampled_from(EMPLOYEES))
    rec["revenue"] = draw(st.one_of(st.sampled_from(REVENUE), st.floats(0, 60000)))
    return rec


@pytest.mark.parametrize("name", [*SME_TIERS, "champion", "above_scale"])
def test_every_group_matches_scalar_property(name: str) -> None:
    """Every group of every shipped rule set, on random records (close calls re-decided by the
    scalar evaluator included)."""
    rs = load_rule_set(name)
    every = group_ids(rs)
    assert every[0] == rs.root.id
    assert ("sme_size" in every) is (name in SME_TIERS)

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(_records(rs), min_size=1, max_size=25))
    def check(recs: list[dict[str, Any]]) -> None:
        _assert_groups(rs, recs, every)

    check()


def test_no_groups_asked_no_columns_and_unknown_group_refused() -> None:
    rs = rule_set_from_dict(
        {
            "id": "d",
            "version": "1",
            "name_zh": "示例",
            "name_en": "Demo",
            "sources": {"s": {"title": "t"}},
            "fields": {"revenue": {}},
            "rule": {
                "id": "r",
                "mode": "all",
                "items": [
                    {"id": "rev", "metric": "revenue", "op": ">=", "threshold": 1, "source": "s"}
                ],
            },
        }
    )
    frame = pl.DataFrame({"revenue": [2.0]})
    assert not [c for c in evaluate_frame(rs, frame).columns if c.startswith("group__")]
    # a criterion is no group; a typo is said, not answered with a column of nulls
    for wrong in ("rev", "sme_size"):
        with pytest.raises(ValidationError) as err:
            evaluate_frame(rs, frame, groups=(wrong,))
        assert wrong in err.value.zh and wrong in (err.value.en or "")

"""A target's stored path (Target.path): read from the plan's wording, editable, used by the
board and explained in its reason. Hand-computed on a level target that doubles in a year."""

from __future__ import annotations

import math

import pydantic
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from gaodi.db import session_scope
from gaodi.plans import service
from gaodi.plans.models import Indicator, Target
from gaodi.plans.paths import TARGET_PATHS, path_from_text
from gaodi.plans.schemas import TargetUpdate
from gaodi.text.schema import PlanExtraction

from .conftest import ADMIN, obs

ROOT2 = 1000 * math.sqrt(2)  # 1414.2135623730951: the compound path half-way to doubling


def _stock_target(session: Session, plan_id: int, path: str, quote: str | None = None) -> int:
    """产业规模 (亿元, point level): baseline 1000 (2022), target 2000 (2023); the window is
    2023-01..2023-12 (12 months); June's value is 1000·√2, exactly on the compound path."""
    ind = session.scalar(select(Indicator).where(Indicator.code == "stock"))
    if ind is None:
        ind = Indicator(
            code="stock",
            name="产业规模",
            unit="亿元",
            aggregation="point",
            kind="level",
            direction="higher",
            frequency="monthly",
        )
        session.add(ind)
        session.flush()
        session.add(obs(ind.id, "2023-06", ROOT2, "current"))
    t = Target(
        plan_id=plan_id,
        indicator_id=ind.id,
        indicator_name="产业规模",
        value=2000,
        unit="亿元",
        year=2023,
        baseline=1000,
        baseline_year=2022,
        quote=quote,
        path=path,
    )
    session.add(t)
    session.flush()
    return t.id


def _row(session: Session, target_id: int):  # type: ignore[no-untyped-def]
    board = service.board(session, ADMIN, "2023-06", forecasts=False)
    return next(r for a in board.actions for r in a.rows if r.target_id == target_id)


def test_the_plan_wording_states_the_path() -> None:
    assert path_from_text("工业总产值年均增长10%，2025年达到3000亿元") == ("compound", "年均增长")
    assert path_from_text("到2025年实现翻一番") == ("compound", "翻一番")
    assert path_from_text("每年新增规上工业企业100家") == ("linear", "每年新增")
    assert path_from_text("到2025年产值达到3000亿元") == ("auto", None)
    assert path_from_text(None) == ("auto", None)


def test_each_path_judges_the_same_numbers_its_own_way(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    auto = _stock_target(session, ids.plan_id, "auto")
    compound = _stock_target(session, ids.plan_id, "compound", "产业规模年均增长一倍")
    linear = _stock_target(session, ids.plan_id, "linear")
    milestone = _stock_target(session, ids.plan_id, "milestone")
    # compound (the rule file's choice for a level with a baseline, and stated here):
    # CAGR_o = (√2)^(12/6) − 1 = 1, CAGR_r = 2^(12/12) − 1 = 1, ratio 1 -> green
    for tid in (auto, compound):
        r = _row(session, tid)
        assert (r.basis, r.status) == ("compound", "green") and r.ratio == 1.0
        assert r.expected_value == pytest.approx(ROOT2)
    # linear: completion (1414.21 − 1000)/1000 = 0.41421 against τ = 6/12: ratio 0.8284 -> red
    r = _row(session, linear)
    assert (r.basis, r.status) == ("schedule", "red")
    assert r.ratio == pytest.approx((ROOT2 - 1000) / 1000 / 0.5)
    assert r.expected_value == pytest.approx(1500)
    # milestone: not met (1414 < 2000), τ = 0.5 below the 0.75 risk line -> not yet due
    r = _row(session, milestone)
    assert (r.basis, r.status, r.reason) == ("milestone", "not_due", "milestone_not_due")
    # the reason says which path and why
    assert _row(session, auto).reason_zh.endswith(
        "按复合增长路径评价（规则推断：有基期的总量目标按复合增长）"
    )
    assert _row(session, compound).reason_zh.endswith("按复合增长路径评价（计划原文“年均增长”）")
    assert _row(session, linear).reason_en.endswith("judged on the linear path (set on the target)")
    assert "按一次达成（里程碑）评价（目标设定）" in _row(session, milestone).reason_zh
    assert _row(session, auto).path == "auto" and _row(session, linear).path == "linear"


def test_the_detail_chart_draws_the_stored_path(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    linear = _stock_target(session, ids.plan_id, "linear")
    compound = _stock_target(session, ids.plan_id, "compound")
    june = {
        tid: next(
            p
            for p in service.target_detail(session, ADMIN, tid, "2023-06").series
            if p.period == "2023-06"
        )
        for tid in (linear, compound)
    }
    assert june[linear].expected == pytest.approx(1500)  # 1000 + 6/12·1000
    assert june[compound].expected == pytest.approx(ROOT2)  # 1000·2^(6/12)
    assert june[linear].actual == june[compound].actual == pytest.approx(ROOT2)


def test_a_count_of_one_stated_linear_is_no_milestone(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    target = session.get(Target, ids.t_firms)
    # 10 -> 11 adds one item: a milestone by the rules; stated linear it has a schedule
    target.value = 11
    session.flush()
    assert _row(session, ids.t_firms).basis == "milestone"
    target.path = "linear"
    session.flush()
    r = _row(session, ids.t_firms)
    # whole items: floor(0.5·1)/1 = 0 due by June: nothing expected yet, 12 ≥ 10 -> green
    assert (r.basis, r.reason, r.status) == ("schedule", "nothing_expected", "green")


LEVEL = {
    "indicator": "先进制造业产值",
    "value": 3000,
    "value_max": None,
    "unit": "亿元",
    "year": 2023,
    "comparator": ">=",
    "action": None,
}


def test_load_sets_the_path_from_the_quote_and_review_edits_it(sqlite_db: Engine) -> None:
    extraction = PlanExtraction.model_validate(
        {
            "title": "某市行动计划(2021—2023年)",
            "actions": [],
            "targets": [
                {**LEVEL, "quote": "先进制造业产值年均增长12%，2023年达到3000亿元"},
                {
                    **LEVEL,
                    "indicator": "规上企业数",
                    "unit": "家",
                    "value": 300,
                    "quote": "每年新增规上企业100家",
                },
                {**LEVEL, "indicator": "软件业收入", "quote": "软件业收入达到3000亿元"},
            ],
            "qualitative": [],
        }
    )
    with session_scope(sqlite_db, actor="t") as s:
        plan = service.load_plan(s, ADMIN, extraction, source_name="t")
        assert [t.path for t in plan.targets] == ["compound", "linear", "auto"]
        assert plan.targets[0].path_zh == "复合增长路径"
        first = plan.targets[0].id
        out = service.update_target(s, ADMIN, first, TargetUpdate(path="milestone"))
        assert out.path == "milestone"
        with pytest.raises(pydantic.ValidationError):  # only the four paths
            TargetUpdate(path="exponential")  # type: ignore[arg-type]
    assert set(TARGET_PATHS) == {"auto", "linear", "compound", "milestone"}

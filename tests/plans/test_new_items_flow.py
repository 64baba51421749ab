"""A target for items added each year (每年新增专精特新企业50家) is a flow: the year's new firms so
far are a running total, judged against the year's target on the schedule as output is, not
as a stock moving from last year's figure. On the small hand-made plan (tests/plans/conftest.py,
clock 2023-07-10)."""

from __future__ import annotations

import pytest

from gaodi.plans import service
from gaodi.plans.inference import propose
from gaodi.plans.models import Indicator, Target

from .conftest import ADMIN, obs


def test_a_count_of_new_items_is_proposed_as_a_running_total() -> None:
    for name in ("新增省级专精特新中小企业数量", "新引进重大项目数", "新认定智能工厂数量"):
        p = propose(name, "家" if "企业" in name else "个")
        assert (p.kind, p.aggregation) == ("count", "cumulative"), name
    # a stock stays a stock
    for name in ("国家级专精特新小巨人企业数", "千亿级园区数量", "规模以上工业企业数"):
        p = propose(name, "家" if "企业" in name else "个")
        assert (p.kind, p.aggregation) == ("count", "point"), name


def test_new_firms_by_june_are_half_of_the_years_target(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    p = propose("新增专精特新企业数", "家", quote="每年新增专精特新企业50家")
    new = Indicator(
        code="new_srdi",
        name="新增专精特新企业数",
        unit="家",
        aggregation=p.aggregation,
        kind=p.kind,
        direction="higher",
        owner="市工信局中小企业处",
        frequency="monthly",
        deadline_day=5,
    )
    session.add(new)
    session.flush()
    target = session.get(Target, ids.t_output)
    session.add(
        Target(
            plan_id=ids.plan_id,
            action_id=target.action_id,
            indicator_id=new.id,
            indicator_name=new.name,
            value=50,
            unit="家",
            year=2023,
            baseline=45,  # last year's new firms: not where this year's count starts
            baseline_year=2022,
            quote="每年新增专精特新企业50家",
        )
    )
    session.add_all(
        [
            obs(new.id, "2022-12", 45, "cumulative", status="approved"),
            obs(new.id, "2023-03", 12, "cumulative", status="approved"),
            obs(new.id, "2023-06", 25, "cumulative", status="approved"),
        ]
    )
    session.flush()
    board = service.board(session, ADMIN, "2023-06", forecasts=False)
    (row,) = [r for a in board.actions for r in a.rows if r.indicator_code == "new_srdi"]
    # τ = 6/12 = 0.5; c = 25 / 50 = 0.5; r = c / τ = 1.0 -> green. Judged as a stock from its
    # baseline (the old code) c was (25 − 45) / (50 − 45) = −4: red.
    assert row.actual == pytest.approx(25)
    assert row.time_progress == pytest.approx(0.5)
    assert row.ratio == pytest.approx(1.0)
    assert row.status == "green", row.reason_zh

"""A small hand-made plan for the plans tests (values chosen so every figure can be checked by
hand; the arithmetic is written next to each assertion)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import gaodi.models  # noqa: F401  (all models, audit listener, scopes)
from gaodi.core import clock
from gaodi.core.permissions import Principal
from gaodi.parks.models import Park
from gaodi.plans.models import Action, Indicator, Observation, Plan, Target
from tests.sessions import acting_session

ADMIN = Principal(username="admin1", role="admin")
ANALYST = Principal(username="ana", role="analyst")
CHECKER = Principal(username="checker", role="analyst")
VIEWER = Principal(username="view", role="viewer")


@dataclass
class Small:
    plan_id: int
    output: int  # indicator ids
    firms: int
    growth: int
    t_output: int  # target ids
    t_firms: int
    t_growth: int
    park1: int
    park2: int


def obs(
    ind: int,
    period: str,
    value: float,
    kind: str,
    revision: int = 1,
    status: str = "submitted",
    scope: str = "city",
    scope_id: int = 0,
    by: str = "ana",
) -> Observation:
    return Observation(
        indicator_id=ind,
        scope=scope,
        scope_id=scope_id,
        period=period,
        value=value,
        kind=kind,
        revision=revision,
        status=status,
        submitted_by=by,
        submitted_at=datetime(2023, 7, 3, 2, 0),
        source="test",
    )


def build_small(session: Session) -> Small:
    """Plan 2023 with three targets:

    - 工业产值 (亿元, cumulative): target 120; running totals 2023-02 20, 03 30, 06 50 (rev 1)
      then 54 (rev 2); 2022-06 40 (for the year-on-year check).
    - 标杆企业数 (家, count, point): baseline 10 (2022), target 14; 2023-05 12, 2023-06 12.
    - 工业增加值增速 (%, growth): target 8; 2023-05 6.0, 2023-06 6.8.
    """
    p1, p2 = Park(name="甲园区"), Park(name="乙园区")
    plan = Plan(
        title="测试计划(2023—2023年)",
        period_start=2023,
        period_end=2023,
        status="adopted",
        adopted_at=datetime(2023, 1, 1),
        adopted_by="test",
    )
    session.add_all([p1, p2, plan])
    session.flush()
    a1 = Action(plan_id=plan.id, number="1", title="实施测试行动", sort_order=0)
    session.add(a1)
    output = Indicator(
        code="output",
        name="工业产值",
        unit="亿元",
        aggregation="cumulative",
        kind="level",
        direction="higher",
        owner="市工信局",
        frequency="monthly",
        deadline_day=5,
    )
    firms = Indicator(
        code="firms",
        name="标杆企业数",
        unit="家",
        aggregation="point",
        kind="count",
        direction="higher",
        owner="市工信局智能制造处",
        frequency="monthly",
        deadline_day=5,
    )
    growth = Indicator(
        code="va_growth",
        name="工业增加值增速",
        unit="%",
        aggregation="cumulative",
        kind="growth",
        direction="higher",
        owner="市统计局",
        frequency="monthly",
        deadline_day=10,
    )
    session.add_all([output, firms, growth])
    session.flush()
    t1 = Target(
        plan_id=plan.id,
        action_id=a1.id,
        indicator_id=output.id,
        indicator_name="工业产值",
        value=120,
        unit="亿元",
        year=2023,
    )
    t2 = Target(
        plan_id=plan.id,
        action_id=a1.id,
        indicator_id=firms.id,
        indicator_name="标杆企业数",
        value=14,
        unit="家",
        year=2023,
        baseline=10,
        baseline_year=2022,
    )
    t3 = Target(
        plan_id=plan.id,
        action_id=a1.id,
        indicator_id=growth.id,
        indicator_name="工业增加值增速",
        value=8,
        unit="%",
        year=2023,
    )
    # a park target makes each park owe its own output series
    t4 = Target(
        plan_id=plan.id,
        action_id=a1.id,
        indicator_id=output.id,
        indicator_name="工业产值",
        value=60,
        unit="亿元",
        year=2023,
        scope="park",
        scope_id=p1.id,
    )
    session.add_all([t1, t2, t3, t4])
    session.add_all(
        [
            obs(output.id, "2022-06", 40, "cumulative", status="approved"),
            obs(output.id, "2023-02", 20, "cumulative", status="approved"),
            obs(output.id, "2023-03", 30, "cumulative", status="approved"),
            obs(output.id, "2023-06", 50, "cumulative", 1),
            obs(output.id, "2023-06", 54, "cumulative", 2),
            obs(firms.id, "2023-05", 12, "current", status="approved"),
            obs(firms.id, "2023-06", 12, "current"),
            obs(growth.id, "2023-05", 6.0, "yoy", status="approved"),
            obs(growth.id, "2023-06", 6.8, "yoy"),
        ]
    )
    session.flush()
    return Small(plan.id, output.id, firms.id, growth.id, t1.id, t2.id, t3.id, p1.id, p2.id)


@pytest.fixture
def small(db: Engine) -> Iterator[tuple[Session, Small]]:
    """The small plan in a migrated database (SQLite, then PostgreSQL); the clock frozen at
    2023-07-10 09:00 UTC (17:00 China time)."""
    with acting_session(db) as session:
        ids = build_small(session)
        session.commit()
        with clock.frozen(datetime(2023, 7, 10, 9, 0)):
            yield session, ids

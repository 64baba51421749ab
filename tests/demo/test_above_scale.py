"""One 规模以上工业企业 on every page of the demo city (audit D, bug 2).

The definition is the rule file's (gaodi/analytics/rules/tiers/above_scale.yaml, 国家统计局:
"年主营业务收入2000万元及以上的工业法人单位"; 工业 = GB/T 4754 sections B, C, D = divisions
06-46). The expected counts below are recomputed here straight from the database with SQL and
that division range, not with gaodi's helper: the board's derived series (plan indicator
above_scale_firms and its target's baseline), the overview tile and the 亩均 segments must all
give them, and no firm outside B/C/D may be ranked as a 规上/规下工业企业.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.models import Enterprise, EnterpriseYear, Indicator, Observation, Target
from gaodi.parks import service as parks
from gaodi.system import service as system

THRESHOLD = 2000.0  # 万元 (above_scale.yaml, 2011 onward)


def _industrial(code: str | None) -> bool:
    return code is not None and code[:2].isdigit() and "06" <= code[:2] <= "46"


def _by_hand(engine: Engine, year: int) -> int:
    with session_scope(engine) as s:
        rows = s.execute(
            select(Enterprise.industry_code, EnterpriseYear.main_revenue, EnterpriseYear.revenue)
            .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
            .where(EnterpriseYear.year == year)
        ).all()
    return sum(
        1
        for code, main, revenue in rows
        if _industrial(code) and (main if main is not None else revenue or 0) >= THRESHOLD
    )


def test_board_series_overview_and_per_mu_share_one_definition(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        indicator = s.scalars(select(Indicator).where(Indicator.code == "above_scale_firms")).one()
        board = {
            int(period): value
            for period, value in s.execute(
                select(Observation.period, Observation.value).where(
                    Observation.indicator_id == indicator.id
                )
            )
        }
        target = s.scalars(select(Target).where(Target.indicator_id == indicator.id)).one()
        latest = s.scalar(select(func.max(EnterpriseYear.year)))
    assert board and latest in board
    for year, value in board.items():
        assert value == _by_hand(demo_db, year), year
    assert target.baseline == _by_hand(demo_db, 2020)
    # some firm with 2000万 or more is not industrial: the old count (revenue only) was larger
    with session_scope(demo_db) as s:
        rich = s.scalar(
            select(func.count())
            .select_from(EnterpriseYear)
            .where(EnterpriseYear.year == latest, EnterpriseYear.main_revenue >= THRESHOLD)
        )
    assert rich > board[latest]
    overview_count = _overview_count(demo_db, latest)
    assert overview_count == board[latest]

    with session_scope(demo_db) as s:
        state = parks.compute(s, SYSTEM, year=latest)
        rows = parks.evaluated_enterprises(s, SYSTEM, state=state)
        left_out = parks.excluded_enterprises(s, SYSTEM, state=state)
        codes = dict(s.execute(select(Enterprise.id, Enterprise.industry_code)).all())
    assert rows and all(_industrial(codes[r.id]) for r in rows)
    outside = [r for r in left_out if not _industrial(codes[r.id])]
    assert outside and all(r.reason == "not_industrial" for r in outside)
    assert all(codes[r.id] in r.reason_zh and "不属于工业" in r.reason_zh for r in outside)
    assert all("工业企业" not in r.reason_zh.split("，")[0] for r in outside)


def _overview_count(engine: Engine, year: int) -> int:
    """The overview tile's count (gaodi.system.service, what / shows as 规上工业企业)."""
    from gaodi.features import counted

    with session_scope(engine) as s:
        data = system.overview(s, SYSTEM, counted())
    by_key = {c.key: c.count for c in data.counts}
    assert data.as_of.latest_enterprise_year == year
    return by_key["above_scale"]

"""The tier input frame from stored years: exact growth and R&D ratios (issue [11] item 3)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.analytics.rulefiles import load_rule_set
from gaodi.analytics.ruleset import evaluate
from gaodi.db import session_scope
from gaodi.enterprises import records
from gaodi.models import EnterpriseYear
from tests.chains.conftest import World


def _set(db: Engine, enterprise_id: int, year: int, **values: float | None) -> None:
    with session_scope(db, actor="test") as s:
        y = s.scalars(
            select(EnterpriseYear).where(
                EnterpriseYear.enterprise_id == enterprise_id, EnterpriseYear.year == year
            )
        ).one()
        for k, v in values.items():
            setattr(y, k, v)


def test_stored_growth_of_15_percent_is_exact_and_missing_rd_is_unknown(
    db: Engine, world: World
) -> None:
    e4 = world.ids["E4"]
    # 主营业务收入 20000 (2022) → 23000 (2023): growth 3000 / 20000 = 15 % exactly.
    # 2023 R&D not reported; 2022 R&D 700 of 20000 (3.5 %) must not stand in for it.
    _set(db, e4, 2022, revenue=20000.0, main_revenue=20000.0, rd_spend=700.0)
    _set(db, e4, 2023, revenue=23000.0, main_revenue=23000.0, rd_spend=None)
    with session_scope(db) as s:
        row = records.tier_frame(s, [e4], 2023).row(0, named=True)
        assert row["main_revenue_growth"] == 0.15
        assert row["revenue_growth"] == 0.15
        assert row["rd_intensity"] is None
        assert row["rd_intensity_min_2y"] is None
        assert row["rd_spend_2y"] is None
        # no 2021 figures: neither reading of the 2-year average growth is known
        assert row["main_revenue_growth_2y_cagr"] is None
        assert row["main_revenue_growth_2y_mean"] is None
    record = {k: v for k, v in row.items() if v is not None}
    e = evaluate(load_rule_set("innovative_sme"), record)
    points = {p.id: p for p in e.points}
    assert points["main_revenue_growth"].points == 20  # "15%以上" band
    # unknown R&D intensity: a range [0, 20], not last year's 3.5 % (15 points)
    assert points["rd_intensity"].points is None
    assert (points["rd_intensity"].points_min, points["rd_intensity"].points_max) == (0, 20)


def test_the_city_frame_reads_the_yearly_figures_in_one_statement(db: Engine, world: World) -> None:
    """The year's figures, the two years before and the industry codes come in one query (the
    years were read apart, then joined in memory: 300,000 rows read three times on the large
    city), and the ranking figures in one more."""
    from sqlalchemy import event

    from gaodi.enterprises import service

    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(db, "before_cursor_execute", record)
    try:
        with session_scope(db) as s:
            frame = records.tier_frame(s, None, 2023)
            tier_reads = [q for q in seen if "FROM enterprise_year" in q]
            seen.clear()
            ranks = service.rank_frame_for(s, None, 2023)
            rank_reads = [q for q in seen if "FROM enterprise_year" in q]
    finally:
        event.remove(db, "before_cursor_execute", record)
    assert frame.height > 0 and ranks.height == frame.height
    assert len(tier_reads) == 1 and "industry_code" in tier_reads[0]
    assert len(rank_reads) == 1

"""A target in another unit than its indicator's: converted exactly when the units are of one
kind (万元 -> 亿元), and the import says so; refused naming the row and both units otherwise.
The board divides the actual (in the indicator's unit) by the stored target, so a target kept in
万元 under a 亿元 indicator showed a 94.6 %-done target as 0.0 % 红."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core.errors import ImportRejected
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.report import write_report
from gaodi.exchange.service import import_file
from gaodi.models import Indicator, Plan, Target
from tests.exchange.helpers import load_city, table_counts, write_xlsx

PLAN = "示例单位换算规划"
HEADER = ["规划", "指标代码", "目标值", "单位", "目标年份", "比较", "基期值", "基期年份", "范围"]


def _draft_plan(engine: Engine, tmp_path: Path) -> None:
    load_city(engine, tmp_path, upto="actions")
    rows = [["规划名称", "起始年份", "终止年份", "状态"], [PLAN, 2021, 2025, "草稿"]]
    import_file(engine, "plans", write_xlsx(tmp_path / "p.xlsx", {"规划": rows}), principal=SYSTEM)


def test_a_target_in_wan_yuan_is_converted_to_the_indicators_yi_yuan(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    _draft_plan(sqlite_db, tmp_path)
    rows = [HEADER, [PLAN, "demo_output", 25000000, "万元", 2025, ">=", 6000000, 2020, "全市"]]
    path = write_xlsx(tmp_path / "t.xlsx", {"目标": rows})
    report = import_file(sqlite_db, "targets", path, principal=SYSTEM)
    with session_scope(sqlite_db) as s:
        target = s.scalars(
            select(Target)
            .join(Indicator)
            .join(Plan, Plan.id == Target.plan_id)
            .where(Indicator.code == "demo_output", Plan.title == PLAN)
        ).one()
        assert (target.value, target.baseline, target.unit) == (2500.0, 600.0, "亿元")
    zh = " ".join(zh for zh, _ in report.notes)
    assert "第 2 行" in zh and "25,000,000 万元 = 2,500 亿元" in zh
    # the result file written after the import says it too
    out = write_report(tmp_path / "r.csv", [], report)
    assert "25,000,000 万元 = 2,500 亿元" in out.read_text(encoding="utf-8-sig")


def test_a_target_in_a_unit_of_another_kind_is_refused(sqlite_db: Engine, tmp_path: Path) -> None:
    _draft_plan(sqlite_db, tmp_path)
    rows = [HEADER, [PLAN, "demo_output", 12, "%", 2025, ">=", None, None, "全市"]]
    path = write_xlsx(tmp_path / "t.xlsx", {"目标": rows})
    before = table_counts(sqlite_db)
    with pytest.raises(ImportRejected) as err:
        import_file(sqlite_db, "targets", path, principal=SYSTEM)
    assert table_counts(sqlite_db) == before
    [error] = err.value.errors
    assert (error.row, error.column) == (2, "单位")
    assert "“%”" in error.reason_zh and "“亿元”" in error.reason_zh

"""A 0–1 ratio typed where a percentage was meant: a target of 0.6 for an indicator in % whose
values are 17–50 is almost certainly 60. The import warns (it may be right) and names the
likely value; a plausibility refusal of such a value says it too. Review: nothing said it, and
the board read the target as reached at 0.6 %."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core.errors import ImportRejected
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.service import import_file
from gaodi.models import Indicator, Observation, Plan, Target
from tests.exchange.helpers import load_city, write_xlsx

PLAN = "示例比重目标规划"
SHARE = "demo_share"
OBSERVED = [["指标代码", "范围", "期间", "数值", "口径"]] + [
    [SHARE, "全市", str(year), value, "当期值"]
    for year, value in ((2020, 17), (2021, 23.5), (2022, 35), (2023, 50))
]


def _city_with_a_share(engine: Engine, tmp_path: Path) -> None:
    """The synthetic city, an indicator in % observed at 17–50, and a draft plan."""
    load_city(engine, tmp_path, upto="actions")
    indicator = [
        ["指标代码", "指标名称", "单位", "汇总方式", "方向", "报送频度", "示例数据"],
        [SHARE, "示例高新技术产业增加值占比", "%", "时点值", "越高越好", "年度", "是"],
    ]
    for entity, sheet, rows in (
        ("indicators", "指标", indicator),
        ("observations", "指标实际值", OBSERVED),
        ("plans", "规划", [["规划名称", "起始年份", "终止年份", "状态"], [PLAN, 2021, 2025, "草稿"]]),
    ):  # fmt: skip
        path = write_xlsx(tmp_path / f"{entity}.xlsx", {sheet: rows})
        import_file(engine, entity, path, principal=SYSTEM)


def test_a_target_of_0_6_for_an_indicator_at_17_to_50_percent_is_warned_of(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    _city_with_a_share(sqlite_db, tmp_path)
    rows = [
        ["规划", "指标代码", "目标值", "单位", "目标年份", "比较", "基期值", "基期年份", "范围"],
        [PLAN, SHARE, 0.6, "%", 2025, ">=", 17, 2020, "全市"],
        [PLAN, SHARE, 55, "%", 2024, ">=", None, None, "全市"],
        [PLAN, "demo_output", 0.5, "亿元", 2025, ">=", None, None, "全市"],  # not in %
    ]
    path = write_xlsx(tmp_path / "t.xlsx", {"目标": rows})
    report = import_file(
        sqlite_db, "targets", path, principal=SYSTEM, report_path=tmp_path / "r.xlsx"
    )
    assert report.created == 3  # a warning, not a refusal
    assert [zh for zh, _ in report.notes] == [
        "“目标”第 2 行 目标值 0.6（%）远小于已有数值 17–55，是否应为 60？"
    ]
    assert "should it be 60?" in report.notes[0][1]
    sheet = load_workbook(tmp_path / "r.xlsx")["结果 result"]
    assert any("是否应为 60" in str(c.value) for row in sheet.iter_rows() for c in row)
    with session_scope(sqlite_db) as s:
        values = s.scalars(
            select(Target.value)
            .join(Indicator)
            .join(Plan, Plan.id == Target.plan_id)
            .where(Indicator.code == SHARE, Plan.title == PLAN)
        ).all()
    assert sorted(values) == [0.6, 55.0]  # stored as given: the user decides


def test_an_observation_typed_as_a_ratio_is_warned_of_or_refused_with_the_likely_value(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    _city_with_a_share(sqlite_db, tmp_path)
    header = ["指标代码", "范围", "期间", "数值", "口径", "说明"]
    # the jump from 50 to 0.45 is refused unless the comment confirms it: the refusal names
    # the likely value beside the band it broke
    path = write_xlsx(
        tmp_path / "o.xlsx", {"指标实际值": [header, [SHARE, "全市", "2024", 0.45, "当期值", ""]]}
    )
    with pytest.raises(ImportRejected) as err:
        import_file(sqlite_db, "observations", path, principal=SYSTEM)
    [error] = err.value.errors
    assert "数值 0.45（%）远小于已有数值 17–50，是否应为 45？" in error.reason_zh
    assert "should it be 45?" in error.reason_en
    # confirmed in the comment, it goes in, and the report still asks
    path = write_xlsx(
        tmp_path / "o.xlsx",
        {"指标实际值": [header, [SHARE, "全市", "2024", 0.45, "当期值", "已核实：口径调整"]]},
    )
    report = import_file(sqlite_db, "observations", path, principal=SYSTEM)
    assert [zh for zh, _ in report.notes] == [
        "“指标实际值”第 2 行 数值 0.45（%）远小于已有数值 17–50，是否应为 45？"
    ]
    with session_scope(sqlite_db) as s:
        stored = s.scalars(
            select(Observation.value).join(Indicator).where(Observation.period == "2024")
        ).all()
    assert stored == [0.45]

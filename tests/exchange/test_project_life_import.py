"""An imported sheet of annual plans or monthly investment gets the checks the project page
gives (audit G #6, #7): a month before the signing month, a plan year before signing or far
after the planned end, and a correction without its reason are refused at their cells, and
nothing is written. The Excel path used to call the batch directly and skip them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.exchange.service import import_file
from tests.exchange.helpers import PROJECT_PROGRESS, PROJECT_YEAR_PLANS, load_city, write_xlsx
from tests.exchange.test_bad_rows import cells, rejected
from tests.exchange.test_projects import HEADER, project_row

NAME, INVESTOR = "示例寿命项目", "示例寿命投资有限公司"  # signed 2023-01-01 (project_row)


def _city(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path)
    path = write_xlsx(tmp_path / "p.xlsx", {"重大项目 projects": [HEADER, project_row(
        NAME, INVESTOR, **{"阶段": "开工", "计划开工日期": "2023-01-20", "实际开工日期": "2023-02-01"},
    )]})  # fmt: skip
    import_file(db, "projects", path, SYSTEM)


def test_months_and_plan_years_outside_the_projects_life_are_refused(
    db: Engine, tmp_path: Path
) -> None:
    _city(db, tmp_path)
    progress = write_xlsx(tmp_path / "m.xlsx", {"月度投资 project_progress": [
        PROJECT_PROGRESS[0],
        [NAME, INVESTOR, "2023-03", 10, ""],
        [NAME, INVESTOR, "2022-11", 777, ""],  # before the signing month
    ]})  # fmt: skip
    errors = rejected(db, "project_progress", progress)
    assert (3, "月份") in cells(errors), cells(errors)
    assert any("签约月份" in e.reason_zh for e in errors)
    plans = write_xlsx(tmp_path / "y.xlsx", {"年度计划投资 project_year_plans": [
        PROJECT_YEAR_PLANS[0],
        [NAME, INVESTOR, 2023, 600],
        [NAME, INVESTOR, 1900, 5],  # before the signing year
    ]})  # fmt: skip
    errors = rejected(db, "project_year_plans", plans)
    assert (3, "年度") in cells(errors), cells(errors)
    assert any("不能早于签约年份（2023）" in e.reason_zh for e in errors)


def test_a_correction_in_a_sheet_needs_its_reason(db: Engine, tmp_path: Path) -> None:
    _city(db, tmp_path)
    first = write_xlsx(tmp_path / "a.xlsx", {"月度投资 project_progress": [
        PROJECT_PROGRESS[0], [NAME, INVESTOR, "2023-03", 10, ""]]})  # fmt: skip
    import_file(db, "project_progress", first, SYSTEM)
    corrected = write_xlsx(tmp_path / "b.xlsx", {"月度投资 project_progress": [
        PROJECT_PROGRESS[0], [NAME, INVESTOR, "2023-03", 12, ""]]})  # fmt: skip
    errors = rejected(db, "project_progress", corrected, mode="upsert")
    assert cells(errors) == {(2, "备注")}, cells(errors)
    assert "10 → 12 万元" in errors[0].reason_zh and "须写明更正原因" in errors[0].reason_zh
    why = write_xlsx(tmp_path / "c.xlsx", {"月度投资 project_progress": [
        PROJECT_PROGRESS[0], [NAME, INVESTOR, "2023-03", 12, "发票补录"]]})  # fmt: skip
    assert import_file(db, "project_progress", why, SYSTEM, mode="upsert").updated == 1

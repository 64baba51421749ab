"""Audit E (round 4), findings 3, 10 and 11 in the Excel import of monthly investment and annual
plans: a row repeating the amount on record leaves the month (and the reason of its last
correction) as it is, with no history step; the running month is refused in its cell with the
first day it may be reported; a 备注 longer than the limit is refused in its cell.

The synthetic city of tests/exchange/helpers.py: project A reported 2023-01 (1,500.5, no note)
and 2023-02 (0, "示例：春节停工"); its 2023 plan is 20,000.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.exchange.service import import_file
from tests.exchange.helpers import load_city, write_xlsx
from tests.exchange.test_bad_rows import cells, reason, rejected
from tests.exchange.test_projects import _project

A = ("示例液压件生产基地项目", "示例液压科技有限公司")
PROGRESS = ["项目名称", "投资方", "月份", "当月完成投资（万元）", "备注"]
PLANS = ["项目名称", "投资方", "年度", "年度计划投资（万元）", "备注"]


@pytest.fixture
def city(db: Engine, tmp_path: Path) -> Iterator[Engine]:
    load_city(db, tmp_path)
    yield db
    clock.set_source(None)


def _progress(engine: Engine, path: Path, rows: list[list[object]]) -> object:
    sheet = write_xlsx(path, {"月度投资": [PROGRESS, *rows]})
    return import_file(engine, "project_progress", sheet, mode="upsert", principal=SYSTEM)


def test_a_row_repeating_the_amount_on_record_keeps_the_reason(
    city: Engine, tmp_path: Path
) -> None:
    _progress(city, tmp_path / "fix.xlsx", [[*A, "2023-01", 1600, "发票补录"]])
    a = _project(city, A)
    assert a["progress"]["2023-01"] == (1600.0, "发票补录")
    # the same amounts again: the 备注 left blank, or another text beside an unchanged amount
    report = _progress(
        city, tmp_path / "again.xlsx", [[*A, "2023-01", 1600, ""], [*A, "2023-02", 0, "补记"]]
    )
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)  # type: ignore[attr-defined]
    again = _project(city, A)
    assert again["progress"] == a["progress"]  # the reason of the correction stays
    assert again["progress"]["2023-02"] == (0.0, "示例：春节停工")
    assert again["events"] == a["events"]  # no "1,600 → 1,600" step


def test_the_running_month_is_refused_in_its_cell(city: Engine, tmp_path: Path) -> None:
    clock.set_source(lambda: datetime(2023, 6, 15, 2, 0))
    sheet = write_xlsx(tmp_path / "m.xlsx", {"月度投资": [PROGRESS, [*A, "2023-06", 5, ""]]})
    errors = rejected(city, "project_progress", sheet, mode="upsert")
    assert cells(errors) == {(2, "月份")}
    assert "can be reported from 2023-07-01" in reason(errors, 2, "月份")
    assert "2023-07-01 起可填报" in errors[0].reason_zh
    # May has ended: taken
    sheet = write_xlsx(tmp_path / "m2.xlsx", {"月度投资": [PROGRESS, [*A, "2023-05", 5, ""]]})
    import_file(city, "project_progress", sheet, mode="upsert", principal=SYSTEM)
    assert _project(city, A)["progress"]["2023-05"] == (5.0, None)


def test_a_note_longer_than_the_limit_is_refused_in_its_cell(city: Engine, tmp_path: Path) -> None:
    limit = 2000  # the limit the form and the API take too
    long = "长" * (limit + 1)
    sheet = write_xlsx(tmp_path / "m.xlsx", {"月度投资": [PROGRESS, [*A, "2023-01", 1600, long]]})
    errors = rejected(city, "project_progress", sheet, mode="upsert")
    assert cells(errors) == {(2, "备注")}
    assert f"at most {limit:,}" in reason(errors, 2, "备注")
    plans = write_xlsx(tmp_path / "p.xlsx", {"年度计划投资": [PLANS, [*A, 2023, 18000, long]]})
    errors = rejected(city, "projects", plans, mode="upsert")
    assert cells(errors) == {(2, "备注")}
    assert "too long" in reason(errors, 2, "备注")
    # the limit itself is taken whole
    _progress(city, tmp_path / "ok.xlsx", [[*A, "2023-01", 1600, "长" * limit]])
    assert _project(city, A)["progress"]["2023-01"] == (1600.0, "长" * limit)

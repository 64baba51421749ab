"""A stage re-planned today leaves a past day's view with the plan of that day.

The synthetic city of tests/exchange/helpers.py: 示例液压件生产基地项目 of 示例长沙投资有限公司 was
signed on 2023-04-01 with its start planned for 2023-10-31, and has not started. On 2024-03-01
an office re-plans the start to 2024-06-30 by the Excel import (upsert), the one way in for
planned dates. By hand, with no grace days (rules/project_delay.yaml):

    as of 2024-01-31: planned start 2023-10-31, 92 days past (Nov 30 + Dec 31 + Jan 31): late
    as of 2024-03-01: planned start 2024-06-30: not late

The January view read today's plan: the start "planned" for 2024-06-30 and no delay, so a month
the project was flagged in (and reported as flagged) no longer showed it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.service import import_file
from gaodi.projects import projects
from gaodi.projects.models import Project
from tests.exchange.helpers import PROJECTS, load_city, write_xlsx

KEY = ("示例液压件生产基地项目", "示例长沙投资有限公司")


@pytest.fixture
def city(db: Engine, tmp_path: Path) -> Iterator[Engine]:
    load_city(db, tmp_path)
    yield db
    clock.set_source(None)


def _stages(engine: Engine, pid: int, day: date) -> tuple[dict[str, date | None], list[str]]:
    with session_scope(engine) as s:
        detail = projects.project_detail(s, SYSTEM, pid, as_of=day)
        (row,) = [r for r in projects.list_projects(s, SYSTEM, as_of=day) if r.id == pid]
    planned = {st.stage: st.planned_on for st in detail.stages}
    return planned, [d.reason_zh for d in row.delays if d.kind == "stage"]


def test_a_replanned_start_leaves_the_past_days_delay(city: Engine, tmp_path: Path) -> None:
    with session_scope(city) as s:
        pid = s.scalars(
            select(Project.id).where(Project.name == KEY[0], Project.investor_name == KEY[1])
        ).one()
    (row,) = [r for r in PROJECTS[1:] if tuple(r[:2]) == KEY]
    replanned = list(row)
    replanned[PROJECTS[0].index("计划开工日期")] = "2024-06-30"
    clock.set_source(lambda: datetime(2024, 3, 1, 2, 0))
    sheet = write_xlsx(tmp_path / "replan.xlsx", {"重大项目": [PROJECTS[0], replanned]})
    report = import_file(city, "projects", sheet, mode="upsert", principal=SYSTEM)
    assert report.updated == 1

    planned, late = _stages(city, pid, date(2024, 1, 31))
    assert planned["started"] == date(2023, 10, 31)
    assert late == ["计划开工日期 2023-10-31 已过 92 天，尚未开工。"]
    planned, late = _stages(city, pid, date(2024, 3, 1))
    assert planned["started"] == date(2024, 6, 30) and late == []

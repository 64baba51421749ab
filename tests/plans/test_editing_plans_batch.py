"""Plans and actions are checked and written per batch (:mod:`gaodi.plans.batch_plans`): an
import of 300 actions sends no more statements than one of 10; one bad row refuses the whole
file and nothing is written (read back from the database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.core.errors import ConflictError, ImportRejected, ValidationError
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.service import import_file
from gaodi.plans import batch_plans
from gaodi.plans.models import Action, Plan
from tests.exchange.helpers import write_xlsx
from tests.exchange.test_batch_statements import statements

PLAN_HEADER = ["规划名称", "地区代码", "起始年份", "终止年份", "状态", "示例数据"]
ACTION_HEADER = ["规划名称", "行动编号", "行动名称", "排序"]


def plans_file(path: Path, title: str, n: int, suffix: str = "") -> Path:
    """A draft plan and its ``n`` actions numbered 1..n (titles ending with ``suffix``)."""
    actions = [ACTION_HEADER] + [[title, str(k + 1), f"示例行动{k}{suffix}", k] for k in range(n)]
    plans = [PLAN_HEADER, [title, "430100", 2021, 2025, "草稿", "是"]]
    return write_xlsx(path, {"规划 plans": plans, "行动 actions": actions})


def stored(engine: Engine, title: str) -> dict[str, str]:
    """Action number -> title of the plan ``title``'s actions."""
    with session_scope(engine) as s:
        query = select(Action.number, Action.title).join(Plan, Plan.id == Action.plan_id)
        return dict(s.execute(query.where(Plan.title == title)).all())


def test_a_plans_import_asks_the_database_per_batch_not_per_row(db: Engine, tmp_path: Path) -> None:
    counts: dict[int, dict[str, int]] = {}
    for n in (10, 300):
        title = f"示例计划{n}"
        run = lambda p=plans_file(tmp_path / f"c{n}.xlsx", title, n): import_file(  # noqa: E731
            db, "plans", p, SYSTEM
        )
        created, report = statements(db, run)
        assert (report.sheets["plans"].created, report.sheets["actions"].created) == (1, n)
        path = plans_file(tmp_path / f"u{n}.xlsx", title, n, suffix="改")
        updated, report = statements(
            db, lambda p=path: import_file(db, "plans", p, SYSTEM, mode="upsert")
        )  # type: ignore[misc]
        assert report.sheets["actions"].updated == n
        counts[n] = {"created": created, "updated": updated}
        assert stored(db, title) == {str(k + 1): f"示例行动{k}改" for k in range(n)}
    # measured with a plan stored first, on SQLite and PostgreSQL alike: 6 statements to create
    # and 8 to update, for 10 actions as for 300 (before this write path: 8 and 8, but each
    # import read the whole plan and action tables)
    for kind in ("created", "updated"):
        assert counts[300][kind] <= counts[10][kind], counts


def test_one_bad_action_among_300_refuses_the_whole_file(db: Engine, tmp_path: Path) -> None:
    """Row 151 names a plan that exists nowhere; the plan and the 299 good actions of the file
    are not written either."""
    path = plans_file(tmp_path / "bad.xlsx", "示例全有全无计划", 300)
    from openpyxl import load_workbook

    book = load_workbook(path)
    book["行动 actions"].cell(row=151, column=1, value="示例不存在的计划")
    book.save(path)
    with session_scope(db) as s:
        before = (
            s.scalar(select(func.count()).select_from(Plan)),
            s.scalar(select(func.count()).select_from(Action)),
        )
    with pytest.raises(ImportRejected) as err:
        import_file(db, "plans", path, SYSTEM)
    assert [(e.row, e.column, e.reason_en) for e in err.value.errors] == [
        (151, "规划名称", "Plan '示例不存在的计划' does not exist; import the plan first.")
    ]
    with session_scope(db) as s:
        after = (
            s.scalar(select(func.count()).select_from(Plan)),
            s.scalar(select(func.count()).select_from(Action)),
        )
    assert after == before
    assert stored(db, "示例全有全无计划") == {}


def test_a_reversed_period_refuses_the_plan_and_its_actions(db: Engine, tmp_path: Path) -> None:
    path = plans_file(tmp_path / "rev.xlsx", "示例倒置期间计划", 12)
    from openpyxl import load_workbook

    book = load_workbook(path)
    book["规划 plans"].cell(row=2, column=4, value=2019)  # last year before the first, 2021
    book.save(path)
    with pytest.raises(ImportRejected) as err:
        import_file(db, "plans", path, SYSTEM)
    assert [(e.row, e.column, e.reason_en) for e in err.value.errors] == [
        (2, "终止年份", "Last year 2019 is before the first year 2021.")
    ]
    assert stored(db, "示例倒置期间计划") == {}
    with session_scope(db) as s:
        assert s.scalar(select(Plan.id).where(Plan.title == "示例倒置期间计划")) is None


def test_the_batch_use_case_without_a_file(db: Engine) -> None:
    """A refused batch writes nothing, even its good rows; a stored key refuses an insert-only
    batch; a good one writes the plan and links its actions to the id it was given."""
    good = {"title": "示例批量计划", "period_start": 2021, "period_end": 2023, "status": "draft"}
    with session_scope(db) as s:
        plans = batch_plans.prepare_plans(s, SYSTEM, [batch_plans.PlanWrite("示例批量计划", good)])
        rows = [
            batch_plans.ActionWrite(
                None, "1", {"number": "1", "title": "甲"}, plan_title="示例批量计划"
            ),
            batch_plans.ActionWrite(
                None, "1", {"number": "1", "title": "乙"}, plan_title="示例批量计划"
            ),
            batch_plans.ActionWrite(
                None, "2", {"number": "2", "title": " "}, plan_title="示例批量计划"
            ),
        ]
        actions = batch_plans.prepare_actions(s, SYSTEM, rows, batch_plans=["示例批量计划"])
        assert [(r.index, r.field, r.error.en) for r in actions.refusals] == [
            (1, "number", "Duplicates row 1."),
            (2, "title", "The action title cannot be empty."),
        ]
        with pytest.raises(ValidationError):
            batch_plans.write_actions(s, actions, {})
        assert s.scalar(select(func.count()).where(Plan.title == "示例批量计划")) == 0
        # the good rows alone
        ((plan_id, title),) = batch_plans.write_plans(s, plans)
        actions = batch_plans.prepare_actions(s, SYSTEM, rows[:1], batch_plans=[title])
        batch_plans.write_actions(s, actions, {title: plan_id})
        assert s.scalars(select(Action.plan_id).where(Action.title == "甲")).one() == plan_id
        again = batch_plans.prepare_plans(
            s, SYSTEM, [batch_plans.PlanWrite("示例批量计划", good)], mode="insert"
        )
        assert [(r.index, r.field) for r in again.refusals] == [(0, "key")]
        with pytest.raises(ConflictError):
            batch_plans.write_plans(s, again)


@pytest.mark.parametrize(
    ("row", "field", "en"),
    [
        (
            {"period_start": 2021, "period_end": 2020},
            "period_end",
            "Last year 2020 is before the first year 2021.",
        ),
        (
            {"period_start": 1900, "period_end": 2020},
            "period_start",
            "The first year 1900 is not between 1949 and 2100.",
        ),
        (
            {"period_start": 2021, "period_end": 2025, "status": "done"},
            "status",
            "Unknown plan status 'done': draft or adopted.",
        ),
        (
            {"title": "", "period_start": 2021, "period_end": 2025},
            "title",
            "The plan title cannot be empty.",
        ),
    ],
)
def test_plan_rules(row: dict[str, Any], field: str, en: str) -> None:
    problems = batch_plans.plan_problems({"title": "示例", **row})
    assert [(p.context["field"], p.en) for p in problems] == [(field, en)]

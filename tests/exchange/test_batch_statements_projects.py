"""Projects, their annual plans and their monthly investment are checked and written per batch
(:mod:`gaodi.projects.batch`): ten times the rows, the same statements, and still the history
and the audit entries a project registered in the browser gets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.audit.models import AuditEvent
from gaodi.chains.models import Chain
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.exchange.importer import ImportReport
from gaodi.exchange.service import import_file
from gaodi.projects.models import (
    Project,
    ProjectEvent,
    ProjectProgress,
    ProjectStage,
    ProjectYearPlan,
)
from tests.exchange.helpers import PROJECT_PROGRESS, PROJECT_YEAR_PLANS, load_city, write_xlsx
from tests.exchange.test_bad_rows import cells, reason, rejected
from tests.exchange.test_batch_statements import statements
from tests.exchange.test_projects import HEADER, project_row

INVESTOR = "示例批量投资有限公司"
MONTHS = ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06"]


def _name(prefix: str, k: int) -> str:
    return f"示例{prefix}项目{k:04d}"


def _projects_file(path: Path, prefix: str, n: int) -> Path:
    """``n`` started projects (signed 2023-01-01, started 2023-02-01), two annual plans each."""
    rows = [HEADER] + [
        project_row(
            _name(prefix, k),
            INVESTOR,
            **{"阶段": "开工", "计划开工日期": "2023-01-20", "实际开工日期": "2023-02-01"},
        )
        for k in range(n)
    ]
    plans: list[list[Any]] = [PROJECT_YEAR_PLANS[0]]
    for k in range(n):
        plans += [[_name(prefix, k), INVESTOR, 2023, 600], [_name(prefix, k), INVESTOR, 2024, 400]]
    return write_xlsx(path, {"重大项目 projects": rows, "年度计划投资 project_year_plans": plans})


def _progress_file(
    path: Path, prefix: str, n: int, amount: Callable[[int], float], note: str = ""
) -> Path:
    rows: list[list[Any]] = [PROJECT_PROGRESS[0]]
    for k in range(n):
        rows += [[_name(prefix, k), INVESTOR, m, amount(j), note] for j, m in enumerate(MONTHS)]
    return write_xlsx(path, {"月度投资 project_progress": rows})


def _of(s: Any, prefix: str) -> list[int]:
    query = select(Project.id).where(Project.name.like(f"示例{prefix}项目%"))
    return list(s.scalars(query.order_by(Project.id)))


def test_a_projects_import_asks_the_database_per_batch_not_per_row(
    db: Engine, tmp_path: Path
) -> None:
    load_city(db, tmp_path)

    def run(prefix: str, n: int) -> Callable[[], ImportReport]:
        path = _projects_file(tmp_path / f"{prefix}.xlsx", prefix, n)
        return lambda: import_file(db, "projects", path, SYSTEM)

    small, report = statements(db, run("小", 12))
    assert report.created == 12 + 24
    large, report = statements(db, run("大", 120))
    assert report.created == 120 + 240
    assert large <= small + 2, (small, large)
    with session_scope(db) as s:
        ids = _of(s, "大")
        assert len(ids) == 120
        assert set(s.scalars(select(Project.stage).where(Project.id.in_(ids)))) == {"started"}
        # every project: four stage rows, signed and started with their dates
        stages = s.execute(
            select(ProjectStage.stage, ProjectStage.actual_on).where(
                ProjectStage.project_id.in_(ids)
            )
        ).all()
        assert Counter(st for st, _ in stages) == dict.fromkeys(
            ("signed", "started", "producing", "full_output"), 120
        )
        assert {(st, str(d)) for st, d in stages if d is not None} == {
            ("signed", "2023-01-01"),
            ("started", "2023-02-01"),
        }
        plans = s.execute(
            select(ProjectYearPlan.year, func.sum(ProjectYearPlan.amount))
            .where(ProjectYearPlan.project_id.in_(ids))
            .group_by(ProjectYearPlan.year)
        ).all()
        assert dict(plans) == {2023: 600 * 120, 2024: 400 * 120}
        # the history a browser registration writes: registered, then started
        events = s.execute(
            select(ProjectEvent.project_id, ProjectEvent.action, ProjectEvent.to_status)
            .where(ProjectEvent.project_id.in_(ids))
            .order_by(ProjectEvent.id)
        ).all()
        by_project: dict[int, list[tuple[str, str]]] = {}
        for pid, action, to in events:
            by_project.setdefault(pid, []).append((action, to))
        assert by_project == {pid: [("create", "signed"), ("start", "started")] for pid in ids}
        # audited: each project's creation and its two workflow steps
        actions = s.execute(
            select(AuditEvent.action, func.count())
            .where(AuditEvent.entity == "project", AuditEvent.entity_id.in_([str(i) for i in ids]))
            .group_by(AuditEvent.action)
        ).all()
        assert dict(actions) == {"create": 120, "project.create": 120, "project.start": 120}
        created = s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.entity == "project_stage", AuditEvent.action == "create")
        )
        assert created >= 4 * (12 + 120)


def test_a_progress_import_asks_the_database_per_batch_not_per_row(
    db: Engine, tmp_path: Path
) -> None:
    load_city(db, tmp_path)
    for prefix, n in (("小", 12), ("大", 120)):
        import_file(db, "projects", _projects_file(tmp_path / f"{prefix}.xlsx", prefix, n), SYSTEM)

    def run(name: str, prefix: str, n: int, **kwargs: Any) -> Callable[[], ImportReport]:
        path = _progress_file(
            tmp_path / name,
            prefix,
            n,
            kwargs.pop("amount", lambda j: 10 + j),
            kwargs.pop("note", ""),
        )
        return lambda: import_file(db, "project_progress", path, SYSTEM, **kwargs)

    small, report = statements(db, run("s.xlsx", "小", 12))
    assert report.created == 72
    large, report = statements(db, run("l.xlsx", "大", 120))
    assert report.created == 720
    assert large <= small + 2, (small, large)
    # corrections: every month of the large batch again, 5 more each, saying why (a correction
    # without a reason is refused, as on the form)
    again, report = statements(
        db, run("c.xlsx", "大", 120, amount=lambda j: 15 + j, mode="upsert", note="发票补录")
    )
    assert report.updated == 720
    assert again <= small + 4, (small, again)
    with session_scope(db) as s:
        ids = _of(s, "大")
        total = s.scalar(
            select(func.sum(ProjectProgress.amount)).where(ProjectProgress.project_id.in_(ids))
        )
        assert total == 120 * sum(15 + j for j in range(6))  # 120 x 105
        steps = s.execute(
            select(AuditEvent.after)
            .where(AuditEvent.action == "project.report_progress")
            .where(AuditEvent.entity_id == str(ids[0]))
            .order_by(AuditEvent.id)
        ).all()
        # each month reported, then corrected with the amount it replaced
        first = [(a["period"], a["amount"], a["previous"]) for (a,) in steps]
        assert first == [(m, 10 + j, None) for j, m in enumerate(MONTHS)] + [
            (m, 15 + j, 10 + j) for j, m in enumerate(MONTHS)
        ]
        events = s.scalar(
            select(func.count())
            .select_from(ProjectEvent)
            .where(ProjectEvent.project_id.in_(ids), ProjectEvent.action == "report_progress")
        )
        assert events == 2 * 720


def test_one_row_outside_the_scope_refuses_the_whole_file(db: Engine, tmp_path: Path) -> None:
    """One row on a chain the office does not run, among 120 on its own chain, is reported on
    its cell and nothing is written (the scope is asked once for the whole file)."""
    load_city(db, tmp_path)
    chains = [["产业链代码", "产业链名称"], ["demo_other", "示例另一产业链"]]
    import_file(db, "chains", write_xlsx(tmp_path / "c.xlsx", {"产业链": chains}), SYSTEM)
    with session_scope(db) as s:
        own = s.scalars(select(Chain.id).where(Chain.code == "demo_other")).one()
    office = Principal(username="demo_chain", role="chain_office", chain_ids=frozenset({own}))
    rows = [HEADER] + [
        project_row(_name("域", k), INVESTOR, **{"产业链代码": "demo_other"}) for k in range(120)
    ]
    rows[61][HEADER.index("产业链代码")] = "demo_machinery"  # sheet row 62: not its chain
    errors = rejected(
        db, "projects", write_xlsx(tmp_path / "p.xlsx", {"重大项目": rows}), principal=office
    )
    assert cells(errors) == {(62, "产业链代码")}
    assert reason(errors, 62, "产业链代码") == "No such chain (or not yours to see)."

"""Major projects in Excel: import through the projects service (history and audit as in the
browser), every kind of bad row refused with nothing written, corrections of monthly investment,
scoped offices, templates.

The synthetic city of tests/exchange/helpers.py holds three projects (PROJECTS), their annual
plans and four months of investment; every test counts on those rows as written there.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core.errors import PermissionDenied
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.exchange.schema import CHOICES
from gaodi.exchange.service import export, import_file, template
from gaodi.models import AuditEvent, Chain, Park
from gaodi.projects import projects, states
from gaodi.projects.models import Project, ProjectEvent, ProjectProgress, ProjectStage
from tests.exchange.helpers import (
    CITY,
    PROJECT_PROGRESS,
    PROJECTS,
    USCCS,
    load_city,
    table_counts,
    write_xlsx,
)
from tests.exchange.test_bad_rows import WRONG_CHECK, cells, reason, rejected
from tests.snapshots import SNAPSHOTS

A = ("示例液压件生产基地项目", "示例液压科技有限公司")  # stage 开工, park 高新区
B = ("示例整机智能制造产业园项目", "示例智能装备有限公司")  # stage 投产, park 经开区
C = ("示例液压件生产基地项目", "示例长沙投资有限公司")  # A's name, another investor
HEADER = PROJECTS[0]
PROGRESS_HEADER = PROJECT_PROGRESS[0]


@pytest.fixture
def city(db: Engine, tmp_path: Path) -> Iterator[Engine]:
    """The synthetic city with its projects, plus a second chain demo_other (link x)."""
    load_city(db, tmp_path)
    chains = [["产业链代码", "产业链名称"], ["demo_other", "示例另一产业链"]]
    links = [
        ["产业链代码", "环节代码", "环节名称", "上中下游"],
        ["demo_other", "x", "示例环节", "上游"],
    ]
    path = write_xlsx(tmp_path / "c2.xlsx", {"产业链": chains, "links": links})
    # imported once per session and backend, then copied (tests/snapshots.py)
    SNAPSHOTS.restore_or_build(
        db, "projects-city", lambda: import_file(db, "chains", path, principal=SYSTEM)
    )
    yield db


def project_row(name: str, investor: str, **values: Any) -> list[Any]:
    """A row under HEADER: a signed project on demo_machinery, with ``values`` by header."""
    row: dict[str, Any] = dict.fromkeys(HEADER, "")
    row.update({"项目名称": name, "投资方": investor, "产业链代码": "demo_machinery"})
    row.update({"总投资（万元）": 1000, "签约日期": "2023-01-01", "示例数据": "是"})
    row.update(values)
    return [row[h] for h in HEADER]


def _project(engine: Engine, key: tuple[str, str]) -> dict[str, Any]:
    """A project's stage, its stage dates, its history and its monthly investment."""
    with session_scope(engine) as s:
        p = s.scalars(
            select(Project).where(Project.name == key[0], Project.investor_name == key[1])
        ).one()
        stages = {r.stage: r for r in s.scalars(select(ProjectStage).filter_by(project_id=p.id))}
        events = s.scalars(
            select(ProjectEvent).filter_by(project_id=p.id).order_by(ProjectEvent.id)
        )
        progress = s.scalars(select(ProjectProgress).filter_by(project_id=p.id))
        return {
            "id": p.id,
            "stage": p.stage,
            "park_id": p.park_id,
            "is_demo": p.is_demo,
            "total": p.total_investment,
            "uscc": p.investor_uscc,
            "planned": {k: v.planned_on for k, v in stages.items()},
            "actual": {k: v.actual_on for k, v in stages.items()},
            "events": [(e.action, e.from_status, e.to_status) for e in events],
            "progress": {r.period: (r.amount, r.note) for r in progress},
        }


# ---------------------------------------------------------------------------- success


def test_projects_are_registered_through_the_service(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path, upto="projects")
    before = table_counts(db)
    report = import_file(
        db, "projects", write_xlsx(tmp_path / "p.xlsx", CITY["projects"]), principal=SYSTEM
    )
    assert (report.sheets["projects"].created, report.sheets["project_year_plans"].created) == (
        3,
        3,
    )
    added = {k: v - before[k] for k, v in table_counts(db).items() if v != before[k]}
    # 3 projects × 4 stage rows; history: 3 × create, A: start, B: start + produce
    assert added["project"] == 3 and added["project_stage"] == 12
    assert added["project_year_plan"] == 3 and added["project_event"] == 6
    a, b, c = (_project(db, k) for k in (A, B, C))
    assert a["stage"] == "started" and a["uscc"] == USCCS[3] and a["is_demo"]
    assert a["actual"] == {
        "signed": date(2022, 3, 1),
        "started": date(2022, 7, 15),
        "producing": None,
        "full_output": None,
    }
    assert a["planned"]["signed"] == date(2022, 3, 1)  # signing: planned = actual
    assert a["planned"]["producing"] == date(2023, 12, 31)
    assert b["events"] == [
        ("create", None, "signed"),
        ("start", "signed", "started"),
        ("produce", "started", "producing"),
    ]
    assert b["total"] == 120000.5 and b["actual"]["producing"] == date(2023, 2, 20)
    # C has A's name and another investor: another project, left at signing (blank stage)
    assert c["stage"] == "signed" and c["id"] != a["id"] and c["park_id"] is None
    with session_scope(db) as s:
        detail = projects.project_detail(s, SYSTEM, b["id"])
        assert detail.year_plans == {2023: 30000.5}
        actions = set(s.scalars(select(AuditEvent.action)))
    # each step in the audit log as in the browser, and the import itself
    assert {"project.create", "project.start", "project.produce", "import"} <= actions


def test_monthly_investment_is_reported_through_the_service(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path)  # the helpers' city imports PROJECT_PROGRESS last
    a, b = _project(db, A), _project(db, B)
    assert a["progress"] == {"2023-01": (1500.5, None), "2023-02": (0.0, "示例：春节停工")}
    # the month typed as an Excel date (2023-02-01) was read as 2023-02
    assert b["progress"] == {"2023-01": (2600.0, None), "2023-02": (2400.0, None)}
    assert a["events"][-2:] == [("report_progress", "started", "started")] * 2
    with session_scope(db) as s:
        row = projects.project_detail(s, SYSTEM, b["id"]).progress[-1]
    assert (row.period, row.cumulative) == ("2023-02", 5000.0)  # 2600 + 2400


# ---------------------------------------------------------------------------- bad rows


def test_every_kind_of_bad_project_row(city: Engine, tmp_path: Path) -> None:
    new = ("示例新项目", "示例新投资有限公司")
    rows = [
        HEADER,
        project_row(*new, **{"环节代码": "parts"}),  # 2: fine
        project_row("示例甲", "示例投资", **{"产业链代码": "demo_nothing"}),  # 3: no such chain
        project_row("示例乙", "示例投资", **{"环节代码": "x"}),  # 4: link of demo_other
        project_row(
            "示例丙", "示例投资", **{"投资方统一社会信用代码": USCCS[5][:17] + WRONG_CHECK}
        ),
        project_row("示例丁", "示例投资", **{"阶段": "竣工"}),  # 6: no such stage
        project_row("示例戊", "示例投资", **{"实际投产日期": "2023-05-01"}),  # 7: no 开工
        project_row("示例己", "示例投资", **{"阶段": "投产", "实际开工日期": "2023-02-01"}),
        project_row(
            "示例庚", "示例投资", **{"签约日期": "2023-03-01", "实际开工日期": "2023-02-01"}
        ),
        project_row("示例辛", "示例投资", **{"计划开工日期": "2022-12-01"}),  # 10: plan < signing
        project_row("示例壬", "示例投资", **{"实际开工日期": "2099-01-01"}),  # 11: future
        project_row("示例癸", "示例投资", **{"总投资（万元）": 0}),  # 12: total must be > 0
        project_row(*new),  # 13: repeats row 2
        project_row(*A),  # 14: already in the database (insert mode)
        project_row("示例子", "示例投资", **{"所在园区": "不存在的园区"}),  # 15
    ]
    errors = rejected(city, "projects", write_xlsx(tmp_path / "p.xlsx", {"重大项目": rows}))
    assert cells(errors) == {
        (3, "产业链代码"),
        (4, "环节代码"),
        (5, "投资方统一社会信用代码"),
        (6, "阶段"),
        (7, "实际投产日期"),
        (8, "阶段"),
        (9, "实际开工日期"),
        (10, "计划开工日期"),
        (11, "实际开工日期"),
        (12, "总投资（万元）"),
        (13, "项目名称"),
        (14, "项目名称"),
        (15, "所在园区"),
    }
    assert reason(errors, 3, "产业链代码") == "Chain 'demo_nothing' does not exist."
    assert reason(errors, 4, "环节代码") == "Link 'x' is not in chain 'demo_machinery'."
    assert reason(errors, 5, "投资方统一社会信用代码").endswith(
        f"expected '{USCCS[5][17]}', found '{WRONG_CHECK}'."
    )
    assert "not an allowed value; allowed: signed, started, producing, full_output" in reason(
        errors, 6, "阶段"
    )
    # the later stage's date without the earlier one: the error names both stages
    gap = next(e for e in errors if e.row == 7)
    assert "producing date (2023-05-01)" in gap.reason_en and "started date is missing" in (
        gap.reason_en
    )
    assert "投产" in gap.reason_zh and "开工" in gap.reason_zh
    assert (
        reason(errors, 8, "阶段")
        == "The stage is 'producing' but there is no actual producing date."
    )
    assert reason(errors, 9, "实际开工日期") == (
        "The started date (2023-02-01) is before the signed date (2023-03-01)."
    )
    assert "planned started date (2022-12-01) is before" in reason(errors, 10, "计划开工日期")
    assert "cannot be later than today" in reason(errors, 11, "实际开工日期")
    assert reason(errors, 12, "总投资（万元）") == "The total investment must be more than 0."
    assert reason(errors, 13, "项目名称") == "Duplicates row 2 (same name, investor_name)."
    assert "already exists; to update it, import in update mode" in reason(errors, 14, "项目名称")
    assert reason(errors, 15, "所在园区").startswith("Park '不存在的园区' does not exist")


def test_a_stage_behind_its_dates_and_an_annual_plan_of_no_project(
    city: Engine, tmp_path: Path
) -> None:
    rows = [
        HEADER,
        project_row("示例甲", "示例投资", **{"阶段": "签约", "实际开工日期": "2023-02-01"}),
    ]
    plans = [
        ["项目名称", "投资方", "年度", "年度计划投资（万元）"],
        ["示例甲", "示例投资", 2023, 100],  # new in the same file: fine
        ["没有的项目", "示例投资", 2023, 100],
        ["示例甲", "示例投资", 2023, 200],  # repeats row 2
    ]
    path = write_xlsx(tmp_path / "p.xlsx", {"重大项目": rows, "年度计划投资": plans})
    errors = rejected(city, "projects", path)
    assert {(e.sheet, e.row, e.column) for e in errors} == {
        ("重大项目", 2, "阶段"),
        ("年度计划投资", 3, "项目名称"),
        ("年度计划投资", 4, "项目名称"),
    }
    assert reason(errors, 2, "阶段") == (
        "The stage is 'signed' but an actual started date (2023-02-01) is given."
    )
    assert reason(errors, 3, "项目名称").startswith("No major project '没有的项目'")


def test_every_kind_of_bad_progress_row(city: Engine, tmp_path: Path) -> None:
    rows = [
        PROGRESS_HEADER,
        [*A, "2023-03", 100, ""],  # 2: fine
        [*A, "2023-04", -1, ""],  # 3: negative
        [*A, "2023-13", 1, ""],  # 4: no such month
        [*A, "2023-Q2", 1, ""],  # 5: a quarter
        [*A, "2099-01", 1, ""],  # 6: a future month
        ["没有的项目", A[1], "2023-03", 1, ""],  # 7: no such project
        [*A, "2023-03", 5, ""],  # 8: repeats row 2
        [*A, "2023-01", 7, ""],  # 9: reported already (insert mode)
    ]
    errors = rejected(city, "project_progress", write_xlsx(tmp_path / "m.xlsx", {"s": rows}))
    assert cells(errors) == {
        (3, "当月完成投资（万元）"),
        (4, "月份"),
        (5, "月份"),
        (6, "月份"),
        (7, "项目名称"),
        (8, "项目名称"),
        (9, "项目名称"),
    }
    assert reason(errors, 3, "当月完成投资（万元）") == "Value -1 is below the minimum 0."
    assert reason(errors, 4, "月份").startswith("Unrecognised period '2023-13'")
    assert reason(errors, 5, "月份") == "Period '2023-Q2' must be a month (YYYY-MM), e.g. 2023-06."
    assert reason(errors, 6, "月份") == "Cannot report investment for a future month (2099-01)."
    assert "already exists; to update it, import in update mode" in reason(errors, 9, "项目名称")


# ---------------------------------------------------------------------------- corrections


def test_a_reported_month_is_corrected_only_in_upsert_mode(city: Engine, tmp_path: Path) -> None:
    events = len(_project(city, A)["events"])
    # no note column: the note of 2023-02 stays when its amount is corrected
    rows = [
        ["项目名称", "投资方", "月份", "当月完成投资"],
        [*A, "2023-01", 1500.5],
        [*A, "2023-02", 80],
    ]
    path = write_xlsx(tmp_path / "m.xlsx", {"s": rows})
    rejected(city, "project_progress", path)
    report = import_file(city, "project_progress", path, mode="upsert", principal=SYSTEM)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    a = _project(city, A)
    assert a["progress"]["2023-02"] == (80.0, "示例：春节停工")
    assert a["progress"]["2023-01"] == (1500.5, None)
    assert len(a["events"]) == events + 1  # one correction, recorded in the history
    with session_scope(city) as s:
        audit = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "project.report_progress")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert audit is not None
        assert (audit.after["period"], audit.after["amount"], audit.after["previous"]) == (
            "2023-02",
            80.0,
            0.0,
        )
    # the same file again: nothing changes, no event
    report = import_file(city, "project_progress", path, mode="upsert", principal=SYSTEM)
    assert report.unchanged == 2 and len(_project(city, A)["events"]) == events + 1


def test_upsert_advances_a_stage_and_keeps_recorded_dates(city: Engine, tmp_path: Path) -> None:
    a = _project(city, A)
    dates = {"实际开工日期": "2022-07-15", "计划开工日期": "2022-06-30", "签约日期": "2022-03-01"}
    row = project_row(
        *A,
        **dates,
        **{"阶段": "投产", "实际投产日期": "2023-03-01", "计划达效日期": "2025-06-30"},
    )
    report = import_file(
        city,
        "projects",
        write_xlsx(tmp_path / "p.xlsx", {"重大项目": [HEADER, row]}),
        mode="upsert",
        principal=SYSTEM,
    )
    assert report.updated == 1
    after = _project(city, A)
    assert after["stage"] == "producing" and after["actual"]["producing"] == date(2023, 3, 1)
    assert after["events"][-1] == ("produce", "started", "producing")
    assert after["planned"]["full_output"] == date(2025, 6, 30)
    assert after["total"] == 1000.0 and after["park_id"] is None  # blank cells clear
    assert len(after["events"]) == len(a["events"]) + 1
    with session_scope(city) as s:
        changed = s.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "project_stage", AuditEvent.action == "update"
            )
        ).all()
        assert {"planned_on": "2025-06-30"} in [e.after for e in changed]
    # a recorded date cannot be changed (or cleared) by an import
    row = project_row(*A, **{**dates, "实际开工日期": "2022-07-16", "实际投产日期": "2023-03-01"})
    path = write_xlsx(tmp_path / "p2.xlsx", {"重大项目": [HEADER, row]})
    errors = rejected(city, "projects", path, mode="upsert")
    assert cells(errors) == {(2, "实际开工日期")}
    assert "recorded as 2022-07-15" in reason(errors, 2, "实际开工日期")


# ---------------------------------------------------------------------------- scopes


def _park_office(engine: Engine, park: str) -> Principal:
    with session_scope(engine) as s:
        pid = s.scalars(select(Park.id).where(Park.name == park)).one()
    return Principal(username="demo_park_office", role="park_office", park_ids=frozenset({pid}))


def test_a_park_office_exports_and_imports_only_its_parks_projects(
    city: Engine, tmp_path: Path
) -> None:
    office = _park_office(city, "示例经济开发区")  # B's park
    path = tmp_path / "mine.xlsx"
    assert export(city, "projects", path, principal=office) == {
        "projects": 1,
        "project_year_plans": 1,
    }
    assert export(city, "project_progress", tmp_path / "m.csv", principal=office) == {
        "project_progress": 2
    }
    text = (tmp_path / "m.csv").read_text(encoding="utf-8-sig")
    assert B[0] in text and A[0] not in text
    # its own park is fine; another park or no park is refused, nothing is written
    rows = [
        HEADER,
        project_row("示例园区项目", "示例投资", **{"所在园区": "示例经济开发区"}),
        project_row("示例别园项目", "示例投资", **{"所在园区": "示例高新技术产业开发区"}),
        project_row("示例无园项目", "示例投资"),
    ]
    errors = rejected(
        city, "projects", write_xlsx(tmp_path / "p.xlsx", {"重大项目": rows}), principal=office
    )
    assert cells(errors) == {(3, "所在园区"), (4, "所在园区")}
    # another park answers as a missing one would (nothing says it exists)
    assert "No park '示例高新技术产业开发区' in your scope." in reason(errors, 3, "所在园区")
    assert "No such park (or not yours to see)." in reason(errors, 4, "所在园区")
    report = import_file(
        city, "projects", write_xlsx(tmp_path / "ok.xlsx", {"重大项目": rows[:2]}), principal=office
    )
    assert report.created == 1
    assert _project(city, ("示例园区项目", "示例投资"))["events"][0][0] == "create"
    # monthly investment of another park's project is refused
    progress = [PROGRESS_HEADER, [*B, "2023-03", 10, ""], [*A, "2023-03", 10, ""]]
    errors = rejected(
        city,
        "project_progress",
        write_xlsx(tmp_path / "m.xlsx", {"s": progress}),
        principal=office,
    )
    assert cells(errors) == {(3, "项目名称")}
    # another park's project reads as a missing one (the refusal confirms nothing)
    assert "No major project" in reason(errors, 3, "项目名称")
    # moving its own project to another park is refused too
    dates = {"实际开工日期": "2021-10-08", "实际投产日期": "2023-02-20", "签约日期": "2021-05-10"}
    moved = project_row(*B, **dates, **{"所在园区": "示例高新技术产业开发区"})
    path = write_xlsx(tmp_path / "b.xlsx", {"重大项目": [HEADER, moved]})
    assert cells(rejected(city, "projects", path, principal=office, mode="upsert")) == {
        (2, "所在园区")
    }


def test_a_chain_office_imports_only_its_chains_projects(city: Engine, tmp_path: Path) -> None:
    with session_scope(city) as s:
        other = s.scalars(select(Chain.id).where(Chain.code == "demo_other")).one()
    office = Principal(username="demo_chain", role="chain_office", chain_ids=frozenset({other}))
    assert export(city, "projects", tmp_path / "p.csv", principal=office) == {"projects": 0}
    rows = [HEADER, project_row("示例链项目", "示例投资")]  # on demo_machinery
    errors = rejected(
        city, "projects", write_xlsx(tmp_path / "p.xlsx", {"重大项目": rows}), principal=office
    )
    assert cells(errors) == {(2, "产业链代码")}
    with pytest.raises(PermissionDenied):  # an analyst may not edit projects at all
        import_file(
            city,
            "projects",
            write_xlsx(tmp_path / "p.xlsx", {"重大项目": rows}),
            principal=Principal(username="demo_analyst", role="analyst"),
        )


# ---------------------------------------------------------------------------- templates


def test_project_template_offers_stages_chains_links_and_parks(
    city: Engine, tmp_path: Path
) -> None:
    wb = load_workbook(template("projects", tmp_path / "t.xlsx", engine=city, principal=SYSTEM))
    ws, lists = wb["重大项目 projects"], wb["代码表 lists"]
    headers = [c.value.split("\n")[1] for c in ws[1]]

    def offered(key: str) -> list[str]:
        letter = ws.cell(1, headers.index(key) + 1).column_letter
        dv = next(d for d in ws.data_validations.dataValidation if str(d.sqref).startswith(letter))
        column = dv.formula1.split("!$")[1].split("$")[0]
        values = [lists[f"{column}{r}"].value for r in range(2, lists.max_row + 1)]
        return [v for v in values if v is not None]

    assert offered("stage") == ["签约", "开工", "投产", "达效"]
    assert offered("chain_code") == ["demo_machinery", "demo_other"]
    assert set(offered("link_code")) == {"parts", "hydraulics", "assembly", "x"}
    assert offered("park") == ["示例高新技术产业开发区", "示例经济开发区"]
    assert ws.column_dimensions["I"].number_format == "yyyy-mm-dd"  # 签约日期
    info = [r for r in wb["说明"].iter_rows(values_only=True) if r and r[0]]
    assert any("upsert" in str(r[1]) for r in info if str(r[0]).startswith("重大项目"))
    progress = load_workbook(
        template("project_progress", tmp_path / "m.xlsx", engine=city, principal=SYSTEM)
    )
    ws = progress["月度投资 project_progress"]
    assert ws.column_dimensions["C"].number_format == "@"  # months stay text
    assert "only in upsert mode" in "\n".join(
        str(v) for r in progress["说明"].iter_rows(values_only=True) for v in r if v
    )


def test_stage_labels_are_the_workflows() -> None:
    assert [(c.code, c.zh, c.en) for c in CHOICES["project_stage"]] == [
        (s.key, s.zh, s.en) for s in states.PROJECT.states
    ]


def test_annual_plans_of_existing_projects(city: Engine, tmp_path: Path) -> None:
    header = ["项目名称", "投资方", "年度", "年度计划投资（万元）", "备注"]
    rows = [header, [*A, 2023, 25000, ""], [*A, 2024, 15000, ""]]  # 2023 was 20000; 2024 new
    path = write_xlsx(tmp_path / "y.xlsx", {"s": rows})
    errors = rejected(city, "project_year_plans", path)  # insert mode: 2023 exists
    assert cells(errors) == {(2, "项目名称")}
    # a correction of the stored 2023 plan says why, as on the project page
    errors = rejected(city, "project_year_plans", path, mode="upsert")
    assert cells(errors) == {(2, "备注")} and "20,000 → 25,000 万元" in errors[0].reason_zh
    rows[1][4] = "按批复调整"
    path = write_xlsx(tmp_path / "y2.xlsx", {"s": rows})
    report = import_file(city, "project_year_plans", path, mode="upsert", principal=SYSTEM)
    assert (report.created, report.updated) == (1, 1)
    with session_scope(city) as s:
        detail = projects.project_detail(s, SYSTEM, _project(city, A)["id"])
    assert detail.year_plans == {2022: 10000.0, 2023: 25000.0, 2024: 15000.0}
    # each plan set by the sheet is a step in the project's history, the correction with its
    # reason (an imported correction used to leave no trace)
    steps = [e for e in detail.events if e.action == "set_year_plan"]
    assert len(steps) == 2 and any(
        "20,000 → 25,000 · 按批复调整" in (e.comment or "") for e in steps
    ), steps


def test_project_export_filters(city: Engine, tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    # B is the only project in 示例经济开发区; A has plans for 2022 and 2023, B for 2023
    assert export(city, "projects", path, filters={"park": "示例经济开发区"}, principal=SYSTEM) == {
        "projects": 1,
        "project_year_plans": 1,
    }
    assert export(city, "projects", path, filters={"year": 2022}, principal=SYSTEM) == {
        "projects": 3,
        "project_year_plans": 1,
    }
    assert export(city, "projects", path, filters={"chain": "demo_other"}, principal=SYSTEM) == {
        "projects": 0,
        "project_year_plans": 0,
    }
    assert export(city, "project_progress", path, filters={"year": 2022}, principal=SYSTEM) == {
        "project_progress": 0
    }
    assert export(city, "project_progress", path, filters={"year": 2023}, principal=SYSTEM) == {
        "project_progress": 4
    }

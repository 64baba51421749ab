"""``gaodi projects …`` end to end on a small database (the system principal)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.core import clock
from gaodi.db import session_factory
from gaodi.projects import appeals, projects
from gaodi.projects.schemas import AppealIn, ProjectIn
from tests.projects.conftest import build_world

runner = CliRunner()


def _setup(engine: Engine) -> tuple[int, int]:
    from datetime import date

    with session_factory(engine)() as s:
        w = build_world(s)
        p = projects.create_project(
            s,
            w.admin,
            ProjectIn(
                name="液压件项目",
                chain_id=w.chain_a,
                park_id=w.park_1,
                investor_name="i",
                total_investment=100,
                signed_on=date(2023, 1, 1),
                planned_start_on=date(2023, 3, 1),
            ),
        )
        a = appeals.submit(
            s, w.admin, AppealIn(enterprise_id=w.e1, category="用地", title="t", text="x")
        )
        s.commit()
        return p.id, a.id


def test_list_advance_and_errors(sqlite_db: Engine) -> None:
    with clock.frozen(datetime(2023, 6, 1, 2, 0)):
        pid, _aid = _setup(sqlite_db)
        out = runner.invoke(app, ["projects", "list", "--delayed", "--json", "--chain", "A"])
        assert out.exit_code == 0, out.output
        rows = json.loads(out.output)
        assert [r["id"] for r in rows] == [pid] and rows[0]["delays"][0]["days_late"] == 92
        out = runner.invoke(app, ["projects", "list", "--park", "P2", "--json"])
        assert json.loads(out.output) == []
        out = runner.invoke(
            app, ["projects", "advance", str(pid), "--stage", "producing", "--date", "2023-05-01"]
        )
        assert out.exit_code == 2 and "签约" in out.output and "signed" in out.output
        out = runner.invoke(
            app, ["projects", "advance", str(pid), "--stage", "started", "--date", "2023-05-01"]
        )
        assert out.exit_code == 0, out.output
        out = runner.invoke(app, ["projects", "list", "--delayed", "--json"])
        assert json.loads(out.output) == []
        out = runner.invoke(app, ["projects", "list", "--chain", "nope"])
        assert out.exit_code == 2 and "No chain" in out.output


def test_appeals_and_summary(sqlite_db: Engine) -> None:
    with clock.frozen(datetime(2023, 6, 1, 2, 0)):
        _pid, aid = _setup(sqlite_db)
    out = runner.invoke(
        app, ["projects", "appeals", "list", "--level", "2", "--json", "--as-of", "2023-06-12"]
    )
    assert [r["id"] for r in json.loads(out.output)] == [aid]
    out = runner.invoke(app, ["projects", "summary", "--as-of", "2023-06-05"])
    summary = json.loads(out.output)
    assert summary["appeals_overdue"] == 0 and summary["projects_behind"] == 1
    out = runner.invoke(app, ["projects", "appeals", "stats", "--json", "--as-of", "2023-06-12"])
    assert json.loads(out.output)["by_level"] == {"0": 0, "1": 0, "2": 1}
    for args in (
        ["projects", "rollup", "--by", "park"],
        ["projects", "challenges", "list"],
        ["projects", "appeals", "stats"],
        ["projects", "show", "1"],
    ):
        assert runner.invoke(app, args).exit_code == 0, args

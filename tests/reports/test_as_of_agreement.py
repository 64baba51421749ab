"""One date, one truth: on the small demo city, for several days between 2021 and 2023, the board
(service, ``gaodi plan status --as-of``, the JSON API, the board page), the projects summary
(service, ``gaodi projects summary --as-of``) and the monthly, chain and park reports (their
document models) give the same counts and statuses, and nothing that happened after the day
(a project signed, an appeal received, an observation of a later period, a later year's
enterprise figures) appears in any of them.

The demo city is built once per session (``demo_template``) and copied once for this module.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.accounts import service as accounts
from gaodi.cli import app as cli_app
from gaodi.config import Settings, reset_settings
from gaodi.core.periods import parse_period
from gaodi.core.permissions import SYSTEM
from gaodi.db import get_engine, make_engine, session_scope
from gaodi.plans import service as plans
from gaodi.projects import appeal_queries, projects
from gaodi.projects import service as act
from gaodi.projects.models import Appeal, ProjectStage
from gaodi.reports.chain import build_chain
from gaodi.reports.model import Paragraph, Report, Table
from gaodi.reports.monthly import build_monthly, figures_year
from gaodi.reports.park import build_park, parks_service
from gaodi.web.app import create_app
from tests.web.helpers import login

DAYS = [dt.date(2021, 6, 30), dt.date(2022, 12, 31), dt.date(2023, 6, 30)]
PASSWORD = "password-123456"
runner = CliRunner()


class City:
    def __init__(self, engine: Engine, client: TestClient, url: str) -> None:
        self.engine = engine
        self.url = url
        self.client = client
        self.monthly: dict[str, Report] = {}


@pytest.fixture(scope="module")
def city(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:

    directory = tmp_path_factory.mktemp("as-of")
    path = directory / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with session_scope(engine, actor="test") as s:
        accounts.create_user(s, "ana", "analyst", PASSWORD, principal=SYSTEM)
    web = create_app(engine, Settings(data_dir=directory, secret_key="as-of-test-secret-0123"))
    client = TestClient(web, base_url="http://testserver")
    login(client, "ana", PASSWORD)
    yield City(engine, client, url)
    engine.dispose()


def cli(city: City, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    """A ``gaodi`` command on the module's copy of the demo city, its JSON output parsed."""
    monkeypatch.setenv("GAODI_DATABASE_URL", city.url)
    reset_settings()
    get_engine.cache_clear()
    out = runner.invoke(cli_app, list(args), env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def month(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def statuses(board: dict[str, Any]) -> dict[int, str]:
    return {r["target_id"]: r["status"] for a in board["actions"] for r in a["rows"]}


def monthly(city: City, day: dt.date) -> Report:
    key = month(day)
    if key not in city.monthly:
        with session_scope(city.engine) as s:
            city.monthly[key] = build_monthly(s, SYSTEM, key)
    return city.monthly[key]


def paragraphs(report: Report) -> str:
    return "\n".join(b.text for b in report.blocks if isinstance(b, Paragraph))


def tables(report: Report, first_column: str) -> list[Table]:
    return [b for b in report.blocks if isinstance(b, Table) and b.columns[0].label == first_column]


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_board_agrees_everywhere_and_sees_nothing_later(
    city: City, day: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(city.engine) as s:
        board = json.loads(plans.board(s, SYSTEM, month(day)).model_dump_json())
    assert board["as_of"] == month(day)
    last = parse_period(month(day)).last_month
    rows = [r for a in board["actions"] for r in a["rows"]]
    assert len(rows) == 31
    for r in rows:  # an observation of a later period never counts
        assert r["actual_period"] is None or parse_period(r["actual_period"]).last_month <= last
        assert r["reason_zh"] and r["reason_en"]
    # gaodi plan status --as-of … --format json
    cli_board = cli(city, monkeypatch, "plan", "status", "--as-of", month(day), "--format", "json")
    assert cli_board["counts"] == board["counts"] and statuses(cli_board) == statuses(board)
    # the JSON API and the page
    api = city.client.get(f"/api/v1/plans/board?as_of={month(day)}").json()
    assert api["counts"] == board["counts"] and statuses(api) == statuses(board)
    html = city.client.get(f"/plans?as_of={month(day)}").text
    shown = dict(re.findall(r'<tr data-target="(\d+)" data-status="([a-z_]+)"', html))
    assert {int(k): v for k, v in shown.items()} == statuses(board)
    for status, n in board["counts"].items():
        if status != "invalid":
            # <span data-count="green"><span class="light …"><span class="dot"></span>绿</span> 3</span>
            count = rf'data-count="{status}"><span[^>]*><span[^>]*></span>[^<]*</span> {n}</span>'
            assert re.search(count, html), status
    # the monthly report: its overview counts and one table row per target, same lights
    report = monthly(city, day)
    c = board["counts"]
    assert f"绿灯（达到序时进度）{c['green']}个" in paragraphs(report)
    assert f"红灯（明显落后于序时进度）{c['red']}个" in paragraphs(report)
    # the tables hold the status codes (the renderers word them), in the board's order
    lights = [row[6] for t in tables(report, "指标") for row in t.rows]
    assert lights == [r["status"] for r in rows]


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_board_known_on_the_day_agrees_everywhere(
    city: City, day: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The board of the month *as it was known on its last day* (values sent by then, with
    the status each had then): the service, ``--known-on``, ``?known_on=`` and the monthly
    report built with ``known_on`` agree, and none of them uses a value sent later."""
    with session_scope(city.engine) as s:
        board = json.loads(plans.board(s, SYSTEM, month(day), known_on=day).model_dump_json())
        today = plans.board(s, SYSTEM, month(day))
        report = build_monthly(s, SYSTEM, month(day), known_on=day)
    p = board["provenance"]
    assert p["known_on"] == day.isoformat()
    assert p["data_as_of"] is None or p["data_as_of"][:10] <= day.isoformat()
    # the demo's values for a month arrive early the next month: fewer are known on its last day
    assert p["n_observations"] < today.provenance.n_observations
    cli_board = cli(
        city, monkeypatch, "plan", "status", "--as-of", month(day), "--known-on",
        day.isoformat(), "--format", "json",
    )  # fmt: skip
    assert cli_board["counts"] == board["counts"] and statuses(cli_board) == statuses(board)
    api = city.client.get(f"/api/v1/plans/board?as_of={month(day)}&known_on={day}").json()
    assert api["counts"] == board["counts"] and statuses(api) == statuses(board)
    text = paragraphs(report)
    assert f"截至{day.year}年{day.month}月{day.day}日已报送的数据{p['n_observations']}条" in text
    assert f"绿灯（达到序时进度）{board['counts']['green']}个" in text
    lights = [row[6] for t in tables(report, "指标") for row in t.rows]
    assert lights == [r["status"] for a in board["actions"] for r in a["rows"]]


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_projects_and_appeals_agree_and_see_nothing_later(
    city: City, day: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(city.engine) as s:
        summary = act.act_summary(s, SYSTEM, day)
        rows = projects.list_projects(s, SYSTEM, None, day)
        signed = dict(
            s.execute(
                select(ProjectStage.project_id, ProjectStage.actual_on).where(
                    ProjectStage.stage == "signed"
                )
            ).all()
        )
        appeals = appeal_queries.list_appeals(s, SYSTEM, None, day, limit=100_000)
        received = dict(s.execute(select(Appeal.id, Appeal.received_at)).all())
        all_projects = len(signed)
    # a project signed after the day does not exist yet; one signed by then does
    assert {r.id for r in rows} == {p for p, on in signed.items() if on is not None and on <= day}
    assert 0 < len(rows) < all_projects or day == DAYS[-1]
    end = dt.datetime.combine(day, dt.time(23, 59, 59)) - dt.timedelta(hours=8)  # city → UTC
    assert appeals and all(received[a.id] <= end for a in appeals)
    assert {a.id for a in appeals} == {i for i, at in received.items() if at <= end}
    # gaodi projects summary --as-of gives the service's numbers
    said = cli(city, monkeypatch, "projects", "summary", "--as-of", day.isoformat())
    assert said == json.loads(json.dumps(asdict(summary), default=str))
    assert said["projects_total"] == len(rows)
    assert sum(said["appeals_by_status"].values()) == len(appeals)
    # the monthly report's section says the same
    text = paragraphs(monthly(city, day))
    assert (
        f"重大项目{summary.projects_total}个，其中进度滞后于计划{summary.projects_behind}个" in text
    )
    assert (
        f"企业诉求在办{summary.appeals_open}件，其中超过办理时限{summary.appeals_overdue}件" in text
    )


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_chain_and_park_reports_use_the_figures_known_then(city: City, day: dt.date) -> None:
    report = monthly(city, day)
    with session_scope(city.engine) as s:
        year = figures_year(s, month(day))
        assert year == day.year - 1  # the demo has figures 2019–2023: the year before
        from gaodi.chains import service as chains

        summary = chains.chain_summary(s, SYSTEM, year=year)
        first = summary.chains[0]
        chain_report = build_chain(s, SYSTEM, first.chain.id, year=year)
        park_report = None
        parks = parks_service()
        if parks is not None:
            ev = parks.evaluate(s, SYSTEM, year=year)
            park_report = build_park(s, SYSTEM, ev.parks[0].id, year=year)
    provenance = dict(report.provenance)
    assert f"企业数据年份 {year}" in provenance["产业链诊断"]
    # the monthly chain table and the chain report agree on the chain's enterprises and gaps
    chain_table = next(t for t in tables(report, "产业链") if t.columns[1].label == "环节数")
    row = next(r for r in chain_table.rows if r[0] == first.chain.name)
    assert row[2] == first.enterprises and (row[6], row[7]) == (first.n_missing, first.n_weak)
    overview = paragraphs(chain_report)
    assert chain_report.subtitle.endswith(f"（企业数据年份：{year}）")
    assert f"缺链{first.n_missing}个" in overview and f"链上企业{first.enterprises:,}家" in overview
    if park_report is not None:
        assert park_report.subtitle == f"{year}年度"
        assert f"{year}年亩均效益评价" in paragraphs(report)

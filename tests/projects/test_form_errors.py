"""What the projects, challenges and appeals forms answer to bad input: never a 500; the form
shown again (422) with what was typed, each message beside its field and, in the summary, after
the field's label in the page's language (never the field's internal name); business rules
(links of another chain, future dates, codes, deadlines) the same way, naming things by name.
The pages in English say the stages and appeal categories in English.

Runs on the web tests' seeded city (tests/web/seed.py: chain 测试链甲 with links 甲上游 and
甲中游, chain 测试链乙 with 乙上游; projects signed 2023-01-05; appeals of category 审批).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.projects import projects
from gaodi.projects.models import (
    Challenge,
    ChallengeApplication,
    Project,
    ProjectProgress,
    ProjectYearPlan,
)
from tests.web.conftest import Site, featured_site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD

NOW = datetime(2023, 6, 1, 2, 0)  # the city's today: 2023-06-01


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with featured_site(tmp_path_factory, "form-errors", NOW) as made:
        yield made


@pytest.fixture(scope="module")
def admin(site: Site) -> tuple[TestClient, str]:
    client = site.client()
    return client, login(client, site.world.users["admin"], PASSWORD)


def _counts(site: Site) -> tuple[int, ...]:
    with session_scope(site.engine) as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m)) or 0
            for m in (Project, ProjectYearPlan, ProjectProgress, Challenge, ChallengeApplication)
        )


def _summary(page: str) -> list[str]:
    """The items of the page's error summary, as the user reads them."""
    found = re.search(r'data-testid="form-errors".*?<ul>(.*?)</ul>', page, re.S)
    assert found, "no error summary on the page"
    return [html.unescape(i) for i in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def _beside(page: str, field: str) -> str:
    """The message shown beside ``field``."""
    found = re.search(rf'data-testid="error-{field}">(.*?)</p>', page, re.S)
    assert found, f"no message beside {field}"
    return html.unescape(found.group(1))


def _typed(page: str, form: str, field: str) -> str:
    """The value the form's input ``field`` shows."""
    found = re.search(rf'name="{field}"[^>]*?value="([^"]*)"', page[page.index(form) :])
    assert found, f"no input {field}"
    return html.unescape(found.group(1))


def _project(site: Site, **changes: str) -> dict[str, object]:
    return {
        "name": "新能源装备项目",
        "chain_id": site.world.ids["chain_a"],
        "investor_name": "某投资方",
        "total_investment": "800",
        "signed_on": "2023-05-01",
        **changes,
    }


def _challenge(site: Site, **changes: str) -> dict[str, object]:
    return {
        "title": "高端液压阀攻关",
        "problem": "国产化",
        "chain_id": site.world.ids["chain_a"],
        "budget": "300",
        "deadline": "2023-09-30",
        **changes,
    }


@pytest.mark.parametrize("typed", ["1e400", "inf", "-inf", "Infinity", "nan"])
def test_non_finite_numbers_are_refused_beside_their_field(
    site: Site, admin: tuple[TestClient, str], typed: str
) -> None:
    """1e400 and inf were a 500 in the project and challenge forms (the form took them, the
    service's input refused them); every number of every form says it wants a finite one."""
    client, csrf = admin
    pid = site.world.ids["project_in"]
    cid = site.world.ids["challenge_b"]
    cases: list[tuple[str, dict[str, object], str, str]] = [
        ("/projects", _project(site, total_investment=typed), "total_investment", "总投资（万元）"),
        (
            "/projects",
            _project(site, plan_year="2024", plan_amount=typed),
            "plan_amount",
            "年度计划投资（万元）",
        ),
        ("/challenges", _challenge(site, budget=typed), "budget", "榜额（万元）"),
        (
            f"/projects/{pid}/act",
            {"action": "report_progress", "period": "2023-05", "amount": typed},
            "amount",
            "完成投资（万元）",
        ),
        (
            f"/projects/{pid}/act",
            {"action": "set_year_plan", "year": "2024", "amount": typed},
            "amount",
            "计划投资（万元）",
        ),
        (
            f"/challenges/{cid}/act",
            {
                "action": "apply",
                "applicant_name": "甲",
                "proposal": "方案",
                "requested_budget": typed,
            },
            "requested_budget",
            "申请经费（万元）",
        ),
    ]
    before = _counts(site)
    for url, data, field, label in cases:
        r = post_form(client, url, data, csrf)
        assert r.status_code == 422, (url, field, r.status_code)
        assert f"{label}：请输入有限的数值。" in _summary(r.text), (url, _summary(r.text))
        if url in ("/projects", "/challenges"):
            assert _beside(r.text, field) == "请输入有限的数值。"
    assert _counts(site) == before  # nothing written


@pytest.mark.parametrize("field", ["chain_id", "link_id", "park_id"])
def test_an_id_beyond_64_bits_is_said_beside_its_field(
    site: Site, admin: tuple[TestClient, str], field: str
) -> None:
    """A 23-digit id passed the form's model and failed in the database: the answer was a page
    without the form ("请求中的数字过大"). Now the form comes back with the message beside the
    field, naming the bound every id has (what an INTEGER column holds on both databases)."""
    client, csrf = admin
    before = _counts(site)
    r = post_form(client, "/projects", _project(site, **{field: "9" * 23}), csrf)
    assert r.status_code == 422
    assert 'data-testid="create-project"' in r.text  # the form, with what was typed
    assert _beside(r.text, field) == "不能大于 2147483647。"
    assert _counts(site) == before


def test_json_twins_refuse_non_finite_and_huge_amounts(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    headers = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
    chain = site.world.ids["chain_a"]
    project = (
        '{"name": "p", "chain_id": %d, "investor_name": "x", "signed_on": "2023-05-01", '
        '"total_investment": %s}'
    )
    before = _counts(site)
    for body in (project % (chain, "1e400"), project % (chain, "1e308")):
        assert client.post("/api/v1/projects", content=body, headers=headers).status_code == 422
    body = (
        f'{{"title": "t", "problem": "p", "chain_id": {chain}, "budget": 1e400, '
        '"deadline": "2023-09-30"}'
    )
    assert client.post("/api/v1/challenges", content=body, headers=headers).status_code == 422
    pid = site.world.ids["project_in"]
    body = '{"action": "set_year_plan", "year": 2024, "amount": 1e400}'
    r = client.post(f"/api/v1/projects/{pid}/act", content=body, headers=headers)
    assert r.status_code == 422
    assert _counts(site) == before


def test_amounts_past_any_project_are_refused(site: Site, admin: tuple[TestClient, str]) -> None:
    """1e308 is finite, but two of them add up to inf: the roll-ups' totals came out empty."""
    client, csrf = admin
    before = _counts(site)
    r = post_form(client, "/projects", _project(site, total_investment="1e308"), csrf)
    assert r.status_code == 422
    assert _beside(r.text, "total_investment") == "不能大于 10,000,000,000。"
    assert _counts(site) == before


def test_empty_required_fields_are_said_required_after_their_labels(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    """The summary said ``name: 该值无效。 investor_name: 该值无效。``."""
    client, csrf = admin
    cases = {
        "/projects": (
            {k: "" for k in _project(site)},
            ["项目名称", "产业链", "投资方", "总投资（万元）", "签约日期"],
        ),
        "/challenges": (
            {k: "" for k in _challenge(site)},
            ["榜单名称", "技术难题", "产业链", "榜额（万元）", "申报截止日期"],
        ),
        "/appeals": (
            {"enterprise_uscc": "", "category": "", "title": "", "text": ""},
            ["企业统一社会信用代码", "类别（办理时限）", "标题", "诉求内容"],
        ),
    }
    for url, (data, labels) in cases.items():
        r = post_form(client, url, data, csrf)
        assert r.status_code == 422, url
        items = _summary(r.text)
        assert sorted(items) == sorted(f"{label}：此项必填。" for label in labels), items
        assert "该值无效" not in r.text
    pid = site.world.ids["project_in"]
    r = post_form(client, f"/projects/{pid}/act", {"action": "report_progress"}, csrf)
    assert r.status_code == 422
    assert _summary(r.text) == ["月份：此项必填。", "完成投资（万元）：此项必填。"]


def test_english_pages_label_the_errors_in_english(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    client, csrf = admin
    r = post_form(
        client,
        "/projects",
        _project(site, total_investment="inf", name=""),
        csrf,
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 422
    assert sorted(_summary(r.text)) == [
        "Name: This field is required.",
        "Total investment (10k yuan): Enter a finite number.",
    ]


def test_business_rules_keep_the_form_and_name_things(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    """A link of another chain, a signing day after today, a bad USCC and a past deadline were
    a bare ``422 输入有误`` page: the typed values were lost, the link and chain were ids."""
    client, csrf = admin
    ids = site.world.ids
    before = _counts(site)
    r = post_form(
        client, "/projects", _project(site, chain_id=ids["chain_b"], link_id=ids["a1"]), csrf
    )
    assert r.status_code == 422
    message = _beside(r.text, "link_id")
    assert "甲上游" in message and "测试链乙" in message and "测试链甲" in message
    assert str(ids["a1"]) not in re.sub(r"\D+", " ", message).split()
    assert _summary(r.text) == [f"补链环节：{message}"]
    assert _typed(r.text, "create-project", "name") == "新能源装备项目"
    assert _typed(r.text, "create-project", "total_investment") == "800"

    r = post_form(client, "/projects", _project(site, signed_on="2023-07-01"), csrf)
    assert r.status_code == 422
    assert _beside(r.text, "signed_on") == "签约日期（2023-07-01）不能晚于今天（2023-06-01）。"
    assert _typed(r.text, "create-project", "investor_name") == "某投资方"

    r = post_form(client, "/projects", _project(site, investor_uscc="123"), csrf)
    assert r.status_code == 422 and "统一社会信用代码" in _beside(r.text, "investor_uscc")
    assert _typed(r.text, "create-project", "investor_uscc") == "123"

    r = post_form(client, "/challenges", _challenge(site, deadline="2000-01-01"), csrf)
    assert r.status_code == 422
    assert _beside(r.text, "deadline") == "申报截止日期（2000-01-01）已过。"
    assert _typed(r.text, "create-challenge", "title") == "高端液压阀攻关"
    assert _typed(r.text, "create-challenge", "budget") == "300"
    assert "国产化</textarea>" in r.text

    r = post_form(
        client, "/challenges", _challenge(site, chain_id=ids["chain_b"], link_id=ids["a2"]), csrf
    )
    assert r.status_code == 422 and "甲中游" in _beside(r.text, "link_id")

    r = post_form(client, "/projects", _project(site, plan_year="2024"), csrf)
    assert r.status_code == 422 and _beside(r.text, "plan_amount")
    assert _counts(site) == before

    r = post_form(
        client,
        "/appeals",
        {
            "enterprise_uscc": "91430100MA4L000000",
            "category": "审批",
            "title": "招工",
            "text": "缺人",
        },
        csrf,
    )
    assert r.status_code == 422 and _beside(r.text, "enterprise_uscc")
    assert _typed(r.text, "submit-appeal", "title") == "招工" and "缺人</textarea>" in r.text


def test_english_pages_say_stages_and_categories_in_english(
    site: Site, admin: tuple[TestClient, str]
) -> None:
    """The stage column showed ``full_output``; the appeals list showed 审批 in English."""
    with session_scope(site.engine, actor="seed") as s:
        pid = site.world.ids["project_甲乙"]
        for stage, day in (("started", 1), ("producing", 2), ("full_output", 3)):
            projects.advance(s, SYSTEM, pid, stage, date(2023, 4, day))
    client, _csrf = admin
    en = {"Accept-Language": "en"}
    page = client.get("/projects", headers=en).text
    assert 'data-state="full_output">at full output<' in page
    assert ">full_output<" not in page
    assert (
        'data-state="full_output">at full output<'
        in client.get(f"/projects/{pid}", headers=en).text
    )
    rollup = client.get("/projects?by=stage", headers=en).text
    assert "<tr><td>at full output</td>" in rollup and "<tr><td>达效</td>" not in rollup
    appeals = client.get("/appeals", headers=en).text
    assert "<td>approvals</td>" in appeals and "<td>审批</td>" not in appeals
    aid = site.world.ids["appeal_e1"]
    assert " · approvals" in client.get(f"/appeals/{aid}", headers=en).text
    stats = client.get("/appeals/stats", headers=en).text
    assert "<tr><td>approvals</td>" in stats and "<td>审批</td>" not in stats
    zh = client.get("/appeals", headers={"Accept-Language": "zh"}).text
    assert "<td>审批</td>" in zh


@pytest.mark.parametrize("typed", ["inf", "nan", "1e400", "1e11"])
def test_the_command_line_refuses_amounts_no_form_checked(sqlite_db: Engine, typed: str) -> None:
    """``gaodi projects progress --amount inf`` stored inf (the services checked only the sign)."""
    from typer.testing import CliRunner

    from gaodi.cli import app
    from tests.projects.test_cli import _setup

    with clock.frozen(NOW):
        pid, _aid = _setup(sqlite_db)
        out = CliRunner().invoke(
            app, ["projects", "progress", str(pid), "--period", "2023-05", "--amount", typed]
        )
    assert out.exit_code == 2, out.output
    assert "完成投资" in out.output and "Investment completed" in out.output
    with session_scope(sqlite_db) as s:
        assert s.scalar(select(func.count()).select_from(ProjectProgress)) == 0

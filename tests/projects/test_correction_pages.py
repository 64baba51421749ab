"""Audit G, bugs 6-7 on the project page: the refusals in words where the user acts, the reason
field of the plan step, and history rows that say which month or year changed, old → new."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.projects import projects
from gaodi.projects.schemas import ProjectIn
from tests.web.conftest import Site, make_site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD

NOW = datetime(2023, 6, 1, 2, 0)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    clock.set_source(lambda: NOW)
    site = make_site(tmp_path)
    w = site.world.ids
    with session_scope(site.engine, actor="seed") as s:
        pid = projects.create_project(
            s,
            SYSTEM,
            ProjectIn(
                name="更正测试项目",
                chain_id=w["chain_a"],
                park_id=w["park_a"],
                investor_name="投资方",
                total_investment=1000,
                signed_on=date(2023, 1, 5),
                planned_full_output_on=date(2024, 12, 31),
                year_plans={2023: 120},
            ),
        ).id
        projects.report_progress(s, SYSTEM, pid, "2023-04", 20)
    site.world.ids["corrected"] = pid
    yield site
    site.engine.dispose()
    clock.set_source(None)


def _office(site: Site) -> tuple[TestClient, str]:
    client = site.client()
    client.cookies.set("gaodi_lang", "zh")
    return client, login(client, site.world.users["chain_office"], PASSWORD)


def _flashes(client: TestClient, url: str) -> list[tuple[str, str]]:
    html = client.get(url).text
    return re.findall(r'class="flash flash-(\w+)"[^>]*>(.*?)</div>', html, re.S)


def _history(html: str) -> str:
    return html[html.index('data-testid="history"') :]


def test_the_page_refuses_in_words_and_records_old_and_new(site: Site) -> None:
    client, csrf = _office(site)
    pid = site.world.ids["corrected"]
    url, act = f"/projects/{pid}", f"/projects/{pid}/act"
    page = client.get(url).text
    assert "原因（更正已有计划时必填）" in page  # the plan step asks for a reason
    steps = [
        ({"action": "set_year_plan", "year": "1900", "amount": "5"}, "不能早于签约年份（2023）"),
        ({"action": "set_year_plan", "year": "2030", "amount": "5"}, "最晚可填 2026 年"),
        ({"action": "report_progress", "period": "2020-03", "amount": "777"}, "签约月份"),
        ({"action": "report_progress", "period": "2023-04", "amount": "25"}, "须写明更正原因"),
        ({"action": "set_year_plan", "year": "2023", "amount": "100"}, "120 → 100 万元"),
    ]
    for form, words in steps:
        r = post_form(client, act, form, csrf)
        assert r.status_code in (303, 422), (form, r.status_code)
        shown = r.text if r.status_code == 422 else "".join(m for _, m in _flashes(client, url))
        assert words in shown, (form, shown[:300])
    api = client.get(f"/api/v1/projects/{pid}").json()["detail"]
    assert api["year_plans"] == {"2023": 120.0}
    assert [(p["period"], p["amount"]) for p in api["progress"]] == [("2023-04", 20.0)]
    # with a reason both corrections go through and the history names them
    post_form(client, act, {"action": "report_progress", "period": "2023-04", "amount": "25",
                            "comment": "发票补录"}, csrf)  # fmt: skip
    post_form(client, act, {"action": "set_year_plan", "year": "2023", "amount": "100",
                            "comment": "计划调减"}, csrf)  # fmt: skip
    history = _history(client.get(url).text)
    assert "2023-04: 20 → 25 · 发票补录" in history
    assert "设定年度计划" in history and "2023: 120 → 100 · 计划调减" in history
    # the API refuses in the requested language, and writes nothing
    r = client.post(
        f"/api/v1/projects/{pid}/act",
        json={"action": "set_year_plan", "year": 1900, "amount": 5},
        headers={"X-CSRF-Token": csrf, "Accept-Language": "en"},
    )
    assert r.status_code == 422 and "signing year" in r.text

"""Audit E (round 4), findings 3, 4, 10 and 11 on the project page, its JSON twin and the API:

* 3: a figure sent again as it is on record (a replay, a form sent twice) changes nothing: the
  stored correction reason stays, no "25 → 25" step joins the history, and the user is told;
* 4: a past day's view shows the note known on that day beside the amount known then, not the
  reason of a correction made later;
* 10: a month's investment is reported once the month has ended (the exports' 数据截至 is the
  last complete month), refused with the first day it may be reported;
* 11: reasons and comments have a maximum length, refused in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gaodi.core import clock
from gaodi.core.errors import ValidationError
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.projects import projects
from gaodi.projects.schemas import ProjectIn
from tests.projects.conftest import snapshot
from tests.web.conftest import Site, make_site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD

NOW = datetime(2023, 6, 1, 2, 0)  # 10:00 on 2023-06-01 in the city: June is the running month
LATER = datetime(2023, 7, 10, 2, 0)


@pytest.fixture
def moment() -> dict[str, datetime]:
    """The clock's moment: a test moves it by setting ``moment["at"]``."""
    return {"at": NOW}


@pytest.fixture
def site(tmp_path: Path, moment: dict[str, datetime]) -> Iterator[Site]:
    clock.set_source(lambda: moment["at"])
    site = make_site(tmp_path)
    w = site.world.ids
    with session_scope(site.engine, actor="seed") as s:
        pid = projects.create_project(
            s,
            SYSTEM,
            ProjectIn(
                name="重报测试项目",
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
        projects.report_progress(s, SYSTEM, pid, "2023-05", 30, "含设备预付款")
    site.world.ids["project"] = pid
    yield site
    site.engine.dispose()
    clock.set_source(None)


def _office(site: Site, lang: str = "zh") -> tuple[TestClient, str]:
    client = site.client()
    client.cookies.set("gaodi_lang", lang)
    return client, login(client, site.world.users["chain_office"], PASSWORD)


def _act(client: TestClient, csrf: str, pid: int, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/projects/{pid}/act", json=body, headers={"X-CSRF-Token": csrf})


def _detail(client: TestClient, pid: int, day: str | None = None) -> dict[str, Any]:
    query = f"?as_of_day={day}" if day else ""
    r = client.get(f"/api/v1/projects/{pid}{query}")
    assert r.status_code == 200, r.text
    return r.json()["detail"]


def _months(detail: dict[str, Any]) -> dict[str, tuple[float, str | None]]:
    return {p["period"]: (p["amount"], p["note"]) for p in detail["progress"]}


def _history(detail: dict[str, Any]) -> list[str]:
    return [e["comment"] or "" for e in detail["events"] if e["action"] != "create"]


PROJECT_TABLES = ("project", "project_progress", "project_year_plan", "project_event")


def _written(site: Site) -> dict[str, list[tuple[object, ...]]]:
    """The projects' rows and their audit entries (a login writes rows of its own)."""
    with session_scope(site.engine) as s:
        rows = snapshot(s)
    out = {t: rows[t] for t in PROJECT_TABLES}
    out["audit_event"] = [r for r in rows["audit_event"] if r[3] in PROJECT_TABLES]
    return out


def _flashes(client: TestClient, url: str) -> str:
    html = client.get(url).text
    return "".join(re.findall(r'class="flash flash-\w+"[^>]*>(.*?)</div>', html, re.S))


# ---------------------------------------------------------------------------- 3: replays


def test_the_figure_on_record_sent_again_changes_nothing_and_says_so(site: Site) -> None:
    client, csrf = _office(site)
    pid = site.world.ids["project"]
    correction = {"action": "report_progress", "period": "2023-04", "amount": 25}
    assert _act(client, csrf, pid, {**correction, "comment": "发票补录"}).status_code == 200
    plan = {"action": "set_year_plan", "year": 2023, "amount": 100}
    assert _act(client, csrf, pid, {**plan, "comment": "计划调减"}).status_code == 200
    before = _detail(client, pid)
    assert _months(before)["2023-04"] == (25.0, "发票补录")
    rows = _written(site)
    # the same figures again, without a note (a replay, a double submission) or with one
    for body in (correction, {**correction, "comment": "重复提交"}, plan, plan):
        r = _act(client, csrf, pid, body)
        assert r.status_code == 409, r.text
        assert "与已填报数值相同" in r.json()["message"] and "未作更改" in r.json()["message"]
    r = _act(*_office(site, "en"), pid, correction)
    assert "same as the figure on record (25, 10k yuan); nothing changed" in r.json()["message"]
    # the form says so too
    post_form(client, f"/projects/{pid}/act", {**plan, "amount": "100"}, csrf)
    shown = _flashes(client, f"/projects/{pid}")
    assert "2023年度计划投资与已填报数值相同（100 万元），未作更改" in shown
    after = _detail(client, pid)
    assert _months(after)["2023-04"] == (25.0, "发票补录")  # the reason stays
    assert after["year_plans"] == {"2023": 100.0}
    assert _history(after) == _history(before)  # no "25 → 25" nor "100 → 100" step
    assert not any("25 → 25" in c or "100 → 100" in c for c in _history(after))
    assert _written(site) == rows  # nothing written: no row, no audit entry, no history


# ---------------------------------------------------------------------------- 4: past notes


def test_a_past_view_shows_the_note_known_on_its_day(
    site: Site, moment: dict[str, datetime]
) -> None:
    client, csrf = _office(site)
    pid = site.world.ids["project"]
    moment["at"] = LATER
    for period, amount, reason in (("2023-04", 25, "发票补录"), ("2023-05", 35, "重复计入更正")):
        body = {"action": "report_progress", "period": period, "amount": amount}
        assert _act(client, csrf, pid, {**body, "comment": reason}).status_code == 200
    then = _detail(client, pid, "2023-06-30")
    # the amount and the note as they stood: none for 04, the first report's note for 05
    assert _months(then) == {"2023-04": (20.0, None), "2023-05": (30.0, "含设备预付款")}
    page = client.get(f"/projects/{pid}?as_of_day=2023-06-30").text
    assert "含设备预付款" in page
    assert "发票补录" not in page and "重复计入更正" not in page
    now = _detail(client, pid)
    assert _months(now) == {"2023-04": (25.0, "发票补录"), "2023-05": (35.0, "重复计入更正")}
    assert "发票补录" in client.get(f"/projects/{pid}").text


# ---------------------------------------------------------------------------- 10: running month


def test_the_running_month_is_refused_with_the_day_it_may_be_reported(
    site: Site, moment: dict[str, datetime]
) -> None:
    client, csrf = _office(site)
    pid = site.world.ids["project"]
    body = {"action": "report_progress", "period": "2023-06", "amount": 5}
    rows = _written(site)
    r = _act(client, csrf, pid, body)
    assert r.status_code == 422
    assert (
        "2023-06 尚未结束" in r.json()["message"] and "2023-07-01 起可填报" in r.json()["message"]
    )
    r = _act(*_office(site, "en"), pid, body)
    assert "can be reported from 2023-07-01" in r.json()["message"]
    post_form(client, f"/projects/{pid}/act", {**body, "amount": "5"}, csrf)
    assert "2023-07-01 起可填报" in _flashes(client, f"/projects/{pid}")
    assert _written(site) == rows
    assert "2023-06" not in _months(_detail(client, pid))
    # once June has ended it is reported as any month
    moment["at"] = LATER
    assert _act(client, csrf, pid, body).status_code == 200
    assert _months(_detail(client, pid))["2023-06"] == (5.0, None)


# ---------------------------------------------------------------------------- 11: length


def test_a_reason_longer_than_the_limit_is_refused_in_words(site: Site) -> None:
    client, csrf = _office(site)
    pid = site.world.ids["project"]
    limit = 2000  # the limit the API documents and the form says
    body = {"action": "report_progress", "period": "2023-04", "amount": 25}
    rows = _written(site)
    r = _act(client, csrf, pid, {**body, "comment": "长" * (limit + 1)})
    assert r.status_code == 422
    assert [d["field"] for d in r.json()["detail"]] == ["comment"]
    assert f"at most {limit} characters" in r.json()["detail"][0]["message"]
    # the form: beside its field, in the page's language
    r = post_form(client, f"/projects/{pid}/act", {**body, "comment": "长" * (limit + 1)}, csrf)
    assert r.status_code == 422 and f"过长：最多 {limit:,} 个字符" in r.text
    assert _written(site) == rows
    # the CLI's way in (the service) refuses it too
    with session_scope(site.engine) as s, pytest.raises(ValidationError) as err:
        projects.report_progress(s, SYSTEM, pid, "2023-04", 25, "长" * (limit + 1))
    assert f"最多 {limit:,} 个字符" in err.value.zh and "too long" in err.value.en
    # a reason of the limit's length is taken whole
    assert _act(client, csrf, pid, {**body, "comment": "长" * limit}).status_code == 200
    assert _months(_detail(client, pid))["2023-04"] == (25.0, "长" * limit)

"""The plans pages and their JSON twins, through the app (TestClient) on the demo city."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.accounts import service as accounts
from gaodi.config import Settings
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.parks.models import Park
from gaodi.web.app import create_app
from tests.web.helpers import csrf_of, login, post_form

PASSWORD = "test-password-1"


@pytest.fixture
def web(demo_db: Engine, tmp_path: Path) -> Iterator[tuple[Engine, dict[str, TestClient]]]:
    with session_scope(demo_db, actor="test") as s:
        park = s.scalars(select(Park).order_by(Park.id)).first()
        assert park is not None
        accounts.create_user(s, "boss", "admin", PASSWORD, principal=SYSTEM)
        accounts.create_user(s, "ana", "analyst", PASSWORD, principal=SYSTEM)
        accounts.create_user(s, "checker", "analyst", PASSWORD, principal=SYSTEM)
        accounts.create_user(
            s, "parkoffice", "park_office", PASSWORD, parks=[park.name], principal=SYSTEM
        )
    settings = Settings(data_dir=tmp_path, secret_key="test-secret-key-0123456789")  # type: ignore[call-arg]
    app = create_app(demo_db, settings)
    clients: dict[str, TestClient] = {}
    for name in ("boss", "ana", "checker", "parkoffice"):
        client = TestClient(app, base_url="http://testserver")
        client.headers["X-CSRF-Token"] = login(client, name, PASSWORD)
        clients[name] = client
    yield demo_db, clients
    for c in clients.values():
        c.close()


def test_board_page_and_twin(web) -> None:  # type: ignore[no-untyped-def]
    _, c = web
    html = c["ana"].get("/plans?as_of=2023-06").text
    assert 'data-testid="board-table"' in html and "2023-06" in html
    assert html.count('class="light light-green"') >= 1 and 'data-status="red"' in html
    data = c["ana"].get("/api/v1/plans/board?as_of=2023-06").json()
    assert data["as_of"] == "2023-06" and data["counts"]["green"] >= 1
    red = c["ana"].get("/api/v1/plans/board?as_of=2023-06&status=red").json()
    assert {r["status"] for a in red["actions"] for r in a["rows"]} == {"red"}
    assert c["ana"].get("/plans?as_of=2023-13").status_code == 422


def test_target_page(web) -> None:  # type: ignore[no-untyped-def]
    _, c = web
    board = c["ana"].get("/api/v1/plans/board?as_of=2023-06").json()
    target_id = board["actions"][0]["rows"][0]["target_id"]
    html = c["ana"].get(f"/plans/targets/{target_id}?as_of=2023-06").text
    assert 'data-plan-chart="target"' in html and 'data-testid="revisions"' in html
    data = c["ana"].get(f"/api/v1/plans/targets/{target_id}?as_of=2023-06").json()
    assert data["provenance"]["rules_version"] == "1.1" and len(data["series"]) >= 12
    assert c["ana"].get("/plans/static/plans.js").status_code == 200


def test_board_known_on(web) -> None:  # type: ignore[no-untyped-def]
    """The board and target pages take known_on (the values known at the end of a day): the
    page, its JSON twin and its links carry the day; an impossible or future day is a 4xx."""
    _, c = web
    html = c["ana"].get("/plans?as_of=2023-06&known_on=2023-06-30").text
    assert 'name="known_on" value="2023-06-30"' in html
    assert "known_on=2023-06-30" in html  # the JSON link and the targets' links keep it
    then = c["ana"].get("/api/v1/plans/board?as_of=2023-06&known_on=2023-06-30").json()
    today = c["ana"].get("/api/v1/plans/board?as_of=2023-06").json()
    assert then["provenance"]["known_on"] == "2023-06-30"
    assert then["provenance"]["n_observations"] < today["provenance"]["n_observations"]
    target_id = then["actions"][0]["rows"][0]["target_id"]
    detail = c["ana"].get(f"/api/v1/plans/targets/{target_id}?known_on=2023-06-30").json()
    assert detail["provenance"]["known_on"] == "2023-06-30"
    assert all(r["submitted_at"] <= "2023-06-30T23:59" for r in detail["revisions"])
    for bad in ("2023-02-30", "2099-01-01", "yesterday"):
        r = c["ana"].get(f"/plans?known_on={bad}")
        assert 400 <= r.status_code < 500, (bad, r.status_code)
        api = c["ana"].get(f"/api/v1/plans/board?known_on={bad}")
        assert 400 <= api.status_code < 500, (bad, api.status_code)


def test_load_review_adopt_in_the_browser_forms(web) -> None:  # type: ignore[no-untyped-def]
    _, c = web
    client = c["ana"]
    csrf = csrf_of(client.get("/plans/list").text)
    text = "某市行动计划(2024—2026年)\n1 实施园区提效行动\n到2026年,打造5个千亿级园区。\n"
    r = post_form(client, "/plans/load", {"text": text, "name": "测试"}, csrf)
    assert r.status_code == 303
    url = r.headers["location"]
    plan_id = int(url.rsplit("/", 1)[1])
    plan = client.get(f"/api/v1/plans/drafts/{plan_id}").json()
    target = plan["targets"][0]
    # the demo city already has 千亿级园区数量 (个): the draft reuses it and the review says so
    assert target["indicator_origin"] == "existing"
    board = client.get("/api/v1/plans/board?as_of=2023-06").json()
    demo = [
        r for a in board["actions"] for r in a["rows"] if r["indicator_name"] == "千亿级园区数量"
    ]
    assert target["indicator"]["id"] == demo[0]["indicator_id"]
    review = client.get(f"/plans/drafts/{plan_id}").text
    assert f'data-testid="match-{target["id"]}" data-origin="existing"' in review
    assert "匹配已有指标 千亿级园区数量（个" in review
    form = {
        "indicator_name": target["indicator_name"],
        "value": "5",
        "unit": "个",
        "year": "2026",
        "comparator": ">=",
        "baseline": "2",
        "baseline_year": "2023",
        "owner": "市工信局园区处",
        "path": "linear",  # 2 -> 5 parks: stated linear (whole parks on a straight line)
    }
    r = post_form(client, f"/plans/drafts/{plan_id}/targets/{target['id']}/edit", form, csrf)
    assert r.status_code == 303
    bad = post_form(
        client,
        f"/plans/drafts/{plan_id}/targets/{target['id']}/edit",
        {**form, "year": "abc"},
        csrf,
    )
    assert bad.status_code == 422 and "form-summary" in bad.text
    plan = client.get(f"/api/v1/plans/drafts/{plan_id}").json()
    assert plan["targets"][0]["baseline"] == 2
    assert plan["targets"][0]["indicator"]["owner"] == "市工信局园区处"
    assert plan["targets"][0]["path"] == "linear"
    review = client.get(f"/plans/drafts/{plan_id}").text
    assert f'data-testid="stated-path-{target["id"]}">评价路径: 线性路径' in review
    assert '<option value="linear" selected>线性</option>' in review
    bad = post_form(
        client,
        f"/plans/drafts/{plan_id}/targets/{target['id']}/edit",
        {**form, "path": "exponential"},
        csrf,
    )
    assert bad.status_code == 422
    r = post_form(client, f"/plans/drafts/{plan_id}/adopt", {}, csrf)
    assert r.status_code == 303
    assert client.get(f"/api/v1/plans/drafts/{plan_id}").json()["status"] == "adopted"


def test_entry_flags_then_confirm_then_review(web) -> None:  # type: ignore[no-untyped-def]
    _, c = web
    ana, checker = c["ana"], c["checker"]
    csrf = csrf_of(ana.get("/plans/entry").text)
    form = {"indicator": "industrial_investment", "period": "2023-12", "value": "10"}
    # 2023-12 is submitted (not approved) in the demo: a new revision is allowed, but a
    # running total of 10 falls far below November's
    r = post_form(ana, "/plans/entry", form, csrf)
    assert r.status_code == 422 and 'data-check="cumulative_decrease"' in r.text
    assert 'data-testid="confirm-box"' in r.text
    r = post_form(ana, "/plans/entry", {**form, "confirm": "true", "reason": "测试确认"}, csrf)
    assert r.status_code == 303
    tasks = checker.get("/api/v1/plans/submissions").json()
    row = next(
        x
        for x in tasks["to_review"]
        if x["indicator_code"] == "industrial_investment" and x["period"] == "2023-12"
    )
    assert row["value"] == 10
    csrf2 = csrf_of(checker.get(f"/plans/submissions/{row['key']}").text)
    r = post_form(
        checker,
        f"/plans/submissions/{row['key']}/return",
        {"comment": "请核实", "revision": str(row["revision"])},
        csrf2,
    )
    assert r.status_code == 303
    detail = checker.get(f"/api/v1/plans/submissions/{row['key']}").json()
    assert detail["row"]["status"] == "returned"
    assert [e["action"] for e in detail["events"]][-2:] == ["submit", "return"]
    html = checker.get("/plans/completeness?year=2023").text
    assert 'data-testid="completeness"' in html


def test_park_office_sees_only_its_park(web) -> None:  # type: ignore[no-untyped-def]
    _, c = web
    park = c["parkoffice"]
    assert park.get("/plans").status_code == 200  # city figures are readable
    tasks = park.get("/api/v1/plans/submissions").json()
    assert all(r["scope"] == "park" for g in tasks["owners"] for r in g["rows"])
    assert tasks["to_review"] == []
    csrf = csrf_of(park.get("/plans/entry").text)
    r = post_form(
        park,
        "/plans/entry",
        {"indicator": "industrial_investment", "period": "2023-11", "value": "1"},
        csrf,
    )
    assert r.status_code == 422  # the city's figure is not the park's to report
    assert "own office" in r.text or "本单位" in r.text
    assert park.get("/plans/submissions/1:city:0:2023-06").status_code == 404


def test_json_operations(web) -> None:  # type: ignore[no-untyped-def]
    _, c = web
    ana, checker = c["ana"], c["checker"]
    body = {"indicator": "industrial_investment", "period": "2023-12", "value": 10}
    r = ana.post("/api/v1/plans/observations", json=body)
    assert r.status_code == 422 and r.json()["context"]["flags"][0]["check"] == (
        "cumulative_decrease"
    )
    r = ana.post("/api/v1/plans/observations", json={**body, "confirm": True, "reason": "核减"})
    assert r.status_code == 201 and r.json()["confirmed"] is True
    key = f"{r.json()['observation']['indicator_code']}"
    tasks = checker.get("/api/v1/plans/submissions").json()
    row = next(
        x for x in tasks["to_review"] if x["indicator_code"] == key and x["period"] == "2023-12"
    )
    r = checker.post(f"/api/v1/plans/submissions/{row['key']}/return", json={})
    assert r.status_code == 422  # a return needs a comment
    seen = {"revision": row["revision"]}  # a review names the revision it decides on
    r = checker.post(f"/api/v1/plans/submissions/{row['key']}/approve", json=seen)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = checker.post(f"/api/v1/plans/submissions/{row['key']}/approve", json=seen)
    assert r.status_code == 409  # already approved
    r = checker.post(f"/api/v1/plans/submissions/{row['key']}/unlock", json={"comment": "x"})
    assert r.status_code == 403  # administrators only
    r = c["boss"].post(f"/api/v1/plans/submissions/{row['key']}/unlock", json={"comment": "更正"})
    assert r.status_code == 200 and r.json()["status"] == "returned"
    r = ana.post("/api/v1/plans/rules", json={"name": "x", "expression": "a <="})
    assert r.status_code == 422


def test_submission_rows_name_their_office(web) -> None:  # type: ignore[no-untyped-def]
    # a park's row was marked with its raw scope code and id ("park #3"), not its office
    from gaodi.plans.models import Plan, Target

    engine, c = web
    with session_scope(engine, actor="test") as s:
        park = s.scalars(select(Park).order_by(Park.id)).first()
        city = s.scalars(
            select(Target)
            .join(Plan, Plan.id == Target.plan_id)
            .where(Plan.status == "adopted", Target.indicator_id.is_not(None))
            .order_by(Target.id)
        ).first()
        assert park is not None and city is not None
        s.add(Target(plan_id=city.plan_id, action_id=city.action_id,
                     indicator_id=city.indicator_id, indicator_name=city.indicator_name,
                     scope="park", scope_id=park.id, value=1.0, unit=city.unit,
                     year=city.year))  # fmt: skip
        name = park.name
    page = c["parkoffice"].get("/plans/submissions").text
    shown = set(re.findall(r'data-testid="row-owner">([^<]*)<', page))
    assert shown == {f"{name}管委会"}, shown
    assert not re.search(r"\bpark #\d", page)


@pytest.mark.parametrize(("lang", "said", "other"), [("zh", "未归入行动", "no action"),
                                                     ("en", "No action", "未归入")])  # fmt: skip
def test_targets_under_no_action_are_grouped_in_the_pages_language(  # type: ignore[no-untyped-def]
    web, lang: str, said: str, other: str
) -> None:
    # audit H #11: the group read "未归入行动 (no action)" on the Chinese board
    from sqlalchemy import update

    from gaodi.plans.models import Target
    from gaodi.plans.service import BOARDS

    engine, c = web
    with session_scope(engine, actor="test") as s:
        first = s.scalars(select(Target.id).order_by(Target.id)).first()
        s.execute(update(Target).where(Target.id == first).values(action_id=None))
    BOARDS.clear()
    client = c["ana"]
    client.cookies.set("gaodi_lang", lang)
    rows = re.findall(
        r'<tr class="action-row"><td colspan="9">([^<]*)</td>', client.get("/plans").text
    )
    assert said in rows, rows
    assert not any(other in r for r in rows), rows

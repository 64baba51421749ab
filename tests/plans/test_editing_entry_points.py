"""One write path, four entry points: the same bad target, plan or action is refused with the
same zh/en words through the web form, the JSON API, the CLI and the Excel import; nothing of
it is written (read back from the database); a scoped office writes through none of them.

The words compared are written out here, not read from the code: a message that changes in
one entry point and not the others fails the test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.accounts import service as accounts
from gaodi.audit.models import AuditEvent
from gaodi.cli import app as cli_app
from gaodi.config import Settings
from gaodi.core.errors import ImportRejected
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.exchange.service import import_file
from gaodi.plans.models import Action, Plan, Target
from gaodi.web.app import create_app
from tests.exchange.helpers import TARGETS, load_city, write_xlsx
from tests.web.helpers import csrf_of, login, post_form

PASSWORD = "test-password-1"
DRAFT = "示例草稿行动计划"
PLAN_HEADER = ["规划名称", "地区代码", "起始年份", "终止年份", "状态", "示例数据"]
ACTION_HEADER = ["规划名称", "行动编号", "行动名称", "排序"]
#: what a chain office is told by every entry point (gaodi.core.permissions.denied)
DENIED_ZH = "您没有编辑行动计划与指标填报的权限（当前角色：链办）。"
DENIED_EN = "You do not have permission to edit plans and indicator submissions"
runner = CliRunner()


@dataclass
class Site:
    engine: Engine
    tmp: Path
    plan_id: int
    target_id: int
    clients: dict[str, TestClient]


@pytest.fixture
def site(sqlite_db: Engine, tmp_path: Path) -> Iterator[Site]:
    """The synthetic city, a draft plan with one action and one city target of 10 亿元 on
    demo_output in 2026, an analyst and a chain office signed in."""
    load_city(sqlite_db, tmp_path)
    draft = write_xlsx(
        tmp_path / "draft.xlsx",
        {
            "规划 plans": [PLAN_HEADER, [DRAFT, "430100", 2024, 2026, "草稿", "是"]],
            "行动 actions": [ACTION_HEADER, [DRAFT, "1", "示例草稿行动", 0]],
        },
    )
    import_file(sqlite_db, "plans", draft, SYSTEM)
    row = [DRAFT, "1", "demo_output", 10, "亿元", 2026, ">=", None, None, "全市", ""]
    import_file(
        sqlite_db, "targets", write_xlsx(tmp_path / "t.xlsx", {"目标": [TARGETS[0], row]}), SYSTEM
    )
    with session_scope(sqlite_db, actor="test") as s:
        plan_id = s.scalars(select(Plan.id).where(Plan.title == DRAFT)).one()
        target_id = s.scalars(select(Target.id).where(Target.plan_id == plan_id)).one()
        accounts.create_user(s, "ana", "analyst", PASSWORD, principal=SYSTEM)
        accounts.create_user(
            s, "chainoffice", "chain_office", PASSWORD, chains=["demo_machinery"], principal=SYSTEM
        )
    settings = Settings(data_dir=tmp_path, secret_key="test-secret-key-0123456789")  # type: ignore[call-arg]
    app = create_app(sqlite_db, settings)
    clients = {}
    for name in ("ana", "chainoffice"):
        client = TestClient(app, base_url="http://testserver")
        client.headers["X-CSRF-Token"] = login(client, name, PASSWORD)
        clients[name] = client
    yield Site(sqlite_db, tmp_path, plan_id, target_id, clients)
    for c in clients.values():
        c.close()


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli_app, list(args), env={"COLUMNS": "300"})
    return result.exit_code, " ".join(result.output.split())


def import_errors(site: Site, entity: str, sheets: dict[str, list[list[Any]]], **kw: Any) -> list:
    path = write_xlsx(site.tmp / f"bad-{entity}.xlsx", sheets)
    with pytest.raises(ImportRejected) as err:
        import_file(site.engine, entity, path, SYSTEM, **{"mode": "upsert", **kw})
    return err.value.errors


def stored_target(site: Site) -> tuple[float, float | None, int | None, int]:
    """The target's value, upper value and indicator, and how many edits the audit log holds."""
    with session_scope(site.engine) as s:
        t = s.get(Target, site.target_id)
        assert t is not None
        edits = s.scalar(
            select(func.count()).where(
                AuditEvent.entity == "target",
                AuditEvent.action == "update",
                AuditEvent.entity_id == str(site.target_id),
            )
        )
        return t.value, t.value_max, t.indicator_id, int(edits or 0)


# ---------------------------------------------------------------------------- targets
def test_a_range_below_its_value_is_refused_in_the_same_words_everywhere(site: Site) -> None:
    zh, en = "目标上限 3 小于目标值 5。", "The upper value 3 is below the value 5."
    before = stored_target(site)
    ana = site.clients["ana"]
    csrf = csrf_of(ana.get(f"/plans/drafts/{site.plan_id}").text)
    # the Excel import: the row's upper-value cell
    header = [*TARGETS[0], "目标上限"]
    row = [DRAFT, "1", "demo_output", 5, "亿元", 2026, ">=", None, None, "全市", "", 3]
    errors = import_errors(site, "targets", {"目标": [header, row]})
    assert [(e.row, e.column, e.reason_zh, e.reason_en) for e in errors] == [
        (2, "目标上限", zh, en)
    ]
    # the JSON API
    r = ana.patch(f"/api/v1/plans/targets/{site.target_id}", json={"value": 5, "value_max": 3})
    assert r.status_code == 422
    assert (r.json()["message_zh"], r.json()["message_en"]) == (zh, en)
    # the review form and the text review's inline correction: beside the field
    form = {"indicator_name": "示例规模工业总产值", "value": "5", "value_max": "3", "unit": "亿元"}
    form |= {"year": "2026", "comparator": ">="}
    for url in (
        f"/plans/drafts/{site.plan_id}/targets/{site.target_id}/edit",
        f"/plans/drafts/{site.plan_id}/text/targets/{site.target_id}",
    ):
        r = post_form(ana, url, form, csrf)
        assert r.status_code == 422 and zh in r.text, url
    # the CLI
    code, out = cli("plan", "target", str(site.target_id), "--value", "5", "--value-max", "3")
    assert code == 2 and zh in out and en in out
    assert stored_target(site) == before  # nothing written, nothing audited


def test_an_unknown_indicator_is_refused_in_the_same_words_everywhere(site: Site) -> None:
    zh = "指标代码“no_such_code”不存在；请先导入指标。"
    en = "Indicator 'no_such_code' does not exist; import it first."
    before = stored_target(site)
    ana = site.clients["ana"]
    csrf = csrf_of(ana.get(f"/plans/drafts/{site.plan_id}/text").text)
    row = [DRAFT, "1", "no_such_code", 10, "亿元", 2026, ">=", None, None, "全市", ""]
    errors = import_errors(site, "targets", {"目标": [TARGETS[0], row]})
    assert [(e.column, e.reason_zh, e.reason_en) for e in errors] == [("指标代码", zh, en)]
    r = ana.patch(
        f"/api/v1/plans/targets/{site.target_id}", json={"indicator_code": "no_such_code"}
    )
    assert r.status_code == 404
    assert (r.json()["message_zh"], r.json()["message_en"]) == (zh, en)
    form = {"indicator_name": "x", "value": "10", "unit": "亿元", "year": "2026"}
    form |= {"comparator": ">=", "indicator_code": "no_such_code"}
    r = post_form(ana, f"/plans/drafts/{site.plan_id}/text/targets/{site.target_id}", form, csrf)
    assert r.status_code == 422 and zh in r.text
    code, out = cli("plan", "target", str(site.target_id), "--indicator", "no_such_code")
    assert code == 2 and zh in out and en in out
    assert stored_target(site) == before


def test_a_good_edit_through_the_api_is_written_and_audited(site: Site) -> None:
    """The same path writes a good edit: the value and range, audited with the old value."""
    r = site.clients["ana"].patch(
        f"/api/v1/plans/targets/{site.target_id}", json={"value": 12, "value_max": 15}
    )
    assert r.status_code == 200 and (r.json()["value"], r.json()["value_max"]) == (12, 15)
    value, value_max, _, edits = stored_target(site)
    assert (value, value_max, edits) == (12, 15, 1)
    with session_scope(site.engine) as s:
        before, after = s.execute(
            select(AuditEvent.before, AuditEvent.after).where(
                AuditEvent.entity == "target",
                AuditEvent.entity_id == str(site.target_id),
                AuditEvent.action == "update",
            )
        ).one()
    assert (before["value"], after["value"], after["value_max"]) == (10, 12, 15)


def test_a_chain_office_edits_a_target_through_no_entry_point(site: Site) -> None:
    before = stored_target(site)
    office = site.clients["chainoffice"]
    r = office.patch(f"/api/v1/plans/targets/{site.target_id}", json={"value": 11})
    assert r.status_code == 403 and DENIED_EN in r.json()["message_en"]
    csrf = csrf_of(office.get("/plans").text)
    form = {"indicator_name": "x", "value": "11", "unit": "亿元", "year": "2026"}
    form |= {"comparator": ">="}
    r = post_form(office, f"/plans/drafts/{site.plan_id}/targets/{site.target_id}/edit", form, csrf)
    assert r.status_code == 403
    code, out = cli("plan", "target", str(site.target_id), "--value", "11", "--as", "chainoffice")
    assert code == 2 and DENIED_ZH in out
    office_principal = principal_of(site, "chainoffice")
    row = [DRAFT, "1", "demo_output", 11, "亿元", 2026, ">=", None, None, "全市", ""]
    path = write_xlsx(site.tmp / "office.xlsx", {"目标": [TARGETS[0], row]})
    with pytest.raises(Exception) as err:
        import_file(site.engine, "targets", path, office_principal, mode="upsert")
    assert DENIED_ZH in getattr(err.value, "zh", "")
    # the batch use case itself refuses the office whatever the caller checked before
    from gaodi.plans import editing

    with session_scope(site.engine) as s, pytest.raises(Exception) as err:
        key = (site.plan_id, "demo_output", "city", 0, 2026)
        editing.prepare_targets(s, office_principal, [editing.TargetWrite(key, {"value": 11})])
    assert DENIED_ZH in getattr(err.value, "zh", "")
    assert stored_target(site) == before


def principal_of(site: Site, username: str) -> Principal:
    from gaodi.accounts.models import User

    with session_scope(site.engine) as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        return Principal.from_user(user)


# ---------------------------------------------------------------------------- plans, actions
REVERSED = "示例倒置计划(2025—2021年)"


def extraction(title: str, number: str = "1") -> dict[str, Any]:
    return {
        "title": title,
        "actions": [{"number": number, "title": "示例行动", "text": "到2025年,打造5个园区。"}],
        "targets": [
            {
                "indicator": "示例园区数量",
                "value": 5,
                "value_max": None,
                "unit": "个",
                "year": 2025,
                "comparator": "=",
                "action": number,
                "quote": "打造5个园区",
            }
        ],
        "qualitative": [],
    }


def plans_stored(site: Site) -> tuple[int, int]:
    with session_scope(site.engine) as s:
        return (
            int(s.scalar(select(func.count()).select_from(Plan)) or 0),
            int(s.scalar(select(func.count()).select_from(Action)) or 0),
        )


def test_a_reversed_plan_period_is_refused_in_the_same_words_everywhere(site: Site) -> None:
    zh, en = "终止年份 2021 早于起始年份 2025。", "Last year 2021 is before the first year 2025."
    before = plans_stored(site)
    ana = site.clients["ana"]
    errors = import_errors(
        site, "plans", {"规划": [PLAN_HEADER, [REVERSED, "430100", 2025, 2021, "草稿", "是"]]}
    )
    assert [(e.row, e.column, e.reason_zh, e.reason_en) for e in errors] == [
        (2, "终止年份", zh, en)
    ]
    r = ana.post("/api/v1/plans/drafts", json={"extraction": extraction(REVERSED)})
    assert r.status_code == 422
    assert (r.json()["message_zh"], r.json()["message_en"]) == (zh, en)
    csrf = csrf_of(ana.get("/plans/list").text)
    text = f"{REVERSED}\n1 示例行动\n到2025年,打造5个园区。"
    r = post_form(ana, "/plans/load", {"text": text}, csrf)
    assert r.status_code == 422 and zh in r.text
    path = site.tmp / "reversed.json"
    path.write_text(json.dumps(extraction(REVERSED), ensure_ascii=False), encoding="utf-8")
    code, out = cli("plan", "load", str(path))
    assert code == 2 and zh in out and en in out
    assert plans_stored(site) == before


def test_an_action_number_too_long_is_refused_in_the_same_words_everywhere(site: Site) -> None:
    """The import refuses it on its cell (the template's length check); the draft loads say
    which action, then the same sentence."""
    number = "12345678901234567"  # 17 characters; the table holds 16
    zh, en = "文本过长：17 个字符，最多 16 个", "Text too long: 17 characters, at most 16"
    before = plans_stored(site)
    ana = site.clients["ana"]
    errors = import_errors(site, "plans", {"行动": [ACTION_HEADER, [DRAFT, number, "示例行动", 0]]})
    assert [(e.column, zh in e.reason_zh, en in e.reason_en) for e in errors] == [
        ("行动编号", True, True)
    ]
    title = "示例长编号计划(2021—2025年)"
    r = ana.post("/api/v1/plans/drafts", json={"extraction": extraction(title, number)})
    assert r.status_code == 422
    assert zh in r.json()["message_zh"] and en in r.json()["message_en"]
    assert number in r.json()["message_en"]  # which action
    path = site.tmp / "long.json"
    path.write_text(json.dumps(extraction(title, number), ensure_ascii=False), encoding="utf-8")
    code, out = cli("plan", "load", str(path))
    assert code == 2 and zh in out and en in out
    csrf = csrf_of(ana.get("/plans/list").text)
    upload = {"file": ("long.json", path.read_bytes(), "application/json")}
    r = ana.post("/plans/load", data={"csrf_token": csrf}, files=upload, follow_redirects=False)
    assert r.status_code == 422 and zh in r.text
    assert plans_stored(site) == before


def test_a_good_draft_through_the_api_is_written_with_its_actions(site: Site) -> None:
    before = plans_stored(site)
    title = "示例接口计划(2021—2025年)"
    r = site.clients["ana"].post("/api/v1/plans/drafts", json={"extraction": extraction(title)})
    assert r.status_code == 201
    out = r.json()
    assert (out["status"], out["period_start"], out["period_end"]) == ("draft", 2021, 2025)
    assert [a["number"] for a in out["actions"]] == ["1"]
    assert out["targets"][0]["action_number"] == "1"  # linked to the action written with it
    assert plans_stored(site) == (before[0] + 1, before[1] + 1)
    with session_scope(site.engine) as s:  # each created row has its audit entry
        created = s.execute(
            select(AuditEvent.entity, AuditEvent.entity_id).where(AuditEvent.action == "create")
        ).all()
        assert ("plan", str(out["id"])) in created
        assert ("action", str(out["actions"][0]["id"])) in created


def test_a_chain_office_creates_no_plan_through_any_entry_point(site: Site) -> None:
    before = plans_stored(site)
    office = site.clients["chainoffice"]
    title = "示例越权计划(2021—2025年)"
    r = office.post("/api/v1/plans/drafts", json={"extraction": extraction(title)})
    assert r.status_code == 403 and DENIED_EN in r.json()["message_en"]
    csrf = csrf_of(office.get("/plans").text)
    r = post_form(
        office, "/plans/load", {"text": f"{title}\n1 示例行动\n到2025年,打造5个园区。"}, csrf
    )
    assert r.status_code == 403
    path = site.tmp / "office.json"
    path.write_text(json.dumps(extraction(title), ensure_ascii=False), encoding="utf-8")
    code, out = cli("plan", "load", str(path), "--as", "chainoffice")
    assert code == 2 and DENIED_ZH in out
    sheets = {"规划": [PLAN_HEADER, [title, "430100", 2021, 2025, "草稿", "是"]]}
    path = write_xlsx(site.tmp / "office.xlsx", sheets)
    with pytest.raises(Exception) as err:
        import_file(site.engine, "plans", path, principal_of(site, "chainoffice"))
    assert DENIED_ZH in getattr(err.value, "zh", "")
    assert plans_stored(site) == before

"""The 智能制造 pages and JSON twins over HTTP, on the web tests' hand-made city
(tests/web/seed.py: chain A holds E1 and E4, chain B E2 and E3; park A holds E1 and E3; the
enterprise user is E1's) plus the assessments and registry rows added here.

Checks: the questionnaire posted in the web form and uploaded as Excel is stored with the
hand-computed score (51.925, 二级 — see test_service.ITEMS); problems come back next to their
items or cells; a chain office sees its chain only; an enterprise user sees itself only."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.smart import service
from gaodi.smart.models import Assessment, Recognition, SolutionProvider
from tests.smart.test_excel import fill
from tests.smart.test_service import ITEMS, SCENARIOS
from tests.web.conftest import Site, make_site
from tests.web.helpers import csrf_of, login
from tests.web.seed import PASSWORD


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = make_site(tmp_path_factory.mktemp("smart-web"))
    w = site.world
    with session_scope(site.engine, actor="test") as s:
        for key, day, items in (
            ("e1", date(2022, 6, 1), dict(ITEMS) | {"b_info_systems": "A"}),  # 46.925
            ("e1", date(2023, 6, 1), ITEMS),  # 51.925
            ("e3", date(2023, 6, 1), ITEMS),
            ("e4", date(2023, 7, 1), ITEMS),
        ):
            ent = service.enterprise(s, SYSTEM, enterprise_id=w.ids[key])
            service.record_assessment(s, SYSTEM, ent, items, SCENARIOS, assessed_on=day)
        s.add(SolutionProvider(name="示例数据服务商", capabilities=["data"], is_demo=True))
        s.add_all(
            [
                Recognition(kind="benchmark", enterprise_id=w.ids["e1"], name=w.names["e1"],
                            year=2023, level="provincial"),
                Recognition(kind="factory", enterprise_id=w.ids["e3"], name=w.names["e3"],
                            year=2022, level="municipal", title="伽马智能工厂"),
            ]
        )  # fmt: skip
    yield site
    site.engine.dispose()


def client_for(site: Site, role: str):  # type: ignore[no-untyped-def]
    client = site.client()
    client.headers["X-CSRF-Token"] = login(client, site.world.users[role], PASSWORD)
    return client


def _count(site: Site) -> int:
    with session_scope(site.engine) as s:
        return s.scalar(select(func.count()).select_from(Assessment)) or 0


def _form_data(items: dict, scenarios: dict, token: str) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {
        "assessed_on": "2023-11-02",
        "assessor": "王五",
        "csrf_token": token,
    }
    for code, value in items.items():
        data[f"item__{code}"] = value
    for code, level in scenarios.items():
        data[f"scen__{code}"] = str(level)
    return data


def test_questionnaire_in_the_web_form(site: Site) -> None:
    client = client_for(site, "enterprise")
    e1 = site.world.ids["e1"]
    page = client.get(f"/smart/enterprises/{e1}/assess")
    assert page.status_code == 200 and 'name="item__b_network"' in page.text
    before = _count(site)
    data = _form_data(ITEMS, SCENARIOS, csrf_of(page.text))
    response = client.post(f"/smart/enterprises/{e1}/assess", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    assert _count(site) == before + 1
    result = client.get(response.headers["location"])
    assert "51.925" in result.text and "二级" in result.text
    assert "自评结果，非官方认定" in result.text
    twin = client.get(f"/api/v1/smart/enterprises/{e1}").json()
    assert twin["result"]["assessment"]["total"] == pytest.approx(51.925)
    assert twin["result"]["assessment"]["source"] == "web"
    assert [h["assessed_on"] for h in twin["result"]["history"]][:2] == ["2022-06-01", "2023-06-01"]


def test_form_errors_are_shown_next_to_their_items(site: Site) -> None:
    client = client_for(site, "park_office")
    e1 = site.world.ids["e1"]
    items = dict(ITEMS)
    del items["m_planning"]
    items["b_network"] = ["A", "B"]
    scen = dict(SCENARIOS)
    del scen["office"]
    before = _count(site)
    token = csrf_of(client.get(f"/smart/enterprises/{e1}/assess").text)
    data = _form_data(items, scen, token)
    response = client.post(f"/smart/enterprises/{e1}/assess", data=data, follow_redirects=False)
    assert response.status_code == 422
    for field in ("item__m_planning", "item__b_network", "scen__office"):
        assert f'data-testid="error-{field}"' in response.text
    assert 'value="B" checked' in response.text  # the submitted answers are kept
    assert _count(site) == before


def test_excel_upload_and_its_cell_errors(site: Site) -> None:
    client = client_for(site, "admin")
    e1 = site.world.ids["e1"]
    blank = client.get(f"/smart/enterprises/{e1}/form.xlsx")
    assert blank.status_code == 200 and blank.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    token = csrf_of(client.get(f"/smart/enterprises/{e1}/assess").text)
    bad = fill(blank.content, ITEMS, SCENARIOS, overrides={"b_info_systems": "Q"})
    response = client.post(
        f"/smart/enterprises/{e1}/upload",
        data={"csrf_token": token},
        files={"file": ("form.xlsx", bad, "application/octet-stream")},
        follow_redirects=False,
    )
    assert response.status_code == 422 and 'data-testid="cell-errors"' in response.text
    row = next(
        r for r in range(1, 200)
        if load_workbook(io.BytesIO(bad))["问卷"].cell(r, 1).value == "b_info_systems"
    )  # fmt: skip
    assert f"问卷!F{row}" in response.text
    good = fill(blank.content, ITEMS, SCENARIOS)
    response = client.post(
        f"/smart/enterprises/{e1}/upload",
        data={"csrf_token": token},
        files={"file": ("form.xlsx", good, "application/octet-stream")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    aid = int(response.headers["location"].split("assessment_id=")[1])
    twin = client.get(f"/api/v1/smart/enterprises/{e1}?assessment_id={aid}").json()
    assert twin["result"]["assessment"]["source"] == "excel"
    assert twin["result"]["assessment"]["total"] == pytest.approx(51.925)


def test_chain_office_sees_its_chain_only(site: Site) -> None:
    client = client_for(site, "chain_office")
    w = site.world
    levels = client.get("/api/v1/smart/levels?by=chain").json()
    assert [g["key"] for g in levels["rollup"]["groups"]] == [str(w.ids["chain_a"])]
    assert levels["rollup"]["assessed"] == 2  # E1 and E4 (E3 is on chain B)
    listing = client.get("/smart/enterprises")
    assert w.names["e1"] in listing.text and w.names["e4"] in listing.text
    assert w.names["e3"] not in listing.text and w.names["e2"] not in listing.text
    recognitions = client.get("/api/v1/smart/recognitions").json()
    assert [r["name"] for r in recognitions["rows"]] == [w.names["e1"]]
    assert client.get(f"/smart/enterprises/{w.ids['e3']}").status_code == 404
    # reading is allowed, assessing is not
    assert client.get(f"/smart/enterprises/{w.ids['e1']}/assess").status_code == 403


def test_enterprise_user_sees_itself_only(site: Site) -> None:
    client = client_for(site, "enterprise")
    w = site.world
    rows = client.get("/api/v1/smart/enterprises").json()["rows"]
    assert [r["id"] for r in rows] == [w.ids["e1"]]
    for key in ("e2", "e3", "e4"):
        assert client.get(f"/api/v1/smart/enterprises/{w.ids[key]}").status_code == 404
    levels = client.get("/smart").text
    assert 'data-testid="own-enterprise"' in levels and w.names["e3"] not in levels


def test_json_api_assessment_and_rollup_observation(site: Site) -> None:
    client = client_for(site, "admin")
    w = site.world
    body = {
        "uscc": w.uscc["e2"],
        "items": ITEMS,
        "scenarios": SCENARIOS,
        "assessed_on": "2023-05-05",
    }
    created = client.post("/api/v1/smart/assessments", json=body)
    assert created.status_code == 201 and created.json()["level_name"] == "二级"
    missing = client.post("/api/v1/smart/assessments", json=body | {"items": {}})
    assert missing.status_code == 422
    assert len(missing.json()["context"]["problems"]) == len(ITEMS)
    scheme = client.get("/api/v1/smart/schemes/miit_sme_digital_2024").json()
    assert len(scheme["items"]) == 15 and len(scheme["scenarios"]) == 16
    obs = client.post(
        "/api/v1/smart/observations",
        json={"indicator": "T_OUTPUT", "period": "2023", "level": 2, "population": "all",
              "confirm": True, "reason": "test"},
    )  # fmt: skip
    assert obs.status_code == 201, obs.text
    # latest per enterprise on or before 2023-12-31: E1, E2, E3 and E4 are all at 二级 (each
    # answered ITEMS, or the weaker 46.925 variant for E1 in 2022), so 4 of 4; the indicator's
    # unit is 亿元, neither % nor a count, so the share is written as a fraction.
    assert obs.json()["observation"]["value"] == pytest.approx(1.0)
    assert obs.json()["observation"]["source"] == "smart:rollup"


def test_registry_exports_say_demo(site: Site, tmp_path: Path) -> None:
    client = client_for(site, "viewer")
    response = client.get("/smart/providers.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert "示例数据" in ws["A1"].value
    assert ws.cell(3, 1).value == "示例数据服务商" and ws.cell(3, ws.max_column).value == "示例"
    assert client.get("/api/v1/smart/providers?capability=data").json()["rows"][0]["is_demo"]

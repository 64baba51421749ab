"""/map and /api/v1/map over HTTP on the hand-made city of test_map_service.py: the page names
itself, its year and 示例数据; filters stay in the links; bad input is a 422/404 page with the
reason, never a 500; a park office's JSON holds its park's firms only; the panel renders with no
context but the translation function and points at /api/v1/map."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from gaodi.accounts import service as accounts
from gaodi.config import Settings
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.ui.web.templating import environment
from gaodi.web.app import create_app
from tests.regions.test_map_service import FURONG, YUELU, build
from tests.web.helpers import login

PASSWORD = "map-password-1"


@pytest.fixture
def clients(sqlite_db: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, TestClient, dict]]:
    ids = build(sqlite_db)
    with session_scope(sqlite_db, actor="test") as s:
        accounts.create_user(s, "map-admin", "admin", PASSWORD, principal=SYSTEM)
        accounts.create_user(
            s, "map-park", "park_office", PASSWORD, parks=["一号园区测试"], principal=SYSTEM
        )
    app = create_app(
        sqlite_db, Settings(data_dir=tmp_path, secret_key="map-test-secret-0123456789")
    )
    admin, park = TestClient(app), TestClient(app)
    login(admin, "map-admin", PASSWORD)
    login(park, "map-park", PASSWORD)
    yield admin, park, ids


def test_page_and_json(clients: tuple[TestClient, TestClient, dict]) -> None:
    admin, park, ids = clients
    page = admin.get(f"/map?measure=output&chain={ids['C1']}")
    assert page.status_code == 200
    assert "产业地图" in page.text and "示例数据" in page.text and "2023" in page.text
    # the filters stay in the links: measure buttons keep the chain, districts open their page
    assert f'href="/map?measure=srdi&amp;year=2023&amp;chain={ids["C1"]}"' in page.text
    assert f"district={FURONG}" in page.text
    data = admin.get(f"/api/v1/map?measure=output&chain={ids['C1']}").json()
    values = {d["code"]: d["value"] for d in data["districts"]}
    assert values[FURONG] == pytest.approx(3.0) and values[YUELU] == pytest.approx(0.5)
    geo = admin.get(data["geo_url"]).json()
    assert len(geo["features"]) == 9
    mine = park.get("/api/v1/map").json()
    assert {d["code"]: d["value"] for d in mine["districts"]}[YUELU] == 0
    assert [p["id"] for p in mine["parks"]] == [ids["P1"]]
    district = park.get(f"/map?district={YUELU}").text
    assert "F3测试企业" not in district  # another park's firm, never named


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/map?measure=profit", 422, "指标须为"),
        ("/map?year=1999", 404, "没有 1999 年的企业数据"),
        ("/map?district=110101", 404, "不是本市的区县"),
        ("/map?district=abc", 422, ""),
        ("/map?chain=没有这条链", 404, "找不到产业链"),
        ("/api/v1/map/geo/999999", 404, "没有城市 999999 的区县边界文件"),
    ],
)
def test_bad_input_is_not_a_500(
    clients: tuple[TestClient, TestClient, dict], url: str, status: int, words: str
) -> None:
    admin, _park, _ids = clients
    response = admin.get(url)
    assert response.status_code == status, response.text[:300]
    assert words in response.text


def test_panel_renders_without_context() -> None:
    html = environment().get_template("regions/_map_panel.html").render(_=lambda s, **k: s)
    assert 'data-map-src="/api/v1/map"' in html
    assert "/assets/regions/map.js" in html and 'href="/map"' in html

"""The park page shows each firm's item points beside its total; who is left out and why.

The city is tests/parks/test_service.py's hand-made one (every figure worked out there).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gaodi import migrate
from gaodi.accounts import service as accounts
from gaodi.config import Settings
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope
from gaodi.web.app import create_app
from tests.parks.test_service import build
from tests.web.helpers import login

PASSWORD = "a-long-test-password-1"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, int]]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'parks.sqlite'}")
    migrate.upgrade(engine)
    ids = build(engine)
    with session_scope(engine, actor="test") as s:
        accounts.create_user(s, "analyst", "admin", PASSWORD, principal=SYSTEM)
    settings = Settings(data_dir=tmp_path, secret_key="test-secret-key-0123456789")  # type: ignore[call-arg]
    c = TestClient(create_app(engine, settings), base_url="http://testserver")
    login(c, "analyst", PASSWORD)
    yield c, ids
    engine.dispose()


def _cells(html: str, enterprise_id: int) -> dict[str, float]:
    row = re.search(rf'<tr data-enterprise="{enterprise_id}">(.*?)</tr>', html, re.S)
    assert row is not None
    return {k: float(v) for k, v in re.findall(r'data-item="(\w+)" data-points="([\d.]+)"', row[1])}


def test_park_page_items_beside_total_and_excluded(
    client: tuple[TestClient, dict[str, int]],
) -> None:
    c, ids = client
    html = c.get(f"/parks/{ids['P甲']}", params={"year": 2023}).text
    # A1 (m = 1.5): tax 30 x 1.5, va/mu 20 x 1.5, energy 20 x 1.5, emissions 10 x 1.5,
    # R&D 10 x 1.5, labour 10 x 13.616 x 1.5 / 18.14
    a1 = _cells(html, ids["A1"])
    expected = {
        "tax_per_mu": 45.0,
        "value_added_per_mu": 30.0,
        "value_added_per_energy": 30.0,
        "value_added_per_emission": 15.0,
        "rd_intensity": 15.0,
        "labour_productivity": 10 * 13.616 * 1.5 / 18.14,
    }
    assert a1 == pytest.approx(expected, abs=1e-4)
    api = c.get(f"/api/v1/parks/{ids['P甲']}", params={"year": 2023}).json()
    rows = {r["name"]: r for r in api["enterprises"]["rows"]}
    # items of the other group (规下) are null for a 规上 firm; the rest add up to the total
    own = [v for v in rows["企业A1"]["item_scores"].values() if v is not None]
    assert len(own) == 6 and sum(own) == pytest.approx(rows["企业A1"]["score"])
    # A3 has no emission figure: the item is the mean of the five others' (10 x 6.1 / 5)
    a3 = rows["企业A3"]
    assert a3["imputed"] == ["value_added_per_emission"]
    assert a3["values"]["value_added_per_emission"] is None
    assert a3["item_scores"]["value_added_per_emission"] == pytest.approx(12.2)
    assert a3["score"] == pytest.approx(sum(v for v in a3["item_scores"].values() if v is not None))
    # the 规下 firm scores on its own two items
    a4 = rows["企业A4"]
    assert a4["item_scores"]["tax_per_mu"] == pytest.approx(50.0, rel=1e-5)
    assert a4["item_scores"]["tax_per_electricity"] == pytest.approx(50.0, rel=1e-5)
    # A5 has no land: listed with its reason on the park page
    left = re.search(r'data-testid="excluded-list">(.*?)</table>', html, re.S)
    assert left is not None and f'data-enterprise="{ids["A5"]}" data-reason="no_land"' in left[1]
    assert "企业A5" in left[1]
    assert api["excluded"][0]["reason"] == "no_land"


def test_excluded_page_lists_every_left_out_firm(client: tuple[TestClient, dict[str, int]]) -> None:
    c, ids = client
    html = c.get("/parks/excluded", params={"year": 2023}).text
    listed = dict(re.findall(r'data-enterprise="(\d+)" data-reason="([\w:]+)"', html))
    # A5 no land; B2 has no energy figure, which 黄岩's 规上 scheme needs
    assert listed == {
        str(ids["A5"]): "no_land",
        str(ids["B2"]): "missing:value_added_per_energy",
    }
    assert "企业B2" in html and "单位能耗增加值" in html
    api = c.get("/api/v1/parks/excluded", params={"year": 2023}).json()
    assert api["counts"] == {"no_land": 1, "missing": 1}
    assert api["min_land_mu"] == "3"
    assert c.get("/parks/excluded", params={"scheme": "nope"}).status_code in (400, 404, 422)


def test_excluded_page_pages_and_filters_by_reason(
    client: tuple[TestClient, dict[str, int]],
) -> None:
    c, ids = client
    first = c.get("/api/v1/parks/excluded", params={"year": 2023, "per_page": 1}).json()
    second = c.get("/api/v1/parks/excluded", params={"year": 2023, "per_page": 1, "page": 9}).json()
    # two left-out firms, one a page; a page past the end shows the last one
    assert (first["total"], first["pages"], first["page"], len(first["rows"])) == (2, 2, 1, 1)
    assert (second["page"], len(second["rows"])) == (2, 1)
    assert {first["rows"][0]["id"], second["rows"][0]["id"]} == {ids["A5"], ids["B2"]}
    only = c.get("/api/v1/parks/excluded", params={"year": 2023, "reason": "missing"}).json()
    assert [r["id"] for r in only["rows"]] == [ids["B2"]] and only["total"] == 1
    assert only["counts"] == {"no_land": 1, "missing": 1}  # the counts stay the whole list's
    html = c.get("/parks/excluded", params={"year": 2023, "per_page": 1}).text
    assert 'data-testid="pager"' in html and "第 1 / 2 页，共 2 家" in html
    assert re.search(r'data-reason="no_land" href="/parks/excluded\?[^"]*&reason=no_land"', html)
    assert "缺少指标数据：1" in html  # the kind of reason in words, not its code
    assert c.get("/parks/excluded", params={"reason": "nope"}).status_code == 422


def test_the_excluded_list_exports_every_row_not_only_the_page(
    client: tuple[TestClient, dict[str, int]],
) -> None:
    import io

    from openpyxl import load_workbook

    c, _ids = client
    html = c.get("/parks/excluded", params={"year": 2023, "per_page": 1}).text
    assert 'href="/export/xlsx/parks/excluded?year=2023&amp;per_page=1"' in html
    got = c.get("/export/xlsx/parks/excluded", params={"year": 2023, "per_page": 1})
    assert got.status_code == 200
    sheet = load_workbook(io.BytesIO(got.content))["未参评企业"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == "统一社会信用代码")
    body = [row for row in values[header + 1 :] if any(v is not None for v in row)]
    assert len(body) == 2  # both left-out firms, though the page shows one
    assert sorted(row[1] for row in body) == ["企业A5", "企业B2"]
    only = c.get("/export/xlsx/parks/excluded", params={"year": 2023, "reason": "no_land"})
    rows = list(load_workbook(io.BytesIO(only.content))["未参评企业"].iter_rows(values_only=True))
    assert [r[1] for r in rows if r[1] in ("企业A5", "企业B2")] == ["企业A5"]

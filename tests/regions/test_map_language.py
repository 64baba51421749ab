"""The industry map says where its park points come from in the reader's language: every park
row of an English /map ended with "位置示意（区县中心）", and so did the chart's tooltip note (the
JSON's ``location_note``), and the legend's English sentence quoted the same Chinese words. English
pages and their JSON now say "placed at the district's centre"; Chinese ones keep 位置示意（区县中心）.

The city is tests/regions/test_map_service.py's, served as in test_map_views.py.
"""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.regions.test_map_views import clients  # noqa: F401  (the module's city and users)

NOTE_ZH = "位置示意（区县中心）"
NOTE_EN = "placed at the district's centre"


def _parks_table(markup: str) -> list[str]:
    """The words of each row of the parks table."""
    table = re.search(r'data-testid="map-parks">(.*?)</table>', markup, re.S)
    assert table is not None
    rows = re.findall(r"<tr data-park=.*?</tr>", table[1], re.S)
    return [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r))).strip() for r in rows]


def _legend(markup: str) -> str:
    found = re.search(r'data-testid="map-legend">(.*?)</p>', markup, re.S)
    assert found is not None
    return html.unescape(re.sub(r"<[^>]+>", " ", found[1]))


def test_park_location_note_follows_the_page_language(
    clients: tuple[TestClient, TestClient, dict],  # noqa: F811
) -> None:
    admin, _park, _ids = clients
    admin.cookies.set("gaodi_lang", "en")
    page = admin.get("/map")
    assert page.status_code == 200
    rows = _parks_table(page.text)
    assert rows and all(r.endswith(NOTE_EN) for r in rows), rows
    assert NOTE_ZH not in page.text and "区县中心" not in _legend(page.text)
    assert "placed at their district's centre" in _legend(page.text)
    data = admin.get("/api/v1/map").json()
    assert data["parks"] and {p["location_note"] for p in data["parks"]} == {NOTE_EN}

    admin.cookies.set("gaodi_lang", "zh")
    page = admin.get("/map")
    rows = _parks_table(page.text)
    assert rows and all(r.endswith(NOTE_ZH) for r in rows), rows
    assert NOTE_ZH in _legend(page.text)
    data = admin.get("/api/v1/map").json()
    assert {p["location_note"] for p in data["parks"]} == {NOTE_ZH}

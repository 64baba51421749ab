"""A park's page names how many of its firms are left out and why, lists the first ones, and
leads to the whole list a page at a time (sixth audit, P1: a park of the large demo listed all
51,245 in one table, a 13 MB page and a 15.7 MB JSON twin).

The city is tests/parks/test_service.py's hand-made one: the evaluation leaves out A5 of park 甲
(no land) and B2 of park 乙 (no energy figure), one firm each.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from gaodi.parks import views
from tests.parks.test_scoped_counts import office  # noqa: F401  (甲's park office)
from tests.parks.test_views import client  # noqa: F401  (the hand-made city, signed in)


def test_a_park_page_counts_its_firms_left_out_and_lists_the_first(
    client: tuple[TestClient, dict[str, int]],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c, ids = client
    jia = ids["P甲"]
    page = c.get(f"/api/v1/parks/{jia}", params={"year": 2023}).json()
    assert page["excluded_total"] == 1 and page["excluded_counts"] == {"no_land": 1}
    assert [r["id"] for r in page["excluded"]] == [ids["A5"]]

    monkeypatch.setattr(views, "EXCLUDED_ON_PARK_PAGE", 0)  # a park with more than the page holds
    page = c.get(f"/api/v1/parks/{jia}", params={"year": 2023, "per_page": 49}).json()
    assert page["excluded"] == [] and page["excluded_total"] == 1
    html = c.get(f"/parks/{jia}", params={"year": 2023, "per_page": 49}).text
    assert 'data-testid="excluded-first"' in html and "此处列出 1 家中的前 0 家。" in html
    assert f"/parks/excluded?scheme=default&amp;year=2023&amp;park={jia}" in html


def test_the_excluded_list_of_one_park(
    client: tuple[TestClient, dict[str, int]],  # noqa: F811
) -> None:
    c, ids = client
    everyone = c.get("/api/v1/parks/excluded", params={"year": 2023}).json()
    assert everyone["total"] == 2
    jia = c.get("/api/v1/parks/excluded", params={"year": 2023, "park": ids["P甲"]}).json()
    assert jia["total"] == 1 and [r["id"] for r in jia["rows"]] == [ids["A5"]]
    assert jia["counts"] == {"no_land": 1} and jia["park_id"] == ids["P甲"]
    html = c.get("/parks/excluded", params={"year": 2023, "park": ids["P甲"]}).text
    assert f'<input type="hidden" name="park" value="{ids["P甲"]}">' in html
    assert "甲园区" in html


def test_a_park_office_reads_the_list_of_its_own_park_only(
    office: tuple[TestClient, dict[str, int]],  # noqa: F811
) -> None:
    c, ids = office
    assert c.get("/api/v1/parks/excluded", params={"park": ids["P甲"]}).status_code == 200
    assert c.get("/api/v1/parks/excluded", params={"park": ids["P乙"]}).status_code == 404


def _book(response: Any) -> Any:
    assert response.status_code == 200, response.text[:300]
    return load_workbook(io.BytesIO(response.content))


def _about(book: Any) -> dict[str, Any]:
    return {r[0]: r[1] for r in book.worksheets[0].iter_rows(values_only=True) if r and r[0]}


def _usccs(book: Any) -> list[str]:
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    return [r[0] for r in rows[1:]]


def test_the_export_of_one_parks_list_is_that_parks_list(
    client: tuple[TestClient, dict[str, int]],  # noqa: F811
) -> None:
    """The 导出 Excel of /parks/excluded?park=… held the whole city's list under the city's
    name (seventh audit, vp N2): it is the park's list, named by the park, its 说明 says so."""
    c, ids = client
    query = {"year": 2023, "park": ids["P甲"]}
    listed = c.get("/api/v1/parks/excluded", params=query).json()
    response = c.get("/export/xlsx/parks/excluded", params=query)
    book = _book(response)
    assert _usccs(book) == [r["uscc"] for r in listed["rows"]] and len(listed["rows"]) == 1
    about = _about(book)
    assert about["园区"] == "甲园区" and str(about["企业数"]) == "1" and about["原因"] == "全部原因"
    assert "甲园区" in unquote(response.headers["content-disposition"])
    # without a park: every park's, said in words
    whole = _book(c.get("/export/xlsx/parks/excluded", params={"year": 2023}))
    assert len(_usccs(whole)) == 2 and _about(whole)["园区"] == "全部园区"


def test_the_excluded_export_says_where_it_stops(
    client: tuple[TestClient, dict[str, int]],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cut at the export's limit, the file says so and how many there are (vp N3: 100,000 of
    248,609 with nothing said)."""
    from gaodi.reports import export_tables

    c, _ids = client
    monkeypatch.setattr(export_tables, "MAX_ROWS", 1)
    book = _book(c.get("/export/xlsx/parks/excluded", params={"year": 2023}))
    assert len(_usccs(book)) == 1
    about = _about(book)
    assert str(about["企业数"]) == "2"
    assert about["导出上限"].startswith("共2家，超过一次导出的上限1家：本文件只有前1家。")
    english = _book(
        c.get("/export/xlsx/parks/excluded", params={"year": 2023, "reason": "no_land"},
              cookies={"gaodi_lang": "en"})
    )  # fmt: skip
    assert _about(english)["Reason"] == "no land recorded" and "Export limit" not in _about(english)

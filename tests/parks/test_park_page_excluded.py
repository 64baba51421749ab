"""A park's page names how many of its firms are left out and why, lists the first ones, and
leads to the whole list a page at a time (sixth audit, P1: a park of the large demo listed all
51,245 in one table, a 13 MB page and a 15.7 MB JSON twin).

The city is tests/parks/test_service.py's hand-made one: the evaluation leaves out A5 of park 甲
(no land) and B2 of park 乙 (no energy figure), one firm each.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

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

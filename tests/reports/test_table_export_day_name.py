"""A page-table export of a past day is named for that day.

The projects, appeals and challenges pages take their day as ``as_of_day``; the export named its
file for the city's today whatever day the page showed, so June's appeals came down as
「企业诉求_全市_<today>.xlsx」 beside the board's 「…_2023-06.xlsx」 (docs/reports.md: a file is
named for its as-of day, else the city's day).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from tests.reports.test_file_properties import disposition
from tests.web.conftest import featured_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

NOW = datetime(2024, 3, 15, 2, 0)  # the city's today: 2024-03-15 (10:00 in the city)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with featured_site(tmp_path_factory, "table-export-day-name", NOW) as made:
        yield made


@pytest.mark.parametrize(
    ("page", "title"),
    [("projects", "重大项目"), ("appeals", "企业诉求"), ("challenges", "揭榜挂帅")],
)
def test_a_past_days_table_is_named_for_that_day(site: Any, page: str, title: str) -> None:
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    r = client.get(f"/export/table/{page}", params={"as_of_day": "2024-03-01", "xlsx_table": 0})
    assert r.status_code == 200, r.text[:300]
    name, plain = disposition(r.headers["content-disposition"])
    assert name == f"{title}_全市_2024-03-01.xlsx"
    assert plain.endswith("_2024-03-01.xlsx")

"""The submission completeness page refuses a year no period can name, in words (422), as every
other year parameter does; year=-1 or 0 answered 200 with an empty grid and no word why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    made = make_site(tmp_path)
    yield made
    made.engine.dispose()


@pytest.mark.parametrize("year", ["-1", "0", "1948", "2101"])
def test_a_year_outside_the_periods_range_is_refused(site: Site, year: str) -> None:
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    for path in ("/plans/completeness", "/api/v1/plans/completeness"):
        r = client.get(path, params={"year": year})
        assert r.status_code == 422, (path, r.status_code)
    r = client.get("/api/v1/plans/completeness", params={"year": "2023"})
    assert r.status_code == 200

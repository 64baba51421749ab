"""Moments on the projects, challenges and appeals pages are shown in the city's time zone,
the zone whose midnight ends an as-of day: an event listed under a day is in that day's view.

Appeal A (其他): received Wed 2023-03-01 10:00 Changsha time, assigned 2023-03-02 09:28,
started 2023-03-03 05:06 (still 2023-03-02 21:06 in UTC), resolved 2023-03-03 16:00.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.projects import appeals
from gaodi.projects.schemas import AppealIn
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def cst(y: int, m: int, d: int, hour: int, minute: int = 0) -> datetime:
    """A Changsha wall-clock time as naive UTC."""
    return clock.utc(datetime(y, m, d, hour, minute))


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Site, int]]:
    site = make_site(tmp_path)
    with session_scope(site.engine, actor="seed") as s:
        with clock.frozen(cst(2023, 3, 1, 10)):
            appeal = appeals.submit(
                s,
                SYSTEM,
                AppealIn(enterprise_id=site.world.ids["e1"], category="其他", title="A", text="x"),
            )
        with clock.frozen(cst(2023, 3, 2, 9, 28)):
            appeals.assign(s, SYSTEM, appeal.id)
        with clock.frozen(cst(2023, 3, 3, 5, 6)):
            appeals.start(s, SYSTEM, appeal.id)
        with clock.frozen(cst(2023, 3, 3, 16)):
            appeals.resolve(s, SYSTEM, appeal.id, "已解决")
        ident = appeal.id
    clock.set_source(lambda: cst(2023, 6, 1, 10))
    yield site, ident
    clock.set_source(None)
    site.engine.dispose()


def test_the_appeal_page_shows_city_time_agreeing_with_the_day(
    site: tuple[Site, int],
) -> None:
    web, ident = site
    client = web.client()
    login(client, web.world.users["admin"], PASSWORD)
    on_0302 = client.get(f"/appeals/{ident}?as_of_day=2023-03-02").text
    # the start (05:06 on 03-03 in the city) is not in the view of 03-02, and no row claims it
    # happened on 03-02 (its UTC date)
    assert "2023-03-02 21:06" not in on_0302 and "05:06" not in on_0302
    assert "2023-03-02 09:28" in on_0302 and "2023-03-01 10:00" in on_0302  # assigned, received
    on_0303 = client.get(f"/appeals/{ident}?as_of_day=2023-03-03").text
    assert "2023-03-03 05:06" in on_0303 and "2023-03-02 21:06" not in on_0303
    assert "2023-03-03 16:00" in on_0303  # resolved, in the handling table too
    assert "时间（北京时间）" in on_0303 and "UTC" not in on_0303
    listed = client.get("/appeals?as_of_day=2023-03-03").text
    assert "2023-03-01" in listed

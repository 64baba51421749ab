"""The overview's chain block on a past day counts the chains' membership of that day.

The hand-made city of seed.py (E1, E4 on chain A; E2, E3 on chain B; rule rows of the first
mapping, stamped on 2024-03-15), with 2023 outputs in 万元 E1 5000, E2 2200, E3 600, E4 1500.
On 2024-04-10 an official moves E4 (德尔塔) by hand from chain A's link a2 to chain B's link b1.

    as of 2024-03-31 (before the move): A = 5000 + 1500 = 6500 = 0.65 亿元, B = 2200 + 600 = 0.28
    today, 2024-04-10:                  A = 5000        = 0.5  亿元, B = 2200 + 600 + 1500 = 0.43

The monthly report of March counts the membership in force at the end of 31 March (docs/chains.md);
the overview of that day said the same chains were 0.5 and 0.43, today's membership.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from gaodi import migrate
from gaodi.config import Settings, reset_settings
from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope
from gaodi.web.app import create_app
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD, seed

SEEDED = date(2024, 3, 15)
MOVED = date(2024, 4, 10)
OUTPUT_2023 = {"e1": 5000.0, "e2": 2200.0, "e3": 600.0, "e4": 1500.0}


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from gaodi.chains import editing
    from gaodi.chains.models import Link
    from gaodi.enterprises.models import EnterpriseYear

    directory = tmp_path_factory.mktemp("web-cockpit-membership")
    engine = make_engine(f"sqlite:///{directory / 'web.sqlite'}")
    migrate.upgrade(engine)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GAODI_DATA_DIR", str(directory))
        reset_settings()
        with clock.frozen(SEEDED):
            world = seed(engine)
            with session_scope(engine, actor="test") as s:
                for key, value in OUTPUT_2023.items():
                    s.scalars(
                        select(EnterpriseYear).where(
                            EnterpriseYear.enterprise_id == world.ids[key],
                            EnterpriseYear.year == 2023,
                        )
                    ).one().output = value
        with clock.frozen(MOVED), session_scope(engine, actor="test") as s:
            links = {lk.code: lk.id for lk in s.scalars(select(Link))}
            editing.unassign(s, SYSTEM, "CA", links["a2"], world.ids["e4"])
            editing.assign(s, SYSTEM, "CB", links["b1"], world.ids["e4"])
    reset_settings()
    settings = Settings(data_dir=directory, secret_key="test-secret-key-0123456789")
    site = Site(engine, world, create_app(engine, settings), settings)
    yield site
    engine.dispose()


def _chains(site: Site, query: str = "") -> dict:
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    with clock.frozen(MOVED):
        response = client.get(f"/api/v1/overview{query}", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200, response.text[:500]
    return response.json()["leader"]["chains"]  # type: ignore[no-any-return]


def test_a_past_day_counts_the_membership_of_that_day(city: Site) -> None:
    chains = _chains(city, "?as_of=2024-03-31")
    latest = {r["name"]: r["latest"] for r in chains["rows"]}
    assert latest == {"测试链甲": 0.65, "测试链乙": 0.28}
    assert chains["basis"].startswith("按2024-03-31归属")  # whose membership it counts


def test_today_counts_todays_membership(city: Site) -> None:
    chains = _chains(city)
    latest = {r["name"]: r["latest"] for r in chains["rows"]}
    assert latest == {"测试链甲": 0.5, "测试链乙": 0.43}
    assert "当前归属" in chains["basis"]

"""The overview page and its JSON twin, checked against the hand-made city of seed.py.

Hand counts (seed.py): 4 enterprises; 2023 revenues E1 5000, E2 2500, E3 800, E4 1999 万元;
chain A holds E1 and E4, chain B holds E2 and E3; park A holds E1 and E3. Observations: one city
value (2023-06) and one for chain B (2023-12). seed.py gives no enterprise an industry code, so
none is known to be 工业 (GB/T 4754 sections B, C, D) and none is a 规上工业企业 (the rule file
gaodi/analytics/rules/tiers/above_scale.yaml: an industrial legal entity with main-business
revenue >= 2000 万元): the tile counts 0 for every role. test_above_scale_tile_counts_industrial_
firms_only gives the firms codes and counts again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gaodi import migrate
from gaodi.config import Settings
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine
from gaodi.web.app import create_app
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def _overview(site: Site, role: str) -> dict:
    client = site.client()
    login(client, site.world.users[role], PASSWORD)
    response = client.get("/api/v1/overview", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response.json()


def _counts(data: dict) -> dict[str, int]:
    return {c["key"]: c["count"] for c in data["counts"]}


def test_admin_sees_everything(shared_site: Site) -> None:
    data = _overview(shared_site, "admin")
    counts = _counts(data)
    assert counts["enterprises"] == 4
    assert counts["above_scale"] == 0  # no firm has an industry code: none known to be 工业
    assert counts["parks"] == 2 and counts["chains"] == 2 and counts["links"] == 3
    assert counts["clusters"] == 1 and counts["plans"] == 1 and counts["targets"] == 1
    assert counts["indicators"] == 1 and counts["observations"] == 2
    assert counts["users"] == 7  # six roles and the target user
    assert data["as_of"] == {
        "latest_enterprise_year": 2023,
        "latest_observation_period": "2023-12",
        "dataset_built_at": "2024-01-02T11:04:05+08:00",  # 03:04:05 UTC
        "dataset_size": "test",
        "dataset_seed": 7,
    }
    assert data["is_demo"] is True
    chart = dict(zip(data["chart"]["labels"], data["chart"]["values"], strict=True))
    assert data["chart"]["by"] == "chain" and chart == {"测试链甲": 2, "测试链乙": 2}


def test_chain_office_counts_its_chain_only(shared_site: Site) -> None:
    data = _overview(shared_site, "chain_office")
    counts = _counts(data)
    assert counts["enterprises"] == 2  # E1, E4
    assert counts["above_scale"] == 0  # E1 and E4: no industry code
    assert counts["chains"] == 1 and counts["links"] == 2
    assert counts["observations"] == 1  # the city value; chain B's value is hidden
    assert "users" not in counts  # not an administrator
    assert data["as_of"]["latest_observation_period"] == "2023-06"
    assert data["chart"]["labels"] == ["测试链甲"] and data["chart"]["values"] == [2]
    assert data["access"]["scope"] == ["测试链甲"]


def test_park_office_counts_its_park_only(shared_site: Site) -> None:
    counts = _counts(_overview(shared_site, "park_office"))
    assert counts["enterprises"] == 2 and counts["above_scale"] == 0  # E1, E3: no industry code
    assert counts["parks"] == 1


def test_enterprise_user_sees_only_itself(shared_site: Site) -> None:
    data = _overview(shared_site, "enterprise")
    assert _counts(data) == {"enterprises": 1, "above_scale": 0}
    assert data["chart"]["labels"] == []  # may read no chain and no park


def test_above_scale_tile_counts_industrial_firms_only(site: Site) -> None:
    """规上工业企业 = 工业 (GB/T 4754 sections B, C, D) and 2023 main-business revenue (revenue
    here) >= 2000 万元 (gaodi/analytics/rules/tiers/above_scale.yaml). Codes given by hand:
    E1 3511 (C, 5000) yes; E2 6513 software (I, 2500) no, whatever its revenue; E3 4411 (D,
    800) no, too small; E4 0610 (B, 1999) no, just below. So 1 for the admin, the chain office
    (E1, E4) and the park office (E1, E3); raising E4 to 2000 makes the admin's 2."""
    from sqlalchemy import select, update

    from gaodi.db import session_scope
    from gaodi.models import Enterprise, EnterpriseYear, IndustryCode

    codes = {"e1": "3511", "e2": "6513", "e3": "4411", "e4": "0610"}
    with session_scope(site.engine, actor="test") as s:
        known = set(s.scalars(select(IndustryCode.code)))
        s.add_all(
            IndustryCode(code=c, name=f"类{c}", level="class")
            for c in codes.values()
            if c not in known
        )
        s.flush()
        for key, code in codes.items():
            s.execute(
                update(Enterprise)
                .where(Enterprise.id == site.world.ids[key])
                .values(industry_code=code)
            )
    assert _counts(_overview(site, "admin"))["above_scale"] == 1
    assert _counts(_overview(site, "chain_office"))["above_scale"] == 1
    assert _counts(_overview(site, "park_office"))["above_scale"] == 1
    with session_scope(site.engine, actor="test") as s:  # an ORM change: audited, new version
        row = s.scalars(
            select(EnterpriseYear).where(
                EnterpriseYear.enterprise_id == site.world.ids["e4"], EnterpriseYear.year == 2023
            )
        ).one()
        row.revenue = 2000.0
    assert _counts(_overview(site, "admin"))["above_scale"] == 2
    client = site.client()
    login(client, "t-admin", PASSWORD)
    html = client.get("/", headers={"Accept-Language": "zh-CN"}).text
    assert "规上工业企业" in html and "国民经济行业门类B、C、D" in html


def test_html_page_shows_the_same_numbers_and_the_chart_data(shared_site: Site) -> None:
    client = shared_site.client()
    login(client, "t-admin", PASSWORD)
    html = client.get("/", headers={"Accept-Language": "zh-CN"}).text
    assert 'data-testid="demo-banner"' in html and "示例数据" in html
    assert 'data-key="above_scale"' in html and "规上工业企业" in html
    assert '<script type="application/json" id="overview-chart-data">' in html
    raw = html.split('id="overview-chart-data">', 1)[1].split("</script>", 1)[0]
    chart = json.loads(raw)
    assert dict(zip(chart["labels"], chart["values"], strict=True)) == {
        "测试链甲": 2,
        "测试链乙": 2,
    }
    assert "/static/vendor/echarts/echarts.min.js" in html


def test_empty_database_still_draws(tmp_path: Path) -> None:
    from tests.web.conftest import Site as _Site

    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    migrate.upgrade(engine)
    from gaodi.accounts import service as accounts
    from gaodi.db import session_scope

    with session_scope(engine) as s:
        accounts.create_user(s, "only-admin", "admin", PASSWORD, principal=SYSTEM)
    settings = Settings(data_dir=tmp_path, secret_key="k" * 32)
    site = _Site(engine, None, create_app(engine, settings), settings)  # type: ignore[arg-type]
    client = site.client()
    login(client, "only-admin", PASSWORD)
    data = client.get("/api/v1/overview").json()
    assert data["is_demo"] is False and data["chart"]["values"] == []
    assert data["as_of"]["latest_enterprise_year"] is None
    html = client.get("/").text
    assert "demo-banner" not in html
    assert '"values": []' in html


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_overview_html_in_both_languages(shared_site: Site, lang: str) -> None:
    client = shared_site.client()
    login(client, "t-viewer", PASSWORD)
    html = client.get("/", headers={"Accept-Language": lang}).text
    title = "总览" if lang == "zh-CN" else "Overview"
    assert f"<h1>{title}</h1>" in html


def test_cache_follows_the_data_version(site: Site) -> None:
    from gaodi.db import session_scope
    from gaodi.models import Enterprise

    client = site.client()
    login(client, "t-admin", PASSWORD)
    assert _counts(client.get("/api/v1/overview").json())["enterprises"] == 4
    assert len(site.app.state.overview_cache) == 1  # cached for (admin's scope, language, version)
    client.get("/api/v1/overview")
    assert len(site.app.state.overview_cache) == 1  # same version: served from the cache
    with session_scope(site.engine, actor="test") as s:
        s.add(Enterprise(uscc="91430100MA4L0CACHE", name="缓存测试企业"))
    # the insert wrote an audit event: the cached overview is stale at once
    assert _counts(client.get("/api/v1/overview").json())["enterprises"] == 5
    # per user and language: a chain office does not get the admin's cached page
    office = site.client()
    login(office, "t-chain_office", PASSWORD)
    assert _counts(office.get("/api/v1/overview").json())["enterprises"] == 2


def test_signing_in_and_switching_language_keep_the_cache(site: Site) -> None:
    """Account bookkeeping (a log-in, a language switch, a new token) is audited but changes no
    figure: the data version stays and every user's cached overview stays valid."""
    from gaodi.db import session_scope
    from gaodi.models import Enterprise
    from gaodi.system.service import data_version

    def version() -> int:
        with session_scope(site.engine) as s:
            return data_version(s)

    client = site.client()
    login(client, "t-admin", PASSWORD)
    client.get("/api/v1/overview")
    before, cached = version(), set(site.app.state.overview_cache.keys())
    for role in ("viewer", "analyst", "chain_office"):
        other = site.client()
        csrf = login(other, f"t-{role}", PASSWORD)
        other.post("/lang", data={"lang": "en", "csrf_token": csrf}, follow_redirects=False)
    assert version() == before
    client.get("/api/v1/overview")
    assert set(site.app.state.overview_cache.keys()) == cached
    with session_scope(site.engine, actor="test") as s:  # a figure does change it
        s.add(Enterprise(uscc="91430100MA4L0CACH2", name="缓存测试企业二"))
    assert version() > before


def test_cache_can_be_switched_off(site: Site) -> None:
    site.app.state.overview_cache_seconds = 0
    client = site.client()
    login(client, "t-admin", PASSWORD)
    first = client.get("/api/v1/overview").json()
    assert client.get("/api/v1/overview").json() == first
    assert not getattr(site.app.state, "overview_cache", {})


def test_cache_is_shared_by_scope_never_across_scopes(site: Site) -> None:
    """Two park offices of park A share one cached overview; a park office of park B gets its
    own (its scope, its enterprises), never park A's; a new enterprise in park A shows on the
    park A office's next read."""
    from gaodi.accounts import service as accounts
    from gaodi.db import session_scope
    from gaodi.models import Enterprise

    with session_scope(site.engine, actor="test") as s:
        accounts.create_user(
            s, "t-park-a2", "park_office", PASSWORD, parks=["甲园区测试"], principal=SYSTEM
        )
        accounts.create_user(
            s, "t-park-b", "park_office", PASSWORD, parks=["乙园区测试"], principal=SYSTEM
        )
    pages = {}
    for name in ("t-park_office", "t-park-a2", "t-park-b"):
        client = site.client()
        login(client, name, PASSWORD)
        pages[name] = client.get("/api/v1/overview").json()
    assert len(site.app.state.overview_cache) == 2  # park A once, park B once
    assert site.app.state.overview_cache.computed == 2
    assert pages["t-park_office"] == pages["t-park-a2"]
    assert pages["t-park_office"]["access"]["scope"] != pages["t-park-b"]["access"]["scope"]
    assert any("甲园区测试" in s for s in pages["t-park_office"]["access"]["scope"])
    assert any("乙园区测试" in s for s in pages["t-park-b"]["access"]["scope"])
    assert not any("甲园区测试" in s for s in pages["t-park-b"]["access"]["scope"])
    # park A holds E1 and E3, park B E2 and E4 (tests/web/seed.py)
    assert _counts(pages["t-park_office"])["enterprises"] == 2
    with session_scope(site.engine, actor="test") as s:
        park_a = site.world.ids["park_a"]
        s.add(Enterprise(uscc="91430100MA4L0SCOPE", name="园区缓存企业", park_id=park_a))
    again = site.client()
    login(again, "t-park-a2", PASSWORD)
    assert _counts(again.get("/api/v1/overview").json())["enterprises"] == 3
    other = site.client()
    login(other, "t-park-b", PASSWORD)
    assert _counts(other.get("/api/v1/overview").json())["enterprises"] == 2

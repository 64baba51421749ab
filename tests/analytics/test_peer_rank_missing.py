"""A city whose value for a measure is missing is not ranked among its peers (it was ranked
1st: every comparison with NaN is False, so no peer counted as above it). The result says
how many regions were ranked and leaves the city's rank empty; the regions service and its
JSON twin carry the empty rank instead of failing on it.
"""

from __future__ import annotations

import math

import polars as pl
from sqlalchemy import delete
from sqlalchemy.engine import Engine

from gaodi.analytics.opportunities import peer_comparison
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.models import PanelValue
from gaodi.regions import service
from tests.regions.test_service import CITY, build

TABLE = pl.DataFrame(
    {
        "region": ["长沙", "北京", "上海", "深圳"],
        "eci": [None, 1.5, 1.2, 1.4],
        "hhi": [math.nan, 0.1, 0.12, 0.3],
        "coi": [0.4, None, 0.2, 0.6],
    }
)


def test_a_city_without_a_value_is_unranked_not_first() -> None:
    out = peer_comparison(TABLE, "长沙", ["北京", "上海", "深圳"])
    rows = {r["measure"]: r for r in out.iter_rows(named=True)}
    assert rows["eci"]["city_rank"] is None and rows["eci"]["n_ranked"] == 3
    assert rows["hhi"]["city_rank"] is None and rows["hhi"]["n_ranked"] == 3


def test_a_peer_without_a_value_is_left_out_of_the_count() -> None:
    rows = {
        r["measure"]: r
        for r in peer_comparison(TABLE, "长沙", ["北京", "上海", "深圳"]).iter_rows(named=True)
    }
    # COI: 长沙 0.4 among 0.2 and 0.6 (北京 has none): 2nd of 3 ranked
    assert rows["coi"]["city_rank"] == 2 and rows["coi"]["n_ranked"] == 3


def test_service_leaves_the_rank_empty_when_the_city_has_no_growth(db: Engine) -> None:
    build(db)
    with session_scope(db, actor="test") as s:  # no 2021 figures for the city: no CAGR
        s.execute(delete(PanelValue).where(PanelValue.region_code == CITY, PanelValue.year == 2021))
    with session_scope(db) as s:
        res = service.peer_comparison(s, SYSTEM, group="plan")
    rows = {r.measure: r for r in res.rows}
    assert rows["cagr"].values[0] is None
    assert rows["cagr"].city_rank is None
    assert rows["total"].city_rank == 2  # 112 vs 100, 100, 400: unchanged
    assert '"city_rank": null' in res.model_dump_json(indent=1).replace('":null', '": null')


def test_peers_page_shows_unranked_and_its_twin_null(tmp_path_factory) -> None:

    from gaodi.models import IndustryCode, Region, SystemInfo
    from tests.regions.test_service import BJ, INDUSTRIES, NAMES, PANEL, SH, SZ
    from tests.web.conftest import make_site
    from tests.web.helpers import login
    from tests.web.seed import PASSWORD

    site = make_site(tmp_path_factory.mktemp("peers-unranked"))
    try:
        with session_scope(site.engine, actor="test") as s:
            info = s.get(SystemInfo, "dataset")
            assert info is not None
            info.value = {**info.value, "city": CITY, "as_of": "2023-12"}
            for code, name in ((CITY, "长沙市"), (BJ, "北京市"), (SH, "上海市"), (SZ, "深圳市")):
                s.add(Region(code=code, name=name, level="prefecture"))
            for code, name in NAMES.items():
                s.add(IndustryCode(code=code, name=name, level="group"))
            s.flush()
            for year, rows in PANEL.items():
                for region, values in rows.items():
                    if region == CITY and year == 2021:
                        continue  # no start-year figures for the city: no CAGR
                    for code, value in zip(INDUSTRIES, values, strict=True):
                        s.add(
                            PanelValue(
                                region_code=region,
                                industry_code=code,
                                year=year,
                                measure="output",
                                value=float(value),
                            )
                        )
        c = site.client()
        c.headers["X-CSRF-Token"] = login(c, site.world.users["analyst"], PASSWORD)
        page = c.get("/regions/peers?group=plan")
        assert page.status_code == 200
        cagr_row = page.text.split('data-measure="cagr"')[1].split("</tr>")[0]
        assert 'data-testid="unranked"' in cagr_row and "<strong>1</strong>" not in cagr_row
        assert "无排名" in cagr_row and "本市该指标无数据，不参与排名。" in cagr_row
        total_row = page.text.split('data-measure="total"')[1].split("</tr>")[0]
        assert "<strong>2</strong> / 4" in total_row
        twin = c.get("/api/v1/regions/peers?group=plan").json()["result"]
        ranks = {r["measure"]: r["city_rank"] for r in twin["rows"]}
        assert ranks["cagr"] is None and ranks["total"] == 2
    finally:
        site.engine.dispose()

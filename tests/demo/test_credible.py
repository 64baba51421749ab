"""The demo city looks like Changsha to someone who knows Changsha (issue [9], item 5).

Every expectation below is stated independently of the demo's calibration file:

* 工程机械 is Changsha's strongest chain (MIIT national advanced-manufacturing cluster 2021,
  about 2900亿元 of above-scale output in 2021, https://news.d1cm.com/20220726142097.shtml);
  长沙经开区's lead firms make excavators, cranes, pile and tunnelling machines (reference facts
  §2), so its whole-machine links are strong and the chain has leaders (龙头).
* 汽车, 先进储能材料 and 食品（含烟草） are 千亿级 (2022, http://m.znzbw.cn/news/show-36160.html;
  http://www.tomorrow-never-dies.com/chanyeyaowen/31430.html).
* Changsha had 3016 规上工业企业 in 2020
  (https://epaper.chinadaily.com.cn/a/202109/18/WS61452137a3102c9543a16113.html).
* Size classes follow 国统字〔2017〕213号 (industry: 大型 >= 1000 people and >= 4亿元, 中型 >= 300
  and >= 2000万, 小型 >= 20 and >= 300万): registered firms are mostly 小型/微型, 规上 firms mostly
  小型/中型 with a few 大型.
* 上海, 深圳, 苏州 and 北京 are China's most diversified manufacturing cities; 佳木斯 is not.
* A Changsha planner's opportunities are advanced manufacturing next to what the city makes,
  not 毛皮鞣制 (GB/T 4754 group 193) or tobacco (division 16).
* 亩均 rankings cover firms on at least 3 亩 (临海's boundary, the default rule set's threshold)
  and rank 规上 and 规下 apart.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.chains import service as chains
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.demo import facts, synth
from gaodi.models import Enterprise, EnterpriseYear
from gaodi.parks import service as parks
from gaodi.regions import service as regions
from gaodi.smart.sizeclass import load_size_rule, size_class

ABOVE_SCALE = 2000.0  # 万元 main-business revenue (国家统计局 规模以上工业)


def _links(engine: Engine, chain: str, year: int | None = None) -> dict[str, object]:
    with session_scope(engine) as s:
        d = chains.diagnose(s, SYSTEM, chain, year=year)
    return {row.name: row for row in d.links} | {"__chain__": d}


def test_construction_machinery_is_strong_where_changsha_is(demo_db: Engine) -> None:
    links = _links(demo_db, "CM")
    for name in ("挖掘机械", "混凝土机械", "起重机械"):
        assert links[name].status == "strong", (name, links[name].reason_zh)
        assert links[name].leaders >= 1
    leaders = {n for name, row in links.items() if name != "__chain__" for n in row.leader_names}
    assert len(leaders) >= 1
    # The excavator leader is the chain's largest link among the whole machines.
    machines = ("挖掘机械", "混凝土机械", "起重机械", "桩工机械", "隧道掘进装备")
    assert max(machines, key=lambda n: links[n].output) == "挖掘机械"


def test_other_known_chains_have_strong_core_links(demo_db: Engine) -> None:
    assert _links(demo_db, "AUTO")["乘用车整车"].status == "strong"
    esm = _links(demo_db, "ESM")
    for name in ("正极材料", "前驱体", "锂离子电芯"):
        assert esm[name].status == "strong", (name, esm[name].reason_zh)


@pytest.mark.parametrize(
    ("chain", "year", "low", "high"),
    [
        ("CM", 2021, 2900 * 0.8, 2900 * 1.2),  # about 2900亿元 in 2021
        ("AUTO", 2022, 700, 1500),  # 千亿级
        ("ESM", 2022, 700, 1500),
        ("FOOD", 2022, 700, 1500),
    ],
)
def test_chain_output_near_published_order(
    demo_db: Engine, chain: str, year: int, low: float, high: float
) -> None:
    d = _links(demo_db, chain, year)["__chain__"]
    assert low <= d.chain_output / 1e4 <= high  # 万元 -> 亿元


def _classes(engine: Engine, year: int) -> tuple[Counter[str], Counter[str]]:
    rule = load_size_rule()
    with session_scope(engine) as s:
        rows = s.execute(
            select(
                EnterpriseYear.employees, EnterpriseYear.revenue, EnterpriseYear.main_revenue
            ).where(EnterpriseYear.year == year)
        ).all()
    everyone = Counter(size_class(rule, e, r) for e, r, _ in rows)
    above = Counter(size_class(rule, e, r) for e, r, m in rows if (m or 0) >= ABOVE_SCALE)
    return everyone, above


def test_size_classes_follow_a_city(demo_db: Engine) -> None:
    everyone, above = _classes(demo_db, 2023)
    n, n_above = sum(everyone.values()), sum(above.values())
    assert (everyone["small"] + everyone["micro"]) / n >= 0.9
    assert everyone["micro"] / n < 0.75  # not "most firms micro for lack of staff"
    assert (above["small"] + above["medium"]) / n_above >= 0.8
    assert above["small"] > above["medium"] > 0
    # a few large firms: the small demo keeps every chain's leaders, so their share is higher
    assert 1 <= above["large"] <= 0.15 * n_above


def test_medium_demo_firms_match_changsha_counts() -> None:
    """The medium size's enterprises (built without a database): 规上 count of 2020 near 3016,
    and 大型 a small share of 规上 as in a real city."""
    city = facts.city()
    ent = synth.enterprises(
        2021,
        30_000,
        [p["name"] for p in city["parks"]],
        np.array([p["weight"] for p in city["parks"]], dtype=float),
        [p["region"] for p in city["parks"]],
    )
    fig = synth.year_figures(2021, ent)
    now = fig.year == 2020
    # 规上工业企业: industrial (GB/T 4754 sections B-D = divisions 06-46) and >= 2000万
    industrial = np.array([c[:2].isdigit() and "06" <= c[:2] <= "46" for c in ent.industry_code])
    above = (fig.columns["main_revenue"][now] >= ABOVE_SCALE) & industrial[fig.enterprise[now]]
    assert abs(int(above.sum()) - 3016) <= 0.15 * 3016
    rule = load_size_rule()
    classes = Counter(
        size_class(rule, e, r)
        for e, r in zip(
            fig.columns["employees"][now][above], fig.columns["revenue"][now][above], strict=True
        )
    )
    assert classes["large"] / above.sum() <= 0.03
    assert (classes["small"] + classes["medium"]) / above.sum() >= 0.95


def test_complexity_ranks_the_known_leaders_first(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        ranking = regions.complexity_ranking(s, SYSTEM)
    peers = [r.name for r in ranking.regions if not r.is_city]
    for name in ("上海市", "深圳市", "苏州市", "北京市"):
        assert peers.index(name) < 5, peers[:8]
    assert peers.index("佳木斯市") > max(peers.index(n) for n in ("上海市", "北京市"))
    assert peers.index("佳木斯市") >= 10


def test_changsha_ranks_upper_middle_on_eci(demo_db: Engine) -> None:
    """上海/深圳/苏州/北京 lead the whole panel, the demo city included; Changsha (a strong
    machinery city, diversified but not a national top-four manufacturing centre) ranks in the
    upper third of the ~100 cities, above small inland cities such as 佳木斯."""
    with session_scope(demo_db) as s:
        ranking = regions.complexity_ranking(s, SYSTEM)
    names = [r.name for r in ranking.regions]
    assert set(names[:4]) == {"上海市", "深圳市", "苏州市", "北京市"}, names[:6]
    assert ranking.city_rank is not None and ranking.n_regions is not None
    assert 4 < ranking.city_rank <= ranking.n_regions // 3, names[: ranking.city_rank]
    assert names.index("佳木斯市") + 1 > ranking.city_rank


def test_opportunities_a_planner_takes_seriously(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        top = regions.opportunities(s, SYSTEM, limit=10).rows
    codes = [r.industry for r in top]
    assert len(codes) == 10
    assert not [c for c in codes if c.startswith("16") or c.startswith("193")], codes
    # advanced manufacturing: chemicals and pharmaceuticals (26-27), equipment, vehicles,
    # electrical, electronics and instruments (34-40)
    advanced = [c for c in codes if c[:2] in {"26", "27", *map(str, range(34, 41))}]
    assert len(advanced) >= 7, [(r.industry, r.name) for r in top]


def test_per_mu_ranks_covered_firms_by_group(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        state = parks.compute(s, SYSTEM)
        rows = parks.evaluated_enterprises(s, SYSTEM, state=state)
        left_out = parks.excluded_enterprises(s, SYSTEM, state=state)
    assert rows and left_out
    assert all(r.land_mu is not None and r.land_mu >= 3 for r in rows)
    assert all("3亩" in r.reason_zh for r in rows)
    groups = {r.segment for r in rows}
    assert groups == {"above_scale", "below_scale"}
    for group in groups:
        mine = sorted(r.rank for r in rows if r.segment == group)
        assert mine[0] == 1 and mine[-1] <= len(mine)
        assert all(r.segment_size == len(mine) for r in rows if r.segment == group)
    # industrial firms (GB/T 4754 divisions 06-46) under 3 亩 are left out for their land; the
    # others are left out first for not being 工业 (黄岩 evaluates 工业企业)
    with session_scope(demo_db) as s:
        codes = dict(s.execute(select(Enterprise.id, Enterprise.industry_code)).all())
    industrial = {i for i, c in codes.items() if c and "06" <= c[:2] <= "46"}
    small = [
        r for r in left_out if r.land_mu is not None and 0 < r.land_mu < 3 and r.id in industrial
    ]
    assert small and all(r.reason == "below_land" for r in small)
    assert all(r.reason == "not_industrial" for r in left_out if r.id not in industrial)
    assert {r.id for r in rows} <= industrial
    assert all(f"用地{r.land_mu:g}亩" in r.reason_zh for r in small)
    assert {r.id for r in rows}.isdisjoint(r.id for r in left_out)
    # a per-mu score is a few times its group's weights at most, not a thousand points
    assert max(r.score for r in rows if r.segment == "above_scale") < 500

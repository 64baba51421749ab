"""The clusters service on the chains tests' hand-built city (tests/chains/conftest.py), on
SQLite and PostgreSQL, plus two clusters and a small panel added here.

Clusters: 测试集群甲 (national, recognised 2022) groups chains HM and OT; 测试集群乙
(cultivation, planned) groups OT only. Firms (2023 output, 2022 output, 万元):

    E1 HM/L3 100000 (80000) leader    E2 HM/L3 10000 (10000) srdi    E3 HM/L1 6000 (5000)
    E4 HM/L2   2000  (2000)           E5 OT/O1   500   (400)

Cluster 甲: 5 firms, output 118500 万元 = 11.85 亿元, previous 97400 -> growth
118500/97400 - 1 = 21.66 %; one leader (E1); one SRDI firm (E2): 100 * 1/5 = 20 per 100 firms,
1/11.85 = 0.0844 per 亿元; completeness mean(HM 5/6, OT 1) = 11/12 (HM's 5/6 worked out in
tests/chains/conftest.py; OT's only link holds E5).

Panel 2023 (亿元), industries of 甲's links: 341, 344, 351, 433 (codes 3412, 3444, 3511, 4330);
362 is outside: city 351 = 6, 362 = 4; 武汉 (420100) 351 = 2, 362 = 8; 常州 (320400) 351 = 2,
362 = 8. LQ against 武汉+常州: (6/10) / (10/30) = 1.8.
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.clusters import service
from gaodi.clusters.models import Cluster, cluster_chain
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.models import IndustryCode, PanelValue
from tests.chains.conftest import World, build_world


def add_clusters(engine: Engine, w: World) -> None:
    with session_scope(engine, actor="test") as s:
        a = Cluster(
            name="测试集群甲", tier="national", status="recognised", year=2022, source="测试来源"
        )
        b = Cluster(name="测试集群乙", tier="cultivation", status="planned")
        s.add_all([a, b])
        s.add(IndustryCode(code="362", name="汽车用发动机制造", level="group"))
        s.flush()
        s.execute(
            cluster_chain.insert(),
            [
                {"cluster_id": a.id, "chain_id": w.ids["HM"]},
                {"cluster_id": a.id, "chain_id": w.ids["OT"]},
                {"cluster_id": b.id, "chain_id": w.ids["OT"]},
            ],
        )
        for region, values in (("430100", (6, 4)), ("420100", (2, 8)), ("320400", (2, 8))):
            for code, value in zip(("351", "362"), values, strict=True):
                s.add(
                    PanelValue(
                        region_code=region,
                        industry_code=code,
                        year=2023,
                        measure="output",
                        value=float(value),
                    )
                )
        w.ids.update(CA=a.id, CB=b.id)


@pytest.fixture
def cworld(db: Engine) -> World:
    w = build_world(db, pool=False)
    add_clusters(db, w)
    return w


def _cluster(res, name: str):  # type: ignore[no-untyped-def]
    return next(c for g in res.groups for c in g.clusters if c.name == name)


def test_cluster_figures_by_hand(db: Engine, cworld: World) -> None:
    with session_scope(db) as s:
        res = service.cluster_system(s, SYSTEM, group="custom", peers=["420100", "320400"])
    a = _cluster(res, "测试集群甲")
    assert a.enterprises == 5
    assert a.output == pytest.approx(11.85)
    assert a.output_prev == pytest.approx(9.74)
    assert a.growth == pytest.approx(118500 / 97400 - 1)
    assert a.leaders == ["整机龙头测试公司"] and a.n_leaders == 1
    assert a.srdi == 1
    assert a.srdi_per_100 == pytest.approx(20.0)
    assert a.srdi_per_yi == pytest.approx(1 / 11.85)
    assert a.completeness == pytest.approx((5 / 6 + 1.0) / 2)
    assert {c.code: c.completeness for c in a.chains} == pytest.approx({"HM": 5 / 6, "OT": 1.0})
    assert a.industries == ["341", "344", "351", "433"]
    assert a.lq == pytest.approx((6 / 10) / (10 / 30))
    assert (a.tier_label_zh, a.status_label_zh, a.year) == ("国家级", "已认定", 2022)
    b = _cluster(res, "测试集群乙")
    assert b.enterprises == 1 and b.output == pytest.approx(0.05)
    assert b.growth == pytest.approx(500 / 400 - 1)


def test_grouped_into_1_2_n(db: Engine, cworld: World) -> None:
    with session_scope(db) as s:
        res = service.cluster_system(s, SYSTEM)
    groups = {g.key: g for g in res.groups}
    assert list(groups) == ["1", "2", "N"]  # no SME cluster: no "other" group
    assert [c.name for c in groups["2"].clusters] == ["测试集群甲"]
    assert [c.name for c in groups["N"].clusters] == ["测试集群乙"]
    assert (groups["2"].recognised, groups["2"].planned, groups["2"].target) == (1, 0, 2)
    assert groups["1"].clusters == [] and groups["1"].target == 1
    assert res.provenance.year == 2023
    assert res.provenance.rule_sets == {"clusters/system": "2021-plan"}


def test_a_chain_office_sees_its_chains_only(db: Engine, cworld: World) -> None:
    office = cworld.principal("chain_office", chain_ids=frozenset({cworld.ids["HM"]}))
    with session_scope(db) as s:
        res = service.cluster_system(s, office)
    a = _cluster(res, "测试集群甲")
    # only HM's firms E1-E4: 118000 万元
    assert [c.code for c in a.chains] == ["HM"] and a.chains_hidden == 1
    assert a.output == pytest.approx(11.8) and a.enterprises == 4
    b = _cluster(res, "测试集群乙")
    assert b.chains == [] and b.output is None and b.chains_hidden == 1


def test_leaders_outside_a_park_office_scope_are_not_named(db: Engine, cworld: World) -> None:
    office = cworld.principal("park_office", park_ids=frozenset({cworld.ids["P2"]}))
    with session_scope(db) as s:
        res = service.cluster_system(s, office)
    a = _cluster(res, "测试集群甲")
    assert a.n_leaders == 1 and a.leaders == []  # E1 is in park P1
    assert a.output == pytest.approx(11.85)  # figures are aggregates over the chains


def test_no_panel_means_no_lq_and_a_notice(sqlite_db: Engine) -> None:
    w = build_world(sqlite_db, pool=False)
    with session_scope(sqlite_db, actor="test") as s:
        c = Cluster(name="无面板集群", tier="world", status="recognised")
        s.add(c)
        s.flush()
        s.execute(cluster_chain.insert(), [{"cluster_id": c.id, "chain_id": w.ids["HM"]}])
    with session_scope(sqlite_db) as s:
        res = service.cluster_system(s, SYSTEM)
    row = _cluster(res, "无面板集群")
    assert row.lq is None and row.output == pytest.approx(11.8)
    assert res.notice_en and "panel" in res.notice_en


# --------------------------------------------------------------------------- CLI


def test_cli_show_on_the_demo_city(demo_db: Engine) -> None:
    import json

    from gaodi.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["clusters", "show"], env={"COLUMNS": "240"})
    assert out.exit_code == 0, out.output
    assert "“1”：世界级先进制造业集群" in out.output and "长沙工程机械集群" in out.output
    assert "示例数据" in out.output
    # its source in the words the pages show (city.yaml), never cut
    url = "http://acorahome.com/hnszf/hnyw/20180408_sxhy/dlsssgsxzl/yxbd/202103/t20210324_15073010.html"
    assert (
        f"长沙工程机械集群：来源：行动计划原文行动三；2021年3月认定为国家先进制造业集群（{url}）"
        in out.output
    )
    res = runner.invoke(app, ["clusters", "show", "--format", "json", "--year", "2022"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["provenance"]["year"] == 2022
    names = [c["name"] for g in data["groups"] for c in g["clusters"]]
    assert len(names) == 11 and "长沙先进储能材料产业集群" in names
    cm = next(c for g in data["groups"] for c in g["clusters"] if c["name"] == "长沙工程机械集群")
    assert (cm["citation"]["url"], cm["citation"]["name"]) == (
        url,
        "行动计划原文行动三；2021年3月认定为国家先进制造业集群",
    )
    bad = runner.invoke(app, ["clusters", "show", "--year", "1990"])
    assert bad.exit_code == 2 and "1990" in bad.output

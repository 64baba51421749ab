"""The chains service on the hand-built chain (tests/chains/conftest.py), on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from gaodi.chains import service
from gaodi.core.errors import DataError, NotFoundError, PermissionDenied, ValidationError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.models import PanelValue
from tests.chains.conftest import World


def test_diagnosis_matches_the_hand_computation(db: Engine, world: World) -> None:
    with session_scope(db) as s:
        d = service.diagnose(s, SYSTEM, "HM")
    status = {r.code: r.status for r in d.links}
    assert status == {"L1": "weak", "L2": "weak", "L3": "strong", "L4": "missing"}
    assert d.completeness == pytest.approx(5 / 6)
    assert d.strength == pytest.approx(1 / 3)
    assert (d.n_missing, d.n_weak, d.n_strong) == (1, 2, 1)
    assert d.chain_output == pytest.approx(118000.0)
    l2 = next(r for r in d.links if r.code == "L2")
    assert l2.output_share == pytest.approx(2000 / 118000)
    assert l2.threshold_share == pytest.approx(0.5 * 6000 / 118000)
    assert "规上企业0家" in l2.reason_zh and "1.7%" in l2.reason_zh
    l3 = next(r for r in d.links if r.code == "L3")
    assert l3.hhi == pytest.approx((100000 / 110000) ** 2 + (10000 / 110000) ** 2)
    assert l3.risk_level == "high"
    assert l3.leader_names == ["整机龙头测试公司"]
    assert l3.growth == pytest.approx(110000 / 90000 - 1)  # (100000+10000)/(80000+10000) - 1
    assert d.provenance.year == 2023 and d.provenance.rules.startswith("default v")
    kinds = {(r.kind, r.link_code) for r in d.recommendations}
    assert ("fill", "L4") in kinds and ("strengthen", "L1") in kinds
    assert ("strengthen", "L2") in kinds and ("extend", "L4") in kinds
    strengthen_l1 = next(
        r for r in d.recommendations if r.kind == "strengthen" and r.link_code == "L1"
    )
    # L1 has one enterprise; the list is topped up from its sibling L2 (same segment)
    assert [e.name for e in strengthen_l1.enterprises] == ["液压阀测试公司", "发动机测试公司"]


def test_peer_benchmark_from_the_panel(db: Engine, world: World) -> None:
    # 武汉 2023 output by group: 344 -> 30, 341 -> 10, 351 -> 60 (433: none)
    # peer shares: L1 30/100, L2 10/100, L3 60/100; L1 threshold 15 % > its 5.08 % -> weak
    with session_scope(db) as s:
        for group, value in (("344", 30.0), ("341", 10.0), ("351", 60.0)):
            s.add(
                PanelValue(
                    region_code="420100", industry_code=group, year=2023, measure="output",
                    value=value,
                )
            )  # fmt: skip
    with session_scope(db) as s:
        d = service.diagnose(s, SYSTEM, "HM", benchmark="peer", peer="420100")
    l1 = next(r for r in d.links if r.code == "L1")
    assert l1.benchmark_share == pytest.approx(0.30)
    assert l1.threshold_share == pytest.approx(0.15)
    assert "武汉市" in l1.reason_zh and "30.0%" in l1.reason_zh
    l4 = next(r for r in d.links if r.code == "L4")
    assert l4.benchmark_share == pytest.approx(0.0)
    assert d.provenance.benchmark == "peer"
    with session_scope(db) as s, pytest.raises(DataError):
        service.diagnose(s, SYSTEM, "HM", benchmark="peer", peer="320400")  # no panel rows


def test_unknown_benchmark_and_chain(db: Engine, world: World) -> None:
    with session_scope(db) as s:
        with pytest.raises(ValidationError):
            service.diagnose(s, SYSTEM, "HM", benchmark="best")
        with pytest.raises(NotFoundError):
            service.diagnose(s, SYSTEM, "NOPE")


def test_summary_counts_every_chain(db: Engine, world: World) -> None:
    with session_scope(db) as s:
        summary = service.chain_summary(s, SYSTEM)
    rows = {r.chain.code: r for r in summary.chains}
    assert set(rows) == {"HM", "OT"}
    assert (rows["HM"].n_missing, rows["HM"].n_weak) == (1, 2)
    assert rows["HM"].missing_key_links == []  # L4 is missing but not a key link
    # OT: one link with E5 (600 < 2000: no above-scale enterprise) -> weak
    assert rows["OT"].n_weak == 1 and rows["OT"].completeness == 1.0
    assert summary.total_missing == 1 and summary.total_weak == 3


def test_chain_office_sees_only_its_chain(db: Engine, world: World) -> None:
    office = Principal("t-office", "chain_office", chain_ids=frozenset({world.ids["HM"]}))
    with session_scope(db) as s:
        assert [c.code for c in service.list_chains(s, office)] == ["HM"]
        assert [r.chain.code for r in service.chain_summary(s, office).chains] == ["HM"]
        with pytest.raises(NotFoundError):
            service.diagnose(s, office, "OT")
        with pytest.raises(NotFoundError):
            service.link_detail(s, office, world.ids["OT"], "O1")


def test_park_office_sees_figures_but_not_names_outside_its_parks(db: Engine, world: World) -> None:
    park = Principal("t-park", "park_office", park_ids=frozenset({world.ids["P1"]}))
    with session_scope(db) as s:
        d = service.diagnose(s, park, "HM")
        detail = service.link_detail(s, park, "HM", "L2")
    text = d.model_dump_json() + detail.model_dump_json()
    # E2 and E4 are in park P2: counted, never named
    assert d.chain_output == pytest.approx(118000.0)
    assert "整机二厂测试公司" not in text and "发动机测试公司" not in text
    assert world.uscc["E4"] not in text
    assert "液压阀测试公司" in text  # E3 is in P1


def test_viewer_cannot_edit_and_enterprise_user_cannot_read_chains(
    db: Engine, world: World
) -> None:
    from gaodi.chains import editing

    viewer = Principal("t-viewer", "viewer")
    with session_scope(db) as s, pytest.raises(PermissionDenied):
        editing.assign(s, viewer, "HM", world.ids["L4"], world.uscc["E1"])
    ent = Principal("t-ent", "enterprise", enterprise_ids=frozenset({world.ids["E1"]}))
    with session_scope(db) as s, pytest.raises(PermissionDenied):
        service.list_chains(s, ent)


def test_recommendations_rank_the_pool_by_hand(db: Engine, world: World) -> None:
    # L4 (4330, 维修): X1 exact code + 维修 -> 0.82; X2 exact code -> 0.70; X3 is in 长沙 (home
    # city, excluded); X4 matches nothing. Percentiles among {X1, X2}: 0.75 and 0.25.
    # X1 = .3*.82 + .2*.75 + .15*.75 + .2*(.6*.75 + .4*1) + .15*(1/3) = 0.7285
    # X2 = .3*.70 + .2*.25 + .15*.25 + .2*(.6*.25) + 0             = 0.3275
    with session_scope(db) as s:
        result = service.recommend(s, SYSTEM, "HM", link="L4", top=5)
    (lk,) = result.links
    assert lk.link_code == "L4" and lk.status == "missing"
    assert [c.name for c in lk.candidates] == ["常州大维修公司", "武汉小维修公司"]
    assert [c.score for c in lk.candidates] == pytest.approx([0.7285, 0.3275])
    first = lk.candidates[0]
    assert first.city == "常州市" and first.local_ties == [world.ids["E1"]]
    assert "环节匹配度0.82" in first.reason_zh
    assert result.pool_size == 4


def test_recommend_without_link_covers_every_gap(db: Engine, world: World) -> None:
    with session_scope(db) as s:
        result = service.recommend(s, SYSTEM, "HM", top=3)
    assert [lk.link_code for lk in result.links] == ["L1", "L2", "L4"]
    # L1 (3444 液压阀/液压泵): no pool enterprise has 3444 or the keywords
    assert result.links[0].candidates == []
    with session_scope(db) as s, pytest.raises(ValidationError):
        service.recommend(s, SYSTEM, "HM", top=0)


def test_link_detail(db: Engine, world: World) -> None:
    with session_scope(db) as s:
        detail = service.link_detail(s, SYSTEM, "HM", "L3")
    assert [a.enterprise_name for a in detail.assignments] == [
        "整机龙头测试公司",
        "整机二厂测试公司",
    ]
    assert detail.link.status == "strong" and detail.attract is None
    assert detail.industry_names == ["矿山机械制造"]
    with session_scope(db) as s:
        missing = service.link_detail(s, SYSTEM, "HM", "L4")
    assert missing.assignments == [] and missing.attract is not None
    assert [c.name for c in missing.attract.candidates][:1] == ["常州大维修公司"]
    assert missing.can_edit

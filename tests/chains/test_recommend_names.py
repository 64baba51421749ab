"""招商 reasons name the local firms a candidate trades with, never their database ids (audit
D, bug 5). The hand-built chain (tests/chains/conftest.py): pool firm X1 supplies E1."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.engine import Engine

from gaodi.analytics.attraction import AttractionWeights
from gaodi.chains import service
from gaodi.chains.params import load_chain_rules
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from tests.chains.conftest import World


@pytest.fixture
def ties_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules under which ties decide the ranking, so the reason names them."""
    rules = dataclasses.replace(
        load_chain_rules(), attraction_weights=AttractionWeights(0, 0, 0, 0, 1)
    )
    monkeypatch.setattr(service, "load_chain_rules", lambda *a, **k: rules)


def test_recommend_and_link_page_name_the_local_partner(
    sqlite_db: Engine, sqlite_world: World, ties_first: None
) -> None:
    e1 = sqlite_world.ids["E1"]
    with session_scope(sqlite_db) as s:
        result = service.recommend(s, SYSTEM, "HM", link="L4", top=5)
        detail = service.link_detail(s, SYSTEM, "HM", "L4")
    first = result.links[0].candidates[0]
    assert first.name == "常州大维修公司" and first.local_ties == [e1]
    assert first.reason_zh.endswith("与本地链上企业1家有供需关系（整机龙头测试公司）")
    assert "(整机龙头测试公司)" in first.reason_en
    assert f"（{e1}）" not in first.reason_zh
    assert detail.attract is not None
    assert "（整机龙头测试公司）" in detail.attract.candidates[0].reason_zh

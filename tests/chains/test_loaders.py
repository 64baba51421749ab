"""The facts the chain diagnosis reads: one row per current assignment, each with its firm's
figures, and each firm's figures read once however many links it is on.

World (tests/chains/conftest.py), plus two more assignments of E1 (整机龙头, on L3): to L1 of
the same chain and to O1 of chain OT. By hand, for 2023 (output, last year's output, main
revenue; 规上 is main revenue >= 2000 万元):

    E1 100000 (80000), 110000, leader -> on L3, L1, O1: three rows, the same figures
    E2  10000 (10000),  12000, srdi   -> L3
    E3   6000  (5000),   6500         -> L1
    E4   2000  (2000),   1800         -> L2, not 规上 (1800 < 2000)
    E5    500   (400),    600         -> O1, not 规上
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from sqlalchemy.engine import Engine

from gaodi.chains import loaders
from gaodi.db import session_scope
from gaodi.models import EnterpriseLink

from .conftest import World


def _more_links(db: Engine, world: World) -> None:
    with session_scope(db, actor="test") as s:
        for link in ("L1", "O1"):
            s.add(
                EnterpriseLink(
                    enterprise_id=world.ids["E1"], link_id=world.ids[link], source="manual"
                )
            )


def test_one_row_per_assignment_with_its_firms_figures(db: Engine, world: World) -> None:
    _more_links(db, world)
    ids = world.ids
    with session_scope(db) as s:
        facts = loaders.facts_frame(s, [ids["HM"], ids["OT"]], 2023)
    got = sorted(
        facts.select(
            "enterprise_id", "link_id", "chain_id", "output", "output_prev", "is_leader",
            "is_srdi", "above_scale", "name",
        ).iter_rows()
    )  # fmt: skip
    hm, ot = ids["HM"], ids["OT"]
    e1 = (100000.0, 80000.0, True, False, True, "整机龙头测试公司")
    want = sorted(
        [
            (ids["E1"], ids["L3"], hm, *e1),
            (ids["E1"], ids["L1"], hm, *e1),
            (ids["E1"], ids["O1"], ot, *e1),
            (ids["E2"], ids["L3"], hm, 10000.0, 10000.0, False, True, True, "整机二厂测试公司"),
            (ids["E3"], ids["L1"], hm, 6000.0, 5000.0, False, False, True, "液压阀测试公司"),
            (ids["E4"], ids["L2"], hm, 2000.0, 2000.0, False, False, False, "发动机测试公司"),
            (ids["E5"], ids["O1"], ot, 500.0, 400.0, False, False, False, "其他链测试公司"),
        ]
    )
    assert got == want
    assert facts.columns[:3] == ["enterprise_id", "link_id", "chain_id"]
    assert facts.schema["tags"] == pl.List(pl.String)


def test_each_firms_figures_are_read_once(
    db: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # E1 is on three links: its figures (three lookups each) are read once, not three times
    _more_links(db, world)
    read: list[int] = []
    real = loaders.frame

    def counting(session: Any, query: Any, schema: dict[str, Any]) -> pl.DataFrame:
        out = real(session, query, schema)
        if "output" in schema:
            read.append(out.height)
        return out

    monkeypatch.setattr(loaders, "frame", counting)
    with session_scope(db) as s:
        facts = loaders.facts_frame(s, [world.ids["HM"], world.ids["OT"]], 2023)
    assert facts.height == 7
    assert read == [5]  # the five firms, once each

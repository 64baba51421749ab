"""The peer group "the plan's benchmarks (Beijing, Shanghai, Shenzhen, Hangzhou)" is named by
Changsha's plan (regions/data/peer_groups.yaml): it was also every other city's default group,
so 芜湖市's specialisation, peers and clusters pages compared it with Changsha's benchmarks
under the words "the plan's benchmarks". Another city now starts from cities of similar size
and is not offered a plan's group its plan never named."""

from __future__ import annotations

import polars as pl
import pytest

from gaodi.core.errors import ValidationError
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.regions import panel as P

WUHU, CHANGSHA = "340200", "430100"
# one measure, one year: 芜湖 100; 合肥 90 and 安庆 20 (|ln 0.9| < |ln 0.2|); 北京 1000
FRAME = pl.DataFrame(
    {
        "region": [WUHU, "340100", "340800", "110000"],
        "industry": ["367"] * 4,
        "year": [2024] * 4,
        "value": [100.0, 90.0, 20.0, 1000.0],
    }
)


def test_another_city_is_not_offered_the_demo_plans_benchmarks() -> None:
    keys = [g.key for g in P.group_options(WUHU)]
    assert "plan" not in keys and "plan_and_similar" not in keys
    assert keys == ["similar_size", "all", "custom"]
    assert [g.key for g in P.group_options(CHANGSHA)][:3] == [
        "plan",
        "similar_size",
        "plan_and_similar",
    ]
    # a fresh install with no home city: no plan's group either
    assert "plan" not in [g.key for g in P.group_options(None)]


def test_another_citys_default_group_is_cities_of_similar_size(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sqlite_db) as s:
        grp = P.resolve_group(s, SYSTEM, FRAME, WUHU, group=None, year=2024)
        assert grp.key == "similar_size"
        # nearest in total first: 合肥 (90), 安庆 (20), 北京 (1000)
        assert [r.code for r in grp.regions] == ["340100", "340800", "110000"]
        with pytest.raises(ValidationError):
            P.resolve_group(s, SYSTEM, FRAME, WUHU, group="plan", year=2024)

"""A ties reason names the local partners (an enterprise id means nothing to a reader): the
first three by name, the rest counted (audit D, bug 5). Pool: tests/data/chains/hydraulics_pool.yaml."""

from __future__ import annotations

import polars as pl

from gaodi.analytics.attraction import AttractionWeights, rank_candidates
from tests.analytics.test_attraction import LINK, LOCAL, POOL

TIES_ONLY = AttractionWeights(match=0, scale=0, growth=0, technology=0, ties=1)
NAMES = {f"E{i}": f"本地{i}号公司" for i in range(1, 10)}


def _top(pool: pl.DataFrame, names: dict[str, str] | None) -> dict:
    r = rank_candidates(pool, LINK, local_enterprise_ids=LOCAL, local_names=names,
                        home_city="长沙", weights=TIES_ONLY)  # fmt: skip
    return r.to_dicts()[0]


def test_ties_reason_names_the_partners_not_their_ids() -> None:
    top = _top(POOL, NAMES)
    assert top["id"] == "P1"
    assert top["reason_zh"].endswith("与本地链上企业2家有供需关系（本地4号公司、本地7号公司）")
    assert "(本地4号公司, 本地7号公司)" in top["reason_en"]
    assert "E4" not in top["reason_zh"] and "E4" not in top["reason_en"]


def test_more_than_three_partners_are_counted_after_three_names() -> None:
    pool = POOL.with_columns(
        pl.when(pl.col("id") == "P1")
        .then(pl.lit(["E1", "E2", "E3", "E4", "E5"]))
        .otherwise(pl.col("supplies_to"))
        .alias("supplies_to")
    )
    top = _top(pool, NAMES)
    assert top["reason_zh"].endswith(
        "与本地链上企业5家有供需关系（本地1号公司、本地2号公司、本地3号公司等5家）"
    )
    assert "(本地1号公司, 本地2号公司, 本地3号公司 and 2 more)" in top["reason_en"]


def test_a_partner_the_reader_may_not_see_is_counted_not_named() -> None:
    top = _top(POOL, {"E7": "本地7号公司"})
    assert top["reason_zh"].endswith("与本地链上企业2家有供需关系（本地7号公司等2家）")
    top = _top(POOL, {})
    assert top["reason_zh"].endswith("与本地链上企业2家有供需关系")
    assert "E4" not in top["reason_zh"]

"""Registry mapping on every engine gives exactly what the city's own rule gives.

The reference is :func:`gaodi.analytics.mapping.map_enterprises` run on the whole registry in
memory (the rule the city's database uses); the engines scan the file and score only the rows
their prefilter keeps. Any difference would be a match the prefilter lost.
"""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from gaodi.analytics.mapping import LinkRule, links_frame, map_enterprises
from gaodi.core.errors import ValidationError
from gaodi.engine.backends import BACKENDS, backend_of, scan
from gaodi.engine.registry import map_registry, region_link_counts

WORDS = ["锂电池", "正极", "材料", "销售", "挖掘机", "Lidar", "LIDAR", "芯片", "封装", "服务",
         "软件", "钢材", "贸易", "咨询", "正极材料", "电机", "C++开发", "axb", "a.b",
         "(硅)"]  # fmt: skip
CODES = ["3841", "3842", "3849", "3511", "3513", "3963", "3971", "5172", "6510", "3399"]

#: Every engine, Spark included (make test installs pyspark; Java 17 runs it).
ENGINES = list(BACKENDS)


def _links() -> pl.DataFrame:
    rules = [
        LinkRule(1, ("3841",), ("锂电池", "正极材料")),
        LinkRule(2, ("384",), ("电池",), ("销售",)),
        LinkRule(3, ("35",), ("挖掘机",)),
        LinkRule(4, (), ("lidar", "芯片")),
        LinkRule(5, ("3971",), ()),
        # regular-expression characters are literal: "a.b" must not match "axb"
        LinkRule(6, (), ("c++", "a.b", "(硅)")),
    ]
    frame = links_frame(rules)
    return frame.with_columns(
        pl.Series("chain_code", ["NE", "NE", "CM", "IC", "IC", "IC"]),
        pl.Series("link_code", ["NE1", "NE2", "CM1", "IC1", "IC2", "IC3"]),
    )


def _registry(n: int = 3000, seed: int = 7) -> pl.DataFrame:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        code = rng.choice([*CODES, None, "38"])  # a malformed code and a missing one
        text = "".join(rng.choice(WORDS) for _ in range(rng.randint(0, 4)))
        rows.append({
            "uscc": f"91430100MA4L{i:06d}",
            "name": f"示例企业{i}",
            "region_code": rng.choice(["430102", "430104", "310115", "440305"]),
            "industry_code": code,
            "scope_text": text or None,
            "founded": "2019-01-01",
        })  # fmt: skip
    return pl.DataFrame(rows)


def _reference(registry: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    ents = registry.rename({"uscc": "enterprise_id"}).with_columns(
        pl.when(pl.col("industry_code").str.contains(r"^\d{4}$")).then(pl.col("industry_code"))
    )
    return map_enterprises(
        links.select("link_id", "industry_codes", "keywords", "exclude_keywords"),
        ents,
        text_columns=["scope_text"],
    ).rename({"enterprise_id": "uscc"})


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_every_engine_maps_like_the_city_rule(tmp_path: Path, engine: str, suffix: str) -> None:
    registry, links = _registry(), _links()
    path = tmp_path / f"registry{suffix}"
    registry.write_parquet(path) if suffix == ".parquet" else registry.write_csv(path)
    backend = backend_of(engine)
    got = map_registry(scan(path, backend), links, backend)
    want = _reference(registry, links)
    assert want.height > 100  # the case is not trivially empty
    literal = want.filter(pl.col("link_id") == 6)
    assert literal.height > 10 and not literal["reason_zh"].str.contains("axb").any()
    cols = ["uscc", "link_id", "confidence", "code_level", "keyword_hits", "reason_zh"]
    assert_frame_equal(
        got.select(cols).sort("uscc", "link_id"), want.select(cols).sort("uscc", "link_id")
    )
    assert got["chain_code"].null_count() == 0 and got["region_code"].null_count() == 0


def test_counts_by_region_and_link() -> None:
    assignments = pl.DataFrame({
        "uscc": ["a", "a", "b", "c"],
        "region_code": ["430102", "430102", "430102", "310115"],
        "chain_code": ["NE", "NE", "NE", "NE"],
        "link_code": ["NE1", "NE2", "NE1", "NE1"],
    })  # fmt: skip
    counts = region_link_counts(assignments)
    assert counts.to_dicts() == [
        {"region_code": "310115", "chain_code": "NE", "link_code": "NE1", "enterprises": 1},
        {"region_code": "430102", "chain_code": "NE", "link_code": "NE1", "enterprises": 2},
        {"region_code": "430102", "chain_code": "NE", "link_code": "NE2", "enterprises": 1},
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_missing_column_is_named(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "r.parquet"
    _registry(10).drop("scope_text").write_parquet(path)
    backend = backend_of(engine)
    with pytest.raises(ValidationError, match="scope_text"):
        map_registry(scan(path, backend), _links(), backend)


@pytest.mark.parametrize("engine", ENGINES)
def test_an_unreadable_file_is_a_clear_error(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "r.parquet"
    path.write_bytes(b"not a parquet file")
    with pytest.raises(ValidationError, match=r"r\.parquet"):
        scan(path, backend_of(engine))


def test_unknown_engine() -> None:
    with pytest.raises(ValidationError, match="engine"):
        backend_of("hadoop")

"""Registry mapping on each engine against the in-memory rule over the whole registry.

Baseline, in the same run on the same file: ``gaodi.analytics.mapping.map_enterprises`` over
the whole registry read into memory with ``polars.read_parquet`` — what 0.1.0 could do (the
city's mapping of every firm). Measured: ``gaodi.engine.registry.map_registry`` on each engine
(scan, prefilter on the engine, score the candidates by the same rule), wall time and the
process's peak RSS growth; the results are checked equal to the baseline's.

Usage::

    .venv/bin/python benchmarks/engine.py [--rows 2000000] [--engines polars,duckdb,spark]

The registry is synthetic (generated USCC-like ids, scopes from a small vocabulary, fixed seed);
the links are the small demo city's (built in a temporary database).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
from rich.console import Console
from rich.table import Table

from gaodi.analytics.mapping import map_enterprises
from gaodi.chains.registry import chain_links_frame
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope
from gaodi.demo.build import build
from gaodi.engine.backends import backend_of, scan
from gaodi.engine.registry import map_registry

VOCAB = [
    "销售", "技术服务", "货物进出口", "软件开发", "机械设备", "挖掘机", "锂电池", "正极材料",
    "集成电路", "新材料", "汽车零部件", "食品", "服装", "建筑工程", "咨询", "仓储",
]  # fmt: skip


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_registry(path: Path, rows: int, codes: list[str]) -> None:
    rng = np.random.default_rng(2021)
    words = np.array(VOCAB)
    picks = rng.integers(0, len(VOCAB), size=(rows, 3))
    scope = [f"{a}；{b}；{c}" for a, b, c in words[picks].tolist()]
    pool = np.array([*codes, "5179", "5211", "7212", "4700", "6513"])
    pl.DataFrame({
        "uscc": [f"91{i:016d}" for i in range(rows)],
        "name": [f"示例企业{i}" for i in range(rows)],
        "region_code": rng.choice(["430102", "430104", "310115", "440305", "320505"], rows),
        "industry_code": rng.choice(pool, rows),
        "scope_text": scope,
        "founded": ["2020-01-01"] * rows,
    }).write_parquet(path)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--engines", default="polars,duckdb,spark")
    args = parser.parse_args()
    console = Console(width=120)
    folder = Path(tempfile.mkdtemp(prefix="gaodi-engine-"))
    db = make_engine(f"sqlite:///{folder / 'demo.sqlite'}")
    build(db, size="small", seed=2021)
    with session_scope(db) as s:
        links = chain_links_frame(s, SYSTEM)
    codes = sorted({c for cs in links["industry_codes"].to_list() for c in cs if len(c) == 4})
    path = folder / "registry.parquet"
    make_registry(path, args.rows, codes)
    rule_links = links.select("link_id", "industry_codes", "keywords", "exclude_keywords")

    results = []
    start_rss = _rss_mb()
    t0 = time.perf_counter()
    whole = pl.read_parquet(path).rename({"uscc": "enterprise_id"})
    want = map_enterprises(rule_links, whole, text_columns=["scope_text"])
    base = time.perf_counter() - t0
    results.append(
        ("in-memory rule over the whole registry (baseline)", base, _rss_mb() - start_rss)
    )
    del whole
    key = want.select(pl.col("enterprise_id").alias("uscc"), "link_id", "confidence").sort(
        "uscc", "link_id"
    )
    for name in args.engines.split(","):
        backend = backend_of(name)
        before = _rss_mb()
        t0 = time.perf_counter()
        got = map_registry(scan(path, backend), links, backend)
        wall = time.perf_counter() - t0
        same = got.select("uscc", "link_id", "confidence").sort("uscc", "link_id").equals(key)
        results.append((f"map_registry on {name}" + ("" if same else " (DIFFERS!)"), wall,
                        _rss_mb() - before))  # fmt: skip
    table = Table(title=f"Registry mapping, {args.rows:,} rows, {links.height} links, "
                  f"{want.height:,} assignments")  # fmt: skip
    for col in ("step", "wall s", "wall / baseline", "peak RSS growth MB"):
        table.add_column(col, justify="left" if col == "step" else "right")
    for step, wall, rss in results:
        table.add_row(step, f"{wall:.2f}", f"{wall / base:.2f}", f"{max(rss, 0):.0f}")
    console.print(table)
    console.print("Peak RSS only grows: a later row's growth is over the peak so far.")


if __name__ == "__main__":
    main()

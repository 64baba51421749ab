"""Registry mapping on each engine against the in-memory rule over the whole registry.

Baseline, in the same run on the same file: ``gaodi.analytics.mapping.map_enterprises`` over
the whole registry read into memory with ``polars.read_parquet`` — what 0.1.0 could do (the
city's mapping of every firm). Measured: ``gaodi.engine.registry.map_registry`` on each engine
(scan, prefilter on the engine, score the candidates by the same rule), wall time and the
process's peak RSS growth; the results are checked equal to the baseline's.

Usage::

    .venv/bin/python benchmarks/engine.py [--rows 2000000] [--engines polars,duckdb,spark]
    .venv/bin/python benchmarks/engine.py --rows 20000000 --match-share 0.05 --baseline read

The registry is synthetic (generated USCC-like ids, scopes from a small vocabulary, fixed seed);
the links are the small demo city's (built in a temporary database). By default every scope is
drawn from a vocabulary half made of link keywords (nearly every row is a candidate: the worst
case for the prefilter); ``--match-share S`` gives a registry closer to a real one, where a share
``S`` of the firms carry a link's industry code or keyword and the rest none.

``--baseline read`` (for registries too large for the in-memory rule) makes the baseline
reading the whole registry into memory (``polars.read_parquet``), the least the 0.1.0 path had
to do before matching anything; the engines' assignments are then checked equal to each other.

``--baseline groupby`` is issue [13]'s yardstick: a bare DuckDB group-by of the same file
(``select region_code, industry_code, count(*) … group by all``), one pass that touches every
row. With it every step runs in its own process, so each peak RSS is that step's alone, and the
engines' region × link counts and assignments are compared with each other::

    .venv/bin/python benchmarks/engine.py --rows 10000000 --match-share 0.05 --baseline groupby \
        --engines polars,duckdb
    .venv/bin/python benchmarks/engine.py --rows 100000 --match-share 0.05 --baseline groupby
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


def _hwm_mb() -> float:
    """This process's peak resident memory since its exec (``VmHWM``): ``ru_maxrss`` would carry
    the parent's peak over a fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return _rss_mb()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: Scopes and codes of firms no link takes (餐饮, 美发, 家政 …), checked against the links' rules
#: in :func:`no_link_takes` so the "no match" rows really match nothing.
OTHER_WORDS = ["餐饮", "美容美发", "家政", "洗衣", "婚庆", "花卉零售", "摄影", "棋牌"]
OTHER_CODES = ["6210", "6220", "8010", "8020", "8030", "8051", "8052", "9030"]


def no_link_takes(links: pl.DataFrame) -> tuple[list[str], list[str]]:
    """The OTHER words and codes that no link's rule contains (codes by prefix, words by
    substring either way)."""
    prefixes = {c for cs in links["industry_codes"].to_list() for c in cs}
    keywords = {k.lower() for ks in links["keywords"].to_list() for k in ks if k}
    codes = [c for c in OTHER_CODES if not any(c.startswith(p) for p in prefixes)]
    words = [w for w in OTHER_WORDS if not any(k in w or w in k for k in keywords)]
    return words, codes


def make_registry(
    path: Path,
    rows: int,
    codes: list[str],
    match_share: float | None,
    other: tuple[list[str], list[str]] = (OTHER_WORDS, OTHER_CODES),
) -> None:
    """Write the synthetic registry in chunks (tens of millions of rows fit no Python list)."""
    other_words, other_codes = other
    rng = np.random.default_rng(2021)
    chunk = 2_000_000
    writer = None
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            if match_share is None:
                words = np.array(VOCAB)
                picks = words[rng.integers(0, len(VOCAB), size=(n, 3))]
                industry = rng.choice(np.array([*codes, *OTHER_CODES]), n)
            else:
                hit = rng.random(n) < match_share
                words = np.where(
                    hit[:, None],
                    np.array(VOCAB)[rng.integers(0, len(VOCAB), size=(n, 3))],
                    np.array(other_words)[rng.integers(0, len(other_words), size=(n, 3))],
                )
                picks = words
                industry = np.where(hit, rng.choice(np.array(codes), n), rng.choice(other_codes, n))
            ids = pl.int_range(start, start + n, eager=True).cast(pl.String).str.zfill(16)
            frame = pl.DataFrame({
                "uscc": ("91" + ids),
                "name": ("示例企业" + ids),
                "region_code": rng.choice(["430102", "430104", "310115", "440305", "320505"], n),
                "industry_code": industry,
                "scope_text": pl.Series(picks[:, 0]) + "；" + pl.Series(picks[:, 1]) + "；"
                + pl.Series(picks[:, 2]),
                "founded": ["2020-01-01"] * n,
            })  # fmt: skip
            table = frame.to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(pa.Table.from_batches(table.to_batches(), schema=writer.schema))
    finally:
        if writer is not None:
            writer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--engines", default="polars,duckdb,spark")
    parser.add_argument("--match-share", type=float, default=None)
    parser.add_argument("--baseline", choices=("rule", "read", "groupby"), default="rule")
    parser.add_argument("--worker", nargs=3, metavar=("STEP", "REGISTRY", "LINKS"), default=None)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker)
    console = Console(width=170)
    folder = Path(tempfile.mkdtemp(prefix="gaodi-engine-"))
    db = make_engine(f"sqlite:///{folder / 'demo.sqlite'}")
    build(db, size="small", seed=2021)
    with session_scope(db) as s:
        links = chain_links_frame(s, SYSTEM)
    codes = sorted({c for cs in links["industry_codes"].to_list() for c in cs if len(c) == 4})
    path = folder / "registry.parquet"
    make_registry(path, args.rows, codes, args.match_share, no_link_takes(links))
    if args.baseline == "groupby":
        return isolated(args, links, path, folder, console)
    rule_links = links.select("link_id", "industry_codes", "keywords", "exclude_keywords")

    results = []
    start_rss = _rss_mb()
    t0 = time.perf_counter()
    whole = pl.read_parquet(path).rename({"uscc": "enterprise_id"})
    key = None
    if args.baseline == "rule":
        want = map_enterprises(rule_links, whole, text_columns=["scope_text"])
        key = want.select(pl.col("enterprise_id").alias("uscc"), "link_id", "confidence").sort(
            "uscc", "link_id"
        )
    base = time.perf_counter() - t0
    label = (
        "in-memory rule over the whole registry (baseline)"
        if args.baseline == "rule"
        else "read the whole registry into memory (baseline)"
    )
    results.append((label, base, _rss_mb() - start_rss))
    del whole
    for name in args.engines.split(","):
        backend = backend_of(name)
        before = _rss_mb()
        t0 = time.perf_counter()
        got = map_registry(scan(path, backend), links, backend)
        wall = time.perf_counter() - t0
        mine = got.select("uscc", "link_id", "confidence").sort("uscc", "link_id")
        if key is None:  # no rule baseline: the first engine is the reference of the others
            key = mine
        same = mine.equals(key)
        results.append((f"map_registry on {name}" + ("" if same else " (DIFFERS!)"), wall,
                        _rss_mb() - before))  # fmt: skip
    table = Table(title=f"Registry mapping, {args.rows:,} rows, {links.height} links, "
                  f"{key.height if key is not None else 0:,} assignments")  # fmt: skip
    for col in ("step", "wall s", "wall / baseline", "peak RSS growth MB"):
        table.add_column(col, justify="left" if col == "step" else "right")
    for step, wall, rss in results:
        table.add_row(step, f"{wall:.2f}", f"{wall / base:.2f}", f"{max(rss, 0):.0f}")
    console.print(table)
    console.print("Peak RSS only grows: a later row's growth is over the peak so far.")


def worker(step: str, registry: str, links_path: str) -> None:
    """One step in this process; prints wall seconds, peak RSS (MB) and a digest of the result."""
    import hashlib
    import json

    start_rss = _rss_mb()
    t0 = time.perf_counter()
    if step == "groupby":
        import duckdb

        rows = duckdb.sql(
            "select region_code, industry_code, count(*) from read_parquet(?) group by all",
            params=[registry],
        ).fetchall()
        digest, counts = f"{len(rows)} groups", ""
    else:
        from gaodi.engine.registry import region_link_counts

        links = pl.read_parquet(links_path)
        backend = backend_of(step)
        got = map_registry(scan(registry, backend), links, backend)
        key = got.select("uscc", "link_id", "confidence").sort("uscc", "link_id")
        digest = hashlib.sha256(key.write_csv().encode()).hexdigest()[:16]
        counts = hashlib.sha256(region_link_counts(got).write_csv().encode()).hexdigest()[:16]
        digest += f" ({key.height:,} assignments)"
    wall = time.perf_counter() - t0
    print(json.dumps({"wall": wall, "rss": _hwm_mb(), "start_rss": start_rss,
                      "digest": digest, "counts": counts}))  # fmt: skip


def isolated(
    args: argparse.Namespace, links: pl.DataFrame, path: Path, folder: Path, console: Console
) -> None:
    """The group-by baseline and each engine, each in a fresh process."""
    import json
    import subprocess
    import sys

    links_path = folder / "links.parquet"
    links.write_parquet(links_path)
    results = []
    for step in ["groupby", *args.engines.split(",")]:
        out = subprocess.run(
            [sys.executable, __file__, "--worker", step, str(path), str(links_path)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        results.append((step, json.loads(out.stdout.strip().splitlines()[-1])))
    base = results[0][1]["wall"]
    size = path.stat().st_size / 2**20
    table = Table(title=f"Registry mapping, {args.rows:,} rows ({size:,.0f} MB parquet), "
                  f"{links.height} links; each step in its own process")  # fmt: skip
    for col in ("step", "wall s", "wall / baseline", "peak RSS MB", "region x link counts",
                "assignments digest"):  # fmt: skip
        table.add_column(col, justify="left" if col in ("step", "assignments digest") else "right")
    for step, r in results:
        name = (
            "bare DuckDB group-by of the file (baseline)"
            if step == "groupby"
            else (f"map_registry on {step}")
        )
        table.add_row(name, f"{r['wall']:.2f}", f"{r['wall'] / base:.2f}", f"{r['rss']:,.0f}",
                      r["counts"] or "-", r["digest"])  # fmt: skip
    console.print(table)
    engines = {r["counts"] for step, r in results if step != "groupby"}
    console.print("identical on every engine" if len(engines) == 1 else "ENGINES DIFFER")


if __name__ == "__main__":
    main()

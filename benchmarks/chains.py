"""Mapping and diagnosing every chain of a demo city against a bare DuckDB group-by over the same
rows (ratio), and 招商 recommendation latency over the external pool.

Run:  .venv/bin/python benchmarks/chains.py --db sqlite:////tmp/demo-large.sqlite \
          [--pool-db sqlite:////tmp/demo-medium.sqlite] [--repeat 3]

Build the databases first (``GAODI_DATABASE_URL=... gaodi demo build --size large``: 300,000
enterprises and a 300,000 pool; ``--size medium``: 30,000 and the 100,000 pool). Measured, best
of ``--repeat`` runs, in one process:

* **map, rule**: :func:`gaodi.analytics.mapping.map_enterprises` (codes, keywords by
  Aho-Corasick, confidences, reasons) of every enterprise against every link, frames in memory;
  baseline: DuckDB joining the same enterprises to the same links on the 4-, 3- and 2-digit code
  prefixes and counting per link (code evidence only, no text, no confidence);
* **map, service**: :func:`gaodi.chains.remap.map_chains` with ``--dry-run`` (load from SQLite,
  the rule, the diff against the current rows of each chain); baseline: SQLite counting the same
  enterprises by industry code in the database;
* **diagnose, analytics**: :func:`gaodi.analytics.chains.diagnose_chain` for every chain on the
  facts frame in memory; baseline: DuckDB ``GROUP BY link`` over the same rows (count,
  above-scale count, sum and max of output, leaders, patents): the least any diagnosis must do;
* **diagnose, service**: :func:`gaodi.chains.service.diagnose_all` (restricted queries, frames,
  every chain's diagnosis with reasons and recommendations, typed results); baseline: the same
  group-by run by SQLite over the same join (current assignments x this and last year's rows);
* **recommend**: :func:`gaodi.analytics.attraction.rank_candidates` for one link over the pool
  in memory (latency per link, p50 and max over every link of a chain), and the service call
  :func:`gaodi.chains.service.recommend` for one link including loading the pool; baseline:
  DuckDB filtering the pool on the link's code prefixes and ordering by revenue (top 20).

Results and the command: docs/benchmarks/chains.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import duckdb
import polars as pl

from gaodi.analytics.attraction import rank_candidates
from gaodi.analytics.chains import diagnose_chain
from gaodi.analytics.mapping import LinkRule, map_enterprises
from gaodi.chains import loaders, remap, service
from gaodi.chains.params import load_chain_rules
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_factory


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def duck_map(con: duckdb.DuckDBPyConnection) -> Any:
    return con.execute(
        """
        WITH codes AS (
            SELECT link_id, unnest(industry_codes) AS code FROM links
        )
        SELECT c.link_id, count(DISTINCT e.enterprise_id) AS n
        FROM ents e JOIN codes c ON substr(e.industry_code, 1, length(c.code)) = c.code
        GROUP BY c.link_id
        """
    ).fetchall()


def duck_diagnose(con: duckdb.DuckDBPyConnection) -> Any:
    return con.execute(
        """
        SELECT chain_id, link_id, count(*) AS n, sum(CASE WHEN above_scale THEN 1 ELSE 0 END),
               sum(coalesce(output, 0)), max(coalesce(output, 0)),
               sum(CASE WHEN is_leader THEN 1 ELSE 0 END), sum(coalesce(invention_patents, 0)),
               sum(coalesce(output_prev, 0))
        FROM facts GROUP BY chain_id, link_id
        """
    ).fetchall()


def sqlite_diagnose(session: Any, year: int | None) -> Any:
    """The same group-by in the database, over the same join the service loads."""
    return (
        session.connection()
        .exec_driver_sql(
            """
        SELECT l.chain_id, el.link_id, count(*), sum(CASE WHEN coalesce(y.main_revenue,
               y.revenue) >= 2000 THEN 1 ELSE 0 END), sum(coalesce(y.output, 0)),
               max(coalesce(y.output, 0)), sum(coalesce(y.invention_patents, 0)),
               sum(coalesce(p.output, 0))
        FROM enterprise_link el JOIN link l ON l.id = el.link_id
        LEFT JOIN enterprise_year y ON y.enterprise_id = el.enterprise_id AND y.year = ?
        LEFT JOIN enterprise_year p ON p.enterprise_id = el.enterprise_id AND p.year = ?
        WHERE el.valid_to IS NULL AND NOT el.excluded
        GROUP BY l.chain_id, el.link_id
        """,
            (year or 0, (year or 0) - 1),
        )
        .fetchall()
    )


def sqlite_map(session: Any) -> Any:
    """Enterprises per 4-digit industry code in the database (the code side of the rule)."""
    return (
        session.connection()
        .exec_driver_sql("SELECT industry_code, count(*) FROM enterprise GROUP BY industry_code")
        .fetchall()
    )


def duck_pool(con: duckdb.DuckDBPyConnection, prefixes: list[str]) -> Any:
    cond = " OR ".join(f"industry_code LIKE '{p}%'" for p in prefixes) or "FALSE"
    return con.execute(
        f"SELECT id, name, revenue FROM pool WHERE {cond} ORDER BY revenue DESC LIMIT 20"
    ).fetchall()


def table(title: str, head: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    print(f"\n{title}")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLite URL of a built demo city")
    parser.add_argument("--pool-db", help="database whose pool is used (default: --db)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rules = load_chain_rules()
    engine = make_engine(args.db)
    session = session_factory(engine)()
    duckdb.execute("SET threads TO 2")
    con = duckdb.connect()

    # ---------------------------------------------------------------- mapping
    ents = remap.enterprises_frame(session)
    links = loaders.chain_links(
        session, SYSTEM, [c.id for c in session.scalars(loaders.chain_query(SYSTEM))]
    )
    link_df = loaders.links_frame(links)
    rule_df = link_df.select("link_id", "industry_codes", "keywords", "exclude_keywords")
    con.register("ents", ents.to_arrow())
    con.register("links", rule_df.to_arrow())
    t_rule, pairs = best(
        lambda: map_enterprises(
            rule_df, ents, weights=rules.mapping_weights, threshold=rules.mapping_threshold
        ),
        args.repeat,
    )
    t_duck_map, _ = best(lambda: duck_map(con), args.repeat)
    t_map_service, report = best(
        lambda: remap.map_chains(session, SYSTEM, dry_run=True, rules=rules), args.repeat
    )
    print(
        f"{ents.height:,} enterprises, {len(links)} links, {pairs.height:,} pairs kept by the rule;"
        f" dry run: +{report.added:,} -{report.removed:,} ~{report.changed:,}"
    )

    # ---------------------------------------------------------------- diagnosis
    year = loaders.latest_year(session)
    chain_ids = sorted({lk.chain_id for lk in links})
    facts = loaders.facts_frame(session, chain_ids, year)
    con.register("facts", facts.to_arrow())
    parts = {k[0]: v for k, v in facts.partition_by("chain_id", as_dict=True).items()}
    by_chain = {cid: link_df.filter(pl.col("chain_id") == cid) for cid in chain_ids}
    params = rules.diagnosis_params()

    def analytics() -> list[Any]:
        return [
            diagnose_chain(by_chain[cid], parts.get(cid, facts.clear()).drop("chain_id"), params)
            for cid in chain_ids
        ]

    t_diag, diags = best(analytics, args.repeat)
    t_duck_diag, _ = best(lambda: duck_diagnose(con), args.repeat)
    t_diag_service, results = best(lambda: service.diagnose_all(session, SYSTEM), args.repeat)
    t_sql_diag, _ = best(lambda: sqlite_diagnose(session, year), args.repeat)
    t_sql_map, _ = best(lambda: sqlite_map(session), args.repeat)
    print(
        f"{facts.height:,} enterprise-link rows in {len(chain_ids)} chains; "
        f"{sum(len(d.links) for d in diags)} links diagnosed, "
        f"{sum(len(r.recommendations) for r in results)} recommendations"
    )

    def row(step: str, t: float, duck: float, sql: float | None) -> tuple[str, ...]:
        tail = ("—", "—") if sql is None else (f"{sql:.3f}", f"{t / sql:.1f}x")
        return (step, f"{t:.2f}", f"{duck:.3f}", f"{t / duck:.1f}x", *tail)

    table(
        "Mapping and diagnosis (best of runs, seconds)",
        ("step", "Gaodi", "DuckDB", "ratio", "SQLite in DB", "ratio"),
        [
            row("map: rule over every link, in memory", t_rule, t_duck_map, None),
            row("map: service, dry run (load+rule+diff)", t_map_service, t_duck_map, t_sql_map),
            row("diagnose: analytics, all chains, in memory", t_diag, t_duck_diag, None),
            row("diagnose: service, all chains", t_diag_service, t_duck_diag, t_sql_diag),
        ],
    )

    # ---------------------------------------------------------------- recommendation
    pool_engine = make_engine(args.pool_db) if args.pool_db else engine
    pool_session = session_factory(pool_engine)()
    t_pool_load, pool = best(lambda: service.load_pool(pool_session, SYSTEM), 1)
    con.register("pool", pool.select("id", "name", "industry_code", "revenue").to_arrow())
    pool_links = loaders.chain_links(
        pool_session, SYSTEM, [c.id for c in pool_session.scalars(loaders.chain_query(SYSTEM))]
    )
    cm = [lk for lk in pool_links if lk.chain_id == pool_links[0].chain_id]
    local = [str(i) for i in range(1, 200)]
    latencies, duck_lat = [], []
    for lk in cm:
        rule = LinkRule(lk.id, tuple(lk.industry_codes), tuple(lk.keywords))
        start = time.perf_counter()
        rank_candidates(
            pool, rule, local_enterprise_ids=local, home_city="长沙市",
            weights=rules.attraction_weights, top_n=20,
        )  # fmt: skip
        latencies.append(time.perf_counter() - start)
        start = time.perf_counter()
        duck_pool(con, list(lk.industry_codes))
        duck_lat.append(time.perf_counter() - start)
    one = cm[0]

    def recommend_one() -> Any:
        return service.recommend(pool_session, SYSTEM, one.chain_id, link=one.code, top=20)

    service._POOL_CACHE.clear()  # cold: the pool is read from the database
    t_service_cold, _ = best(recommend_one, 1)
    t_service_rec, _ = best(recommend_one, args.repeat)  # warm: the pool frame is cached
    p50, p50d = statistics.median(latencies), statistics.median(duck_lat)
    print(f"\npool: {pool.height:,} enterprises (loaded in {t_pool_load:.2f} s); {len(cm)} links")
    table(
        "招商 recommendation latency (seconds)",
        ("step", "Gaodi", "DuckDB", "ratio"),
        [
            ("rank one link, p50", f"{p50:.3f}", f"{p50d:.4f}", f"{p50 / p50d:.0f}x"),
            ("rank one link, max", f"{max(latencies):.3f}", f"{max(duck_lat):.4f}", ""),
            ("service: one link, pool read from the DB", f"{t_service_cold:.2f}", "", ""),
            ("service: one link, pool cached", f"{t_service_rec:.2f}", "", ""),
        ],
    )


if __name__ == "__main__":
    main()

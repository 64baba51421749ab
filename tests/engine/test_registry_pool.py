"""招商 from a registry file (issue [13]): ``gaodi chains recommend --pool-registry`` ranks the
firms of a registry file exactly as the database's external pool ranks the same firms, keeps on
the engine only the rows that could match the chain (or, with ``--pool-assignments``, the firms
``map-registry`` put on it), and says where each candidate came from (its USCC, no pool id)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.chains import loaders, service
from gaodi.chains.registry import registry_pool
from gaodi.cli import app
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope

CHAIN = "CM"  # the demo's 工程机械 chain


def _db_pool(demo_db: Engine) -> pl.DataFrame:
    """The database's pool without what a registry cannot hold (tags, local partners)."""
    with session_scope(demo_db) as s:
        pool = loaders.pool_frame(s, SYSTEM)
    return pool.with_columns(
        pl.lit([], dtype=pl.List(pl.String)).alias("tags"),
        pl.lit([], dtype=pl.List(pl.String)).alias("supplies_to"),
    )


def _registry(pool: pl.DataFrame, path: Path) -> Path:
    pool.select(
        "uscc", "name", "region_code", "industry_code", "scope_text",
        "revenue", "revenue_growth", "invention_patents",
    ).write_parquet(path)  # fmt: skip
    return path


def _ranked(result: service.RecommendResult) -> list[tuple[str, list[tuple[str | None, float]]]]:
    return [
        (lk.link_code, [(c.uscc, round(c.score, 9)) for c in lk.candidates]) for lk in result.links
    ]


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_a_registry_ranks_as_the_database_pool(
    demo_db: Engine, tmp_path: Path, engine: str
) -> None:
    pool = _db_pool(demo_db)
    path = _registry(pool, tmp_path / "registry.parquet")
    with session_scope(demo_db) as s:
        chain = loaders.resolve_chain(s, SYSTEM, CHAIN).code
        want = service.recommend(s, SYSTEM, chain, top=5, pool=pool)
        kept = registry_pool(s, SYSTEM, chain, path, engine=engine)
        got = service.recommend(s, SYSTEM, chain, top=5, pool=kept)
    assert sum(len(lk.candidates) for lk in want.links) > 5
    assert _ranked(got) == _ranked(want)
    # the engine kept a fraction of the registry: the rows that could match the chain
    assert 0 < kept.height < pool.height
    every = [c for lk in got.links for c in lk.candidates]
    assert all(c.id is None and c.uscc for c in every)


def test_the_cli_takes_the_pool_from_a_mapping(demo_db: Engine, tmp_path: Path) -> None:
    pool = _db_pool(demo_db)
    path = _registry(pool, tmp_path / "registry.parquet")
    out = tmp_path / "mapped"
    runner = CliRunner()
    mapped = runner.invoke(app, ["chains", "map-registry", str(path), "--out", str(out)])
    assert mapped.exit_code == 0, mapped.output
    assignments = pl.read_parquet(out / "assignments.parquet")
    with session_scope(demo_db) as s:
        chain = loaders.resolve_chain(s, SYSTEM, CHAIN).code
        kept = registry_pool(s, SYSTEM, chain, path, assignments=out / "assignments.parquet")
    on_chain = set(assignments.filter(pl.col("chain_code") == chain)["uscc"])
    assert on_chain and set(kept["uscc"]) == on_chain
    xlsx = tmp_path / "candidates.xlsx"
    result = runner.invoke(
        app,
        ["chains", "recommend", chain, "--pool-registry", str(path),
         "--pool-assignments", str(out / "assignments.parquet"), "-f", "xlsx", "-o", str(xlsx)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx)["候选 candidates"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    usccs = [
        row[header.index("统一社会信用代码\nUSCC")]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert usccs and set(usccs) <= on_chain


def test_assignments_without_a_registry_are_refused(demo_db: Engine, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["chains", "recommend", CHAIN, "--pool-assignments", str(tmp_path / "a.parquet")]
    )
    assert result.exit_code == 2 and "needs --pool-registry" in result.output

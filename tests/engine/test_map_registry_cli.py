"""``gaodi chains map-registry`` on the demo city: a registry made of the city's own firms maps
exactly as the city's own rule (``gaodi chains map``) maps them, on every engine."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.analytics.mapping import map_enterprises
from gaodi.chains.params import load_chain_rules
from gaodi.chains.registry import chain_links_frame
from gaodi.chains.remap import enterprises_frame
from gaodi.cli import app
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.engine.backends import BACKENDS
from gaodi.models import Enterprise

#: Every engine, Spark included (make test installs pyspark; Java 17 runs it).
ENGINES = list(BACKENDS)


@pytest.mark.parametrize("engine", ENGINES)
def test_map_registry_matches_the_city_rule(demo_db: Engine, tmp_path: Path, engine: str) -> None:
    with session_scope(demo_db) as s:
        rows = s.query(
            Enterprise.id, Enterprise.uscc, Enterprise.name, Enterprise.region_code,
            Enterprise.industry_code, Enterprise.scope_text, Enterprise.products,
        ).all()  # fmt: skip
        links = chain_links_frame(s, SYSTEM)
        ents = enterprises_frame(s)
    registry = pl.DataFrame(
        {
            "uscc": [r.uscc for r in rows],
            "name": [r.name for r in rows],
            "region_code": [r.region_code for r in rows],
            "industry_code": [r.industry_code for r in rows],
            # the city's rule reads scope and products joined by a space: so does this registry
            "scope_text": [f"{r.scope_text or ''} {r.products or ''}" for r in rows],
            "founded": ["2020-01-01"] * len(rows),
        }
    )
    path = tmp_path / "registry.parquet"
    registry.write_parquet(path)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["chains", "map-registry", str(path), "--out", str(out), "--engine", engine]
    )
    assert result.exit_code == 0, result.output
    got = pl.read_parquet(out / "assignments.parquet")
    rules = load_chain_rules()
    want = map_enterprises(
        links.select("link_id", "industry_codes", "keywords", "exclude_keywords"),
        ents,
        weights=rules.mapping_weights,
        threshold=rules.mapping_threshold,
    )
    uscc_of = dict(zip([r.id for r in rows], [r.uscc for r in rows], strict=True))
    code_of = dict(zip(links["link_id"], links["link_code"], strict=True))
    expected = sorted(
        (uscc_of[e], code_of[lk], round(c, 9))
        for e, lk, c in want.select("enterprise_id", "link_id", "confidence").iter_rows()
    )
    actual = sorted(
        (u, lk, round(c, 9))
        for u, lk, c in got.select("uscc", "link_code", "confidence").iter_rows()
    )
    assert len(expected) > 100 and actual == expected
    assert got["rule"].null_count() == 0
    counts = pl.read_csv(
        out / "region_link_counts.csv", schema_overrides={"region_code": pl.String}
    )
    assert counts.columns == ["region_code", "chain_code", "link_code", "enterprises"]
    assert counts["enterprises"].sum() == got.select("uscc", "link_code").unique().height


def test_a_registry_without_a_scope_column_is_named(demo_db: Engine, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("uscc,name,region_code,industry_code\nx,y,430102,3841\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["chains", "map-registry", str(path), "--out", str(tmp_path)])
    assert result.exit_code != 0 and "scope_text" in result.output


def test_results_already_in_out_are_kept_unless_forced(demo_db: Engine, tmp_path: Path) -> None:
    """A second ``map-registry`` into the same --out wrote over the first run's two files; it
    is now refused, naming them, before the registry is read, and ``--force`` overwrites."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "assignments.parquet").write_bytes(b"an earlier run")
    path = tmp_path / "r.csv"
    path.write_text(
        "uscc,name,region_code,industry_code,scope_text\n"
        "91430100MA4L0000XX,示例甲,430102,3514,挖掘机\n",
        encoding="utf-8",
    )
    args = ["chains", "map-registry", str(path), "--out", str(out)]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code != 0 and "assignments.parquet" in result.output
    assert "Add --force" in result.output
    assert (out / "assignments.parquet").read_bytes() == b"an earlier run"
    assert not (out / "region_link_counts.csv").exists()
    forced = CliRunner().invoke(app, [*args, "--force"], env={"COLUMNS": "300"})
    assert forced.exit_code == 0, forced.output
    assert pl.read_parquet(out / "assignments.parquet").columns[0] == "uscc"

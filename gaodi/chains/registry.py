"""Map an external enterprise registry (a province's, the nation's) onto the city's chains.

The use case behind ``gaodi chains map-registry``: the city's link rules (in the principal's
scope) are applied to every registry row on the chosen engine (:mod:`gaodi.engine.registry`), by
the same rule and weights as the city's own mapping, and two files are written:

* ``assignments.parquet``: ``uscc, chain_code, link_code, confidence, rule`` (the rule's reason
  in words), one row per firm and link it matches;
* ``region_link_counts.csv``: ``region_code, chain_code, link_code, enterprises``.

The 招商 ranking (``gaodi chains recommend --pool-registry``) can take its candidate pool from
the registry itself, kept on the engine to the firms that could match the chain's links — or,
with ``--pool-assignments``, to the firms the first file assigns to the chain — so that only
that fraction of a national registry is brought into memory (:func:`registry_pool`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import narwhals as nw
import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.chains import loaders
from gaodi.chains.models import Chain
from gaodi.chains.params import load_chain_rules
from gaodi.core.errors import ValidationError
from gaodi.core.permissions import Principal, restrict
from gaodi.core.text_safety import csv_frame
from gaodi.engine.backends import backend_of, collect, require_columns, scan
from gaodi.engine.registry import REGISTRY_COLUMNS, could_match, map_registry, region_link_counts


@dataclass
class RegistryMapResult:
    engine: str
    links: int
    assignments: int
    enterprises: int
    regions: int
    files: list[str]


def chain_links_frame(
    session: Session, principal: Principal, chain: str | None = None
) -> pl.DataFrame:
    """The rules of the chains ``principal`` may read (or of one chain), with their codes."""
    if chain is not None:
        chains = [loaders.resolve_chain(session, principal, chain)]
    else:
        chains = list(session.scalars(restrict(select(Chain), principal).order_by(Chain.id)))
    links = loaders.chain_links(session, principal, [c.id for c in chains])
    if not links:
        raise ValidationError("没有可映射的环节。", "There are no links to map onto.")
    code_of = {c.id: c.code for c in chains}
    frame = loaders.links_frame(links)
    return frame.select(
        "link_id",
        "industry_codes",
        "keywords",
        "exclude_keywords",
        pl.col("chain_id").replace_strict(code_of, return_dtype=pl.String).alias("chain_code"),
        pl.col("code").alias("link_code"),
    )


#: The two result files map_registry_file writes into its directory.
RESULT_FILES = ("assignments.parquet", "region_link_counts.csv")


def map_registry_file(
    session: Session,
    principal: Principal,
    registry: Path,
    out: Path,
    *,
    engine: str | None = None,
    chain: str | None = None,
) -> RegistryMapResult:
    links = chain_links_frame(session, principal, chain)
    rules = load_chain_rules()
    backend = backend_of(engine)
    mapped = map_registry(
        scan(registry, backend),
        links,
        backend,
        weights=rules.mapping_weights,
        threshold=rules.mapping_threshold,
    )
    out.mkdir(parents=True, exist_ok=True)
    assignments = mapped.select(
        "uscc", "chain_code", "link_code", "confidence", pl.col("reason_zh").alias("rule")
    ).sort("uscc", "chain_code", "link_code")
    assignments.write_parquet(out / "assignments.parquet")
    counts = region_link_counts(mapped)
    csv_frame(counts).write_csv(out / "region_link_counts.csv")
    return RegistryMapResult(
        engine=backend.name,
        links=links.height,
        assignments=assignments.height,
        enterprises=assignments["uscc"].n_unique(),
        regions=counts["region_code"].n_unique(),
        files=[str(out / "assignments.parquet"), str(out / "region_link_counts.csv")],
    )


#: Columns of a registry the ranking reads when present (scale, growth, patents, tags).
POOL_EXTRA = {
    "revenue": pl.Float64,
    "revenue_growth": pl.Float64,
    "invention_patents": pl.Int64,
}


def registry_pool(
    session: Session,
    principal: Principal,
    chain: str,
    registry: Path,
    *,
    assignments: Path | None = None,
    engine: str | None = None,
) -> pl.DataFrame:
    """The 招商 candidate pool from a registry file, in the columns of the city's own pool
    (:func:`gaodi.chains.loaders.pool_frame`).

    The engine keeps the rows that could match one of ``chain``'s links (the mapping's
    pre-filter) or, given the ``assignments.parquet`` of ``gaodi chains map-registry``, the firms
    it assigned to the chain; only those are collected. Scale columns the registry lacks
    (``revenue``, ``revenue_growth``, ``invention_patents``) are empty, and the ranking says so.
    """
    found = loaders.resolve_chain(session, principal, chain)
    links = chain_links_frame(session, principal, found.code)
    backend = backend_of(engine)
    rows = scan(registry, backend)
    require_columns(rows, REGISTRY_COLUMNS, "企业名录 registry")
    if assignments is not None:
        assigned = scan(assignments, backend)
        require_columns(
            assigned, {"uscc": "统一社会信用代码 USCC", "chain_code": "产业链代码 chain code"},
            "映射结果 assignments",
        )  # fmt: skip
        mine = (
            assigned.filter(nw.col("chain_code").cast(nw.String) == found.code)
            .select(nw.col("uscc").cast(nw.String))
            .unique()
        )
        rows = rows.with_columns(nw.col("uscc").cast(nw.String)).join(mine, on="uscc", how="semi")
    else:
        test = could_match(links)
        rows = rows.filter(test if test is not None else nw.lit(False))
    have = set(rows.collect_schema().names())
    picked = [
        nw.col(c).cast(nw.String)
        for c in ("uscc", "name", "region_code", "industry_code", "scope_text")
    ]
    picked += [nw.col(c) for c in POOL_EXTRA if c in have]
    raw = collect(rows.select(picked)).unique("uscc", keep="first", maintain_order=True)
    raw = raw.with_columns(
        pl.lit(None, dtype=dtype).alias(c) for c, dtype in POOL_EXTRA.items() if c not in have
    ).with_columns(pl.col(c).cast(dtype, strict=False) for c, dtype in POOL_EXTRA.items())
    return raw.with_columns(
        pl.concat_str(pl.lit("R"), pl.col("uscc")).alias("id"),
        pl.when(pl.col("industry_code").str.contains(r"^\d{4}$")).then(pl.col("industry_code")),
        pl.lit([], dtype=pl.List(pl.String)).alias("tags"),
        pl.lit([], dtype=pl.List(pl.String)).alias("supplies_to"),
    )

"""Map an external enterprise registry (a province's, the nation's) onto the city's chains.

The use case behind ``gaodi chains map-registry``: the city's link rules (in the principal's
scope) are applied to every registry row on the chosen engine (:mod:`gaodi.engine.registry`), by
the same rule and weights as the city's own mapping, and two files are written:

* ``assignments.parquet``: ``uscc, chain_code, link_code, confidence, rule`` (the rule's reason
  in words), one row per firm and link it matches;
* ``region_link_counts.csv``: ``region_code, chain_code, link_code, enterprises``.

The 招商 ranking can take its candidate pool from the first file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.chains import loaders
from gaodi.chains.models import Chain
from gaodi.chains.params import load_chain_rules
from gaodi.core.errors import ValidationError
from gaodi.core.permissions import Principal, restrict
from gaodi.core.text_safety import csv_frame
from gaodi.engine.backends import backend_of, scan
from gaodi.engine.registry import map_registry, region_link_counts


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

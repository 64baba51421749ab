"""(Re)assign enterprises to chain links by rule: ``gaodi chains map [CHAIN]``.

One pass of :func:`gaodi.analytics.mapping.map_enterprises` over every enterprise and every
link of the chosen chains, then, chain by chain, the difference with the current rule rows
(:func:`gaodi.analytics.mapping.diff_assignments`) is written:

* **added** pair: a new rule row (``valid_from`` now);
* **removed** pair: its rule row is closed (``valid_to`` now), never deleted;
* **changed** confidence: the old row is closed and a new one opened (history kept);
* a pair with a **current manual row** (assigned or excluded by hand) is never touched.

Rows are written with bulk statements (a re-mapping may touch hundreds of thousands of rows);
each chain's counts go to the audit log as one ``remap`` event (:func:`gaodi.audit.service.record`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from gaodi.analytics.mapping import diff_assignments, map_enterprises
from gaodi.audit import service as audit
from gaodi.chains import loaders
from gaodi.chains.models import Chain, EnterpriseLink
from gaodi.chains.params import ChainRules, load_chain_rules
from gaodi.chains.schemas import ChainMapCounts, MapReport
from gaodi.core import clock
from gaodi.core.errors import ValidationError
from gaodi.core.permissions import Principal, restrict
from gaodi.enterprises import loaders as enterprise_loaders

#: progress(stage, done, total): stages "load", "rule", "write" (one step per chain).
Progress = Callable[[str, int, int], None]
CHUNK = 5000


def _noop(_stage: str, _done: int, _total: int) -> None:
    return None


def enterprises_frame(session: Session) -> pl.DataFrame:
    """Every enterprise's id, 4-digit code (others count as no code) and texts."""
    df = enterprise_loaders.texts_frame(session)
    return df.with_columns(
        pl.when(pl.col("industry_code").str.contains(r"^\d{4}$")).then(pl.col("industry_code"))
    )


def current_rows(session: Session, link_ids: Sequence[int]) -> pl.DataFrame:
    """The current assignment rows of the links."""
    parts = []
    ids = sorted(link_ids)
    for i in range(0, len(ids), CHUNK):
        query = select(
            EnterpriseLink.id,
            EnterpriseLink.enterprise_id,
            EnterpriseLink.link_id,
            EnterpriseLink.source,
            EnterpriseLink.confidence,
            EnterpriseLink.excluded,
        ).where(EnterpriseLink.valid_to.is_(None), EnterpriseLink.link_id.in_(ids[i : i + CHUNK]))
        parts.append(
            loaders.frame(
                session,
                query,
                {
                    "row_id": pl.Int64,
                    "enterprise_id": pl.Int64,
                    "link_id": pl.Int64,
                    "source": pl.String,
                    "confidence": pl.Float64,
                    "excluded": pl.Boolean,
                },
            )
        )
    if not parts:
        return pl.DataFrame(
            schema={
                "row_id": pl.Int64,
                "enterprise_id": pl.Int64,
                "link_id": pl.Int64,
                "source": pl.String,
                "confidence": pl.Float64,
                "excluded": pl.Boolean,
            }
        )
    return pl.concat(parts)


def _close(session: Session, row_ids: list[int], now: dt.datetime) -> None:
    table = EnterpriseLink.__table__
    for i in range(0, len(row_ids), CHUNK):
        session.execute(
            update(table).where(table.c.id.in_(row_ids[i : i + CHUNK])).values(valid_to=now)
        )


def _open(session: Session, rows: pl.DataFrame, now: dt.datetime, actor: str) -> None:
    if rows.height == 0:
        return
    records = rows.select(
        "enterprise_id",
        "link_id",
        pl.lit("rule").alias("source"),
        "confidence",
        pl.lit(False).alias("excluded"),
        pl.col("reason_zh").alias("reason"),
    ).to_dicts()
    for r in records:
        r.update(valid_from=now, valid_to=None, created_by=actor)
    table = EnterpriseLink.__table__
    for i in range(0, len(records), CHUNK):
        session.execute(insert(table), records[i : i + CHUNK])


def map_chains(
    session: Session,
    principal: Principal,
    chain: int | str | None = None,
    *,
    dry_run: bool = False,
    rules: ChainRules | None = None,
    progress: Progress = _noop,
    now: dt.datetime | None = None,
) -> MapReport:
    """Re-map one chain (id, code or name) or every chain the principal may edit."""
    rules = rules or load_chain_rules()
    now = now or clock.now()
    actor = principal.username
    if chain is not None:
        chains = [loaders.resolve_chain(session, principal, chain, "edit")]
    else:
        query = restrict(select(Chain), principal, "edit").order_by(Chain.id)
        chains = list(session.scalars(query))
    progress("load", 0, 1)
    links = loaders.chain_links(session, principal, [c.id for c in chains]) if chains else []
    if chains and not links:
        raise ValidationError(
            "所选产业链还没有环节，无法映射。", "The chosen chain(s) have no links to map to."
        )
    ents = enterprises_frame(session)
    current = current_rows(session, [lk.id for lk in links])
    progress("load", 1, 1)
    progress("rule", 0, 1)
    link_df = loaders.links_frame(links)
    if links and ents.height:
        rule = map_enterprises(
            link_df.select("link_id", "industry_codes", "keywords", "exclude_keywords"),
            ents,
            weights=rules.mapping_weights,
            threshold=rules.mapping_threshold,
        )
    else:
        rule = pl.DataFrame(
            schema={
                "enterprise_id": pl.Int64,
                "link_id": pl.Int64,
                "confidence": pl.Float64,
                "reason_zh": pl.String,
            }
        )
    progress("rule", 1, 1)
    chain_of = dict(zip(link_df["link_id"], link_df["chain_id"], strict=True))
    key = ["enterprise_id", "link_id"]
    manual = current.filter(pl.col("source") == "manual")
    locked = manual.select(key).unique()
    old_all = current.filter(pl.col("source") == "rule").join(locked, on=key, how="anti")
    new_all = rule.join(locked, on=key, how="anti").with_columns(
        pl.col("link_id").replace_strict(chain_of, return_dtype=pl.Int64).alias("chain_id")
    )
    old_all = old_all.with_columns(
        pl.col("link_id").replace_strict(chain_of, return_dtype=pl.Int64).alias("chain_id")
    )
    locked_chain = manual.unique(key).with_columns(
        pl.col("link_id").replace_strict(chain_of, return_dtype=pl.Int64).alias("chain_id")
    )
    counts: list[ChainMapCounts] = []
    for done, c in enumerate(chains):
        old = old_all.filter(pl.col("chain_id") == c.id)
        new = new_all.filter(pl.col("chain_id") == c.id)
        diff = diff_assignments(old.select(*key, "confidence"), new.select(*key, "confidence"))
        ch = diff.changes
        kept = locked_chain.filter(pl.col("chain_id") == c.id)
        manual_kept = kept.height
        if not dry_run:
            stale = ch.filter(pl.col("change").is_in(["removed", "changed"])).select(key)
            close_ids = old.join(stale, on=key)["row_id"].to_list()
            fresh = ch.filter(pl.col("change").is_in(["added", "changed"])).select(key)
            _close(session, close_ids, now)
            _open(session, new.join(fresh, on=key), now, actor)
            audit.record(
                session,
                "chain",
                "remap",
                entity_id=str(c.id),
                after={**diff.counts, "unchanged": diff.unchanged, "manual_kept": manual_kept},
                note=f"gaodi chains map {c.code} ({rules.label})",
            )
        n_current = new.height + kept.filter(~pl.col("excluded")).height
        counts.append(
            ChainMapCounts(
                chain_id=c.id,
                code=c.code,
                name=c.name,
                links=sum(1 for lk in links if lk.chain_id == c.id),
                added=diff.counts["added"],
                removed=diff.counts["removed"],
                changed=diff.counts["changed"],
                unchanged=diff.unchanged,
                manual_kept=manual_kept,
                current=n_current,
            )
        )
        progress("write", done + 1, len(chains))
    if not dry_run:
        session.flush()
    return _report(rules, dry_run, now, ents.height, counts)


def _report(
    rules: ChainRules, dry_run: bool, now: dt.datetime, n: int, counts: list[ChainMapCounts]
) -> MapReport:
    def total(name: str) -> int:
        return sum(getattr(c, name) for c in counts)

    return MapReport(
        rules=rules.label,
        dry_run=dry_run,
        at=now.replace(microsecond=0).isoformat(),
        enterprises=n,
        chains=counts,
        added=total("added"),
        removed=total("removed"),
        changed=total("changed"),
        unchanged=total("unchanged"),
        manual_kept=total("manual_kept"),
    )


def link_counts(session: Session, link_ids: Sequence[int]) -> dict[int, Any]:
    """Current (not excluded) assignments per link: for reports after a run."""
    current = current_rows(session, link_ids).filter(~pl.col("excluded"))
    return dict(current.group_by("link_id").len().iter_rows())

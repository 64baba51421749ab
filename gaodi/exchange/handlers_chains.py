"""Import handlers of chains, their links and enterprise-to-link assignments."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select, update

from gaodi.chains.assignments import (
    AssignmentRow,
    forbidden_chain,
    prepare_assignments,
    write_assignments,
)
from gaodi.chains.models import Chain, Link
from gaodi.core.permissions import can
from gaodi.exchange.handlers import Handler
from gaodi.exchange.importer import Changes, Context, Counts, classify, db_value, row_values
from gaodi.exchange.validate import Table, duplicate_rows

CHAIN_FIELDS = {
    k: k
    for k in (
        "code",
        "name",
        "kind",
        "office",
        "chief",
        "name_status",
        "source",
        "description",
        "is_demo",
    )
}
LINK_FIELDS = {
    k: k
    for k in (
        "code",
        "name",
        "segment",
        "industry_codes",
        "keywords",
        "exclude_keywords",
        "key_link",
        "sort_order",
        "description",
    )
}


def _forbidden_chain(ctx: Context, table: Table, i: int, key: str, code: str) -> None:
    """A chain the scoped importer may not change, or one that does not exist: the same words,
    so a refusal never confirms that a chain outside the scope exists."""
    error = forbidden_chain(code)
    ctx.fail(table, i, key, error.zh, error.en)


class ChainsHandler(Handler):
    """Chains and links together: links may name chains and parents new in the same file."""

    def chain_allowed(self, chain_id: int | None) -> bool:
        """May the importer change the chain ``chain_id`` (None: a chain new in the file)?"""
        return can(self.ctx.principal, "edit", Chain(id=chain_id))

    def check(self) -> None:
        ctx = self.ctx
        rows = ctx.session.execute(select(Chain.id, *(getattr(Chain, c) for c in CHAIN_FIELDS)))
        self.db_chains = {r.code: r._asdict() for r in rows.all()}
        self.file_chains: set[str] = set()
        if "chains" in self.tables:
            self.file_chains = {c for c in self.tables["chains"].col("code") if c is not None}
            self._check_chains(self.tables["chains"])
        if "links" in self.tables:
            self._check_links(self.tables["links"])

    def _check_chains(self, t: Table) -> None:
        ctx = self.ctx
        changes = self.changes["chains"] = Changes(Chain)
        duplicate_rows(t, ["code"], ctx.errors)
        duplicate_rows(t, ["name"], ctx.errors)
        name_owner = {r["name"]: code for code, r in self.db_chains.items()}
        for i in self.good_rows(t):
            code, name = t.columns["code"][i], t.columns["name"][i]
            existing = self.db_chains.get(code)
            if ctx.principal.is_scoped and not self.chain_allowed(
                existing["id"] if existing else None
            ):
                _forbidden_chain(ctx, t, i, "code", code)  # before naming another chain's code
                continue
            owner = name_owner.get(name)
            if owner is not None and owner != code:
                ctx.fail(
                    t,
                    i,
                    "name",
                    f"产业链名称“{name}”已被代码为“{owner}”的产业链使用。",
                    f"Chain name '{name}' is already used by chain '{owner}'.",
                )
                continue
            if not self.chain_allowed(existing["id"] if existing else None):
                _forbidden_chain(ctx, t, i, "code", code)
                continue
            ins, upd = row_values(t, i, CHAIN_FIELDS)
            classify(ctx, t, i, changes, ins, upd, existing, f"产业链 {code}")

    def _check_links(self, t: Table) -> None:
        ctx = self.ctx
        changes = self.changes["links"] = Changes(Link)
        duplicate_rows(t, ["chain_code", "code"], ctx.errors)
        chain_by_id = {r["id"]: code for code, r in self.db_chains.items()}
        query = select(
            Link.id, Link.chain_id, Link.parent_id, *(getattr(Link, c) for c in LINK_FIELDS)
        )
        db_links = ctx.fetch_in(query, Link.chain_id, chain_by_id)
        code_of = {r.id: r.code for r in db_links}
        existing: dict[tuple[str, str], dict[str, Any]] = {}
        for r in db_links:
            row = r._asdict()
            row["parent_code"] = code_of.get(r.parent_id)
            row["chain_code"] = chain_by_id[r.chain_id]
            existing[(chain_by_id[r.chain_id], r.code)] = row
        # the parent of every link once the file is applied: (chain, code) -> parent code
        parent: dict[tuple[str, str], str | None] = {
            k: v["parent_code"] for k, v in existing.items()
        }
        chains, codes, parents = t.col("chain_code"), t.col("code"), t.col("parent_code")
        for i in range(len(t)):
            if chains[i] is not None and codes[i] is not None:
                parent[(chains[i], codes[i])] = parents[i]
        for i in range(len(t)):
            chain = chains[i]
            if chain is None:
                continue
            if ctx.principal.is_scoped and chain not in self.file_chains:
                db_chain = self.db_chains.get(chain)
                if not self.chain_allowed(db_chain["id"] if db_chain else None):
                    _forbidden_chain(ctx, t, i, "chain_code", chain)
                    continue
            if chain not in self.db_chains and chain not in self.file_chains:
                ctx.fail(
                    t,
                    i,
                    "chain_code",
                    f"产业链“{chain}”不存在（文件的“产业链”表和系统中都没有）。",
                    f"Chain '{chain}' does not exist (neither in the file nor the database).",
                )
                continue
            db_chain = self.db_chains.get(chain)
            if not self.chain_allowed(db_chain["id"] if db_chain else None):
                _forbidden_chain(ctx, t, i, "chain_code", chain)
                continue
            if parents[i] is not None and codes[i] is not None:
                if (chain, parents[i]) not in parent:
                    ctx.fail(
                        t,
                        i,
                        "parent_code",
                        f"上级环节“{parents[i]}”不在产业链“{chain}”中。",
                        f"Parent link '{parents[i]}' is not in chain '{chain}'.",
                    )
                    continue
                if self._cycles(parent, chain, codes[i]):
                    ctx.fail(
                        t,
                        i,
                        "parent_code",
                        f"环节“{codes[i]}”的上级关系形成循环。",
                        f"The parents of link '{codes[i]}' form a cycle.",
                    )
                    continue
            if i in t.bad:
                continue
            ins, upd = row_values(
                t,
                i,
                LINK_FIELDS,
                {
                    "chain_code": ("chain_code", chain),
                    "parent_code": ("parent_code", parents[i]),
                },
            )
            classify(
                ctx,
                t,
                i,
                changes,
                ins,
                upd,
                existing.get((chain, codes[i])),
                f"产业链 {chain} 环节 {codes[i]}",
            )

    @staticmethod
    def _cycles(parent: dict[tuple[str, str], str | None], chain: str, code: str) -> bool:
        seen = {code}
        current = parent.get((chain, code))
        while current is not None:
            if current in seen:
                return True
            seen.add(current)
            current = parent.get((chain, current))
        return False

    def write(self) -> None:
        ctx = self.ctx
        if "chains" in self.changes:
            self.changes["chains"].write(ctx)
        links = self.changes.get("links")
        if links is None:
            return
        chain_ids = dict(ctx.session.execute(select(Chain.code, Chain.id)).all())
        parents: list[tuple[int, str, str]] = []  # (chain id, code, parent code) of new links
        for row in links.inserts:
            row["chain_id"] = chain_ids[row.pop("chain_code")]
            code = row.pop("parent_code")
            row["parent_id"] = None
            if code is not None:
                parents.append((row["chain_id"], row["code"], code))
        touched = set(chain_ids.values())
        updates = links.updates
        links.updates = {}
        links.write(ctx)  # the inserts
        ids = {
            (cid, code): lid
            for lid, cid, code in ctx.fetch_in(
                select(Link.id, Link.chain_id, Link.code), Link.chain_id, touched
            )
        }
        if parents:
            stmt = update(Link.__table__).where(Link.__table__.c.id == bindparam("lid"))
            ctx.conn.execute(
                stmt.values(parent_id=bindparam("pid")),
                [{"lid": ids[(c, code)], "pid": ids[(c, p)]} for c, code, p in parents],
            )
        chain_of = {lid: cid for (cid, _), lid in ids.items()}
        for lid, diff in updates.items():
            if "parent_code" in diff:
                code = diff.pop("parent_code")
                diff["parent_id"] = None if code is None else ids[(chain_of[lid], code)]
            diff.pop("chain_code", None)
        links.updates = {k: v for k, v in updates.items() if v}
        links.inserts = []
        links.write(ctx)


class EnterpriseLinksHandler(Handler):
    """Manual assignments: the chains feature's batch use case with the whole sheet
    (:mod:`gaodi.chains.assignments`); a changed row closes the current one and opens a new
    one."""

    def check(self) -> None:
        ctx, t = self.ctx, self.tables["enterprise_links"]
        duplicate_rows(t, ["uscc", "chain_code", "link_code"], ctx.errors)
        spec = t.spec
        source, confidence = spec.column("source"), spec.column("confidence")
        excluded = spec.column("excluded")
        rows = [
            AssignmentRow(
                uscc=t.col("uscc")[i],
                chain=t.col("chain_code")[i],
                link=t.col("link_code")[i],
                source=db_value(source, t.col("source")[i]),
                confidence=db_value(confidence, t.col("confidence")[i]),
                excluded=db_value(excluded, t.col("excluded")[i]),
                note=t.col("note")[i],
            )
            for i in range(len(t))
        ]
        self.batch = prepare_assignments(ctx.session, ctx.principal, rows, now=ctx.now, skip=t.bad)
        for refusal in self.batch.refusals:
            ctx.fail(t, refusal.index, refusal.column, refusal.error.zh, refusal.error.en)

    def counts(self) -> dict[str, Counts]:
        b = self.batch
        return {"enterprise_links": Counts(b.created, b.updated, b.unchanged)}

    def write(self) -> None:
        write_assignments(self.ctx.session, self.batch, history=False)

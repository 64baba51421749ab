"""Import handlers of chains, their links and enterprise-to-link assignments."""

from __future__ import annotations

from gaodi.chains import batch as chains_batch
from gaodi.chains.assignments import AssignmentRow, prepare_assignments, write_assignments
from gaodi.chains.rules import CHAIN_COLUMNS, LINK_COLUMNS
from gaodi.exchange.handlers import Handler
from gaodi.exchange.importer import Context, Counts, db_value, row_values
from gaodi.exchange.validate import Table, duplicate_rows

CHAIN_FIELDS = {k: k for k in CHAIN_COLUMNS}
LINK_FIELDS = {k: k for k in LINK_COLUMNS}


def _report(ctx: Context, t: Table, batch: chains_batch.Batch) -> None:
    """The batch's refusals as cell errors of the sheet."""
    for r in batch.refusals:
        ctx.fail(t, r.index, r.field, r.error.zh, r.error.en)


class ChainsHandler(Handler):
    """Chains and links together (links may name chains and parents new in the same file),
    through the chains feature's batch use cases with the whole sheets
    (:mod:`gaodi.chains.batch`: the rules the link form and the JSON API use too)."""

    def check(self) -> None:
        ctx = self.ctx
        self.chains: chains_batch.Batch | None = None
        self.links: chains_batch.Batch | None = None
        file_chains: set[str] = set()
        if "chains" in self.tables:
            t = self.tables["chains"]
            duplicate_rows(t, ["code"], ctx.errors)
            duplicate_rows(t, ["name"], ctx.errors)
            codes = t.col("code")
            file_chains = {c for c in codes if c is not None}
            chain_rows = [
                chains_batch.ChainWrite(codes[i], *self._values(t, i, CHAIN_FIELDS))
                for i in range(len(t))
            ]
            self.chains = chains_batch.prepare_chains(
                ctx.session, ctx.principal, chain_rows, mode=ctx.mode, skip=t.bad
            )
            _report(ctx, t, self.chains)
        if "links" in self.tables:
            t = self.tables["links"]
            duplicate_rows(t, ["chain_code", "code"], ctx.errors)
            chains, codes, parents = t.col("chain_code"), t.col("code"), t.col("parent_code")
            given = t.has("parent_code")
            rows = [
                chains_batch.LinkWrite(
                    chains[i],
                    codes[i],
                    *self._values(t, i, LINK_FIELDS),
                    parent=parents[i],
                    parent_given=given,
                )
                for i in range(len(t))
            ]
            self.links = chains_batch.prepare_links(
                ctx.session,
                ctx.principal,
                rows,
                mode=ctx.mode,
                skip=t.bad,
                new_chains=file_chains,
            )
            _report(ctx, t, self.links)

    @staticmethod
    def _values(t: Table, i: int, fields: dict[str, str]) -> tuple[dict, dict]:
        return ({}, {}) if i in t.bad else row_values(t, i, fields)

    def counts(self) -> dict[str, Counts]:
        return {
            key: Counts(b.created, b.updated, b.unchanged)
            for key, b in (("chains", self.chains), ("links", self.links))
            if b is not None
        }

    def write(self) -> None:
        if self.chains is not None:
            chains_batch.write_chains(self.ctx.session, self.chains)
        if self.links is not None:
            chains_batch.write_links(self.ctx.session, self.links)


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
            ctx.fail(t, refusal.index, refusal.field, refusal.error.zh, refusal.error.en)

    def counts(self) -> dict[str, Counts]:
        b = self.batch
        return {"enterprise_links": Counts(b.created, b.updated, b.unchanged)}

    def write(self) -> None:
        write_assignments(self.ctx.session, self.batch, history=False)

"""Import handlers of tier facts (梯度培育要素: a wide sheet, stored one row per fact), the award
and honour lists and the industries' margins; each reads its cells and hands the rows to the
enterprises feature's batch write (:mod:`gaodi.enterprises.facts_batch`,
:mod:`gaodi.enterprises.lists_batch`).

Each non-blank cell is one :class:`~gaodi.enterprises.models.TierFact` (enterprise, year, field)
with the row's source, parsed by :func:`gaodi.enterprises.facts.parse_value` (the form's rules).
A blank cell leaves a stored fact alone. The same fact given on two rows of one enterprise and
year (two sources) is refused: which one holds would depend on the row order. The enterprise
must be one the importer may edit (a park office: those in its parks), answered like a missing
one otherwise.
"""

from __future__ import annotations

from typing import Any

from gaodi.core.errors import ValidationError
from gaodi.enterprises import facts, facts_batch, lists_batch, tier_lists
from gaodi.exchange.handlers import Handler, enterprise_ids, rows_of_known_enterprises
from gaodi.exchange.importer import Counts
from gaodi.exchange.validate import duplicate_rows


class TierFactsHandler(Handler):
    """The sheet's cells parsed here (the form's words), the rows checked and written by the
    enterprises feature's batch (:mod:`gaodi.enterprises.facts_batch`)."""

    def check(self) -> None:
        ctx, t = self.ctx, self.tables["tier_facts"]
        duplicate_rows(t, ["uscc", "year", "source"], ctx.errors)
        ids = enterprise_ids(ctx, t.col("uscc"))
        fields = [f for f in facts.fact_fields() if t.has(f.name)]
        years, sources = t.col("year"), t.col("source")
        rows: list[facts_batch.FactRow] = []
        index: list[int] = []  # batch row -> sheet row
        for i, eid in rows_of_known_enterprises(ctx, t, ids):
            values: dict[str, float | None] = {}
            for f in fields:
                raw = t.columns[f.name][i]
                if raw is None:
                    continue
                try:
                    values[f.name] = facts.parse_value(f, raw)
                except ValidationError as exc:
                    ctx.fail(t, i, f.name, exc.zh, exc.en, raw)
            if i in t.bad:
                continue
            rows.append(facts_batch.FactRow(eid, years[i], values, sources[i]))
            index.append(i)
        self.batch = facts_batch.prepare_facts(
            ctx.session, ctx.principal, rows, actor=ctx.actor, mode=ctx.mode,
            row_number=lambda k: t.row_numbers[index[k]], now=ctx.now,
        )  # fmt: skip
        for refusal in self.batch.refusals:
            i = index[refusal.index]
            column = refusal.field if refusal.field in t.columns else "uscc"
            ctx.fail(t, i, column, refusal.error.zh, refusal.error.en)

    def counts(self) -> dict[str, Counts]:
        b = self.batch
        return {"tier_facts": Counts(b.created, b.updated, b.unchanged)}

    def write(self) -> None:
        facts_batch.write_facts(self.ctx.session, self.batch)


class TierListsHandler(Handler):
    """The award and honour lists (科技奖励, 荣誉): one row per award (enterprise, year, name) or
    honour (enterprise, kind, valid-from), checked with the form's parsing
    (:func:`gaodi.enterprises.tier_lists.parse_award` / ``parse_honour``)."""

    def check(self) -> None:
        self.batches: dict[str, lists_batch.EntryBatch] = {}
        if "tier_awards" in self.tables:
            self._check(
                self.tables["tier_awards"], "award", ("year", "name"), tier_lists.parse_award,
                ("year", "name", "level", "grade", "unit_rank", "source"),
            )  # fmt: skip
        if "tier_honours" in self.tables:
            self._check(
                self.tables["tier_honours"], "honour", ("kind", "valid_from"),
                tier_lists.parse_honour, ("kind", "valid_from", "valid_to", "source"),
            )  # fmt: skip

    def _check(
        self, t: Any, kind: Any, key: tuple[str, str], parse: Any, fields: tuple[str, ...]
    ) -> None:
        """Cells parsed here (the form's words); the rows checked and planned by the
        enterprises feature's batch (:mod:`gaodi.enterprises.lists_batch`)."""
        ctx = self.ctx
        duplicate_rows(t, ["uscc", *key], ctx.errors)
        ids = enterprise_ids(ctx, t.col("uscc"))
        rows: list[lists_batch.EntryRow] = []
        index: list[int] = []
        for i, eid in rows_of_known_enterprises(ctx, t, ids):
            raw = {f: t.columns[f][i] if t.has(f) else None for f in fields}
            try:
                item = parse(raw)
            except ValidationError as exc:
                named = exc.context.get("field")
                field = named if isinstance(named, str) and named in fields else key[0]
                ctx.fail(t, i, field, exc.zh, exc.en, raw.get(field))
                continue
            rows.append(lists_batch.EntryRow(item, eid))
            index.append(i)
        self._prepare(t, kind, rows, index)

    def _prepare(self, t: Any, kind: Any, rows: list[Any], index: list[int]) -> None:
        ctx = self.ctx
        batch = lists_batch.prepare_entries(
            ctx.session, ctx.principal, kind, rows, mode=ctx.mode, now=ctx.now
        )
        self.batches[t.spec.key] = batch
        for refusal in batch.refusals:
            column = refusal.field if refusal.field in t.columns else t.spec.natural_key[0]
            ctx.fail(t, index[refusal.index], column, refusal.error.zh, refusal.error.en)

    def counts(self) -> dict[str, Counts]:
        return {k: Counts(b.created, b.updated, b.unchanged) for k, b in self.batches.items()}

    def write(self) -> None:
        for batch in self.batches.values():
            lists_batch.write_entries(self.ctx.session, batch)


class IndustryMarginsHandler(TierListsHandler):
    """Industries' profit margins with their source (reference data), through the same batch."""

    def check(self) -> None:
        ctx, t = self.ctx, self.tables["industry_margins"]
        self.batches = {}
        duplicate_rows(t, ["industry_code", "year"], ctx.errors)
        fields = ("industry_code", "year", "margin", "source_name", "source_url")
        rows: list[lists_batch.EntryRow] = []
        index: list[int] = []
        for i in range(len(t)):
            if i in t.bad:
                continue
            raw = {f: t.columns[f][i] if t.has(f) else None for f in fields}
            try:
                rows.append(lists_batch.EntryRow(tier_lists.parse_margin(raw)))
            except ValidationError as exc:
                field = exc.context.get("field")
                field = field if field in fields else "industry_code"
                ctx.fail(t, i, field, exc.zh, exc.en, raw.get(field))
                continue
            index.append(i)
        self._prepare(t, "margin", rows, index)

"""Import handler of tier facts (梯度培育要素): a wide sheet, stored one row per fact.

Each non-blank cell is one :class:`~gaodi.enterprises.models.TierFact` (enterprise, year, field)
with the row's source, parsed by :func:`gaodi.enterprises.facts.parse_value` (the form's rules).
A blank cell leaves a stored fact alone. The same fact given on two rows of one enterprise and
year (two sources) is refused: which one holds would depend on the row order. The enterprise
must be one the importer may edit (a park office: those in its parks), answered like a missing
one otherwise.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gaodi.core.errors import ValidationError
from gaodi.enterprises import facts
from gaodi.enterprises.models import TierFact
from gaodi.exchange.handlers import Handler, enterprise_ids, unknown_enterprise
from gaodi.exchange.importer import Changes
from gaodi.exchange.validate import duplicate_rows


class TierFactsHandler(Handler):
    def check(self) -> None:
        ctx, t = self.ctx, self.tables["tier_facts"]
        changes = self.changes["tier_facts"] = Changes(TierFact)
        duplicate_rows(t, ["uscc", "year", "source"], ctx.errors)
        ids = enterprise_ids(ctx, t.col("uscc"))
        fields = [f for f in facts.fact_fields() if t.has(f.name)]
        query = select(
            TierFact.id, TierFact.enterprise_id, TierFact.year, TierFact.field, TierFact.value,
            TierFact.source,
        )  # fmt: skip
        existing = {
            (r.enterprise_id, r.year, r.field): r
            for r in ctx.fetch_in(query, TierFact.enterprise_id, ids.values())
        }
        usccs, years, sources = t.col("uscc"), t.col("year"), t.col("source")
        given: dict[tuple[int, int, str], int] = {}  # fact -> the row that gives it
        for i in range(len(t)):
            eid = ids.get(usccs[i])
            if eid is None and usccs[i] is not None:
                unknown_enterprise(ctx, t, i, usccs[i])
            if i in t.bad or eid is None:
                continue
            values: dict[str, float] = {}
            for f in fields:
                raw = t.columns[f.name][i]
                if raw is None:
                    continue
                try:
                    value = facts.parse_value(f, raw)
                except ValidationError as exc:
                    ctx.fail(t, i, f.name, exc.zh, exc.en, raw)
                    continue
                key = (eid, years[i], f.name)
                if key in given:
                    first = t.row_numbers[given[key]]
                    ctx.fail(
                        t, i, f.name,
                        f"第 {first} 行已给出该企业 {years[i]} 年的“{f.label_zh}”；同一要素只能"
                        "有一个来源。",
                        f"Row {first} already gives '{f.label_en}' for this enterprise and "
                        f"{years[i]}; a fact has one source.",
                        raw,
                    )  # fmt: skip
                    continue
                given[key] = i
                if value is not None:
                    values[f.name] = value
            if i in t.bad:
                continue
            self._classify(t, i, eid, years[i], sources[i], values, existing, changes)

    def _classify(
        self,
        t: Any,
        i: int,
        eid: int,
        year: int,
        source: str,
        values: dict[str, float],
        existing: dict[tuple[int, int, str], Any],
        changes: Changes,
    ) -> None:
        ctx = self.ctx
        inserts: list[dict[str, Any]] = []
        updates: dict[int, dict[str, Any]] = {}
        stored = [existing[(eid, year, name)] for name in values if (eid, year, name) in existing]
        if stored and ctx.mode == "insert":
            ctx.fail(
                t, i, "uscc",
                f"该企业 {year} 年已有这些要素中的 {len(stored)} 项；如需更新，请使用 "
                "--mode upsert。",
                f"{len(stored)} of these facts are already stored for {year}; use --mode upsert "
                "to update them.",
            )  # fmt: skip
            return
        for name, value in values.items():
            old = existing.get((eid, year, name))
            if old is None:
                inserts.append(
                    {
                        "enterprise_id": eid,
                        "year": year,
                        "field": name,
                        "value": value,
                        "source": source,
                        "declaration_id": None,
                        "updated_by": ctx.actor,
                        "updated_at": ctx.now,
                    }
                )
            elif old.value != value or old.source != source:
                updates[old.id] = {
                    "value": value,
                    "source": source,
                    "declaration_id": None,
                    "updated_by": ctx.actor,
                    "updated_at": ctx.now,
                }
        changes.inserts.extend(inserts)
        changes.updates.update(updates)
        if inserts:
            changes.counts.created += 1
        elif updates:
            changes.counts.updated += 1
        else:
            changes.counts.unchanged += 1

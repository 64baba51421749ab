"""Import handlers of enterprises, their yearly figures and parks; the handler base class."""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from sqlalchemy import select

from gaodi.core.permissions import scope_clause
from gaodi.core.selects import AnySelect
from gaodi.enterprises import batch as enterprises_batch
from gaodi.enterprises.models import Enterprise, EnterpriseYear
from gaodi.exchange.importer import Changes, Context, Counts, row_values
from gaodi.exchange.validate import Table, duplicate_rows
from gaodi.parks import batch as parks_batch
from gaodi.parks.models import Park
from gaodi.regions.codelists import ensure_industries, ensure_regions


class Handler(ABC):
    """Checks one entity's tables against the database and writes them."""

    def __init__(self, ctx: Context, tables: dict[str, Table]) -> None:
        self.ctx = ctx
        self.tables = tables
        self.changes: dict[str, Changes] = {}

    @abstractmethod
    def check(self) -> None:
        """Validate every row (recording cell errors on the context) and prepare the writes."""

    @abstractmethod
    def write(self) -> None:
        """Hand the checked rows to the owning feature's batch write (no handler writes a
        feature's table itself)."""

    def counts(self) -> dict[str, Counts]:
        return {key: c.counts for key, c in self.changes.items()}

    def good_rows(self, table: Table) -> list[int]:
        return [i for i in range(len(table)) if i not in table.bad]


def in_scope(query: AnySelect, ctx: Context, model: type, action: str = "edit") -> AnySelect:
    """``query`` limited to the rows of ``model`` the importer may read and ``action`` (every row
    for an unscoped role): what an import may write to, or refer to, is what a read shows."""
    for each in dict.fromkeys(("read", action)):
        clause = scope_clause(ctx.principal, model, each)
        if clause is not None:
            query = query.where(clause)
    return query


def fold_name(name: str) -> str:
    """A name as it looks: NFKC (全角 Ａ１ as A1) with every space taken out (ideographic,
    non-breaking or plain), so "新园区Ａ", "新园区　A" and "新园区A" are one name."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


class FoldedNames(dict[str, int]):
    """Name -> id that also finds a name written with full-width letters or other spaces:
    names that look the same on every page must not be told apart by the importer."""

    def __init__(self, names: dict[str, int]) -> None:
        super().__init__(names)
        folded: dict[str, set[int]] = {}
        for name, pid in names.items():
            folded.setdefault(fold_name(name), set()).add(pid)
        self._folded = {k: next(iter(v)) for k, v in folded.items() if len(v) == 1}

    def get(self, key: Any, default: Any = None) -> Any:
        if super().__contains__(key):
            return super().__getitem__(key)
        if isinstance(key, str):
            return self._folded.get(fold_name(key), default)
        return default

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None

    def __missing__(self, key: str) -> int:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found


def park_lookup(ctx: Context) -> dict[str, int]:
    """Park name (and unambiguous short name) -> id, of the parks in the importer's scope; a
    name is found however its letters' width and spaces are written (:func:`fold_name`)."""
    return FoldedNames(enterprises_batch.park_lookup(ctx.session, ctx.principal))


def canonical_park_names(ctx: Context, names: list[Any]) -> list[Any]:
    """``names`` with each one that differs from a stored park's name only in letter width or
    spaces written as the stored name, so the batch (which compares exactly) finds that park
    instead of creating a second one that looks the same (or missing it)."""
    stored: dict[str, set[str]] = {}
    for (name,) in ctx.session.execute(select(Park.name)):
        stored.setdefault(fold_name(name), set()).add(name)
    out = []
    for name in names:
        if isinstance(name, str):
            same = stored.get(fold_name(name), set())
            if name not in same and len(same) == 1:
                name = next(iter(same))
        out.append(name)
    return out


def unknown_park(
    ctx: Context, table: Table, i: int, key: str, name: str, parks: dict[str, int]
) -> None:
    error = enterprises_batch.unknown_park(ctx.principal, name, parks)
    ctx.fail(table, i, key, error.zh, error.en)


def _codes(changes: Changes, column: str) -> set[str]:
    return _codes_of(changes.inserts, changes.updates.values(), column)


def _codes_of(
    inserts: Iterable[dict[str, Any]], updates: Iterable[dict[str, Any]], column: str
) -> set[str]:
    out = {r.get(column) for r in inserts} | {u.get(column) for u in updates}
    return {c for c in out if c}


ENTERPRISE_FIELDS = {
    "uscc": "uscc",
    "name": "name",
    "region_code": "region_code",
    "industry_code": "industry_code",
    "founded": "founded",
    "scope_text": "scope_text",
    "products": "products",
    "tags": "tags",
    "is_demo": "is_demo",
}


class EnterprisesHandler(Handler):
    """Enterprises through the enterprises' one write path (:mod:`gaodi.enterprises.batch`):
    every row is handed to its ``prepare_enterprises`` (the rows already refused by their cells
    or as duplicates only for their park), each refusal becomes a cell error."""

    def check(self) -> None:
        ctx, t = self.ctx, self.tables["enterprises"]
        changes = self.changes["enterprises"] = Changes(Enterprise)
        duplicate_rows(t, ["uscc"], ctx.errors)
        has_park, usccs, parks_col = t.has("park"), t.col("uscc"), t.col("park")
        if has_park:
            parks_col = canonical_park_names(ctx, parks_col)
        rows = []
        for i in range(len(t)):
            ins, upd = ({}, {}) if i in t.bad else row_values(t, i, ENTERPRISE_FIELDS)
            rows.append(
                enterprises_batch.EnterpriseWrite(usccs[i], ins, upd, parks_col[i], has_park)
            )
        self.batch = enterprises_batch.prepare_enterprises(
            ctx.session, ctx.principal, rows, mode=ctx.mode, skip=t.bad
        )
        _report(ctx, t, self.batch, changes)

    def write(self) -> None:
        b = self.batch
        updates = b.updates.values()
        ensure_regions(self.ctx.conn, _codes_of(b.inserts, updates, "region_code"))
        ensure_industries(self.ctx.conn, _codes_of(b.inserts, updates, "industry_code"))
        enterprises_batch.write_enterprises(self.ctx.session, b)


def _report(ctx: Context, t: Table, batch: enterprises_batch.Batch, changes: Changes) -> None:
    """The batch's refusals as cell errors (a refusal of the row's key on the sheet's first key
    column), and its counts as the sheet's."""
    for r in batch.refusals:
        key = t.spec.natural_key[0] if r.field == "key" else r.field
        ctx.fail(t, r.index, key, r.error.zh, r.error.en)
    changes.inserts, changes.updates = batch.inserts, batch.updates
    changes.counts.created += batch.created
    changes.counts.updated += batch.updated
    changes.counts.unchanged += batch.unchanged


YEAR_FIGURES = enterprises_batch.YEAR_FIGURES


def enterprise_ids(ctx: Context, usccs: list[Any]) -> dict[str, int]:
    """USCC -> id of the enterprises the importer may read and change (rows naming any other
    one are refused as :func:`unknown_enterprise`)."""
    query = in_scope(select(Enterprise.uscc, Enterprise.id), ctx, Enterprise)
    return {u: eid for u, eid in ctx.fetch_in(query, Enterprise.uscc, usccs)}


def unknown_enterprise(ctx: Context, table: Table, i: int, uscc: str) -> None:
    if ctx.principal.is_scoped:  # one answer for a missing enterprise and one outside the scope
        ctx.fail(
            table,
            i,
            "uscc",
            f"找不到企业（统一社会信用代码 {uscc}），或它不在你的管辖范围内。",
            f"No enterprise with USCC {uscc} in your scope.",
        )
        return
    ctx.fail(
        table,
        i,
        "uscc",
        f"企业（统一社会信用代码 {uscc}）不在系统中；请先导入企业。",
        f"No enterprise with USCC {uscc}; import the enterprise first.",
    )


def rows_of_known_enterprises(
    ctx: Context, table: Table, ids: dict[str, int]
) -> Iterator[tuple[int, int]]:
    """``(row, enterprise id)`` of each row whose USCC names an enterprise the import may use;
    a row naming an unknown one (or one outside the scope) is failed with the reason, a row
    already failed is passed over."""
    usccs = table.col("uscc")
    for i in range(len(table)):
        eid = ids.get(usccs[i])
        if eid is None and usccs[i] is not None:
            unknown_enterprise(ctx, table, i, usccs[i])
        if i in table.bad or eid is None:
            continue
        yield i, eid


class EnterpriseYearsHandler(Handler):
    """Yearly figures through :func:`gaodi.enterprises.batch.prepare_years`, as enterprises."""

    fields: ClassVar[dict[str, str]] = {"year": "year", **{f: f for f in YEAR_FIGURES}}

    def check(self) -> None:
        ctx, t = self.ctx, self.tables["enterprise_years"]
        changes = self.changes["enterprise_years"] = Changes(EnterpriseYear)
        duplicate_rows(t, ["uscc", "year"], ctx.errors)
        usccs, years = t.col("uscc"), t.col("year")
        rows = []
        for i in range(len(t)):
            ins, upd = ({}, {}) if i in t.bad else row_values(t, i, self.fields)
            rows.append(enterprises_batch.YearWrite(usccs[i], years[i], ins, upd))
        self.batch = enterprises_batch.prepare_years(
            ctx.session, ctx.principal, rows, mode=ctx.mode, skip=t.bad
        )
        _report(ctx, t, self.batch, changes)

    def write(self) -> None:
        enterprises_batch.write_years(self.ctx.session, self.batch)


PARK_FIELDS = {k: k for k in parks_batch.PARK_COLUMNS}


def _near_duplicate_names(ctx: Context, t: Table) -> None:
    """Rows whose park name looks like an earlier row's (full-width letters, other spaces):
    the exact repeats are :func:`duplicate_rows`'s."""
    first: dict[str, int] = {}
    for i, name in enumerate(t.col("name")):
        if not isinstance(name, str) or i in t.bad:
            continue
        j = first.setdefault(fold_name(name), i)
        if j != i and t.col("name")[j] != name:
            ctx.fail(
                t,
                i,
                "name",
                f"与第 {t.row_numbers[j]} 行的“{t.col('name')[j]}”只是字母宽度或空格不同，"
                "是同一个园区名称；请删去重复的一行。",
                f"Differs from row {t.row_numbers[j]} ('{t.col('name')[j]}') only in letter "
                "width or spaces: it is the same park name; delete the repeated row.",
            )


class ParksHandler(Handler):
    """Parks through the parks' one write path (:func:`gaodi.parks.batch.prepare_parks`)."""

    def check(self) -> None:
        ctx, t = self.ctx, self.tables["parks"]
        changes = self.changes["parks"] = Changes(Park)
        duplicate_rows(t, ["name"], ctx.errors)
        _near_duplicate_names(ctx, t)
        names = canonical_park_names(ctx, t.col("name"))
        if t.has("name"):
            t.columns["name"] = names
        rows = []
        for i in range(len(t)):
            ins, upd = ({}, {}) if i in t.bad else row_values(t, i, PARK_FIELDS)
            rows.append(parks_batch.ParkWrite(names[i], ins, upd))
        self.batch = parks_batch.prepare_parks(
            ctx.session, ctx.principal, rows, mode=ctx.mode, skip=t.bad
        )
        _report(ctx, t, self.batch, changes)

    def write(self) -> None:
        b = self.batch
        ensure_regions(self.ctx.conn, _codes_of(b.inserts, b.updates.values(), "region_code"))
        parks_batch.write_parks(self.ctx.session, b)

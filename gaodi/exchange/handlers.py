"""Import handlers of enterprises, their yearly figures and parks; the handler base class."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any, ClassVar

from sqlalchemy import Select, select

from gaodi.core.permissions import scope_clause
from gaodi.enterprises.models import Enterprise, EnterpriseYear
from gaodi.exchange.importer import Changes, Context, Counts, classify, row_values
from gaodi.exchange.refdata import ensure_industries, ensure_regions
from gaodi.exchange.validate import Table, duplicate_rows
from gaodi.parks.models import Park


class Handler(ABC):
    """Checks one entity's tables against the database and writes them."""

    def __init__(self, ctx: Context, tables: dict[str, Table]) -> None:
        self.ctx = ctx
        self.tables = tables
        self.changes: dict[str, Changes] = {}

    @abstractmethod
    def check(self) -> None:
        """Validate every row (recording cell errors on the context) and prepare the writes."""

    def write(self) -> None:
        for changes in self.changes.values():
            changes.write(self.ctx)

    def counts(self) -> dict[str, Counts]:
        return {key: c.counts for key, c in self.changes.items()}

    def good_rows(self, table: Table) -> list[int]:
        return [i for i in range(len(table)) if i not in table.bad]


def in_scope(query: Select[Any], ctx: Context, model: type, action: str = "edit") -> Select[Any]:
    """``query`` limited to the rows of ``model`` the importer may read and ``action`` (every row
    for an unscoped role): what an import may write to, or refer to, is what a read shows."""
    for each in dict.fromkeys(("read", action)):
        clause = scope_clause(ctx.principal, model, each)
        if clause is not None:
            query = query.where(clause)
    return query


def park_lookup(ctx: Context) -> dict[str, int]:
    """Park name (and unambiguous short name) -> id, of the parks in the importer's scope (a
    park office puts enterprises and projects only in its own parks)."""
    query = in_scope(select(Park.id, Park.name, Park.short_name), ctx, Park)
    rows = ctx.session.execute(query).all()
    out = {name: pid for pid, name, _ in rows}
    shorts: dict[str, list[int]] = {}
    for pid, _, short in rows:
        if short:
            shorts.setdefault(short, []).append(pid)
    for short, ids in shorts.items():
        if len(ids) == 1:
            out.setdefault(short, ids[0])
    return out


def unknown_park(
    ctx: Context, table: Table, i: int, key: str, name: str, parks: dict[str, int]
) -> None:
    if ctx.principal.is_scoped:  # one answer for a missing park and one outside the scope
        ctx.fail(
            table,
            i,
            key,
            f"找不到园区“{name}”，或它不在你的管辖范围内。",
            f"No park '{name}' in your scope.",
        )
        return
    sample = "、".join(sorted(parks)[:5]) or "（系统中还没有园区）"
    ctx.fail(
        table,
        i,
        key,
        f"园区“{name}”不存在；请先导入园区或检查名称。已有园区如：{sample}。",
        f"Park '{name}' does not exist; import parks first or check the name.",
    )


def _codes(changes: Changes, column: str) -> set[str]:
    out = {r.get(column) for r in changes.inserts}
    out |= {u.get(column) for u in changes.updates.values()}
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


def outside_scope(ctx: Context, table: Table, i: int, key: str, what_zh: str, what_en: str) -> None:
    """A row that would create or change a record outside the importer's scope. The same words
    whether the record exists elsewhere or not (so the answer confirms nothing)."""
    ctx.fail(
        table,
        i,
        key,
        f"只能新建或修改你管辖范围内的{what_zh}（{table.columns[key][i]}）。",
        f"You may only create or change {what_en} in your scope ({table.columns[key][i]}).",
    )


class EnterprisesHandler(Handler):
    def check(self) -> None:
        ctx, t = self.ctx, self.tables["enterprises"]
        changes = self.changes["enterprises"] = Changes(Enterprise)
        duplicate_rows(t, ["uscc"], ctx.errors)
        parks = park_lookup(ctx) if t.has("park") else {}
        query = select(
            *(getattr(Enterprise, c) for c in ("id", *ENTERPRISE_FIELDS.values(), "park_id"))
        )
        existing = {
            r.uscc: r._asdict() for r in ctx.fetch_in(query, Enterprise.uscc, t.col("uscc"))
        }
        # a scoped office changes the enterprises it reads and creates them only in its scope
        # (a park office: in one of its parks; a chain office: never, a new firm is on no chain)
        scoped = ctx.principal.is_scoped
        mine = ctx.fetch_in(
            in_scope(select(Enterprise.id), ctx, Enterprise),
            Enterprise.id,
            (r["id"] for r in existing.values()),
        )
        editable = {row[0] for row in mine}
        creates_in_park = ctx.principal.role == "park_office"
        parks_col = t.col("park")
        for i in range(len(t)):
            park_id = None
            if parks_col[i] is not None:
                park_id = parks.get(parks_col[i])
                if park_id is None:
                    unknown_park(ctx, t, i, "park", parks_col[i], parks)
            if i in t.bad:
                continue
            uscc = t.columns["uscc"][i]
            old = existing.get(uscc)
            # a park office's enterprise must stay in one of its parks (a blank park moves it out)
            leaves_park = creates_in_park and t.has("park") and park_id is None
            if scoped and (
                (old is not None and (old["id"] not in editable or leaves_park))
                or (old is None and not (creates_in_park and park_id is not None))
            ):
                outside_scope(ctx, t, i, "uscc", "企业", "enterprises")
                continue
            ins, upd = row_values(t, i, ENTERPRISE_FIELDS, {"park": ("park_id", park_id)})
            classify(
                ctx,
                t,
                i,
                changes,
                ins,
                upd,
                old,
                f"统一社会信用代码 {uscc}",
                editable,
            )

    def write(self) -> None:
        changes = self.changes["enterprises"]
        ensure_regions(self.ctx.conn, _codes(changes, "region_code"))
        ensure_industries(self.ctx.conn, _codes(changes, "industry_code"))
        super().write()


YEAR_FIGURES = (
    "revenue",
    "main_revenue",
    "output",
    "value_added",
    "tax",
    "profit",
    "employees",
    "rd_spend",
    "invention_patents",
    "land_mu",
    "energy_tce",
    "electricity_mwh",
    "emissions_t",
    "debt_ratio",
)


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
    fields: ClassVar[dict[str, str]] = {"year": "year", **{f: f for f in YEAR_FIGURES}}

    def check(self) -> None:
        ctx, t = self.ctx, self.tables["enterprise_years"]
        changes = self.changes["enterprise_years"] = Changes(EnterpriseYear)
        duplicate_rows(t, ["uscc", "year"], ctx.errors)
        ids = enterprise_ids(ctx, t.col("uscc"))
        query = select(
            EnterpriseYear.id,
            EnterpriseYear.enterprise_id,
            *(getattr(EnterpriseYear, c) for c in self.fields.values()),
        )
        existing = {
            (r.enterprise_id, r.year): r._asdict()
            for r in ctx.fetch_in(query, EnterpriseYear.enterprise_id, ids.values())
        }
        editable = ctx.editable(EnterpriseYear, (r["id"] for r in existing.values()))
        usccs, years = t.columns["uscc"], t.columns["year"]
        for i, eid in rows_of_known_enterprises(ctx, t, ids):
            ins, upd = row_values(t, i, self.fields, {"uscc": ("enterprise_id", eid)})
            classify(
                ctx,
                t,
                i,
                changes,
                ins,
                upd,
                existing.get((eid, years[i])),
                f"{usccs[i]} {years[i]} 年",
                editable,
            )


PARK_FIELDS = {
    k: k
    for k in (
        "name",
        "short_name",
        "level",
        "kind",
        "region_code",
        "area_mu",
        "founded_year",
        "main_industries",
        "special_industries",
        "source",
        "is_demo",
    )
}


class ParksHandler(Handler):
    def check(self) -> None:
        ctx, t = self.ctx, self.tables["parks"]
        changes = self.changes["parks"] = Changes(Park)
        duplicate_rows(t, ["name"], ctx.errors)
        query = select(Park.id, *(getattr(Park, c) for c in PARK_FIELDS.values()))
        existing = {r.name: r._asdict() for r in ctx.session.execute(query).all()}
        # a park office changes its own parks and creates none (a new park is in no one's scope)
        editable = {
            row[0] for row in ctx.session.execute(in_scope(select(Park.id), ctx, Park)).all()
        }
        for i in self.good_rows(t):
            name = t.columns["name"][i]
            old = existing.get(name)
            if ctx.principal.is_scoped and (old is None or old["id"] not in editable):
                outside_scope(ctx, t, i, "name", "园区", "parks")
                continue
            ins, upd = row_values(t, i, PARK_FIELDS)
            classify(ctx, t, i, changes, ins, upd, old, f"园区 {name}", editable)

    def write(self) -> None:
        ensure_regions(self.ctx.conn, _codes(self.changes["parks"], "region_code"))
        super().write()

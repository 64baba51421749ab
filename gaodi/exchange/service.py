"""The exchange use cases the CLI and the web app call: template, import, export.

>>> from gaodi.exchange.service import ENTITIES
>>> list(ENTITIES)[:3]
['enterprises', 'enterprise_years', 'tier_facts']
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

import gaodi.models  # noqa: F401  (every model, the audit listener and the row filters)
from gaodi.audit import service as audit
from gaodi.chains.models import Chain, Link
from gaodi.core import dataset
from gaodi.core.errors import (
    CellError,
    GaodiError,
    ImportRejected,
    PermissionDenied,
    ValidationError,
)
from gaodi.core.permissions import Principal, principal_label, require, restrict
from gaodi.db import session_scope
from gaodi.exchange.entities import ENTITIES, entity
from gaodi.exchange.exporter import FILTERS, Exporter, SheetRows, cells, now_text, write_csv
from gaodi.exchange.handlers import (
    EnterprisesHandler,
    EnterpriseYearsHandler,
    Handler,
    ParksHandler,
)
from gaodi.exchange.handlers_chains import ChainsHandler, EnterpriseLinksHandler
from gaodi.exchange.handlers_plans import (
    IndicatorsHandler,
    ObservationsHandler,
    PlansHandler,
    TargetsHandler,
)
from gaodi.exchange.handlers_projects import ProjectProgressHandler, ProjectsHandler
from gaodi.exchange.handlers_tiers import (
    IndustryMarginsHandler,
    TierFactsHandler,
    TierListsHandler,
)
from gaodi.exchange.importer import Context, ImportReport, Mode, write_conflict
from gaodi.exchange.reader import read_file_isolated
from gaodi.exchange.report import write_report
from gaodi.exchange.schema import LABELLED_REFS, EntitySpec, labelled
from gaodi.exchange.template import (
    Lists,
    list_name,
    new_workbook,
    write_data_sheet,
    write_info_sheet,
    write_template,
)
from gaodi.exchange.validate import Table, select_sheets, to_table
from gaodi.parks.models import Park
from gaodi.plans.models import Indicator, Plan
from gaodi.projects.models import Project

__all__ = ["ENTITIES", "FILTERS", "ImportReport", "export", "import_file", "template"]

HANDLERS: dict[str, type[Handler]] = {
    "enterprises": EnterprisesHandler,
    "enterprise_years": EnterpriseYearsHandler,
    "tier_facts": TierFactsHandler,
    "tier_awards": TierListsHandler,
    "industry_margins": IndustryMarginsHandler,
    "parks": ParksHandler,
    "chains": ChainsHandler,
    "links": ChainsHandler,
    "enterprise_links": EnterpriseLinksHandler,
    "indicators": IndicatorsHandler,
    "plans": PlansHandler,
    "actions": PlansHandler,
    "targets": TargetsHandler,
    "observations": ObservationsHandler,
    "projects": ProjectsHandler,
    "project_year_plans": ProjectsHandler,
    "project_progress": ProjectProgressHandler,
}


def _refs(engine: Engine | None, principal: Principal) -> dict[str, list[str]]:
    """Database values offered in drop-downs: the parks, chains, links, indicators, plans and
    projects ``principal`` may read (a list the role may not read is left out)."""
    if engine is None:
        return {}
    queries = {
        "park": (Park, Park.name, Park.id),
        "chain": (Chain, Chain.code, Chain.id),
        "link": (Link, Link.code, Link.code),
        "indicator": (Indicator, Indicator.code, Indicator.id),
        "plan": (Plan, Plan.title, Plan.id),
        "project": (Project, Project.name, Project.id),
    }
    out: dict[str, list[str]] = {}
    with session_scope(engine) as s:
        for key, (model, column, order) in queries.items():
            try:
                query = restrict(select(model), principal, "read")
            except PermissionDenied:
                continue
            if key in LABELLED_REFS:  # English codes: the name beside each (imports strip it)
                pairs = s.execute(query.with_only_columns(column, Indicator.name).order_by(order))
                out[key] = list(dict.fromkeys(labelled(code, name) for code, name in pairs))
                continue
            values = s.scalars(query.with_only_columns(column).order_by(order)).all()
            out[key] = list(dict.fromkeys(values))
    return out


def template(
    entity_key: str,
    path: str | Path,
    lang: str = "zh",
    engine: Engine | None = None,
    *,
    principal: Principal,
    title: str | None = None,
) -> Path:
    """Write an empty import template for ``entity_key`` to ``path`` (.xlsx; .csv: headers only).

    With ``engine``, drop-downs also offer the database's parks, chains, links, indicators,
    plans and projects that ``principal`` may read. The workbook names ``title`` (else the
    entity's template) and ``principal`` as its author.
    """
    spec = entity(entity_key)
    p = Path(path)
    _check_suffix(p)
    author = principal_label(principal, lang.startswith("zh"))
    write_template(spec, p, lang, _refs(engine, principal), title=title, author=author)
    return p


def _check_suffix(p: Path) -> None:
    if p.suffix.lower() not in (".xlsx", ".csv"):
        raise ValidationError(
            f"文件名“{p.name}”应以 .xlsx 或 .csv 结尾。",
            f"File name '{p.name}' must end in .xlsx or .csv.",
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sorted(
    errors: list[CellError], order: dict[str, int], tables: dict[str, Table]
) -> list[CellError]:
    """Errors by sheet, row and column position (as a user reads the file)."""
    position = {
        (t.sheet_name, header): j
        for t in tables.values()
        for j, header in enumerate(t.headers.values())
    }
    return sorted(
        errors,
        key=lambda e: (order.get(e.sheet, 99), e.row, position.get((e.sheet, e.column), 999)),
    )


def import_file(
    engine: Engine,
    entity_key: str,
    path: str | Path,
    principal: Principal,
    dry_run: bool = False,
    mode: Mode = "insert",
    report_path: str | Path | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> ImportReport:
    """Validate every row of ``path``, then write them all in one transaction.

    ``mode="insert"`` refuses rows whose key is already in the database; ``"upsert"`` updates
    them (only the columns present in the file). Observations and enterprise-link assignments
    keep history instead: a changed value becomes a new revision / a new current row.
    Raises :class:`ImportRejected` listing every bad cell (nothing is written); with
    ``report_path`` the cells (or, on success, the counts) are also written there.
    ``progress(stage, fraction)`` is told how far the import is (for a progress bar).
    """
    p = Path(path)
    _check_suffix(p)  # a .txt file was read as CSV: one error per row instead of this one
    try:
        report = _import(
            engine, entity(entity_key), p, principal, dry_run, mode, progress or _silent
        )
    except ImportRejected as exc:
        if report_path is not None:
            write_report(report_path, exc.errors)
        raise
    except GaodiError as exc:
        if report_path is not None:
            write_report(report_path, [CellError(p.name, 0, "", "", exc.zh, exc.en)])
        raise
    if report_path is not None:
        write_report(report_path, [], report)
    return report


def _silent(_stage: str, _fraction: float) -> None:
    return None


def _import(
    engine: Engine,
    spec: EntitySpec,
    path: Path,
    principal: Principal,
    dry_run: bool,
    mode: str,
    progress: Callable[[str, float], None],
) -> ImportReport:
    if mode not in ("insert", "upsert"):
        raise ValidationError(
            f"导入方式“{mode}”无效：应为 insert 或 upsert。",
            f"Import mode '{mode}' must be insert or upsert.",
        )
    require(principal, spec.import_action, spec.domain)
    progress("读取 reading", 0.0)
    raw = read_file_isolated(path)
    progress("检查单元格 checking cells", 0.2)
    errors: list[CellError] = []
    tables: dict[str, Table] = {}
    order: dict[str, int] = {}
    header_rows: set[tuple[str, int]] = set()
    for n, (sheet_spec, sheet) in enumerate(select_sheets(raw, spec)):
        tables[sheet_spec.key] = to_table(sheet, sheet_spec, errors)
        order[sheet.name] = n
        header_rows.add((sheet.name, sheet.header_row))
    if any((e.sheet, e.row) in header_rows for e in errors):
        raise ImportRejected(_sorted(errors, order, tables))
    report = ImportReport(
        spec.key, path.name, _sha256(path), mode, dry_run, principal.username, raw.encoding
    )
    try:
        with session_scope(engine, actor=principal.username) as session:
            ctx = Context(session, principal, mode, errors, file_name=path.name)  # type: ignore[arg-type]
            handler = HANDLERS[spec.key](ctx, tables)
            progress("核对数据库 checking against the database", 0.5)
            handler.check()
            if ctx.errors:
                raise ImportRejected(_sorted(ctx.errors, order, tables))
            report.sheets = handler.counts()
            # the sheets' conversions first (they happened first), then the handler's
            report.notes = [n for t in tables.values() for n in t.notes] + list(ctx.notes)
            if dry_run:
                session.rollback()
                progress("完成 done", 1.0)
                return report
            progress("写入 writing", 0.7)
            handler.write()
            audit.record(
                session,
                spec.key,
                "import",
                after=report.to_dict(),
                note=f"{path.name} sha256={report.sha256}",
            )
    except DBAPIError as exc:
        # session_scope has rolled the whole import back; say why instead of a 500.
        conflict = write_conflict(exc)
        if conflict is None:
            raise
        raise conflict from exc
    progress("完成 done", 1.0)
    return report


def _as_of(session: Any, sheets: list[SheetRows]) -> str:
    info = dataset.record(session)
    if info.get("as_of"):
        return str(info["as_of"])
    for rows in sheets:
        if rows.spec.key == "observations" and rows.rows:
            return max(r["period"] for r in rows.rows)
        if rows.spec.key == "enterprise_years" and rows.rows:
            return str(max(r["year"] for r in rows.rows))
        if rows.spec.key == "project_progress" and rows.rows:
            return max(r["period"] for r in rows.rows)
    return "导出时的数据 (data as at export time)"


def export(
    engine: Engine,
    entity_key: str,
    path: str | Path,
    principal: Principal,
    filters: dict[str, Any] | None = None,
    *,
    title: str | None = None,
    lang: str = "zh",
) -> dict[str, int]:
    """Export ``entity_key`` to ``path`` (.xlsx with a 说明 provenance sheet, or CSV with BOM).

    Only rows the principal may read are written. Returns the row count of each sheet. The
    workbook's properties say ``title`` (else the entity's export) and the principal (named in
    ``lang``) as its author.
    """
    spec = entity(entity_key)
    p = Path(path)
    _check_suffix(p)
    filters = dict(filters or {})
    for key, value in filters.items():
        if value in (None, ""):
            continue
        allowed = FILTERS.get(key)
        if allowed is None or not any(s.key in allowed for s in spec.sheets):
            raise ValidationError(
                f"筛选条件“{key}”不适用于“{spec.key}”。",
                f"Filter '{key}' does not apply to {spec.key}.",
            )
    sheets = spec.sheets[:1] if p.suffix.lower() == ".csv" else spec.sheets
    with session_scope(engine) as session:
        exporter = Exporter(session, principal, filters)
        data = [exporter.sheet(s) for s in sheets]
        as_of = _as_of(session, data)
    if p.suffix.lower() == ".csv":
        write_csv(p, data[0].spec, data[0].rows)
    else:
        zh = lang.startswith("zh")
        title = title or (
            f"{spec.zh}数据导出" if zh else f"{spec.en[:1].upper()}{spec.en[1:]} export"
        )
        author = principal_label(principal, zh)
        refs = _refs(engine, principal)
        _write_xlsx(p, spec, data, principal, filters, as_of, refs, title=title, author=author)
    return {d.spec.key: len(d.rows) for d in data}


def _write_xlsx(
    path: Path,
    spec: EntitySpec,
    data: list[SheetRows],
    principal: Principal,
    filters: dict[str, Any],
    as_of: str,
    refs: dict[str, list[str]],
    *,
    title: str | None = None,
    author: str | None = None,
) -> None:
    demo = sum(d.demo for d in data)
    lead = [
        ("数据截至：" + as_of, "Data as of: " + as_of),
        ("生成时间：" + now_text(), "Generated at: " + now_text(zh=False)),
        (
            "生成人：" + principal_label(principal, True),
            "Generated by: " + principal_label(principal, False),
        ),
        (
            "行数：" + "，".join(f"{d.spec.zh} {len(d.rows)}" for d in data),
            "Rows: " + ", ".join(f"{d.spec.key} {len(d.rows)}" for d in data),
        ),
    ]
    used = {k: v for k, v in filters.items() if v not in (None, "")}
    if used:
        text = ", ".join(f"{k}={v}" for k, v in used.items())
        lead.append(("筛选条件：" + text, "Filters: " + text))
    if demo:
        lead.append(
            (
                f"示例数据 (synthetic demo data)：{demo} 行为虚构的示例数据，"
                "不是真实企业或统计数据。",
                f"{demo} row(s) are synthetic demo data, not real enterprises or statistics.",
            )
        )
    lead.append(
        (
            "本文件可修改后用 gaodi import 重新导入。",
            "This file can be edited and imported again with gaodi import.",
        )
    )
    wb = new_workbook(title=title, author=author)
    lists = Lists(refs=refs)
    write_info_sheet(wb, spec, lead)
    lists.prepare(n for d in data for c in d.spec.columns if (n := list_name(c, lists)))
    for d in data:
        write_data_sheet(wb, d.spec, cells(d.spec, d.rows), lists)
    lists.write(wb)
    wb.save(path)


def count_rows(engine: Engine) -> dict[str, int]:
    """Rows of every table (used by tests and the CLI to show that nothing was written)."""
    from sqlalchemy import inspect, table

    with engine.connect() as conn:
        names = sorted(inspect(conn).get_table_names())
        return {
            n: conn.execute(select(func.count()).select_from(table(n))).scalar_one() for n in names
        }

"""``gaodi enterprises``: tier eligibility, 头羊 ranking, an enterprise's profile, search."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from gaodi.ui.cli.output import AS_USER, FORCE, Format, export, format_for
from gaodi.ui.cli.support import cli_session, console, handle_errors

app = typer.Typer(
    help="企业 Enterprises: tiers (规上/创新型/专精特新/小巨人/单项冠军), 头羊 ranking, profiles.",
    no_args_is_help=True,
)


#: What the eligibility table's 不适用 column counts (the SME tiers' size test, sme_size).
NOT_APPLICABLE_LEGEND = (
    "不适用 not applicable：大型企业，不属于中小企业梯度 (a large enterprise: the SME tiers do "
    "not apply)；— 该层级不设企业规模条件 (the tier has no size test)。"
)


class Level(StrEnum):
    above_scale = "above_scale"
    innovative_sme = "innovative_sme"
    srdi_sme = "srdi_sme"
    little_giant = "little_giant"
    champion = "champion"


class Method(StrEnum):
    topsis = "topsis"
    entropy = "entropy"
    entropy_topsis = "entropy_topsis"


class Normalisation(StrEnum):
    minmax = "minmax"
    sum = "sum"


def _value(v: Any, unit: str = "") -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (int, float)):
        if unit == "ratio":
            return f"{v:.1%}"
        return f"{v:,.2f}".rstrip("0").rstrip(".") + (unit if unit not in ("ratio",) else "")
    return str(v)


def describe_miss(c: Any) -> str:
    """'研发费用占营业收入比重不低于3%：实际 2.7%，差 0.3个百分点' (the criterion, actual,
    shortfall; a ratio's shortfall in percentage points, as the eligibility page says it)."""
    unit = c.unit if c.unit != "ratio" else "ratio"
    if c.shortfall is None:
        short = ""
    elif unit == "ratio" and isinstance(c.shortfall, (int, float)):
        from gaodi.enterprises.criteria_format import plain_number

        short = f"，差 {plain_number(c.shortfall, 2, scale=2)}个百分点"
    else:
        short = f"，差 {_value(c.shortfall, unit)}"
    source = getattr(c, "data_source", None)
    if source:
        from gaodi.enterprises.facts import SOURCE_LABELS

        short += f"（{SOURCE_LABELS.get(source, (source,))[0]}）"
    return f"{c.label_zh}：实际 {_value(c.actual, unit)}{short}"


@app.command("eligibility")
@handle_errors
def eligibility_cmd(
    level: Level | None = typer.Option(None, "--level", "-l", help="One tier (default: counts)."),
    near: bool = typer.Option(False, "--near", help="Only those who nearly qualify."),
    year: int | None = typer.Option(None, "--year", help="Year of figures (default: latest)."),
    limit: int = typer.Option(50, "--limit", min=1, help="Rows shown in the table (json: all)."),
    output_format: Format = typer.Option(Format.table, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o"),
    as_user: str | None = AS_USER,
    force: bool = FORCE,
) -> None:
    """Who qualifies for a tier, who nearly does, and which criterion each misses by how much."""
    output_format = format_for(output_format, out)
    from gaodi.enterprises import service

    with cli_session(as_user) as (session, principal):
        report = service.eligibility(
            session,
            principal,
            level=level.value if level else None,
            near_only=near,
            year=year,
            limit=None if output_format is not Format.table else limit,
        )
    if output_format is not Format.table:
        from gaodi.enterprises.export import eligibility_workbook

        export(
            output_format,
            out,
            report,
            lambda author: eligibility_workbook(report, author=author),
            principal,
            overwrite=force,
        )
        return
    table = Table(
        title=f"梯度培育 Tiers（{report.year}年数据 figures）",
        caption=NOT_APPLICABLE_LEGEND,
        caption_justify="left",
    )
    for col in (
        "层级 level",
        "名称",
        "版本",
        "评估 evaluated",
        "不适用 not applicable",
        "达标 qualify",
        "接近 nearly",
        "数据不足 undetermined",
        "已认定 tagged",
    ):
        table.add_column(col, justify="right" if "evaluated" in col or " " in col else "left")
    for lv in report.levels:
        table.add_row(
            lv.level,
            lv.name_zh,
            lv.version,
            f"{lv.evaluated:,}",
            "—" if lv.not_applicable is None else f"{lv.not_applicable:,}",
            f"[green]{lv.qualifies:,}[/]",
            f"[yellow]{lv.nearly:,}[/]",
            f"{lv.undetermined:,}",
            f"{lv.holds_tag:,}",
        )
    console.print(table)
    if report.level is None:
        console.print("用 --level 查看名单 (use --level to list enterprises).")
        return
    rows = Table(
        title=f"{'接近达标' if near else '达标与接近达标'} "
        f"(nearly = one criterion short by ≤ {report.near_margin:.0%})"
    )
    for col in (
        "企业 enterprise",
        "统一社会信用代码",
        "结果",
        "已认定",
        "未达标准及差距 missed (shortfall)",
    ):
        rows.add_column(col, overflow="fold")
    for r in report.rows:
        status = "[green]达标[/]" if r.qualifies else "[yellow]接近[/]"
        missed = "；".join(describe_miss(c) for c in r.missed) or "—"
        if r.missing_count and not r.qualifies:
            missed += f"（另有{r.missing_count}项数据缺失）"
        rows.add_row(r.name, r.uscc, status, "是" if r.holds_tag else "", missed)
    console.print(rows)
    if report.truncated:
        console.print(f"[dim]仅显示前 {limit} 行；--format json 输出全部。[/]")


@app.command("rank")
@handle_errors
def rank_cmd(
    chain: str | None = typer.Option(None, "--chain", "-c", help="Chain code, name or id."),
    top: int = typer.Option(20, "--top", "-n", min=1, max=10_000),
    method: Method | None = typer.Option(
        None,
        "--method",
        "-m",
        help="topsis (rule-file weights), entropy (entropy weights, weighted sum) or "
        "entropy_topsis (entropy weights, then TOPSIS).",
    ),
    normalisation: Normalisation | None = typer.Option(
        None,
        "--normalisation",
        help="How entropy weights normalise the figures: minmax (default; cost criteria "
        "reversed) or sum (shares of raw values, which must be non-negative).",
    ),
    year: int | None = typer.Option(None, "--year"),
    output_format: Format = typer.Option(Format.table, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o"),
    as_user: str | None = AS_USER,
    force: bool = FORCE,
) -> None:
    """头羊 (leader) ranking: multi-criteria scores (criteria and weights in a versioned YAML)."""
    output_format = format_for(output_format, out)
    from gaodi.enterprises import service
    from gaodi.enterprises.schemas import ranked_scope

    with cli_session(as_user) as (session, principal):
        result = service.rank(
            session, principal, chain=chain, top=top, method=method.value if method else None,
            year=year, normalisation=normalisation.value if normalisation else None,
        )  # fmt: skip
    if output_format is not Format.table:
        from gaodi.enterprises.export import rank_workbook

        export(
            output_format,
            out,
            result,
            lambda author: rank_workbook(result, author=author, scoped=principal.is_scoped),
            principal,
            overwrite=force,
        )
        return
    zh, en = ranked_scope(result.chain, principal.is_scoped)
    where = zh if zh == en else f"{zh} {en}"
    console.print(
        f"[bold]头羊排序 Leader ranking[/] {where} · {result.year}年 · {result.method_label_zh} · "
        f"{result.rules}"
    )
    weights = "，".join(
        f"{c.label_zh}{'(−)' if c.direction == 'cost' else ''} {c.weight:.3f}"
        for c in result.criteria
    )
    if not (result.note_zh and result.normalisation):  # entropy weights were not computed
        console.print(f"[dim]权重 weights：{weights}[/]")
    if result.normalisation_label_zh:
        console.print(f"[dim]熵权标准化 normalisation：{result.normalisation_label_zh}[/]")
    console.print(
        f"[dim]参与 ranked {result.population - result.excluded:,}；{result.excluded_reason_zh}[/]"
    )
    if result.note_zh:
        console.print(f"[yellow]{result.note_zh}[/]")
        return
    table = Table()
    table.add_column("#", justify="right")
    table.add_column("企业 enterprise")
    table.add_column("得分 score", justify="right")
    topsis = any(r.d_plus is not None for r in result.rows)
    if topsis:
        table.add_column("D+ 距理想解", justify="right")
        table.add_column("D− 距负理想解", justify="right")
    for c in result.criteria:
        table.add_column(c.label_zh, justify="right")
    for r in result.rows:
        distances = [f"{r.d_plus:.4f}", f"{r.d_minus:.4f}"] if topsis else []
        table.add_row(
            str(r.rank),
            r.name,
            f"{r.score:.3f}",
            *distances,
            *(
                _value(r.values[c.name], c.unit if c.unit == "ratio" else "")
                for c in result.criteria
            ),
        )
    console.print(table)


@app.command("show")
@handle_errors
def show_cmd(
    uscc: str = typer.Argument(..., help="统一社会信用代码 (or the enterprise id)."),
    output_format: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
    as_user: str | None = AS_USER,
) -> None:
    """An enterprise: identity, yearly figures, chain links, and each tier's criteria met/missed."""
    from gaodi.enterprises import service

    with cli_session(as_user) as (session, principal):
        p = service.profile(session, principal, uscc)
    if output_format is not Format.table:
        typer.echo(json.dumps(p.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    console.print(f"[bold]{p.name}[/]  {p.uscc}{'  [dim]示例数据[/]' if p.is_demo else ''}")
    console.print(
        f"行业 {p.industry_code or '—'} {p.industry_name or ''} · 园区 {p.park or '—'} · "
        f"成立 {p.founded or '—'} · 标签 {'、'.join(p.tags) or '—'}"
    )
    if p.links:
        console.print(
            "产业链 chains："
            + "；".join(
                f"{m.chain_name}/{m.link_name}（{m.source} {m.confidence:.2f}）" for m in p.links
            )
        )
    years = Table(title="年度数据 Yearly figures（万元）")
    cols = (
        "year",
        "revenue",
        "main_revenue",
        "output",
        "tax",
        "employees",
        "rd_spend",
        "invention_patents",
    )
    for c in cols:
        years.add_column(c, justify="right")
    for y in p.years:
        years.add_row(*(_value(getattr(y, c)) if c != "year" else str(y.year) for c in cols))
    console.print(years)
    tiers = Table(title=f"梯度 Tiers（{p.tier_year}年）")
    for c in ("层级", "结果", "未达标准及差距 / 缺失数据"):
        tiers.add_column(c, overflow="fold")
    for t in p.tiers:
        if t.applicable is False:
            status = "不适用"
        elif t.qualifies:
            status = "[green]达标[/]"
        elif t.nearly_qualifies:
            status = "[yellow]接近[/]"
        elif not t.determined:
            status = "数据不足"
        else:
            status = "[red]未达标[/]"
        if t.holds_tag:
            status += "（已认定）"
        detail = "；".join(describe_miss(c) for c in t.missed)
        if t.size_note_zh:  # why an SME tier does not apply, or why its size is unknown
            detail = t.size_note_zh + ("；" if detail else "") + detail
        if t.missing and not t.qualifies and t.applicable is not False:
            detail += (
                ("；" if detail else "") + "缺：" + "、".join(c.label_zh for c in t.missing[:4])
            )
            if len(t.missing) > 4:
                detail += f" 等{len(t.missing)}项"
        tiers.add_row(t.name_zh, status, detail or "—")
    console.print(tiers)


@app.command("search")
@handle_errors
def search_cmd(
    q: str | None = typer.Argument(None, help="Part of the name, or a USCC."),
    chain: str | None = typer.Option(None, "--chain"),
    park: int | None = typer.Option(None, "--park"),
    tag: str | None = typer.Option(None, "--tag"),
    page: int = typer.Option(1, "--page", min=1),
    per_page: int = typer.Option(20, "--per-page", min=1, max=200),
    as_user: str | None = AS_USER,
) -> None:
    """Search enterprises by name/USCC, chain, park or tag."""
    from gaodi.enterprises import service
    from gaodi.enterprises.schemas import EnterpriseFilter

    f = EnterpriseFilter(q=q, chain=chain, park=park, tag=tag, page=page, per_page=per_page)
    with cli_session(as_user) as (session, principal):
        result = service.search(session, principal, f)
    table = Table(title=f"企业 Enterprises：{result.total:,}（第{result.page}/{result.pages}页）")
    for c in ("统一社会信用代码", "企业", "园区", "行业", "产业链", "标签"):
        table.add_column(c, overflow="fold")
    for r in result.rows:
        table.add_row(
            r.uscc, r.name, r.park or "—", r.industry_code or "—", "、".join(r.chains) or "—",
            "、".join(r.tags) or "—",
        )  # fmt: skip
    console.print(table)

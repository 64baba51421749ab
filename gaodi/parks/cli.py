"""``gaodi parks``: 亩均效益 evaluation of enterprises and parks, tiers toward the plan's
千亿/3000亿 targets, the 两主一特/一主一特 positioning check, a park's enterprise list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from gaodi.core.errors import ValidationError
from gaodi.ui.cli.output import AS_USER, Format, export, format_for
from gaodi.ui.cli.support import cli_session, console, handle_errors

app = typer.Typer(
    help="园区 Parks: 亩均效益 classes A-D, park ranking, tiers (千亿/3000亿), positioning.",
    no_args_is_help=True,
)

CLASS_STYLE = {"A": "[green]A[/]", "B": "[cyan]B[/]", "C": "[yellow]C[/]", "D": "[red]D[/]"}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _benchmarks(path: Path | None) -> dict[str, dict[str, float]] | None:
    """``{scheme_id: {indicator_id: value}}`` from a YAML file (e.g. 临海's < 3 亩 bases)."""
    if path is None:
        return None
    from gaodi.core.rulefile import read_yaml

    data = read_yaml(path)  # bad YAML, a binary file, no file: an error naming the file
    ok = all(
        isinstance(v, dict) and all(isinstance(x, (int, float)) for x in v.values())
        for v in data.values()
    )
    if not ok:
        raise ValidationError(
            f"{path.name} 须为 {{方案: {{指标: 数值}}}} 形式的 YAML。",
            f"{path.name} must be YAML of the form {{scheme: {{indicator: number}}}}.",
        )
    return {str(k): {str(i): float(x) for i, x in v.items()} for k, v in data.items()}


@app.command("evaluate")
@handle_errors
def evaluate_cmd(
    year: int | None = typer.Option(None, "--year", "-y", help="Year of figures (default latest)."),
    scheme: str = typer.Option(
        "default", "--scheme", "-s", help="Rule set: default, huangyan_2022 or linhai_2016."
    ),
    output_format: Format = typer.Option(Format.table, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write to this file."),
    benchmarks: Path | None = typer.Option(
        None, "--benchmarks", help="YAML {scheme: {indicator: divisor}} where the source is silent."
    ),
    as_user: str | None = AS_USER,
) -> None:
    """亩均效益评价 Evaluate enterprises (A/B/C/D) and rank parks; tiers and positioning."""
    output_format = format_for(output_format, out)
    from gaodi.parks import service

    bench = _benchmarks(benchmarks)
    with cli_session(as_user) as (session, principal):
        state = service.compute(session, principal, year=year, scheme=scheme, benchmarks=bench)
        ev = service.evaluate(session, principal, state=state)
        firms = (
            service.evaluated_enterprises(session, principal, state=state)
            if output_format is Format.xlsx
            else []
        )
    if output_format is not Format.table:
        from gaodi.parks.export import workbook

        export(
            output_format,
            out,
            ev,
            lambda author: workbook(ev, firms, service.indicators(scheme), author=author),
            principal,
        )
        return
    _print(ev)


def _print(ev: Any) -> None:
    from gaodi.parks.export import LEVELS, tier_text

    p = ev.provenance
    title = f"园区亩均效益 Park per-mu ranking（{p.year}年, {p.scheme} v{p.scheme_version}）"
    table = Table(title=title)
    for col, justify in (
        ("排名 rank", "right"),
        ("园区 park", "left"),
        ("级别 level", "left"),
        ("参评 firms", "right"),
        ("A", "right"),
        ("B", "right"),
        ("C", "right"),
        ("D", "right"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for i in ev.indicators:
        table.add_column(f"{i.label_zh} {i.unit}", justify="right")
    table.add_column("得分 score", justify="right")
    for r in ev.parks:
        table.add_row(
            "—" if r.rank is None else str(r.rank),
            r.short_name or r.name,
            # the Chinese table names the level as the web page does (国家级/省级), not its code
            LEVELS.get(r.level, (r.level or "—",))[0],
            str(r.n_evaluated),
            *[str(r.classes.get(k, 0)) for k in "ABCD"],
            *[_num(r.values.get(i.id), 4 if i.unit == "ratio" else 2) for i in ev.indicators],
            _num(r.score, 1),
        )
    console.print(table)
    tiers = Table(title="园区能级进度 Tier progress（年均增速 = 产值 CAGR; n = ln(T/X)/ln(1+g)）")
    tiers.add_column("园区 park")
    tiers.add_column("产值 亿元", justify="right")
    tiers.add_column("年均增速 CAGR", justify="right")
    first = ev.parks[0].tiers if ev.parks else []
    for t in first:
        tiers.add_column(f"{t.label_zh} {t.label_en}")
    for r in ev.parks:
        since = f" ({r.growth_start}–)" if r.growth_start else ""
        tiers.add_row(
            r.short_name or r.name,
            _num(r.output, 1),
            _pct(r.growth) + since,
            *[tier_text(t) for t in r.tiers],
        )
    console.print(tiers)
    for t in ev.targets:
        mark = "[green]✓ 达标[/]" if t.met else "[red]✗ 未达标[/]"
        console.print(
            f"全市{t.label_zh}：{t.count} 个（目标 {t.target_count} 个，{t.target_year}年，"
            f"“{t.quote}”）{mark}"
        )
    pos = Table(title="功能定位 Positioning（国家级“两主一特”，省级“一主一特”）")
    for col in (
        "园区 park",
        "定位 function",
        "主导产业 main",
        "特色产业 special",
        "合计占比 focus",
    ):
        pos.add_column(col)
    for r in ev.parks:
        ps = r.positioning
        if ps is None:
            continue
        main = "、".join(f"{i.name} {_pct(i.share)}" for i in ps.industries if i.kind == "main")
        special = "、".join(
            f"{i.name} {_pct(i.share)}" for i in ps.industries if i.kind == "special"
        )
        count = "" if ps.conforms_count is None else (" ✓" if ps.conforms_count else " ✗ 个数")
        focus = _pct(ps.focus_share) + ("" if ps.focused is not False else " [yellow]低[/]")
        pos.add_row(r.short_name or r.name, (ps.function_zh or "—") + count, main, special, focus)
    console.print(pos)
    from gaodi.parks.export import counts_scope_text, not_evaluated_text, rank_base_text, rules_text

    left = not_evaluated_text(ev) or "无 none"
    console.print(f"参评企业 evaluated: {ev.n_evaluated:,}；未参评 not evaluated: {left}")
    # a park office counts its own firms but is ranked among the city's parks: both said
    console.print(
        f"企业数范围 firms counted: {counts_scope_text(ev)}；排名 rank: {rank_base_text(ev)}"
    )
    classes, files = rules_text(ev)
    console.print(f"[dim]分类 classes：{classes}；规则 rules：{files}[/]")


@app.command("enterprises")
@handle_errors
def enterprises_cmd(
    park: int = typer.Argument(..., help="Park id."),
    year: int | None = typer.Option(None, "--year", "-y"),
    scheme: str = typer.Option("default", "--scheme", "-s"),
    klass: str | None = typer.Option(None, "--class", help="Only this class (A, B, C or D)."),
    page: int = typer.Option(1, "--page", min=1),
    per_page: int = typer.Option(50, "--per-page", min=1, max=500),
    output_format: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
    as_user: str | None = AS_USER,
) -> None:
    """一个园区的企业亩均评价 A park's enterprises with their class, score and indicators."""
    from gaodi.parks import service

    with cli_session(as_user) as (session, principal):
        res = service.park_enterprises(
            session,
            principal,
            park,
            year=year,
            scheme=scheme,
            klass=klass,
            page=page,
            per_page=per_page,
        )
    if output_format is Format.json:
        typer.echo(res.model_dump_json(indent=2, by_alias=True))
        return
    if output_format is Format.xlsx:
        raise ValidationError("enterprises 只支持 table 或 json。", "Use table or json here.")
    table = Table(
        title=f"{res.park.name}（{res.provenance.year}年）第 {res.page}/{res.pages} 页，"
        f"{res.total} 家 firms"
    )
    for col in ("企业 enterprise", "分组 segment", "等级 class", "得分 score", "组内排名 rank"):
        table.add_column(col)
    for r in res.rows:
        table.add_row(
            r.name,
            r.segment_label,
            CLASS_STYLE.get(r.klass, r.klass),
            f"{r.score:.1f}",
            f"{r.rank}/{r.segment_size}",
        )
    console.print(table)
    console.print(" ".join(f"{k}: {v}" for k, v in res.counts.items()))

"""``gaodi chains``: list chains, (re)map enterprises to links, diagnose, 招商 candidates."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gaodi.analytics.chains import share_pct
from gaodi.core.errors import ValidationError
from gaodi.ui.cli.output import AS_USER, FORCE, Format, export, format_for
from gaodi.ui.cli.support import cli_session, console, handle_errors

app = typer.Typer(
    help="产业链 Chains: the atlas, enterprise mapping, gap diagnosis, 招商 candidates.",
    no_args_is_help=True,
)

STATUS_STYLE = {
    "missing": "[red]● 缺链[/]",
    "weak": "[yellow]● 弱链[/]",
    "strong": "[green]● 强链[/]",
}
SEGMENT_ZH = {"up": "上游", "mid": "中游", "down": "下游"}


class BenchmarkKind(StrEnum):
    median = "median"
    peer = "peer"
    national = "national"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _yi(wan: float | None) -> str:
    return "—" if wan is None else f"{wan / 1e4:,.2f}"


# --------------------------------------------------------------------------- list


@app.command("list")
@handle_errors
def list_cmd(
    output_format: Format = typer.Option(Format.table, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o"),
    as_user: str | None = AS_USER,
    force: bool = FORCE,
) -> None:
    """Every chain with its completeness, strength and counts of missing and weak links."""
    output_format = format_for(output_format, out)
    from gaodi.chains import service

    with cli_session(as_user) as (session, principal):
        summary = service.chain_summary(session, principal)
    if output_format is not Format.table:
        from gaodi.chains.export import summary_workbook

        export(
            output_format,
            out,
            summary,
            lambda author: summary_workbook(summary, author=author),
            principal,
            overwrite=force,
        )
        return
    p = summary.provenance
    table = Table(title=f"产业链 Chains（{p.year}年数据 figures, {p.rules}）")
    for col, justify in (
        ("编码 code", "left"),
        ("产业链 chain", "left"),
        ("环节 links", "right"),
        ("企业 firms", "right"),
        ("产值 亿元", "right"),
        ("完整度 complete", "right"),
        ("强度 strength", "right"),
        ("缺链 missing", "right"),
        ("弱链 weak", "right"),
        ("缺失关键环节 missing key links", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for r in summary.chains:
        table.add_row(
            r.chain.code,
            r.chain.name,
            str(r.n_links),
            f"{r.enterprises:,}",
            _yi(r.output),
            _pct(r.completeness),
            _pct(r.strength),
            f"[red]{r.n_missing}[/]" if r.n_missing else "0",
            f"[yellow]{r.n_weak}[/]" if r.n_weak else "0",
            "、".join(r.missing_key_links) or "—",
        )
    console.print(table)


# --------------------------------------------------------------------------- map


@app.command("map")
@handle_errors
def map_cmd(
    chain: str | None = typer.Argument(None, help="Chain code, name or id (default: all)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report the changes, write nothing."),
    output_format: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
    as_user: str | None = AS_USER,
) -> None:
    """(Re)assign enterprises to links by rule (industry code + keywords, with confidence).

    Manual assignments win and are never touched; a removed or changed rule row is closed
    (valid_to), not deleted, so the history stays.
    """
    from gaodi.chains import remap

    stages = {"load": "读取 loading", "rule": "规则匹配 matching", "write": "写入 writing"}
    with (
        cli_session(as_user) as (session, principal),
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=output_format is Format.json,
        ) as bar,
    ):
        task = bar.add_task("映射 mapping", total=1)

        def report(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=stages.get(stage, stage))

        result = remap.map_chains(session, principal, chain, dry_run=dry_run, progress=report)
    if output_format is Format.json:
        typer.echo(result.model_dump_json(indent=2))
        return
    if output_format is Format.xlsx:
        raise ValidationError("map 只支持 table 或 json。", "map supports table or json only.")
    word = "（试运行，未写入 dry run, nothing written）" if result.dry_run else ""
    title = f"环节映射 Link mapping {word}（{result.rules}，{result.enterprises:,}家企业）"
    table = Table(title=title)
    for col in (
        "编码 code",
        "产业链 chain",
        "环节 links",
        "新增 added",
        "移除 removed",
        "置信度变化 changed",
        "不变 unchanged",
        "人工保留 manual kept",
        "现有 current",
    ):
        table.add_column(col, justify="left" if "chain" in col or "code" in col else "right")
    for c in result.chains:
        table.add_row(
            c.code,
            c.name,
            str(c.links),
            f"[green]+{c.added}[/]" if c.added else "0",
            f"[red]-{c.removed}[/]" if c.removed else "0",
            f"[yellow]{c.changed}[/]" if c.changed else "0",
            f"{c.unchanged:,}",
            str(c.manual_kept),
            f"{c.current:,}",
        )
    table.add_section()
    table.add_row(
        "",
        "合计 total",
        "",
        str(result.added),
        str(result.removed),
        str(result.changed),
        f"{result.unchanged:,}",
        str(result.manual_kept),
        "",
    )
    console.print(table)


# --------------------------------------------------------------------------- diagnose


@app.command("diagnose")
@handle_errors
def diagnose_cmd(
    chain: str | None = typer.Argument(None, help="Chain code, name or id (default: all)."),
    output_format: Format = typer.Option(Format.table, "--format", "-f"),
    benchmark: BenchmarkKind | None = typer.Option(
        None, "--benchmark", "-b", help="What a link's share is compared with (default: rules)."
    ),
    peer: str | None = typer.Option(
        None, "--peer", help="Peer city (GB/T 2260 code) for --benchmark peer."
    ),
    year: int | None = typer.Option(None, "--year", help="Year of figures (default: latest)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write to this file."),
    as_user: str | None = AS_USER,
    force: bool = FORCE,
) -> None:
    """Each link's status (缺链/弱链/强链) with its reason, risk, scores and recommendations."""
    output_format = format_for(output_format, out)
    from gaodi.chains import service

    kind = benchmark.value if benchmark else None
    with cli_session(as_user) as (session, principal):
        if chain is None:
            results = service.diagnose_all(session, principal, benchmark=kind, peer=peer, year=year)
        else:
            results = [
                service.diagnose(session, principal, chain, benchmark=kind, peer=peer, year=year)
            ]
    if output_format is not Format.table:
        from gaodi.chains.export import diagnosis_workbook

        data = [r.model_dump(mode="json") for r in results]
        payload = data[0] if chain is not None else data
        export(
            output_format,
            out,
            payload,
            lambda author: diagnosis_workbook(results, author=author),
            principal,
            overwrite=force,
        )
        return
    for r in results:
        _print_diagnosis(r, detail=chain is not None)


def _print_diagnosis(r: Any, detail: bool) -> None:
    p = r.provenance
    console.print(
        f"\n[bold]{r.chain.name}[/] ({r.chain.code})  完整度 completeness {_pct(r.completeness)}"
        f"  强度 strength {_pct(r.strength)}  缺链 {r.n_missing} 弱链 {r.n_weak} 强链 "
        f"{r.n_strong}  [dim]{p.year}年 · {p.rules} · 对标 {p.benchmark}[/]"
    )
    console.print(f"[dim]{r.completeness_reason_zh}；强度：{r.strength_reason_zh}[/]")
    table = Table(show_lines=False)
    for col, justify in (
        ("环节 link", "left"),
        ("", "left"),
        ("企业", "right"),
        ("规上", "right"),
        ("产值 亿元", "right"),
        ("占比", "right"),
        ("龙头", "right"),
        ("风险 risk", "left"),
        ("状态", "left"),
    ):
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for row in r.links:
        indent = "  " * row.depth
        table.add_row(
            f"{indent}{row.name}{' ★' if row.key_link else ''}",
            SEGMENT_ZH.get(row.segment, row.segment),
            str(row.enterprises),
            str(row.above_scale),
            _yi(row.output),
            "—" if row.output_share is None else share_pct(row.output_share),
            str(row.leaders),
            row.risk_level_zh,
            STATUS_STYLE[row.status],
        )
    console.print(table)
    if detail:
        console.print("[bold]原因 Reasons[/]")
        for row in r.links:
            console.print(f"{STATUS_STYLE[row.status]} {row.name}：{row.reason_zh}")
            if row.risk_level not in ("none",):
                console.print(f"    [dim]风险 risk：{row.risk_reason_zh}[/]")
    if detail and r.recommendations:
        rec = Table(title="建议 Recommendations")
        for col in ("优先级", "类型", "环节", "原因 reason"):
            rec.add_column(col, overflow="fold")
        for x in r.recommendations:
            rec.add_row(str(x.priority), x.kind_zh, x.link_name, x.reason_zh)
        console.print(rec)


# --------------------------------------------------------------------------- recommend


@app.command("recommend")
@handle_errors
def recommend_cmd(
    chain: str = typer.Argument(..., help="Chain code, name or id."),
    link: str | None = typer.Option(
        None, "--link", "-l", help="One link (code, name or id); default: every missing/weak one."
    ),
    top: int = typer.Option(10, "--top", "-n", min=1, max=500, help="Candidates per link."),
    output_format: Format = typer.Option(Format.table, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o"),
    pool_registry: Path | None = typer.Option(
        None,
        "--pool-registry",
        help="Take the candidates from this registry (.parquet/.csv; the columns of "
        "map-registry) instead of the database's external pool.",
    ),
    pool_assignments: Path | None = typer.Option(
        None,
        "--pool-assignments",
        help="With --pool-registry: only the firms this assignments.parquet (of map-registry) "
        "puts on the chain.",
    ),
    engine: str | None = typer.Option(
        None, "--engine", help="For --pool-registry: polars, duckdb or spark."
    ),
    as_user: str | None = AS_USER,
    force: bool = FORCE,
) -> None:
    """招商 candidates from the external pool for missing and weak links, with reasons."""
    output_format = format_for(output_format, out)
    from gaodi.chains import service

    if pool_assignments is not None and pool_registry is None:
        raise ValidationError(
            "--pool-assignments 需与 --pool-registry 一起使用。",
            "--pool-assignments needs --pool-registry (the registry holds the firms' names).",
        )
    with cli_session(as_user) as (session, principal):
        pool = None
        if pool_registry is not None:
            from gaodi.chains.registry import registry_pool

            pool = registry_pool(
                session, principal, chain, pool_registry,
                assignments=pool_assignments, engine=engine,
            )  # fmt: skip
        result = service.recommend(session, principal, chain, link=link, top=top, pool=pool)
    if output_format is not Format.table:
        from gaodi.chains.export import candidates_workbook

        export(
            output_format,
            out,
            result,
            lambda author: candidates_workbook(result, author=author),
            principal,
            overwrite=force,
        )
        return
    console.print(
        f"[bold]{result.chain.name}[/] 招商候选 attraction candidates（企业池 pool "
        f"{result.pool_size:,}）"
    )
    if not result.links:
        console.print("没有缺链或弱链。 No missing or weak link.")
    for lk in result.links:
        console.print(f"\n{STATUS_STYLE[lk.status]} [bold]{lk.link_name}[/] — {lk.reason_zh}")
        console.print(f"[dim]{lk.eligible_note_zh}[/]")
        if not lk.candidates:
            console.print("  （无匹配的候选企业 no matching candidate）")
            continue
        table = Table()
        for col, justify in (
            ("#", "right"),
            ("企业 enterprise", "left"),
            ("城市", "left"),
            ("得分", "right"),
            ("原因 reason", "left"),
        ):
            table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
        for c in lk.candidates:
            table.add_row(str(c.rank), c.name, c.city or "—", f"{c.score:.2f}", c.reason_zh)
        console.print(table)


# --------------------------------------------------------------------------- proposals


@app.command("propose")
@handle_errors
def propose_cmd(
    chain: str = typer.Argument(..., help="Chain code, name or id."),
    link_id: int = typer.Argument(..., help="The link's id."),
    enterprise: str = typer.Argument(..., help="The enterprise's USCC."),
    note: str | None = typer.Option(None, "--note", help="Why it belongs on the link."),
    as_user: str | None = AS_USER,
) -> None:
    """Propose an enterprise for a link; it joins the link once the bureau approves."""
    from gaodi.chains import proposals

    with cli_session(as_user) as (session, principal):
        row = proposals.propose(session, principal, chain, link_id, enterprise, note)
        pid = row.id
    console.print(f"已提议（编号 {pid}），待批准。 Proposal {pid} sent, waiting for approval.")


@app.command("proposals")
@handle_errors
def proposals_cmd(
    status: str = typer.Option("pending", "--status", help="pending, approved, rejected or all."),
    as_user: str | None = AS_USER,
) -> None:
    """Proposals to put an enterprise on a link."""
    from gaodi.chains import proposals

    with cli_session(as_user) as (session, principal):
        rows = proposals.proposals(session, principal, status=None if status == "all" else status)
    table = Table()
    for col in ("#", "环节 link", "企业 enterprise", "USCC", "状态 status", "提议人 by", "备注"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            str(r.id), r.link_name, r.enterprise_name, r.enterprise_uscc, r.status,
            r.proposed_by, r.note or "",
        )  # fmt: skip
    console.print(table)


def _decide(proposal_id: int, approve: bool, note: str | None, as_user: str | None) -> None:
    from gaodi.chains import proposals

    with cli_session(as_user) as (session, principal):
        proposals.decide(session, principal, proposal_id, approve, note)
    if approve:
        console.print(f"提议 {proposal_id} 已批准。 Proposal {proposal_id} approved.")
    else:
        console.print(f"提议 {proposal_id} 已驳回。 Proposal {proposal_id} rejected.")


@app.command("approve")
@handle_errors
def approve_cmd(
    proposal_id: int = typer.Argument(..., help="The proposal's number."),
    note: str | None = typer.Option(None, "--note"),
    as_user: str | None = AS_USER,
) -> None:
    """Approve a proposal: the enterprise is put on the link by hand."""
    _decide(proposal_id, True, note, as_user)


@app.command("reject")
@handle_errors
def reject_cmd(
    proposal_id: int = typer.Argument(..., help="The proposal's number."),
    note: str | None = typer.Option(None, "--note"),
    as_user: str | None = AS_USER,
) -> None:
    """Reject a proposal: nothing changes on the link."""
    _decide(proposal_id, False, note, as_user)

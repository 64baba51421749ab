"""``gaodi clusters``: the "1+2+N" advanced-manufacturing cluster system and its figures."""

from __future__ import annotations

from enum import StrEnum

import typer
from rich.markup import escape
from rich.table import Table

from gaodi.core.provenance import as_provenance
from gaodi.ui.cli.support import cli_session, console, handle_errors

app = typer.Typer(
    help="集群 Clusters: the 1+2+N system; output, growth, LQ, leaders, 专精特新, completeness.",
    no_args_is_help=True,
)


class Format(StrEnum):
    table = "table"
    json = "json"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


@app.command("show")
@handle_errors
def show_cmd(
    year: int | None = typer.Option(None, "--year", "-y", help="Year of figures (default latest)."),
    group: str | None = typer.Option(
        None, "--group", "-g", help="Peer group of the LQ: plan, similar_size, all, custom."
    ),
    peers: str | None = typer.Option(
        None, "--peers", help="Region codes for a custom peer group, e.g. 110000,310000."
    ),
    output_format: Format = typer.Option(Format.table, "--format", "-f"),
    as_user: str | None = typer.Option(None, "--as", help="See what this user may see."),
) -> None:
    """“1+2+N”集群体系 Every cluster by tier, with its figures."""
    from gaodi.clusters import service
    from gaodi.regions.panel import parse_codes

    with cli_session(as_user) as (session, principal):
        res = service.cluster_system(
            session, principal, year=year, group=group, peers=parse_codes(peers)
        )
    if output_format is Format.json:
        typer.echo(res.model_dump_json(indent=2))
        return
    p = res.provenance
    lq_of = f"LQ vs {p.peer_group_label}（{p.panel_year}）" if p.peer_group else "LQ"
    for g in res.groups:
        target = f"，目标 {g.target} 个" if g.target is not None else ""
        table = Table(
            title=f"{g.label_zh}（已认定 {g.recognised}、规划 {g.planned}{target}）",
            caption=g.quote or None,
        )
        for col, justify in (
            ("集群 cluster", "left"),
            ("级别 tier", "left"),
            ("状态 status", "left"),
            ("产业链 chains", "left"),
            ("企业 firms", "right"),
            ("产值 亿元", "right"),
            ("增速 growth", "right"),
            (lq_of, "right"),
            ("头羊 leaders", "left"),
            ("专精特新 SRDI", "right"),
            ("每百家 /100", "right"),
            ("每亿元 /亿元", "right"),
            ("完整度 complete", "right"),
        ):
            # The cluster's name is never cut or wrapped (it is what people search for);
            # the other columns wrap to make room.
            if col == "集群 cluster":
                table.add_column(col, justify=justify, no_wrap=True, min_width=22)  # type: ignore[arg-type]
            else:
                table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
        for r in g.clusters:
            status = "[green]已认定[/]" if r.status == "recognised" else "[yellow]规划[/]"
            table.add_row(
                r.name,
                r.tier_label_zh,
                status + (f" {r.year}" if r.year else ""),
                "、".join(c.name for c in r.chains)
                + (f" (+{r.chains_hidden})" if r.chains_hidden else ""),
                "—" if r.enterprises is None else f"{r.enterprises:,}",
                _num(r.output, 1),
                _pct(r.growth),
                _num(r.lq),
                "、".join(r.leaders[:3]) or "—",
                "—" if r.srdi is None else str(r.srdi),
                _num(r.srdi_per_100, 1),
                _num(r.srdi_per_yi, 3),
                _pct(r.completeness),
            )
        console.print(table)
        for r in g.clusters:  # each cluster's public source, in the words the pages show
            cited = as_provenance(r.citation or r.source).describe("zh")
            console.print(f"[dim]{escape(r.name)}：{escape(cited)}[/]", soft_wrap=True)
    console.print(
        f"[dim]{p.year}年企业数据 figures; 规则 rules {p.rule_sets}; 增速 = 同一批企业的同比[/]"
    )
    if res.notice_zh:
        console.print(f"[yellow]{res.notice_zh}[/]")

"""``gaodi smart …``: self-assessment forms and imports, level roll-ups, provider matching,
registry exports, and the roll-up written to a plan indicator.

The CLI acts as the machine's operator (the ``system`` principal, every row visible); each change
is audited under ``cli:<login>``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import typer
from rich.table import Table

from gaodi.core import asof
from gaodi.core.periods import parse_day
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.smart.schemas import DEFAULT_SCHEME
from gaodi.ui.cli.support import console, engine, handle_errors, operator_name

app = typer.Typer(
    help="Smart manufacturing: digital-level self-assessment, roll-ups, providers. "
    "智能制造：数字化水平自评、汇总、服务商匹配。",
    no_args_is_help=True,
)
JSON_OPT = typer.Option(False, "--json", help="Print JSON instead of a table.")


@app.command("form")
@handle_errors
def form(
    file: Path = typer.Argument(..., help="Where to write the .xlsx form."),
    scheme: str = typer.Option(DEFAULT_SCHEME, "--scheme", help="Scheme (rule file name)."),
    enterprise: str | None = typer.Option(None, "--enterprise", help="Pre-fill this USCC."),
) -> None:
    """Write the Excel questionnaire of a scheme (a drop-down on every answer cell)."""
    from gaodi.smart import excel, service

    s = service.scorable_scheme(scheme)
    uscc = name = None
    if enterprise:
        with session_scope(engine()) as session:
            ent = service.enterprise(session, SYSTEM, uscc=enterprise)
            uscc, name = ent.uscc, ent.name
    file.write_bytes(excel.build_form(s, uscc=uscc, name=name))
    console.print(
        f"[green]✓[/] {file}  ({s.title_zh}, {len(s.items)} 题, {len(s.scenarios)} 个场景)"
    )


@app.command("assess")
@handle_errors
def assess(
    uscc: str = typer.Argument(..., help="The enterprise's USCC (must match the form)."),
    file: Path = typer.Option(..., "--file", help="The filled .xlsx form."),
) -> None:
    """Import a filled questionnaire as a new assessment (all-or-nothing, errors by cell)."""
    from gaodi.smart import excel, service

    data = file.read_bytes()
    with session_scope(engine(), actor=operator_name()) as session:
        row = excel.import_form(session, SYSTEM, data, uscc=uscc, source="cli")
        console.print(
            f"[green]✓[/] #{row.id} {row.assessed_on}: {row.total:g} 分 → {row.level_name}"
        )
        earlier = service.superseded(session, SYSTEM, row)
        if earlier is not None:
            console.print(
                f"[yellow]![/] 更正同日的自评记录 #{earlier.id}（{earlier.level_name}），"
                "原记录保留在历史中。"
            )
        for c in row.caveats:
            console.print(f"[yellow]![/] {c}")


@app.command("history")
@handle_errors
def history(
    uscc: str = typer.Argument(..., help="The enterprise's USCC."), as_json: bool = JSON_OPT
) -> None:
    """An enterprise's assessments by date."""
    from gaodi.smart import service

    with session_scope(engine()) as session:
        ent = service.enterprise(session, SYSTEM, uscc=uscc)
        rows = [service.summary(r, ent) for r in service.history(session, SYSTEM, ent.id)]
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False))
        return
    table = Table(title=f"{ent.name} 自评记录")
    for col in ("id", "date", "scheme", "total", "level", "source"):
        table.add_column(col)
    for r in rows:
        total = "—" if r.total is None else f"{r.total:g}"
        table.add_row(str(r.id), str(r.assessed_on), r.scheme_id, total, r.level_name, r.source)
    console.print(table)


@app.command("levels")
@handle_errors
def levels(
    by: Literal["chain", "park", "size", "industry"] | None = typer.Option(
        None, "--by", help="Group by chain, park, size or industry."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="Latest assessments on or before."),
    level: int = typer.Option(2, "--level", help="Share of above-scale firms at or above."),
    as_json: bool = JSON_OPT,
) -> None:
    """Level distribution of the latest self-assessments (city-wide, or by group)."""
    from gaodi.smart import rollup

    # a bad day is one line, and a day after today or before any period is refused with the
    # allowed range, as on /smart (a bare fromisoformat answered a traceback)
    day = parse_day(as_of, "--as-of")
    if day is not None:
        asof.check_day(day, field="as_of")
    with session_scope(engine()) as session:
        r = rollup.level_rollup(session, SYSTEM, by=by, as_of=day, level=level)
    if as_json:
        typer.echo(r.model_dump_json())
        return
    demo = "（示例数据）" if r.demo else ""
    table = Table(title=f"{r.scheme_title} 等级分布，截至 {r.as_of}{demo}")
    table.add_column("group")
    table.add_column("n", justify="right")
    for name in r.level_names.values():
        table.add_column(name, justify="right")
    table.add_column(f"规上{r.threshold_level_name}+", justify="right")
    for g in [*r.groups, r.city]:
        share = "—" if g.above_scale_share is None else f"{g.above_scale_share:.1%}"
        table.add_row(
            g.label, str(g.total), *(str(c.count) for c in g.levels),
            f"{share} ({g.above_scale_at_or_above}/{g.above_scale})",
        )  # fmt: skip
    console.print(table)
    for c in r.caveats:
        console.print(f"[yellow]![/] {c}")


@app.command("providers")
@handle_errors
def providers(
    for_uscc: str = typer.Option(..., "--for", help="Rank providers for this enterprise."),
    limit: int = typer.Option(10, "--limit", min=1, help="Providers shown (at least 1)."),
    as_json: bool = JSON_OPT,
) -> None:
    """Providers ranked for the gaps of an enterprise's latest assessment, with reasons."""
    from gaodi.core.errors import NotFoundError
    from gaodi.smart import registry, service

    with session_scope(engine()) as session:
        ent = service.enterprise(session, SYSTEM, uscc=for_uscc)
        row = service.latest(session, SYSTEM, ent.id)
        if row is None:
            raise NotFoundError(
                f"企业 {ent.uscc} 还没有自评记录。", f"Enterprise {ent.uscc} has no assessment."
            )
        matches = registry.match_providers(session, SYSTEM, row, ent, limit=limit)
    if as_json:
        typer.echo(json.dumps([m.model_dump() for m in matches], ensure_ascii=False))
        return
    table = Table(title=f"{ent.name}（{row.level_name}，{row.assessed_on}）的服务商匹配")
    for col in ("#", "provider", "score", "fit", "reasons"):
        table.add_column(col, overflow="fold")
    for i, m in enumerate(matches, start=1):
        name = m.name + (" [示例]" if m.is_demo else "")
        table.add_row(str(i), name, f"{m.score:.3f}", f"{m.fit:.2f}", m.reasons)
    console.print(table)


@app.command("export")
@handle_errors
def export_registry(
    what: Literal["providers", "recognitions", "platforms"] = typer.Argument(...),
    file: Path = typer.Argument(..., help="The .xlsx file to write."),
) -> None:
    """Export a registry (providers, recognitions, platforms) to Excel."""
    from gaodi.core.permissions import OPERATOR_LABEL
    from gaodi.smart import export, registry
    from gaodi.smart.schemas import PlatformFilter, ProviderFilter, RecognitionFilter

    author = OPERATOR_LABEL[0]  # the machine's operator, as the other CLI files name them
    with session_scope(engine()) as session:
        if what == "providers":
            rows = registry.list_providers(session, SYSTEM, ProviderFilter())
            data = export.providers(rows, author=author)
        elif what == "recognitions":
            found = registry.list_recognitions(session, SYSTEM, RecognitionFilter())
            data = export.recognitions(found, author=author)
        else:
            listed = registry.list_platforms(session, SYSTEM, PlatformFilter())
            data = export.platforms(listed, author=author)
    file.write_bytes(data)
    console.print(f"[green]✓[/] {file}")


@app.command("observe")
@handle_errors
def observe(
    indicator: str = typer.Argument(..., help="Indicator code."),
    period: str = typer.Option(..., "--period", help="YYYY, YYYY-Qn or YYYY-MM."),
    level: int = typer.Option(2, "--level", help="At or above this level."),
    scope: Literal["city", "chain", "park"] = typer.Option("city", "--scope"),
    scope_id: int = typer.Option(0, "--scope-id"),
    population: Literal["above_scale", "all"] = typer.Option("above_scale", "--population"),
    confirm: bool = typer.Option(False, "--confirm", help="Accept a flagged value."),
    reason: str | None = typer.Option(None, "--reason", help="Why a flagged value is right."),
) -> None:
    """Write the roll-up (share at or above a level) as the indicator's next revision."""
    from gaodi.smart import rollup

    with session_scope(engine(), actor=operator_name()) as session:
        res = rollup.record_rollup_observation(
            session, SYSTEM, indicator=indicator, period=period, level=level, scope=scope,
            scope_id=scope_id, population=population, confirm=confirm, reason=reason,
        )  # fmt: skip
        obs = res.observation  # type: ignore[attr-defined]
    console.print(
        f"[green]✓[/] {indicator} {period} {scope}#{scope_id} = {obs.value:g} "
        f"(revision {obs.revision}, source smart:rollup)"
    )

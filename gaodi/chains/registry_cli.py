"""``gaodi chains map-registry``: the city's link rules over a registry file, on any engine.

The chains command group is ``gaodi.chains.cli.app``; this module adds the command to it and is
what ``gaodi.cli`` loads for ``gaodi chains`` (the registry job has its own module so the chain
office's everyday commands stay small).
"""

from __future__ import annotations

from pathlib import Path

import typer

from gaodi.chains.cli import app
from gaodi.ui.cli.output import AS_USER, FORCE_DIR, check_out_dir
from gaodi.ui.cli.support import cli_session, console, handle_errors


@handle_errors
def map_registry_cmd(
    registry: Path = typer.Argument(
        ...,
        help="Registry file (.parquet or .csv) with columns "
        "uscc, name, region_code, industry_code, scope_text.",
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Directory for the two result files."),
    force: bool = FORCE_DIR,
    engine: str | None = typer.Option(
        None, "--engine", help="polars, duckdb or spark (default: GAODI_ENGINE, else polars)."
    ),
    chain: str | None = typer.Option(None, "--chain", help="Only this chain (code or name)."),
    as_user: str | None = AS_USER,
) -> None:
    """Map every registry firm onto the city's chains and links (same rule as `chains map`).

    Writes OUT/assignments.parquet (uscc, chain_code, link_code, confidence, rule) and
    OUT/region_link_counts.csv (region_code, chain_code, link_code, enterprises).
    """
    from gaodi.chains.registry import RESULT_FILES, map_registry_file

    check_out_dir(out, RESULT_FILES, force)
    with cli_session(as_user) as (session, principal):
        result = map_registry_file(session, principal, registry, out, engine=engine, chain=chain)
    console.print(
        f"引擎 engine {result.engine}：{result.links} 个环节 links，"
        f"{result.enterprises:,} 家企业 firms → {result.assignments:,} 条匹配 assignments，"
        f"{result.regions:,} 个区县 regions"
    )
    for f in result.files:
        console.print(f"已写入 Wrote {f}")


app.command("map-registry")(map_registry_cmd)

__all__ = ["app", "map_registry_cmd"]

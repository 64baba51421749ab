"""``gaodi demo …``: build the demo city (Changsha, synthetic enterprises 示例)."""

from __future__ import annotations

import time

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gaodi.db import get_engine
from gaodi.demo import build as builder
from gaodi.ui.cli.support import console, handle_errors

app = typer.Typer(
    help="The demo city (Changsha; enterprises are synthetic 示例数据).", no_args_is_help=True
)


@app.command("build")
@handle_errors
def build_cmd(
    size: str = typer.Option(
        "medium", help="small (~2k enterprises), medium (~30k), large (~300k)."
    ),
    seed: int = typer.Option(2021, help="Random seed: same size and seed, same city."),
    force: bool = typer.Option(False, "--force", help="Rebuild an existing demo city."),
    if_missing: bool = typer.Option(
        False, "--if-missing", help="Do nothing when a demo city is already built."
    ),
) -> None:
    """Build the demo city into the configured database (GAODI_DATABASE_URL)."""
    engine = get_engine()
    from gaodi import migrate

    migrate.upgrade(engine)
    existing = builder.dataset_info(engine)
    if existing and if_missing:
        console.print(
            f"示例城市已存在 Demo city exists (size {existing.get('size')}, "
            f"seed {existing.get('seed')}); nothing to do."
        )
        return
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("示例城市 demo city", total=1.0)

        def report(stage: str, fraction: float) -> None:
            bar.update(task, completed=fraction, description=f"示例城市 demo city: {stage}")

        result = builder.build(
            engine, size=size, seed=seed, force=force or bool(existing), progress=report
        )
    seconds = time.perf_counter() - started
    table = Table(title=f"示例城市已建成 Demo city built ({size}, seed {seed}, {seconds:.1f}s)")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in result.counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
    console.print("企业及其数据为示例数据 (synthetic); `gaodi demo hash` prints the content hash.")


@app.command("hash")
@handle_errors
def hash_cmd() -> None:
    """Print the content hash of the demo data (same size and seed give the same hash)."""
    console.print(builder.content_hash(get_engine()))

"""Rich tables shared by CLI commands."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from gaodi.core.errors import CellError
from gaodi.ui.cli.support import err_console


def print_cell_errors(errors: Sequence[CellError], limit: int = 200) -> None:
    table = Table(title=f"错误 Errors ({len(errors)})", show_lines=False)
    for col in ("sheet", "row", "column", "value", "原因", "reason"):
        table.add_column(col, overflow="fold")
    for e in errors[:limit]:
        table.add_row(
            e.sheet,
            str(e.row),
            e.column,
            "" if e.value is None else str(e.value),
            e.reason_zh,
            e.reason_en,
        )
    err_console.print(table)
    if len(errors) > limit:
        err_console.print(f"… {len(errors) - limit} more (see the report file)")

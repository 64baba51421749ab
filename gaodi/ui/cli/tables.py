"""Rich tables shared by CLI commands."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from gaodi.core.errors import CellError
from gaodi.ui.cli.support import err_console, lang


def print_cell_errors(errors: Sequence[CellError], limit: int = 200) -> None:
    """The bad cells, their reasons in Chinese and English (GAODI_LANGUAGE=en: English only)."""
    english = lang() == "en"
    title = f"Errors ({len(errors)})" if english else f"错误 Errors ({len(errors)})"
    table = Table(title=title, show_lines=False)
    for col in ("sheet", "row", "column", "value", *(() if english else ("原因",)), "reason"):
        table.add_column(col, overflow="fold")
    for e in errors[:limit]:
        reasons = (e.reason_en,) if english else (e.reason_zh, e.reason_en)
        table.add_row(
            e.sheet, str(e.row), e.column, "" if e.value is None else str(e.value), *reasons
        )
    err_console.print(table)
    if len(errors) > limit:
        err_console.print(f"… {len(errors) - limit} more (see the report file)")

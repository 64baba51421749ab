"""How feature CLIs hand a result over: ``--format table|json|xlsx``, ``--out FILE``, ``--as``.

A command prints its own table; for json and xlsx it calls :func:`export` with the result and
a function that builds the workbook (imported only when an xlsx file is asked for).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel

from gaodi.core.errors import ConflictError, ValidationError
from gaodi.core.permissions import Principal, principal_label
from gaodi.ui.cli.support import console, demo_dataset, demo_label_lines

AS_USER = typer.Option(
    None, "--as", help="See what this user may see (default: the operator, everything)."
)
FORCE = typer.Option(
    False, "--force", help="Overwrite the output file if it exists (refused otherwise)."
)


def writable(path: Path, force: bool) -> Path:
    """``path`` ready to be written: its missing directories created, an existing file refused
    unless ``force`` (a blank template written over a filled one loses the user's data).

    Every command that writes a file follows this one rule, as ``gaodi db backup`` and the
    reports do: a missing output directory is created, never reported as a missing file.
    """
    if path.is_dir():
        raise ValidationError(
            f"{path} 是一个目录：请给出文件名。", f"{path} is a directory: give a file name."
        )
    if path.exists() and not force:
        raise ConflictError(
            f"文件已存在：{path}。如要覆盖，请加 --force。",
            f"The file already exists: {path}. Add --force to overwrite it.",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ValidationError(
            f"无法创建目录 {path.parent}：路径中有同名的文件。",
            f"Cannot create the directory {path.parent}: a file of that name is in the way.",
        ) from None
    return path


FORCE_DIR = typer.Option(
    False, "--force", help="Overwrite the result files in --out if they exist (refused otherwise)."
)


def check_out_dir(out: Path, names: Iterable[str], force: bool) -> None:
    """Refuse ``out`` as a command's result directory before any work is done: when it is a
    file, or when it already holds one of the command's result files ``names`` unless ``force``
    (a second run wrote over the first one's results without a word)."""
    if out.exists() and not out.is_dir():
        raise ValidationError(
            f"--out {out} 已存在且不是目录。", f"--out {out} exists and is not a directory."
        )
    present = sorted(n for n in names if (out / n).exists())
    if present and not force:
        shown = ", ".join(present)
        raise ConflictError(
            f"目录 {out} 中已有结果文件：{shown}。如要覆盖，请加 --force。",
            f"{out} already holds result files: {shown}. Add --force to overwrite them.",
        )


def writable_dir(out: Path, names: Iterable[str], force: bool) -> Path:
    """The directory ``out`` ready for a command's result files ``names``: checked by
    :func:`check_out_dir`, then created if missing.

    With ``force``, the files of ``names`` that the new run does not write are removed by
    :func:`drop_stale`, so the directory never mixes two runs' results.
    """
    check_out_dir(out, names, force)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ValidationError(
            f"无法创建目录 {out}：路径中有同名的文件。",
            f"Cannot create the directory {out}: a file of that name is in the way.",
        ) from None
    return out


def drop_stale(out: Path, names: Iterable[str], written: Iterable[str]) -> list[str]:
    """Remove the files of ``names`` in ``out`` that this run did not write (left by an earlier
    run); the names removed, for the command to say so."""
    kept = set(written)
    removed = []
    for name in sorted(set(names) - kept):
        path = out / name
        if path.is_file():
            path.unlink()
            removed.append(name)
    return removed


class Format(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


def format_for(output_format: Format, out: Path | None) -> Format:
    """The format a command writes: the one asked for, or, for ``--out`` without ``--format``,
    the file's suffix (.json, .xlsx). A table cannot go to a file: before, ``--out x.xlsx``
    without ``--format`` printed the table and wrote nothing."""
    if output_format is not Format.table or out is None:
        return output_format
    by_suffix = {".json": Format.json, ".xlsx": Format.xlsx}.get(out.suffix.lower())
    if by_suffix is None:
        raise ValidationError(
            f"无法写入 {out}：--out 的文件须为 .json 或 .xlsx，或用 --format json|xlsx 指定格式。",
            f"Cannot write {out}: --out takes a .json or .xlsx file, or give --format json|xlsx.",
        )
    return by_suffix


def to_json(value: Any) -> str:
    """A pydantic result as its JSON (indented), anything else through :func:`json.dumps`."""
    if isinstance(value, BaseModel):
        return value.model_dump_json(indent=2) + "\n"
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def wrote(out: Path) -> None:
    console.print(f"已写入 Wrote {out}")


def emit(text: str, out: Path | None, overwrite: bool = True) -> None:
    """``text`` to standard output, or to the file ``out`` (see :func:`writable`;
    ``overwrite=False`` unless the command has ``--force``)."""
    if out is None:
        typer.echo(text, nl=False)
    else:
        writable(out, overwrite).write_text(text, encoding="utf-8")
        wrote(out)


def need_out(out: Path | None) -> Path:
    """``out``, required by a binary format."""
    if out is None:
        raise ValidationError("xlsx 格式须用 --out 指定文件。", "--format xlsx needs --out FILE.")
    return out


def export(
    output_format: Format,
    out: Path | None,
    value: Any,
    workbook: Callable[[str], Any],
    principal: Principal,
    overwrite: bool = True,
) -> None:
    """Write ``value`` as JSON (to ``out`` or standard output) or ``workbook(author)`` to ``out``.

    ``author`` names who made the file as the reports do: the ``--as`` user with their role, or
    「系统管理员（命令行）」 for the operator (:func:`~gaodi.core.permissions.principal_label`).
    A command with ``--force`` passes it as ``overwrite``: an existing ``out`` is then refused
    unless asked for.
    """
    if output_format is Format.json:
        emit(to_json(value), out, overwrite)
        return
    path = writable(need_out(out), overwrite)
    wb = workbook(principal_label(principal, True))
    if demo_dataset():
        label_demo(wb)
    wb.save(path)
    wrote(path)


def label_demo(wb: Any) -> None:
    """Open the workbook ``wb`` on a 说明 sheet saying it holds the demo city's synthetic data
    (as the web's and the reports' workbooks do), unless one of its 说明 sheets says so already.
    """
    from openpyxl.styles import Font

    notes = [ws for ws in wb.worksheets if ws.title.startswith("说明")]
    if not wb.write_only and any(
        "示例数据" in str(c.value) for ws in notes for row in ws.iter_rows() for c in row
    ):
        return
    taken = {ws.title for ws in wb.worksheets}
    title = next(t for t in ("说明", "说明 demo", "示例数据") if t not in taken)
    info = wb.create_sheet(title, 0)
    for line in demo_label_lines():
        info.append([line])
        info.cell(row=info.max_row, column=1).font = Font(bold=True, color="C8102E")
    info.column_dimensions["A"].width = 90
    for ws in wb.worksheets:  # one selected tab, or Excel opens the sheets grouped
        ws.sheet_view.tabSelected = ws is info
    wb.active = 0

"""How feature CLIs hand a result over: ``--format table|json|xlsx``, ``--out FILE``, ``--as``.

A command prints its own table; for json and xlsx it calls :func:`export` with the result and
a function that builds the workbook (imported only when an xlsx file is asked for).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel

from gaodi.core.errors import ValidationError
from gaodi.ui.cli.support import console

AS_USER = typer.Option(
    None, "--as", help="See what this user may see (default: the operator, everything)."
)


class Format(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


def to_json(value: Any) -> str:
    """A pydantic result as its JSON (indented), anything else through :func:`json.dumps`."""
    if isinstance(value, BaseModel):
        return value.model_dump_json(indent=2) + "\n"
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def wrote(out: Path) -> None:
    console.print(f"已写入 Wrote {out}")


def emit(text: str, out: Path | None) -> None:
    """``text`` to standard output, or to the file ``out``."""
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        wrote(out)


def need_out(out: Path | None) -> Path:
    """``out``, required by a binary format."""
    if out is None:
        raise ValidationError("xlsx 格式须用 --out 指定文件。", "--format xlsx needs --out FILE.")
    return out


def export(
    output_format: Format, out: Path | None, value: Any, workbook: Callable[[], Any]
) -> None:
    """Write ``value`` as JSON (to ``out`` or standard output) or ``workbook()`` to ``out``."""
    if output_format is Format.json:
        emit(to_json(value), out)
        return
    path = need_out(out)
    workbook().save(path)
    wrote(path)

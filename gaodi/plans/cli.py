"""``gaodi plan``: the plan as data — extract it from its text (load and status come later)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
import yaml

from gaodi.core.cli_support import console, handle_errors
from gaodi.core.errors import ValidationError

app = typer.Typer(
    help="行动计划 Plans: extract targets from a plan's text, load it, follow its progress.",
    no_args_is_help=True,
)


class OutputFormat(StrEnum):
    json = "json"
    yaml = "yaml"


# Encodings a bureau's text files come in: UTF-8 (with or without BOM), then GB18030 (which
# covers GBK and GB2312). UTF-8 is tried first because GB18030 decodes almost any byte string.
_ENCODINGS = ("utf-8-sig", "gb18030")


def read_plan_text(path: Path) -> str:
    """The text of a plan file, decoded as UTF-8 (with or without BOM) or GB18030."""
    if not path.exists():
        raise FileNotFoundError(2, "No such file", str(path))
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    data = path.read_bytes()
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break  # UTF-16 or a binary file: decodable bytes, not a text we can read
        return text
    raise ValidationError(
        f"无法读取文件 {path}：编码不是 UTF-8 或 GB18030（GBK）。请另存为 UTF-8 文本后重试。",
        f"Cannot read {path}: the encoding is neither UTF-8 nor GB18030 (GBK). "
        "Save it as UTF-8 text and try again.",
    )


@app.command()
@handle_errors
def extract(
    file: Path = typer.Argument(..., help="The plan's text file (.txt, UTF-8 or GB18030)."),
    output_format: OutputFormat = typer.Option(
        OutputFormat.json, "--format", "-f", help="Output format: json or yaml."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write to this file, not stdout."),
) -> None:
    """Extract the title, actions, quantitative targets and qualitative goals of a plan text.

    Rule-based and offline. Review the result before loading it: see docs/plan-extraction.md.
    """
    from gaodi.text.extract import extract_plan

    text = read_plan_text(file)
    if not text.strip():
        raise ValidationError(
            f"文件 {file} 是空的，没有可提取的文本。",
            f"The file {file} is empty: nothing to extract.",
        )
    data = extract_plan(text).model_dump(mode="json")
    if output_format is OutputFormat.json:
        rendered = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        rendered = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if out is None:
        typer.echo(rendered, nl=False)
        return
    out.write_text(rendered, encoding="utf-8")
    console.print(
        f"已写入 Wrote {out}: {len(data['actions'])} actions, {len(data['targets'])} targets, "
        f"{len(data['qualitative'])} qualitative goals."
    )

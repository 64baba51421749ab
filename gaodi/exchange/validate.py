"""From a read file to typed tables: pick the sheets, map the headers, convert every cell.

Nothing here touches the database. Every problem becomes a :class:`CellError` naming the sheet,
the row number a user sees in Excel, the column header as written in the file, the value and the
reason in Chinese and English; problems that make the file unusable as a whole (no data sheet,
no rows) raise :class:`ValidationError`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import polars as pl

from gaodi.core.errors import CellError, ValidationError
from gaodi.exchange.convert import convert_column
from gaodi.exchange.entities import ENTITIES
from gaodi.exchange.percent import percent_cells, percent_unit, share_problems
from gaodi.exchange.reader import (
    EXCEL_ERRORS,
    CellFault,
    RawFile,
    RawSheet,
    column_letter,
    error_fault,
)
from gaodi.exchange.schema import Column, EntitySpec, SheetSpec, normalise_header
from gaodi.exchange.units import convert, factor, is_known, same_unit, show_factor


@dataclass
class Table:
    """One sheet's typed values, column by column; ``None`` is a blank cell."""

    spec: SheetSpec
    sheet_name: str
    row_numbers: list[int]
    columns: dict[str, list[Any]]
    headers: dict[str, str]
    raw: dict[str, list[Any]] = field(default_factory=dict)
    #: rows with at least one error: not checked further, never written
    bad: set[int] = field(default_factory=set)
    #: what reading the sheet did to its values (zh, en), for the import's report: a column
    #: converted from its header's unit, said once per column
    notes: list[tuple[str, str]] = field(default_factory=list)
    #: the Excel column letter of each column key, for words about a whole column
    letters: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.row_numbers)

    def has(self, key: str) -> bool:
        return key in self.columns

    def col(self, key: str) -> list[Any]:
        """The column's values; all None when the file has no such column."""
        return self.columns.get(key) or [None] * len(self)

    def header(self, key: str) -> str:
        return self.headers.get(key) or self.spec.column(key).csv_header

    def raw_value(self, key: str, i: int) -> Any:
        values = self.raw.get(key)
        return None if values is None else values[i]

    def error(self, i: int, key: str, zh: str, en: str, value: Any = None) -> CellError:
        """A CellError for row ``i`` (0-based data index), column ``key``."""
        shown = self.raw_value(key, i) if value is None else value
        return CellError(self.sheet_name, self.row_numbers[i], self.header(key), shown, zh, en)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _best_other_sheet(headers: Sequence[str], spec: SheetSpec) -> SheetSpec | None:
    """The sheet of another entity whose columns these headers match best (a hint)."""
    norm = [normalise_header(h) for h in headers if h]
    mine = sum(1 for h in norm if h in spec.header_index())
    best, best_hits = None, mine
    for entity in ENTITIES.values():
        for other in entity.sheets:
            if other.key == spec.key:
                continue
            index = other.header_index()
            hits = sum(1 for h in norm if h in index)
            if hits > best_hits and hits >= max(2, len(norm) // 2):
                best, best_hits = other, hits
    return best


def _loose_match(text: str, spec: SheetSpec) -> str | None:
    """A header retyped by hand: an English key anywhere in it, or its Chinese name once
    brackets (units, notes) and Latin words are taken out."""
    norm = normalise_header(text)
    keys = {c.key: c.key for c in spec.columns}
    for token in reversed(re.findall(r"[a-z_][a-z0-9_]*", norm)):
        if token in keys:
            return keys[token]
    chinese = re.sub(r"\([^)]*\)|[a-z0-9_./%-]+", "", norm)
    for c in spec.columns:
        if chinese and chinese == normalise_header(c.zh):
            return c.key
    return None


def header_unit(text: str, col: Column) -> str | None:
    """The unit a header names in brackets ("营业收入（亿元）" -> "亿元"), if any: a bracket
    that is the column's own unit or one Gaodi knows; other brackets are notes ("（选填）")."""
    folded = unicodedata.normalize("NFKC", text)
    for inner in re.findall(r"\(([^()]*)\)", folded):
        unit = re.sub(r"^\s*单位\s*[:：]?\s*", "", inner).strip()
        if unit and ((col.unit and same_unit(unit, col.unit)) or is_known(unit)):
            return unit
    return None


def _unit_problem(header: str, unit: str, col: Column) -> tuple[str, str]:
    return (
        f"列“{header}”的单位（{unit}）与模板的单位（{col.unit}）不同，无法换算；"
        f"请按模板单位（{col.unit}）填写，并把表头改为“{col.zh}（{col.unit}）”。",
        f"Column '{header}' is in {unit}, not in the template's {col.unit}, and one cannot be "
        f"converted to the other; fill it in {col.unit} and head it '{col.zh}（{col.unit}）'.",
    )


def _scaled(col: Column, by: Fraction) -> Column:
    """``col`` as the header's unit sees it: bounds in that unit, every number a float."""

    def bound(v: float | None) -> float | None:
        return None if v is None else float(Fraction(v) / by)

    return replace(
        col, type="float", min_value=bound(col.min_value), max_value=bound(col.max_value)
    )


def conversion_note(
    sheet: str, letter: str, header: str, unit: str, to: str, by: Fraction, rows: int
) -> tuple[str, str]:
    """The report's words for a column converted from its header's unit: the user checks the
    factor by eye (a 万元 column headed 亿元 that was meant as 万元 is 10,000 times off)."""
    return (
        f"“{sheet}”第 {letter} 列“{header}”按 {unit}→{to} 换算（{show_factor(by)}），"
        f"共 {rows:,} 行。",
        f"'{sheet}' column {letter} '{header}' was converted from {unit} to {to} "
        f"({show_factor(by)}), {rows:,} row(s).",
    )


def map_headers(sheet: RawSheet, spec: SheetSpec, errors: list[CellError]) -> dict[int, str]:
    """File column index -> column key; unknown, duplicate and missing columns become errors."""
    index = spec.header_index()
    mapping: dict[int, str] = {}
    seen: dict[str, str] = {}
    # the headers a Chinese user sees in the template, not the English keys
    allowed = "、".join(c.zh for c in spec.columns)
    before = len(errors)
    for j, header in enumerate(sheet.headers):
        text = _one_line(header)
        if not text:
            if any(r[j] not in (None, "") for r in sheet.rows):
                errors.append(
                    CellError(
                        sheet.name,
                        sheet.header_row,
                        f"列 {j + 1}",
                        "",
                        "该列有数据但没有表头。",
                        "This column has data but no header.",
                    )
                )
            continue
        key = index.get(normalise_header(text)) or _loose_match(text, spec)
        if key is None:
            errors.append(
                CellError(
                    sheet.name,
                    sheet.header_row,
                    text,
                    text,
                    f"未知的列“{text}”；“{spec.sheet_name}”表的列为：{allowed}。",
                    f"Unknown column '{text}'; the columns of '{spec.sheet_name}' are: "
                    f"{', '.join(c.key for c in spec.columns)}.",
                )
            )
            continue
        if key in seen:
            errors.append(
                CellError(
                    sheet.name,
                    sheet.header_row,
                    text,
                    text,
                    f"列“{text}”与列“{seen[key]}”重复（都是 {key}）。",
                    f"Column '{text}' repeats column '{seen[key]}' (both are {key}).",
                )
            )
            continue
        seen[key] = text
        mapping[j] = key
    for col in spec.columns:
        if col.required and col.key not in seen:
            errors.append(
                CellError(
                    sheet.name,
                    sheet.header_row,
                    _one_line(col.header),
                    "",
                    f"缺少必填列“{_one_line(col.header)}”。",
                    f"Missing required column '{col.key}' ({col.zh}).",
                )
            )
    if len(errors) > before:
        other = _best_other_sheet(sheet.headers, spec)
        if other is not None:
            errors.append(
                CellError(
                    sheet.name,
                    sheet.header_row,
                    "",
                    "",
                    f"表头与“{spec.sheet_name}”不符，看起来是“{other.sheet_name}”表。",
                    f"The headers do not fit '{spec.sheet_name}'; they look like "
                    f"'{other.sheet_name}'.",
                )
            )
    return mapping


def find_header(sheet: RawSheet, spec: SheetSpec) -> None:
    """Skip title rows above the header: take the first of the top rows that names columns."""
    index = spec.header_index()
    need = min(2, len(spec.columns))
    for at, cells in sheet.candidate_headers():
        if sum(1 for c in cells if c and normalise_header(c) in index) >= need:
            if sheet.header_row != sheet.first_row + at:
                sheet.split(at)
            return


def to_table(sheet: RawSheet, spec: SheetSpec, errors: list[CellError]) -> Table:
    """Typed columns of ``sheet``; bad cells and headers are appended to ``errors``."""
    find_header(sheet, spec)
    mapping = map_headers(sheet, spec, errors)
    for number, letter, value in sheet.stray:
        errors.append(
            CellError(
                sheet.name,
                number,
                f"列 {letter}",
                value,
                "该单元格在表头之外（没有列名）。",
                "This cell lies outside the header row.",
            )
        )
    table = Table(spec, sheet.name, list(sheet.row_numbers), {}, {})
    for number, text, j in sheet.merge_problems:
        header = sheet.headers[j] if 0 <= j < len(sheet.headers) else text
        errors.append(
            CellError(
                sheet.name,
                number,
                _one_line(header),
                text,
                f"{text} 是合并单元格（跨了几列，或从表头延伸到数据行），无法确定每个单元格的值；"
                "请取消合并，并在每个单元格中填写。",
                f"{text} is a merged cell (over several columns, or from the header into the "
                "data), so no cell's own value is known; unmerge it and fill in every cell.",
            )
        )
        if number in sheet.row_numbers:
            table.bad.add(sheet.row_numbers.index(number))
    for j, key in mapping.items():
        col = spec.column(key)
        raw = [row[j] for row in sheet.rows]
        header = _one_line(sheet.headers[j])
        # a column whose unit is not one (数值: "按指标单位") takes the header's as a note
        known = bool(col.unit) and is_known(col.unit or "") and col.type in ("float", "int")
        unit = header_unit(header, col) if known else None
        by = None if unit is None else factor(unit, col.unit or "")
        if unit is not None and by is None:
            zh, en = _unit_problem(header, unit, col)
            errors.append(CellError(sheet.name, sheet.header_row, header, header, zh, en))
            continue
        faults: dict[int, CellFault] = {}
        for i, v in enumerate(raw):
            if isinstance(v, CellFault):
                faults[i] = v
            elif isinstance(v, str) and v.strip().upper() in EXCEL_ERRORS:
                faults[i] = error_fault(v.strip().upper())
        letter = column_letter(sheet.first_col + j)
        # "数值（%）" names a unit even where the column's own is its indicator's
        in_percent = percent_unit(col, unit or header_unit(header, col), known)
        parsed, percents = percent_cells(raw, col, header, in_percent, letter, sheet.row_numbers)
        shares = share_problems(col, parsed) if by is None or by == 1 else {}
        if faults or shares or percents:
            gone = faults.keys() | shares.keys() | percents.keys()
            raw = [None if i in gone else v for i, v in enumerate(raw)]
            parsed = [None if i in gone else v for i, v in enumerate(parsed)]
        if by is not None and by != 1:
            # the header names another unit of the same kind ("营业收入（亿元）" in a 万元
            # column): the numbers are in that unit, so they are converted exactly, not taken
            # as 万元 (10,000 times too small)
            values, problems = convert_column(_scaled(col, by), parsed)
            values = [None if v is None else convert(v, by) for v in values]
            if col.type == "int":
                for i, v in enumerate(values):
                    if v is not None and not v.is_integer():
                        problems.append(
                            (
                                i,
                                f"换算为{col.unit}后不是整数（{v:g}）。",
                                f"Not a whole number once converted to {col.unit} ({v:g}).",
                            )
                        )
                        values[i] = None
                    elif v is not None:
                        values[i] = int(v)
        else:
            values, problems = convert_column(col, parsed)
        table.columns[key] = values
        table.raw[key] = raw
        table.headers[key] = _one_line(sheet.headers[j])
        table.letters[key] = letter
        converted = sum(1 for v in values if v is not None)
        if by is not None and by != 1 and unit is not None and converted:
            table.notes.append(
                conversion_note(sheet.name, letter, header, unit, col.unit or "", by, converted)
            )
        for i, fault in faults.items():
            errors.append(table.error(i, key, fault.zh, fault.en, value=fault.shown))
            table.bad.add(i)
        for i, (zh, en, shown) in (shares | percents).items():
            errors.append(table.error(i, key, zh, en, value=shown))
            table.bad.add(i)
        for i, zh, en in problems:
            errors.append(table.error(i, key, zh, en))
            table.bad.add(i)
        if col.required:
            bad = {i for i, _, _ in problems} | set(faults) | set(shares) | set(percents)
            for i, v in enumerate(values):
                if v is None and i not in bad:
                    errors.append(table.error(i, key, "必填项为空。", "Required value is missing."))
                    table.bad.add(i)
    return table


def duplicate_rows(table: Table, keys: Sequence[str], errors: list[CellError]) -> set[int]:
    """Rows whose key repeats an earlier row of the same sheet; each becomes an error."""
    n = len(table)
    if n == 0:
        return set()
    frame = pl.DataFrame(
        {k: pl.Series(k, [_hashable(v) for v in table.col(k)], dtype=pl.String) for k in keys}
    ).with_row_index("i")
    complete = frame.drop_nulls([k for k in keys if table.spec.column(k).required])
    dup = complete.filter(~pl.struct(list(keys)).is_first_distinct())
    if dup.height == 0:
        return set()
    first = complete.filter(pl.struct(list(keys)).is_first_distinct())
    joined = dup.join(first, on=list(keys), how="left", suffix="_first", nulls_equal=True)
    out: set[int] = set()
    shown = "、".join(table.spec.column(k).zh for k in keys)
    for i, j in zip(joined["i"].to_list(), joined["i_first"].to_list(), strict=True):
        out.add(i)
        table.bad.add(i)
        errors.append(
            table.error(
                i,
                keys[0],
                f"与第 {table.row_numbers[j]} 行重复（{shown}相同）。",
                f"Duplicates row {table.row_numbers[j]} (same {', '.join(keys)}).",
            )
        )
    return out


def _hashable(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return "、".join(value)
    return str(value)


def _names_sheet(name: str, spec: SheetSpec) -> bool:
    """Whether a sheet called ``name`` holds ``spec`` ("企业 enterprises", "企业", "links" …)."""
    norm = normalise_header(name)
    if norm in spec.names():
        return True
    if spec.key in re.findall(r"[a-z_][a-z0-9_]*", norm):
        return True
    chinese = re.sub(r"\([^)]*\)|[a-z0-9_./%-]+", "", norm)
    return bool(chinese) and chinese == normalise_header(spec.zh)


def select_sheets(raw: RawFile, entity: EntitySpec) -> list[tuple[SheetSpec, RawSheet]]:
    """Which sheet of the file holds which of the entity's sheets."""
    data = [s for s in raw.sheets if not s.is_empty]
    found: list[tuple[SheetSpec, RawSheet]] = []
    if raw.kind == "csv":
        if data:
            found.append((entity.sheets[0], data[0]))
    else:
        for spec in entity.sheets:
            taken = {id(sheet) for _, sheet in found}
            sheet = next(
                (s for s in data if id(s) not in taken and _names_sheet(s.name, spec)), None
            )
            if sheet is not None:
                found.append((spec, sheet))
        if not found and len(data) == 1:
            # A renamed sheet ("Sheet1"): take it when its headers fit one of the entity's sheets.
            norm = {normalise_header(h) for h in data[0].headers}
            spec = max(entity.sheets, key=lambda s: len(norm & set(s.header_index())))
            found.append((spec, data[0]))
        taken = {id(sheet) for _, sheet in found}
        extra = [s.name for s in data if id(s) not in taken]
        if found and extra:
            names = "、".join(f"“{n}”" for n in extra)
            expected = "、".join(f"“{s.sheet_name}”" for s in entity.sheets)
            raise ValidationError(
                f"工作表{names}不属于“{entity.zh}”（应为{expected}），不会被导入。"
                "为免数据遗漏，请删除或隐藏该工作表，或按模板改名后重试。",
                f"Sheet(s) {', '.join(extra)} are not part of '{entity.key}' (expected "
                f"{', '.join(s.sheet_name for s in entity.sheets)}) and would not be imported. "
                "So that no data is lost unnoticed, delete or hide them, or rename them as in the "
                "template, and try again.",
            )
    if not found:
        expected = "、".join(f"“{s.sheet_name}”" for s in entity.sheets)
        present = "、".join(f"“{s.name}”" for s in raw.sheets) or "（无）"
        if not data:
            raise ValidationError(
                f"文件“{raw.path.name}”没有数据（空文件或只有空白工作表）。",
                f"File '{raw.path.name}' holds no data (empty, or only blank sheets).",
            )
        raise ValidationError(
            f"在“{raw.path.name}”中找不到工作表{expected}；文件中的工作表：{present}。",
            f"No sheet {', '.join(s.sheet_name for s in entity.sheets)} in '{raw.path.name}'; "
            f"its sheets are: {', '.join(s.name for s in raw.sheets) or '(none)'}.",
        )
    if all(not sheet.rows for _, sheet in found):
        raise ValidationError(
            f"文件“{raw.path.name}”只有表头，没有数据行。",
            f"File '{raw.path.name}' has headers but no data rows.",
        )
    return found

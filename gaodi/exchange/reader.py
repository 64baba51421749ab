"""Reading the files users bring: Excel workbooks (via calamine) and CSV in any usual encoding.

Workbooks are read with python-calamine, a Rust reader: on a 100,000-row, 17-column workbook it
took 2.0 s where openpyxl's read-only mode took 29.5 s on the same machine (see
docs/benchmarks/import.md), so it earns its place. CSV files are decoded as UTF-8 (with or
without a byte-order mark), UTF-16 with a byte-order mark (Excel's "Unicode text") or GB18030,
which includes GBK and GB2312 — the encodings Chinese office software writes.

Every cell keeps the row number a user sees in Excel, so an error can point at it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gaodi.core.bounds import Limits, check_size, check_text, check_workbook, run_isolated
from gaodi.core.errors import ValidationError
from gaodi.core.text_safety import unneutralise
from gaodi.exchange.schema import normalise_header

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
#: Sheets Gaodi writes for people, never read as data.
INFO_SHEETS = {
    normalise_header(n)
    for n in ("说明", "instructions", "说明 instructions", "代码表", "lists", "代码表 lists")
}

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class RawSheet:
    """One sheet as read: its header row and data rows, with Excel row numbers."""

    name: str
    header_row: int = 0
    headers: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    #: cells with a value right of the last header: (row number, column letter, value)
    stray: list[tuple[int, str, Any]] = field(default_factory=list)
    grid: list[list[Any]] = field(default_factory=list, repr=False)
    first_row: int = 1
    first_col: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.headers

    def candidate_headers(self, limit: int = 10) -> list[tuple[int, list[str]]]:
        """The first ``limit`` non-empty rows: (grid index, cell texts) — where a header may be."""
        out = []
        for i, row in enumerate(self.grid):
            if not all(_blank(v) for v in row):
                out.append((i, ["" if _blank(v) else str(v).strip() for v in row]))
                if len(out) == limit:
                    break
        return out

    def split(self, at: int) -> None:
        """Take grid row ``at`` as the header and the non-empty rows below it as data."""
        header = ["" if _blank(v) else str(v).strip() for v in self.grid[at]]
        while header and not header[-1]:
            header.pop()
        self.header_row = self.first_row + at
        self.headers = header
        self.rows, self.row_numbers, self.stray = [], [], []
        width = len(header)
        for offset in range(at + 1, len(self.grid)):
            row = self.grid[offset]
            if all(_blank(v) for v in row):
                continue
            number = self.first_row + offset
            cells = list(row[:width])
            if len(cells) < width:
                cells.extend([None] * (width - len(cells)))
            for j in range(width, len(row)):
                if not _blank(row[j]):
                    self.stray.append((number, column_letter(self.first_col + j), row[j]))
            self.rows.append(cells)
            self.row_numbers.append(number)


@dataclass
class RawFile:
    path: Path
    kind: str  # xlsx / csv
    sheets: list[RawSheet]
    encoding: str | None = None


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index (0 -> A, 27 -> AB)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _sheet_from_rows(name: str, rows: list[list[Any]], first_row: int, first_col: int) -> RawSheet:
    """A sheet whose header is, until told otherwise, its first non-empty row."""
    sheet = RawSheet(name, grid=rows, first_row=first_row, first_col=first_col)
    candidates = sheet.candidate_headers(1)
    if candidates:
        sheet.split(candidates[0][0])
    return sheet


def _not_workbook(path: Path, data: bytes) -> ValidationError:
    text_like = data[:2048].count(b"\x00") == 0 and (b"," in data[:2048] or b"\t" in data[:2048])
    hint_zh = "它看起来是文本（CSV）文件，请把扩展名改为 .csv。" if text_like else ""
    hint_en = " It looks like a text (CSV) file: rename it to .csv." if text_like else ""
    return ValidationError(
        f"文件“{path.name}”不是有效的 Excel 工作簿（.xlsx），无法读取。{hint_zh}",
        f"File '{path.name}' is not a valid Excel workbook (.xlsx) and cannot be read.{hint_en}",
    )


def _read_with_openpyxl(path: Path, data: bytes) -> RawFile:
    """The slower fallback when python-calamine is not installed (.xlsx/.xlsm only)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not data.startswith(_ZIP):
        raise _not_workbook(path, data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise _not_workbook(path, data) from exc
    sheets: list[RawSheet] = []
    try:
        for ws in book.worksheets:
            if ws.sheet_state != "visible" or normalise_header(ws.title) in INFO_SHEETS:
                continue
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            sheets.append(_sheet_from_rows(ws.title, rows, 1, 0))
    finally:
        book.close()
    return RawFile(path, "xlsx", sheets)


def read_workbook(path: Path, *, check: bool = True) -> RawFile:
    """Read a workbook's visible data sheets; ``check=False`` only where the bounds were (or
    are being) checked by the caller (:func:`read_file_isolated`)."""
    if check:
        check_workbook(path)
    data = path.read_bytes()
    if not data:
        raise ValidationError(f"文件“{path.name}”是空文件。", f"File '{path.name}' is empty.")
    if not (data.startswith(_ZIP) or data.startswith(_OLE)):
        raise _not_workbook(path, data)
    try:
        import python_calamine as calamine
    except ImportError:  # pragma: no cover - exercised by monkeypatching in the tests
        return _read_with_openpyxl(path, data)
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.CalamineError as exc:
        if data.startswith(_OLE):
            raise ValidationError(
                f"无法读取“{path.name}”：文件可能已加密（设置了打开密码）或已损坏。"
                "请取消密码后另存为 .xlsx。",
                f"Cannot read '{path.name}': it may be password-protected or damaged. Remove the "
                "password and save it as .xlsx.",
            ) from exc
        raise _not_workbook(path, data) from exc
    sheets: list[RawSheet] = []
    for meta in book.sheets_metadata:
        if str(meta.visible).rsplit(".", 1)[-1].lower() != "visible":
            continue
        if "worksheet" not in str(meta.typ).lower():
            continue
        if normalise_header(meta.name) in INFO_SHEETS:
            continue
        try:
            grid = book.get_sheet_by_name(meta.name)
            rows = grid.to_python(skip_empty_area=True)
        except calamine.CalamineError as exc:
            raise ValidationError(
                f"无法读取工作表“{meta.name}”：{exc}",
                f"Cannot read sheet '{meta.name}': {exc}",
            ) from exc
        start = grid.start or (0, 0)
        sheets.append(_sheet_from_rows(meta.name, rows, start[0] + 1, start[1]))
    return RawFile(path, "xlsx", sheets)


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode a text file: (text, encoding). UTF-8 (BOM or not), UTF-16 with BOM, GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif b"\x00" in data[:4096]:
        raise ValidationError(
            f"文件“{name}”不是文本（CSV）文件。如果它是 Excel 工作簿，请使用 .xlsx 扩展名。",
            f"File '{name}' is not a text (CSV) file. If it is an Excel workbook, name it .xlsx.",
        )
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        f"无法识别文件“{name}”的字符编码。"
        "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或使用 GBK/GB18030 编码。",
        f"Cannot decode file '{name}'. Save it from Excel as 'CSV UTF-8 (comma delimited)', or use "
        "GBK/GB18030.",
    )


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path) -> RawFile:
    limits = Limits.from_settings()
    check_size(path.name, path.stat().st_size, limits)
    data = path.read_bytes()
    if not data.strip():
        raise ValidationError(f"文件“{path.name}”是空文件。", f"File '{path.name}' is empty.")
    if data.startswith(_ZIP):
        raise ValidationError(
            f"文件“{path.name}”是 Excel 工作簿，不是 CSV：请使用 .xlsx 扩展名。",
            f"File '{path.name}' is an Excel workbook, not CSV: name it .xlsx.",
        )
    text, encoding = decode_text(data, path.name)
    check_text(path.name, text, limits)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[str]] = []
    try:
        # Row by row, so a row too wide is refused before the rest of the file is split.
        for row in reader:
            if len(row) > limits.max_columns:
                raise ValidationError(
                    f"文件“{path.name}”第 {reader.line_num:,} 行有 {len(row):,} 列，"
                    f"超过上限 {limits.max_columns:,}，无法导入。",
                    f"File '{path.name}': line {reader.line_num:,} has {len(row):,} columns, "
                    f"over the limit of {limits.max_columns:,}; it cannot be imported.",
                )
            rows.append(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            limit = csv.field_size_limit()
            raise ValidationError(
                f"文件“{path.name}”第 {reader.line_num:,} 行附近有一个单元格超过 {limit:,} 个字符"
                "（常见原因是引号没有配对），无法导入。",
                f"File '{path.name}': a cell near line {reader.line_num:,} is longer than "
                f"{limit:,} characters (often an unmatched quote); it cannot be imported.",
            ) from exc
        raise ValidationError(
            f"无法解析 CSV 文件“{path.name}”：{exc}", f"Cannot parse CSV file '{path.name}': {exc}"
        ) from exc
    # A quote before = + - @ is the one Gaodi's (and OWASP's) export adds: it is not data.
    sheet = _sheet_from_rows(path.stem, [[unneutralise(v) for v in r] for r in rows], 1, 0)
    return RawFile(path, "csv", [sheet], encoding)


def read_file_isolated(path: str | Path) -> RawFile:
    """:func:`read_file` in a worker process with a memory limit (see :mod:`.bounds`).

    Whatever a hostile file does to the reader ends the worker, never the caller: the web
    server and ``gaodi import`` get a clear :class:`ValidationError` instead.
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(2, "No such file", str(p))
    if p.suffix.lower() in WORKBOOK_SUFFIXES:
        # The bounds are scanned here while the worker parses: an import pays for the longer of
        # the two, not both, and a file over them stops the worker with the bounds' message.
        return run_isolated(
            _read_workbook_unchecked, p, name=p.name, precheck=lambda: check_workbook(p)
        )
    return run_isolated(read_file, p, name=p.name)


def _read_workbook_unchecked(path: Path) -> RawFile:
    return read_workbook(path, check=False)


def read_file(path: str | Path) -> RawFile:
    """Read a workbook or a CSV file, chosen by its extension (content checked too)."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(2, "No such file", str(p))
    suffix = p.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return read_workbook(p)
    if suffix in CSV_SUFFIXES:
        return read_csv(p)
    raise ValidationError(
        f"不支持的文件类型“{p.suffix or p.name}”：请使用 .xlsx 或 .csv 文件。",
        f"Unsupported file type '{p.suffix or p.name}': use an .xlsx or a .csv file.",
    )

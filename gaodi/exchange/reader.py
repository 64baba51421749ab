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
import posixpath
import re
import zipfile
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

#: What Excel shows in a cell whose formula failed; a CSV saved by Excel holds them as text.
EXCEL_ERRORS = frozenset(
    {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
    | {"#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)


@dataclass(frozen=True)
class CellFault:
    """A cell that shows no usable value: an Excel error (#N/A …) or a formula saved without its
    result. The readers give both as an empty string, which an upsert would take for "clear the
    value"; keeping them apart lets the import refuse the cell instead."""

    shown: str
    zh: str
    en: str

    def __str__(self) -> str:
        return self.shown


def error_fault(shown: str) -> CellFault:
    return CellFault(
        shown,
        f"单元格是公式错误值 {shown}，不是数据；请在 Excel 中改正公式或填入数值后重新导入。",
        f"The cell holds the formula error {shown}, not data; fix the formula or type the value "
        "in Excel and import again.",
    )


def uncached_fault(formula: str) -> CellFault:
    return CellFault(
        f"={formula}" if formula else "=…",
        "公式没有计算结果（文件保存时未计算），请在 Excel 中打开、重新计算并保存后再导入。",
        "The formula has no calculated result (the file was saved without calculating it); open "
        "it in Excel, recalculate, save and import again.",
    )


class PercentCell(float):
    """A number Excel shows as a percentage: 0.45 in a cell formatted ``0%`` shows 45%.

    The readers give the number alone; the importer needs the format too, since under a
    "（%）" header the user means the 45 they see (:func:`~gaodi.exchange.validate.to_table`).
    """

    __slots__ = ()


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
    #: merged ranges that reach the data rows with no one reading (over several columns, or
    #: from the header down): (first row number, range text such as "C2:D4", 0-based column of
    #: its first cell relative to the header)
    merge_problems: list[tuple[int, str, int]] = field(default_factory=list)
    #: merged ranges (0-based first row, first col, last row, last col, in sheet coordinates)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list, repr=False)

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
        """Take grid row ``at`` as the header and the non-empty rows below it as data.

        A value merged down one column below the header is every row's value of the range:
        office staff merge one 园区 over several firms and read it against each, which is what
        Excel shows, while the readers give it to the first row only (the others would import
        blank, and an upsert would clear them). A range over several columns, or one reaching
        from the header into the data, has no such reading — whose value is it? — and is
        refused by :func:`~gaodi.exchange.validate.to_table` naming the range.
        """
        header = ["" if _blank(v) else str(v).strip() for v in self.grid[at]]
        while header and not header[-1]:
            header.pop()
        self.header_row = self.first_row + at
        self.headers = header
        self.rows, self.row_numbers, self.stray, self.merge_problems = [], [], [], []
        fills: dict[int, dict[int, Any]] = {}
        for r1, c1, r2, c2 in self.merges:
            top = self._cell(r1, c1)
            if r2 + 1 <= self.header_row or _blank(top):
                continue  # a title above the header, or an empty range: nothing to misread
            if c1 == c2 and r1 + 1 > self.header_row:
                for r in range(r1 + 1, r2 + 1):
                    fills.setdefault(r + 1 - self.first_row, {})[c1 - self.first_col] = top
                continue
            text = f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"
            number = max(r1 + 1, self.header_row + 1)
            self.merge_problems.append((number, text, c1 - self.first_col))
        width = len(header)
        for offset in range(at + 1, len(self.grid)):
            row = self.grid[offset]
            if offset in fills:
                row = list(row)
                for j, value in fills[offset].items():
                    if j >= 0:
                        row.extend([None] * (j + 1 - len(row)))
                        row[j] = value
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

    def _cell(self, r: int, c: int) -> Any:
        i, j = r + 1 - self.first_row, c - self.first_col
        if 0 <= i < len(self.grid) and 0 <= j < len(self.grid[i]):
            return self.grid[i][j]
        return None


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


def _sheet_from_rows(
    name: str,
    rows: list[list[Any]],
    first_row: int,
    first_col: int,
    merges: list[tuple[int, int, int, int]] | None = None,
    faults: dict[tuple[int, int], CellFault] | None = None,
    percents: set[tuple[int, int]] | None = None,
) -> RawSheet:
    """A sheet whose header is, until told otherwise, its first non-empty row."""
    rows = [list(r) for r in rows]
    for r, c in percents or ():
        i, j = r + 1 - first_row, c - first_col
        if 0 <= i < len(rows) and 0 <= j < len(rows[i]):
            v = rows[i][j]
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                rows[i][j] = PercentCell(v)
    for (r, c), fault in (faults or {}).items():
        i, j = r + 1 - first_row, c - first_col
        if i < 0 or j < 0:
            continue
        while len(rows) <= i:
            rows.append([])
        if len(rows[i]) <= j:
            rows[i].extend([None] * (j + 1 - len(rows[i])))
        rows[i][j] = fault
    sheet = RawSheet(name, grid=rows, first_row=first_row, first_col=first_col)
    sheet.merges = list(merges or [])
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
    cells = xlsx_cell_facts(data)
    try:
        for ws in book.worksheets:
            if ws.sheet_state != "visible" or normalise_header(ws.title) in INFO_SHEETS:
                continue
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            faults, merges, percents = cells.get(ws.title, ({}, [], set()))
            sheets.append(_sheet_from_rows(ws.title, rows, 1, 0, merges, faults, percents))
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
    cells = xlsx_cell_facts(data) if data.startswith(_ZIP) else {}
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
        faults, merges, percents = cells.get(meta.name, ({}, None, set()))
        if merges is None:
            merges = [(a[0], a[1], b[0], b[1]) for a, b in (grid.merged_cell_ranges or [])]
        sheets.append(
            _sheet_from_rows(meta.name, rows, start[0] + 1, start[1], merges, faults, percents)
        )
    return RawFile(path, "xlsx", sheets)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?v>)", re.S)
#: a formula element followed by no value (the cell ends, or its <v> is empty): a quick
#: test, so that the cells of a sheet full of calculated formulas are not scanned one by one
_UNCACHED = re.compile(
    rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*(?:</(?:\w+:)?c>|<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*<)"
)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column_index(letters: bytes) -> int:
    out = 0
    for ch in letters:
        out = out * 26 + ch - 64
    return out - 1


def _unescape(raw: bytes) -> str:
    from html import unescape

    return unescape(raw.decode("utf-8", "replace"))


SheetFacts = tuple[
    dict[tuple[int, int], CellFault], list[tuple[int, int, int, int]], set[tuple[int, int]]
]

#: Excel's built-in percent formats (0% and 0.00%), which styles.xml does not spell out
_BUILTIN_PERCENT = {9, 10}
#: what a number format shows literally: a quoted string, an escaped or an underscored/padded
#: character — a "%" there is a sign, not a ×100
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|[_*].')


def percent_format(code: str) -> bool:
    """Whether a number format shows its number ×100 with a % sign (``0%``, ``0.0%``), not a
    literal "%" after the number as it is (``0.00"%"``, ``0\\%``).

    >>> percent_format("0.0%"), percent_format('0.00"%"'), percent_format("General")
    (True, False, False)
    """
    return "%" in _FORMAT_LITERALS.sub("", code)


def _percent_styles(z: zipfile.ZipFile, names: set[str]) -> frozenset[int]:
    """The indexes of the cell styles (``s="…"`` on a cell) whose number format is a percent."""
    import xml.etree.ElementTree as ET

    if "xl/styles.xml" not in names:
        return frozenset()
    styles = ET.fromstring(z.read("xl/styles.xml"))
    custom = {
        int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in styles.iter(f"{_MAIN}numFmt")
    }
    percent = {i for i, code in custom.items() if percent_format(code)}
    percent |= _BUILTIN_PERCENT - custom.keys()
    xfs = styles.find(f"{_MAIN}cellXfs")
    if xfs is None:
        return frozenset()
    return frozenset(
        n for n, xf in enumerate(xfs.iter(f"{_MAIN}xf")) if int(xf.get("numFmtId", "0")) in percent
    )


def xlsx_cell_facts(data: bytes) -> dict[str, SheetFacts]:
    """Per sheet name: the cells that show no value (error values, formulas without a result),
    the merged ranges and the cells shown as percentages, read from the workbook's XML — the
    cell readers hide all three.

    Cells are scanned only in sheets that hold an error, a formula or a percent style at all,
    so a plain data file pays a few substring searches per sheet.
    """
    import xml.etree.ElementTree as ET

    out: dict[str, SheetFacts] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            book = ET.fromstring(z.read("xl/workbook.xml"))
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            percent = _percent_styles(z, names)
            for sheet in book.iter(f"{_MAIN}sheet"):
                target = targets.get(sheet.get(f"{_REL}id"), "")
                part = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target))
                )
                if part not in names:
                    continue
                xml = z.read(part)
                out[sheet.get("name", "")] = _sheet_facts(xml, percent)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError, ValueError):
        # an unusual package layout: the cell readers' view is all there is
        return {}
    return out


def _percent_cells(xml: bytes, styles: frozenset[int]) -> set[tuple[int, int]]:
    """(0-based row, column) of the cells whose style is a percent format."""
    if not styles:
        return set()
    style = re.compile(rb'\bs="(' + b"|".join(str(n).encode() for n in sorted(styles)) + rb')"')
    if style.search(xml) is None:
        return set()
    out: set[tuple[int, int]] = set()
    for cell in _CELL.finditer(xml):
        attrs = cell.group(1)
        ref = _REF.search(attrs)
        if ref is not None and style.search(attrs) is not None:
            out.add((int(ref.group(2)) - 1, _column_index(ref.group(1))))
    return out


def _sheet_facts(xml: bytes, percent_styles: frozenset[int] = frozenset()) -> SheetFacts:
    faults: dict[tuple[int, int], CellFault] = {}
    merges = [
        (int(m[1]) - 1, _column_index(m[0]), int(m[3]) - 1, _column_index(m[2]))
        for m in _MERGE.findall(xml)
    ]
    percents = _percent_cells(xml, percent_styles)
    if b't="e"' not in xml and _UNCACHED.search(xml) is None:
        return faults, merges, percents
    for cell in _CELL.finditer(xml):
        attrs, body = cell.group(1), cell.group(2) or b""
        ref = _REF.search(attrs)
        if ref is None:
            continue
        kind = _TYPE.search(attrs)
        kind_text = kind.group(1) if kind else b"n"
        value = _VALUE.search(body)
        where = (int(ref.group(2)) - 1, _column_index(ref.group(1)))
        if kind_text == b"e":
            faults[where] = error_fault(_unescape(value.group(1) or b"") if value else "#N/A")
            continue
        formula = _FORMULA.search(body)
        if formula is None:
            continue
        cached = value.group(1) if value else None
        if not cached and kind_text not in (b"str", b"inlineStr"):
            faults[where] = uncached_fault(_unescape(formula.group(1) or b""))
    return faults, merges, percents


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
    check_text(path.name, text, limits, _delimiter(text))
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

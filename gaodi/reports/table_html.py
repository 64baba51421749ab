"""Read the data tables out of a page's HTML, cell by cell, as the page shows them.

The generic "导出 Excel" of every table (:mod:`gaodi.reports.table_export`) renders the page
again and takes its N-th ``<table class="table">`` (document order, as the browser counts them):
the header row's labels and the body rows' texts. Text inside buttons, forms' selects, scripts,
SVG and ``hidden`` elements is not part of a cell; a cell's ``data-sort-value`` stands for its
text when it is a number. The 示例 badge beside a name (``badge-demo``) is not part of the name
(the workbook says 示例数据 once, in its 说明), unless it is all the cell says; a header's unit
written under its label (``label<br><span>unit</span>``) becomes 「label（unit）」, as every
other export writes units. :func:`typed_columns` then decides, column by column, whether the
cells are numbers ("1,234", "-3.5", "12.5%" → 0.125), dates ("2023-08-05") or text (codes keep
their leading zeros). A column that mixes figures and words (a table whose rows are measures: a
total, a share, an index side by side; "338 (2022-11)", a value with the period it is of) keeps
its words as text and each figure as a number, with the number format that shows it as the page
does (:func:`parse_cell`), so a spreadsheet can sum and sort what the page shows as numbers.

Examples
--------
>>> t = tables('<table class="table"><thead><tr><th>企业</th><th>营收</th></tr></thead><tbody>'
...            '<tr><td>甲</td><td>1,234</td></tr><tr><td>乙</td><td>—</td></tr></tbody></table>')
>>> t[0].header, t[0].rows
(['企业', '营收'], [['甲', '1,234'], ['乙', '—']])
>>> parse_number("12.5%"), parse_number("1,234"), parse_number("0012"), parse_number("2.5 万元")
((0.125, True), (1234, False), None, None)
>>> parse_cell("14,871.8"), parse_cell("9.0%"), parse_cell("338 (2022-11)")
((14871.8, '#,##0.0'), (0.09, '0.0%'), (338, '0" (2022-11)"'))
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

#: What a page writes for "no value".
MISSING = frozenset({"", "—", "–", "-", "…", "n/a", "N/A"})
_NUMBER = re.compile(r"^([+\-−]?)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(%?)$")
#: A figure followed by a short note in brackets: "338 (2022-11)" (the period a value is of).
_NOTED = re.compile(r"^(\S+)\s+\(([^()\"\\]{1,40})\)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODE = re.compile(r"^\d+$")
_SKIP = frozenset(
    {"button", "script", "style", "select", "template", "svg", "textarea", "noscript"}
)
_VOID = frozenset({"br", "img", "input", "hr", "meta", "link", "source", "wbr", "col", "area"})
_BREAKS = frozenset({"br", "li", "p", "div", "tr"})
#: A header cell's line break: what follows is the label's unit.
_UNIT_BREAK = "\x00"
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


@dataclass
class HtmlTable:
    """One ``<table class="table">``: the last header row, the body (and footer) rows."""

    testid: str | None = None
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    text_columns: set[int] = field(default_factory=set)  # <th data-type="text">


@dataclass
class _Open:
    table: HtmlTable | None  # None: a table without the "table" class (layout, nested)
    section: str = "tbody"
    row: list[str] | None = None
    row_is_empty_note: bool = False
    header_row: bool = False
    cell: list[str] | None = None
    cell_value: str | None = None
    cell_span: int = 1
    cell_text_type: bool = False
    cell_badge: list[str] = field(default_factory=list)  # the 示例 badge's text in the cell


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[HtmlTable] = []
        self.stack: list[_Open] = []
        self.skip: list[str] = []  # open tags whose text is not a cell's
        self.badge: list[str] = []  # open tags of a 示例 badge (its text is kept apart)

    # -------------------------------------------------------------- tags
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if self.skip:
            if tag not in _VOID:
                self.skip.append(tag)
            return
        if tag in _SKIP or "hidden" in a:
            if tag not in _VOID:
                self.skip.append(tag)
            return
        if self.badge:
            if tag not in _VOID:
                self.badge.append(tag)
            return
        if "badge-demo" in a.get("class", "").split() and tag not in _VOID and self._cell():
            self.badge.append(tag)
            return
        if tag == "table":
            is_data = "table" in a.get("class", "").split()
            table = HtmlTable(testid=a.get("data-testid")) if is_data else None
            if table is not None:
                self.found.append(table)
            # a table inside a cell: its text belongs to that cell
            self.stack.append(_Open(table))
            return
        top = self.stack[-1] if self.stack else None
        if top is None:
            return
        if top.cell is not None and tag == "br" and top.header_row:
            top.cell.append(_UNIT_BREAK)
        elif top.cell is not None and tag in _BREAKS:
            top.cell.append(" ")
        if tag in ("thead", "tbody", "tfoot") and top.cell is None:
            top.section = tag
        elif tag == "tr" and top.cell is None:
            top.row = []
            top.header_row = top.section == "thead"
            top.row_is_empty_note = False
        elif tag in ("td", "th") and top.row is not None and top.cell is None:
            top.cell = []
            top.cell_value = a.get("data-sort-value")
            try:
                top.cell_span = max(1, min(int(a.get("colspan") or 1), 1000))
            except ValueError:
                top.cell_span = 1
            top.cell_text_type = a.get("data-type") == "text"
            if "empty" in a.get("class", "").split():
                top.row_is_empty_note = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            elif tag in self.skip:  # unclosed children: close down to the tag
                while self.skip and self.skip.pop() != tag:
                    pass
            return
        if self.badge:
            if tag in self.badge:
                while self.badge and self.badge.pop() != tag:
                    pass
                return
            self.badge = []  # the cell ends around a badge left open
        if not self.stack:
            return
        top = self.stack[-1]
        if tag == "table":
            self._close_row(top)
            self.stack.pop()
            return
        if tag in ("td", "th"):
            self._close_cell(top)
        elif tag == "tr":
            self._close_row(top)
        elif tag in ("thead", "tbody", "tfoot"):
            self._close_row(top)
            top.section = "tbody"

    def _cell(self) -> _Open | None:
        """The innermost open cell (text of a nested table goes to a cell of an outer one)."""
        for level in reversed(self.stack):
            if level.cell is not None:
                return level
        return None

    def handle_data(self, data: str) -> None:
        if self.skip or not self.stack:
            return
        level = self._cell()
        if level is not None:
            (level.cell_badge if self.badge else level.cell).append(data)  # type: ignore[union-attr]

    # -------------------------------------------------------------- rows
    def _close_cell(self, top: _Open) -> None:
        if top.cell is None or top.row is None:
            return
        label, _, unit = "".join(top.cell).partition(_UNIT_BREAK)
        text = " ".join(label.split())
        unit = " ".join(unit.replace(_UNIT_BREAK, " ").split())
        if unit and text:
            text = f"{text}（{unit}）" if _CJK.search(text + unit) else f"{text} ({unit})"
        elif unit:
            text = unit
        if not text:  # a cell that says only 示例 keeps it
            text = " ".join("".join(top.cell_badge).split())
        top.cell_badge = []
        value = top.cell_value.strip() if top.cell_value is not None else None
        if value is not None and parse_number(value) is not None and text not in MISSING:
            text = value
        if top.table is not None and top.header_row and top.cell_text_type:
            top.table.text_columns.add(len(top.row))
        top.row.append(text)
        top.row.extend([""] * (top.cell_span - 1))
        top.cell = None
        top.cell_value = None

    def _close_row(self, top: _Open) -> None:
        self._close_cell(top)
        if top.row is None:
            return
        row, top.row = top.row, None
        table = top.table
        if table is None or not row:
            return
        if top.header_row:
            table.header = row  # the last header row labels the columns
        elif top.row_is_empty_note and len([c for c in row if c]) <= 1:
            return  # "no rows match" placeholder
        else:
            table.rows.append(row)


def tables(html: str) -> list[HtmlTable]:
    """Every ``<table class="table">`` of ``html``, in document order."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    for table in parser.found:
        if not table.header and table.rows:  # a header written as a first row of <th>
            table.header = table.rows.pop(0)
    return parser.found


def parse_number(text: str) -> tuple[float | int, bool] | None:
    """``(value, is_percent)`` for a number as the pages write it, else None.

    Codes stay text: a leading zero ("0012") or more than 15 digits (USCC, long ids).
    """
    m = _NUMBER.match(text.strip())
    if m is None:
        return None
    sign, digits, percent = m.groups()
    plain = digits.replace(",", "")
    whole = plain.split(".")[0]
    if (len(whole) > 1 and whole.startswith("0")) or len(plain.replace(".", "")) > 15:
        return None
    negative = sign in ("-", "−")
    if percent:  # in decimal: "5.6%" is 0.056, not 0.05599999999999999
        value: float | int = float(Decimal(plain) / 100)
    elif "." in plain:
        value = float(plain)
    else:
        value = int(plain)
    return (-value if negative else value), bool(percent)


def _shown_format(text: str) -> str:
    """The Excel number format that writes a number as ``text`` does (its decimals, its
    thousands separator, its percent sign)."""
    t = text.strip().lstrip("+-−")
    percent = t.endswith("%")
    t = t.rstrip("%")
    decimals = len(t.split(".", 1)[1]) if "." in t else 0
    fmt = ("#,##0" if "," in t else "0") + ("." + "0" * decimals if decimals else "")
    return fmt + "%" if percent else fmt


def _date(text: str) -> dt.date | None:
    if not _DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_cell(text: str) -> tuple[float | int | dt.date, str] | None:
    """A cell's figure and the Excel number format that shows it as the page does, else None:
    a number ("14,871.8" → ``#,##0.0``, "9.0%" → 0.09 ``0.0%``), a date ("2023-08-05"), or a
    number with a bracketed note ("338 (2022-11)": 338 shown with its note)."""
    text = text.strip()
    parsed = parse_number(text)
    if parsed is not None:
        return parsed[0], _shown_format(text)
    day = _date(text)
    if day is not None:
        return day, "yyyy-mm-dd"
    m = _NOTED.match(text)
    if m is not None:
        parsed = parse_number(m.group(1))
        if parsed is not None:
            return parsed[0], f'{_shown_format(m.group(1))}" ({m.group(2)})"'
    return None


@dataclass(frozen=True)
class TypedColumn:
    label: str
    fmt: str  # "int", "number", "percent", "date" or "text"
    values: list[object]
    #: Each figure's number format as the page writes it (None for a word or a blank): in a
    #: column of decimals or shares, and in a "text" column that mixes words and figures (its
    #: value in ``values`` being the number).
    formats: list[str | None] = field(default_factory=list)


def typed_columns(table: HtmlTable) -> list[TypedColumn]:
    """The table's columns with their cells typed: a column whose every shown value is a number
    (the missing ones aside) holds numbers, all percentages a share; any other column is text."""
    width = max([len(table.header), *(len(r) for r in table.rows)], default=0)
    header = table.header + [""] * (width - len(table.header))
    out: list[TypedColumn] = []
    for i in range(width):
        cells = [r[i] if i < len(r) else "" for r in table.rows]
        shown = [c for c in cells if c not in MISSING]
        parsed = [parse_number(c) for c in shown]
        numeric = (
            bool(shown)
            and i not in table.text_columns
            and all(p is not None for p in parsed)
            and len({p[1] for p in parsed if p is not None}) == 1
        )
        label = header[i] or f"#{i + 1}"
        if not numeric:
            out.append(_words_and_figures(label, cells, i in table.text_columns))
            continue
        percent = bool(parsed[0] and parsed[0][1])
        values: list[object] = []
        for c in cells:
            p = None if c in MISSING else parse_number(c)
            values.append(None if p is None else p[0])
        if percent:
            fmt = "percent"
        elif all(isinstance(v, int) for v in values if v is not None):
            fmt = "int"
        else:
            fmt = "number"
        # each figure with the decimals the page gives it (a share of 0.0193 is not 0.02)
        shown_as = [None if c in MISSING else _shown_format(c) for c in cells]
        out.append(TypedColumn(label, fmt, values, shown_as if fmt != "int" else []))
    return out


def _words_and_figures(label: str, cells: list[str], text_type: bool) -> TypedColumn:
    """A column that is not all numbers: all dates, or words with each figure typed by itself.
    A column of codes ("0012", a 16-digit id, ``data-type="text"``) stays text throughout, so
    "1393" beside "0512" is not made a number."""
    shown = [c for c in cells if c not in MISSING]
    if text_type or any(_CODE.match(c) and parse_number(c) is None for c in shown):
        return TypedColumn(label, "text", list(cells))
    days = [_date(c) for c in shown]
    if shown and all(d is not None for d in days):
        return TypedColumn(label, "date", [None if c in MISSING else _date(c) for c in cells])
    values: list[object] = []
    formats: list[str | None] = []
    for c in cells:
        figure = None if c in MISSING else parse_cell(c)
        values.append(c if figure is None else figure[0])
        formats.append(None if figure is None else figure[1])
    return TypedColumn(label, "text", values, formats if any(formats) else [])

"""Read the data tables out of a page's HTML, cell by cell, as the page shows them.

The generic "导出 Excel" of every table (:mod:`gaodi.reports.table_export`) renders the page
again and takes its N-th ``<table class="table">`` (document order, as the browser counts them):
the header row's labels and the body rows' texts. Text inside buttons, forms' selects, scripts,
SVG and ``hidden`` elements is not part of a cell; a cell's ``data-sort-value`` stands for its
text when it is a number. :func:`typed_columns` then decides, column by column, whether the
cells are numbers ("1,234", "-3.5", "12.5%" → 0.125) or text (codes keep their leading zeros).

Examples
--------
>>> t = tables('<table class="table"><thead><tr><th>企业</th><th>营收</th></tr></thead><tbody>'
...            '<tr><td>甲</td><td>1,234</td></tr><tr><td>乙</td><td>—</td></tr></tbody></table>')
>>> t[0].header, t[0].rows
(['企业', '营收'], [['甲', '1,234'], ['乙', '—']])
>>> parse_number("12.5%"), parse_number("1,234"), parse_number("0012"), parse_number("2.5 万元")
((0.125, True), (1234, False), None, None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: What a page writes for "no value".
MISSING = frozenset({"", "—", "–", "-", "…", "n/a", "N/A"})
_NUMBER = re.compile(r"^([+\-−]?)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(%?)$")
_SKIP = frozenset(
    {"button", "script", "style", "select", "template", "svg", "textarea", "noscript"}
)
_VOID = frozenset({"br", "img", "input", "hr", "meta", "link", "source", "wbr", "col", "area"})
_BREAKS = frozenset({"br", "li", "p", "div", "tr"})


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


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[HtmlTable] = []
        self.stack: list[_Open] = []
        self.skip: list[str] = []  # open tags whose text is not a cell's

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
        if top.cell is not None and tag in _BREAKS:
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

    def handle_data(self, data: str) -> None:
        if self.skip or not self.stack:
            return
        # text of a nested table goes to the innermost open cell of an outer table
        for level in reversed(self.stack):
            if level.cell is not None:
                level.cell.append(data)
                return

    # -------------------------------------------------------------- rows
    def _close_cell(self, top: _Open) -> None:
        if top.cell is None or top.row is None:
            return
        text = " ".join("".join(top.cell).split())
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
    if percent:
        value: float | int = float(plain) / 100
    elif "." in plain:
        value = float(plain)
    else:
        value = int(plain)
    return (-value if negative else value), bool(percent)


@dataclass(frozen=True)
class TypedColumn:
    label: str
    fmt: str  # "int", "number", "percent" or "text"
    values: list[object]


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
        if not numeric:
            out.append(TypedColumn(header[i] or f"#{i + 1}", "text", list(cells)))
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
        out.append(TypedColumn(header[i] or f"#{i + 1}", fmt, values))
    return out

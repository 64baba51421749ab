"""The one Excel writer: workbooks whose cells are text when they were given text.

openpyxl turns any string that starts with ``=`` into a live formula and raises on control
characters (see :mod:`gaodi.core.text_safety`). Gaodi never writes a formula into a cell — every
cell is data — so the workbooks made here store strings as strings, whatever they begin with,
and clean control characters on the way in. Every module that writes a workbook calls
:func:`new_workbook`; a test fails when one calls ``openpyxl.Workbook`` itself. Its document
properties (what Excel's File → Info shows) name Gaodi or the user, not openpyxl, and are
stamped by the city's clock, the day the workbook's own 说明 states, not the machine's.

Examples
--------
>>> wb = new_workbook()
>>> wb.active.append(["=1+1", "普通文本", 3])
>>> [c.data_type for c in wb.active[1]]
['s', 's', 'n']

A write-only sheet (``new_workbook(write_only=True)``, the exports of 300,000 rows) writes the
XML of a row of plain values (text, numbers, booleans, dates) itself, a string per cell, with
the markup openpyxl would give the cell: building a ``WriteOnlyCell`` and an lxml element per
cell cost 80 of the 100 seconds of an export of 300,000 firms. A ``Cell`` (a style, a comment,
a hyperlink) and any other value still go through openpyxl's own cell writer.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from inspect import isgenerator
from typing import IO, Any

from lxml.etree import tostring, xmlfile
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell._writer import etree_write_cell
from openpyxl.cell.cell import Cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.packaging.core import DocumentProperties
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import SHEET_MAIN_NS

from gaodi.core import clock
from gaodi.core.text_safety import clean_text

#: Who made a workbook, when no user is named (the file's "author" in Excel's properties).
CREATOR = "Gaodi"


def _as_text(cell: Any) -> Any:
    """Undo openpyxl's guess that a string is a formula or an error code."""
    if isinstance(cell, Cell) and isinstance(cell._value, str) and cell.data_type in ("f", "e"):
        cell.data_type = "s"
    return cell


def _clean(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


class InertWorksheet(Worksheet):
    """A worksheet whose ``append``, ``cell`` and ``ws[ref] = v`` keep text as text."""

    def append(self, iterable: Any) -> None:
        if isinstance(iterable, dict):
            iterable = {k: _clean(v) for k, v in iterable.items()}
            columns: Iterable[int] = (
                k if isinstance(k, int) else column_index_from_string(k) for k in iterable
            )
        else:
            iterable = [_clean(v) for v in iterable]
            columns = range(1, len(iterable) + 1)
        super().append(iterable)
        row = self._current_row
        for col in columns:
            cell = self._cells.get((row, col))
            if cell is not None:
                _as_text(cell)

    def cell(self, row: int, column: int, value: Any = None) -> Any:
        cell = super().cell(row, column, _clean(value))
        return _as_text(cell)

    def __setitem__(self, key: str, value: Any) -> None:
        cell = self[key]
        cell.value = _clean(value)  # type: ignore[union-attr]
        _as_text(cell)


#: What libxml2 escapes in an element's text (a bare CR would come back as a line feed).
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_SPECIAL = re.compile("[&<>\r]")
#: openpyxl's limit on a cell's text (it cuts longer text).
_MAX_TEXT = 32767


def _xml_text(text: str) -> str:
    return text.translate(_XML_TEXT) if _XML_SPECIAL.search(text) else text


class _ElementKeeper:
    """Stands in for lxml's incremental writer: keeps the element openpyxl's cell writer gives."""

    element: Any = None

    def write(self, element: Any) -> None:
        self.element = element


class _SheetWriter(WorksheetWriter):
    """openpyxl's sheet writer, its XML going through a file the sheet writes its rows into too
    (openpyxl hands the file's name to the zip, so the name stays ``out``)."""

    file: IO[bytes]

    def get_stream(self) -> Iterator[Any]:
        # openpyxl's get_stream, on an open file rather than a name
        with (
            open(self.out, "wb") as self.file,
            xmlfile(self.file) as xf,
            xf.element("worksheet", xmlns=SHEET_MAIN_NS),
        ):
            try:
                while True:
                    el = yield
                    if el is True:
                        yield xf
                    elif el is not None:
                        xf.write(el)
            except GeneratorExit:
                pass


class InertWriteOnlyWorksheet(WriteOnlyWorksheet):
    """The streaming worksheet with the same rule: strings become string cells.

    ``append(row, number_formats)`` gives each non-empty cell of column ``j`` the number format
    ``number_formats[j]`` (``None``: none), as a ``text_cell`` with that format would."""

    # openpyxl's, None until the first row
    _writer: Any = None
    _rows: Any = None
    _file: IO[bytes] | None = None
    _row_index = 0
    #: a column's letters by its index (from 1)
    _letters: list[str]
    #: a cell's style id by (number format, the value's type): openpyxl's style of such a cell
    _style_ids: dict[tuple[str | None, type], int]

    def _get_writer(self) -> None:
        if self._writer is None:
            self._writer = _SheetWriter(self)
            self._writer.write_top()

    def _write_rows(self) -> Any:
        # openpyxl's: open sheetData and leave it to append, which writes rows to the file
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        with xf.element("sheetData"):
            xf.flush()  # the tag reaches the file before the first row
            self._file = self._writer.file
            try:
                while True:
                    yield
            except GeneratorExit:
                self._file = None
        self._writer.xf.send(None)

    def append(self, row: Any, number_formats: Sequence[str | None] | None = None) -> None:
        if not isgenerator(row) and not isinstance(row, (list, tuple, range)):
            self._invalid_row(row)
        if self.closed:
            self._already_saved()
        self._get_writer()
        if self._rows is None:
            self._letters = [""]
            self._style_ids = {}
            self._rows = self._write_rows()
            next(self._rows)
        assert self._file is not None
        self._row_index += 1
        self._file.write(self._row_xml(row, self._row_index, number_formats).encode())

    def _row_xml(self, row: Iterable[Any], r: int, formats: Sequence[str | None] | None) -> str:
        """The row's XML, as openpyxl's writer would give it (no XML declaration: UTF-8)."""
        letters = self._letters
        dims = self.row_dimensions.get(r)
        parts = [_row_tag(r, dims) if dims else f'<row r="{r}">']
        for j, value in enumerate(row, start=1):
            if value is None:
                continue
            if j >= len(letters):
                letters.extend(get_column_letter(k) for k in range(len(letters), j + 1))
            fmt = formats[j - 1] if formats is not None and j <= len(formats) else None
            kind = type(value)
            if kind is str:
                text = _clean(value)[:_MAX_TEXT]
                space = ' xml:space="preserve"' if text != text.strip() else ""
                if text:
                    parts.append(
                        f'<c r="{letters[j]}{r}"{self._style(fmt, str)} t="inlineStr"><is>'
                        f"<t{space}>{_xml_text(text)}</t></is></c>"
                    )
                else:
                    parts.append(f'<c r="{letters[j]}{r}"{self._style(fmt, str)} t="inlineStr"/>')
            elif kind is int or (kind is float and math.isfinite(value)):
                parts.append(
                    f'<c r="{letters[j]}{r}"{self._style(fmt, kind)} t="n"><v>{value:.16g}</v></c>'
                )
            elif kind is bool:
                parts.append(
                    f'<c r="{letters[j]}{r}"{self._style(fmt, bool)} t="b"><v>{int(value)}</v></c>'
                )
            elif (
                kind in (dt.date, dt.datetime)
                and not self.parent.iso_dates
                and (kind is dt.date or value.tzinfo is None)
            ):
                serial = to_excel(value, self.parent.epoch)
                parts.append(
                    f'<c r="{letters[j]}{r}"{self._style(fmt, kind)} t="n"><v>{serial:.16g}</v></c>'
                )
            else:
                parts.append(self._cell_xml(value, r, j, fmt))
        parts.append("</row>")
        return "".join(parts)

    def _style(self, fmt: str | None, kind: type) -> str:
        """The ``s`` attribute of a cell of ``kind`` given ``fmt``: the style openpyxl gives a
        ``WriteOnlyCell`` of such a value (a date its default date format), found the first
        time it is wanted, as openpyxl would register it."""
        key = (fmt, kind)
        sid = self._style_ids.get(key)
        if sid is None:
            cell = WriteOnlyCell(self, _SAMPLES[kind])
            if fmt is not None:
                cell.number_format = fmt
            sid = self._style_ids[key] = cell.style_id if cell.has_style else 0
        return f' s="{sid}"' if sid else ""

    def _cell_xml(self, value: Any, r: int, j: int, fmt: str | None) -> str:
        """Any other cell, by openpyxl's own cell writer (its comment and hyperlink noted)."""
        if isinstance(value, Cell):
            cell = value
        else:
            cell = WriteOnlyCell(self, _clean(value))
            if fmt is not None:
                cell.number_format = fmt
        _as_text(cell)
        cell.column, cell.row = j, r
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
        if cell._comment is not None:
            self._comments.append(CommentRecord.from_cell(cell))
        if cell._value is None and not cell.has_style and not cell._comment:
            return ""
        keeper = _ElementKeeper()
        etree_write_cell(keeper, self, cell, cell.has_style)
        return str(tostring(keeper.element, encoding="unicode"))


#: A value of each type the fast path writes, to find the style openpyxl gives such a cell.
_SAMPLES: dict[type, Any] = {
    str: "",
    int: 0,
    float: 0.0,
    bool: False,
    dt.date: dt.date(2000, 1, 1),
    dt.datetime: dt.datetime(2000, 1, 1),
}


def _row_tag(r: int, dims: Any) -> str:
    """A row's start tag with its dimension's attributes (height, hidden), as openpyxl's."""
    attrs = {"r": str(r), **dict(dims)}
    return "<row" + "".join(f' {k}="{_xml_attr(str(v))}"' for k, v in attrs.items()) + ">"


def _xml_attr(text: str) -> str:
    return _xml_text(text).replace('"', "&quot;")


class CityStampedProperties(DocumentProperties):
    """The workbook's document properties, stamped by the city's clock.

    openpyxl's writer sets ``modified`` to the machine's clock as it saves; on a city that lives
    on a configured day (the demo's 2024-01-15) that is another date than the one the 说明 sheet
    states, so every ``modified`` set here (the writer's too) takes the city's now instead."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "modified" and value is not None:
            value = clock.now()
        super().__setattr__(name, value)


# openpyxl's metaclass lists a class's own fields only (none here): the subclass writes the
# same ones as its parent
for _field in ("__attrs__", "__elements__", "__nested__", "__namespaced__"):
    setattr(CityStampedProperties, _field, getattr(DocumentProperties, _field))


class InertWorkbook(Workbook):
    """A workbook whose sheets are :class:`InertWorksheet` (or the write-only twin), and whose
    document properties name Gaodi (or the user) and the city's clock, not openpyxl and the
    machine's."""

    def __init__(self, write_only: bool = False) -> None:
        super().__init__(write_only=write_only)
        if not write_only:
            self._sheets = [InertWorksheet(self)]
        now = clock.now()
        self.properties = CityStampedProperties(
            creator=CREATOR, lastModifiedBy=CREATOR, created=now, modified=now
        )

    def describe(self, title: str | None = None, author: str | None = None) -> None:
        """Name the workbook (its title) and who made it in its document properties."""
        if title:
            self.properties.title = clean_text(" ".join(title.split()))[:255]
        if author:
            who = clean_text(author)[:255]
            self.properties.creator = who
            self.properties.lastModifiedBy = who

    def create_sheet(self, title: str | None = None, index: int | None = None) -> Any:
        if self.write_only:
            sheet: Any = InertWriteOnlyWorksheet(parent=self, title=title)
        else:
            sheet = InertWorksheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet

    def save(self, filename: Any) -> None:
        # A sheet named after stored text (a chain, a park) goes into the workbook's XML too;
        # Excel wants one line there.
        for ws in self._sheets:
            title = " ".join(clean_text(ws.title).split()) or "Sheet"
            if title != ws.title:
                ws.title = title
        # A cell whose value was set directly (cell.value = ...) is caught here.
        if not self.write_only:
            for ws in self.worksheets:
                for cell in getattr(ws, "_cells", {}).values():
                    _as_text(cell)
        super().save(filename)


def new_workbook(
    write_only: bool = False, *, title: str | None = None, author: str | None = None
) -> InertWorkbook:
    """A new workbook for an export, a template or a report (see the module's note): its
    properties say ``title``, ``author`` (else Gaodi) and the city's now as created/modified."""
    wb = InertWorkbook(write_only=write_only)
    wb.describe(title, author)
    return wb


def text_cell(ws: Any, value: Any) -> Any:
    """A styled cell of a write-only sheet holding ``value`` by the same rule."""
    from openpyxl.cell import WriteOnlyCell

    return _as_text(WriteOnlyCell(ws, _clean(value)))


def citation_cell(cell: Any, value: Any, lang: str = "zh") -> Any:
    """Write a citation into ``cell`` (of a normal sheet, or a ``WriteOnlyCell``): the words of
    :meth:`~gaodi.core.provenance.Provenance.describe`, kept as text like every cell here, and
    the address as the cell's hyperlink when it is an http(s) one. ``value``: a record, a
    Provenance or a Citation."""
    from gaodi.core.provenance import as_provenance, web_address

    p = as_provenance(value)
    cell.value = _clean(p.describe(lang))
    _as_text(cell)
    link = web_address(p.url)
    if link is not None:
        cell.hyperlink = link
        cell.style = "Hyperlink"
    return cell

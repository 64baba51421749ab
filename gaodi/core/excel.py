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
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.packaging.core import DocumentProperties
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

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


class InertWriteOnlyWorksheet(WriteOnlyWorksheet):
    """The streaming worksheet with the same rule: strings become string cells."""

    def append(self, row: Any) -> None:
        super().append([_clean(v) for v in row])

    def _values_to_row(self, values: Any, row_idx: int) -> Any:
        # openpyxl reuses one cell object per row and binds each value to it: fix the type of
        # each before the writer takes it.
        for cell in super()._values_to_row(values, row_idx):
            yield _as_text(cell)


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


def keep_city_stamps(book: Workbook) -> Workbook:
    """``book`` (read back with ``load_workbook`` to be changed and saved again) keeps its title,
    author and created stamp, and is stamped modified by the city's clock when saved."""
    old = book.properties
    fields = {name: getattr(old, name) for name in DocumentProperties.__elements__}
    book.properties = CityStampedProperties(**fields)
    return book


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

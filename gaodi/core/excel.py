"""The one Excel writer: workbooks whose cells are text when they were given text.

openpyxl turns any string that starts with ``=`` into a live formula and raises on control
characters (see :mod:`gaodi.core.text_safety`). Gaodi never writes a formula into a cell — every
cell is data — so the workbooks made here store strings as strings, whatever they begin with,
and clean control characters on the way in. Every module that writes a workbook calls
:func:`new_workbook`; a test fails when one calls ``openpyxl.Workbook`` itself.

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
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from gaodi.core.text_safety import clean_text


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


class InertWorkbook(Workbook):
    """A workbook whose sheets are :class:`InertWorksheet` (or the write-only twin)."""

    def __init__(self, write_only: bool = False) -> None:
        super().__init__(write_only=write_only)
        if not write_only:
            self._sheets = [InertWorksheet(self)]

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


def new_workbook(write_only: bool = False) -> InertWorkbook:
    """A new workbook for an export, a template or a report (see the module's note)."""
    return InertWorkbook(write_only=write_only)


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

"""Every workbook writer numbers the rows it appends instead of asking openpyxl's
``ws.max_row``, which walks every cell written so far: read once a row it made a sheet of n rows
cost n² (the city's parks.xlsx of 5,177 firms did not arrive in a quarter of an hour; the same
was mended in gaodi/reports/xlsx.py). Checked on the small demo city by counting the reads while
each writer runs, and by reading the formats back on the last row."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many times ``max_row`` is read (one counter, shared with the test)."""
    count = [0]
    original = Worksheet.max_row

    def counted(self: Worksheet) -> int:
        count[0] += 1
        return original.fget(self)  # type: ignore[attr-defined,no-any-return]

    monkeypatch.setattr(Worksheet, "max_row", property(counted))
    yield count


def _written(
    demo_engine: Engine, reads: list[int], build: Callable[[Session], Callable[[], Workbook]]
) -> tuple[Any, int]:
    with session_scope(demo_engine) as s:
        write = build(s)  # the data first: only the writer's reads are counted
        reads[0] = 0
        wb = write()
    counted = reads[0]
    buffer = io.BytesIO()
    wb.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue())), counted


def test_parks_workbook_with_every_firm(demo_engine: Engine, reads: list[int]) -> None:
    from gaodi.parks import service
    from gaodi.parks.export import workbook

    def build(s: Session) -> Callable[[], Workbook]:
        state = service.compute(s, SYSTEM)
        ev = service.evaluate(s, SYSTEM, state=state)
        firms = service.evaluated_enterprises(s, SYSTEM, state=state)
        assert len(firms) >= 200, len(firms)  # enough rows for n² to show
        return lambda: workbook(ev, firms, service.indicators("default"))

    book, counted = _written(demo_engine, reads, build)
    assert counted < 20, counted
    sheet = book.worksheets[-1]
    numbers = [c for c in sheet[sheet.max_row] if isinstance(c.value, (int, float))]
    assert numbers and all(c.number_format != "General" for c in numbers)


def test_tier_eligibility_workbook(demo_engine: Engine, reads: list[int]) -> None:
    from gaodi.enterprises import service
    from gaodi.enterprises.export import eligibility_workbook

    expected: list[int] = []

    def build(s: Session) -> Callable[[], Workbook]:
        report = service.eligibility(s, SYSTEM, level="innovative_sme", limit=None)
        expected.append(sum(max(1, len(r.missed)) for r in report.rows))
        assert expected[0] >= 50, expected
        return lambda: eligibility_workbook(report)

    book, counted = _written(demo_engine, reads, build)
    assert counted < 20, counted
    # one row a firm, or one a missed criterion: the count the numbering relies on
    assert book["名单 enterprises"].max_row - 1 == expected[0]


def test_chain_workbooks(demo_engine: Engine, reads: list[int]) -> None:
    from gaodi.chains import service
    from gaodi.chains.export import diagnosis_workbook, summary_workbook

    def build(s: Session) -> Callable[[], Workbook]:
        results = service.diagnose_all(s, SYSTEM)
        assert sum(len(r.links) for r in results) >= 100
        return lambda: diagnosis_workbook(results)

    book, counted = _written(demo_engine, reads, build)
    assert counted < 20, counted
    links = book["环节 links"]
    assert any(c.number_format == "0.0%" for c in links[links.max_row])

    def summary(s: Session) -> Callable[[], Workbook]:
        found = service.chain_summary(s, SYSTEM)
        return lambda: summary_workbook(found)

    book, counted = _written(demo_engine, reads, summary)
    assert counted < 20, counted
    chains = book["产业链 chains"]
    assert chains.cell(chains.max_row, 6).number_format == "0.0%"


def test_plan_board_workbook(demo_engine: Engine, reads: list[int]) -> None:
    from gaodi.plans import service
    from gaodi.plans.export import board_workbook

    def build(s: Session) -> Callable[[], Workbook]:
        board = service.board(s, SYSTEM, "2023-06")
        assert sum(len(a.rows) for a in board.actions) >= 10
        return lambda: board_workbook(board)

    book, counted = _written(demo_engine, reads, build)
    assert counted < 20, counted
    sheet = book["看板 board"]
    assert sheet.cell(sheet.max_row, 12).number_format == "0.0%"

"""The test helpers' shortcuts give what the long way gives: a workbook written again from its
remembered bytes holds the cells it was asked for, and the one-statement row count agrees with a
count per table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, insert, inspect, select, table
from sqlalchemy.engine import Engine

from gaodi.parks.models import Park
from tests.exchange.helpers import table_counts, write_xlsx


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def test_a_workbook_written_twice_holds_the_cells_each_time(tmp_path: Path) -> None:
    sheets = {
        "园区": [["名称", "面积"], ["岳麓高新区", 12.5], ["望城经开区", Decimal("3")]],
        "日期": [["日"], [dt.date(2023, 6, 30)]],
    }
    first = write_xlsx(tmp_path / "a.xlsx", sheets)
    second = write_xlsx(tmp_path / "b.xlsx", sheets)
    expected = {
        "园区": [("名称", "面积"), ("岳麓高新区", 12.5), ("望城经开区", 3)],
        "日期": [("日",), (dt.datetime(2023, 6, 30),)],
    }
    assert _cells(first) == _cells(second) == expected
    # one cell changed (a value, then only its type) is another workbook, not the remembered one
    sheets["园区"][1][1] = 13
    assert _cells(write_xlsx(tmp_path / "c.xlsx", sheets))["园区"][1] == ("岳麓高新区", 13)
    sheets["园区"][1][1] = "13"
    assert _cells(write_xlsx(tmp_path / "d.xlsx", sheets))["园区"][1] == ("岳麓高新区", "13")


def test_the_row_counts_agree_with_a_count_per_table(db: Engine) -> None:
    with db.begin() as conn:
        conn.execute(insert(Park), [{"name": "岳麓高新区"}, {"name": "望城经开区"}])
    counts = table_counts(db)
    with db.connect() as conn:
        names = inspect(conn).get_table_names()
        one_by_one = {
            n: conn.execute(select(func.count()).select_from(table(n))).scalar_one() for n in names
        }
    assert counts == one_by_one and counts["park"] == 2 and len(counts) > 30

"""The 企业 page's 「导出 Excel」 (every firm an administrator sees) against the way it was made
before, in the same run.

Run (the medium demo, 30,000 firms, built into a temporary database first)::

    GAODI_DATABASE_URL=sqlite:////tmp/gaodi-medium.sqlite .venv/bin/gaodi demo build --size medium
    GAODI_DATABASE_URL=sqlite:////tmp/gaodi-medium.sqlite \\
        .venv/bin/python benchmarks/enterprise_export.py [--sizes 2000,8000,30000] \\
        [--old-write-max 8000]

For each size (the first N firms of the list, name order, as an administrator — the first
admin user of the database, else the system principal):

* **rows, before**: the list read as the export read it before — :func:`service.search` page
  after page, 200 a page (each page counts the list again and skips the rows before it, so
  the cost grows with the square of the pages);
* **rows, now**: :func:`service.search_all` — one ordered query, the year's figures and chains
  a chunk of 5,000 firms at a time;
* **write, now**: :func:`gaodi.reports.xlsx.write_table_workbook` of those rows (10 columns);
* **write, before**: the same writer as it was: it read ``ws.max_row`` after every row, which
  scans every cell written so far (reproduced here by reading it after each append); run up
  to ``--old-write-max`` rows only, as it grows with the square of the rows.

Prints each time and the ratio before/now. Machines here are shared: quote the ratios.
Results and the command: docs/benchmarks/exports.md.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import get_engine, session_scope
from gaodi.enterprises import service
from gaodi.enterprises.schemas import EnterpriseFilter, EnterpriseRow
from gaodi.reports.model import Column
from gaodi.reports.xlsx import Sheet, write_table_workbook

COLUMNS = [
    Column("统一社会信用代码", key="uscc"),
    Column("企业", key="name"),
    Column("园区", key="park"),
    Column("行业代码", key="industry_code"),
    Column("行业", key="industry_name"),
    Column("标签", key="tags"),
    Column("产业链", key="chains"),
    Column("年份", key="year"),
    Column("营业收入", unit="万元", fmt="number", key="revenue"),
    Column("产值", unit="万元", fmt="number", key="output"),
]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def rows_before(session: Any, principal: Principal, size: int) -> list[EnterpriseRow]:
    """The export's loop before this change (gaodi/reports/export_tables.py, 0.1.x)."""
    rows: list[EnterpriseRow] = []
    number = 1
    while len(rows) < size:
        result = service.search(session, principal, EnterpriseFilter(page=number, per_page=200))
        rows.extend(result.rows)
        if number >= result.pages:
            break
        number += 1
    return rows[:size]


def rows_now(session: Any, principal: Principal, size: int) -> list[EnterpriseRow]:
    return list(service.search_all(session, principal, EnterpriseFilter(), size))


def write(rows: list[EnterpriseRow]) -> bytes:
    records = ({**r.model_dump()} for r in rows)
    data = write_table_workbook(
        [Sheet("企业", COLUMNS, records)], [], title="企业", is_demo=True, lang="zh"
    )
    assert data is not None
    return data


@contextmanager
def max_row_after_each_append() -> Iterator[None]:
    """The writer as it was: ``ws.max_row`` read after every appended row."""
    original = Worksheet.append

    def append(self: Worksheet, iterable: Any) -> None:
        original(self, iterable)
        _ = self.max_row

    Worksheet.append = append  # type: ignore[method-assign]
    try:
        yield
    finally:
        Worksheet.append = original  # type: ignore[method-assign]


def admin(session: Any) -> Principal:
    from gaodi.accounts.models import User

    user = session.scalar(select(User).where(User.role == "admin").order_by(User.id))
    return Principal.from_user(user) if user is not None else SYSTEM


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,8000,30000")
    parser.add_argument("--old-write-max", type=int, default=8000)
    args = parser.parse_args()
    engine = get_engine()
    print(f"database: {engine.url}; {platform.python_version()} on {platform.machine()}")
    print("| firms | rows before s | rows now s | ratio | write before s | write now s | ratio "
          "| total before s | total now s | ratio |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with session_scope(engine) as session:
        principal = admin(session)
        total = service.search(session, principal, EnterpriseFilter(per_page=1)).total
        for size in (int(s) for s in args.sizes.split(",")):
            size = min(size, total)
            old_rows_s, old_rows = timed(lambda: rows_before(session, principal, size))  # noqa: B023
            session.expunge_all()
            new_rows_s, new_rows = timed(lambda: rows_now(session, principal, size))  # noqa: B023
            session.expunge_all()
            # the same rows, in the same order, either way
            assert [r.id for r in old_rows] == [r.id for r in new_rows], size
            new_write_s, _ = timed(lambda: write(new_rows))  # noqa: B023
            old_write: float | None = None
            if size <= args.old_write_max:
                with max_row_after_each_append():
                    old_write, _ = timed(lambda: write(new_rows))  # noqa: B023

            def cell(x: float | None) -> str:
                return "—" if x is None else f"{x:.2f}"

            before = None if old_write is None else old_rows_s + old_write
            now = new_rows_s + new_write_s
            print(
                f"| {size:,} | {old_rows_s:.2f} | {new_rows_s:.2f} | {old_rows_s / new_rows_s:.1f} "
                f"| {cell(old_write)} | {new_write_s:.2f} "
                f"| {'—' if old_write is None else f'{old_write / new_write_s:.1f}'} "
                f"| {cell(before)} | {now:.2f} "
                f"| {'—' if before is None else f'{before / now:.1f}'} |"
            )


if __name__ == "__main__":
    main()

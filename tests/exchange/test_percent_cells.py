"""Percentages as office staff type them: "45%" as text, or 0.45 in a cell formatted as a
percentage (Excel shows 45%). Under a "（%）" header both are 45; in a column not in %, a
typed percentage is refused naming the cell. Review: "45%" was refused as "not a number"
under a % header, and a percent-formatted 0.45 was read as 0.45 %."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core.errors import ImportRejected
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.service import import_file
from gaodi.models import Enterprise, EnterpriseYear
from tests.exchange.helpers import USCCS, load_city, table_counts


def _workbook(path: Path, rows: list[list[Any]], formats: dict[str, str]) -> Path:
    """A workbook as Excel saves it: ``formats`` maps a cell ("D2") to its number format."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业年度数据"
    for row in rows:
        ws.append(row)
    for ref, number_format in formats.items():
        ws[ref].number_format = number_format
    wb.save(path)
    return path


def _debt_ratios(engine: Engine) -> dict[tuple[str, int], float | None]:
    with session_scope(engine) as s:
        rows = s.execute(
            select(Enterprise.uscc, EnterpriseYear.year, EnterpriseYear.debt_ratio).join(
                Enterprise, Enterprise.id == EnterpriseYear.enterprise_id
            )
        ).all()
    return {(u, y): v for u, y, v in rows}


def test_a_percentage_typed_or_formatted_under_a_percent_header_is_read_as_shown(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    load_city(sqlite_db, tmp_path, upto="enterprise_years")
    rows = [
        ["统一社会信用代码", "年度", "资产负债率（%）"],
        [USCCS[0], 2024, "45%"],
        [USCCS[1], 2024, "38.5 %"],
        [USCCS[2], 2024, "12％"],  # a full-width percent sign, as a Chinese IME types it
        [USCCS[0], 2020, 0.41],  # formatted 0%: Excel shows 41%
        [USCCS[1], 2020, 0.625],  # formatted 0.0%: Excel shows 62.5%
        [USCCS[2], 2020, 7],  # formatted 0"%": a literal sign, Excel shows 7%
    ]
    formats = {"C5": "0%", "C6": "0.0%", "C7": '0"%"'}
    path = _workbook(tmp_path / "y.xlsx", rows, formats)
    assert import_file(sqlite_db, "enterprise_years", path, principal=SYSTEM).created == 6
    got = _debt_ratios(sqlite_db)
    assert [got[(u, 2024)] for u in USCCS[:3]] == [0.45, 0.385, 0.12]
    assert [got[(u, 2020)] for u in USCCS[:3]] == [0.41, 0.625, 0.07]


def test_a_percent_formatted_fraction_in_a_fraction_column_is_the_fraction(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    # a 0–1 column's 0.45, shown as 45% by its format, is the 0.45 it holds
    load_city(sqlite_db, tmp_path, upto="enterprise_years")
    rows = [["统一社会信用代码", "年度", "资产负债率（0–1）"], [USCCS[0], 2024, 0.45]]
    path = _workbook(tmp_path / "y.xlsx", rows, {"C2": "0%"})
    import_file(sqlite_db, "enterprise_years", path, principal=SYSTEM)
    assert _debt_ratios(sqlite_db)[(USCCS[0], 2024)] == 0.45


def test_a_percentage_in_a_column_not_in_percent_is_refused_naming_the_cell(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    load_city(sqlite_db, tmp_path, upto="enterprise_years")
    rows = [
        ["统一社会信用代码", "年度", "营业收入（万元）", "资产负债率"],
        [USCCS[0], 2024, 1200, "45%"],
        [USCCS[1], 2024, "12%", 0.3],
    ]
    path = _workbook(tmp_path / "y.xlsx", rows, {})
    before = table_counts(sqlite_db)
    with pytest.raises(ImportRejected) as err:
        import_file(sqlite_db, "enterprise_years", path, principal=SYSTEM)
    assert table_counts(sqlite_db) == before  # all or nothing: row 3 is not written either
    errors = {(e.row, e.column): e for e in err.value.errors}
    assert set(errors) == {(2, "资产负债率"), (3, "营业收入（万元）")}
    ratio, revenue = errors[(2, "资产负债率")], errors[(3, "营业收入（万元）")]
    assert ratio.value == "45%" and revenue.value == "12%"
    assert "单元格 D2 的“45%”带百分号，但列“资产负债率”不以 % 计" in ratio.reason_zh
    assert "请填 0.45，或把表头写成“资产负债率（%）”" in ratio.reason_zh
    assert "Cell D2 holds '45%', a percentage, but column '资产负债率' is not in %" in (
        ratio.reason_en
    )
    assert "单元格 C3 的“12%”带百分号" in revenue.reason_zh and "万元" in revenue.reason_zh
    assert "not a number" not in revenue.reason_en

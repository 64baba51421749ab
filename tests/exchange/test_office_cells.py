"""Cells as office staff leave them: formula errors, formulas never calculated, merged cells.

Python-calamine and openpyxl give an error value (#N/A from a VLOOKUP that misses) and a formula
saved without its result as an empty cell; in update mode an empty cell clears the stored value,
so these must be refused by cell, never read as blank. A value merged down a column is what Excel
shows against every row of the range, so it is every row's value.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core.errors import ImportRejected
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.service import import_file
from gaodi.models import Enterprise, EnterpriseYear, Park
from tests.exchange.helpers import USCCS, load_city, table_counts

HEADER = ["统一社会信用代码", "企业名称", "所在园区"]


def _book(path: Path, rows: list[list[object]], name: str = "企业", merge: str = "") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = name
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)
    return path


def _parks(engine: Engine) -> dict[str, str | None]:
    with session_scope(engine) as s:
        names = dict(s.execute(select(Park.id, Park.name)).all())
        return {
            e.uscc: names.get(e.park_id)
            for e in s.scalars(select(Enterprise).where(Enterprise.uscc.in_(USCCS[:3])))
        }


def _refused(engine: Engine, entity: str, path: Path, **kw: object) -> list:
    before = table_counts(engine)
    with pytest.raises(ImportRejected) as err:
        import_file(engine, entity, path, principal=SYSTEM, **kw)
    assert table_counts(engine) == before
    return err.value.errors


def test_error_values_and_uncalculated_formulas_are_refused_not_cleared(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    load_city(sqlite_db, tmp_path, upto="chains")
    before = _parks(sqlite_db)
    # openpyxl writes "#N/A" as an error cell (t="e"), the form Excel saves a failed VLOOKUP in,
    # and "=…" as a formula with no cached result
    rows = [
        HEADER,
        [USCCS[0], "示例智能装备有限公司", "#N/A"],
        [USCCS[1], "示例新材料股份有限公司", "=1/0"],
    ]
    errors = _refused(sqlite_db, "enterprises", _book(tmp_path / "e.xlsx", rows), mode="upsert")
    found = {(e.row, e.column): e for e in errors}
    assert set(found) == {(2, "所在园区"), (3, "所在园区")}
    assert "#N/A" in found[(2, "所在园区")].reason_zh
    assert "公式没有计算结果" in found[(3, "所在园区")].reason_zh
    assert found[(3, "所在园区")].value == "=1/0"
    assert _parks(sqlite_db) == before

    years = [["uscc", "year", "revenue"], [USCCS[0], 2023, "#DIV/0!"]]
    errors = _refused(
        sqlite_db,
        "enterprise_years",
        _book(tmp_path / "y.xlsx", years, "企业年度数据"),
        mode="upsert",
    )
    assert [(e.row, e.column, e.value) for e in errors] == [(2, "revenue", "#DIV/0!")]
    with session_scope(sqlite_db) as s:
        revenue = s.scalars(
            select(EnterpriseYear.revenue)
            .where(EnterpriseYear.year == 2023)
            .order_by(EnterpriseYear.id)
        ).first()
        assert revenue == 13500


def test_a_csv_saved_by_excel_with_an_error_value_is_refused(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    load_city(sqlite_db, tmp_path, upto="enterprise_years")
    path = tmp_path / "e.csv"
    path.write_text(f"统一社会信用代码,企业名称,所在园区\n{USCCS[0]},示例智能装备有限公司,#N/A\n")
    errors = _refused(sqlite_db, "enterprises", path, mode="upsert")
    assert [(e.row, e.column) for e in errors] == [(2, "所在园区")]


def test_a_value_merged_down_a_column_belongs_to_every_row(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    load_city(sqlite_db, tmp_path, upto="enterprise_years")
    rows = [
        HEADER,
        [USCCS[0], "示例智能装备有限公司", "示例经济开发区"],
        [USCCS[1], "示例新材料股份有限公司", None],
        [USCCS[2], "示例软件有限公司", None],
    ]
    path = _book(tmp_path / "m.xlsx", rows, merge="C2:C4")
    import_file(sqlite_db, "enterprises", path, mode="upsert", principal=SYSTEM)
    assert set(_parks(sqlite_db).values()) == {"示例经济开发区"}


def test_a_value_merged_across_columns_is_refused_with_its_range(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    load_city(sqlite_db, tmp_path, upto="enterprise_years")
    rows = [
        ["统一社会信用代码", "企业名称", "所在园区", "国民经济行业代码"],
        [USCCS[0], "示例智能装备有限公司", "示例经济开发区", None],
    ]
    path = _book(tmp_path / "m.xlsx", rows, merge="C2:D2")
    errors = _refused(sqlite_db, "enterprises", path, mode="upsert")
    assert [e.row for e in errors] == [2]
    assert "C2:D2" in errors[0].reason_zh and "合并" in errors[0].reason_zh


def test_a_merged_title_above_the_header_is_not_data(sqlite_db: Engine, tmp_path: Path) -> None:
    load_city(sqlite_db, tmp_path, upto="enterprises")
    rows = [["示例园区名单（2024 年）", None], ["园区名称", "级别"], ["示例园区", "国家级"]]
    path = _book(tmp_path / "p.xlsx", rows, name="园区", merge="A1:B1")
    assert import_file(sqlite_db, "parks", path, principal=SYSTEM).created == 1


def test_a_header_merged_down_into_the_data_is_refused(sqlite_db: Engine, tmp_path: Path) -> None:
    load_city(sqlite_db, tmp_path, upto="enterprise_years")
    rows = [HEADER, [USCCS[0], "示例智能装备有限公司", None]]
    path = _book(tmp_path / "m.xlsx", rows, merge="C1:C2")
    errors = _refused(sqlite_db, "enterprises", path, mode="upsert")
    assert [e.row for e in errors] == [2] and "C1:C2" in errors[0].reason_zh

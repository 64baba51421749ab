"""A header's unit is the unit of its numbers: "营业收入（亿元）" is converted to the template's 万元
exactly, a unit of another kind is refused naming the column, and a 0–1 column refuses 45."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.core.errors import ImportRejected
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.report import write_report
from gaodi.exchange.service import import_file
from gaodi.models import Enterprise, EnterpriseYear, Indicator, Observation
from tests.exchange.helpers import USCCS, load_city, table_counts, write_xlsx

runner = CliRunner()


def _year(engine: Engine, uscc: str, year: int) -> EnterpriseYear:
    with session_scope(engine) as s:
        row = s.scalars(
            select(EnterpriseYear)
            .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
            .where(Enterprise.uscc == uscc, EnterpriseYear.year == year)
        ).one()
        s.expunge(row)
        return row


def _refused(engine: Engine, path: Path) -> list:
    return _refused_import(engine, "enterprise_years", path)


def _refused_import(engine: Engine, entity: str, path: Path) -> list:
    before = table_counts(engine)
    with pytest.raises(ImportRejected) as err:
        import_file(engine, entity, path, principal=SYSTEM)
    assert table_counts(engine) == before
    return err.value.errors


def test_a_header_in_yi_yuan_and_percent_is_converted(sqlite_db: Engine, tmp_path: Path) -> None:
    load_city(sqlite_db, tmp_path, upto="enterprise_years")
    rows = [
        ["2024年企业年报数据（单位：亿元）"],
        [
            "统一社会信用代码",
            "年度",
            "营业收入（亿元）",
            "利润总额（单位：亿元）",
            "资产负债率（%）",
        ],
        [USCCS[0], 2024, 1.5, "0.2", 45],
        [USCCS[1], 2024, 2366.1807, -0.03, "38.5"],
    ]
    path = write_xlsx(tmp_path / "y.xlsx", {"企业年度数据": rows})
    assert import_file(sqlite_db, "enterprise_years", path, principal=SYSTEM).created == 2
    a, b = _year(sqlite_db, USCCS[0], 2024), _year(sqlite_db, USCCS[1], 2024)
    assert (a.revenue, a.profit, a.debt_ratio) == (15000.0, 2000.0, 0.45)
    assert (b.revenue, b.profit, b.debt_ratio) == (23661807.0, -300.0, 0.385)


def test_a_header_unit_of_another_kind_is_refused(sqlite_db: Engine, tmp_path: Path) -> None:
    load_city(sqlite_db, tmp_path, upto="enterprise_years")
    rows = [["统一社会信用代码", "年度", "营业收入（吨）"], [USCCS[0], 2024, 1.5]]
    errors = _refused(sqlite_db, write_xlsx(tmp_path / "y.xlsx", {"企业年度数据": rows}))
    assert [(e.row, e.column) for e in errors] == [(1, "营业收入（吨）")]
    assert "吨" in errors[0].reason_zh and "万元" in errors[0].reason_zh


def test_the_templates_own_unit_and_notes_in_brackets_are_not_converted(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    load_city(sqlite_db, tmp_path, upto="enterprise_years")
    rows = [
        [
            "*统一社会信用代码\nuscc",
            "年度",
            "营业收入（万元）",
            "利润总额（选填）",
            "资产负债率（0–1）",
        ],
        [USCCS[0], 2024, 1.5, 0.2, 0.45],
    ]
    path = write_xlsx(tmp_path / "y.xlsx", {"企业年度数据": rows})
    import_file(sqlite_db, "enterprise_years", path, principal=SYSTEM)
    row = _year(sqlite_db, USCCS[0], 2024)
    assert (row.revenue, row.profit, row.debt_ratio) == (1.5, 0.2, 0.45)


def test_a_percentage_in_a_fraction_column_is_refused_with_the_likely_meaning(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    load_city(sqlite_db, tmp_path, upto="enterprise_years")
    rows = [["统一社会信用代码", "年度", "资产负债率（0–1）"], [USCCS[0], 2024, 45]]
    errors = _refused(sqlite_db, write_xlsx(tmp_path / "y.xlsx", {"企业年度数据": rows}))
    assert [(e.row, e.value) for e in errors] == [(2, "45")]
    assert "45 是否为 45%" in errors[0].reason_zh and "0.45" in errors[0].reason_zh


def test_a_unit_in_the_header_of_a_column_in_the_indicators_unit_is_a_note(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    load_city(sqlite_db, tmp_path, upto="observations")
    rows = [
        ["指标代码", "范围", "期间", "数值（亿元）", "口径"],
        ["demo_output", "全市", "2023-06", 1, "累计值"],
    ]
    path = write_xlsx(tmp_path / "o.xlsx", {"指标实际值": rows})
    assert import_file(sqlite_db, "observations", path, principal=SYSTEM).created == 1


def test_a_value_header_in_wan_yuan_is_converted_to_each_indicators_unit(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    # review: "数值（万元）" was a note, so 4,805,000 万元 of an indicator in 亿元 was stored as
    # 4,805,000 亿元 (10,000 times too large) without a word
    load_city(sqlite_db, tmp_path, upto="observations")
    header = ["指标代码", "范围", "期间", "数值（万元）", "口径"]
    rows = [header, ["demo_output", "全市", "2023-06", 4805000, "累计值"]]
    rows.append(["demo_output", "全市", "2023-07", 5500000, "累计值"])
    path = write_xlsx(tmp_path / "o.xlsx", {"指标实际值": rows})
    report = import_file(sqlite_db, "observations", path, principal=SYSTEM)
    assert [zh for zh, _ in report.notes] == [
        "“指标实际值”第 D 列“数值（万元）”按 万元→亿元 换算（÷10,000），共 2 行。"
    ]
    with session_scope(sqlite_db) as s:
        stored = s.scalars(
            select(Observation.value)
            .join(Indicator)
            .where(Indicator.code == "demo_output", Observation.period.in_(["2023-06", "2023-07"]))
        ).all()
    assert sorted(stored) == [480.5, 550.0]
    # an indicator counted in 家 cannot be in 万元: refused, naming both units
    rows = [header, ["demo_firms", "园区", "2024", 31, "当期值"]]
    rows[1].insert(2, "示例高新技术产业开发区")
    rows[0] = ["指标代码", "范围", "范围对象", "期间", "数值（万元）", "口径"]
    errors = _refused_import(
        sqlite_db, "observations", write_xlsx(tmp_path / "f.xlsx", {"指标实际值": rows})
    )
    assert [(e.row, e.column) for e in errors] == [(2, "数值（万元）")]
    assert "万元" in errors[0].reason_zh and "家" in errors[0].reason_zh


def test_a_currency_name_or_a_bare_yi_in_a_header_is_still_the_unit(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    # verification of audit H #4: "利润总额（亿）", "营业收入（亿元人民币）" and "税收（人民币元）"
    # were taken for notes and their numbers stored as 万元 (1.5 for 1.5 亿)
    load_city(sqlite_db, tmp_path, upto="enterprise_years")
    rows = [
        ["统一社会信用代码", "年度", "营业收入（亿元人民币）", "利润总额（亿）", "税收（人民币元）"],
        [USCCS[0], 2024, 1.5, 0.2, 12345],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "y.xlsx", {"企业年度数据": rows})
    assert import_file(sqlite_db, "enterprise_years", path, principal=SYSTEM).created == 1
    a = _year(sqlite_db, USCCS[0], 2024)
    assert (a.revenue, a.profit, a.tax) == (15000.0, 2000.0, 1.2345)


def test_the_report_says_which_columns_were_converted_and_how(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    # review: a 亿元 header was converted to the template's 万元 without a word; a user who
    # meant 万元 and typed the wrong header could not see the 10,000x in the report
    load_city(sqlite_db, tmp_path, upto="enterprise_years")
    rows = [
        ["统一社会信用代码", "年度", "营业收入（万元）", "工业总产值（亿元）", "资产负债率（%）"],
        [USCCS[0], 2024, 120, 1.5, 45],
        [USCCS[1], 2024, 80, None, 38.5],
        [USCCS[2], 2024, 60, 0.25, None],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "y.xlsx", {"企业年度数据": rows})
    report = import_file(sqlite_db, "enterprise_years", path, principal=SYSTEM, dry_run=True)
    zh = [z for z, _ in report.notes]
    en = [e for _, e in report.notes]
    # once per converted column, with its letter, its header, both units, the factor and
    # how many cells; the column already in the template's unit is not mentioned
    assert zh == [
        "“企业年度数据”第 D 列“工业总产值（亿元）”按 亿元→万元 换算（×10,000），共 2 行。",
        "“企业年度数据”第 E 列“资产负债率（%）”按 %→0–1 换算（÷100），共 2 行。",
    ]
    assert (
        "column D '工业总产值（亿元）' was converted from 亿元 to 万元 (×10,000), 2 row(s)" in en[0]
    )
    # the result file of `gaodi import --report` says it too, and the values are the converted ones
    result = runner.invoke(
        app, ["import", "enterprise_years", str(path), "--report", str(tmp_path / "r.xlsx")]
    )
    assert result.exit_code == 0, result.output
    assert "按 亿元→万元 换算（×10,000），共 2 行" in result.output
    sheet = load_workbook(tmp_path / "r.xlsx")["结果 result"]
    words = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert "第 D 列“工业总产值（亿元）”按 亿元→万元 换算（×10,000），共 2 行" in words
    assert "第 C 列" not in words
    a, c = _year(sqlite_db, USCCS[0], 2024), _year(sqlite_db, USCCS[2], 2024)
    assert (a.revenue, a.output, a.debt_ratio) == (120.0, 15000.0, 0.45)
    assert (c.output, c.debt_ratio) == (2500.0, None)
    csv = write_report(tmp_path / "r.csv", [], report).read_text(encoding="utf-8-sig")
    assert "按 %→0–1 换算（÷100），共 2 行" in csv

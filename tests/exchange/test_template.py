"""Templates: what an office user sees, and that a filled template imports."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.exchange.entities import ENTITIES
from gaodi.exchange.service import import_file, template
from tests.exchange.helpers import USCCS, load_city


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_every_entity_has_a_template(tmp_path: Path, entity: str) -> None:
    path = template(entity, tmp_path / f"{entity}.xlsx", principal=SYSTEM)
    wb = load_workbook(path)
    spec = ENTITIES[entity]
    assert wb.sheetnames[0] == "说明"
    assert [s.sheet_name for s in spec.sheets] == wb.sheetnames[1 : 1 + len(spec.sheets)]
    for sheet in spec.sheets:
        ws = wb[sheet.sheet_name]
        headers = [c.value for c in ws[1]]
        assert headers == [c.header for c in sheet.columns]
        assert ws.freeze_panes == "A2"
        # every column is described on the 说明 sheet, by its key
        info_keys = {r[2] for r in wb["说明"].iter_rows(values_only=True) if len(r) > 2}
        assert {c.key for c in sheet.columns} <= info_keys


def test_enterprise_template_details(tmp_path: Path) -> None:
    wb = load_workbook(template("enterprises", tmp_path / "e.xlsx", principal=SYSTEM))
    ws = wb["企业 enterprises"]
    assert ws["A1"].value == "*统一社会信用代码\nuscc"  # required: starred
    assert ws["B1"].value == "*企业名称\nname"
    assert ws["F1"].value == "成立日期\nfounded"
    # codes are text columns, so Excel keeps 0111 and long USCCs as typed
    assert ws.column_dimensions["A"].number_format == "@"
    assert ws.column_dimensions["E"].number_format == "@"
    assert ws.column_dimensions["F"].number_format == "yyyy-mm-dd"  # founded
    years = load_workbook(template("enterprise_years", tmp_path / "y.xlsx", principal=SYSTEM))
    ws_years = years["企业年度数据 enterprise_years"]
    assert ws_years.column_dimensions["B"].number_format == "0"  # year
    assert ws_years.column_dimensions["C"].number_format == "#,##0.00########"  # 万元
    assert "GB 32100" in ws["A1"].comment.text
    # yes/no column J has a drop-down fed from the hidden code-list sheet
    lists = wb["代码表 lists"]
    assert lists.sheet_state == "hidden"
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    dv = validations["J2:J1048576"]
    assert dv.type == "list" and dv.formula1.startswith("'代码表 lists'!$")
    column = dv.formula1.split("!$")[1].split("$")[0]
    assert [lists[f"{column}{r}"].value for r in (2, 3)] == ["是", "否"]


def test_template_lists_the_databases_parks(sqlite_db: Engine, tmp_path: Path) -> None:
    load_city(sqlite_db, tmp_path, upto="enterprises")
    wb = load_workbook(
        template("enterprises", tmp_path / "e.xlsx", engine=sqlite_db, principal=SYSTEM)
    )
    ws = wb["企业 enterprises"]
    dv = next(d for d in ws.data_validations.dataValidation if str(d.sqref) == "D2:D1048576")
    column = dv.formula1.split("!$")[1].split("$")[0]
    lists = wb["代码表 lists"]
    assert [lists[f"{column}{r}"].value for r in (2, 3)] == [
        "示例高新技术产业开发区",
        "示例经济开发区",
    ]
    # a park not yet in the database is only a warning in Excel: the import decides
    assert dv.errorStyle == "warning"


def test_a_filled_template_imports(sqlite_db: Engine, tmp_path: Path) -> None:
    load_city(sqlite_db, tmp_path, upto="enterprises")
    path = template("enterprises", tmp_path / "e.xlsx", engine=sqlite_db, principal=SYSTEM)
    wb = load_workbook(path)
    ws = wb["企业 enterprises"]
    ws.append(
        [
            USCCS[4],
            "示例模板企业有限公司",
            "430104",
            "示例经济开发区",
            "0111",
            "2020-05-04",
            None,
            None,
            "srdi",
            "是",
        ]
    )
    wb.save(path)
    report = import_file(sqlite_db, "enterprises", path, principal=SYSTEM)
    assert report.created == 1 and report.sheets["enterprises"].created == 1


def test_csv_template_is_the_header_row(tmp_path: Path) -> None:
    path = template("parks", tmp_path / "p.csv", principal=SYSTEM)
    first = path.read_bytes().decode("utf-8-sig").split("\r\n")[0]
    assert first.startswith("*园区名称 name,简称 short_name,*级别 level,")


def test_template_refuses_other_file_types(tmp_path: Path) -> None:
    from gaodi.core.errors import ValidationError

    with pytest.raises(ValidationError, match=r"must end in \.xlsx or \.csv"):
        template("parks", tmp_path / "p.xls", principal=SYSTEM)
    with pytest.raises(ValidationError, match="Unknown entity 'firms'"):
        template("firms", tmp_path / "p.xlsx", principal=SYSTEM)


def test_indicator_drop_down_shows_names_and_imports_back(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    # the observations template offers "code｜name" (an office user reads the name); a row that
    # picks the entry imports as the bare code, and a row with the bare code still imports
    load_city(sqlite_db, tmp_path, upto="observations")
    path = template("observations", tmp_path / "o.xlsx", engine=sqlite_db, principal=SYSTEM)
    wb = load_workbook(path)
    ws = wb["指标实际值 observations"]
    dv = next(d for d in ws.data_validations.dataValidation if str(d.sqref) == "A2:A1048576")
    column = dv.formula1.split("!$")[1].split("$")[0]
    lists = wb["代码表 lists"]
    offered = [lists[f"{column}{r}"].value for r in (2, 3)]
    assert offered == ["demo_output｜示例规模工业总产值", "demo_firms｜示例专精特新企业数"]
    info = [r for r in wb["说明"].iter_rows(values_only=True) if len(r) > 2 and r[2] == "indicator"]
    assert info and any("指标名称" in str(cell) for cell in info[0])
    ws.append([offered[0], "全市", None, "2023-06", 480.5, "累计值", None])
    ws.append(["demo_firms", "全市", None, "2023", 31, "当期值", None])
    wb.save(path)
    report = import_file(sqlite_db, "observations", path, principal=SYSTEM)
    assert report.created == 2
    from sqlalchemy import select

    from gaodi.db import session_scope
    from gaodi.plans.models import Indicator, Observation

    with session_scope(sqlite_db) as s:
        rows = s.execute(
            select(Indicator.code, Observation.period)
            .join(Indicator, Indicator.id == Observation.indicator_id)
            .order_by(Observation.id)
        ).all()
    assert [tuple(r) for r in rows] == [("demo_output", "2023-06"), ("demo_firms", "2023")]

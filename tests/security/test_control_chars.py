"""Control characters never reach storage, and stored ones never break an export or a report.

``\\x0b`` (vertical tab: Word's soft line break) and ``\\x1d`` (group separator) are the two the
issue met; XML 1.0 forbids both, so openpyxl and python-docx raised and every export and report
showing such a text answered 500 for everyone.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from gaodi.core.text_safety import clean_text
from gaodi.db import session_scope
from gaodi.exchange.service import export, import_file
from gaodi.models import Park
from gaodi.reports.model import Column, Heading, Paragraph, Report, Table
from gaodi.reports.render import render
from tests.exchange.helpers import PARKS, write_csv

_XML_CHAR = st.characters(blacklist_categories=("Cs",))


@given(st.text(alphabet=_XML_CHAR))
def test_clean_text_leaves_only_what_xml_allows(value: str) -> None:
    out = clean_text(value)
    assert all(ch in "\t\n\r" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F) for ch in out)
    assert clean_text(out) == out


def test_vertical_tab_becomes_a_line_break() -> None:
    assert clean_text("第一行\x0b第二行\x1d") == "第一行\n第二行"


def test_every_orm_write_is_cleaned(db: Engine) -> None:
    with session_scope(db) as s:
        s.add(Park(name="示例\x0b园区\x1d", level="provincial"))
    with session_scope(db) as s:
        park = s.scalars(select(Park)).one()
        assert park.name == "示例\n园区"
        park.name = "改\x07名"
    with session_scope(db) as s:
        assert s.scalars(select(Park.name)).one() == "改名"


def test_an_imported_cell_is_cleaned(db: Engine, tmp_path: Path) -> None:
    rows = [PARKS[0], ["示例\x1d导入园区", *PARKS[1][1:]]]
    import_file(db, "parks", write_csv(tmp_path / "p.csv", rows))
    with session_scope(db) as s:
        assert s.scalars(select(Park.name)).one() == "示例导入园区"


def test_a_legacy_row_with_control_characters_still_exports(db: Engine, tmp_path: Path) -> None:
    # Written past the ORM, as text stored before the rule existed would be.
    with session_scope(db) as s:
        s.add(Park(name="示例旧园区", level="provincial"))
    with db.begin() as conn:
        conn.execute(text("UPDATE park SET name = :n"), {"n": "示例\x0b旧\x1d园区"})
    export(db, "parks", tmp_path / "p.xlsx")
    assert load_workbook(tmp_path / "p.xlsx")["园区 parks"]["A2"].value == "示例\n旧园区"
    export(db, "parks", tmp_path / "p.csv")
    assert "示例\n旧园区" in (tmp_path / "p.csv").read_text(encoding="utf-8-sig")


def test_reports_render_text_with_control_characters(tmp_path: Path) -> None:
    report = Report(
        kind="chain", lang="zh", title="示例\x0b报告", subtitle="副\x1d标题", issuer="示例局",
        date=dt.date(2023, 6, 30), is_demo=True,
    )  # fmt: skip
    report.add(
        Heading(1, "环节\x0b名称"),
        Paragraph("诉求\x1d标题", lead="要点\x0b"),
        Table([Column("名称")], [["链\x0b环节"]], caption="表\x1d"),
    )
    out = render(report, "docx", tmp_path / "r.docx")
    body = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "诉求标题" in body and "\x1d" not in body
    xlsx = render(report, "xlsx", tmp_path / "r.xlsx")
    values = [c.value for ws in load_workbook(xlsx).worksheets for r in ws.iter_rows() for c in r]
    assert "链\n环节" in values

"""The Word layout on a hand-made report: GB/T 9704 page and fonts, numbered headings, a
header row repeated on every page, page numbers "— N —", 示例数据 on the title page and in the
footers, the provenance at the end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from gaodi.reports.model import Column, Heading, Paragraph, Report, Table
from gaodi.reports.render import render

ROWS = [[f"指标{i}", 0.5 + i / 100, "red" if i % 2 else "green"] for i in range(60)]


def _report(is_demo: bool = True, lang: str = "zh") -> Report:
    return Report(
        "t", lang, "某市行动计划", "2023年6月推进情况调度报告", "高地平台", dt.date(2023, 7, 3),
        is_demo,
        [
            Heading(1, "总体情况"),
            Paragraph("正文。", lead="1. 要点。"),
            Heading(2, "重点目标"),
            Heading(3, "细项"),
            Heading(1, "各行动目标完成情况"),
            Table([Column("指标", width=3), Column("完成率", fmt="percent"),
                   Column("状态", fmt="status")], ROWS, "目标完成情况"),
        ],
        provenance=[("数据截至", "2023-07-05 10:00"), ("红黄绿灯规则", "v1.0")],
    )  # fmt: skip


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> docx.document.Document:
    path = render(_report(), "docx", tmp_path_factory.mktemp("docx") / "r.docx")
    return docx.Document(str(path))


def test_page_is_a4_with_the_standard_margins(document: docx.document.Document) -> None:
    s = document.sections[0]
    # GB/T 9704-2012 §5.2.1: 天头 37 mm, 订口 28 mm, text block 156 × 225 mm (Word stores
    # twentieths of a point, so compare to 0.05 mm)
    got = [s.page_width, s.page_height, s.top_margin, s.bottom_margin, s.left_margin,
           s.right_margin]  # fmt: skip
    for length, mm in zip(got, (210, 297, 37, 35, 28, 26), strict=True):
        assert abs(length.mm - mm) < 0.05, (length.mm, mm)


def test_fonts_and_sizes(document: docx.document.Document) -> None:
    # the Word file names the official fonts (GB/T 9704-2012 §5.2.2, §7.3.1, §7.3.3) for East
    # Asian text, whatever is installed on the server
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)  # 3号
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.paragraph_format.line_spacing == Pt(28.95)  # 225 mm / 22 lines
    h1 = document.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert h1.get(qn("w:eastAsia")) == "黑体"
    title = document.styles["Gaodi Title"]
    assert title.font.size == Pt(22) and title.font.bold  # 2号, bold


def test_headings_are_numbered_like_official_documents(document: docx.document.Document) -> None:
    heads = [p.text for p in document.paragraphs if p.style.name.startswith("Heading ")]
    assert "一、总体情况" in heads and "（一）重点目标" in heads and "1.细项" in heads
    assert "二、各行动目标完成情况" in heads


def test_table_header_repeats_and_cells(document: docx.document.Document) -> None:
    table = document.tables[0]
    header = table.rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in table.rows[0].cells] == ["指标", "完成率", "状态"]
    assert [c.text for c in table.rows[2].cells] == ["指标1", "51.0%", "红"]  # 0.5 + 0.01
    assert len(table.rows) == 61


def test_footers_page_numbers_and_demo_label(document: docx.document.Document) -> None:
    s = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (s.footer, s.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml and "— " in xml and " —" in xml
        assert "示例数据" in xml
    assert "示例数据" in s.first_page_footer._element.xml
    first = [p.text for p in document.paragraphs[:8]]
    assert "示例数据" in first and "某市行动计划" in first


def test_provenance_ends_the_document(document: docx.document.Document) -> None:
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[-3:] == ["数据来源与说明", "数据截至：2023-07-05 10:00", "红黄绿灯规则：v1.0"]


def test_no_demo_label_for_real_data(tmp_path: Path) -> None:
    doc = docx.Document(str(render(_report(is_demo=False), "docx", tmp_path / "r.docx")))
    s = doc.sections[0]
    assert "示例数据" not in s.footer._element.xml
    assert all("示例数据" not in p.text for p in doc.paragraphs)


def test_english_numbering(tmp_path: Path) -> None:
    doc = docx.Document(str(render(_report(lang="en"), "docx", tmp_path / "r.docx")))
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading ")]
    assert heads[:3] == ["1. 总体情况", "1.1 重点目标", "1.1.1 细项"]


def test_a_long_table_is_cut_in_word_but_not_in_excel(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    report = _report()
    table = report.tables[0]
    table.doc_limit = 10
    doc = docx.Document(str(render(report, "docx", tmp_path / "r.docx")))
    assert len(doc.tables[0].rows) == 11  # header + 10
    assert "注：共60行，此处列出前10行；完整名单见同名 Excel 报告。" in [
        p.text for p in doc.paragraphs
    ]
    ws = load_workbook(render(report, "xlsx", tmp_path / "r.xlsx")).worksheets[1]
    assert ws.max_row == 61


def test_word_contents_are_numbered_by_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # five headings of levels 1–2 make a contents page; a Word download is never measured with
    # LibreOffice (even without soffice on PATH), so the entries have no numbers and Word is
    # told to update fields on opening
    monkeypatch.setenv("PATH", str(tmp_path))
    report = _report()
    report.blocks[:0] = [Heading(1, "甲"), Heading(2, "乙"), Heading(1, "丙")]
    doc = docx.Document(str(render(report, "docx", tmp_path / "r.docx")))
    entries = [p.text for p in doc.paragraphs if p.style.name.startswith("toc ")]
    assert entries == ["一、甲\t", "（一）乙\t", "二、丙\t", "三、总体情况\t", "（一）重点目标\t",
                       "四、各行动目标完成情况\t"]  # fmt: skip
    assert doc.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    assert 'TOC \\o "1-2"' in doc.element.xml

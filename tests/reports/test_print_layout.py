"""The printed pages of the demo city's monthly, chain and park reports, as a reader sees them:
the PDF is rasterised and its text read back with poppler (see ``pdfpages``).

(a) no number of a table breaks across lines; (b) no page but the last is mostly blank; (c) the
contents page lists the headings with the pages they are on; (d) the Word file names the
GB/T 9704 fonts for East Asian text, the PDF embeds the Noto CJK fonts standing in for them;
(e) charts are printed at 200 dpi or more.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from PIL import Image
from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.reports import toc
from gaodi.reports.chain import build_chain
from gaodi.reports.layout import NUMERIC
from gaodi.reports.model import Column, Heading, Paragraph, Report, Table
from gaodi.reports.monthly import build_monthly
from gaodi.reports.park import build_park
from gaodi.reports.render import render
from tests.reports.conftest import require_tools
from tests.reports.pdfpages import (
    NUMBER,
    compact,
    fills,
    footer_centre_mm,
    outline,
    page_images,
    page_texts,
    split_numbers,
)

KINDS = ("monthly", "chain", "park")
MIN_FILL = 0.40
CONTENTS_LINE = re.compile(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$")

URL = re.compile(r"https?://\S+")


@pytest.fixture(scope="module")
def printed(demo_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> dict:
    require_tools("soffice", "pdftoppm", "pdftotext", "pdftohtml", "pdffonts")
    out = tmp_path_factory.mktemp("print")
    with session_scope(demo_engine) as s:
        reports = {
            "monthly": build_monthly(s, SYSTEM, "2023-06"),
            "chain": build_chain(s, SYSTEM, "CM"),
            # a park with enough evaluated (industrial) firms for the tables to hold > 50 numbers
            "park": build_park(s, SYSTEM, "宁乡高新区"),
        }
    return {
        kind: (report, render(report, "pdf", out / f"{kind}.pdf"))
        for kind, report in reports.items()
    }


def _numbers(report: Report) -> list[str]:
    """The text of every numeric cell the document shows."""
    return [
        text
        for table in report.tables
        for row in table.cells(report.lang)
        for text, column in zip(row, table.columns, strict=True)
        if column.fmt in NUMERIC and text != "—"
    ]


def _paragraph_numbers(report: Report) -> list[str]:
    """The numbers written in the report's paragraphs (counts, amounts, shares, dates); not the
    digits inside a web address (a source's URL longer than the line may break, as any URL)."""
    return [
        n
        for block in report.blocks
        if isinstance(block, Paragraph)
        for n in NUMBER.findall(URL.sub(" ", f"{block.lead or ''}{block.text}"))
    ]


def _contents(pages: list[str]) -> tuple[int, list[tuple[str, int]]] | None:
    """The contents page (1-based) and its entries (label, page), or None."""
    for number, text in enumerate(pages, start=1):
        if compact(text).startswith("目录"):
            entries: list[tuple[str, int]] = []
            pending = ""
            for line in text.splitlines()[1:]:
                m = CONTENTS_LINE.match(line)
                if m:
                    entries.append((compact(pending + m.group(1)), int(m.group(2))))
                    pending = ""
                elif line.strip() and not line.strip().startswith("—"):
                    pending += line.strip()  # a long heading wrapped over two lines
            return number, entries
    return None


def test_the_split_number_check_sees_a_break() -> None:
    # the check itself: "1,876" broken after "1,87" is found; the same text whole is not
    assert split_numbers("园区  1,87\n      6   9.3%", ["1,876", "9.3%"]) == ["1,876"]
    assert split_numbers("园区  1,876   9.3%", ["1,876", "9.3%"]) == []
    # a number shown twice in the tables must be whole twice
    assert split_numbers("1,876 x\n1,87\n6", ["1,876", "1,876"]) == ["1,876"]


@pytest.mark.office
@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_no_table_number_breaks_across_lines(printed: dict, kind: str) -> None:
    report, pdf = printed[kind]
    numbers = _numbers(report)
    assert len(numbers) > 50  # the check looks at real tables
    assert split_numbers("\n".join(page_texts(pdf)), numbers) == []


@pytest.mark.office
@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_no_number_in_the_text_breaks_across_lines(printed: dict, kind: str) -> None:
    # Latin text is marked en-US (w:lang), so LibreOffice does not break "1,088.81" after
    # "1," as it does in text marked zh-CN; tables and text are counted together, since a
    # number may be in both
    report, pdf = printed[kind]
    numbers = _numbers(report) + _paragraph_numbers(report)
    assert len(_paragraph_numbers(report)) > 10
    assert split_numbers("\n".join(page_texts(pdf)), numbers) == []


@pytest.mark.office
@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_no_page_is_mostly_blank(printed: dict, kind: str) -> None:
    _, pdf = printed[kind]
    filled = fills(pdf)
    contents = _contents(page_texts(pdf))
    # the last page ends where the report ends; a contents page is as long as its headings
    exempt = {len(filled)} | ({contents[0]} if contents else set())
    low = {n: round(f, 2) for n, f in enumerate(filled, start=1) if f < MIN_FILL}
    assert not set(low) - exempt, f"pages filled less than {MIN_FILL:.0%}: {low}"


@pytest.mark.office
@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_contents_page_lists_the_headings_on_their_pages(printed: dict, kind: str) -> None:
    report, pdf = printed[kind]
    pages = page_texts(pdf)
    found = _contents(pages)
    if not toc.wants_toc(report):  # the park report has four headings: no contents page
        assert kind == "park" and found is None
        return
    assert found is not None and found[0] == 2  # after the title page
    _, entries = found
    wanted = [compact(toc.heading_label(h, report.lang)) for h in toc.entries(report)]
    assert [label for label, _ in entries] == wanted
    # poppler's reading of the PDF's bookmarks agrees with every listed page ...
    marks = {compact(title): page for title, page in outline(pdf)}
    assert [page for _, page in entries] == [marks[label] for label in wanted]
    # ... and the heading is printed on that page (the page number in its footer is the same)
    for label, page in entries:
        assert label in compact(pages[page - 1]), (label, page)
        assert f"—{page}—" in compact(pages[page - 1])


@pytest.mark.office
@pytest.mark.slow
def test_page_numbers_sit_7_mm_below_the_text_block(printed: dict, tmp_path: Path) -> None:
    # GB/T 9704-2012 §7.5: the 一字线 of 「— N —」 is 7 mm below the 版心, which ends 262 mm
    # down an A4 page (297 − 35); the line's ink is centred on the dash, within ±1 mm
    _, pdf = printed["park"]
    images = page_images(pdf, tmp_path, dpi=100)
    centres = [footer_centre_mm(p, 100) for p in images[1:]]  # the title page has no number
    assert centres and all(c is not None and abs(c - 269.0) <= 1.0 for c in centres), centres


@pytest.mark.office
@pytest.mark.slow
def test_pdf_embeds_the_noto_fonts_standing_in_for_the_official_ones(printed: dict) -> None:
    _, pdf = printed["monthly"]
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True)
    rows = [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]
    names = {r[0].split("+")[-1] for r in rows if "yes" in r[-5:-2]}  # embedded ones
    # 仿宋/小标宋/楷体 → Noto Serif CJK SC, 黑体 (一、 headings, table heads) → Noto Sans CJK SC.
    # Debian ships each as one collection (.ttc) of the JP/KR/SC/TC/HK faces; LibreOffice names
    # the embedded subset after the collection's first face ("NotoSerifCJKjp-…") while drawing
    # the SC face's glyphs (骨, 直 come out in their mainland forms), so only the family is checked
    assert any(n.startswith("NotoSerifCJK") for n in names), out.stdout
    assert any(n.startswith("NotoSansCJK") for n in names), out.stdout


@pytest.mark.office
@pytest.mark.slow
def test_word_file_names_the_official_fonts_and_has_the_contents_field(
    printed: dict, tmp_path: Path
) -> None:
    report, pdf = printed["monthly"]
    path = render(copy.deepcopy(report), "docx", tmp_path / "monthly.docx")
    doc = docx.Document(str(path))

    def east_asia(style: str) -> str | None:
        return doc.styles[style].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    # GB/T 9704-2012: title 小标宋 (§7.3.1), body 仿宋 (§5.2.2), 一、黑体 （一）楷体 1.仿宋 (§7.3.3)
    assert east_asia("Gaodi Title") == "方正小标宋简体"
    assert east_asia("Normal") == "仿宋_GB2312"
    assert east_asia("Heading 1") == "黑体"
    assert east_asia("Heading 2") == "楷体_GB2312"
    assert east_asia("Heading 3") == "仿宋_GB2312"
    assert east_asia("Gaodi Footer") == "宋体"  # §7.5 page numbers
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert defaults.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    with zipfile.ZipFile(path) as z:
        table = z.read("word/fontTable.xml").decode()
    for name, alt in (
        ("仿宋_GB2312", "仿宋"),
        ("方正小标宋简体", "华文中宋"),
        ("楷体_GB2312", "楷体"),
    ):
        entry = re.search(rf'<w:font w:name="{name}">(.*?)</w:font>', table, re.S)
        assert entry and f'<w:altName w:val="{alt}"/>' in entry.group(1)
        assert '<w:charset w:val="86"/>' in entry.group(1)
    # the contents: a TOC field listing the PDF contents page's headings, numbered by Word on
    # opening (updateFields), with the fonts of the PC that opens it
    xml = doc.element.xml
    assert 'TOC \\o "1-2"' in xml
    assert doc.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    entries = [p.text.split("\t") for p in doc.paragraphs if p.style.name.startswith("toc ")]
    _, in_pdf = _contents(page_texts(pdf)) or (0, [])
    assert [compact(label) for label, _page in entries] == [label for label, _ in in_pdf]
    assert all(page == "" for _label, page in entries)


@pytest.mark.office
@pytest.mark.slow
def test_charts_print_at_200_dpi(printed: dict, tmp_path: Path) -> None:
    seen = 0
    for kind in KINDS:
        report, _ = printed[kind]
        path = render(copy.deepcopy(report), "docx", tmp_path / f"{kind}.docx")
        doc = docx.Document(str(path))
        shapes = list(doc.inline_shapes)
        assert len(shapes) == len(report.figures)
        for figure, shape in zip(report.figures, shapes, strict=True):
            image = Image.open(io.BytesIO(figure.png))
            assert image.info["dpi"][0] >= 199.5  # matplotlib writes 200 as 199.9996
            printed_in = shape.width / 914400  # EMU per inch
            assert image.size[0] / printed_in >= 199.5, (figure.caption, printed_in)
            assert shape.width.mm <= 156 + 0.1 and shape.height.mm <= 120 + 0.1
            seen += 1
    assert seen >= 5


@pytest.mark.office
@pytest.mark.slow
def test_wide_numbers_get_wide_columns_and_a_smaller_size(tmp_path: Path) -> None:
    """Eight equal columns of the 156 mm block are 19.5 mm wide, and LibreOffice breaks
    "1,234,567.89" in them ("1,234,567.8" / "9": checked by hand with the old equal widths).
    Fitted: the number needs 12 × 0.6 em plus 3 mm, i.e. 25.9 mm at 9 pt, 23.3 at 8, 22.1 at 7.5
    and 20.8 at 7 pt; seven of them and a 10 mm name column fit only at 7 pt (155.5 mm)."""
    require_tools("soffice", "pdftotext")
    values = [1234567.89 + i for i in range(7)]
    columns = [Column("名称")] + [Column(f"指标{i}", "万元", "number") for i in range(7)]
    rows = [[f"企业{r}", *(v + r for v in values)] for r in range(30)]
    report = Report(
        "t", "zh", "宽数字", "表格", "高地平台", dt.date(2023, 7, 3), False,
        [Heading(1, "数字"), Paragraph("正文。"), Table(columns, rows, "宽数字表")],
    )  # fmt: skip
    word = docx.Document(str(render(copy.deepcopy(report), "docx", tmp_path / "w.docx")))
    sizes = {
        r.font.size for c in word.tables[0].rows[1].cells for p in c.paragraphs for r in p.runs
    }
    assert sizes == {Pt(7)}
    widths = [c.width.mm for c in word.tables[0].rows[1].cells]
    assert all(abs(w - 20.78) < 0.05 for w in widths[1:]), widths  # (12×0.6×7 pt + 3 mm)
    pdf = render(report, "pdf", tmp_path / "w.pdf")
    numbers = _numbers(report)
    assert "1,234,567.89" in numbers and len(numbers) == 210
    assert split_numbers("\n".join(page_texts(pdf)), numbers) == []

"""Word (DOCX) rendering in the manner of Chinese official documents.

The model is GB/T 9704-2012《党政机关公文格式》: A4 paper; margins top 37 mm, bottom 35 mm,
left 28 mm, right 26 mm (a 156 × 225 mm text block); the title in 2号 (22 pt) 小标宋-style bold,
centred; body text in 3号 (16 pt) 仿宋 with a fixed line pitch of 28.95 pt (22 lines a page) and
a two-character first-line indent; headings 一、 in 黑体, （一） in 楷体, 1. in bold 仿宋; page
numbers "— 1 —" in 4号 (14 pt) at the foot, right on odd pages and left on even pages, one
character in from the edge. Fonts are those of :func:`gaodi.reports.fonts.font_set` (the official
fonts when installed, Noto CJK otherwise), set for East Asian text through ``w:eastAsia``.
Tables repeat their header row on every page. When the data is the demo, the title page and
every footer say 示例数据.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import (
    WD_ALIGN_PARAGRAPH,
    WD_BREAK,
    WD_LINE_SPACING,
    WD_TAB_ALIGNMENT,
    WD_TAB_LEADER,
)
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from PIL import Image

from gaodi.core import clock
from gaodi.core.excel import CREATOR
from gaodi.reports import toc
from gaodi.reports.fonts import (
    OFFICE_PAGE_NUMBER,
    OFFICE_TABLE,
    FontSet,
    font_set,
    office_fonts,
)
from gaodi.reports.lang import Lang
from gaodi.reports.layout import (
    CELL_PADDING_MM,
    NO_WRAP,
    NUMERIC,
    fit_columns,
    text_width_mm,
)
from gaodi.reports.model import (
    STATUS_FILLS,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Report,
    Table,
    number_headings,
)

PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 156 mm
SIZE_TITLE = Pt(22)  # 2号
SIZE_BODY = Pt(16)  # 3号
SIZE_FOOTER = Pt(14)  # 4号
SIZE_TABLE = Pt(9)  # 小五
SIZE_NOTE = Pt(12)  # 小四
LINE = Pt(28.95)  # 225 mm / 22 lines
RED = RGBColor(0xC8, 0x10, 0x2E)
KEEP_ROW_LINES = 4
FOOTER_DISTANCE_MM = 24.0
SETTINGS_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "shapeDefaults", "decimalSymbol",
    "listSeparator",
)  # fmt: skip
FIGURE_MAX_H_MM = 120.0  # a little over half the 225 mm text block
FIGURE_DPI = 200.0  # charts.DPI; assumed for a PNG that does not say


# ---------------------------------------------------------------------------- low-level helpers
def set_fonts(element: Any, name: str) -> None:
    """Name ``name`` for Latin and East Asian text of a run or style (``w:rFonts``), dropping
    theme fonts that would override it."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def latin_lang(lang: str) -> str:
    """The language of Latin-script text (digits included) in ``w:lang/@w:val``; Chinese text
    is ``w:eastAsia`` zh-CN. A Chinese report marks its Latin text en-US, as Word does for a
    Chinese document: marked zh-CN, LibreOffice breaks lines inside numbers ("1," / "088.81")."""
    return "en-US" if lang == "zh" else "en-GB"


def _lang_tag(element: Any, lang: str) -> None:
    rpr = element.get_or_add_rPr()
    tag = rpr.find(qn("w:lang"))
    if tag is None:
        tag = OxmlElement("w:lang")
        rpr.append(tag)
    tag.set(qn("w:eastAsia"), "zh-CN")
    tag.set(qn("w:val"), latin_lang(lang))


def _paragraph_style(
    doc: DocxDocument,
    name: str,
    font: str,
    size: Pt,
    *,
    bold: bool = False,
    base: str | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = True,
    exact: Pt | None = LINE,
) -> Any:
    styles = doc.styles
    style = (
        styles[name]
        if name in [s.name for s in styles]
        else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    )
    if base is not None:
        style.base_style = styles[base]
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element, font)
    fmt = style.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(size.pt * 2) if indent else Pt(0)
    if exact is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = exact
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if align is not None:
        fmt.alignment = align
    return style


def _styles(doc: DocxDocument, fonts: FontSet, lang: str, page_number_font: str) -> None:
    _defaults(doc, fonts.body, lang)
    normal = doc.styles["Normal"]
    body_align = WD_ALIGN_PARAGRAPH.JUSTIFY if lang == "zh" else WD_ALIGN_PARAGRAPH.LEFT
    _paragraph_style(doc, "Normal", fonts.body, SIZE_BODY, align=body_align)
    _lang_tag(normal.element, lang)
    _paragraph_style(doc, "Heading 1", fonts.h1, SIZE_BODY, base="Normal")
    _paragraph_style(doc, "Heading 2", fonts.h2, SIZE_BODY, base="Normal")
    _paragraph_style(doc, "Heading 3", fonts.h3, SIZE_BODY, bold=True, base="Normal")
    for level in (1, 2, 3):
        fmt = doc.styles[f"Heading {level}"].paragraph_format
        fmt.keep_with_next = True
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _paragraph_style(
        doc,
        "Gaodi Title",
        fonts.title,
        SIZE_TITLE,
        bold=True,
        base="Normal",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        exact=Pt(36),
    )
    _paragraph_style(doc, "Gaodi Mark", fonts.h1, SIZE_BODY, base="Normal", indent=False)
    _paragraph_style(
        doc,
        "Gaodi Subtitle",
        fonts.h2,
        SIZE_BODY,
        base="Normal",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    _paragraph_style(
        doc,
        "Gaodi Table",
        fonts.body,
        SIZE_TABLE,
        base="Normal",
        indent=False,
        exact=Pt(13),
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    _paragraph_style(
        doc,
        "Gaodi Table Head",
        fonts.h1,
        SIZE_TABLE,
        base="Gaodi Table",
        indent=False,
        exact=Pt(13),
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _paragraph_style(
        doc,
        "Gaodi Caption",
        fonts.h1,
        Pt(14),
        base="Normal",
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        exact=Pt(24),
    )
    _paragraph_style(
        doc,
        "Gaodi Note",
        fonts.body,
        SIZE_NOTE,
        base="Normal",
        indent=False,
        exact=Pt(20),
    )
    _paragraph_style(
        doc,
        "Gaodi Figure",
        fonts.body,
        SIZE_BODY,
        base="Normal",
        indent=False,
        exact=None,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _paragraph_style(
        doc,
        "Gaodi Footer",
        page_number_font,
        SIZE_FOOTER,
        base="Normal",
        indent=False,
        exact=None,
    )
    _paragraph_style(
        doc,
        "Gaodi Contents",
        fonts.h1,
        SIZE_BODY,
        base="Normal",
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    for level in (1, 2):
        # Word's own names for the contents styles, so "Update field" keeps this look
        style = _paragraph_style(doc, f"toc {level}", fonts.body, SIZE_BODY, base="Normal")
        fmt = style.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.left_indent = Pt(SIZE_BODY.pt * 2 * (level - 1))
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fmt.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def _defaults(doc: DocxDocument, font: str, lang: str) -> None:
    """The document defaults (``w:docDefaults``) name the body font for East Asian text too, so
    text in a style this module does not set (Word's Table Grid) is not in the theme font."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    lang_tag = rpr.find(qn("w:lang"))
    if lang_tag is not None:
        lang_tag.set(qn("w:eastAsia"), "zh-CN")
        lang_tag.set(qn("w:val"), latin_lang(lang))


def _font_table(doc: DocxDocument) -> None:
    """Declare the official fonts in the font table with their substitutes (``w:altName``) and
    the GB2312 character set, so Word without them substitutes a Chinese font of the same
    kind (see :data:`gaodi.reports.fonts.OFFICE_TABLE`)."""
    from lxml import etree

    part = next(
        p for p in doc.part.package.iter_parts() if str(p.partname).endswith("fontTable.xml")
    )
    root = etree.fromstring(part.blob)
    for name, (alt, family) in OFFICE_TABLE.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("altName", alt), ("charset", "86"), ("family", family)):
            etree.SubElement(font, qn(f"w:{tag}")).set(qn("w:val"), value)
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _field(paragraph: DocxParagraph, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE …) with a placeholder result."""

    def fld(kind: str) -> Any:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    run = paragraph.add_run()
    run._r.append(fld("begin"))
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    run._r.append(fld("separate"))
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    run._r.append(fld("end"))


def _fld_char(kind: str) -> Any:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    return el


def _field_start(paragraph: DocxParagraph, instruction: str) -> None:
    """The start of a field whose result runs over several paragraphs (the TOC)."""
    paragraph.add_run()._r.append(_fld_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(_fld_char("separate"))


def _field_end(paragraph: DocxParagraph) -> None:
    paragraph.add_run()._r.append(_fld_char("end"))


def _shade(cell: Any, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)
    _schema_order(tcpr)


def _cell_margins(table: Any, mm: float = 1.0) -> None:
    """Narrow cell margins (left/right ``mm``), so numbers fit on one line."""
    tblpr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(mm * 56.7)))  # twentieths of a point per mm
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.append(margins)


def _no_wrap(cell: Any) -> None:
    """``w:noWrap``: the cell's text stays on one line (the column is wide enough for it)."""
    tcpr = cell._tc.get_or_add_tcPr()
    tcpr.append(OxmlElement("w:noWrap"))
    _schema_order(tcpr)


#: The order of a cell's properties in the OOXML schema (CT_TcPr); Word rejects others.
TCPR_ORDER = [
    qn(f"w:{tag}")
    for tag in [
        "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
        "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark",
    ]
]  # fmt: skip


def _schema_order(tcpr: Any) -> None:
    children = sorted(
        tcpr, key=lambda el: TCPR_ORDER.index(el.tag) if el.tag in TCPR_ORDER else len(TCPR_ORDER)
    )
    for el in children:
        tcpr.append(el)  # re-appending an lxml element moves it


def _short_row(texts: list[str], widths_mm: list[float], size_pt: float) -> bool:
    """Whether a row is at most :data:`KEEP_ROW_LINES` lines high (estimated)."""
    for text, width in zip(texts, widths_mm, strict=True):
        usable = max(width - CELL_PADDING_MM, 1.0)
        if text_width_mm(text, size_pt) / usable > KEEP_ROW_LINES:
            return False
    return True


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)
    cant = OxmlElement("w:cantSplit")
    cant.set(qn("w:val"), "true")
    trpr.append(cant)


def figure_width_mm(figure: Figure) -> float:
    """The width a figure is printed at: its own, but never wider than the image's natural
    size at its resolution (a chart enlarged past it would print below 200 dpi and with
    larger labels than drawn), the text block, or :data:`FIGURE_MAX_H_MM` high — a taller
    chart that does not fit under the text before it moves to the next page with its heading
    and leaves most of the page blank."""
    with Image.open(io.BytesIO(figure.png)) as image:
        w, h = image.size
        dpi = float(image.info.get("dpi", (FIGURE_DPI, FIGURE_DPI))[0]) or FIGURE_DPI
    natural = w / dpi * 25.4
    return min(figure.width_mm, natural, TEXT_WIDTH / Mm(1), FIGURE_MAX_H_MM * w / h)


# ---------------------------------------------------------------------------- the renderer
class DocxRenderer:
    """Report -> .docx (python-docx)."""

    format = "docx"
    suffix = ".docx"

    def __init__(self, *, for_pdf: bool = False) -> None:
        # for_pdf: the fonts installed here (LibreOffice embeds them in the PDF); otherwise
        # the official names, for Word on an office PC
        self.for_pdf = for_pdf

    def render(self, report: Report, path: Path) -> Path:
        number_headings(report)
        pages: list[int | None] | None = None
        if toc.wants_toc(report) and self.for_pdf:
            # A Word download is not measured: LibreOffice's pages (with the server's fonts) are
            # not Word's (with the official ones), and measuring costs a conversion (≈ 12 s for
            # the monthly report). Word numbers the contents itself on opening (updateFields).
            pages = self.measure(report)
        doc = self.document(report, pages)
        doc.save(str(path))
        return path

    def write(self, report: Report, path: Path, toc_pages: list[int | None] | None) -> Path:
        self.document(report, toc_pages).save(str(path))
        return path

    @staticmethod
    def measure(report: Report) -> list[int | None] | None:
        """The contents entries' pages in the server's PDF (LibreOffice), or None without it."""
        from gaodi.reports.pdf_render import docx_to_pdf, soffice_path

        if soffice_path() is None:
            return None
        with tempfile.TemporaryDirectory(prefix="gaodi-toc-") as tmp:
            pdf_docx = DocxRenderer(for_pdf=True)
            return toc.measure(
                report,
                lambda path, pages: pdf_docx.write(report, path, pages),
                docx_to_pdf,
                Path(tmp),
            )

    def document(self, report: Report, toc_pages: list[int | None] | None = None) -> DocxDocument:
        """The document; ``toc_pages`` are the contents entries' page numbers (a long report
        without them lists its headings and asks Word to update the field when opened)."""
        number_headings(report)
        fonts = font_set() if self.for_pdf else office_fonts()
        tr = Lang(report.lang)
        doc = Document()
        _styles(doc, fonts, report.lang, fonts.body if self.for_pdf else OFFICE_PAGE_NUMBER)
        if not self.for_pdf:
            _font_table(doc)
        section = doc.sections[0]
        section.page_width, section.page_height = PAGE_W, PAGE_H
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.header_distance = Mm(15)
        # §7.5: the page number's 一字线 7 mm below the 版心, i.e. its line centred 269 mm down
        # the page; the 4号 footer line (Noto CJK's tall line box) sits its centre about
        # 4.5 mm above the footer distance
        section.footer_distance = Mm(FOOTER_DISTANCE_MM)
        section.different_first_page_header_footer = True
        doc.settings.odd_and_even_pages_header_footer = True
        self._footers(section, report, tr)
        props = doc.core_properties
        props.title = report.title
        props.subject = report.subtitle
        # who and when as the report itself says (生成人, 生成时间): python-docx's template
        # otherwise dates every file 2013-12-23, and the machine's clock is not the city's
        props.author = report.author or CREATOR
        props.last_modified_by = report.author or CREATOR
        props.created = props.modified = clock.now()
        props.revision = 1
        props.comments = report.issuer
        props.language = "zh-CN" if report.lang == "zh" else "en-GB"
        props.keywords = tr("示例数据", "synthetic demo data") if report.is_demo else ""
        self._title_page(doc, report, tr)
        if toc.wants_toc(report):
            self._contents(doc, report, tr, toc_pages)
        self._body_title(doc, report)
        for block in report.blocks:
            if isinstance(block, Heading):
                level = max(1, min(3, block.level))
                doc.add_paragraph(toc.heading_label(block, report.lang), style=f"Heading {level}")
            elif isinstance(block, Paragraph):
                self._paragraph(doc, block)
            elif isinstance(block, Table):
                self._table(doc, block, tr)
            elif isinstance(block, Figure):
                self._figure(doc, block, tr)
            elif isinstance(block, PageBreak):
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        self._provenance(doc, report, tr)
        return doc

    # ------------------------------------------------------------------ pieces
    def _footers(self, section: Any, report: Report, tr: Lang) -> None:
        label = tr("示例数据（非官方统计）", "Synthetic demo data (not official statistics)")
        tab = TEXT_WIDTH
        odd = section.footer.paragraphs[0]
        odd.style = "Gaodi Footer"
        odd.paragraph_format.tab_stops.add_tab_stop(tab - Pt(14), WD_TAB_ALIGNMENT.RIGHT)
        if report.is_demo:
            odd.add_run(label).font.color.rgb = RED
        odd.add_run("\t— ")
        _field(odd, "PAGE")
        odd.add_run(" —")
        even = section.even_page_footer.paragraphs[0]
        even.style = "Gaodi Footer"
        even.paragraph_format.tab_stops.add_tab_stop(tab, WD_TAB_ALIGNMENT.RIGHT)
        even.paragraph_format.left_indent = Pt(14)
        even.add_run("— ")
        _field(even, "PAGE")
        even.add_run(" —")
        if report.is_demo:
            even.add_run("\t")
            even.add_run(label).font.color.rgb = RED
        first = section.first_page_footer.paragraphs[0]
        first.style = "Gaodi Footer"
        first.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if report.is_demo:
            first.add_run(label).font.color.rgb = RED

    def _title_page(self, doc: DocxDocument, report: Report, tr: Lang) -> None:
        top = doc.add_paragraph(style="Gaodi Mark")
        if report.is_demo:
            run = top.add_run(tr("示例数据", "SYNTHETIC DEMO DATA"))
            run.font.color.rgb = RED
            run.font.bold = True
        title = doc.add_paragraph(report.title, style="Gaodi Title")
        title.paragraph_format.space_before = Pt(140)
        sub = doc.add_paragraph(report.subtitle, style="Gaodi Subtitle")
        sub.paragraph_format.space_before = Pt(18)
        if report.is_demo:
            note = doc.add_paragraph(style="Gaodi Subtitle")
            note.paragraph_format.space_before = Pt(30)
            run = note.add_run(
                tr(
                    "本报告所用企业及指标数据为系统生成的示例数据，不是官方统计数据。",
                    "The enterprises and figures in this report are synthetic demo data, "
                    "not official statistics.",
                )
            )
            run.font.color.rgb = RED
            run.font.size = SIZE_NOTE
        issuer = doc.add_paragraph(report.issuer, style="Gaodi Subtitle")
        issuer.paragraph_format.space_before = Pt(120)
        doc.add_paragraph(tr.date(report.date), style="Gaodi Subtitle")

    def _body_title(self, doc: DocxDocument, report: Report) -> None:
        # the first body page opens with the title again, as a 公文 does
        head = doc.add_paragraph(report.title, style="Gaodi Title")
        head.paragraph_format.page_break_before = True
        head.paragraph_format.space_after = Pt(LINE.pt)

    def _contents(
        self, doc: DocxDocument, report: Report, tr: Lang, pages: list[int | None] | None
    ) -> None:
        """目录: a Word TOC field over levels 1–2 whose shown result is the headings with the
        pages measured in the PDF (:mod:`gaodi.reports.toc`)."""
        title = doc.add_paragraph(tr("目　录", "Contents"), style="Gaodi Contents")
        title.paragraph_format.page_break_before = True
        title.paragraph_format.space_after = Pt(LINE.pt)
        entries = toc.entries(report)
        if pages is None:
            # Word fills in the page numbers when the file is opened
            update = OxmlElement("w:updateFields")
            update.set(qn("w:val"), "true")
            settings = doc.settings.element
            # CT_Settings is a sequence: updateFields comes before these
            later = [settings.find(qn(f"w:{tag}")) for tag in SETTINGS_AFTER_UPDATE_FIELDS]
            anchor = next((el for el in later if el is not None), None)
            if anchor is None:
                settings.append(update)
            else:
                anchor.addprevious(update)
        for i, heading in enumerate(entries):
            p = doc.add_paragraph(style=f"toc {heading.level}")
            if i == 0:
                _field_start(p, f'TOC \\o "1-{toc.LEVELS}" \\u')
            page = pages[i] if pages is not None and i < len(pages) else None
            p.add_run(toc.heading_label(heading, report.lang))
            p.add_run(f"\t{page if page is not None else ''}")
            if i == len(entries) - 1:
                _field_end(p)

    def _paragraph(self, doc: DocxDocument, block: Paragraph) -> None:
        style = {"body": "Normal", "note": "Gaodi Note", "center": "Gaodi Subtitle"}[block.style]
        p = doc.add_paragraph(style=style)
        if block.lead:
            p.add_run(block.lead).bold = True
        p.add_run(block.text)

    def _table(self, doc: DocxDocument, table: Table, tr: Lang) -> None:
        lang = tr.code
        table = table.for_document()
        caption = doc.add_paragraph(
            f"{tr('表', 'Table ')}{table.number}　{table.caption}", style="Gaodi Caption"
        )
        caption.paragraph_format.keep_with_next = True
        n = len(table.columns)
        headers = [c.header(lang) for c in table.columns]
        texts_of_rows = list(table.cells(lang))
        fit = fit_columns(
            headers,
            [c.fmt for c in table.columns],
            [c.width for c in table.columns],
            texts_of_rows,
            TEXT_WIDTH / Mm(1),
        )
        widths = [Mm(w) for w in fit.widths_mm]
        size = Pt(fit.size_pt) if fit.size_pt != SIZE_TABLE.pt else None
        grid = doc.add_table(rows=1, cols=n)
        grid.style = doc.styles["Table Grid"]
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        _cell_margins(grid)
        head_style = doc.styles["Gaodi Table Head"].style_id
        body_style = doc.styles["Gaodi Table"].style_id
        head = grid.rows[0]
        _repeat_header(head)
        for i in range(n):
            cell = head.cells[i]
            cell.width = widths[i]
            cell.paragraphs[0]._p.style = head_style
            run = cell.paragraphs[0].add_run(headers[i])
            if size is not None:
                run.font.size = size
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _shade(cell, "E8ECF2")
        for raw, texts in zip(table.shown(), texts_of_rows, strict=True):
            row = grid.add_row()
            if _short_row(texts, fit.widths_mm, fit.size_pt):
                # a row of a few lines stays whole; a long one may split, or it would move to
                # the next page whole and leave the bottom of this one blank
                trpr = row._tr.get_or_add_trPr()
                cant = OxmlElement("w:cantSplit")
                cant.set(qn("w:val"), "true")
                trpr.append(cant)
            for i, (column, text) in enumerate(zip(table.columns, texts, strict=True)):
                cell = row.cells[i]
                cell.width = widths[i]
                p = cell.paragraphs[0]
                p._p.style = body_style  # the style id: a lookup by name per cell is slow
                if column.fmt in NUMERIC:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                elif column.fmt == "status":
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = p.add_run(text)
                if size is not None:
                    run.font.size = size
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                if column.fmt in NO_WRAP:
                    _no_wrap(cell)
                if column.fmt == "status" and str(raw[i]) in STATUS_FILLS:
                    _shade(cell, STATUS_FILLS[str(raw[i])])
        for i, col in enumerate(grid.columns):
            col.width = widths[i]
        if table.note:
            doc.add_paragraph(table.note, style="Gaodi Note")
        if len(table.shown()) < len(table.rows):
            n, m = len(table.rows), len(table.shown())
            doc.add_paragraph(
                tr(
                    f"注：共{n}行，此处列出前{m}行；完整名单见同名 Excel 报告。",
                    f"Note: {n} rows in all, the first {m} shown; the Excel version has all.",
                ),
                style="Gaodi Note",
            )
        doc.add_paragraph(style="Gaodi Note")

    def _figure(self, doc: DocxDocument, figure: Figure, tr: Lang) -> None:
        p = doc.add_paragraph(style="Gaodi Figure")
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(io.BytesIO(figure.png), width=Mm(figure_width_mm(figure)))
        doc.add_paragraph(
            f"{tr('图', 'Figure ')}{figure.number}　{figure.caption}", style="Gaodi Caption"
        )

    def _provenance(self, doc: DocxDocument, report: Report, tr: Lang) -> None:
        if not report.provenance:
            return
        doc.add_paragraph(style="Gaodi Note")
        head = doc.add_paragraph(style="Gaodi Note")
        head.add_run(tr("数据来源与说明", "Sources and provenance")).bold = True
        head.paragraph_format.keep_with_next = True
        for label, value in report.provenance:
            p = doc.add_paragraph(style="Gaodi Note")
            p.add_run(f"{label}{tr('：', ': ')}")
            p.add_run(value)

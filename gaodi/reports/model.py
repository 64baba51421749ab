"""The report as a structured document, independent of its output format.

A builder (:mod:`gaodi.reports.monthly`, :mod:`~gaodi.reports.chain`, :mod:`~gaodi.reports.park`)
calls the services and assembles a :class:`Report`: a title page, headings (numbered when
rendered: 一、（一）1. in Chinese, 1. 1.1 1.1.1 in English), paragraphs, tables of *raw values*
with a column format (so Word shows the web app's text and Excel keeps numbers as numbers),
figures (PNG), and the provenance. Renderers (:mod:`gaodi.reports.render`) turn it into DOCX,
PDF or XLSX; none of them computes anything.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import cn2an

from gaodi.core import clock
from gaodi.core.choices import Choices
from gaodi.core.moments import naive_utc

Fmt = Literal["text", "int", "number", "percent", "yi", "status", "date"]


@dataclass(frozen=True)
class Column:
    """A table column: its label, unit (shown in the header), format and relative width.

    Formats (the same text as the web pages):

    - ``int``: ``1,234``; ``number``: ``1,234`` when whole, else ``1,234.57`` (``digits``), or
      with ``significant`` digits as the board page writes a figure (``0.3645``, ``1,715``);
    - ``percent``: a share shown as ``85.0%``; ``yi``: 万元 shown in 亿元 (``1.23``);
    - ``status``: a traffic light or link status, shown by its label (:data:`STATUS_CHOICES`);
    - ``text`` and ``date``: as they are.
    """

    label: str
    unit: str | None = None
    fmt: Fmt = "text"
    digits: int = 2
    significant: int | None = None
    width: float = 1.0
    key: str | None = None
    #: False: the column is in the workbook only (a sentence per row, such as a light's reason,
    #: which a Word or PDF table has no width for; the document says it in its paragraphs).
    in_document: bool = True

    def header(self, lang: str = "zh") -> str:
        if not self.unit:
            return self.label
        return f"{self.label}（{self.unit}）" if lang == "zh" else f"{self.label} ({self.unit})"


#: Labels of status values (traffic lights, link statuses), by language.
STATUS_CHOICES = Choices(
    ("green", "绿", "green"),
    ("yellow", "黄", "yellow"),
    ("red", "红", "red"),
    ("not_due", "未到期", "not due"),
    ("at_risk", "有风险", "at risk"),
    ("no_data", "无数据", "no data"),
    ("invalid", "无效", "invalid"),
    ("missing", "缺链", "missing"),
    ("weak", "弱链", "weak"),
    ("strong", "强链", "strong"),
)
STATUS_LABELS = STATUS_CHOICES.as_dict()  # code -> (zh, en), as readers of this module expect
#: Fill colours (RGB hex) of status cells, as on the web pages.
STATUS_FILLS: dict[str, str] = {
    "green": "C6EFCE",
    "yellow": "FFEB9C",
    "red": "FFC7CE",
    "at_risk": "F8CBAD",
    "not_due": "DDEBF7",
    "missing": "FFC7CE",
    "weak": "FFEB9C",
    "strong": "C6EFCE",
}


def format_value(value: Any, column: Column, lang: str = "zh") -> str:
    """A cell's text, exactly as the web pages write it.

    Examples
    --------
    >>> format_value(1.0904665625, Column("完成率", fmt="percent"))
    '109.0%'
    >>> number = Column("目标", fmt="number")
    >>> format_value(1234.5, number), format_value(30000.0, number)
    ('1,234.50', '30,000')
    >>> figure = Column("实际值", fmt="number", significant=4)
    >>> format_value(0.36453, figure), format_value(0.36, figure), format_value(2366.1807, figure)
    ('0.3645', '0.36', '2,366')
    >>> format_value(123456.0, Column("产值", fmt="yi")), format_value(None, Column("x", fmt="int"))
    ('12.35', '—')
    >>> format_value("red", Column("状态", fmt="status"), "en")
    'red'
    >>> format_value(dt.datetime(2023, 12, 28, 21, 6), Column("受理时间"))  # UTC: city's 05:06
    '2023-12-29 05:06'
    """
    if value is None or value == "":
        return "—" if column.fmt != "text" else ""
    fmt = column.fmt
    if fmt == "percent":
        return f"{float(value):.1%}"
    if fmt == "int":
        return f"{round(float(value)):,}"
    if fmt == "number":
        v = float(value)
        if v.is_integer() and abs(v) < 1e12:
            return f"{v:,.0f}"
        if column.significant:  # as the board page writes a figure: 0.3645, 99.05, 1,715
            places = max(0, column.significant - 1 - math.floor(math.log10(abs(v))))
            text = f"{round(v, places):,.{places}f}"
            return text.rstrip("0").rstrip(".") if "." in text else text
        return f"{v:,.{column.digits}f}"
    if fmt == "yi":
        return f"{float(value) / 10000:,.2f}"
    if fmt == "status":
        return STATUS_CHOICES.label(str(value), "zh" if lang == "zh" else "en")
    if isinstance(value, dt.datetime):
        # a stored moment is naive UTC; the reader reads the city's wall time, as pages show it
        return clock.local(naive_utc(value)).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value) if lang == "zh" else ", ".join(map(str, value))
    return str(value)


# ---------------------------------------------------------------------------- blocks
@dataclass
class Heading:
    """A numbered heading (level 1: 一、 2: （一） 3: 1.)."""

    level: int
    text: str
    number: str = ""  # set by number_headings()


@dataclass
class Paragraph:
    """Body text; ``lead`` is a bold run before it (e.g. a target's name)."""

    text: str
    lead: str | None = None
    style: Literal["body", "note", "center"] = "body"


@dataclass
class Table:
    """A table of raw values; ``sheet`` names its Excel sheet."""

    columns: list[Column]
    rows: list[list[Any]]
    caption: str
    sheet: str | None = None
    note: str | None = None
    number: int = 0  # set by number_headings()
    doc_limit: int | None = None  # Word/PDF list the first rows only; Excel has them all

    def for_document(self) -> Table:
        """The table as Word and PDF lay it out: without the workbook-only columns."""
        keep = [i for i, c in enumerate(self.columns) if c.in_document]
        if len(keep) == len(self.columns):
            return self
        return replace(
            self,
            columns=[self.columns[i] for i in keep],
            rows=[[row[i] for i in keep] for row in self.rows],
        )

    def shown(self) -> list[list[Any]]:
        """The rows a document shows (all of them in a workbook)."""
        return self.rows if self.doc_limit is None else self.rows[: self.doc_limit]

    def cells(self, lang: str = "zh") -> Iterator[list[str]]:
        for row in self.shown():
            yield [format_value(v, c, lang) for v, c in zip(row, self.columns, strict=True)]


@dataclass
class Figure:
    """A chart as PNG bytes, ``width_mm`` wide on the page."""

    png: bytes
    caption: str
    width_mm: float = 150.0
    number: int = 0


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | Table | Figure | PageBreak


@dataclass
class Report:
    """A whole report: what every renderer receives."""

    kind: str  # monthly, chain, park
    lang: str
    title: str
    subtitle: str
    issuer: str
    date: dt.date
    is_demo: bool
    blocks: list[Block] = field(default_factory=list)
    provenance: list[tuple[str, str]] = field(default_factory=list)
    filename: str = "report"
    #: who the report was made for, as its 数据来源与说明 names them (the file's author property;
    #: set by whoever renders it: the CLI, the web's report job)
    author: str = ""

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]

    @property
    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def extend(self, blocks: Sequence[Block]) -> None:
        self.blocks.extend(blocks)


def heading_number(level: int, counters: Sequence[int], lang: str) -> str:
    """The label of a heading from its counters (one per level, 1-based).

    Examples
    --------
    >>> [heading_number(n, [3, 2, 4][:n], "zh") for n in (1, 2, 3)]
    ['三、', '（二）', '4.']
    >>> heading_number(1, [11], "zh"), heading_number(2, [1, 12], "zh")
    ('十一、', '（十二）')
    >>> heading_number(3, [3, 2, 4], "en")
    '3.2.4'
    """
    n = counters[level - 1]
    if lang != "zh":
        return ".".join(str(c) for c in counters[:level]) + ("." if level == 1 else "")
    if level == 1:
        return f"{_cn(n)}、"
    if level == 2:
        return f"（{_cn(n)}）"
    return f"{n}."


def number_headings(report: Report) -> Report:
    """Number headings (一、（一）1.), tables (表1) and figures (图1) in order, in place.

    Numbering happens when a report is complete, so a section a builder leaves out (no parks
    service, no projects) leaves no gap.
    """
    counters = [0, 0, 0]
    tables = figures = 0
    for block in report.blocks:
        if isinstance(block, Heading):
            level = max(1, min(3, block.level))
            counters[level - 1] += 1
            for deeper in range(level, 3):
                counters[deeper] = 0
            block.number = heading_number(level, counters, report.lang)
        elif isinstance(block, Table):
            tables += 1
            block.number = tables
        elif isinstance(block, Figure):
            figures += 1
            block.number = figures
    return report


def _cn(n: int) -> str:
    """1 -> 一, 11 -> 十一 (lower-case Chinese numerals, as 公文 headings use)."""
    return str(cn2an.an2cn(n))

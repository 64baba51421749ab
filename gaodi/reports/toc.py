"""The contents page (目录) of a long report, with the page numbers of the PDF.

A report with at least :data:`MIN_HEADINGS` headings of levels 1–2 gets a contents page after
the title page: a Word ``TOC`` field (so Word rebuilds it with "Update field") whose cached
result lists the headings with their page numbers. LibreOffice does not update fields when it
converts, so the numbers are measured: the document is converted once with placeholder numbers
(the same number of lines, so the pages do not move), the headings' pages are read from the
PDF's outline (:mod:`gaodi.reports.pdf_outline`), and the document is written again with them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gaodi.reports.model import Heading, Report
from gaodi.reports.pdf_outline import outline

MIN_HEADINGS = 5
LEVELS = 2
PLACEHOLDER = 99  # two digits, as wide as most page numbers


def wants_toc(report: Report) -> bool:
    return sum(1 for h in report.headings if h.level <= LEVELS) >= MIN_HEADINGS


def heading_label(heading: Heading, lang: str) -> str:
    """A heading's text as the document writes it: 「一、总体情况」, 「1.1 Overview」."""
    return f"{heading.number}{'' if lang == 'zh' else ' '}{heading.text}"


def entries(report: Report) -> list[Heading]:
    return [h for h in report.headings if h.level <= LEVELS]


def pages_from_outline(report: Report, pdf: Path) -> list[int | None]:
    """The page of every contents entry, matched in order against the PDF's bookmarks."""
    marks = [("".join(title.split()), page) for _, title, page in outline(pdf)]
    out: list[int | None] = []
    at = 0
    for heading in entries(report):
        label = "".join(heading_label(heading, report.lang).split())
        found = next((i for i in range(at, len(marks)) if marks[i][0] == label), None)
        if found is None:
            out.append(None)
            continue
        out.append(marks[found][1])
        at = found + 1
    return out


def measure(
    report: Report,
    write_docx: Callable[[Path, list[int | None]], object],
    to_pdf: Callable[[Path, Path], Path],
    workdir: Path,
) -> list[int | None]:
    """Write the document with placeholder numbers into ``workdir``, convert it, and read the
    contents entries' pages from the PDF."""
    docx = workdir / "measure.docx"
    write_docx(docx, [PLACEHOLDER] * len(entries(report)))
    return pages_from_outline(report, to_pdf(docx, workdir / "measure.pdf"))

"""One interface for every output format: ``render(report, format, path)``.

The CLI, the web app's background jobs and scheduled jobs call this; a renderer never computes,
it lays out the :class:`~gaodi.reports.model.Report` a builder assembled from service results.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Protocol

from gaodi.core.errors import ValidationError
from gaodi.core.text_safety import clean_text, clean_value
from gaodi.reports.model import Figure, Heading, Paragraph, Report, Table

FORMATS = ("docx", "pdf", "xlsx")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Renderer(Protocol):
    format: str
    suffix: str

    def render(self, report: Report, path: Path) -> Path: ...


def renderer(fmt: str) -> Renderer:
    """The renderer of ``fmt`` (docx, pdf or xlsx)."""
    if fmt == "docx":
        from gaodi.reports.docx_render import DocxRenderer

        return DocxRenderer()
    if fmt == "pdf":
        from gaodi.reports.pdf_render import PdfRenderer

        return PdfRenderer()
    if fmt == "xlsx":
        from gaodi.reports.xlsx import XlsxRenderer

        return XlsxRenderer()
    raise ValidationError(
        f"报告格式须为 {'、'.join(FORMATS)} 之一，收到“{fmt}”。",
        f"The report format must be one of {', '.join(FORMATS)}; got '{fmt}'.",
        field="format",
    )


def check_format(fmt: str, allowed: tuple[str, ...] = FORMATS) -> str:
    if fmt not in allowed:
        raise ValidationError(
            f"该报告可选格式为 {'、'.join(allowed)}，收到“{fmt}”。",
            f"This report comes as {', '.join(allowed)}; got '{fmt}'.",
            field="format",
        )
    return fmt


def render(report: Report, fmt: str, path: Path | str) -> Path:
    """Write ``report`` as ``fmt`` to ``path`` (its parent directory is created)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    return renderer(fmt).render(cleaned(report), out)


def cleaned(report: Report) -> Report:
    """``report`` with control characters taken out of every text (see core.text_safety).

    Text stored before input was cleaned, or coming from a source that is not, must never make
    Word's or Excel's XML invalid and fail the report for everyone.
    """
    report.title, report.subtitle = clean_text(report.title), clean_text(report.subtitle)
    report.issuer = clean_text(report.issuer)
    report.provenance = [(clean_text(k), clean_text(v)) for k, v in report.provenance]
    for block in report.blocks:
        if isinstance(block, Heading):
            block.text = clean_text(block.text)
        elif isinstance(block, Paragraph):
            block.text = clean_text(block.text)
            block.lead = clean_value(block.lead)
        elif isinstance(block, Table):
            block.caption = clean_text(block.caption)
            block.note = clean_value(block.note)
            block.sheet = clean_value(block.sheet)
            # A column may be named after stored text (a link, a region).
            block.columns = [
                replace(c, label=clean_text(c.label), unit=clean_value(c.unit))
                for c in block.columns
            ]
            block.rows = [[clean_value(v) for v in row] for row in block.rows]
        elif isinstance(block, Figure):
            block.caption = clean_text(block.caption)
    return report

"""Time to make the monthly report of the medium demo city, per format, against bare writers
of the same content in the same run.

Run (the medium demo built into a temporary database first)::

    GAODI_DATABASE_URL=sqlite:////tmp/gaodi-medium.sqlite .venv/bin/gaodi demo build --size medium
    GAODI_DATABASE_URL=sqlite:////tmp/gaodi-medium.sqlite \\
        .venv/bin/python benchmarks/report_render.py --period 2023-06 [--repeat 3]

Measured, best of ``--repeat`` runs, in one process:

* **build**: :func:`gaodi.reports.monthly.build_monthly` — every service the report calls
  (the board with forecasts, the risky targets' series, chain summary and diagnoses, parks,
  projects and appeals, submissions, smart levels) and the charts;
* **render docx / xlsx / pdf**: the renderers on that report (PDF = DOCX + LibreOffice);
* **baseline docx**: python-docx writing the same paragraphs, table cells and images with
  default styles (no data gathering, no layout); **baseline xlsx**: openpyxl writing the same
  cells; **baseline pdf**: LibreOffice converting the baseline DOCX.

The table gives each time and the ratio of (build + render) to the baseline of its format.
Results and the command: docs/benchmarks/reports.md.
"""

from __future__ import annotations

import argparse
import io
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import docx
from openpyxl import Workbook

from gaodi.core.permissions import SYSTEM
from gaodi.db import get_engine, session_scope
from gaodi.reports.model import Figure, Heading, Paragraph, Report, Table
from gaodi.reports.monthly import build_monthly
from gaodi.reports.pdf_render import docx_to_pdf, soffice_path
from gaodi.reports.render import render


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def baseline_docx(report: Report, path: Path) -> None:
    """The same text, cells and pictures, written plainly."""
    doc = docx.Document()
    doc.add_paragraph(report.title)
    doc.add_paragraph(report.subtitle)
    for block in report.blocks:
        if isinstance(block, Heading):
            doc.add_paragraph(block.text)
        elif isinstance(block, Paragraph):
            doc.add_paragraph((block.lead or "") + block.text)
        elif isinstance(block, Table):
            doc.add_paragraph(block.caption)
            cells = list(block.cells(report.lang))
            grid = doc.add_table(rows=1, cols=len(block.columns))
            for cell, col in zip(grid.rows[0].cells, block.columns, strict=True):
                cell.text = col.header(report.lang)
            for row in cells:
                for cell, text in zip(grid.add_row().cells, row, strict=True):
                    cell.text = text
        elif isinstance(block, Figure):
            doc.add_picture(io.BytesIO(block.png))
            doc.add_paragraph(block.caption)
    for label, value in report.provenance:
        doc.add_paragraph(f"{label}: {value}")
    doc.save(str(path))


def baseline_xlsx(report: Report, path: Path) -> None:
    wb = Workbook()
    for t in report.tables:
        ws = wb.create_sheet()
        ws.append([c.header(report.lang) for c in t.columns])
        for row in t.rows:
            ws.append([", ".join(map(str, v)) if isinstance(v, list) else v for v in row])
    wb.save(str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default="2023-06")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    engine = get_engine()
    print(f"database: {engine.url}")

    steps: list[tuple[float, str]] = []

    def build() -> Report:
        steps.clear()
        start = time.perf_counter()
        with session_scope(engine) as s:
            return build_monthly(
                s, SYSTEM, args.period,
                progress=lambda _f, label: steps.append((time.perf_counter() - start, label)),
            )  # fmt: skip

    build_s = best(build, args.repeat)
    report = build()
    print("build steps (s from the start, last run):",
          ", ".join(f"{label} {t:.2f}" for t, label in steps))  # fmt: skip
    tables = report.tables
    rows = sum(len(t.rows) for t in tables)
    paragraphs = sum(isinstance(b, (Paragraph, Heading)) for b in report.blocks)
    print(f"report: {paragraphs} headings and paragraphs, {len(tables)} tables ({rows} rows), "
          f"{len(report.figures)} figures")  # fmt: skip
    results: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        formats = ["docx", "xlsx"] + (["pdf"] if soffice_path() else [])
        for fmt in formats:
            r = min(1, args.repeat) if fmt == "pdf" else args.repeat
            rendered = best(lambda f=fmt: render(report, f, out / f"r.{f}"), r)
            if fmt == "docx":
                base = best(lambda: baseline_docx(report, out / "b.docx"), args.repeat)
            elif fmt == "xlsx":
                base = best(lambda: baseline_xlsx(report, out / "b.xlsx"), args.repeat)
            else:
                baseline_docx(report, out / "b.docx")
                base = best(lambda: docx_to_pdf(out / "b.docx", out / "b.pdf"), r)
            results.append((fmt, rendered, base))
    print()
    print(f"build (services + charts): {build_s:.2f} s, best of {args.repeat}")
    print()
    print("| format | build + render (s) | of which render (s) | baseline (s) | ratio |")
    print("|---|---:|---:|---:|---:|")
    for fmt, rendered, base in results:
        total = build_s + rendered
        print(f"| {fmt} | {total:.2f} | {rendered:.2f} | {base:.2f} | {total / base:.1f}× |")
    print()
    print(f"python {platform.python_version()}, {platform.machine()}; times are the best of "
          f"{args.repeat} runs (PDF: one run)")  # fmt: skip


if __name__ == "__main__":
    main()

"""One Word file to PDF with LibreOffice: each conversion with a profile of its own made from
nothing (the baseline, as before) against a copy of the profile an earlier conversion made
(:func:`gaodi.reports.pdf_render.docx_to_pdf` now).

Run::

    .venv/bin/python benchmarks/soffice_profile.py [--repeat 5]

The two ways alternate, ``--repeat`` times each, so load on a shared machine falls on both; the
table gives the median of each and their ratio. Results: docs/benchmarks/reports.md.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import docx

from gaodi.reports import pdf_render


def _document(path: Path) -> None:
    document = docx.Document()
    document.add_heading("长沙市先进制造业月报（示例数据）", level=1)
    for i in range(40):
        document.add_paragraph(f"第 {i + 1} 段：产业链推进情况，示例数据 {i * 37.5:,.1f} 亿元。")
    document.save(path)


def _fresh(soffice: str, source: Path, tmp: Path) -> None:
    profile, out = tmp / "profile", tmp / "out"
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out),
         str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    soffice = pdf_render.require_soffice()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "report.docx"
        _document(source)
        pdf_render.docx_to_pdf(source, tmp / "warm.pdf")  # makes the seed profile
        fresh: list[float] = []
        seeded: list[float] = []
        for i in range(args.repeat):
            work = tmp / f"fresh-{i}"
            start = time.perf_counter()
            _fresh(soffice, source, work)
            fresh.append(time.perf_counter() - start)
            shutil.rmtree(work)
            start = time.perf_counter()
            pdf_render.docx_to_pdf(source, tmp / f"seeded-{i}.pdf")
            seeded.append(time.perf_counter() - start)
    a, b = statistics.median(fresh), statistics.median(seeded)
    print(f"| conversion (median of {args.repeat}) | seconds | ratio to baseline |")
    print("|---|---:|---:|")
    print(f"| baseline: a profile made from nothing | {a:.2f} | 1.00 |")
    print(f"| gaodi: a copy of the seed profile | {b:.2f} | {b / a:.2f} |")


if __name__ == "__main__":
    main()

"""The upload parser's worker process: a fresh interpreter per file against a fork server's child.

Every uploaded file is parsed in a separate process under a memory limit
(``gaodi.core.bounds.run_isolated``). Baseline, in the same run on the same files: the worker as
a fresh interpreter (``python -c``, which imports the reader before it parses), what 0.1.0 did for
every file. Measured against it: the worker as a child of the fork server
(gaodi/core/forkserver.py, the reader imported once), and for context the parse in the caller's
own process (no isolation: ``GAODI_PARSE_MEMORY_MB=0``).

Files: a small CSV (3 rows, the cost is nearly all the worker's start) and workbooks of 2,000 and
20,000 rows (synthetic 示例 rows). Each is read ``--repeat`` times per way; the table gives the
median milliseconds per file and the ratio to the fresh interpreter.

Usage::

    .venv/bin/python benchmarks/parse_worker.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from rich.console import Console
from rich.table import Table

from gaodi.core import bounds
from gaodi.exchange.reader import _read_workbook_unchecked, read_file

MEMORY = 2048 * 1024 * 1024


def _files(folder: Path) -> dict[str, Path]:
    small = folder / "parks.csv"
    small.write_text("园区名称,级别\n示例园区,provincial\n示例二园,national\n", encoding="utf-8")
    out = {"CSV, 3 rows": small}
    for rows in (2_000, 20_000):
        book = Workbook()
        ws = book.active
        ws.append(["统一社会信用代码", "企业名称", "年份", "营业收入（万元）", "示例数据"])
        for n in range(rows):
            ws.append([f"91430104MA{n:08d}", f"示例企业{n:05d}有限公司", 2023, n * 1.5, "是"])
        path = folder / f"firms-{rows}.xlsx"
        book.save(path)
        out[f"workbook, {rows:,} rows"] = path
    return out


def _reader(path: Path) -> Callable[[Path], object]:
    return _read_workbook_unchecked if path.suffix == ".xlsx" else read_file


def _median_ms(run: Callable[[], object], repeat: int) -> float:
    run()  # the first call starts the fork server (and warms the caches): not counted
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    table = Table(title="parse one file in a worker: median ms per file (ratio to baseline)")
    for col in ("file", "fresh interpreter (baseline)", "fork server child", "in-process"):
        table.add_column(col, justify="left" if col == "file" else "right")
    with tempfile.TemporaryDirectory() as tmp:
        for label, path in _files(Path(tmp)).items():
            func = _reader(path)
            fresh = _median_ms(
                lambda f=func, p=path: bounds._run_fresh(f, (p,), p.name, MEMORY, None),
                args.repeat,
            )
            forked = _median_ms(
                lambda f=func, p=path: bounds._run_forked(f, (p,), p.name, MEMORY, None),
                args.repeat,
            )
            inline = _median_ms(lambda f=func, p=path: f(p), args.repeat)
            table.add_row(
                label,
                f"{fresh:.0f} (1.00)",
                f"{forked:.0f} ({forked / fresh:.2f})",
                f"{inline:.0f} ({inline / fresh:.2f})",
            )
    Console(width=120).print(table)


if __name__ == "__main__":
    main()

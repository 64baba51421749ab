"""Import throughput: ``gaodi import enterprise_years`` of a 100,000-row workbook.

Baseline, in the same run on the same file: a bare openpyxl read-only read that iterates every
cell (``load_workbook(read_only=True)`` + ``iter_rows(values_only=True)``) — what any importer
built on openpyxl pays before it validates or writes anything.

Measured:

1. the bare openpyxl read of the 100k-row ``enterprise_years`` workbook (baseline);
2. ``gaodi.exchange.service.import_file`` of the same workbook into a fresh SQLite database that
   already holds its enterprises: reading, validating every cell (types, USCC check characters,
   duplicates, references), writing all rows in one transaction and the audit event;
3. the same import as ``--dry-run`` (everything but the write);
4. for context, the import of the 20,000 enterprises themselves.

With ``--entity observations`` the same steps time ``gaodi import observations`` of a 100,000-row
workbook instead (400 city-level indicators x 250 months, 2000-01 to 2020-10, values that pass
every plausibility check): reading, validating (indicator, scope, duplicates, revision, the
plausibility and user-rule checks, the approval lock) and writing each value as a revision; the
context row is then the import of the indicators.

Usage::

    .venv/bin/python benchmarks/import_throughput.py [--rows 100000] [--years 5] [--keep DIR]

The data is synthetic (示例 names, generated USCCs) and made fresh each run from a fixed seed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from rich.console import Console
from rich.table import Table

from gaodi import migrate
from gaodi.core.codes import make_uscc
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine
from gaodi.exchange.entities import ENTERPRISE_YEARS, ENTERPRISES, INDICATORS, OBSERVATIONS
from gaodi.exchange.service import import_file

COUNTIES = ["430102", "430103", "430104", "430105", "430111", "430112", "430121", "430181"]
INDUSTRIES = ["3511", "3670", "3982", "2651", "3841", "3444", "3451", "3399"]


def make_files(folder: Path, n_rows: int, years: int, seed: int = 7) -> tuple[Path, Path, int]:
    """Write the enterprises workbook and the enterprise_years workbook (write-only mode)."""
    rng = random.Random(seed)
    n_firms = n_rows // years
    usccs: list[str] = []
    seen: set[str] = set()
    while len(usccs) < n_firms:
        code = make_uscc(rng.choice(COUNTIES), rng)
        if code not in seen:
            seen.add(code)
            usccs.append(code)
    ent_path = folder / "enterprises.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(ENTERPRISES.sheet_name)
    ws.append([c.header for c in ENTERPRISES.columns])
    for i, code in enumerate(usccs):
        ws.append(
            [
                code,
                f"示例企业{i:05d}有限公司",
                code[2:8],
                None,
                rng.choice(INDUSTRIES),
                None,
                None,
                None,
                None,
                "是",
            ]
        )
    wb.save(ent_path)
    years_path = folder / "enterprise_years.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(ENTERPRISE_YEARS.sheet_name)
    ws.append([c.header for c in ENTERPRISE_YEARS.columns])
    for code in usccs:
        size = rng.lognormvariate(8, 1.5)
        for year in range(2019, 2019 + years):
            revenue = round(size * (1 + 0.08) ** (year - 2019), 2)
            ws.append(
                [
                    code,
                    year,
                    revenue,
                    round(revenue * 0.97, 2),
                    round(revenue * 0.95, 2),
                    round(revenue * 0.25, 2),
                    round(revenue * 0.03, 2),
                    round(revenue * 0.06, 2),
                    int(size / 40) + 5,
                    round(revenue * 0.035, 2),
                    rng.randint(0, 40),
                    round(size / 150 + 5, 1),
                    round(revenue * 0.02, 2),
                    round(revenue * 0.05, 2),
                    round(revenue * 0.001, 3),
                    round(rng.uniform(0.2, 0.8), 4),
                ]
            )
    wb.save(years_path)
    return ent_path, years_path, n_firms * years


def make_observation_files(
    folder: Path, n_rows: int, months: int = 250, seed: int = 7
) -> tuple[Path, Path, int]:
    """The indicators workbook and a city-level observations workbook of ``n_rows`` values.

    Point-in-time indicators in 亿元 whose monthly values move by under 1 % a month: no
    plausibility check (unit, future period, jump band) flags them, so every row is written."""
    rng = random.Random(seed)
    n_ind = max(1, n_rows // months)
    ind_path = folder / "indicators.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(INDICATORS.sheet_name)
    ws.append([c.header for c in INDICATORS.columns])
    for k in range(n_ind):
        ws.append([f"BENCH{k:04d}", f"示例指标{k:04d}", "亿元", "point", None, None, None])
    wb.save(ind_path)
    obs_path = folder / "observations.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(OBSERVATIONS.sheet_name)
    ws.append([c.header for c in OBSERVATIONS.columns])
    n = 0
    for k in range(n_ind):
        value = rng.uniform(50, 500)
        for m in range(months):
            if n == n_rows:
                break
            year, month = 2000 + m // 12, m % 12 + 1
            value *= 1 + rng.uniform(-0.009, 0.009)
            ws.append([f"BENCH{k:04d}", "city", None, f"{year}-{month:02d}", round(value, 4)])
            n += 1
    wb.save(obs_path)
    return ind_path, obs_path, n


def openpyxl_read(path: Path) -> int:
    wb = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for _value in row:
                cells += 1
    wb.close()
    return cells


CPU: dict[str, float] = {}


def timed(fn: Callable[[], Any], label: str = "") -> tuple[float, Any]:
    """Wall-clock seconds of ``fn()``; its CPU seconds are kept in ``CPU[label]``."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    CPU[label] = time.process_time() - cpu
    return time.perf_counter() - start, out


class LockProbe:
    """Another writer: tries ``BEGIN IMMEDIATE`` (the SQLite write lock) every 20 ms without
    waiting, and keeps the longest stretch it was refused — how long the import blocks writers."""

    def __init__(self, path: Path) -> None:
        import threading

        self.path, self.longest, self.tries = path, 0.0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import sqlite3

        conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        refused_since: float | None = None
        while not self._stop.is_set():
            self.tries += 1
            now = time.perf_counter()
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
                refused_since = None
            except sqlite3.OperationalError:
                refused_since = refused_since or now
                self.longest = max(self.longest, now - refused_since)
            time.sleep(0.02)
        conn.close()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="keep files in this folder")
    parser.add_argument(
        "--entity", choices=("enterprise_years", "observations"), default="enterprise_years"
    )
    args = parser.parse_args()
    name = args.entity
    context = "enterprises" if name == "enterprise_years" else "indicators"
    folder = Path(tempfile.mkdtemp(prefix="gaodi-bench-"))
    console = Console(width=130)
    try:
        with console.status("writing the workbooks…"):
            t_gen, (ent_path, years_path, n) = timed(
                lambda: (
                    make_files(folder, args.rows, args.years)
                    if name == "enterprise_years"
                    else make_observation_files(folder, args.rows)
                )
            )
        console.print(f"wrote {n:,} rows in {t_gen:.1f} s ({years_path.stat().st_size:,} bytes)")
        engine = make_engine(f"sqlite:///{folder / 'bench.sqlite'}")
        migrate.upgrade(engine)
        t_ent, ent_report = timed(
            lambda: import_file(engine, context, ent_path, principal=SYSTEM), "ent"
        )
        t_read, cells = timed(lambda: openpyxl_read(years_path), "read")
        t_dry, _ = timed(
            lambda: import_file(engine, name, years_path, dry_run=True, principal=SYSTEM), "dry"
        )
        probe = LockProbe(folder / "bench.sqlite")
        probe.start()
        t_imp, report = timed(
            lambda: import_file(engine, name, years_path, principal=SYSTEM), "imp"
        )
        probe.stop()
        assert report.created == n, report.to_dict()
        table = Table(title=f"Import throughput, {n:,}-row {name} workbook")
        for col in (
            "step",
            "rows",
            "wall s",
            "CPU s",
            "rows/s (wall)",
            "wall / openpyxl read",
            "CPU / openpyxl read",
        ):
            table.add_column(col, justify="right" if col != "step" else "left")
        rows = [
            ("bare openpyxl read-only read (baseline)", n, t_read, "read"),
            (f"gaodi import {name} --dry-run", n, t_dry, "dry"),
            (f"gaodi import {name} (validate + write)", n, t_imp, "imp"),
            (f"gaodi import {context} (for context)", ent_report.created, t_ent, "ent"),
        ]
        for label, count, seconds, key in rows:
            table.add_row(
                label,
                f"{count:,}",
                f"{seconds:.2f}",
                f"{CPU[key]:.2f}",
                f"{count / seconds:,.0f}",
                f"{seconds / t_read:.2f}",
                f"{CPU[key] / CPU['read']:.2f}",
            )
        console.print(table)
        console.print(
            f"openpyxl iterated {cells:,} cells; database: SQLite (WAL), one "
            "transaction per import."
        )
        served = "is served" if probe.longest < 10 else "is NOT served"
        console.print(
            f"write lock held by the import: {probe.longest:.2f} s at most in one stretch "
            f"({probe.longest / t_imp:.0%} of the import's {t_imp:.2f} s; another writer waiting "
            f"up to the 10 s busy timeout {served}); {probe.tries:,} probes."
        )
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for p in (ent_path, years_path):
                shutil.copy(p, args.keep / p.name)
        engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

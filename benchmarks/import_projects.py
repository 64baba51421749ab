"""Statements and CPU of ``gaodi import projects`` and ``gaodi import project_progress``.

For each size N (default 12, 120, 1,200): a fresh SQLite database holding the synthetic city's
parks, enterprises and chains (``tests/exchange/helpers.py``), then

1. a projects workbook of N new projects (each started: signed, planned and actual start
   dates, planned producing and full-output dates) with two annual plans each (2N rows);
2. a progress workbook of six months for each of those projects (6N rows);
3. the same projects workbook again in upsert mode with a new total investment (N updates).

Each import is counted in SQL statements sent (``before_cursor_execute``) and timed in CPU
seconds of this process (``time.process_time``) and wall seconds. The data is synthetic (示例).

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/import_projects.py [--rows 12 120 1200] [--json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from gaodi import migrate
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine
from gaodi.exchange.service import import_file
from tests.exchange.helpers import CITY, PROJECT_PROGRESS, PROJECT_YEAR_PLANS, PROJECTS, write_xlsx

MONTHS = ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06"]


def project_rows(n: int, total: float) -> list[list[Any]]:
    rows: list[list[Any]] = [PROJECTS[0]]
    for k in range(n):
        rows.append(
            [
                f"示例批量项目{k:05d}",
                "示例批量投资有限公司",
                "",
                "demo_machinery",
                "hydraulics",
                "示例高新技术产业开发区",
                total,
                "开工",
                "2022-03-01",
                "2022-06-30",
                "2022-07-15",
                "2023-12-31",
                "",
                "2024-12-31",
                "",
                "是",
            ]
        )
    return rows


def files(folder: Path, n: int) -> tuple[Path, Path, Path]:
    plans: list[list[Any]] = [PROJECT_YEAR_PLANS[0]]
    progress: list[list[Any]] = [PROJECT_PROGRESS[0]]
    for k in range(n):
        name = f"示例批量项目{k:05d}"
        plans += [[name, "示例批量投资有限公司", y, 1000 + y - 2022] for y in (2022, 2023)]
        progress += [[name, "示例批量投资有限公司", m, 100 + j, ""] for j, m in enumerate(MONTHS)]
    new = write_xlsx(
        folder / f"p{n}.xlsx",
        {"重大项目 projects": project_rows(n, 10000), "年度计划投资 project_year_plans": plans},
    )
    prog = write_xlsx(folder / f"g{n}.xlsx", {"月度投资 project_progress": progress})
    upd = write_xlsx(folder / f"u{n}.xlsx", {"重大项目 projects": project_rows(n, 12000)})
    return new, prog, upd


def measured(engine: Engine, run: Callable[[], Any]) -> dict[str, Any]:
    seen = [0]

    def count(*_args: Any) -> None:
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        report = run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return {
        "statements": seen[0],
        "cpu_s": round(time.process_time() - cpu, 3),
        "wall_s": round(time.perf_counter() - wall, 3),
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }


def run(n: int, folder: Path) -> dict[str, Any]:
    engine = make_engine(f"sqlite:///{folder / f'bench{n}.sqlite'}")
    migrate.upgrade(engine)
    for name in ("parks", "enterprises", "chains"):
        import_file(engine, name, write_xlsx(folder / f"{name}.xlsx", CITY[name]), SYSTEM)
    new, prog, upd = files(folder, n)
    out = {
        "projects": measured(engine, lambda: import_file(engine, "projects", new, SYSTEM)),
        "progress": measured(engine, lambda: import_file(engine, "project_progress", prog, SYSTEM)),
        "update": measured(
            engine, lambda: import_file(engine, "projects", upd, SYSTEM, mode="upsert")
        ),
    }
    engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[12, 120, 1200])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {n: run(n, Path(tmp)) for n in args.rows}
    if args.json:
        print(json.dumps(results))
        return
    for n, steps in results.items():
        for step, m in steps.items():
            print(n, step, m)


if __name__ == "__main__":
    main()

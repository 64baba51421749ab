"""Statements sent to write N chain links, by entry point: the Excel import and the form.

For each size N (default 10 and 300): a fresh SQLite database holding the synthetic city's
chain ``demo_machinery`` (``tests/exchange/helpers.py``), then

1. ``import``: a chains workbook with one new chain and N links, every other one under the
   link before it (``gaodi import chains``);
2. ``upsert``: the same workbook again in upsert mode with every link renamed (N updates);
3. ``form``: N links added one at a time, as N saves of the link form or N ``POST``s of the
   JSON API do (:func:`gaodi.chains.editing.create_link`, a batch of one each);
4. ``batch``: the same N links as one batch of :mod:`gaodi.chains.batch` (``prepare_links``
   and ``write_links``), when that module exists (it does not before the one write path).

Each step is counted in SQL statements sent (``before_cursor_execute``) and timed in CPU
seconds of this process. Only the statement counts are comparable between runs: the machine
is shared, so read the CPU seconds only as ratios within one run. The data is synthetic (示例).

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/import_chains.py [--rows 10 300] [--json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from gaodi import migrate
from gaodi.chains import editing
from gaodi.chains.editing import LinkInput
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope
from gaodi.exchange.service import import_file
from tests.exchange.helpers import CITY, LINKS, write_xlsx

CHAIN_HEADER = ["产业链代码", "产业链名称", "类型", "链办", "名称状态", "示例数据"]


def chain_file(path: Path, code: str, n: int, prefix: str = "示例环节") -> Path:
    """A new chain ``code`` with ``n`` links, every other one under the link before it."""
    chains = [CHAIN_HEADER, [code, f"示例链{code}", "优势产业链", "示例链办", "推定", "是"]]
    rows: list[list[Any]] = [LINKS[0]]
    for j in range(n):
        parent = f"{code}-{j - 1:04d}" if j % 2 else ""
        rows.append(
            [code, f"{code}-{j:04d}", parent, f"{prefix}{j}", "中游", "3444", "液压", "否", j]
        )
    return write_xlsx(path, {"产业链 chains": chains, "产业链环节 links": rows})


def measured(engine: Engine, run: Callable[[], Any]) -> dict[str, Any]:
    seen = [0]

    def count(*_args: Any) -> None:
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    cpu = time.process_time()
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return {"statements": seen[0], "cpu_s": round(time.process_time() - cpu, 3)}


def form_links(engine: Engine, n: int) -> None:
    """N links through the form's use case, one call each (in one transaction, so the count is
    the use case's own, not N commits')."""
    with session_scope(engine, actor="bench") as s:
        for j in range(n):
            data = LinkInput(name=f"示例表单环节{j}", industry_codes=["3444"], keywords=["液压"])
            editing.create_link(s, SYSTEM, "demo_machinery", data)


def batch_links(engine: Engine, n: int) -> None:
    """N links as one batch of the chains' write path."""
    from gaodi.chains import batch  # type: ignore[attr-defined]

    rows = [
        batch.form_row(
            "demo_machinery", None, LinkInput(name=f"示例批量环节{j}", code=f"b-{j:04d}")
        )
        for j in range(n)
    ]
    with session_scope(engine, actor="bench") as s:
        batch.write_links(s, batch.prepare_links(s, SYSTEM, rows, mode="insert"))


def run(n: int, folder: Path) -> dict[str, Any]:
    engine = make_engine(f"sqlite:///{folder / f'bench{n}.sqlite'}")
    migrate.upgrade(engine)
    import_file(engine, "chains", write_xlsx(folder / "city.xlsx", CITY["chains"]), SYSTEM)
    new = chain_file(folder / f"n{n}.xlsx", "x", n)
    renamed = chain_file(folder / f"r{n}.xlsx", "x", n, prefix="示例改名环节")
    out = {
        "import": measured(engine, lambda: import_file(engine, "chains", new, SYSTEM)),
        "upsert": measured(
            engine, lambda: import_file(engine, "chains", renamed, SYSTEM, mode="upsert")
        ),
        "form": measured(engine, lambda: form_links(engine, n)),
    }
    if importlib.util.find_spec("gaodi.chains.batch") is not None:
        out["batch"] = measured(engine, lambda: batch_links(engine, n))
    engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10, 300])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {n: run(n, Path(tmp)) for n in args.rows}
    if args.json:
        print(json.dumps(results))
        return
    steps = list(next(iter(results.values())))
    print(f"{'step':<8}" + "".join(f"{f'N={n} stmts':>14}{f'N={n} cpu s':>12}" for n in results))
    for step in steps:
        line = f"{step:<8}"
        for n in results:
            m = results[n][step]
            line += f"{m['statements']:>14}{m['cpu_s']:>12}"
        print(line)


if __name__ == "__main__":
    main()

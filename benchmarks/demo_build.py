"""Benchmark: ``gaodi demo build`` time per size against a bare bulk insert of the same rows.

For each size the builder runs into a fresh SQLite file (all stages: code lists, structure,
enterprises and their years, links, external pool, peer panel, plan and observations, and
the act/smart demo data when those features are installed). The baseline is the cheapest way
to put the same number of rows on disk: Python's ``sqlite3`` ``executemany`` of tuples into
one two-column table per demo table, in one transaction. The ratio says how much the builder
costs beyond writing the rows (generating plausible data, validation, SQLAlchemy).

Run: ``.venv/bin/python benchmarks/demo_build.py [--sizes small,medium] [--seed 2021]``.
``large`` (300k enterprises) takes several minutes.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from gaodi.db import make_engine
from gaodi.demo.build import SIZES, build


def bare_insert(path: Path, counts: dict[str, int]) -> float:
    """Seconds to insert ``counts[table]`` rows of (int, text) per table with sqlite3."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    started = time.perf_counter()
    with conn:
        for table, n in counts.items():
            conn.execute(f'CREATE TABLE "{table}" (id INTEGER PRIMARY KEY, payload TEXT)')
            conn.executemany(
                f'INSERT INTO "{table}" VALUES (?, ?)',
                ((i, "示例数据 synthetic row") for i in range(n)),
            )
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,medium")
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    print(
        f"{'size':<8}{'enterprises':>12}{'rows':>12}{'build s':>10}{'bare s':>9}"
        f"{'ratio':>8}{'rows/s':>12}"
    )
    for size in args.sizes.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{Path(tmp) / 'demo.sqlite'}")
            started = time.perf_counter()
            result = build(engine, size=size, seed=args.seed)
            built = time.perf_counter() - started
            engine.dispose()
            rows = sum(result.counts.values())
            bare = bare_insert(Path(tmp) / "bare.sqlite", result.counts)
        print(
            f"{size:<8}{SIZES[size]['enterprises']:>12,}{rows:>12,}{built:>10.1f}"
            f"{bare:>9.2f}{built / bare:>8.1f}{rows / built:>12,.0f}"
        )


if __name__ == "__main__":
    main()

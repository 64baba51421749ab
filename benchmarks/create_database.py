"""What a PostgreSQL test pays for its private database: ``CREATE DATABASE … TEMPLATE`` of the
migrated schema, by strategy and by where the server keeps its files, same run.

Run::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/create_database.py \\
        --server disk=postgresql+psycopg://postgres@127.0.0.1:5433/postgres \\
        [--server memory=postgresql+psycopg://postgres@127.0.0.1:5434/postgres] [--copies 10]

On each server (an admin URL; give it a label) the script migrates a new database to head once
(the template the ``db`` fixture copies, tests/conftest.py), then makes ``--copies`` databases
from it with each strategy, the strategies taking turns copy by copy (PostgreSQL 15's default,
``WAL_LOG``, writes every block of the template to the WAL; ``FILE_COPY``, what
tests/snapshots.py asks for, copies the files after a checkpoint). Each copy is
checked to hold the template's tables, given ``--rows`` rows of its own (a test writes to its
database; the next copy is made while the files of the last are still being written out) and
dropped. Prints the median and the slowest seconds a copy, and
each row's ratio to the first server's default. Wall time (the server does the work, not this
process); machines here are shared: quote the ratios. ``scripts/services.sh`` keeps the test
server's files in /dev/shm when it has room: start a second server there to compare.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from gaodi import migrate
from gaodi.db import make_engine

STRATEGIES = ("WAL_LOG", "FILE_COPY")


def _admin(url: str) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT")


def measure(url: str, copies: int, rows: int) -> dict[str, list[float]]:
    """Seconds each copy took, per strategy, on the server at admin ``url``."""
    admin = _admin(url)
    template = f"bench_tpl_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{template}"'))
    engine = make_engine(make_url(url).set(database=template).render_as_string(hide_password=False))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        tables = conn.execute(
            text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        ).scalar_one()
    engine.dispose()
    times: dict[str, list[float]] = {s: [] for s in STRATEGIES}
    made: list[str] = []
    try:
        for _ in range(copies):
            for strategy in STRATEGIES:
                name = f"bench_copy_{uuid.uuid4().hex[:8]}"
                with admin.connect() as conn:
                    start = time.perf_counter()
                    conn.execute(
                        text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY {strategy}')
                    )
                    times[strategy].append(time.perf_counter() - start)
                made.append(name)
                copy = create_engine(make_url(url).set(database=name))
                with copy.begin() as conn:
                    got = conn.execute(
                        text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
                    ).scalar_one()
                    if rows:  # what a test does with its database before the next one is made
                        conn.execute(
                            text(
                                "CREATE TABLE bench_rows AS SELECT g AS id, md5(g::text) AS v"
                                " FROM generate_series(1, :n) AS g"
                            ),
                            {"n": rows},
                        )
                copy.dispose()
                assert got == tables, f"{name}: {got} tables, the template has {tables}"
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                made.remove(name)
    finally:
        with admin.connect() as conn:
            for name in [*made, template]:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server", action="append", required=True, help="LABEL=ADMIN_URL (repeatable)"
    )
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--rows", type=int, default=50_000, help="rows each copy is given")
    args = parser.parse_args()
    rows = []
    for item in args.server:
        label, _, url = item.partition("=")
        for strategy, seconds in measure(url, args.copies, args.rows).items():
            rows.append((label, strategy, statistics.median(seconds), max(seconds)))
    base = rows[0][2]
    print(f"{'server':10s} {'strategy':10s} {'median s':>9s} {'slowest s':>9s} {'ratio':>6s}")
    for label, strategy, median, slowest in rows:
        print(f"{label:10s} {strategy:10s} {median:9.3f} {slowest:9.3f} {median / base:6.2f}")


if __name__ == "__main__":
    main()

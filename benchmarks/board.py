"""The plan board for 500 targets x 36 months against a bare Polars group-by over the same rows.

Run:  .venv/bin/python benchmarks/board.py [--targets 500] [--repeat 7] [--forecasts]

Synthetic, seeded data: 500 targets (a quarter each cumulative-within-year, level, count and
growth), one monthly series of 36 months (2021-01..2023-12) per target, 3% of values revised
once. Measured, best of ``--repeat`` runs, in one process:

* **bare group-by** (baseline): ``observations.group_by("series_id").agg(pl.col("value")
  .last())`` on the 18,000-row frame: the least any board must do, touch every row once.
* **engine**: :func:`gaodi.analytics.progress_board.evaluate_board` on the same frames
  (revisions, period parsing, the join, every formula and light).
* **service**: :func:`gaodi.plans.service.board` on a SQLite database holding the same plan:
  permission-restricted queries, ORM rows to frames, the engine, typed rows, overdue flags.
  With ``--forecasts`` also the trend forecasts with bootstrap intervals (2,000 replicates each).

Results and the command: docs/benchmarks/board.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy import insert

KINDS = ("cumulative", "level", "count", "growth")
MONTHS = [f"{y}-{m:02d}" for y in (2021, 2022, 2023) for m in range(1, 13)]


def synthetic(n_targets: int, seed: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Targets and observations frames for ``evaluate_board``."""
    rng = np.random.default_rng(seed)
    targets, series, periods, values, revisions = [], [], [], [], []
    for i in range(n_targets):
        kind = KINDS[i % 4]
        sid = f"s{i}"
        level = float(rng.uniform(50, 500))
        if kind == "cumulative":
            goal, start, baseline = level * 12, "2023", None
            path = [level * (1 + (k % 12)) * rng.normal(1, 0.03) for k in range(36)]
        elif kind == "growth":
            goal, start, baseline = 8.0, "2023", None
            path = list(rng.normal(7.5, 1.0, 36))
        else:
            baseline = round(level) if kind == "count" else level
            goal, start = baseline * 1.5, "2021"
            path = [baseline * (1 + 0.5 * (k + 1) / 36) * rng.normal(1, 0.02) for k in range(36)]
            if kind == "count":
                path = [float(round(v)) for v in path]
        targets.append((i, sid, kind, "higher", goal, baseline, start, "2023"))
        for k, month in enumerate(MONTHS):
            series.append(sid)
            periods.append(month)
            values.append(float(path[k]))
            revisions.append(1)
            if rng.random() < 0.03:
                series.append(sid)
                periods.append(month)
                values.append(float(path[k]) * 1.01)
                revisions.append(2)
    t = pl.DataFrame(
        targets,
        schema={
            "target_id": pl.Int64,
            "series_id": pl.String,
            "kind": pl.String,
            "direction": pl.String,
            "value": pl.Float64,
            "baseline": pl.Float64,
            "start": pl.String,
            "end": pl.String,
        },
        orient="row",
    )
    o = pl.DataFrame(
        {"series_id": series, "period": periods, "value": values, "revision": revisions}
    )
    return t, o


def best(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(best, median) wall time in milliseconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return min(times), statistics.median(times)


def database(path: Path, targets: pl.DataFrame, obs: pl.DataFrame) -> object:
    """A migrated SQLite database holding the synthetic plan (adopted 2021-2023)."""
    from gaodi import migrate
    from gaodi.db import make_engine
    from gaodi.plans.models import Action, Indicator, Observation, Plan, Target

    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    agg = {
        "cumulative": ("cumulative", "level"),
        "level": ("point", "level"),
        "count": ("point", "count"),
        "growth": ("cumulative", "growth"),
    }
    obs_kind = {"cumulative": "cumulative", "level": "current", "count": "current", "growth": "yoy"}
    with engine.begin() as conn:
        conn.execute(
            insert(Plan.__table__),
            [
                {
                    "id": 1,
                    "title": "基准测试计划(2021—2023年)",
                    "period_start": 2021,
                    "period_end": 2023,
                    "status": "adopted",
                    "created_at": datetime(2021, 1, 1),
                    "is_demo": True,
                }
            ],
        )
        conn.execute(
            insert(Action.__table__),
            [{"id": 1, "plan_id": 1, "number": "1", "title": "基准", "sort_order": 0}],
        )
        rows = targets.to_dicts()
        conn.execute(
            insert(Indicator.__table__),
            [
                {
                    "id": r["target_id"] + 1,
                    "code": f"bench_{r['target_id']}",
                    "name": f"指标{r['target_id']}",
                    "unit": "个"
                    if r["kind"] == "count"
                    else ("%" if r["kind"] == "growth" else "亿元"),
                    "aggregation": agg[r["kind"]][0],
                    "kind": agg[r["kind"]][1],
                    "direction": "higher",
                    "owner": f"处室{r['target_id'] % 10}",
                    "frequency": "monthly",
                    "deadline_day": 5,
                    "is_demo": True,
                }
                for r in rows
            ],
        )
        conn.execute(
            insert(Target.__table__),
            [
                {
                    "plan_id": 1,
                    "action_id": 1,
                    "indicator_id": r["target_id"] + 1,
                    "indicator_name": f"指标{r['target_id']}",
                    "scope": "city",
                    "scope_id": 0,
                    "value": r["value"],
                    "unit": "-",
                    "year": 2023,
                    "comparator": ">=",
                    "baseline": r["baseline"],
                    "baseline_year": 2020 if r["kind"] in ("level", "count") else None,
                }
                for r in rows
            ],
        )
        kinds = dict(zip(targets["series_id"], targets["kind"], strict=True))
        conn.execute(
            insert(Observation.__table__),
            [
                {
                    "indicator_id": int(o["series_id"][1:]) + 1,
                    "scope": "city",
                    "scope_id": 0,
                    "period": o["period"],
                    "value": o["value"],
                    "kind": obs_kind[kinds[o["series_id"]]],
                    "revision": o["revision"],
                    "status": "approved",
                    "submitted_at": datetime(2024, 1, 5),
                    "is_demo": True,
                }
                for o in obs.to_dicts()
            ],
        )
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--forecasts", action="store_true")
    args = parser.parse_args()

    from gaodi.analytics.progress import load_status_thresholds
    from gaodi.analytics.progress_board import evaluate_board
    from gaodi.core import clock
    from gaodi.core.permissions import SYSTEM
    from gaodi.db import session_factory
    from gaodi.plans import service

    targets, obs = synthetic(args.targets)
    thresholds = load_status_thresholds()
    as_of = "2023-06"
    rows = []
    bare = best(lambda: obs.group_by("series_id").agg(pl.col("value").last()), args.repeat)
    rows.append(("bare Polars group_by(series).last()", bare))
    result = evaluate_board(targets, obs, as_of, thresholds)
    rows.append(
        (
            "engine evaluate_board",
            best(lambda: evaluate_board(targets, obs, as_of, thresholds), args.repeat),
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        engine = database(Path(tmp) / "bench.sqlite", targets, obs)
        session = session_factory(engine)()  # type: ignore[arg-type]
        with clock.frozen(datetime(2024, 1, 10)):
            board = service.board(session, SYSTEM, as_of, forecasts=False)
            rows.append(
                (
                    "service board (SQLite, no forecasts)",
                    best(
                        lambda: service.board(session, SYSTEM, as_of, forecasts=False), args.repeat
                    ),
                )
            )
            if args.forecasts:
                rows.append(
                    (
                        "service board with forecasts",
                        best(lambda: service.board(session, SYSTEM, as_of, forecasts=True), 1),
                    )
                )
        session.close()
        engine.dispose()  # type: ignore[attr-defined]
    counts = result["status"].value_counts().sort("status").rows()
    print(
        f"{args.targets} targets x 36 months = {obs.height:,} observation rows "
        f"(revisions included); as of {as_of}; statuses {dict(counts)}; "
        f"service rows {sum(len(a.rows) for a in board.actions)}"
    )
    print(f"{'computation':40} {'best ms':>9} {'median ms':>10} {'x bare':>8}")
    for name, (fast, median) in rows:
        print(f"{name:40} {fast:9.2f} {median:10.2f} {fast / bare[0]:8.1f}")


if __name__ == "__main__":
    main()

"""What rebuilding the enterprises' tags, parks, industries and districts of a past day from the
audit log (gaodi.enterprises.history) costs the views that use it, on a copy of a built city in
which ``--moved`` firms were moved to another park, retagged and given another district today.

Run (any built database; the script works on a copy and never writes to it)::

    GAODI_DATABASE_URL=sqlite:////tmp/gaodi-small/gaodi.sqlite \\
        .venv/bin/python benchmarks/past_day_history.py [--moved 300] [--repeat 5]

* **baseline** ("history off"): the same functions of this checkout with the history reading
  nothing (``history.past`` answers "nothing changed"), i.e. today's rows for every past day,
  as before the change — same run, same database;
* **now**: as shipped.

Steps, each cold for its caches: the parks' evaluation of the latest ended year
(``parks.service.compute`` + ``evaluate``), the district map of that year
(``regions.map_service.industry_map``), and every chain's diagnosis frame on that year's last
day (``chains.loaders.facts_frame``). Prints best CPU seconds and the ratio now / baseline.
Results and the command: docs/benchmarks/pages.md ("Past days from the audit log").
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

from sqlalchemy import func, select

import gaodi.models  # noqa: F401  (every model and the audit listener)
from gaodi.chains import loaders as chain_loaders
from gaodi.config import get_settings
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope, sqlite_file
from gaodi.enterprises import history
from gaodi.enterprises.models import Enterprise
from gaodi.parks import service as parks_service
from gaodi.regions.map_service import industry_map


@contextmanager
def history_off() -> Any:
    def pasts(_session: Any, days: Any, _fields: Any = history.FIELDS) -> dict[date, Any]:
        return {d: history.Past() for d in days}

    with (
        mock.patch.object(history, "past", lambda *_a, **_k: None),
        mock.patch.object(history, "pasts", pasts),
    ):
        yield


def move(engine: Any, n: int) -> int:
    """Move ``n`` firms (the first by id with a park) to the next park, tag them 专精特新 (or
    untag them) and give them another firm's district: audited updates stored today."""
    with session_scope(engine, actor="bench") as s:
        parks = sorted(
            {p for (p,) in s.execute(select(Enterprise.park_id).distinct()) if p is not None}
        )
        regions = sorted(
            {r for (r,) in s.execute(select(Enterprise.region_code).distinct()) if r is not None}
        )
        firms = s.scalars(
            select(Enterprise).where(Enterprise.park_id.is_not(None)).order_by(Enterprise.id)
        ).all()[:n]
        for f in firms:
            f.park_id = parks[(parks.index(f.park_id) + 1) % len(parks)]
            f.tags = [] if "srdi" in (f.tags or []) else [*(f.tags or []), "srdi"]
            if f.region_code in regions:
                f.region_code = regions[(regions.index(f.region_code) + 1) % len(regions)]
        return len(firms)


def best_cpu(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        parks_service.EVALUATIONS.clear()
        parks_service.EXCLUDED.clear()
        parks_service.POSITIONING.clear()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moved", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    source = sqlite_file(get_settings().effective_database_url)
    if source is None:
        raise SystemExit("a SQLite database is needed (the script works on a copy of it)")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "gaodi.sqlite"
        shutil.copyfile(source, copy)
        engine = make_engine(f"sqlite:///{copy}")
        moved = move(engine, args.moved)
        with session_scope(engine) as s:
            firms = s.scalar(select(func.count(Enterprise.id)))
            year = parks_service.compute(s, SYSTEM).year
        assert year is not None
        day = history.year_end(year)
        assert day is not None, "the latest year of figures runs still: nothing to rebuild"
        print(f"{firms} firms, {moved} moved and retagged today; year {year}, day {day}\n")
        with session_scope(engine) as s:
            chain_ids = sorted(chain_loaders.chain_names(s))
            steps: list[tuple[str, Callable[[], Any]]] = [
                (
                    f"parks' evaluation {year}",
                    lambda: parks_service.evaluate(
                        s, SYSTEM, state=parks_service.compute(s, SYSTEM, year=year)
                    ),
                ),
                (f"district map {year}", lambda: industry_map(s, SYSTEM, year=year)),
                (
                    f"chains' facts on {day} ({len(chain_ids)} chains)",
                    lambda: chain_loaders.facts_frame(s, chain_ids, year, day),
                ),
            ]
            print("| step | history off CPU s | now CPU s | now / off |")
            print("|---|---:|---:|---:|")
            for label, fn in steps:
                with history_off():
                    off = best_cpu(fn, args.repeat)
                now = best_cpu(fn, args.repeat)
                print(f"| {label} | {off:.3f} | {now:.3f} | {now / max(off, 1e-3):.2f} |")
        engine.dispose()


if __name__ == "__main__":
    main()

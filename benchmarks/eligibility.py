"""The whole city's tier data (梯度培育 eligibility page) and ranking figures (头羊 page) against
the way they were computed before, in the same run on the same database.

Run (on a large city: ``gaodi demo build --size large``, or any database)::

    GAODI_DATA_DIR=/path/to/data .venv/bin/python benchmarks/eligibility.py [--repeat 1]

* **before**: ``gaodi/enterprises/records.py`` and ``service.py`` at commit 99f506a0 (loaded
  from ``git show`` as modules): the year's figures and the two years before read apart
  (``extra`` decoded row by row), growth and R&D ratios in :mod:`decimal` row by row, each tier
  fact built as an object, the identities decoded row by row; the ranking read every column of
  both years;
* **now**: one joined query each, the exact ratios over whole arrays with a proof per value
  (:mod:`gaodi.analytics.ruleset_exact`), the facts pivoted as a frame.

Each step must give the same frame (bit for bit) or the same identities and evaluations. Prints
the CPU seconds of each (best of ``--repeat``) and the ratio before/now. Machines here are
shared: quote the ratios. Results and the command: docs/benchmarks/tiers.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from polars.testing import assert_frame_equal
from sqlalchemy import func, select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gaodi.db import get_engine  # noqa: E402
from gaodi.enterprises import records, service  # noqa: E402
from gaodi.enterprises.models import EnterpriseYear  # noqa: E402

BEFORE = "99f506a0"


def _old(path: str, name: str) -> ModuleType:
    text = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BEFORE}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    exec(compile(text, f"{BEFORE}:{path}", "exec"), module.__dict__)
    return module


def _best(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.process_time()
        out = run()
        best = min(best, time.process_time() - t)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    old_records = _old("gaodi/enterprises/records.py", "_old_records")
    old_service = _old("gaodi/enterprises/service.py", "_old_service")
    old_service.records = old_records  # the old service over the old frame
    engine = get_engine()
    rows: list[tuple[str, float, float]] = []
    with Session(engine) as s:
        year = s.scalar(select(func.max(EnterpriseYear.year)))
        assert year is not None, "no yearly figures in this database"
        t_old, f_old = _best(lambda: old_records.tier_frame(s, None, year), args.repeat)
        t_new, f_new = _best(lambda: records.tier_frame(s, None, year), args.repeat)
        assert_frame_equal(f_new, f_old, check_exact=True)
        rows.append((f"tier frame ({f_new.height:,} firms)", t_old, t_new))

        def old_city() -> Any:
            old_service.CITY_TIERS.clear()
            return old_service.city_tiers(s, year)

        def new_city() -> Any:
            service.CITY_TIERS.clear()
            return service.city_tiers(s, year)

        t_old, c_old = _best(old_city, args.repeat)
        t_new, c_new = _best(new_city, args.repeat)
        assert c_new.ident == c_old.ident
        for level, frame in c_new.evaluated.items():
            assert_frame_equal(frame, c_old.evaluated[level], check_exact=True)
        rows.append(("city tiers (frame, identities, 5 rule sets)", t_old, t_new))
        t_old, r_old = _best(lambda: old_service.rank_frame_for(s, None, year), args.repeat)
        t_new, r_new = _best(lambda: service.rank_frame_for(s, None, year), args.repeat)
        assert_frame_equal(r_new, r_old, check_exact=True)
        rows.append(("ranking figures", t_old, t_new))
    print(f"{'step':48s} {'before s':>9s} {'now s':>7s} {'ratio':>6s}")
    for name, before, now in rows:
        print(f"{name:48s} {before:9.2f} {now:7.2f} {before / now:5.1f}×")
    print(f"(CPU seconds, best of {args.repeat}; before = {BEFORE}; every result identical)")


if __name__ == "__main__":
    main()

"""The parks' 亩均 evaluation (behind /parks, /parks/<id>, /map) and the overview's 规上 count,
against the way they were computed before, in the same run on the same database.

Run (on a large city: ``gaodi demo build --size large``, or any database)::

    GAODI_DATABASE_URL=sqlite:////tmp/gaodi-large.sqlite \\
        .venv/bin/python benchmarks/parks_evaluation.py [--repeat 2] [--park 1]

* **before**: ``gaodi/parks/service.py``, ``gaodi/parks/loaders.py``,
  ``gaodi/enterprises/loaders.py`` and ``gaodi/system/service.py`` at commit :data:`BEFORE`
  (loaded from ``git show`` as modules, wired to each other): the year's figures read through
  the ORM with every row's ``extra`` JSON decoded, the missing-figure reasons built as strings
  for every firm, the chains' membership and the positioning read again by every parks page,
  a park page's 30,000 left-out firms built as rows to show 100, and the overview's 规上 count
  judged in Python over every firm of the year;
* **now**: the same functions of this checkout.

Each step is timed cold for its own caches (the memos are emptied before each call) as an
administrator (the first admin user, else the system principal); both ways must give the same
answer (the script asserts it: the frames, the page models, the count). Prints the best wall
and CPU seconds of ``--repeat`` and the ratios. Machines here are shared: quote the ratios.
Results and the command: docs/benchmarks/pages.md ("The parks' evaluation").
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import select

from gaodi import features
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import get_engine, session_scope
from gaodi.parks import service
from gaodi.system import service as system_service

BEFORE = "99f506a0"
ROOT = Path(__file__).resolve().parent.parent


def old_module(path: str, name: str, **wired: ModuleType) -> ModuleType:
    """``path`` as it was at :data:`BEFORE`, as a module; ``wired`` replaces the names it
    imported (its loaders) by the old modules, so the whole old path runs."""
    source = subprocess.run(
        ["git", "show", f"{BEFORE}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    exec(compile(source, f"{BEFORE}:{path}", "exec"), module.__dict__)
    module.__dict__.update(wired)
    return module


def before_modules() -> tuple[ModuleType, ModuleType]:
    """(the old parks service, the old system service), each on the old loaders."""
    ents = old_module("gaodi/enterprises/loaders.py", "gaodi.enterprises._loaders_before")
    parks = old_module(
        "gaodi/parks/loaders.py", "gaodi.parks._loaders_before", enterprise_loaders=ents
    )
    parks_service = old_module(
        "gaodi/parks/service.py", "gaodi.parks._service_before", loaders=parks
    )
    system = old_module(
        "gaodi/system/service.py", "gaodi.system._service_before", enterprise_loaders=ents
    )
    return parks_service, system


def admin(session: Any) -> Principal:
    from gaodi.accounts.models import User

    user = session.scalar(select(User).where(User.role == "admin").order_by(User.id))
    return Principal.from_user(user) if user is not None else SYSTEM


def timed(
    fn: Callable[[], Any], repeat: int, clear: Callable[[], None]
) -> tuple[float, float, Any]:
    """Best wall and CPU seconds of ``repeat`` cold calls (``clear`` empties the caches first;
    CPU is this process's, SQLite's work and Polars' threads included), and the answer."""
    best, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn()
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return best, cpu, out


def same_state(old: Any, new: Any) -> None:
    assert old.year == new.year and old.reasons == new.reasons
    for name in ("frame", "evaluated", "excluded", "outputs"):
        assert getattr(old, name).equals(getattr(new, name)), name


def dumped(page: Any) -> Any:
    """A page model as its JSON twin gives it, less the time it was computed at."""
    data = page.model_dump(mode="json")
    data["provenance"].pop("computed_at", None)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--park", type=int, default=None, help="the park page (default: first)")
    args = parser.parse_args()
    old_parks, old_system = before_modules()
    engine = get_engine()
    print(f"database: {engine.url}; {platform.python_version()} on {platform.machine()}\n")

    def clear() -> None:
        for memo in (service.EVALUATIONS, service.EXCLUDED, service.POSITIONING):
            memo.clear()
        old_parks.EVALUATIONS.clear()
        old_parks.EXCLUDED.clear()

    rows: list[tuple[str, float, float, float, float]] = []
    with session_scope(engine) as session:
        who = admin(session)
        park = args.park or service.loaders.all_parks(session)[0].id

        def step(label: str, old: Callable[[], Any], new: Callable[[], Any]) -> tuple[Any, Any]:
            old_s, old_cpu, a = timed(old, args.repeat, clear)
            new_s, new_cpu, b = timed(new, args.repeat, clear)
            rows.append((label, old_s, new_s, old_cpu, new_cpu))
            return a, b

        # the city's evaluation (EVALUATIONS' entry: /parks, /parks/<id>, /map compute it)
        a, b = step(
            "evaluation (compute)",
            lambda: old_parks.compute(session, who),
            lambda: service.compute(session, who),
        )
        same_state(a, b)
        old_state, new_state = a, b
        # /parks on a computed evaluation: ranking, tiers, positioning
        a, b = step(
            "parks ranking (evaluate)",
            lambda: old_parks.evaluate(session, who, state=old_state),
            lambda: service.evaluate(session, who, state=new_state),
        )
        assert dumped(a) == dumped(b)

        # /parks/<id>: its firms, its row of the ranking, its firms left out (first 100)
        def old_park() -> Any:
            firms = old_parks.park_enterprises(session, who, park, state=old_state)
            ev = old_parks.evaluate(session, who, state=old_state)
            left = old_parks.excluded_enterprises(session, who, park_id=park, state=old_state)
            counts: dict[str, int] = {}
            for r in left:
                counts[r.reason.split(":", 1)[0]] = counts.get(r.reason.split(":", 1)[0], 0) + 1
            return firms, ev, left[:100], len(left), counts

        def new_park() -> Any:
            firms = service.park_enterprises(session, who, park, state=new_state)
            ev = service.evaluate(session, who, state=new_state)
            left = service.excluded_summary(session, who, park_id=park, state=new_state, limit=100)
            return firms, ev, left.rows, left.total, left.counts

        a, b = step(f"park {park} page (on the evaluation)", old_park, new_park)
        assert dumped(a[0]) == dumped(b[0]) and dumped(a[1]) == dumped(b[1])
        assert [r.model_dump() for r in a[2]] == [r.model_dump() for r in b[2]]
        assert a[3:] == b[3:] and list(a[4]) == list(b[4])
        # the overview's counts (规上 among them)
        declared = features.counted()
        a, b = step(
            "overview counts (规上)",
            lambda: old_system.overview(session, who, declared),
            lambda: system_service.overview(session, who, declared),
        )
        assert a.model_dump() == b.model_dump()

    print("| step | before s | now s | ratio | before CPU s | now CPU s | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    total = [0.0, 0.0, 0.0, 0.0]
    for label, old_s, new_s, old_cpu, new_cpu in rows:
        total = [t + v for t, v in zip(total, (old_s, new_s, old_cpu, new_cpu), strict=True)]
        print(
            f"| {label} | {old_s:.2f} | {new_s:.2f} | {old_s / max(new_s, 0.005):.1f} "
            f"| {old_cpu:.2f} | {new_cpu:.2f} | {old_cpu / max(new_cpu, 0.005):.1f} |"
        )
    old_s, new_s, old_cpu, new_cpu = total
    print(
        f"| all | {old_s:.2f} | {new_s:.2f} | {old_s / new_s:.1f} "
        f"| {old_cpu:.2f} | {new_cpu:.2f} | {old_cpu / new_cpu:.1f} |"
    )


if __name__ == "__main__":
    main()

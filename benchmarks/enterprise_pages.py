"""The 企业 list's pages (page 1, a middle page, the last page, each sort key) against the way
they were read before, in the same run on the same database.

Run (on a copy of a large city: ``gaodi demo build --size large``, or any database)::

    GAODI_DATABASE_URL=sqlite:////tmp/gaodi-large.sqlite \\
        .venv/bin/python benchmarks/enterprise_pages.py [--sorts name,-revenue] [--per-page 50] \\
        [--repeat 1] [--no-memory]

* **before**: :func:`search` of ``gaodi/enterprises/service.py`` at commit 869fbed (loaded from
  ``git show`` as a module): the list sorted as whole rows (``SELECT enterprise.*``) and the
  rows before the page skipped with OFFSET;
* **now**: :func:`gaodi.enterprises.service.search`: the same order and OFFSET on the ids
  only (and, for name and USCC, which are never empty, without the ``IS NULL`` key first, so
  SQLite walks their index instead of sorting; a page in the second half read from the end
  in the reverse order), then the page's rows read by id.

Both are asked for the same pages as an administrator (the first admin user of the database,
else the system principal) and must answer the same ids, total and page count. Prints the
wall and CPU seconds of each (the best of ``--repeat``) and the ratios before/now, then (unless
``--no-memory``) the peak resident memory of a fresh process that reads the last page of the
name order each way. Machines here are shared: quote the ratios. Results and the command:
docs/benchmarks/enterprise-pages.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import select

from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import get_engine, session_scope
from gaodi.enterprises import service
from gaodi.enterprises.schemas import EnterpriseFilter, EnterpriseList

BEFORE = "869fbed"
ROOT = Path(__file__).resolve().parent.parent


def old_service() -> ModuleType:
    """``gaodi/enterprises/service.py`` as it was at :data:`BEFORE`, as a module."""
    source = subprocess.run(
        ["git", "show", f"{BEFORE}:gaodi/enterprises/service.py"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    spec = importlib.util.spec_from_loader("gaodi.enterprises._service_before", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    exec(compile(source, f"{BEFORE}:gaodi/enterprises/service.py", "exec"), module.__dict__)
    return module


def admin(session: Any) -> Principal:
    from gaodi.accounts.models import User

    user = session.scalar(select(User).where(User.role == "admin").order_by(User.id))
    return Principal.from_user(user) if user is not None else SYSTEM


def timed(session: Any, fn: Any, principal: Principal, f: EnterpriseFilter, repeat: int) -> Any:
    """The best wall and CPU seconds of ``repeat`` calls (CPU: this process's, SQLite's work
    included; the wall time also holds the waits of a shared machine), and the answer."""
    best, cpu = float("inf"), float("inf")
    out: EnterpriseList | None = None
    for _ in range(repeat):
        session.expunge_all()  # no row of the run before served from the identity map
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn(session, principal, f)
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return best, cpu, out


def peak_rss(way: str, per_page: int) -> int:
    """Peak resident memory (MB) of a fresh process reading the last name page ``way``."""
    done = subprocess.run(
        [sys.executable, __file__, "--one", way, "--per-page", str(per_page)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return int(done.stdout.split()[-1])


def one(way: str, per_page: int) -> None:
    """The child of :func:`peak_rss`: read the page, print the peak RSS in MB."""
    fn = old_service().search if way == "before" else service.search
    with session_scope(get_engine()) as session:
        principal = admin(session)
        fn(session, principal, EnterpriseFilter(page=1_000_000, per_page=per_page))
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sorts", default="name,uscc,park,industry,revenue,-name,-revenue")
    parser.add_argument("--per-page", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--one", choices=("before", "now"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.per_page)
        return
    before = old_service()
    engine = get_engine()
    print(f"database: {engine.url}; {platform.python_version()} on {platform.machine()}")
    with session_scope(engine) as session:
        principal = admin(session)
        total = service.search(session, principal, EnterpriseFilter(per_page=1)).total
        pages = max(1, -(-total // args.per_page))
        print(f"{total:,} firms, {pages:,} pages of {args.per_page}\n")
        print("| sort | page | before s | now s | ratio | before CPU s | now CPU s | ratio |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for sort in args.sorts.split(","):
            for number in sorted({1, (pages + 1) // 2, pages}):
                f = EnterpriseFilter(page=number, per_page=args.per_page, sort=sort)
                old_s, old_cpu, old = timed(session, before.search, principal, f, args.repeat)
                new_s, new_cpu, new = timed(session, service.search, principal, f, args.repeat)
                # the same rows, in the same order, and the same totals either way
                assert [r.id for r in old.rows] == [r.id for r in new.rows], (sort, number)
                assert (old.total, old.pages, old.page) == (new.total, new.pages, new.page)
                print(
                    f"| {sort} | {number:,} | {old_s:.2f} | {new_s:.2f} | {old_s / new_s:.1f} "
                    f"| {old_cpu:.2f} | {new_cpu:.2f} | {old_cpu / max(new_cpu, 0.005):.1f} |"
                )
    if not args.no_memory:
        old_mb, new_mb = peak_rss("before", args.per_page), peak_rss("now", args.per_page)
        print(f"\npeak RSS of a fresh process reading the last page (name order): "
              f"before {old_mb} MB, now {new_mb} MB")  # fmt: skip


if __name__ == "__main__":
    main()

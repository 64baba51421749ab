"""A 100,000-row import through the web while others read and write: does anybody get an error?

Run:  .venv/bin/python benchmarks/import_under_load.py [--database-url URL] [--rows 100000]
                                  [--readers 10] [--writers 3] [--workers 1] [--seconds 20]

Issue [16]'s done-criterion: "with a 100k-row web import running, nobody else gets an error".
On a small demo city (built into a temporary directory unless ``--database-url``) with the
synthetic firms of ``import_throughput.py`` already imported (CLI), ``gaodi serve`` on a free
loopback port, two phases of the same readers (overview, board, a chain page) and writers (a
language switch — a committed write to the account — and a fresh sign-in every tenth request;
``load.py``'s phase):

1. **without import** — ``--seconds`` of readers and writers (the baseline of this run);
2. **with import** — the same load while an administrator uploads the ``enterprise_years``
   workbook of ``--rows`` rows to ``/data/import`` (above ``GAODI_IMPORT_BACKGROUND_KB`` it runs
   as a background job) and polls ``/api/v1/data/imports/<id>`` until it is done; the phase
   lasts until the job ends (at most 600 s).

Printed: each phase's requests, p50/p95, 5xx, other 4xx, transport errors, writes and write
errors, and the import's status, rows written and duration. Everything is bounded and loopback
only. Results: docs/benchmarks/load.md.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load
from import_throughput import make_files
from web_overview import run

MAX_ROWS, MAX_IMPORT_SECONDS = 200_000, 600.0


async def upload_and_wait(base: str, path: Path) -> tuple[str, dict, float]:
    """Sign in as the bench administrator, upload ``path``, poll the job until it ends."""
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        csrf = await load.sign_in(client, "bench-r-admin")
        t0 = time.perf_counter()
        r = await client.post(
            "/data/import",
            data={"entity": "enterprise_years", "mode": "upsert", "csrf_token": csrf},
            files={"file": (path.name, path.read_bytes(), "application/octet-stream")},
            follow_redirects=False,
        )
        where = r.headers.get("location", "")
        found = re.search(r"/data/imports/([0-9a-f]{32})$", where)
        if not found:
            return f"not a background job (HTTP {r.status_code})", {}, time.perf_counter() - t0
        job: dict = {}
        while time.perf_counter() - t0 < MAX_IMPORT_SECONDS:
            job = (await client.get(f"/api/v1/data/imports/{found.group(1)}")).json()["job"]
            if job["status"] in ("done", "rejected", "failed"):
                break
            await asyncio.sleep(0.5)
        return job.get("status", "?"), job, time.perf_counter() - t0


async def with_import(
    base: str, urls: list[str], readers: int, writers: int, path: Path
) -> tuple[load.Phase, tuple[str, dict, float]]:
    """The readers and writers for as long as the import runs."""
    task = asyncio.create_task(upload_and_wait(base, path))
    phases: list[load.Phase] = []
    while not task.done():
        phases.append(await load.phase(base, "with import", urls, readers, writers, 5.0))
    merged = load.Phase("with import")
    for p in phases:
        merged.seconds += p.seconds
        merged.latencies += p.latencies
        merged.server_errors += p.server_errors
        merged.other_errors += p.other_errors
        merged.transport_errors += p.transport_errors
        merged.writes += p.writes
        merged.write_errors += p.write_errors
        for k, v in p.write_statuses.items():
            merged.write_statuses[k] = merged.write_statuses.get(k, 0) + v
    return merged, task.result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    rows = max(1000, min(args.rows, MAX_ROWS))
    readers = max(1, min(args.readers, load.MAX_READERS))
    writers = max(0, min(args.writers, load.MAX_WRITERS))
    seconds = min(args.seconds, load.MAX_SECONDS)

    env, label, chain_id, _park = load.prepare(args.database_url)
    folder = Path(tempfile.mkdtemp(prefix="gaodi-bench-import-"))
    firms_path, years_path, n_rows = make_files(folder, rows, 5)
    print(f"importing the {n_rows // 5} synthetic firms (CLI) …", flush=True)
    run(["import", "enterprises", str(firms_path), "--mode", "upsert"], env)
    size_mb = years_path.stat().st_size / 2**20
    env["GAODI_UPLOAD_MAX_MB"] = str(max(50, int(size_mb) + 5))
    pages = ["/", "/plans", f"/chains/{chain_id}"]
    with load.serving(env, args.workers) as base:
        for url in pages:
            asyncio.run(load.phase(base, "warm-up", [url], 1, 0, 0.5))
        quiet = asyncio.run(load.phase(base, "without import", pages, readers, writers, seconds))
        busy, (status, job, took) = asyncio.run(
            with_import(base, pages, readers, writers, years_path)
        )
    print(
        f"\ndatabase: {label}; {readers} readers, {writers} writers; gaodi serve --workers "
        f"{args.workers}; import: enterprise_years, {n_rows} rows, {size_mb:.1f} MB"
    )
    print(
        "\n| phase | requests | p50 ms | p95 ms | 5xx | other 4xx | transport errors "
        "| writes | write errors |"
    )
    print("|" + "---|" * 9)
    for r in (quiet, busy):
        print(
            f"| {r.name} | {len(r.latencies)} | {r.pct(0.5):.0f} | {r.pct(0.95):.0f} "
            f"| {r.server_errors} | {r.other_errors} | {r.transport_errors} | {r.writes} "
            f"| {r.write_errors} |"
        )
    print(
        f"\nimport: {status} in {took:.0f} s (upload to done): {job.get('created', 0)} new, "
        f"{job.get('updated', 0)} updated, {job.get('unchanged', 0)} unchanged, "
        f"{job.get('error_count', 0)} cell errors {job.get('error_en') or ''}"
    )
    if busy.write_statuses:
        print(f"write errors by status during the import: {busy.write_statuses}")


if __name__ == "__main__":
    main()

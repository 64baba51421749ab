"""One user's page latency on the slow pages of issue [16], against a bare JSON answer.

Run:  .venv/bin/python benchmarks/pages.py [--database-url URL] [--requests 20]

Starts the app as ``gaodi serve`` does (see benchmarks/web_overview.py, whose set-up it shares:
the database is ``--database-url``, else the configured one if it holds a medium demo city, else
a small demo city built into a temporary directory), signs in as an administrator and requests
each URL ``--requests`` times in turn, one request at a time (a single user):

* ``GET /api/v1/ping`` — the baseline: FastAPI's plain JSON response on the same server;
* ``/smart/enterprises`` (page 1, page 2, a level filter) and its JSON twin — the list that took
  15–21 s per load on the medium demo in 0.1.0 (it ranked every assessment with a window
  function and joined the result; now each enterprise's latest assessment is one index lookup);
* the plan board, a chain page and the overview, for comparison.

Prints p50 and p95 per URL and each p95 as a multiple of the baseline's. Results and the
command: docs/benchmarks/pages.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import httpx

sys.path.insert(0, os.path.dirname(__file__))
from web_overview import login, prepare, serving

PAGES = [
    ("plain JSON (baseline)", "/api/v1/ping"),
    ("smart enterprises, page 1", "/smart/enterprises"),
    ("smart enterprises, page 2", "/smart/enterprises?page=2"),
    ("smart enterprises, level 2", "/smart/enterprises?assessed=true&level=2"),
    ("smart enterprises JSON", "/api/v1/smart/enterprises"),
    ("plan board", "/plans"),
    ("chain list", "/chains"),
    ("chain page", "/chains/1"),
    ("chain page JSON", "/api/v1/chains/1"),
    ("enterprise list", "/enterprises"),
    ("parks", "/parks"),
    ("industry map", "/map"),
    ("industry map JSON", "/api/v1/map"),
    ("search", "/search?q=%E7%A7%91%E6%8A%80"),
    ("wall screen", "/screen"),
    ("overview", "/"),
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    env, label = prepare(args.database_url, dict(os.environ))
    rows = []
    with (
        serving(env, 30) as base,
        httpx.Client(base_url=base, cookies=login(base), timeout=300) as client,
    ):
        for name, url in PAGES:
            client.get(url)  # warm-up, not measured
            times, errors = [], 0
            for _ in range(args.requests):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t0)
                errors += response.status_code != 200
            rows.append((name, url, pct(times, 0.5), pct(times, 0.95), errors))

    baseline = rows[0][3]
    print(f"\ndatabase: {label}; one user, {args.requests} requests per URL, one uvicorn process")
    print(f"on {os.cpu_count()} cores\n")
    print("| page | URL | p50 ms | p95 ms | p95 vs baseline | errors |")
    print("|---|---|---:|---:|---:|---:|")
    for name, url, p50, p95, errors in rows:
        print(f"| {name} | `{url}` | {p50:.1f} | {p95:.1f} | {p95 / baseline:.1f}x | {errors} |")


if __name__ == "__main__":
    main()

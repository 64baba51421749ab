"""One user's latency on every page of the web app (issue [16], item 4), against a bare JSON answer.

Run:  .venv/bin/python benchmarks/pages.py [--database-url URL] [--requests 10] [--only PREFIX]

Starts the app as ``gaodi serve`` does (see benchmarks/web_overview.py, whose set-up it shares:
the database is ``--database-url``, else the configured one if it holds a medium demo city, else
a small demo city built into a temporary directory) and signs in as an administrator.

The pages are the app's own: every ``GET`` route that answers HTML (read from the app the
server runs, so a new page is measured without editing this list), plus the JSON twins of the
heavy ones. A path with parameters (``/chains/{chain_id}``) is measured with the first link to
it found on the pages already fetched — the page a user would reach by clicking — and listed as
not reached when no page links to it. ``/login`` is left out (a signed-in user is sent home).

Each URL is requested once cold (its first request after the server started: caches empty),
then ``--requests`` times warm, one request at a time. Prints the cold time, warm p50 and p95
and the warm p95 as a multiple of the baseline's (``GET /api/v1/ping``, FastAPI's plain JSON
answer on the same server) and marks the pages whose warm p95 is over 300 ms (the goal).
Results and the command: docs/benchmarks/pages.md.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from html import unescape

import httpx

sys.path.insert(0, os.path.dirname(__file__))
from web_overview import login, prepare, serving

GOAL_MS = 300.0
MAX_REQUESTS = 50
JSON_TWINS = [
    "/api/v1/overview",
    "/api/v1/plans/board",
    "/api/v1/chains/1",
    "/api/v1/smart/enterprises",
    "/api/v1/map",
]
SKIP = {"/login"}
HREF = re.compile(r'href="(/[^"#]*)"')


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def html_routes(env: dict[str, str]) -> list[str]:
    """The paths of the app's HTML ``GET`` routes, in the order the app mounts them."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from fastapi.responses import HTMLResponse

        from gaodi.config import get_settings
        from gaodi.db import get_engine
        from gaodi.web.app import create_app

        get_settings.cache_clear()
        get_engine.cache_clear()
        app = create_app()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    paths: list[str] = []

    def walk(routes: list, prefix: str = "") -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:  # FastAPI's included router
                walk(inner.routes, prefix + route.include_context.prefix)
                continue
            path = prefix + getattr(route, "path", "")
            methods = getattr(route, "methods", None) or set()
            if "GET" in methods and getattr(route, "response_class", None) is HTMLResponse:
                paths.append(path)

    walk(app.routes)
    return [p for p in paths if p not in SKIP]


def pattern(path: str) -> re.Pattern[str]:
    """``/chains/{chain_id}/links/{link_id}`` -> a regex for a concrete link to that page."""
    parts = re.split(r"(\{[^}]+\})", path)
    body = "".join(r"[^/?#]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(rf"^{body}(?:\?.*)?$")


def measure(client: httpx.Client, url: str, requests: int) -> tuple[float, list[float], int]:
    t0 = time.perf_counter()
    first = client.get(url)
    cold = time.perf_counter() - t0
    errors = first.status_code != 200
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t0)
        errors += response.status_code != 200
    return cold, times, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--only", default=None, help="measure only paths starting with this")
    args = parser.parse_args()
    requests = max(1, min(args.requests, MAX_REQUESTS))

    env, label = prepare(args.database_url, dict(os.environ))
    routes = html_routes(env)
    rows: list[tuple[str, str, float, float, float, int]] = []
    unreached: list[str] = []
    with (
        serving(env, 30) as base,
        httpx.Client(base_url=base, cookies=login(base), timeout=300) as client,
    ):
        cold, times, errors = measure(client, "/api/v1/ping", requests)
        rows.append(("baseline: plain JSON", "/api/v1/ping", cold, pct(times, 0.5),
                     pct(times, 0.95), errors))  # fmt: skip
        links: list[str] = []
        plain = [p for p in routes if "{" not in p]
        with_params = [p for p in routes if "{" in p]
        for path in plain + with_params:
            if "{" in path:
                wanted = pattern(path)
                # a link to another route (``/enterprises/rank`` for ``/enterprises/{id}``) is
                # not one to this page
                url = next(
                    (u for u in links if wanted.match(u) and u.split("?")[0] not in plain), None
                )
                if url is None:
                    unreached.append(path)
                    continue
            else:
                url = path
            if args.only and not url.startswith(args.only):
                continue
            cold, times, errors = measure(client, url, requests)
            page = client.get(url)
            links += [unescape(h) for h in HREF.findall(page.text) if h not in links]
            rows.append((path, url, cold, pct(times, 0.5), pct(times, 0.95), errors))
        for url in JSON_TWINS:
            if args.only and not url.startswith(args.only):
                continue
            cold, times, errors = measure(client, url, requests)
            rows.append(("JSON twin", url, cold, pct(times, 0.5), pct(times, 0.95), errors))

    baseline = rows[0][4]
    print(f"\ndatabase: {label}; one user (an administrator), 1 cold + {requests} warm requests")
    print(f"per URL, one uvicorn process, {os.cpu_count()} cores\n")
    print("| route | URL | cold ms | warm p50 ms | warm p95 ms | p95 vs baseline | errors |")
    print("|---|---|---:|---:|---:|---:|---:|")
    over = []
    for name, url, cold, p50, p95, errors in rows:
        mark = " ⚠" if p95 > GOAL_MS else ""
        if mark:
            over.append(url)
        print(f"| `{name}` | `{url}` | {cold * 1000:.0f} | {p50:.1f} | {p95:.1f}{mark} | "
              f"{p95 / baseline:.1f}x | {errors} |")  # fmt: skip
    print(f"\n{len(rows) - 1} URLs; warm p95 over {GOAL_MS:.0f} ms: {len(over)}", end="")
    print(f" ({', '.join(over)})" if over else "")
    if unreached:
        print(f"not reached (no page links to them): {', '.join(unreached)}")


if __name__ == "__main__":
    main()

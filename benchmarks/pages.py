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

``--after-write``: the first request of each heavy page (:data:`HEAVY`) after a data change,
which every audited write makes cold again. Two servers on the same database, one after the
other: one without the warm-up (``create_app(..., warm=False)``: what a visitor saw before it)
and one with it (as ``gaodi serve`` runs by default). For each: start, then (warm-up server:
once the start's warm-up is done) time the first request of each heavy page; make one
audited write (an enterprise renamed, through the ORM: the audit log records it) and (warm-up
server) wait for its warm-up, then time the first request of each heavy page; make another
write and time them at once, without waiting (a visitor arriving during the warm-up waits
for the computation under way rather than starting another). The plain JSON baseline is
measured on each server. It writes to the database: give it a copy.
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

#: The pages whose first request after a change costs more than a few hundred milliseconds
#: (docs/benchmarks/pages.md), and their JSON twins' heaviest.
HEAVY = [
    "/",
    "/enterprises/eligibility",
    "/enterprises/rank",
    "/parks",
    "/parks/excluded",
    "/parks/6",
    "/map",
    "/reports",
    "/clusters",
    "/chains",
    "/chains/1/links/1",
    "/regions/complexity",
    "/regions/peers",
    "/api/v1/overview",
]
#: ``create_app`` with or without the warm-up; its log (the passes) goes to ``argv[3]``.
SERVER = (
    "import logging, sys, uvicorn\n"
    "from gaodi.ui.cli.support import engine\n"
    "from gaodi.web.app import create_app\n"
    "handler = logging.FileHandler(sys.argv[3])\n"
    "log = logging.getLogger('gaodi.warmup')\n"
    "log.addHandler(handler)\n"
    "log.setLevel(logging.INFO)\n"
    "app = create_app(engine(), warm=sys.argv[2] == '1')\n"
    "uvicorn.run(app, host='127.0.0.1', port=int(sys.argv[1]), log_level='warning')\n"
)

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


def audited_write(url: str) -> None:
    """One data change: the first enterprise renamed (a mark added or taken off again)."""
    from sqlalchemy import select

    import gaodi.models  # noqa: F401  (the audit listener)
    from gaodi.db import make_engine, session_scope
    from gaodi.enterprises.models import Enterprise

    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            firm = session.scalars(select(Enterprise).order_by(Enterprise.id)).first()
            assert firm is not None, "no enterprise to rename"
            mark = " ·"
            firm.name = firm.name[: -len(mark)] if firm.name.endswith(mark) else firm.name + mark
    finally:
        engine.dispose()


def wait_passes(log: str, count: int, timeout: float = 600.0) -> float:
    """Wait until the server's warm-up log holds ``count`` finished passes; seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        with open(log, encoding="utf-8") as f:
            if f.read().count(" done") >= count:
                return time.perf_counter() - t0
        time.sleep(0.1)
    raise SystemExit(f"no warm-up pass {count} within {timeout:.0f} s")


def firsts(client: httpx.Client) -> dict[str, float]:
    """The time of one request of each heavy page (ms)."""
    out = {}
    for url in HEAVY:
        t0 = time.perf_counter()
        response = client.get(url)
        out[url] = (time.perf_counter() - t0) * 1000
        assert response.status_code == 200, (url, response.status_code)
    return out


def after_write(env: dict[str, str], label: str, requests: int) -> None:
    import tempfile

    url = env["GAODI_DATABASE_URL"]
    columns: dict[str, dict[str, float]] = {}
    baselines: list[str] = []
    waits: list[str] = []
    for warm in ("0", "1"):
        fd, log = tempfile.mkstemp(prefix="gaodi-warmup-", suffix=".log")
        os.close(fd)

        def command(port: int, warm: str = warm, log: str = log) -> list[str]:
            return [sys.executable, "-c", SERVER, str(port), warm, log]

        with (
            serving(env, 30, command) as base,
            httpx.Client(base_url=base, cookies=login(base), timeout=300) as client,
        ):
            _cold, times, _ = measure(client, "/api/v1/ping", requests)
            baselines.append(f"{pct(times, 0.5):.1f} / {pct(times, 0.95):.1f}")
            if warm == "1":
                waits.append(f"start {wait_passes(log, 1):.1f} s")
                columns["warm-up on: first request after start (warm-up done)"] = firsts(client)
            else:
                columns["warm-up off: first request after start"] = firsts(client)
            audited_write(url)
            if warm == "1":
                waits.append(f"write {wait_passes(log, 2):.1f} s")
                columns["warm-up on: after a write, warm-up done"] = firsts(client)
            else:
                columns["warm-up off: first request after a write"] = firsts(client)
            audited_write(url)
            if warm == "1":
                time.sleep(0.5)  # the server sees the write (it looks every 2 s, a poke at once)
                columns["warm-up on: after a write, at once"] = firsts(client)
                wait_passes(log, 3)
        os.unlink(log)
    names = list(columns)
    print(f"\ndatabase: {label}; one user (an administrator); {os.cpu_count()} cores")
    print(f"baseline /api/v1/ping warm p50 / p95 ms: off {baselines[0]}, on {baselines[1]}")
    print(f"warm-up passes took: {', '.join(waits)}\n")
    print("| URL | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for page in HEAVY:
        cells = []
        for name in names:
            value = columns[name][page]
            cells.append(f"{value:.0f}{' ⚠' if value > GOAL_MS else ''}")
        print(f"| `{page}` | " + " | ".join(cells) + " |")
    for name in names:
        over = [p for p in HEAVY if columns[name][p] > GOAL_MS]
        print(f"{name}: over {GOAL_MS:.0f} ms: {len(over)} ({', '.join(over) or '-'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--only", default=None, help="measure only paths starting with this")
    parser.add_argument(
        "--after-write",
        action="store_true",
        help="time the heavy pages' first request after a write, without and with the warm-up",
    )
    args = parser.parse_args()
    requests = max(1, min(args.requests, MAX_REQUESTS))

    env, label = prepare(args.database_url, dict(os.environ))
    if args.after_write:
        after_write(env, label, requests)
        return
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

"""Throughput and latency of the overview page and its JSON twin against a bare JSON answer.

Run:  .venv/bin/python benchmarks/web_overview.py [--database-url URL] [--seconds 10]
                                                  [--concurrency 20]

Starts the app as ``gaodi serve`` does (one uvicorn process, ``create_app`` on the migrated
database) on a free loopback port, signs in as an administrator (a ``bench-admin`` account is
created if missing) and drives each URL in turn for ``--seconds`` with ``--concurrency``
concurrent clients (httpx, asyncio, one keep-alive connection per client):

* ``GET /api/v1/ping`` — the baseline: FastAPI's plain JSON response on the same server
  (no database, no session, no template);
* ``GET /api/v1/overview`` — the JSON twin: session, permission check, the counting queries
  and the feature cards — served from the overview cache while the data version (the newest
  audit event) is unchanged, as in production;
* ``GET /`` — the overview page: the same data rendered with Jinja2 in the site layout;
* the last two again on a second server started with the overview cache off, which is what
  every request costs after a change to the data.

The database is ``--database-url``, else the configured one if it holds a medium demo city,
else a small demo city built into a temporary directory. The load generator runs on the same
machine as the server, so both share its cores. Results and the command: docs/benchmarks/web.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
GAODI = [sys.executable, "-m", "gaodi.cli"]  # the CLI, for set-up
USER, PASSWORD = "bench-admin", "bench-admin-password"


@dataclass
class Result:
    name: str
    url: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    out = subprocess.run(
        GAODI + args, env=env, input=stdin, text=True, capture_output=True, cwd=ROOT, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"gaodi {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def dataset_size(url: str) -> str | None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            row = conn.execute(text("SELECT value FROM system_info WHERE key = 'dataset'")).first()
        engine.dispose()
    except Exception:
        return None
    if row is None:
        return None
    import json

    value = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    return str(value.get("size")) if value.get("demo") else "own"


def prepare(url: str | None, env: dict[str, str]) -> tuple[dict[str, str], str]:
    """Pick the database, make sure the bench account exists; returns env and a label."""
    if url is None:
        from gaodi.config import get_settings

        configured = get_settings().effective_database_url
        if dataset_size(configured) == "medium":
            url = configured
    if url is None:
        tmp = Path(tempfile.mkdtemp(prefix="gaodi-bench-web-"))
        url = f"sqlite:///{tmp / 'bench.sqlite'}"
        env = {**env, "GAODI_DATA_DIR": str(tmp), "GAODI_DATABASE_URL": url}
        print(f"building a small demo city in {tmp} …", flush=True)
        run(["db", "upgrade"], env)
        run(["demo", "build", "--size", "small"], env)
    env = {**env, "GAODI_DATABASE_URL": url}
    listing = run(["user", "list"], env)
    if USER not in listing:
        run(["user", "add", USER, "--role", "admin", "--password-stdin"], env, PASSWORD + "\n")
    else:
        run(["user", "passwd", USER, "--password-stdin"], env, PASSWORD + "\n")
    run(["user", "unlock", USER], env)
    return env, f"{dataset_size(url) or '?'} ({url.split('://', 1)[0]})"


def login(base: str) -> httpx.Cookies:
    with httpx.Client(base_url=base) as client:
        page = client.get("/login").text
        token = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert token, "no CSRF token on the log-in page"
        response = client.post(
            "/login",
            data={"username": USER, "password": PASSWORD, "csrf_token": token.group(1)},
        )
        assert response.status_code in (200, 303), response.status_code
        return client.cookies


async def drive(base: str, name: str, url: str, cookies: httpx.Cookies, seconds: float,
                concurrency: int) -> Result:  # fmt: skip
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(
            base_url=base, cookies=cookies, limits=limits, timeout=120
        ) as client:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                response = await client.get(url)
                latencies.append(time.perf_counter() - t0)
                if response.status_code != 200:
                    errors += 1

    # warm-up: one request per worker path, not measured
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=120) as client:
        for _ in range(3):
            await client.get(url)
    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    return Result(name, url, len(latencies), errors, elapsed, latencies)


SERVER = (
    "import sys, uvicorn\n"
    "from gaodi.ui.cli.support import engine\n"
    "from gaodi.web.app import create_app\n"
    "app = create_app(engine())\n"
    "app.state.overview_cache_seconds = float(sys.argv[2])\n"
    "uvicorn.run(app, host='127.0.0.1', port=int(sys.argv[1]), log_level='warning')\n"
)


def measure(
    env: dict[str, str],
    cache_seconds: float,
    targets: list[tuple[str, str]],
    seconds: float,
    concurrency: int,
) -> list[Result]:
    """Start the app (as ``gaodi serve`` does, overview cache set) and drive each URL."""
    with serving(env, cache_seconds) as base:
        cookies = login(base)
        return [
            asyncio.run(drive(base, name, url, cookies, seconds, concurrency))
            for name, url in targets
        ]


@contextmanager
def serving(
    env: dict[str, str],
    cache_seconds: float,
    command: Callable[[int], list[str]] | None = None,
) -> Iterator[str]:
    """The app in a uvicorn process on a free loopback port, once ``/healthz`` answers; yields
    its base URL and stops it afterwards. ``command(port)``: another way to start it (e.g.
    ``gaodi serve --workers N``)."""
    port = free_port()
    server = subprocess.Popen(
        command(port) if command else [sys.executable, "-c", SERVER, str(port), str(cache_seconds)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # several workers start slowly on a busy machine
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()

    env, label = prepare(args.database_url, dict(os.environ))
    results: list[Result] = []
    for cache_seconds, targets in (
        (
            30.0,
            [
                ("plain JSON (baseline)", "/api/v1/ping"),
                ("overview JSON twin", "/api/v1/overview"),
                ("overview page (HTML)", "/"),
            ],
        ),
        (0.0, [("overview JSON, no cache", "/api/v1/overview"), ("overview page, no cache", "/")]),
    ):
        results += measure(env, cache_seconds, targets, args.seconds, args.concurrency)

    base_result = results[0]
    print(f"\ndatabase: {label}; {args.concurrency} concurrent clients, {args.seconds:g} s each,")
    print(f"one uvicorn process and the load generator on {os.cpu_count()} cores\n")
    header = f"| {'endpoint':<24} | {'URL':<18} | {'req/s':>7} | {'p50 ms':>7} | {'p95 ms':>7} |"
    header += " rps vs baseline | p95 vs baseline | errors |"
    print(header)
    print("|" + "---|" * 8)
    for r in results:
        print(
            f"| {r.name:<24} | {'`' + r.url + '`':<18} | {r.rps:7.0f} | {r.pct(0.5):7.1f} "
            f"| {r.pct(0.95):7.1f} | {r.rps / base_result.rps:15.3f} | "
            f"{r.pct(0.95) / base_result.pct(0.95):15.1f} | {r.errors:>6} |"
        )
    total = sum(r.requests for r in results)
    errors = sum(r.errors for r in results)
    print(f"\n{total} requests, {errors} errors")


if __name__ == "__main__":
    main()

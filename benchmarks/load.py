"""Readers and writers at once: signed-in users reading pages while others write.

Run:  .venv/bin/python benchmarks/load.py [--database-url URL] [--seconds 30] [--readers 30]
                                          [--writers 5] [--workers 1]

Starts ``gaodi serve --workers N`` on a free loopback port (127.0.0.1 only) and drives three
phases of ``--seconds`` each (bounded: at most 120 s, 100 readers, 20 writers):

1. **baseline** — the readers on ``GET /api/v1/ping``, FastAPI's bare JSON answer on the same
   server (no database, no session, no template);
2. **readers** — each reader signed in as one of five accounts (administrator, analyst, viewer,
   chain office, park office; so the per-user caches are not one shared entry) and cycling over
   the overview ``/``, the board ``/plans`` and a chain page ``/chains/<id>``;
3. **readers + writers** — the same readers while each writer, signed in as its own analyst,
   switches its language (``POST /lang``, a committed write to its account) and signs in again
   every tenth request (a throttled password check and an audited log-in), as fast as the
   server answers them. A write error counts an HTTP status ≥ 400, 599 for no answer and 598
   for a sign-in that did not end signed in.

Every response is counted: 5xx, other non-2xx/3xx answers and transport errors separately. The
table gives requests per second, p50 and p95 latency and their ratio to the baseline. The
database is ``--database-url``, else a small demo city built into a temporary directory. The
load generator shares the machine's cores with the server. Results: docs/benchmarks/load.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import sys
import tempfile
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web_overview
from web_overview import dataset_size, run

PASSWORD = "bench-load-password-1"
READERS = (
    ("bench-r-admin", "admin", []),
    ("bench-r-analyst", "analyst", []),
    ("bench-r-viewer", "viewer", []),
    ("bench-r-chain", "chain_office", ["--chain", "{chain}"]),
    ("bench-r-park", "park_office", ["--park", "{park}"]),
)
MAX_SECONDS, MAX_READERS, MAX_WRITERS = 120.0, 100, 20


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    server_errors: int = 0
    other_errors: int = 0
    transport_errors: int = 0
    writes: int = 0
    write_errors: int = 0
    by_url: dict[str, list[float]] = field(default_factory=dict)
    write_statuses: dict[int, int] = field(default_factory=dict)
    transport_kinds: dict[str, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def prepare(url: str | None) -> tuple[dict[str, str], str, int, str]:
    """The database (built if not given), the bench accounts; env, label, a chain id, a park."""
    env = dict(os.environ)
    if url is None:
        tmp = Path(tempfile.mkdtemp(prefix="gaodi-bench-load-"))
        url = f"sqlite:///{tmp / 'bench.sqlite'}"
        env |= {"GAODI_DATA_DIR": str(tmp)}
        print(f"building a small demo city in {tmp} …", flush=True)
        env["GAODI_DATABASE_URL"] = url
        run(["db", "upgrade"], env)
        run(["demo", "build", "--size", "small"], env)
    env["GAODI_DATABASE_URL"] = url
    # every simulated user signs in from 127.0.0.1: the log-in throttle (5 free checks per name
    # and address, tested in tests/accounts) would slow the readers' first sign-ins and the
    # writers' repeated ones, which is not what this measures
    env.setdefault("GAODI_LOGIN_MAX_FAILURES", "10000")
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        chain_id, chain_code = conn.execute(text("SELECT id, code FROM chain ORDER BY id")).first()  # type: ignore[misc]
        park = conn.execute(text("SELECT name FROM park ORDER BY id")).scalars().first()
    engine.dispose()
    listing = run(["user", "list"], env)
    accounts = [(n, r, [a.format(chain=chain_code, park=park) for a in x]) for n, r, x in READERS]
    accounts += [(f"bench-w-{i}", "analyst", []) for i in range(MAX_WRITERS)]
    for name, role, extra in accounts:
        if name not in listing:
            run(["user", "add", name, "--role", role, *extra, "--password-stdin"], env, PASSWORD)
        run(["user", "unlock", name], env)
    return env, f"{dataset_size(url) or '?'} ({url.split('://', 1)[0]})", int(chain_id), park


def serving(env: dict[str, str], workers: int) -> AbstractContextManager[str]:
    """``gaodi serve --workers N`` on a free loopback port (web_overview's start-and-wait)."""
    return web_overview.serving(
        env,
        30,
        lambda port: [sys.executable, "-m", "gaodi", "serve", "--port", str(port),
                      "--workers", str(workers), "--log-level", "warning"],
    )  # fmt: skip


async def sign_in(client: httpx.AsyncClient, name: str) -> str:
    page = (await client.get("/login")).text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert token, "no CSRF token on the log-in page"
    r = await client.post(
        "/login", data={"username": name, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert r.status_code in (200, 303), (name, r.status_code)
    account = (await client.get("/account")).text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', account)
    assert csrf, f"{name} is not signed in"
    return csrf.group(1)


async def phase(
    base: str, name: str, urls: list[str], readers: int, writers: int, seconds: float
) -> Phase:
    result = Phase(name)
    names = itertools.cycle(n for n, _r, _x in READERS)
    clients = [httpx.AsyncClient(base_url=base, timeout=60) for _ in range(readers + writers)]
    try:
        reader_names = [next(names) for _ in range(readers)]
        await asyncio.gather(*(sign_in(c, n) for c, n in zip(clients, reader_names, strict=False)))
        tokens = await asyncio.gather(
            *(sign_in(clients[readers + i], f"bench-w-{i}") for i in range(writers))
        )
        stop = time.perf_counter() + seconds

        async def read(client: httpx.AsyncClient, offset: int) -> None:
            for url in itertools.islice(itertools.cycle(urls), offset, None):
                if time.perf_counter() >= stop:
                    return
                t0 = time.perf_counter()
                try:
                    r = await client.get(url)
                except httpx.TransportError as exc:
                    result.transport_errors += 1
                    name = type(exc).__name__
                    result.transport_kinds[name] = result.transport_kinds.get(name, 0) + 1
                    continue
                result.latencies.append(time.perf_counter() - t0)
                result.by_url.setdefault(url, []).append(result.latencies[-1])
                if r.status_code >= 500:
                    result.server_errors += 1
                elif r.status_code >= 400:
                    result.other_errors += 1

        async def write(client: httpx.AsyncClient, i: int, token: str) -> None:
            for n in itertools.count():
                if time.perf_counter() >= stop:
                    return
                try:
                    if n % 10 == 9:
                        # a fresh sign-in (a signed-in browser's /login just redirects home)
                        client.cookies.clear()
                        token = await sign_in(client, f"bench-w-{i}")
                        status = 200
                    else:
                        lang = "en" if n % 2 else "zh"
                        r = await client.post(
                            "/lang", data={"lang": lang, "next": "/account", "csrf_token": token}
                        )
                        status = r.status_code
                except httpx.TransportError:
                    status = 599  # no answer
                except AssertionError:
                    status = 598  # the sign-in did not end signed in
                result.writes += 1
                if status >= 400:
                    result.write_errors += 1
                    result.write_statuses[status] = result.write_statuses.get(status, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(
            *(read(clients[i], i) for i in range(readers)),
            *(write(clients[readers + i], i, tokens[i]) for i in range(writers)),
        )
        result.seconds = time.perf_counter() - t0
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--readers", type=int, default=30)
    parser.add_argument("--writers", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    seconds = min(args.seconds, MAX_SECONDS)
    readers = max(1, min(args.readers, MAX_READERS))
    writers = max(0, min(args.writers, MAX_WRITERS))

    env, label, chain_id, _park = prepare(args.database_url)
    pages = ["/", "/plans", f"/chains/{chain_id}"]
    with serving(env, args.workers) as base:
        for url in pages:  # warm the templates and caches once, not measured
            asyncio.run(phase(base, "warm-up", [url], 1, 0, 0.5))
        results = [
            asyncio.run(phase(base, "baseline: bare JSON", ["/api/v1/ping"], readers, 0, seconds)),
            asyncio.run(phase(base, "readers", pages, readers, 0, seconds)),
            asyncio.run(phase(base, "readers + writers", pages, readers, writers, seconds)),
        ]
    base_result = results[0]
    base_p95 = max(base_result.pct(0.95), 1e-9)
    print(
        f"\ndatabase: {label}; {readers} readers, {writers} writers, {seconds:g} s per phase; "
        f"gaodi serve --workers {args.workers}; load generator on the same {os.cpu_count()} cores"
    )
    print(f"reader pages: {', '.join(pages)}\n")
    print(
        "| phase | req/s | p50 ms | p95 ms | req/s vs baseline | p95 vs baseline "
        "| 5xx | other 4xx | transport errors | writes | write errors |"
    )
    print("|" + "---|" * 11)
    for r in results:
        print(
            f"| {r.name} | {r.rps:.0f} | {r.pct(0.5):.1f} | {r.pct(0.95):.1f} "
            f"| {r.rps / base_result.rps:.3f} | {r.pct(0.95) / base_p95:.1f} "
            f"| {r.server_errors} | {r.other_errors} | {r.transport_errors} | {r.writes} "
            f"| {r.write_errors} |"
        )
    print("\np95 by page (ms):")
    for r in results[1:]:
        parts = []
        for url, values in r.by_url.items():
            ordered = sorted(values)
            parts.append(
                f"{url} {ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000:.0f}"
            )
        errors = f"; write errors by status {r.write_statuses}" if r.write_statuses else ""
        errors += f"; transport errors {r.transport_kinds}" if r.transport_kinds else ""
        print(f"- {r.name}: " + ", ".join(parts) + errors)


if __name__ == "__main__":
    main()

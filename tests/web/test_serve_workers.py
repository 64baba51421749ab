"""``gaodi serve --workers 2`` as an operator runs it: two server processes behind one port, and
a signed-in user whose requests land on either keeps the session and its CSRF token, and a
log-out through one process ends the session in both (issue [16]).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gaodi.ui.web.auth import SESSION_SECONDS
from tests.web.helpers import csrf_of, login

PASSWORD = "workers-password-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _gaodi(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "gaodi", *args],
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
        timeout=120,
    )


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    env = {
        **os.environ,
        "GAODI_DATA_DIR": str(tmp_path),
        "GAODI_DATABASE_URL": f"sqlite:///{tmp_path / 'gaodi.sqlite'}",
    }
    env.pop("GAODI_SECRET_KEY", None)
    _gaodi(env, "db", "upgrade")
    _gaodi(env, "user", "add", "boss", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gaodi", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, "the server stopped while starting"
            time.sleep(0.3)
        else:
            pytest.fail("the server did not answer /healthz within 90 s")
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_two_workers_share_sessions(served) -> None:  # type: ignore[no-untyped-def]
    base, proc = served
    workers = [p for p in _children(proc.pid) if Path(f"/proc/{p}/cmdline").exists()]
    assert len(workers) >= 2, f"expected two worker processes under {proc.pid}: {workers}"
    # no keep-alive: every request is a new connection, accepted by whichever worker is free
    with httpx.Client(base_url=base, limits=httpx.Limits(max_keepalive_connections=0)) as c:
        csrf = login(c, "boss", PASSWORD)  # type: ignore[arg-type]
        for _ in range(20):
            page = c.get("/account", follow_redirects=False)
            assert page.status_code == 200 and csrf_of(page.text) == csrf
        stolen = dict(c.cookies)
        r = c.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303
    # the process that served the log-out refuses the old cookie at once; another one trusts a
    # session it checked for at most SESSION_SECONDS (docs/administration.md)
    time.sleep(SESSION_SECONDS)
    # log-out bumped the user's session version in the database: the old cookie is dead in
    # every process, not only in the one that served the log-out
    with httpx.Client(
        base_url=base, cookies=stolen, limits=httpx.Limits(max_keepalive_connections=0)
    ) as c:
        for _ in range(20):
            r = c.get("/account", follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"].startswith("/login")

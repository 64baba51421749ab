"""Honest health: ``/healthz`` says 503 with the reason when the database cannot take a write,
and a write refused by the database (read-only, disk full) is a clear 503, not a traceback."""

from __future__ import annotations

import shutil
import sqlite3
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from gaodi.db import _sqlite_pragmas
from gaodi.web.app import create_app
from tests.web.conftest import Site, make_site
from tests.web.helpers import csrf_of, login, post_form
from tests.web.seed import PASSWORD

CHALLENGE = {
    "title": "测试榜单",
    "problem": "关键技术问题",
    "budget": 100.0,
    "deadline": "2030-01-31",
}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    site = make_site(tmp_path)
    yield site
    site.engine.dispose()


def engine_on(site: Site, *, read_only: bool = False, max_pages: int | None = None) -> Engine:
    """Another engine on the site's file: opened read-only (as on a read-only mount), or with
    the file capped at its present size (as on a full disk)."""
    path = Path(str(site.engine.url.database))
    site.engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    url = f"sqlite:///file:{path}?mode=ro&uri=true" if read_only else f"sqlite:///{path}"
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    if max_pages is not None:

        def cap(dbapi_connection: Any, _record: Any) -> None:
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count={pages + max_pages}")

        event.listen(engine, "connect", cap)
    return engine


def signed_in(site: Site, engine: Engine, role: str = "admin") -> tuple[TestClient, str]:
    """A client of an app on ``engine``, carrying a session signed in on the writable site."""
    plain = site.client()
    login(plain, site.world.users[role], PASSWORD)
    client = TestClient(create_app(engine, site.settings), base_url="http://testserver")
    client.cookies.update(plain.cookies)
    return client, csrf_of(client.get("/account").text)


def test_healthz_is_ok_on_a_writable_database(site: Site) -> None:
    response = site.client().get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_a_read_only_database_is_reported_and_writes_answer_503(site: Site) -> None:
    engine = engine_on(site, read_only=True)
    try:
        client, csrf = signed_in(site, engine)
        health = client.get("/healthz")
        assert health.status_code == 503, health.text
        body = health.json()
        assert body["status"] == "database_read_only"
        assert "read-only" in body["reason"] and "只读" in body["reason_zh"]
        # Reading still works.
        assert client.get("/api/v1/challenges").status_code == 200
        challenge = {**CHALLENGE, "chain_id": site.world.ids["chain_a"]}
        api = client.post(
            "/api/v1/challenges",
            json=challenge,
            headers={"x-csrf-token": csrf, "accept-language": "en"},
        )
        assert api.status_code == 503, api.text
        assert api.json()["error"] == "database_read_only"
        assert "changes cannot be saved" in api.json()["message"]
        assert "数据库当前为只读" in api.json()["message_zh"]
        page = post_form(client, "/challenges", challenge, csrf, headers={"accept-language": "zh"})
        assert page.status_code == 503
        assert "数据库当前为只读，无法保存更改" in page.text
        assert "<title>数据库只读" in page.text and "服务器繁忙" not in page.text  # not "busy"
        assert "Traceback" not in page.text and "OperationalError" not in page.text
        # Signing in records the log-in: refused in words too.
        visitor = TestClient(create_app(engine, site.settings), base_url="http://testserver")
        token = csrf_of(visitor.get("/login").text)
        form = {"username": site.world.users["viewer"], "password": PASSWORD, "csrf_token": token}
        signin = visitor.post("/login", data=form, headers={"accept-language": "en"})
        assert signin.status_code == 503 and "The database is read-only" in signin.text
    finally:
        engine.dispose()
    # Nothing was written.
    with sqlite3.connect(str(site.engine.url.database)) as conn:
        assert conn.execute("SELECT count(*) FROM challenge").fetchone() == (0,)
    conn.close()


def test_a_full_disk_is_reported_and_writes_answer_503(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = engine_on(site, max_pages=2)
    try:
        client, csrf = signed_in(site, engine)
        assert client.get("/healthz").status_code == 200
        # A problem statement of half a megabyte needs more pages than the file may grow by.
        challenge = {**CHALLENGE, "chain_id": site.world.ids["chain_a"], "problem": "难" * 200_000}
        api = client.post(
            "/api/v1/challenges",
            json=challenge,
            headers={"x-csrf-token": csrf, "accept-language": "en"},
        )
        assert api.status_code == 503, api.text
        assert api.json()["error"] == "disk_full"
        assert "disk holding the database is full" in api.json()["message"]
        # The disk beside the file with 1 MiB left: the health check says so before writes fail.
        usage = namedtuple("usage", "total used free")
        monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(1 << 40, 1 << 40, 1 << 20))
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["status"] == "disk_full"
        assert "1024 KiB free" in health.json()["reason"]
    finally:
        engine.dispose()


def test_a_database_locked_by_another_writer_is_reported(site: Site) -> None:
    path = str(site.engine.url.database)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        health = site.client().get("/healthz")
        assert health.status_code == 503 and health.json()["status"] == "database_locked"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert site.client().get("/healthz").status_code == 200


@pytest.mark.postgres
def test_a_read_only_postgresql_database(postgres_url: str, tmp_path: Path) -> None:
    from sqlalchemy import text

    site = make_site(tmp_path, url=postgres_url)
    try:
        client = site.client()
        csrf = login(client, site.world.users["admin"], PASSWORD)
        assert client.get("/healthz").status_code == 200
        with site.engine.connect() as conn:
            name = site.engine.url.database
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
            conn.commit()
        site.engine.dispose()  # new sessions start read-only (as on a standby)
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["status"] == "database_read_only"
        challenge = {**CHALLENGE, "chain_id": site.world.ids["chain_a"]}
        api = client.post("/api/v1/challenges", json=challenge, headers={"x-csrf-token": csrf})
        assert api.status_code == 503 and api.json()["error"] == "database_read_only"
    finally:
        site.engine.dispose()

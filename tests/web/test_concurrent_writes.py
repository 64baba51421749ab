"""Two writes at once run one after the other: a request's check and its write are one step.

Office staff double-click, and two colleagues act on the same record: every state change checks
the state it changes (a submission still awaiting review, a user name not yet taken), and that
check only holds if no other write can slip in between it and the write. ``serialize_writes``
makes a session's transactions take the database's write lock first (SQLite: BEGIN IMMEDIATE;
PostgreSQL: an advisory lock), and every unsafe web request's session is serialised so.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import Engine, func, select

from gaodi.accounts import service as accounts
from gaodi.accounts.models import User
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from tests.browser.harness import serve
from tests.web.seed import PASSWORD, seed


def _users(engine: Engine) -> int:
    with session_scope(engine) as s:
        return int(s.scalar(select(func.count()).select_from(User)) or 0)


def test_a_serialised_transaction_reads_after_the_write_before_it(db: Engine) -> None:
    """B starts while A holds the lock between its read and its write: B's first read waits for
    A's commit and sees A's row (without the lock it read the count A had checked: both would
    pass a "not taken yet" check)."""
    before = _users(db)
    a_has_read = threading.Event()
    seen: dict[str, int] = {}

    def a() -> None:
        with session_scope(db, actor="a", serialized=True) as s:
            seen["a"] = int(s.scalar(select(func.count()).select_from(User)) or 0)
            a_has_read.set()
            time.sleep(0.4)  # B asks now, between A's check and A's write
            accounts.create_user(s, "race-a", "viewer", PASSWORD, principal=SYSTEM)

    def b() -> None:
        assert a_has_read.wait(10)
        with session_scope(db, actor="b", serialized=True) as s:
            seen["b"] = int(s.scalar(select(func.count()).select_from(User)) or 0)

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(a), pool.submit(b)]:
            future.result()
    assert seen == {"a": before, "b": before + 1}


def test_ten_identical_posts_at_once_make_one_user_and_nine_answers_in_words(
    tmp_path: Path, migrated_sqlite: Path
) -> None:
    """A double-click (here ten at once) on "create user": one user, the other nine told in words
    that the name is taken (409), none a 500 from the database's unique key."""
    import shutil

    from gaodi.db import make_engine

    shutil.copyfile(migrated_sqlite, tmp_path / "city.sqlite")
    engine = make_engine(f"sqlite:///{tmp_path / 'city.sqlite'}")
    try:
        world = seed(engine)
        with session_scope(engine, actor="test") as s:
            admin = accounts.get_user(s, world.users["admin"])
            _, token = accounts.create_token(s, admin, "race", principal=SYSTEM)
        before = _users(engine)
        with serve(engine, tmp_path, world, PASSWORD) as server:
            barrier = threading.Barrier(10)

            def post(_: int) -> httpx.Response:
                with httpx.Client(base_url=server.url, timeout=30) as client:
                    barrier.wait()
                    return client.post(
                        "/api/v1/admin/users",
                        json={
                            "username": "zhang.wei",
                            "role": "viewer",
                            "password": "Zhang-wei-2024",
                        },
                        headers={"Authorization": f"Bearer {token}"},
                    )

            with ThreadPoolExecutor(10) as pool:
                responses = list(pool.map(post, range(10)))
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [409] * 9, [r.text for r in responses]
        refusals = {r.json()["message"] for r in responses if r.status_code == 409}
        assert all("zhang.wei" in m for m in refusals), refusals  # the name that is taken
        assert _users(engine) == before + 1
    finally:
        engine.dispose()

"""人工指定 twice, or ten times at once (fifth audit M, finding 7): an enterprise already assigned
to a link by hand is answered "already" in words and nothing is written (no closed and reopened
rows, no history entries), so ten parallel clicks on a live server leave exactly one current
manual row, and the link page's enterprise count and its list agree. On the web tests' seeded
city (tests/web/seed.py: link a1 甲上游 of 测试链甲; E2 is not on it)."""

from __future__ import annotations

import html
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, select

from gaodi.audit.models import AuditEvent
from gaodi.db import make_engine, session_scope
from gaodi.models import EnterpriseLink
from tests.browser.harness import serve
from tests.web.helpers import login
from tests.web.seed import PASSWORD, seed


def _rows(engine, eid: int, lid: int) -> list[tuple[str, bool, bool]]:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        rows = s.execute(
            select(EnterpriseLink.source, EnterpriseLink.excluded, EnterpriseLink.valid_to)
            .where(EnterpriseLink.enterprise_id == eid, EnterpriseLink.link_id == lid)
            .order_by(EnterpriseLink.id)
        )
        return [(src, excl, to is None) for src, excl, to in rows]


def _events(engine) -> int:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.entity == "enterprise_link")
            )
            or 0
        )


def test_ten_parallel_manual_assignments_make_one_row_and_nine_answers(
    tmp_path: Path, migrated_sqlite: Path
) -> None:
    shutil.copyfile(migrated_sqlite, tmp_path / "city.sqlite")
    engine = make_engine(f"sqlite:///{tmp_path / 'city.sqlite'}")
    try:
        world = seed(engine)
        chain, link, e2 = world.ids["chain_a"], world.ids["a1"], world.ids["e2"]
        assert _rows(engine, e2, link) == []
        url = f"/chains/{chain}/links/{link}"
        with serve(engine, tmp_path, world, PASSWORD) as server:
            with httpx.Client(base_url=server.url, timeout=30) as admin:
                csrf = login(admin, world.users["admin"], PASSWORD)  # type: ignore[arg-type]
                cookies = dict(admin.cookies)
            barrier = threading.Barrier(10)

            def click(_: int) -> httpx.Response:
                # the same signed-in browser, ten clicks (a double-click, repeated)
                with httpx.Client(base_url=server.url, timeout=30, cookies=cookies) as c:
                    barrier.wait()
                    return c.post(
                        f"{url}/assign",
                        data={"enterprise": world.uscc["e2"], "note": "手工",
                              "csrf_token": csrf},
                    )  # fmt: skip

            with ThreadPoolExecutor(10) as pool:
                responses = list(pool.map(click, range(10)))
            statuses = sorted(r.status_code for r in responses)
            assert statuses == [303] + [422] * 9, [r.text[:300] for r in responses]
            refusals = [r.text for r in responses if r.status_code == 422]
            assert all("已是环节“甲上游”的人工指定企业" in t for t in refusals)
            assert all("本次未作更改" in t for t in refusals)
            # one current manual row, no closed ones, one audit entry (its creation)
            assert _rows(engine, e2, link) == [("manual", False, True)]
            events = _events(engine)

            # one at a time, the same again: answered, nothing written
            with httpx.Client(base_url=server.url, timeout=30, cookies=cookies) as c:
                c.headers["Accept-Language"] = "en"
                r = c.post(
                    f"{url}/assign",
                    data={"enterprise": world.uscc["e2"], "csrf_token": csrf},
                )
                assert r.status_code == 422
                assert "is already assigned to link '甲上游' by hand" in html.unescape(r.text)
                assert _rows(engine, e2, link) == [("manual", False, True)]
                assert _events(engine) == events
                # the link page's count and its list agree, the firm listed once
                page = c.get(f"/api/v1{url}").json()["detail"]
                ids = [a["enterprise_id"] for a in page["assignments"]]
                assert ids.count(e2) == 1
                assert page["link"]["enterprises"] == len(ids)
                # a new note is a new decision: recorded (the old row closed)
                r = c.post(
                    f"{url}/assign",
                    data={"enterprise": world.uscc["e2"], "note": "经核实", "csrf_token": csrf},
                )
                assert r.status_code == 303
                assert _rows(engine, e2, link) == [
                    ("manual", False, False),
                    ("manual", False, True),
                ]
    finally:
        engine.dispose()

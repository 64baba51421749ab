"""A chain proposal approved and rejected at the same moment (fifth audit M, finding 8): on a live
server, five approvals and five rejections posted together make one decision; the other nine are
refused (409) in words naming the decision the proposal keeps (批准/驳回, not a code), who made it
and when, and the proposal's row, its assignment and the audit log agree with it. On the web
tests' seeded city (tests/web/seed.py: link a1 甲上游 of 测试链甲; E2 is not on it)."""

from __future__ import annotations

import html
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import select

from gaodi.audit.models import AuditEvent
from gaodi.chains import proposals
from gaodi.chains.models import EnterpriseLink, LinkProposal
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope
from tests.browser.harness import serve
from tests.web.helpers import login
from tests.web.seed import PASSWORD, seed


def test_approve_and_reject_at_once_make_one_decision_and_nine_refusals_in_words(
    tmp_path: Path, migrated_sqlite: Path
) -> None:
    shutil.copyfile(migrated_sqlite, tmp_path / "city.sqlite")
    engine = make_engine(f"sqlite:///{tmp_path / 'city.sqlite'}")
    try:
        world = seed(engine)
        chain, link, e2 = world.ids["chain_a"], world.ids["a1"], world.ids["e2"]
        with session_scope(engine, actor="test") as s:
            pid = proposals.propose(s, SYSTEM, chain, link, world.uscc["e2"], "配套").id
        base = f"/chains/{chain}/links/{link}/proposals/{pid}"
        with serve(engine, tmp_path, world, PASSWORD) as server:
            signed: dict[str, tuple[dict[str, str], str]] = {}
            for role in ("admin", "analyst"):
                with httpx.Client(base_url=server.url, timeout=30) as c:
                    csrf = login(c, world.users[role], PASSWORD)  # type: ignore[arg-type]
                    signed[role] = (dict(c.cookies), csrf)
            barrier = threading.Barrier(10)

            def decide(i: int) -> tuple[str, httpx.Response]:
                role, verb = ("admin", "approve") if i % 2 == 0 else ("analyst", "reject")
                cookies, csrf = signed[role]
                with httpx.Client(base_url=server.url, timeout=30, cookies=cookies) as c:
                    barrier.wait()
                    return verb, c.post(f"{base}/{verb}", data={"csrf_token": csrf})

            with ThreadPoolExecutor(10) as pool:
                results = list(pool.map(decide, range(10)))
        statuses = sorted(r.status_code for _, r in results)
        assert statuses == [303] + [409] * 9, [html.unescape(r.text)[-600:] for _, r in results]
        (winner,) = [verb for verb, r in results if r.status_code == 303]
        with session_scope(engine) as s:
            row = s.get_one(LinkProposal, pid)
            final, by = row.status, row.decided_by
            events = list(
                s.scalars(
                    select(AuditEvent).where(
                        AuditEvent.entity == "link_proposal",
                        AuditEvent.entity_id == str(pid),
                        AuditEvent.action == "update",
                    )
                )
            )
            current = list(
                s.scalars(
                    select(EnterpriseLink).where(
                        EnterpriseLink.enterprise_id == e2,
                        EnterpriseLink.link_id == link,
                        EnterpriseLink.valid_to.is_(None),
                    )
                )
            )
        assert final == {"approve": "approved", "reject": "rejected"}[winner]
        assert by == world.users["admin" if winner == "approve" else "analyst"]
        # the audit has the one decision, the one the row keeps
        assert [e.after.get("status") for e in events] == [final]
        assert len(current) == (1 if final == "approved" else 0)
        word = {"approved": "批准", "rejected": "驳回"}[final]
        for _, r in results:
            if r.status_code == 409:
                text = html.unescape(r.text)
                assert f"提议 {pid} 已由 {by} 于 " in text and f" {word}，不能再处理" in text
                assert "（approved）" not in text and "（rejected）" not in text
    finally:
        engine.dispose()

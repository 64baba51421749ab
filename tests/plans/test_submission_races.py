"""Two reviewers at once, a double-click, Back and send again (fifth audit M, findings 1 and 2).

Every unsafe request runs under the database's write lock, so two decisions on one submission
run one after the other; the later one must then be refused in words naming who decided what
(409), leaving one decision in the history and a consistent row. A figure sent again as it is on
record writes nothing (no revision, no history step, no audit entry) and says so.

The small web world (tests/web/seed.py): 测试产值 (T_OUTPUT) has a city figure of 2023-06 and a
chain-B figure of 2023-12, neither with a submission row yet (as the demo's imported figures).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from gaodi.audit.models import AuditEvent
from gaodi.core.permissions import Principal
from gaodi.db import session_scope
from gaodi.plans import submission
from gaodi.plans.models import Observation, Submission, SubmissionEvent
from tests.browser.harness import LiveServer
from tests.web.conftest import Site
from tests.web.live import at_once as _at_once
from tests.web.live import live_site
from tests.web.live import page_text as _text
from tests.web.live import signed_in as _signed_in


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Site, LiveServer]]:
    with live_site(tmp_path) as running:
        yield running


def _post(server: LiveServer, who: tuple[httpx.Cookies, str], url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    cookies, csrf = who

    def call() -> httpx.Response:
        with httpx.Client(base_url=server.url, timeout=30, cookies=cookies) as client:
            return client.post(url, data={**data, "csrf_token": csrf})

    return call


def _events(site: Site, key: str) -> list[tuple[str, str, str, str]]:
    k = submission.parse_key(key)
    with session_scope(site.engine) as s:
        return [
            (e.actor, e.action, e.from_status, e.to_status)
            for e in s.scalars(
                select(SubmissionEvent)
                .join(Submission, Submission.id == SubmissionEvent.submission_id)
                .where(Submission.indicator_id == k.indicator_id, Submission.period == k.period)
                .where(Submission.scope == k.scope, Submission.scope_id == k.scope_id)
                .order_by(SubmissionEvent.id)
            )
        ]


def _row(site: Site, key: str) -> tuple[str, bool, str | None]:
    k = submission.parse_key(key)
    with session_scope(site.engine) as s:
        sub = s.scalars(
            select(Submission).where(
                Submission.indicator_id == k.indicator_id,
                Submission.scope == k.scope,
                Submission.scope_id == k.scope_id,
                Submission.period == k.period,
            )
        ).one()
        return sub.status, sub.locked, sub.reviewed_by


def _counts(site: Site) -> tuple[int, int, int, int]:
    with session_scope(site.engine) as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(select(func.count()).select_from(t)) or 0)
            for t in (Observation, Submission, SubmissionEvent, AuditEvent)
        )


def test_approve_and_return_at_once_one_decides_the_other_is_told_who(live) -> None:  # type: ignore[no-untyped-def]
    """The analyst approves and the administrator returns the same figure at the same moment,
    on a period with no submission row yet: one decision is kept, the other is refused (409)
    naming who decided what; no 500, and the row says what its one event says."""
    site, server = live
    world = site.world
    key = f"{world.ids['indicator']}:city:0:2023-06"
    analyst = _signed_in(server, world.users["analyst"])
    admin = _signed_in(server, world.users["admin"])
    responses = _at_once(
        [
            _post(server, analyst, f"/plans/submissions/{key}/approve", {"revision": "1"}),
            _post(
                server,
                admin,
                f"/plans/submissions/{key}/return",
                {"revision": "1", "comment": "与快报不符"},
            ),
        ]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [303, 409], [(r.status_code, _text(r.text)[-300:]) for r in responses]
    events = _events(site, key)
    assert len(events) == 1, events  # one decision, not two from the same "submitted"
    actor, action, before, after = events[0]
    assert before == "submitted"
    done = "审核通过" if action == "approve" else "退回"
    refused = next(r for r in responses if r.status_code == 409)
    assert f"该报送已被 {actor} {done}" in _text(refused.text)
    # the row agrees with its event: returned is never locked, approved always is
    assert _row(site, key) == (after, after == "approved", actor)


def test_ten_identical_approves_leave_one_approval(live) -> None:  # type: ignore[no-untyped-def]
    """A double-click (ten at once) on 审核通过: one approval, one event and one audit entry of
    the step; the nine others told in words (409) who approved it, in English when asked."""
    site, server = live
    world = site.world
    key = f"{world.ids['indicator']}:chain:{world.ids['chain_b']}:2023-12"
    admin = _signed_in(server, world.users["admin"])
    url = f"/plans/submissions/{key}/approve"
    responses = _at_once([_post(server, admin, url, {"revision": "1"}) for _ in range(10)])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [303] + [409] * 9, [_text(r.text)[-200:] for r in responses]
    name = world.users["admin"]
    for r in responses:
        if r.status_code == 409:
            assert f"该报送已被 {name} 审核通过" in _text(r.text)
    assert _events(site, key) == [(name, "approve", "submitted", "approved")]
    with session_scope(site.engine) as s:
        steps = s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.entity == "submission", AuditEvent.entity_id == key)
            .where(AuditEvent.action == "approve")
        )
    assert steps == 1
    assert _row(site, key) == ("approved", True, name)
    # one more, in English: the same refusal, said in English
    cookies, csrf = admin
    with httpx.Client(base_url=server.url, timeout=30, cookies=cookies) as client:
        r = client.post(
            url,
            data={"revision": "1", "csrf_token": csrf},
            headers={"Accept-Language": "en"},
        )
    assert r.status_code == 409
    assert f"already approved by {name}" in _text(r.text)


def test_a_return_writes_the_lock_it_leaves_even_if_it_read_it_open(live) -> None:  # type: ignore[no-untyped-def]
    """A decision writes the whole state, not only what changed from what it read: a return
    that read the row unlocked, written after an approval locked it, leaves it unlocked (the
    auditor saw 已退回 🔒, returned and locked)."""
    site, _server = live
    world = site.world
    key = submission.parse_key(f"{world.ids['indicator']}:city:0:2023-06")
    admin = Principal(world.users["admin"], "admin")
    analyst = Principal(world.users["analyst"], "analyst")
    with session_scope(site.engine) as a:
        # a real approval first creates the row; an unlock opens it again (returned, unlocked)
        submission.transition(a, analyst, key, "approve", None, 1)
    with session_scope(site.engine) as a:
        submission.transition(a, admin, key, "unlock", "更正")
    with session_scope(site.engine) as a:
        status, sub, obs = submission.current_state(a, key)
        assert (status, sub is not None and sub.locked) == ("returned", False)
    # the return's read (the row unlocked) is done; an approval locks the row meanwhile
    with session_scope(site.engine) as b:
        row = b.scalars(select(Submission).where(Submission.id == sub.id)).one()  # type: ignore[union-attr]
        row.status, row.locked = "approved", True
    with session_scope(site.engine) as a:
        a.add(sub)
        a.add(obs)
        submission.apply_transition(
            a, admin, key, submission.TRANSITIONS["return"], "submitted", sub, obs, "请核实"
        )
    assert _row(site, str(key)) == ("returned", False, world.users["admin"])

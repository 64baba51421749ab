"""A figure sent again as it is on record writes nothing (fifth audit M, finding 2).

Back and send again, or a double-click on 报送, used to write a new revision of the same figure
("第 3 版"), which turned a reviewer's open page stale and listed the figure twice in the
submission's history (and, ten at once, eight 500s from the revision's unique key). The Excel
import already counts an equal value as 未变; the form, its JSON twin and the CLI now answer that
the value is unchanged and write no revision, no history step and no audit entry. A returned
figure sent again unchanged is a real resubmission (the owner stands by it) and is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from gaodi.audit.models import AuditEvent
from gaodi.db import session_scope
from gaodi.plans.models import Observation, SubmissionEvent
from tests.browser.harness import LiveServer
from tests.plans.test_submission_races import _at_once, _post, _signed_in, _text
from tests.web.conftest import Site
from tests.web.live import live_site

FORM = {
    "indicator": "T_OUTPUT",
    "period": "2023-07",
    "value": "41",
    "scope": "city",
    "scope_id": "0",
    "confirm": "true",
    "reason": "核对无误",
}


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Site, LiveServer]]:
    with live_site(tmp_path) as running:
        yield running


def _written(site: Site) -> tuple[int, int, int, list[int]]:
    """Observations, submission events, audit entries, and the revisions of 2023-07."""
    with session_scope(site.engine) as s:
        count = [
            int(s.scalar(select(func.count()).select_from(t)) or 0)
            for t in (Observation, SubmissionEvent, AuditEvent)
        ]
        revisions = list(
            s.scalars(
                select(Observation.revision)
                .where(Observation.period == "2023-07", Observation.scope == "city")
                .order_by(Observation.revision)
            )
        )
    return count[0], count[1], count[2], revisions


def _flash(html: str) -> tuple[str, str]:
    found = re.search(r'<div class="flash flash-(\w+)" role="status">(.*?)</div>', html, re.S)
    assert found is not None, "no message on the page"
    return found.group(1), _text(found.group(2)).strip()


def test_the_same_value_sent_again_writes_nothing_and_says_so(live) -> None:  # type: ignore[no-untyped-def]
    site, server = live
    cookies, csrf = _signed_in(server, site.world.users["analyst"])
    with httpx.Client(base_url=server.url, timeout=30, cookies=cookies) as client:
        r = client.post("/plans/entry", data={**FORM, "csrf_token": csrf})
        assert r.status_code == 303, _text(r.text)[-300:]
        kind, message = _flash(client.get("/plans/entry").text)
        assert kind == "success" and "第 1 版" in message, message
        before = _written(site)
        assert before[3] == [1]

        # Back, and send the same again: nothing written, told as information
        r = client.post("/plans/entry", data={**FORM, "csrf_token": csrf})
        assert r.status_code == 303
        kind, message = _flash(client.get("/plans/entry").text)
        assert kind == "info", message
        assert "测试产值 2023-07" in message and "41" in message and "第 1 版" in message
        assert "数值未变化" in message and "第 2 版" not in message
        assert _written(site) == before

        # the JSON twin: 409 in words, flagged unchanged, in English when asked
        body = {k: v for k, v in FORM.items() if k not in ("confirm", "reason", "scope_id")}
        api = {**body, "value": 41, "confirm": True, "reason": "核对无误"}
        headers = {"X-CSRF-Token": csrf}
        r = client.post("/api/v1/plans/observations", json=api, headers=headers)
        assert r.status_code == 409, r.text
        assert "数值未变化" in r.json()["message_zh"]
        assert r.json()["context"]["unchanged"] is True
        r = client.post(
            "/api/v1/plans/observations", json=api, headers={**headers, "Accept-Language": "en"}
        )
        assert r.status_code == 409 and "unchanged" in r.json()["message"]
        assert _written(site) == before

        # a new value is a new revision, as ever
        r = client.post("/plans/entry", data={**FORM, "value": "42", "csrf_token": csrf})
        assert r.status_code == 303
        assert _written(site)[3] == [1, 2]


def test_a_returned_figure_sent_again_unchanged_is_resubmitted(live) -> None:  # type: ignore[no-untyped-def]
    site, server = live
    cookies, csrf = _signed_in(server, site.world.users["analyst"])
    admin_cookies, admin_csrf = _signed_in(server, site.world.users["admin"])
    with httpx.Client(base_url=server.url, timeout=30, cookies=cookies) as client:
        assert client.post("/plans/entry", data={**FORM, "csrf_token": csrf}).status_code == 303
    key = f"{site.world.ids['indicator']}:city:0:2023-07"
    with httpx.Client(base_url=server.url, timeout=30, cookies=admin_cookies) as admin:
        r = admin.post(
            f"/plans/submissions/{key}/return",
            data={"revision": "1", "comment": "请核实", "csrf_token": admin_csrf},
        )
        assert r.status_code == 303
    with httpx.Client(base_url=server.url, timeout=30, cookies=cookies) as client:
        assert client.post("/plans/entry", data={**FORM, "csrf_token": csrf}).status_code == 303
        kind, message = _flash(client.get("/plans/entry").text)
    assert kind == "success" and "第 2 版" in message
    assert _written(site)[3] == [1, 2]


def test_ten_identical_submits_at_once_write_one_revision(live) -> None:  # type: ignore[no-untyped-def]
    """A double-click (ten at once) on 报送: one revision, one history step, the others told
    that the value is unchanged; never a 500 from the revision's unique key."""
    site, server = live
    before = _written(site)
    analyst = _signed_in(server, site.world.users["analyst"])
    responses = _at_once([_post(server, analyst, "/plans/entry", FORM) for _ in range(10)])
    assert [r.status_code for r in responses] == [303] * 10, [
        _text(r.text)[-200:] for r in responses if r.status_code != 303
    ]
    after = _written(site)
    assert after[3] == [1]
    assert after[0] == before[0] + 1 and after[1] == before[1] + 1

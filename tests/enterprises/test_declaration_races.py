"""申报 (tier declarations) with two people at once (fifth audit M, findings 3 and 4).

- A reviewer's page names the version it shows; approving or returning a declaration changed
  since (returned, changed, submitted again) is refused in words naming what changed, so the
  bureau never stores values its reviewer did not see.
- One open declaration per enterprise and year: ten "open a declaration" at once make one, and
  the nine others are pointed to it (never a 500, never a second one).

The small web world (tests/web/seed.py): t-enterprise declares for E1, t-park_office (park A,
which holds E1) reviews, t-admin too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from gaodi.db import session_scope
from gaodi.enterprises.models import TierDeclaration, TierFact
from tests.browser.harness import LiveServer
from tests.plans.test_submission_races import _at_once, _signed_in, _text
from tests.web.conftest import Site
from tests.web.live import live_site


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Site, LiveServer]]:
    with live_site(tmp_path) as running:
        yield running


class Browser:
    """One signed-in user posting the declaration forms."""

    def __init__(self, server: LiveServer, username: str) -> None:
        self.cookies, self.csrf = _signed_in(server, username)
        self.client = httpx.Client(base_url=server.url, timeout=30, cookies=self.cookies)

    def post(self, url: str, **data: str) -> httpx.Response:
        return self.client.post(url, data={**data, "csrf_token": self.csrf})

    def api(self, url: str, body: dict[str, object], lang: str = "zh") -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf, "Accept-Language": lang}
        return self.client.post(url, json=body, headers=headers)


def _version(html: str) -> str:
    form = re.search(r'data-testid="step-approve".*?</form>', html, re.S)
    assert form is not None, "no approve form"
    found = re.search(r'name="version" value="(\d+)"', form.group(0))
    assert found is not None, "the approve form names no version"
    return found.group(1)


def _flash(html: str) -> str:
    found = re.search(r'<div class="flash flash-\w+" role="status">(.*?)</div>', html, re.S)
    assert found is not None, "no message on the page"
    return _text(found.group(1)).strip()


def _state(site: Site, did: int) -> tuple[str, float | None]:
    with session_scope(site.engine) as s:
        decl = s.get(TierDeclaration, did)
        assert decl is not None
        fact = s.scalar(
            select(TierFact.value).where(
                TierFact.enterprise_id == decl.enterprise_id,
                TierFact.year == decl.year,
                TierFact.field == "rd_staff_share",
            )
        )
        return decl.status, fact


def test_an_approval_from_a_page_shown_before_a_change_is_refused(live) -> None:  # type: ignore[no-untyped-def]
    site, server = live
    world = site.world
    firm = Browser(server, world.users["enterprise"])
    office = Browser(server, world.users["park_office"])
    admin = Browser(server, world.users["admin"])
    r = firm.post("/declarations", year="2022", enterprise_id=str(world.ids["e1"]))
    assert r.status_code == 303
    did = int(r.headers["location"].rsplit("/", 1)[1])
    url = f"/declarations/{did}/act"
    assert firm.post(url, action="save", rd_staff_share="0.1").status_code == 303
    assert firm.post(url, action="submit").status_code == 303

    # the administrator opens the page (0.1) ...
    seen = _version(admin.client.get(f"/declarations/{did}").text)
    # ... meanwhile the park office returns it, and the firm changes the value and submits
    fresh = _version(office.client.get(f"/declarations/{did}").text)
    r = office.post(url, action="return", comment="研发人员占比请附花名册", version=fresh)
    assert r.status_code == 303 and _state(site, did) == ("returned", None)
    assert firm.post(url, action="save", rd_staff_share="0.3").status_code == 303
    assert firm.post(url, action="submit").status_code == 303

    # approving from the old page: refused in words, naming what changed; nothing stored
    r = admin.post(url, action="approve", version=seen)
    assert r.status_code == 303
    message = _flash(admin.client.get(r.headers["location"]).text)
    assert "申报已被修改" in message and "请重新审核" in message, message
    assert "研发人员占全部职工比重 0.1 → 0.3" in message and "退回" in message, message
    assert _state(site, did) == ("submitted", None)
    # the return from the old page likewise; the JSON twin answers 409, in English when asked
    r = admin.post(url, action="return", comment="请核实", version=seen)
    assert "申报已被修改" in _flash(admin.client.get(r.headers["location"]).text)
    r = admin.api(f"/api/v1{url}", {"action": "approve", "version": int(seen)})
    assert r.status_code == 409 and "申报已被修改" in r.json()["message_zh"]
    r = admin.api(f"/api/v1{url}", {"action": "approve", "version": int(seen)}, lang="en")
    assert r.status_code == 409
    assert "changed" in r.json()["message"] and "0.1 → 0.3" in r.json()["message"]
    # the form names its version; one without it is refused in words (a page from before)
    r = admin.post(url, action="approve")
    assert r.status_code == 422 and "版本" in _text(r.text)
    assert _state(site, did) == ("submitted", None)

    # the page shown again names the new version, and approving it stores what it shows
    page = admin.client.get(f"/declarations/{did}").text
    assert _version(page) != seen
    r = admin.post(url, action="approve", version=_version(page))
    assert r.status_code == 303
    assert _state(site, did) == ("approved", 0.3)


def _open(site: Site, enterprise_id: int, year: int) -> list[int]:
    with session_scope(site.engine) as s:
        return list(
            s.scalars(
                select(TierDeclaration.id).where(
                    TierDeclaration.enterprise_id == enterprise_id,
                    TierDeclaration.year == year,
                    TierDeclaration.status.in_(("draft", "submitted", "returned")),
                )
            )
        )


def _count(site: Site, enterprise_id: int) -> int:
    with session_scope(site.engine) as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(TierDeclaration)
                .where(TierDeclaration.enterprise_id == enterprise_id)
            )
            or 0
        )


def test_ten_creates_at_once_open_one_declaration(live) -> None:  # type: ignore[no-untyped-def]
    """A double-click (ten at once) on "open a declaration": one declaration, and all ten
    answers lead to it; through the JSON API one 201 and nine 409s naming it."""
    site, server = live
    world = site.world
    e1 = world.ids["e1"]
    firm = Browser(server, world.users["enterprise"])
    before = _count(site, e1)

    def create() -> httpx.Response:
        with httpx.Client(base_url=server.url, timeout=30, cookies=firm.cookies) as client:
            data = {"year": "2022", "enterprise_id": str(e1), "csrf_token": firm.csrf}
            return client.post("/declarations", data=data)

    responses = _at_once([create for _ in range(10)])
    assert [r.status_code for r in responses] == [303] * 10, [
        _text(r.text)[-200:] for r in responses if r.status_code != 303
    ]
    opened = _open(site, e1, 2022)
    assert len(opened) == 1
    assert {r.headers["location"] for r in responses} == {f"/declarations/{opened[0]}"}
    # what each of the nine was told, on the page it was led to: the declaration already open
    r = firm.post("/declarations", year="2022", enterprise_id=str(e1))
    assert r.status_code == 303 and r.headers["location"] == f"/declarations/{opened[0]}"
    assert f"编号 {opened[0]}" in _flash(firm.client.get(r.headers["location"]).text)

    def create_api() -> httpx.Response:
        with httpx.Client(base_url=server.url, timeout=30, cookies=firm.cookies) as client:
            return client.post(
                "/api/v1/declarations",
                json={"enterprise_id": e1, "year": 2021},
                headers={"X-CSRF-Token": firm.csrf},
            )

    responses = _at_once([create_api for _ in range(10)])
    assert sorted(r.status_code for r in responses) == [201] + [409] * 9
    opened = _open(site, e1, 2021)
    assert len(opened) == 1
    for r in responses:
        if r.status_code == 409:
            assert r.json()["context"]["declaration_id"] == opened[0]
            assert f"编号 {opened[0]}" in r.json()["message_zh"]
    assert _count(site, e1) == before + 2  # one for 2022, one for 2021


def test_approve_and_return_at_once_one_decides_the_other_is_told_who(live) -> None:  # type: ignore[no-untyped-def]
    """The park office approves and the administrator returns the same declaration at once:
    one decision stands, the other is told whose (in words), and the history has one."""
    site, server = live
    world = site.world
    firm = Browser(server, world.users["enterprise"])
    office = Browser(server, world.users["park_office"])
    admin = Browser(server, world.users["admin"])
    r = firm.post("/declarations", year="2022", enterprise_id=str(world.ids["e1"]))
    did = int(r.headers["location"].rsplit("/", 1)[1])
    url = f"/declarations/{did}/act"
    assert firm.post(url, action="save", rd_staff_share="0.1").status_code == 303
    assert firm.post(url, action="submit").status_code == 303
    seen = _version(admin.client.get(f"/declarations/{did}").text)

    pages: dict[str, str] = {}  # the page each was led to, with the answer it was given

    def step(who: Browser, data: dict[str, str]):  # type: ignore[no-untyped-def]
        def call() -> httpx.Response:
            with httpx.Client(base_url=server.url, timeout=30, cookies=who.cookies) as client:
                r = client.post(url, data={**data, "version": seen, "csrf_token": who.csrf})
                pages[data["action"]] = client.get(r.headers["location"]).text
                return r

        return call

    responses = _at_once(
        [
            step(office, {"action": "approve"}),
            step(admin, {"action": "return", "comment": "请附花名册"}),
        ]
    )
    assert [r.status_code for r in responses] == [303, 303]
    with session_scope(site.engine) as s:
        from gaodi.enterprises.models import TierDeclarationEvent

        decisions = list(
            s.execute(
                select(TierDeclarationEvent.actor, TierDeclarationEvent.action).where(
                    TierDeclarationEvent.declaration_id == did,
                    TierDeclarationEvent.action.in_(("approve", "return")),
                )
            )
        )
    assert len(decisions) == 1, decisions
    actor, action = decisions[0]
    message = _flash(pages["return" if action == "approve" else "approve"])
    done = "审核通过" if action == "approve" else "退回"
    assert f"该申报已被 {actor} {done}" in message, message
    assert _state(site, did)[0] == ("approved" if action == "approve" else "returned")

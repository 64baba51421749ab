"""Writes are scoped like reads (issue 12, item 2): a scoped role's write that targets or refers
to a row outside its scope answers exactly as a missing id would and changes nothing; a chain
office adds a firm to its link only through a proposal the bureau approves.

The seeded city (tests/web/seed.py): chain office = chain A (E1 on a1, E4 on a2); park office =
park A (E1, E3); E2 is in park B on chain B, outside every scoped role's scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gaodi.chains.models import EnterpriseLink, LinkProposal
from gaodi.db import session_scope
from gaodi.projects.models import Appeal
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

MISSING_USCC = "91430100MA4L00000F"  # well-formed, in no database


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    site = make_site(tmp_path)
    yield site
    site.engine.dispose()


def client(site: Site, role: str) -> TestClient:
    c = site.client()
    c.headers["X-CSRF-Token"] = login(c, site.world.users[role], PASSWORD)
    return c


def count(site: Site, model: type) -> int:
    with session_scope(site.engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def answer(response: Any) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body.get("message_zh", ""), body.get("message_en", "")


def test_assign_outside_the_scope_answers_as_a_missing_enterprise(site: Site) -> None:
    w = site.world
    c = client(site, "chain_office")
    url = f"/api/v1/chains/{w.ids['chain_a']}/links/{w.ids['a1']}/assign"
    before = count(site, EnterpriseLink)
    missing = c.post(url, json={"enterprise": MISSING_USCC})
    for ent in ("e2", "e3"):  # off the chain: the old code attached them
        outside = c.post(url, json={"enterprise": w.uscc[ent]})
        assert answer(outside) == answer(missing)
        assert outside.status_code == 404
        assert w.names[ent] not in outside.text
    unassign = c.post(url.replace("/assign", "/unassign"), json={"enterprise": w.uscc["e2"]})
    assert answer(unassign) == answer(missing)  # the old code answered 409 naming E2
    assert count(site, EnterpriseLink) == before
    # in scope: E4 (on a2) may be put on a1 too
    ok = c.post(url, json={"enterprise": w.uscc["e4"]})
    assert ok.status_code == 201, ok.text


def test_a_proposal_widens_nothing_until_the_bureau_approves(site: Site) -> None:
    w = site.world
    office = client(site, "chain_office")
    e2 = f"/api/v1/enterprises/{w.ids['e2']}"
    assert office.get(e2).status_code == 404
    # the directory names the firm (who and where), never its figures
    found = office.get(f"/api/v1/chains/{w.ids['chain_a']}/directory", params={"q": "贝塔"})
    assert found.status_code == 200
    entries = found.json()["entries"]
    assert [e["uscc"] for e in entries] == [w.uscc["e2"]]
    assert set(entries[0]) == {
        "name", "uscc", "industry_code", "industry_name", "park", "region_code", "region",
        "pending",
    }  # fmt: skip
    url = f"/api/v1/chains/{w.ids['chain_a']}/links/{w.ids['a1']}/proposals"
    proposed = office.post(url, json={"enterprise": w.uscc["e2"], "note": "配套"})
    assert proposed.status_code == 201, proposed.text
    pid = proposed.json()["id"]
    assert proposed.json()["status"] == "pending"
    assert office.get(e2).status_code == 404  # pending: still not readable
    # the office cannot approve its own proposal; a viewer neither
    assert office.post(f"/api/v1/chain-proposals/{pid}/approve", json={}).status_code == 403
    viewer = client(site, "viewer")
    assert viewer.post(f"/api/v1/chain-proposals/{pid}/approve", json={}).status_code == 403
    analyst = client(site, "analyst")
    approved = analyst.post(f"/api/v1/chain-proposals/{pid}/approve", json={})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert office.get(e2).status_code == 200  # now on chain A's link a1
    again = analyst.post(f"/api/v1/chain-proposals/{pid}/approve", json={})
    assert again.status_code == 409


def test_a_rejected_proposal_changes_nothing(site: Site) -> None:
    w = site.world
    office = client(site, "chain_office")
    url = f"/api/v1/chains/{w.ids['chain_a']}/links/{w.ids['a1']}/proposals"
    pid = office.post(url, json={"enterprise": w.uscc["e3"]}).json()["id"]
    before = count(site, EnterpriseLink)
    admin = client(site, "admin")
    rejected = admin.post(f"/api/v1/chain-proposals/{pid}/reject", json={"note": "不属于"})
    assert rejected.json()["status"] == "rejected"
    assert count(site, EnterpriseLink) == before
    assert office.get(f"/api/v1/enterprises/{w.ids['e3']}").status_code == 404
    with session_scope(site.engine) as s:
        row = s.get(LinkProposal, pid)
        assert row is not None and row.decided_by == w.users["admin"]


@pytest.mark.parametrize("role", ["chain_office", "park_office", "enterprise"])
def test_an_appeal_for_an_enterprise_outside_the_scope_is_a_missing_one(
    site: Site, role: str
) -> None:
    w = site.world
    c = client(site, role)
    body = {"category": "其他", "title": "测试越权诉求", "text": "x"}
    before = count(site, Appeal)
    missing = c.post("/api/v1/appeals", json={**body, "enterprise_id": 987654})
    # the chain office names its own chain: the old code then took any enterprise
    extra = {"chain_id": w.ids["chain_a"]} if role == "chain_office" else {}
    outside = c.post("/api/v1/appeals", json={**body, **extra, "enterprise_id": w.ids["e2"]})
    assert outside.status_code == 404
    assert answer(outside) == answer(missing)
    assert w.names["e2"] not in outside.text and "乙园区" not in outside.text
    assert count(site, Appeal) == before
    ok = c.post("/api/v1/appeals", json={**body, "enterprise_id": w.ids["e1"]})
    assert ok.status_code == 201, ok.text

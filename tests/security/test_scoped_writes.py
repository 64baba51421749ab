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

from gaodi.accounts.models import User
from gaodi.chains import remap
from gaodi.chains.models import EnterpriseLink, Link, LinkProposal
from gaodi.core.errors import ImportRejected
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.enterprises.models import Enterprise
from gaodi.exchange.service import import_file
from gaodi.projects.models import Appeal
from gaodi.regions.models import IndustryCode
from tests.exchange.helpers import write_xlsx
from tests.web.conftest import Site, make_site
from tests.web.helpers import login, post_form
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


def current_on(site: Site, ent: str, link: str) -> list[tuple[str, bool]]:
    """The pair's current rows as (source, excluded)."""
    w = site.world
    with session_scope(site.engine) as s:
        rows = s.scalars(
            select(EnterpriseLink).where(
                EnterpriseLink.enterprise_id == w.ids[ent],
                EnterpriseLink.link_id == w.ids[link],
                EnterpriseLink.valid_to.is_(None),
            )
        ).all()
        return [(r.source, r.excluded) for r in rows]


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


# ------------------------------------------------------------- a link's matching rule
# The bureau's routine `gaodi chains map` attaches every firm a link's rule matches (a 4-digit
# industry code alone: confidence 0.7 >= the 0.5 threshold, analytics/rules/chains/default.yaml),
# so a rule the office widens reaches the firms a proposal would need the bureau's approval for.
E2_CODE = "3985"  # 电子元件及电子专用材料制造: E2's, shared by no other firm of the seed


def _code_e2(site: Site) -> None:
    with session_scope(site.engine, actor="bureau") as s:
        if s.get(IndustryCode, E2_CODE) is None:
            s.add(IndustryCode(code=E2_CODE, name="电子元件及电子专用材料制造", level="class"))
            s.flush()
        firm = s.get(Enterprise, site.world.ids["e2"])
        assert firm is not None
        firm.industry_code = E2_CODE


def _bureau_maps(site: Site) -> None:
    with session_scope(site.engine, actor="bureau") as s:
        remap.map_chains(s, SYSTEM)


def test_a_chain_office_cannot_widen_a_link_rule_to_reach_firms_outside_its_chain(
    site: Site,
) -> None:
    w = site.world
    _code_e2(site)
    office = client(site, "chain_office")
    e2 = f"/api/v1/enterprises/{w.ids['e2']}"
    assert office.get(e2).status_code == 404
    links = count(site, Link)
    created = office.post(
        f"/api/v1/chains/{w.ids['chain_a']}/links",
        json={"name": "电子元件", "segment": "up", "industry_codes": [E2_CODE]},
    )
    assert created.status_code == 403, created.text
    assert created.json()["context"]["field"] == "industry_codes"
    # the chain page's add-link form: the same refusal, beside the form
    form = post_form(
        office,
        f"/chains/{w.ids['chain_a']}/links",
        {"name": "电子元件", "segment": "up", "industry_codes": E2_CODE},
        office.headers["X-CSRF-Token"],
    )
    assert form.status_code == 422 and "须由工信局管理员修改" in form.text
    assert count(site, Link) == links
    a1 = f"/api/v1/chains/{w.ids['chain_a']}/links/{w.ids['a1']}"
    for body in (
        {"name": "甲上游", "segment": "up", "industry_codes": [E2_CODE]},
        {"name": "甲上游", "segment": "up", "keywords": ["贝塔材料"]},
    ):
        refused = office.put(a1, json=body)
        assert refused.status_code == 403, refused.text
    _bureau_maps(site)
    assert office.get(e2).status_code == 404  # the old code: 200, E2's revenue and tax
    # the bureau may set the rule; the office then reads the firms it brings, as approved
    admin = client(site, "admin")
    assert (
        admin.put(
            a1, json={"name": "甲上游", "segment": "up", "industry_codes": [E2_CODE]}
        ).status_code
        == 200
    )
    _bureau_maps(site)
    assert office.get(e2).status_code == 200


def test_a_chain_office_may_still_narrow_its_links_rules(site: Site) -> None:
    w = site.world
    admin, office = client(site, "admin"), client(site, "chain_office")
    a1 = f"/api/v1/chains/{w.ids['chain_a']}/links/{w.ids['a1']}"
    rule = {"name": "甲上游", "segment": "up", "industry_codes": ["3411", "3412"],
            "keywords": ["锅炉", "汽轮机"], "exclude_keywords": ["维修"]}  # fmt: skip
    assert admin.put(a1, json=rule).status_code == 200
    assert office.put(a1, json={**rule, "name": "甲上游（改名）"}).status_code == 200
    narrower = {**rule, "industry_codes": ["3411"], "keywords": ["锅炉"],
                "exclude_keywords": ["维修", "贸易"]}  # fmt: skip
    assert office.put(a1, json=narrower).status_code == 200, "narrowing is the office's call"
    # an exclusion taken off widens the rule again
    assert office.put(a1, json={**narrower, "exclude_keywords": ["贸易"]}).status_code == 403
    detail = office.get(a1).json()["detail"]
    assert (detail["industry_codes"], detail["keywords"], detail["exclude_keywords"]) == (
        ["3411"], ["锅炉"], ["维修", "贸易"],
    )  # fmt: skip


def test_the_office_cannot_widen_a_rule_through_the_links_sheet(site: Site, tmp_path: Path) -> None:
    w = site.world
    _code_e2(site)
    header = [
        "产业链代码",
        "环节代码",
        "上级环节代码",
        "环节名称",
        "上中下游",
        "行业代码",
        "关键词",
    ]
    path = write_xlsx(
        tmp_path / "links.xlsx",
        {"产业链环节 links": [header, ["CA", "a9", "", "电子元件", "上游", E2_CODE, ""]]},
    )
    with session_scope(site.engine) as s:
        user = s.scalars(select(User).where(User.username == w.users["chain_office"])).one()
        office = Principal.from_user(user)
    with pytest.raises(ImportRejected) as refused:
        import_file(site.engine, "links", path, office)
    assert [e.column for e in refused.value.errors] == ["行业代码"], refused.value.errors
    _bureau_maps(site)
    assert client(site, "chain_office").get(f"/api/v1/enterprises/{w.ids['e2']}").status_code == 404


# ------------------------------------------------------------- releasing a manual row
# "Let the rule decide" closes the pair's manual row. Releasing an exclusion lets the next
# `gaodi chains map` bring the firm back onto the link: it widens the chain like a wider rule,
# so it is the bureau's; releasing a manual attachment leaves the firm to the rule (narrower or
# the same) and stays the office's.


def test_a_chain_office_cannot_release_the_bureaus_exclusion(site: Site) -> None:
    w = site.world
    _code_e2(site)
    admin, office = client(site, "admin"), client(site, "chain_office")
    a1 = f"/api/v1/chains/{w.ids['chain_a']}/links/{w.ids['a1']}"
    rule = {"name": "甲上游", "segment": "up", "industry_codes": [E2_CODE]}
    assert admin.put(a1, json=rule).status_code == 200
    _bureau_maps(site)
    e2 = f"/api/v1/enterprises/{w.ids['e2']}"
    assert office.get(e2).status_code == 200  # on a1 by the bureau's rule
    taken_off = admin.post(f"{a1}/unassign", json={"enterprise": w.uscc["e2"]})
    assert taken_off.status_code == 201, taken_off.text
    assert office.get(e2).status_code == 404  # the bureau took it off chain A
    release = f"/chains/{w.ids['chain_a']}/links/{w.ids['a1']}/release"
    refused = post_form(
        office, release, {"enterprise": w.uscc["e2"]}, office.headers["X-CSRF-Token"]
    )
    # the old code: 303 "the rule decides at the next mapping", and the map put E2 back
    assert refused.status_code == 422, refused.text
    assert "工信局管理员" in refused.text
    _bureau_maps(site)
    assert office.get(e2).status_code == 404
    assert current_on(site, "e2", "a1") == [("manual", True)]
    # the bureau may let the rule decide again
    released = post_form(
        admin, release, {"enterprise": w.uscc["e2"]}, admin.headers["X-CSRF-Token"]
    )
    assert released.status_code == 303, released.text
    _bureau_maps(site)
    assert office.get(e2).status_code == 200


def test_a_chain_office_may_release_its_manual_attachment(site: Site) -> None:
    w = site.world
    office = client(site, "chain_office")
    a1 = f"/api/v1/chains/{w.ids['chain_a']}/links/{w.ids['a1']}"
    assert office.post(f"{a1}/assign", json={"enterprise": w.uscc["e4"]}).status_code == 201
    released = post_form(
        office,
        f"/chains/{w.ids['chain_a']}/links/{w.ids['a1']}/release",
        {"enterprise": w.uscc["e4"]},
        office.headers["X-CSRF-Token"],
    )
    assert released.status_code == 303, released.text
    with session_scope(site.engine) as s:
        manual = s.scalars(
            select(EnterpriseLink).where(
                EnterpriseLink.enterprise_id == w.ids["e4"],
                EnterpriseLink.source == "manual",
                EnterpriseLink.valid_to.is_(None),
            )
        ).all()
        assert manual == []


def test_an_exclusion_of_a_firm_on_the_chain_is_the_bureaus_to_release(site: Site) -> None:
    w = site.world
    admin, office = client(site, "admin"), client(site, "chain_office")
    a1 = f"/api/v1/chains/{w.ids['chain_a']}/links/{w.ids['a1']}"
    assert admin.post(f"{a1}/assign", json={"enterprise": w.uscc["e4"]}).status_code == 201
    assert admin.post(f"{a1}/unassign", json={"enterprise": w.uscc["e4"]}).status_code == 201
    page = f"/chains/{w.ids['chain_a']}/links/{w.ids['a1']}"
    release = f"{page}/release"
    # E4 stays on a2, so the office sees it taken off a1, without a button it cannot use
    seen = office.get(page).text
    assert w.names["e4"] in seen
    assert release not in seen
    assert release in admin.get(page).text
    refused = post_form(
        office, release, {"enterprise": w.uscc["e4"]}, office.headers["X-CSRF-Token"]
    )
    assert refused.status_code == 422 and "工信局管理员" in refused.text
    assert current_on(site, "e4", "a1") == [("manual", True)]


def test_a_chain_office_cannot_attach_by_hand_a_firm_the_bureau_took_off(
    site: Site, tmp_path: Path
) -> None:
    # Attaching by hand over a manual exclusion undoes it as releasing it would (the old code
    # answered 201 and the firm was back on the link); the bureau may, and the office proposes.
    w = site.world
    admin, office = client(site, "admin"), client(site, "chain_office")
    a1 = f"/api/v1/chains/{w.ids['chain_a']}/links/{w.ids['a1']}"
    assert admin.post(f"{a1}/assign", json={"enterprise": w.uscc["e4"]}).status_code == 201
    assert admin.post(f"{a1}/unassign", json={"enterprise": w.uscc["e4"]}).status_code == 201

    before = count(site, EnterpriseLink)
    refused = office.post(f"{a1}/assign", json={"enterprise": w.uscc["e4"]})
    status, zh, en = answer(refused)
    assert status == 403, refused.text
    assert "工信局管理员" in zh and w.names["e4"] in zh and "propose" in en
    form = post_form(
        office,
        f"/chains/{w.ids['chain_a']}/links/{w.ids['a1']}/assign",
        {"enterprise": w.uscc["e4"]},
        office.headers["X-CSRF-Token"],
    )
    assert form.status_code == 422 and "提议" in form.text, form.text
    # the same row in an Excel sheet: the whole file is refused, naming the row's enterprise
    path = write_xlsx(
        tmp_path / "enterprise-links.xlsx",
        {
            "企业-环节 enterprise_links": [
                ["统一社会信用代码", "产业链代码", "环节代码", "排除"],
                [w.uscc["e4"], "CA", "a1", "否"],
            ]
        },
    )
    with session_scope(site.engine) as s:
        user = s.scalars(select(User).where(User.username == w.users["chain_office"])).one()
        principal = Principal.from_user(user)
    with pytest.raises(ImportRejected) as rejected:
        import_file(site.engine, "enterprise_links", path, principal)
    assert [e.row for e in rejected.value.errors] == [2], rejected.value.errors
    assert "工信局管理员" in rejected.value.errors[0].reason_zh
    assert (
        current_on(site, "e4", "a1") == [("manual", True)] and count(site, EnterpriseLink) == before
    )
    # the office's way: a proposal, which the bureau approves
    proposed = office.post(f"{a1}/proposals", json={"enterprise": w.uscc["e4"]})
    assert proposed.status_code == 201, proposed.text
    decided = admin.post(f"/api/v1/chain-proposals/{proposed.json()['id']}/approve", json={})
    assert decided.status_code == 200, decided.text
    assert current_on(site, "e4", "a1") == [("manual", False)]

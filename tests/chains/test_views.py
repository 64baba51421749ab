"""The chain and enterprise pages through HTTP, on the web tests' seeded city (tests/web/seed.py):
chains 测试链甲 (links a1, a2) and 测试链乙 (b1); the chain office's scope is 测试链甲."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from gaodi.db import session_scope
from gaodi.models import EnterpriseLink, Link
from tests.web.conftest import Site, make_site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    s = make_site(tmp_path)
    yield s
    s.engine.dispose()


def _client(site: Site, role: str):  # type: ignore[no-untyped-def]
    client = site.client()
    csrf = login(client, site.world.users[role], PASSWORD)
    return client, csrf


def test_chain_office_sees_only_its_chain(site: Site) -> None:
    w = site.world
    client, _ = _client(site, "chain_office")
    listing = client.get("/api/v1/chains").json()
    assert [r["chain"]["name"] for r in listing["summary"]["chains"]] == ["测试链甲"]
    page = client.get("/chains")
    assert page.status_code == 200 and "测试链甲" in page.text and "测试链乙" not in page.text
    other = client.get(f"/chains/{w.ids['chain_b']}/links/{w.ids['b1']}")
    assert other.status_code == 404
    assert client.get(f"/api/v1/chains/{w.ids['chain_b']}").status_code == 404
    # a link of another chain under this office's chain id is not found either
    assert client.get(f"/chains/{w.ids['chain_a']}/links/{w.ids['b1']}").status_code == 404
    own = client.get(f"/api/v1/chains/{w.ids['chain_a']}/links/{w.ids['a1']}").json()
    assert own["detail"]["link"]["name"] == "甲上游"
    assert [a["enterprise_name"] for a in own["detail"]["assignments"]] == [
        "阿尔法机械测试有限公司"
    ]


def test_chain_page_tree_and_legend(site: Site) -> None:
    w = site.world
    client, _ = _client(site, "admin")
    data = client.get(f"/api/v1/chains/{w.ids['chain_a']}").json()
    tree = data["tree"]
    assert tree["kind"] == "chain" and tree["name"] == "测试链甲"
    segments = {s["name"]: [c["name"] for c in s["children"]] for s in tree["children"]}
    assert segments == {"上游": ["甲上游"], "中游": ["甲中游"]}
    link = tree["children"][0]["children"][0]
    assert link["url"] == f"/chains/{w.ids['chain_a']}/links/{w.ids['a1']}"
    assert link["reason"].endswith(("缺链", "弱链", "强链"))
    assert sum(item["count"] for item in data["legend"]) == 2
    html = client.get(f"/chains/{w.ids['chain_a']}").text
    assert 'data-chain-tree="chain-tree-data"' in html and "/assets/chains/chain-tree.js" in html
    js = client.get("/assets/chains/chain-tree.js")
    assert js.status_code == 200 and "echarts" in js.text


def test_editing_forms(site: Site) -> None:
    w = site.world
    client, csrf = _client(site, "admin")
    base = f"/chains/{w.ids['chain_a']}"
    bad = post_form(client, f"{base}/links", {"name": "新环节", "industry_codes": "9999"}, csrf)
    assert bad.status_code == 422 and "9999" in bad.text
    no_csrf = client.post(f"{base}/links", data={"name": "x"}, follow_redirects=False)
    assert no_csrf.status_code == 403
    ok = post_form(
        client, f"{base}/links",
        {"name": "甲下游", "segment": "down", "industry_codes": "3444", "keywords": "液压阀、油缸",
         "key_link": "1"},
        csrf,
    )  # fmt: skip
    assert ok.status_code == 303
    with session_scope(site.engine) as s:
        link = s.scalars(select(Link).where(Link.name == "甲下游")).one()
        assert (link.segment, link.industry_codes, link.keywords, link.key_link) == (
            "down", ["3444"], ["液压阀", "油缸"], True,
        )  # fmt: skip
        new_id = link.id
    assert ok.headers["location"] == f"{base}/links/{new_id}"
    assigned = post_form(
        client, f"{base}/links/{new_id}/assign", {"enterprise": w.uscc["e2"]}, csrf
    )
    assert assigned.status_code == 303
    with session_scope(site.engine) as s:
        row = s.scalars(
            select(EnterpriseLink).where(
                EnterpriseLink.link_id == new_id, EnterpriseLink.valid_to.is_(None)
            )
        ).one()
        assert (row.enterprise_id, row.source, row.excluded) == (w.ids["e2"], "manual", False)
    refused = post_form(client, f"{base}/links/{new_id}/delete", {"confirm": "wrong"}, csrf)
    assert refused.status_code == 422
    deleted = post_form(client, f"{base}/links/{new_id}/delete", {"confirm": link.code}, csrf)
    assert deleted.status_code == 303
    with session_scope(site.engine) as s:
        assert s.get(Link, new_id) is None


def test_chain_office_cannot_edit_another_chain(site: Site) -> None:
    w = site.world
    client, csrf = _client(site, "chain_office")
    url = f"/chains/{w.ids['chain_b']}/links/{w.ids['b1']}/assign"
    response = post_form(client, url, {"enterprise": w.uscc["e1"]}, csrf)
    assert response.status_code == 404
    viewer, vcsrf = _client(site, "viewer")
    url = f"/chains/{w.ids['chain_a']}/links"
    assert post_form(viewer, url, {"name": "x"}, vcsrf).status_code == 403


def test_enterprise_pages(site: Site) -> None:
    w = site.world
    client, _ = _client(site, "admin")
    listing = client.get("/api/v1/enterprises", params={"q": "测试"}).json()
    assert listing["result"]["total"] == 4
    profile = client.get(f"/api/v1/enterprises/{w.ids['e1']}").json()["profile"]
    assert profile["uscc"] == w.uscc["e1"]
    assert profile["tiers"][0]["level"] == "above_scale"
    html = client.get(f"/enterprises/{w.ids['e1']}").text
    assert "阿尔法机械测试有限公司" in html and "figures-chart-data" in html
    office, _ = _client(site, "chain_office")
    assert office.get(f"/enterprises/{w.ids['e2']}").status_code == 404
    names = [r["name"] for r in office.get("/api/v1/enterprises").json()["result"]["rows"]]
    assert sorted(names) == ["德尔塔装备测试有限公司", "阿尔法机械测试有限公司"]
    for url in ("/enterprises/rank", "/enterprises/eligibility?level=above_scale"):
        assert client.get(url).status_code == 200


def test_json_operations(site: Site) -> None:
    w = site.world
    client, csrf = _client(site, "admin")
    client.headers["X-CSRF-Token"] = csrf
    base = f"/api/v1/chains/{w.ids['chain_a']}/links"
    created = client.post(
        base, json={"name": "接口环节", "segment": "up", "industry_codes": ["34"]}
    )
    assert created.status_code == 201, created.text
    link = created.json()
    assert (link["segment"], link["industry_codes"]) == ("up", ["34"])
    bad = client.post(base, json={"name": "x", "industry_codes": ["99"]})
    assert bad.status_code == 422 and bad.json()["error"] == "validation_error"
    moved = client.put(
        f"{base}/{link['id']}", json={"name": "接口环节二", "parent_id": w.ids["a2"]}
    )
    assert moved.status_code == 200 and moved.json()["segment"] == "mid"  # a2 is midstream
    assigned = client.post(f"{base}/{link['id']}/assign", json={"enterprise": w.uscc["e1"]})
    assert assigned.status_code == 201 and assigned.json()["source"] == "manual"
    off = client.post(f"{base}/{link['id']}/unassign", json={"enterprise": w.uscc["e1"]})
    assert off.status_code == 201 and off.json()["excluded"] is True
    wrong = client.request("DELETE", f"{base}/{link['id']}", json={"confirm": "nope"})
    assert wrong.status_code == 422
    gone = client.request("DELETE", f"{base}/{link['id']}", json={"confirm": link["code"]})
    assert gone.status_code == 200 and gone.json()["assignments_removed"] == 2
    office, ocsrf = _client(site, "chain_office")
    office.headers["X-CSRF-Token"] = ocsrf
    other = f"/api/v1/chains/{w.ids['chain_b']}/links"
    assert office.post(other, json={"name": "越权"}).status_code == 404

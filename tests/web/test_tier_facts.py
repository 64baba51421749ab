"""Tier facts and declarations over HTTP (tests/web/seed.py: the enterprise user is E1's, the
park office park A's, which holds E1 and E3): the JSON operations, the forms with their CSRF
check, bad values answered 422 in both languages with nothing written."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from gaodi.db import session_scope
from gaodi.enterprises.models import TierEvidence, TierFact
from tests.web.conftest import Site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD


def _client(site: Site, role: str):  # type: ignore[no-untyped-def]
    client = site.client()
    client.headers["X-CSRF-Token"] = login(client, site.world.users[role], PASSWORD)
    return client


def _facts(site: Site) -> int:
    with session_scope(site.engine) as s:
        return s.scalar(select(func.count()).select_from(TierFact)) or 0


def test_declaration_through_the_json_api(site: Site) -> None:
    e1, e3 = site.world.ids["e1"], site.world.ids["e3"]
    firm, office = _client(site, "enterprise"), _client(site, "park_office")
    r = firm.post("/api/v1/declarations", json={"enterprise_id": e1, "year": 2022})
    assert r.status_code == 201, r.text
    did = r.json()["id"]
    assert r.json()["status"] == "draft"
    bad = firm.post(
        f"/api/v1/declarations/{did}/act",
        json={"action": "save", "facts": {"national_market_share": "1.2", "global_rank": 0}},
    )
    assert bad.status_code == 422
    body = bad.json()
    assert "主导产品在全国细分市场占有率" in body["message_zh"]
    assert "National niche-market share" in body["message_en"]
    unknown = firm.post(
        f"/api/v1/declarations/{did}/act", json={"action": "save", "facts": {"unicorn": 1}}
    )
    assert unknown.status_code == 422
    ok = firm.post(
        f"/api/v1/declarations/{did}/act",
        json={"action": "save", "facts": {"national_market_share": "12%", "has_own_brand": True}},
    )
    assert ok.status_code == 200, ok.text
    declared = {f["name"]: f["declared"] for f in ok.json()["facts"]}
    assert declared["national_market_share"] == 0.12 and declared["has_own_brand"] is True
    assert (
        firm.post(f"/api/v1/declarations/{did}/act", json={"action": "submit"}).status_code == 200
    )
    # the enterprise may not approve its own; the office must give a reason to return
    assert (
        firm.post(f"/api/v1/declarations/{did}/act", json={"action": "approve"}).status_code == 403
    )
    r = office.post(f"/api/v1/declarations/{did}/act", json={"action": "return"})
    assert r.status_code == 422 and _facts(site) == 0
    r = office.post(f"/api/v1/declarations/{did}/act", json={"action": "approve"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    got = office.get(f"/api/v1/enterprises/{e1}/facts?year=2022").json()
    by_name = {f["name"]: f for f in got["facts"]}
    assert (
        by_name["national_market_share"]["value"],
        by_name["national_market_share"]["source"],
    ) == (
        0.12,
        "self_declared",
    )
    assert by_name["global_rank"]["value"] is None  # never declared: unknown
    # a declaration for another enterprise: the answer a missing one gets
    r = firm.post("/api/v1/declarations", json={"enterprise_id": e3, "year": 2022})
    missing = firm.post("/api/v1/declarations", json={"enterprise_id": 987654, "year": 2022})
    assert r.status_code == missing.status_code == 404
    assert r.json()["message_zh"] == missing.json()["message_zh"]


def test_the_facts_form_and_api(site: Site) -> None:
    e1, e2 = site.world.ids["e1"], site.world.ids["e2"]
    office = site.client()
    csrf = login(office, site.world.users["park_office"], PASSWORD)
    # without the CSRF token the form is refused and nothing is written
    r = office.post(
        f"/enterprises/{e1}/facts",
        data={"year": "2023", "source": "certified", "global_rank": "2"},
        follow_redirects=False,
    )
    assert r.status_code == 403 and _facts(site) == 0
    r = post_form(
        office, f"/enterprises/{e1}/facts",
        {"year": "2023", "source": "certified", "global_rank": "2", "has_own_brand": "是"}, csrf,
    )  # fmt: skip
    assert r.status_code == 303, r.text[:500]
    page = office.get(f"/enterprises/{e1}/facts?year=2023").text
    assert "证书核验" in page and _facts(site) == 2
    # a bad value: the page again with the reason next to it (422), nothing changed
    r = post_form(
        office, f"/enterprises/{e1}/facts",
        {"year": "2023", "source": "certified", "global_rank": "0.5"}, csrf,
    )  # fmt: skip
    assert r.status_code == 422 and "单项产品市场占有率全球排名" in r.text
    # an executable as evidence: refused with the reason, and the facts of the form not saved
    r = office.post(
        f"/enterprises/{e1}/facts",
        data={"year": "2023", "source": "certified", "global_rank": "3", "csrf_token": csrf},
        files={"evidence": ("证书.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
        follow_redirects=False,
    )
    assert r.status_code == 422 and "可执行" in r.text
    with session_scope(site.engine) as s:
        rank = s.scalar(select(TierFact.value).where(TierFact.field == "global_rank"))
    assert rank == 2
    office.headers["X-CSRF-Token"] = csrf
    r = office.post(
        f"/api/v1/enterprises/{e1}/facts",
        json={"year": 2023, "source": "statistics", "facts": {"global_rank": None}},
    )
    assert r.status_code == 200
    assert {f["name"]: f["value"] for f in r.json()["facts"]}["global_rank"] is None
    assert _facts(site) == 1
    # E2 is in park B: refused like a missing enterprise
    r = office.post(
        f"/api/v1/enterprises/{e2}/facts",
        json={"year": 2023, "source": "statistics", "facts": {"global_rank": 1}},
    )
    assert r.status_code == 404 and _facts(site) == 1


def test_a_long_evidence_name_keeps_its_extension(site: Site) -> None:
    e1 = site.world.ids["e1"]
    office = site.client()
    csrf = login(office, site.world.users["park_office"], PASSWORD)
    name = "x" * 300 + ".pdf"  # the old code kept name[:200]: 200 x's, no ".pdf" to open it by
    r = office.post(
        f"/enterprises/{e1}/facts",
        data={"year": "2023", "source": "certified", "global_rank": "3", "csrf_token": csrf},
        files={"evidence": (name, b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    with session_scope(site.engine) as s:
        (evidence_id,) = s.scalars(select(TierEvidence.id)).all()
    download = office.get(f"/enterprises/evidence/{evidence_id}")
    assert download.status_code == 200
    disposition = download.headers["content-disposition"]
    filename = re.fullmatch(r'attachment; filename="([^"]+)"', disposition)
    assert filename is not None, disposition
    assert filename[1].endswith(".pdf") and len(filename[1]) == 200, disposition

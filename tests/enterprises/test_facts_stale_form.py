"""Two office workers on one enterprise's facts form (fifth audit M, finding 5): the form carries
what each box showed, so a colleague's stale page saves only the boxes they changed. A blank box
they never touched no longer deletes a fact saved meanwhile, and a box both changed is refused
in words (the field, who changed it, the value stored now) with nothing saved. A box the user
empties still clears its fact. On the web tests' seeded city (tests/web/seed.py)."""

from __future__ import annotations

from sqlalchemy import select

from gaodi.db import session_scope
from gaodi.enterprises.models import TierFact
from tests.web.conftest import Site
from tests.web.helpers import login, post_form
from tests.web.live import form_values, open_form
from tests.web.seed import PASSWORD


def _stored(site: Site, eid: int) -> dict[str, tuple[float, str | None]]:
    with session_scope(site.engine) as s:
        rows = s.execute(
            select(TierFact.field, TierFact.value, TierFact.updated_by).where(
                TierFact.enterprise_id == eid, TierFact.year == 2023
            )
        )
        return {f: (v, by) for f, v, by in rows}


def test_a_stale_facts_form_keeps_a_colleagues_entry_and_refuses_a_clash(site: Site) -> None:
    e1 = site.world.ids["e1"]
    url, action = f"/enterprises/{e1}/facts?year=2023", f"/enterprises/{e1}/facts"
    a, b = site.client(), site.client()
    csrf_a = login(a, site.world.users["admin"], PASSWORD)
    csrf_b = login(b, site.world.users["park_office"], PASSWORD)
    form_a, form_b = open_form(a, url, action), open_form(b, url, action)
    assert form_b["rd_staff_share"] == ""  # both see the share missing

    # A enters the R&D staff share and saves
    r = post_form(a, action, {**form_a, "rd_staff_share": "0.12", "source": "certified"}, csrf_a)
    assert r.status_code == 303, r.text[:500]
    assert _stored(site, e1)["rd_staff_share"] == (0.12, site.world.users["admin"])

    # B, on the page loaded before, enters only the IP count: A's share stays (before: deleted)
    form_b["source"] = "certified"
    r = post_form(b, action, {**form_b, "ip_class1_count": "3"}, csrf_b)
    assert r.status_code == 303, r.text[:500]
    assert "已修改1项要素" in b.get(url).text  # B is told of the one change B made
    stored = _stored(site, e1)
    assert stored["rd_staff_share"] == (0.12, site.world.users["admin"])
    assert stored["ip_class1_count"][0] == 3

    # B, still on that old page, now types a share too: refused in words beside the field,
    # naming who changed it and the value stored now; nothing of the form is saved
    r = post_form(b, action, {**form_b, "rd_staff_share": "0.2", "has_own_brand": "是"}, csrf_b)
    assert r.status_code == 422, r.text[:500]
    assert 'data-testid="error-rd_staff_share"' in r.text
    words = r.text
    assert "研发人员占全部职工比重" in words and site.world.users["admin"] in words
    assert "0.12" in words and "未保存任何更改" in words
    stored = _stored(site, e1)
    assert stored["rd_staff_share"] == (0.12, site.world.users["admin"])
    assert "has_own_brand" not in stored
    # the page shown again carries the stored value as "shown" and B's typed value in the box,
    # so saving it again is B's informed decision
    again = form_values(r.text, action)
    assert again["shown_rd_staff_share"] == "0.12"
    assert again["rd_staff_share"] == "0.2"
    r = post_form(b, action, {**again, "source": "certified"}, csrf_b)
    assert r.status_code == 303, r.text[:500]
    assert _stored(site, e1)["rd_staff_share"] == (0.2, site.world.users["park_office"])

    # a box the user empties still clears its fact
    fresh = open_form(a, url, action)
    assert fresh["shown_ip_class1_count"] == "3"
    r = post_form(a, action, {**fresh, "ip_class1_count": "", "source": "certified"}, csrf_a)
    assert r.status_code == 303, r.text[:500]
    assert "ip_class1_count" not in _stored(site, e1)
    assert _stored(site, e1)["rd_staff_share"][0] == 0.2


def test_english_refusal_names_the_field_who_and_the_value(site: Site) -> None:
    e1 = site.world.ids["e1"]
    url, action = f"/enterprises/{e1}/facts?year=2023", f"/enterprises/{e1}/facts"
    a, b = site.client(), site.client()
    csrf_a = login(a, site.world.users["admin"], PASSWORD)
    csrf_b = login(b, site.world.users["park_office"], PASSWORD)
    b.headers["Accept-Language"] = "en"
    form_a, form_b = open_form(a, url, action), open_form(b, url, action)
    r = post_form(a, action, {**form_a, "has_own_brand": "是", "source": "certified"}, csrf_a)
    assert r.status_code == 303
    r = post_form(b, action, {**form_b, "has_own_brand": "否", "source": "certified"}, csrf_b)
    assert r.status_code == 422, r.text[:500]
    assert "Own brand sold directly to the market" in r.text
    assert f"changed by {site.world.users['admin']}" in r.text and "to yes" in r.text
    assert _stored(site, e1)["has_own_brand"][0] == 1.0

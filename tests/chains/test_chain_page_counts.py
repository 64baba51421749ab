"""The chain page counts leaf links as the list of chains and the CLI do, and shows a tiny
share with the digits that explain its verdict (audit D, bug 6); the pages say the day their
membership is true (audit F, bug 7). On the web tests' seeded city (tests/web/seed.py), with
a1 (甲上游) given one sub-link that holds its only enterprise."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from gaodi.core import clock
from gaodi.db import session_scope
from gaodi.models import EnterpriseLink, EnterpriseYear, Link
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    s = make_site(tmp_path)
    w = s.world
    with session_scope(s.engine) as db:
        child = Link(chain_id=w.ids["chain_a"], code="a1-1", name="甲上游子环节", segment="up",
                     parent_id=w.ids["a1"])  # fmt: skip
        db.add(child)
        db.flush()
        w.ids["a1_1"] = child.id
        db.execute(
            update(EnterpriseLink)
            .where(EnterpriseLink.enterprise_id == w.ids["e1"])
            .values(link_id=child.id)
        )
        # e1 is tiny next to e4: its share is a few thousandths of a percent
        for key, output in (("e1", 0.05), ("e4", 1999.0)):
            db.execute(
                update(EnterpriseYear)
                .where(EnterpriseYear.enterprise_id == w.ids[key])
                .values(output=output)
            )
    yield s
    s.engine.dispose()


def _admin(site: Site):  # type: ignore[no-untyped-def]
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    return client


def test_the_chain_page_counts_leaf_links_as_the_list_does(site: Site) -> None:
    w = site.world
    client = _admin(site)
    data = client.get(f"/api/v1/chains/{w.ids['chain_a']}").json()
    d = data["diagnosis"]
    leaves = [r for r in d["links"] if r["is_leaf"]]
    assert len(d["links"]) == 3 and len(leaves) == 2  # a1 has one sub-link
    legend = {item["status"]: item["count"] for item in data["legend"]}
    listing = client.get("/api/v1/chains").json()["summary"]["chains"]
    row = next(r for r in listing if r["chain"]["id"] == w.ids["chain_a"])
    assert legend == {"missing": row["n_missing"], "weak": row["n_weak"], "strong": row["n_strong"]}
    assert sum(legend.values()) == len(leaves)
    for status in ("missing", "weak", "strong"):
        assert legend[status] == sum(r["status"] == status for r in leaves)
    html = client.get(f"/chains/{w.ids['chain_a']}").text
    legend_html = html[html.index('data-testid="legend"') :].split("</ul>")[0]
    for status, label in (("missing", "缺链"), ("weak", "弱链"), ("strong", "强链")):
        assert f"{label} {legend[status]}</li>" in legend_html


def test_a_tiny_share_keeps_two_significant_digits(site: Site) -> None:
    w = site.world
    client = _admin(site)
    d = client.get(f"/api/v1/chains/{w.ids['chain_a']}").json()["diagnosis"]
    child = next(r for r in d["links"] if r["id"] == w.ids["a1_1"])
    share = child["output_share"]
    assert 0 < share < 0.0001
    expected = f"{100 * share:.2g}%"  # e.g. 0.0025%: two significant digits
    html = client.get(f"/chains/{w.ids['chain_a']}").text
    row = html[html.index('data-link="a1-1"') :].split("</tr>")[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
    assert cells[4] == expected  # the 链内产值占比 column (it read 0.0%)
    link = client.get(f"/chains/{w.ids['chain_a']}/links/{w.ids['a1_1']}").text
    kpi = link[link.index("链内占比") :].split("</div>")[0]
    assert kpi.strip().endswith(expected)


def test_chain_and_link_pages_say_the_day_of_their_membership(site: Site) -> None:
    w = site.world
    client = _admin(site)
    today = clock.today().isoformat()
    chain = client.get(f"/chains/{w.ids['chain_a']}").text
    assert f"归属截至 {today}" in chain
    link = client.get(f"/chains/{w.ids['chain_a']}/links/{w.ids['a2']}").text
    assert link.count(f"归属截至 {today}") == 2  # the page's provenance and the firms' list
    api = client.get(f"/api/v1/chains/{w.ids['chain_a']}").json()
    assert api["diagnosis"]["provenance"]["membership_on"] == today
    with session_scope(site.engine) as db:
        assert db.scalars(select(EnterpriseLink)).first() is not None

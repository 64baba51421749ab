"""A manual assignment is confirmed by the firm's name, not its database id (the flash read
"已人工指定企业 1959。"; fifth audit, verifier VM)."""

from __future__ import annotations

from tests.web.conftest import Site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD


def test_a_manual_assignment_names_the_firm(site: Site) -> None:
    w = site.world
    client = site.client()
    csrf = login(client, w.users["admin"], PASSWORD)
    url = f"/chains/{w.ids['chain_a']}/links/{w.ids['a1']}"
    r = post_form(client, f"{url}/assign", {"enterprise": w.uscc["e2"], "note": "配套"}, csrf)
    assert r.status_code == 303, r.text[:300]
    page = client.get(url).text
    assert f"已将“{w.names['e2']}”人工指定到本环节。" in page
    assert f"已人工指定企业 {w.ids['e2']}" not in page

"""The JSON API's twins of the stale-form checks (fifth audit M, findings 5 and 6): a script
that read a link or an enterprise's facts, then writes, may name what it read (the link's
``version`` as ``If-Match``, the facts as ``shown``) and a colleague's change in between is then
refused in words with nothing saved, instead of silently overwritten."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def _signed_in(site: Site, role: str) -> tuple[TestClient, dict[str, str]]:
    client = site.client()
    token = login(client, site.world.users[role], PASSWORD)
    return client, {"X-CSRF-Token": token}


def test_a_link_saved_over_a_colleagues_change_is_refused_with_if_match(site: Site) -> None:
    w = site.world
    path = f"/api/v1/chains/{w.ids['chain_a']}/links/{w.ids['a1']}"
    a, a_headers = _signed_in(site, "admin")
    b, b_headers = _signed_in(site, "chain_office")
    read = b.get(path).json()
    version = read["version"]
    body = {"name": "甲上游", "segment": "up", "keywords": ["伺服阀"]}
    assert a.put(path, json=body, headers=a_headers).status_code == 200  # A adds a keyword
    stale = {"name": "甲上游（改名）", "segment": "up", "keywords": []}
    refused = b.put(path, json=stale, headers={**b_headers, "If-Match": f'"{version}"'})
    assert refused.status_code in (409, 422), refused.text
    assert site.world.users["admin"] in refused.json()["message"]  # who changed it
    assert "伺服阀" in str(b.get(path).json()["detail"])  # nothing saved: A's keyword stays
    fresh = b.get(path).json()["version"]
    saved = b.put(
        path, json=stale | {"keywords": ["伺服阀"]}, headers={**b_headers, "If-Match": fresh}
    )
    assert saved.status_code == 200, saved.text


def test_facts_sent_with_what_was_read_keep_a_colleagues_entry(site: Site) -> None:
    e1 = site.world.ids["e1"]
    path = f"/api/v1/enterprises/{e1}/facts"
    a, a_headers = _signed_in(site, "admin")
    b, b_headers = _signed_in(site, "admin")
    a.post(
        path,
        json={"year": 2023, "source": "certified", "facts": {"rd_staff_share": 0.12}},
        headers=a_headers,
    ).raise_for_status()
    # B read the share as missing before A's save, and changes it: refused, A's value kept
    refused = b.post(
        path,
        json={
            "year": 2023,
            "source": "certified",
            "facts": {"rd_staff_share": 0.2},
            "shown": {"rd_staff_share": None},
        },
        headers=b_headers,
    )
    assert refused.status_code == 409, refused.text
    assert "0.12" in refused.json()["message"]
    page = b.get(f"/api/v1/enterprises/{e1}/facts", params={"year": 2023}).json()
    assert "0.12" in str(page)

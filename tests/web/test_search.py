"""Global search (/search, /api/v1/search) on the hand-made city of tests/web/seed.py.

The seed's table of who sees which enterprise (its docstring) is the independent answer: the
park office of park A finds E1 and E3 and never E2 or E4, the chain office of chain A finds E1
and E4, the enterprise user only E1; bounds: limit per group, a 10 KB query is a 422, never 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import Site, featured_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD
from tests.web.test_permissions_suite import _database

# the four firms' names share the word 测试 ("test"); each has its own first characters
ALL = ("e1", "e2", "e3", "e4")
SEEN = {
    "admin": set(ALL),
    "analyst": set(ALL),
    "viewer": set(ALL),
    "chain_office": {"e1", "e4"},
    "park_office": {"e1", "e3"},
    "enterprise": {"e1"},
}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def shared_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """The seeded city on SQLite and, where configured, PostgreSQL (LIKE and ILIKE differ)."""
    directory = tmp_path_factory.mktemp(f"search-db-{request.param}")
    with (
        _database(request.param, directory) as url,
        featured_site(tmp_path_factory, f"search-{request.param}", url=url) as site,
    ):
        yield site


def _client(site: Site, role: str) -> TestClient:
    client = site.client()
    login(client, site.world.users[role], PASSWORD)
    return client


def _group(body: dict[str, Any], key: str) -> dict[str, Any] | None:
    return next((g for g in body["groups"] if g["key"] == key), None)


@pytest.mark.parametrize("role", sorted(SEEN))
def test_enterprises_found_are_those_the_role_may_see(shared_site: Site, role: str) -> None:
    world = shared_site.world
    client = _client(shared_site, role)
    body = client.get("/api/v1/search", params={"q": "测试有限公司"}).json()
    found = {h["label"] for h in _group(body, "enterprises")["hits"]}  # type: ignore[index]
    assert found == {world.names[k] for k in SEEN[role]}
    page = client.get("/search", params={"q": "测试有限公司"})
    assert page.status_code == 200
    for key in set(ALL) - SEEN[role]:
        assert world.names[key] not in page.text
        assert world.uscc[key] not in page.text


def test_exact_uscc_and_prefix(shared_site: Site) -> None:
    world = shared_site.world
    client = _client(shared_site, "admin")
    uscc = world.uscc["e3"]
    hits = _group(client.get("/api/v1/search", params={"q": uscc}).json(), "enterprises")
    assert hits is not None and [h["label"] for h in hits["hits"]] == [world.names["e3"]]
    assert hits["hits"][0]["url"] == f"/enterprises/{world.ids['e3']}"
    # lower case and blanks around are forgiven
    hits = _group(
        client.get("/api/v1/search", params={"q": f"  {uscc.lower()} "}).json(), "enterprises"
    )
    assert hits is not None and [h["label"] for h in hits["hits"]] == [world.names["e3"]]
    # every seeded USCC starts with 91430100 (make_uscc("430100")): the prefix finds all four,
    # 17 of the 18 characters find the one firm
    prefix = _group(client.get("/api/v1/search", params={"q": "91430100"}).json(), "enterprises")
    assert prefix is not None
    assert {h["label"] for h in prefix["hits"]} == {world.names[k] for k in ALL}
    one = _group(client.get("/api/v1/search", params={"q": uscc[:17]}).json(), "enterprises")
    assert one is not None and [h["label"] for h in one["hits"]] == [world.names["e3"]]


def test_a_park_office_does_not_find_a_firm_outside_by_its_uscc(shared_site: Site) -> None:
    world = shared_site.world
    client = _client(shared_site, "park_office")
    body = client.get("/api/v1/search", params={"q": world.uscc["e2"]}).json()
    assert _group(body, "enterprises") == {"key": "enterprises", "hits": [], "more": False}
    page = client.get("/search", params={"q": world.uscc["e2"]})
    assert page.status_code == 200 and world.names["e2"] not in page.text


def test_chains_and_links_scoped(shared_site: Site) -> None:
    world = shared_site.world
    admin = _client(shared_site, "admin").get("/api/v1/search", params={"q": "上游"}).json()
    links = _group(admin, "links")
    assert links is not None
    assert {h["url"] for h in links["hits"]} == {
        f"/chains/{world.ids['chain_a']}/links/{world.ids['a1']}",
        f"/chains/{world.ids['chain_b']}/links/{world.ids['b1']}",
    }
    office = _client(shared_site, "chain_office").get("/api/v1/search", params={"q": "上游"})
    links = _group(office.json(), "links")
    assert links is not None and [h["label"] for h in links["hits"]] == ["甲上游"]
    chains = _group(
        _client(shared_site, "chain_office").get("/api/v1/search", params={"q": "测试链"}).json(),
        "chains",
    )
    assert chains is not None and [h["label"] for h in chains["hits"]] == ["测试链甲"]
    # the enterprise user reads no chain and no project: those groups are not offered at all
    own = _client(shared_site, "enterprise").get("/api/v1/search", params={"q": "测试"}).json()
    assert [g["key"] for g in own["groups"]] == ["enterprises"]


@pytest.mark.parametrize(
    ("role", "labels"),
    [
        ("admin", {"甲甲", "甲乙", "乙甲", "乙乙"}),
        ("chain_office", {"甲甲", "甲乙"}),  # chain A's projects
        ("park_office", {"甲甲", "乙甲"}),  # park A's projects
        ("enterprise", None),  # reads no project: the group is not offered
    ],
)
def test_projects_by_name_or_investor_scoped(
    shared_site: Site, role: str, labels: set[str] | None
) -> None:
    client = _client(shared_site, role)
    group = _group(client.get("/api/v1/search", params={"q": "扩产工程"}).json(), "projects")
    if labels is None:
        assert group is None
        return
    assert group is not None
    assert {h["label"] for h in group["hits"]} == {f"测试项目{x}扩产工程" for x in labels}
    assert all(h["url"] == f"/projects/{h['id']}" for h in group["hits"])
    by_investor = client.get("/api/v1/search", params={"q": "测试投资方乙乙"}).json()
    found = {h["label"] for h in _group(by_investor, "projects")["hits"]}  # type: ignore[index]
    assert found == ({"测试项目乙乙扩产工程"} if "乙乙" in labels else set())


def test_bounds(shared_site: Site) -> None:
    client = _client(shared_site, "admin")
    # limit per group: 4 firms match, 2 shown, "more" says the rest exist
    body = client.get("/api/v1/search", params={"q": "测试", "limit": 2}).json()
    firms = _group(body, "enterprises")
    assert firms is not None and len(firms["hits"]) == 2 and firms["more"] is True
    assert client.get("/api/v1/search", params={"q": "测试", "limit": 500}).status_code == 422
    # a 10 KB query: refused with the parameter named, in the API and on the page
    huge = "x" * 10_240  # 10 KB
    api = client.get("/api/v1/search", params={"q": huge})
    assert api.status_code == 422 and api.json()["error"] == "validation_error"
    assert "搜索词" in api.json()["message"]  # the parameter named for people, not as "q"
    page = client.get("/search", params={"q": huge})
    assert page.status_code == 422
    # LIKE wildcards are searched as text, not as patterns
    for q in ("%", "_", "\\"):
        body = client.get("/api/v1/search", params={"q": q}).json()
        assert all(not g["hits"] for g in body["groups"]), q
    # an empty query answers an empty result
    assert client.get("/api/v1/search", params={"q": "  "}).json()["groups"] == []
    assert client.get("/search").status_code == 200


def test_anonymous_is_sent_to_log_in(shared_site: Site) -> None:
    client = shared_site.client()
    assert client.get("/api/v1/search", params={"q": "测试"}).status_code == 401
    response = client.get("/search", params={"q": "测试"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_the_header_search_box_is_on_every_page(shared_site: Site) -> None:
    client = _client(shared_site, "viewer")
    for path in ("/", "/enterprises", "/chains", "/account"):
        html = client.get(path).text
        assert 'id="global-search"' in html and 'action="/search"' in html, path

"""The page pattern (gaodi.ui.web.pages): one context function, an HTML page and its JSON twin.

A miniature feature is built here exactly as docs/web.md tells feature packages to: a filter
model, a list page and a detail page with JSON twins, and a form that re-renders its page with
errors. It runs on the seeded city, so scoping is checked through the same helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import APIRouter, Query
from fastapi.responses import Response
from jinja2 import FileSystemLoader
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from gaodi.audit import service as audit
from gaodi.db import session_scope
from gaodi.enterprises.models import Enterprise, EnterpriseYear
from gaodi.ui.web import nav
from gaodi.ui.web.context import FormInvalid, PageContext
from gaodi.ui.web.pages import form, page
from gaodi.ui.web.templating import environment
from gaodi.web.routes import walk
from tests.web.conftest import Site, make_site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD

router = APIRouter()


class EnterpriseFilter(BaseModel):
    q: str | None = Field(None, max_length=50)
    min_revenue: float | None = Field(None, ge=0)


class Row(BaseModel):
    id: int
    name: str
    revenue: float | None


class EnterpriseList(BaseModel):
    rows: list[Row]
    total: int


@page(
    router,
    "/t/enterprises",
    api="/t/enterprises",
    template="t/enterprises.html",
    domain="enterprise",
)
def enterprises_page(ctx: PageContext, q: Annotated[EnterpriseFilter, Query()]) -> EnterpriseList:
    """Enterprises with their 2023 revenue."""
    query = ctx.restrict(select(Enterprise.id, Enterprise.name, EnterpriseYear.revenue)).join(
        EnterpriseYear,
        (EnterpriseYear.enterprise_id == Enterprise.id) & (EnterpriseYear.year == 2023),
    )
    if q.q:
        query = query.where(Enterprise.name.contains(q.q))
    if q.min_revenue is not None:
        query = query.where(EnterpriseYear.revenue >= q.min_revenue)
    rows = [
        Row(id=i, name=n, revenue=r)
        for i, n, r in ctx.session.execute(query.order_by(Enterprise.id))
    ]
    return EnterpriseList(rows=rows, total=len(rows))


class EnterpriseDetail(BaseModel):
    id: int
    name: str


@page(router, "/t/enterprises/{enterprise_id}", api="/t/enterprises/{enterprise_id}",
      template="t/enterprise.html", domain="enterprise")  # fmt: skip
def enterprise_page(ctx: PageContext, enterprise_id: int) -> EnterpriseDetail:
    ent = ctx.get(Enterprise, enterprise_id)
    return EnterpriseDetail(id=ent.id, name=ent.name)


class Rename(BaseModel):
    name: str = Field(min_length=2, max_length=200)


@form(router, "/t/enterprises/{enterprise_id}/rename", domain="enterprise", page=enterprise_page)
def rename(ctx: PageContext, enterprise_id: int) -> Response:
    ent = ctx.get(Enterprise, enterprise_id, "edit")
    data = ctx.parse_form(Rename)
    if "测试" not in data.name:
        raise FormInvalid({"name": "must keep 测试"})
    ent.name = data.name
    return ctx.redirect(f"/t/enterprises/{ent.id}")


@pytest.fixture
def mini(tmp_path: Path) -> Iterator[Site]:
    loader = environment().loader
    extra = FileSystemLoader(str(Path(__file__).parent / "templates"))
    loader.loaders.append(extra)  # type: ignore[union-attr]
    site = make_site(tmp_path)
    site.app.include_router(router)
    yield site
    loader.loaders.remove(extra)  # type: ignore[union-attr]
    site.engine.dispose()


def _client(site: Site, role: str):  # type: ignore[no-untyped-def]
    client = site.client()
    csrf = login(client, site.world.users[role], PASSWORD)
    return client, csrf


def test_html_and_json_come_from_the_same_function(mini: Site) -> None:
    client, _ = _client(mini, "analyst")
    data = client.get("/api/v1/t/enterprises", params={"min_revenue": 2000}).json()
    # 2023 revenues: E1 5000, E2 2500, E3 800, E4 1999
    assert [r["name"] for r in data["rows"]] == [mini.world.names["e1"], mini.world.names["e2"]]
    html = client.get("/t/enterprises", params={"min_revenue": 2000}).text
    assert '<p id="total">2</p>' in html
    assert f"{mini.world.names['e1']} 5,000" in html


def test_query_model_is_validated_in_both(mini: Site) -> None:
    client, _ = _client(mini, "analyst")
    for url in ("/api/v1/t/enterprises", "/t/enterprises"):
        assert client.get(url, params={"min_revenue": "lots"}).status_code == 422
        assert client.get(url, params={"min_revenue": -1}).status_code == 422
        assert client.get(url, params={"q": "x" * 51}).status_code == 422


def test_scoped_list_and_detail(mini: Site) -> None:
    client, _ = _client(mini, "chain_office")
    rows = client.get("/api/v1/t/enterprises").json()["rows"]
    assert {r["id"] for r in rows} == {mini.world.ids["e1"], mini.world.ids["e4"]}
    other = mini.world.ids["e2"]
    for url in (f"/t/enterprises/{other}", f"/api/v1/t/enterprises/{other}"):
        response = client.get(url)
        assert response.status_code == 404
        assert mini.world.names["e2"] not in response.text
    assert client.get(f"/api/v1/t/enterprises/{mini.world.ids['e4']}").status_code == 200
    assert client.get("/api/v1/t/enterprises/999999").status_code == 404
    assert client.get("/api/v1/t/enterprises/99999999999999999999").status_code == 422


def test_form_errors_rerender_the_page_and_success_redirects(mini: Site) -> None:
    client, csrf = _client(mini, "chain_office")
    e1 = mini.world.ids["e1"]
    url = f"/t/enterprises/{e1}/rename"
    short = post_form(client, url, {"name": "x"}, csrf)
    assert short.status_code == 422
    assert 'data-testid="error-name"' in short.text and 'value="x"' in short.text
    assert f'<h1 id="name">{mini.world.names["e1"]}</h1>' in short.text  # the page, re-run
    refused = post_form(client, url, {"name": "新名称公司"}, csrf)
    assert refused.status_code == 422 and "must keep 测试" in refused.text
    ok = post_form(client, url, {"name": "新名称测试公司"}, csrf)
    assert ok.status_code == 303 and ok.headers["location"] == f"/t/enterprises/{e1}"
    with session_scope(mini.engine) as s:
        assert s.get(Enterprise, e1).name == "新名称测试公司"  # type: ignore[union-attr]
        (event,) = audit.events(s, entity="enterprise", action="update")
        assert event.actor == "t-chain_office"
        assert event.after == {"name": "新名称测试公司"}
    outside = post_form(
        client, f"/t/enterprises/{mini.world.ids['e2']}/rename", {"name": "乙测试"}, csrf
    )
    assert outside.status_code == 404
    with session_scope(mini.engine) as s:
        assert (
            s.scalar(
                select(func.count()).select_from(Enterprise).where(Enterprise.name == "乙测试")
            )
            == 0
        )


def test_viewer_may_read_but_not_edit(mini: Site) -> None:
    client, csrf = _client(mini, "viewer")
    assert client.get("/t/enterprises").status_code == 200
    response = post_form(
        client, f"/t/enterprises/{mini.world.ids['e1']}/rename", {"name": "改名测试"}, csrf
    )
    assert response.status_code == 403


def test_routes_carry_their_access_rule_and_schema(mini: Site) -> None:
    routes = {(r.path, tuple(sorted(r.methods))): r for r in walk(mini.app)}
    html = routes[("/t/enterprises", ("GET",))]
    assert html.access == {"domain": "enterprise", "action": "read", "public": False}
    assert not html.in_schema
    form_route = routes[("/t/enterprises/{enterprise_id}/rename", ("POST",))]
    assert form_route.access == {"domain": "enterprise", "action": "edit", "public": False}
    spec = mini.client().get("/api/v1/openapi.json").json()
    op = spec["paths"]["/api/v1/t/enterprises"]["get"]
    assert op["summary"] == "Enterprises with their 2023 revenue"
    assert {p["name"] for p in op["parameters"]} == {"q", "min_revenue"}
    assert "EnterpriseList" in str(op["responses"]["200"])


def test_nav_entries_follow_the_role() -> None:
    from gaodi.core.permissions import Principal

    nav.register_nav("zz-test", "Audit log", "/admin/audit", domain="audit", order=999)
    try:
        admin = [e.key for e in nav.visible(Principal("a", "admin"))]
        viewer = [e.key for e in nav.visible(Principal("v", "viewer"))]
        assert "zz-test" in admin and "zz-test" not in viewer
        assert admin.index("overview") < admin.index("admin") < admin.index("zz-test")
        assert nav.visible(None) == []
        assert nav.active_key("/admin/audit", nav.visible(Principal("a", "admin"))) == "zz-test"
        assert nav.active_key("/admin/users/3", nav.visible(Principal("a", "admin"))) == "admin"
        assert nav.active_key("/", nav.visible(Principal("a", "admin"))) == "overview"
    finally:
        nav._ENTRIES.pop("zz-test")

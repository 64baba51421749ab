"""Errors are friendly pages or {error, message}; security headers on every answer."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

TEMPLATES = Path(__file__).resolve().parents[2] / "gaodi" / "web" / "templates"


def test_unknown_paths(shared_site: Site) -> None:
    client = shared_site.client()
    api = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    assert api.status_code == 404
    assert api.json() == {"error": "not_found", "message": "There is no page at this address."}
    page = client.get("/no-such-page", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 404 and "页面不存在" in page.text
    assert 'data-testid="error-page"' in page.text


def test_wrong_method_is_405_not_500(shared_site: Site) -> None:
    client = shared_site.client()
    assert client.delete("/api/v1/overview").status_code == 405
    assert client.put("/login").status_code == 405


def test_unknown_ids_are_404_and_bad_ids_422(shared_site: Site) -> None:
    client = shared_site.client()
    login(client, "t-admin", PASSWORD)
    assert client.get("/api/v1/admin/users/424242").status_code == 404
    assert client.get("/api/v1/admin/users/424242").json()["error"] == "not_found"
    assert client.get("/admin/users/424242").status_code == 404
    bad = client.get("/api/v1/admin/users/not-a-number")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "user_id"
    huge = client.get("/api/v1/admin/users/99999999999999999999999")
    assert huge.status_code in (404, 422)


def test_forbidden_is_a_friendly_page(shared_site: Site) -> None:
    client = shared_site.client()
    login(client, "t-viewer", PASSWORD)
    page = client.get("/admin/users", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 403 and "无权访问" in page.text
    api = client.get("/api/v1/admin/users")
    assert api.status_code == 403 and set(api.json()) >= {"error", "message"}


def test_malformed_session_cookie_and_garbage_headers(shared_site: Site) -> None:
    client = shared_site.client()
    client.cookies.set("gaodi_session", "garbage.that.is.not.signed")
    assert client.get("/", follow_redirects=False).status_code == 303
    response = client.get("/login", headers={"Cookie": 'bad"cookie=;;; x', "Accept-Language": "!!"})
    assert response.status_code == 200
    assert client.get("/api/v1/overview", headers={"Authorization": "Basic abc"}).status_code == 401


def test_security_headers(shared_site: Site) -> None:
    response = shared_site.client().get("/login")
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "script-src 'self';" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_templates_have_no_inline_scripts_or_cdn() -> None:
    """The CSP forbids inline scripts; every asset is vendored (never a CDN)."""
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, f"{path.name}: {tag}"
        assert not re.search(r"(src|href)=\"https?://", text), f"{path.name} loads a remote asset"
        handlers = re.findall(r"<[^>]*\son[a-z]+\s*=", text)
        assert not handlers, f"{path.name}: inline event handler {handlers}"


def test_static_assets_and_api_docs_are_local(shared_site: Site) -> None:
    client = shared_site.client()
    for asset in (
        "/static/vendor/echarts/echarts.min.js",
        "/static/vendor/htmx/htmx.min.js",
        "/static/css/gaodi.css",
        "/static/js/gaodi.js",
    ):
        assert client.get(asset).status_code == 200, asset
    docs = client.get("/api/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
    spec = client.get("/api/v1/openapi.json").json()
    overview = spec["paths"]["/api/v1/overview"]["get"]
    assert overview["x-gaodi-access"] == {"domain": "overview", "action": "read", "public": False}
    assert "OverviewPage" in str(overview["responses"]["200"])

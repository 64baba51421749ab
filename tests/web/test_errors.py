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


def test_bad_parameters_are_said_in_the_pages_language(shared_site: Site) -> None:
    """A 422 page names the parameter as people call it and the form it takes, in the page's
    language: no pydantic English, no regex; and no 导出 Excel button (there is no table)."""
    client = shared_site.client()
    login(client, "t-admin", PASSWORD)
    zh = {"Accept-Language": "zh-CN"}
    cases = {
        "/plans?as_of=garbage": "截至月份须为 YYYY-MM 格式（例如 2023-06）。",
        "/plans/targets/abc": "目标编号须为整数。",
        "/enterprises?page=abc": "页码须为 1 至 1000000 之间的整数。",
        "/enterprises?page=-1": "页码须为 1 至 1000000 之间的整数。",
        "/smart?as_of=2023-02-30": "截至日期须为有效日期，格式为 YYYY-MM-DD（例如 2023-06-30）。",
        "/screen?refresh=0": "刷新间隔（分钟）须为 1 至 120 之间的整数。",
    }
    for url, words in cases.items():
        page = client.get(url, headers=zh)
        assert page.status_code == 422, url
        assert words in page.text, (url, page.text[page.text.find("error-page") :][:600])
        assert "以下参数无效：" in page.text, url
        for raw in ("Input should", "String should", "pattern", "^(", "as_of:", "page:"):
            assert raw not in page.text.split('id="main"', 1)[1], (url, raw)
        assert 'data-testid="export-xlsx"' not in page.text, url
    en = client.get("/enterprises?page=-1", headers={"Accept-Language": "en"})
    assert "Some parameters are not valid: Page number." in en.text
    assert "Page number must be a whole number from 1 to 1000000." in en.text
    # the JSON keeps the raw details for programs, its message in words
    api = client.get("/api/v1/enterprises?page=abc", headers={"Accept-Language": "en"})
    assert api.status_code == 422 and api.json()["detail"][0]["field"] == "page"
    assert api.json()["message"] == (
        "Some parameters are not valid: Page number. "
        "Page number must be a whole number from 1 to 1000000."
    )
    # a page whose table has an export still shows the button when it is not an error
    assert 'data-testid="export-xlsx"' in client.get("/enterprises", headers=zh).text


def test_unknown_address_keeps_the_signed_in_layout(shared_site: Site) -> None:
    """Signed in, an unknown address (or an unknown id under a known prefix) is a 404 in the
    signed-in layout: navigation, the user's name and a way back to the overview; anonymous
    visitors get the plain page with a sign-in button."""
    client = shared_site.client()
    login(client, "t-admin", PASSWORD)
    zh = {"Accept-Language": "zh-CN"}
    for url in ("/nonexistent", "/plans/999999", "/projects/999999"):
        page = client.get(url, headers=zh)
        assert page.status_code == 404 and "页面不存在" in page.text, url
        assert 'class="mainnav"' in page.text and 'class="user-name"' in page.text, url
        assert 'href="/">返回总览</a>' in page.text and 'href="/login"' not in page.text, url
    anonymous = shared_site.client().get("/nonexistent", headers=zh)
    assert anonymous.status_code == 404 and "页面不存在" in anonymous.text
    assert 'class="mainnav"' not in anonymous.text and 'href="/login"' in anonymous.text

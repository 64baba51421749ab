"""What the server tells the browser about a form: the extra attributes of a field as the browser
must read them (step, min, maxlength), a refused form's own address, and the way back to the form
when the session ended before it was sent (a post, or an htmx request, from a page whose session
is gone). The browser's side of these is in tests/browser/test_form_behaviour.py."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from tests.web.conftest import Site
from tests.web.helpers import csrf_of, login, post_form
from tests.web.live import page_text
from tests.web.seed import PASSWORD, seed_features


def _tag(html: str, element_id: str) -> str:
    match = re.search(
        rf'<(?:input|select|textarea)\b[^>]*\bid="{re.escape(element_id)}"[^>]*>', html
    )
    assert match, f"no control #{element_id}"
    return match.group(0)


def test_field_attributes_reach_the_browser_unescaped(shared_site: Site) -> None:
    """Every caller of the attrs parameter: step/min/max/maxlength are attributes, not text."""
    w = shared_site.world
    seed_features(shared_site.engine, w)  # a project to open
    with shared_site.client() as client:
        login(client, "t-admin", PASSWORD)
        chain_a, link_a1 = w.ids["chain_a"], w.ids["a1"]
        pages = {
            "/projects": {
                "create_project_form-total_investment": 'step="any" min="0"',
                "create_project_form-plan_amount": 'step="any" min="0"',
            },
            f"/projects/{w.ids['project_in']}": {
                "progress-amount": 'step="any" min="0"',
                "plan-amount": 'step="any" min="0"',
            },
            "/challenges": {"new-budget": 'step="any" min="0"'},
            "/appeals": {"new-enterprise_uscc": 'maxlength="18"'},
            "/admin/users": {"create_user-enterprise": 'maxlength="18"'},
            f"/chains/{chain_a}/links/{link_a1}": {
                "assign_enterprise-enterprise": 'maxlength="18"',
                "propose_enterprise-enterprise": 'maxlength="18"',
            },
        }
        for path, controls in pages.items():
            html = client.get(path).text
            for element_id, attrs in controls.items():
                tag = _tag(html, element_id)
                assert attrs in tag, (path, tag)
                assert "&#34;" not in tag and "&quot;" not in tag, (path, tag)


def test_a_refused_select_names_its_message(site: Site) -> None:
    with site.client() as client:
        csrf = login(client, "t-admin", PASSWORD)
        r = post_form(
            client,
            "/admin/users",
            {"username": "q-test-chain", "role": "chain_office", "password": "long-enough-1"},
            csrf,
        )
        assert r.status_code == 422
        tag = _tag(r.text, "create_user-chains")
        assert 'aria-invalid="true"' in tag
        assert 'aria-describedby="create_user-chains-error"' in tag
        message = re.search(
            r'<p class="field-error" id="create_user-chains-error"[^>]*>([^<]+)', r.text
        )
        assert message and "产业链" in message.group(1)


def test_a_refused_form_keeps_the_page_address(site: Site) -> None:
    """Posted to /chains/…/assign, refused: the page says its own address (for gaodi.js and the
    language switch), and the title says nothing was saved."""
    w = site.world
    page = f"/chains/{w.ids['chain_a']}/links/{w.ids['a1']}"
    with site.client() as client:
        csrf = login(client, "t-admin", PASSWORD)
        r = post_form(client, f"{page}/assign", {"enterprise": "91430000XXXXXXXXXX"}, csrf)
        assert r.status_code == 422
        assert f'data-form-refused="{page}"' in r.text
        lang_form = re.search(r'<form class="lang-switch".*?</form>', r.text, re.S)
        assert lang_form and f'name="next" value="{page}"' in lang_form.group(0)
        title = re.search(r"<title>([^<]*)</title>", r.text)
        assert title and title.group(1).startswith("未保存，请更正表单"), title
        # the POST address opened by GET (an old bookmark, a reload without scripts): its page
        r = client.get(f"{page}/assign", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == page
        # a POST-only address that belongs to no page still says so
        r = client.get("/logout", follow_redirects=False)
        assert r.status_code == 405
        assert "This address does not accept" in r.text or "不支持" in page_text(r.text)
        # an ordinary page names no refused form and its title is as before
        plain = client.get(page).text
        assert "data-form-refused" not in plain
        assert "未保存" not in re.search(r"<title>([^<]*)</title>", plain).group(1)


def test_a_form_sent_after_the_session_ended_comes_back_to_its_page(site: Site) -> None:
    with site.client() as client:
        r = client.post(
            "/appeals",
            data={"title": "会话过期测试", "csrf_token": "x"},
            headers={"Referer": "http://testserver/appeals"},
            follow_redirects=False,
        )
        assert r.status_code == 303
        target = urlsplit(r.headers["location"])
        assert target.path == "/login"
        assert parse_qs(target.query) == {"next": ["/appeals"], "reason": ["unsaved"]}
        login_page = client.get(r.headers["location"]).text
        assert "会话已结束，刚才填写的内容没有保存" in page_text(login_page)
        # a mistyped password keeps the notice and the way back
        r = client.post(
            "/login",
            data={
                "username": "t-admin",
                "password": "wrong-password",
                "next": "/appeals",
                "reason": "unsaved",
                "csrf_token": csrf_of(login_page),
            },
            follow_redirects=False,
        )
        assert r.status_code in (401, 422), r.status_code
        assert "会话已结束，刚才填写的内容没有保存" in page_text(r.text)
        assert 'name="next" value="/appeals"' in r.text
        # a Referer of another site is never where the log-in leads
        r = client.post(
            "/appeals",
            data={"title": "x"},
            headers={"Referer": "http://elsewhere.example/appeals"},
            follow_redirects=False,
        )
        assert parse_qs(urlsplit(r.headers["location"]).query)["next"] == ["/"]
        # a page opened without a session: no notice
        plain = page_text(client.get("/login?next=/appeals").text)
        assert "会话已结束" not in plain


def test_an_htmx_request_after_the_session_ended_reloads_the_whole_page(site: Site) -> None:
    with site.client() as client:
        r = client.get(
            "/admin/audit?per_page=25",
            headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/admin/audit"},
            follow_redirects=False,
        )
        assert r.status_code == 401
        assert "location" not in r.headers
        assert r.text == ""
        target = urlsplit(r.headers["HX-Redirect"])
        assert target.path == "/login"
        assert parse_qs(target.query) == {"next": ["/admin/audit"], "reason": ["ended"]}
        assert "会话已结束，请重新登录" in page_text(client.get(r.headers["HX-Redirect"]).text)
        # an ordinary page request still goes to the log-in page, back to the same address
        r = client.get("/admin/audit?per_page=25", follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=/admin/audit%3Fper_page%3D25"

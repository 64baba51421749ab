"""Pages declared ``shared`` (gaodi.ui.web.rendered) are rendered once per scope, language, day
and data version: each viewer still gets their own CSRF token and name, another scope or
language its own rendering, a write the new figures, and an error is never kept."""

from __future__ import annotations

import re

from gaodi.accounts import service as accounts
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.models import Observation
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def _meta_token(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert found, html[:300]
    return found.group(1)


def _renderings(site: Site) -> int:
    memo = getattr(site.app.state, "rendered_pages", None)
    return 0 if memo is None else memo.computed


def test_one_rendering_per_scope_each_with_its_own_token_and_name(site: Site) -> None:
    with session_scope(site.engine, actor="test") as s:
        accounts.create_user(
            s, "t-admin-b", "admin", PASSWORD, display_name="<b>乙管理员</b>", principal=SYSTEM
        )
    first, second = site.client(), site.client()
    token_1 = login(first, "t-admin", PASSWORD)
    token_2 = login(second, "t-admin-b", PASSWORD)
    assert token_1 != token_2
    before = _renderings(site)
    page_1 = first.get("/plans").text
    page_2 = second.get("/plans").text
    assert _renderings(site) == before + 1  # the second administrator got the first's rendering
    assert _meta_token(page_1) == token_1 and token_2 not in page_1
    assert _meta_token(page_2) == token_2 and token_1 not in page_2
    # every form of the page carries the reader's own token (the layout's log-out and language)
    assert page_2.count(f'name="csrf_token" value="{token_2}"') >= 2
    # the name is the reader's, escaped like any other text of the page
    assert "&lt;b&gt;乙管理员&lt;/b&gt;" in page_2 and "<b>乙管理员</b>" not in page_2
    assert "乙管理员" not in page_1
    assert "gaodiCsrf" not in page_1 + page_2 and "gaodiUser" not in page_1 + page_2
    # the rendering itself is the same page (the parts naming the reader aside)
    assert (
        page_1.replace(token_1, "T").split("user-name")[0]
        == page_2.replace(token_2, "T").split("user-name")[0]
    )


def test_another_scope_or_language_gets_its_own_rendering(site: Site) -> None:
    admin, office = site.client(), site.client()
    login(admin, "t-admin", PASSWORD)
    csrf = login(office, "t-chain_office", PASSWORD)
    before = _renderings(site)
    admin.get("/plans")
    office.get("/plans")
    assert _renderings(site) == before + 2
    office.post("/lang", data={"lang": "en", "csrf_token": csrf}, follow_redirects=False)
    english = office.get("/plans").text
    assert _renderings(site) == before + 3
    assert '<html lang="en">' in english
    assert '<html lang="zh-CN">' in admin.get("/plans").text
    assert _renderings(site) == before + 3


def test_a_write_renders_the_new_figures(site: Site) -> None:
    ids = site.world.ids
    admin = site.client()
    login(admin, "t-admin", PASSWORD)
    url = f"/chains/{ids['chain_a']}"
    admin.get(url)
    before = _renderings(site)
    admin.get(url)
    assert _renderings(site) == before  # unchanged data: the same rendering
    with session_scope(site.engine, actor="test") as s:
        s.add(
            Observation(
                indicator_id=ids["indicator"], scope="chain", scope_id=ids["chain_b"],
                period="2023-12", value=12.0, revision=2,
            )
        )  # fmt: skip
    admin.get(url)
    assert _renderings(site) == before + 1  # a data change: rendered again


def test_an_error_is_never_shared(site: Site) -> None:
    ids = site.world.ids
    admin, office = site.client(), site.client()
    login(admin, "t-admin", PASSWORD)
    login(office, "t-chain_office", PASSWORD)  # chain A only
    url = f"/chains/{ids['chain_b']}"
    assert admin.get(url).status_code == 200
    assert office.get(url).status_code == 404  # the administrator's rendering is not the office's
    assert office.get(url).status_code == 404  # and its 404 was not kept either


def test_a_query_the_page_does_not_take_is_answered_but_not_kept(site: Site) -> None:
    admin = site.client()
    login(admin, "t-admin", PASSWORD)
    admin.get("/parks/excluded?year=2023")
    memo = site.app.state.rendered_pages
    kept = len(memo)
    before = _renderings(site)
    # a parameter the page takes: a new rendering, kept and served again
    admin.get("/parks/excluded?year=2023&page=2")
    admin.get("/parks/excluded?year=2023&page=2")
    assert (_renderings(site), len(memo)) == (before + 1, kept + 1)
    # made-up parameters: each request is answered for itself, nothing is added to the cache,
    # and the junk is not echoed into another reader's page
    for n in range(5):
        page = admin.get(f"/parks/excluded?year=2023&junk{n}=x{n}")
        assert page.status_code == 200
    assert (_renderings(site), len(memo)) == (before + 1, kept + 1)
    assert "junk0" not in admin.get("/parks/excluded?year=2023").text
    api = admin.get("/api/v1/parks/excluded?year=2023&junk=1")
    assert api.status_code == 200 and len(memo) == kept + 1

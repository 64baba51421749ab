"""Two people edit one link's definition (fifth audit M, finding 6): the edit form carries the
version of the definition it was loaded from, and a save from a page loaded before a colleague's
change is refused in words (who, when, what), nothing saved, instead of silently putting the old
keywords back. On the web tests' seeded city (tests/web/seed.py: link a1 甲上游 of 测试链甲, which
the chain office may edit)."""

from __future__ import annotations

from typing import Any

import pytest

from gaodi.db import session_scope
from gaodi.models import Link
from tests.web.conftest import Site
from tests.web.helpers import login, post_form
from tests.web.live import form_values
from tests.web.seed import PASSWORD


def _form(html: str, action: str) -> dict[str, str]:
    return {k: v for k, v in form_values(html, action).items() if k != "csrf_token"}


def _link(site: Site) -> tuple[str, list[str]]:
    with session_scope(site.engine) as s:
        link = s.get_one(Link, site.world.ids["a1"])
        return link.name, list(link.keywords)


def _signed_in(site: Site, role: str, lang: str = "zh") -> tuple[Any, str]:
    client = site.client()
    client.headers["Accept-Language"] = lang
    return client, login(client, site.world.users[role], PASSWORD)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_stale_link_form_is_refused_and_the_colleagues_keyword_kept(
    site: Site, lang: str
) -> None:
    w = site.world
    url = f"/chains/{w.ids['chain_a']}/links/{w.ids['a1']}"
    a, csrf_a = _signed_in(site, "admin", lang)
    b, csrf_b = _signed_in(site, "chain_office", lang)
    form_a, form_b = _form(a.get(url).text, url), _form(b.get(url).text, url)
    assert form_a["name"] == form_b["name"] == "甲上游"

    # A adds a keyword
    r = post_form(a, url, {**form_a, "keywords": "伺服阀"}, csrf_a)
    assert r.status_code == 303, r.text[:500]
    assert _link(site) == ("甲上游", ["伺服阀"])

    # B, on the page loaded before A's change, renames the link: refused in words, nothing saved
    r = post_form(b, url, {**form_b, "name": "甲上游（含液压系统）"}, csrf_b)
    assert r.status_code == 422, r.text[:500]
    admin = w.users["admin"]
    if lang == "zh":
        assert f"环节“甲上游”已被 {admin} 于" in r.text and "改了关键词" in r.text
        assert "请重新打开后再改" in r.text
    else:
        assert f"was changed by {admin} at" in r.text and "(changed: keywords)" in r.text
        assert "Open it again" in r.text
    assert _link(site) == ("甲上游", ["伺服阀"])

    # the page shown again keeps B's values with the old version: saving it again is refused too
    again = _form(r.text, url)
    assert again["name"] == "甲上游（含液压系统）" and again["version"] == form_b["version"]
    assert post_form(b, url, again, csrf_b).status_code == 422
    assert _link(site) == ("甲上游", ["伺服阀"])

    # opened again, B's rename is saved and A's keyword stays
    fresh = _form(b.get(url).text, url)
    assert fresh["keywords"] == "伺服阀" and fresh["version"] != form_b["version"]
    r = post_form(b, url, {**fresh, "name": "甲上游（含液压系统）"}, csrf_b)
    assert r.status_code == 303, r.text[:500]
    assert _link(site) == ("甲上游（含液压系统）", ["伺服阀"])

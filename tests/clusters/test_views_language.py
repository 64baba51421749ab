"""The clusters page names its peer group in the reader's language: an English /clusters read
"Peer group 规划对标城市（北京、上海、深圳、杭州）" where the regions pages, for the same group, say
its English label. It now says the English label on English pages and keeps the Chinese one on
Chinese pages.

The city, panel and peers are tests/regions/test_views.py's.
"""

from __future__ import annotations

import html
import re

from tests.regions.test_views import client_for, site  # noqa: F401  (the module's city)
from tests.web.conftest import Site


def _provenance(markup: str) -> str:
    found = re.search(r'data-testid="provenance">(.*?)</p>', markup, re.S)
    assert found is not None
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found[1])))


def _labels(client, group: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The group's (Chinese, English) label as the regions' JSON twin offers it."""
    twin = client.get("/api/v1/regions/specialisation", params={"group": group}).json()
    g = next(g for g in twin["availability"]["groups"] if g["key"] == group)
    return g["label_zh"], g["label_en"]


def test_clusters_peer_group_follows_the_page_language(site: Site) -> None:  # noqa: F811
    client = client_for(site, "analyst")
    plan_zh, plan_en = _labels(client, "plan")
    assert plan_zh != plan_en
    client.cookies.set("gaodi_lang", "en")
    page = client.get("/clusters", params={"group": "plan"})
    assert page.status_code == 200
    said = _provenance(page.text)
    assert f"Peer group {plan_en}" in said and plan_zh not in said, said
    # a group of the reader's own choice is named in English too
    custom = client.get("/clusters", params={"group": "custom", "peers": ["110000", "310000"]})
    assert custom.status_code == 200
    assert "Peer group Peers of your choice" in _provenance(custom.text)

    client.cookies.set("gaodi_lang", "zh")
    said = _provenance(client.get("/clusters", params={"group": "plan"}).text)
    assert plan_zh in said, said
    assert plan_en not in said, said

"""Amounts in 万元 are headed in the page's unit words, one way everywhere: the enterprise list
and a chain link's enterprises said "10 thousand yuan" where every other page (and the unit
table, gaodi.core.units) says "10k yuan"."""

from __future__ import annotations

import html
import re

import pytest

from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def _headers(page: str, testid: str | None = None) -> list[str]:
    """The header cells' words of the page's tables (of the one marked ``testid``)."""
    if testid:
        page = page.split(f'data-testid="{testid}"', 1)[1]
    heads = re.findall(r"<thead>(.*?)</thead>", page, re.S)
    cells = re.findall(r"<th[^>]*>(.*?)</th>", heads[0], re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]


@pytest.mark.parametrize(
    ("lang", "revenue", "output"),
    [("zh", "营业收入（万元）", "产值（万元）"), ("en", "Revenue (10k yuan)", "Output (10k yuan)")],
)
def test_amounts_are_headed_in_the_unit_words(
    shared_site: Site, lang: str, revenue: str, output: str
) -> None:
    client = shared_site.client()
    client.cookies.set("gaodi_lang", lang)
    login(client, shared_site.world.users["admin"], PASSWORD)
    listed = client.get("/enterprises")
    assert listed.status_code == 200
    assert revenue in _headers(listed.text)
    ids = shared_site.world.ids
    link = client.get(f"/chains/{ids['chain_a']}/links/{ids['a1']}")
    assert link.status_code == 200
    assert output in _headers(link.text, "assignments")
    for page in (listed.text, link.text):
        assert "10 thousand yuan" not in page

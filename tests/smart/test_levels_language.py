"""The levels page speaks the reader's language: the schemes name their levels in Chinese
only (一级, 二级), so an English page named them '一级 or above'; it now says 'Level 1 or
above', and the Chinese page keeps 一级及以上.

The city and its assessments are tests/smart/test_views.py's (E1, E3, E4 at 二级).
"""

from __future__ import annotations

import re

from tests.smart.test_views import client_for, site  # noqa: F401  (the module's city)
from tests.web.conftest import Site


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_levels_page_names_levels_in_english(site: Site) -> None:  # noqa: F811
    client = client_for(site, "analyst")
    client.cookies.set("gaodi_lang", "en")
    page = client.get("/smart", params={"level": 2})
    assert page.status_code == 200
    text = _text(page.text)
    for n in (1, 2, 3, 4):
        assert f"Level {n} or above" in text
    assert "Above-scale firms Level 2 or above" in text
    assert "Below level 1" in text
    # no level name of the scheme (一级…四级, 未达一级) is left in the English page's levels
    levels = text[text.index("At or above") : text.index("Level distribution")]
    assert not re.search(r"[一二三四]级", levels), levels
    chart = re.search(r'<script type="application/json" id="levels-data">(.*?)</script>', page.text)
    assert chart is not None and "Level 2" in chart[1] and "二级" not in chart[1]
    # the rules line: English words and punctuation (the scheme's title stays as published)
    rules = re.search(r'data-testid="provenance">(.*?)</p>', page.text, re.S)
    assert rules is not None
    said = _text(rules[1])
    assert "Size classes: " in said and "; Above-scale: industrial" in said
    assert "20 million yuan" in said and not re.search(r"[：；。]|工业|万元", said), said


def test_levels_page_keeps_chinese_names_in_chinese(site: Site) -> None:  # noqa: F811
    client = client_for(site, "analyst")
    client.cookies.set("gaodi_lang", "zh")
    text = _text(client.get("/smart", params={"level": 2}).text)
    assert "一级及以上" in text and "二级及以上" in text and "未达一级" in text
    assert "Level 2" not in text
    assert "；规上：工业（国民经济行业门类B、C、D）且年主营业务收入≥2000万元。" in text


def test_scheme_title_follows_the_page_language(site: Site) -> None:  # noqa: F811
    """The rule file carries the scheme's English title (title_en); the English levels page,
    the assessment form and an assessment's result page name the scheme by it, the Chinese pages
    by the published Chinese title."""
    from gaodi.analytics.digital import read_rule
    from gaodi.smart.service import DEFAULT_SCHEME

    rule = read_rule(DEFAULT_SCHEME)
    title_zh, title_en = str(rule["title_zh"]), str(rule["title_en"])
    client = client_for(site, "analyst")
    client.cookies.set("gaodi_lang", "en")
    levels = _text(client.get("/smart", params={"level": 2}).text)
    assert title_en in levels and title_zh not in levels
    client.cookies.set("gaodi_lang", "zh")
    levels = _text(client.get("/smart", params={"level": 2}).text)
    assert title_zh in levels and title_en not in levels
    e1 = site.world.ids["e1"]
    client = client_for(site, "enterprise")
    for path in (f"/smart/enterprises/{e1}/assess", f"/smart/enterprises/{e1}"):
        for lang, shown, hidden in (("en", title_en, title_zh), ("zh", title_zh, title_en)):
            client.cookies.set("gaodi_lang", lang)
            page = client.get(path)
            assert page.status_code == 200, path
            text = _text(page.text)
            assert shown in text and hidden not in text, (path, lang)

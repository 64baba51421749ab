"""The enterprise pages of 智能制造 speak the reader's language, as the levels page does
(test_levels_language.py): an English list and result page named the levels 一级/二级/未达一级,
the dimensions 数字化基础… (in the table and in the radar chart's indicators) and wrote Chinese
colons and brackets between English words. They now say "Level 2", "Below level 1", the
dimensions' English names from the rule file (name_en), and ": "; the Chinese pages keep the
published names.

The city and its assessments are tests/smart/test_views.py's (E1, E3, E4 at 二级; E2 none).
"""

from __future__ import annotations

import json
import re

from gaodi.analytics.digital import read_rule
from gaodi.smart.service import DEFAULT_SCHEME
from tests.smart.test_views import client_for, site  # noqa: F401  (the module's city)
from tests.web.conftest import Site

LEVEL_ZH = re.compile(r"[一二三四]级|未达")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _dimension_names() -> list[tuple[str, str, str]]:
    """(code, name_zh, name_en) of the scored dimensions, as the rule file publishes them."""
    rule = read_rule(DEFAULT_SCHEME)
    return [
        (str(d["code"]), str(d["name_zh"]), str(d["name_en"]))
        for d in rule["dimensions"]
        if d.get("scored", True)
    ]


def _between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def test_enterprise_list_names_levels_in_english(site: Site) -> None:  # noqa: F811
    client = client_for(site, "analyst")
    client.cookies.set("gaodi_lang", "en")
    page = client.get("/smart/enterprises")
    assert page.status_code == 200
    select = _between(page.text, '<select name="level">', "</select>")
    options = re.findall(r'<option value="(\d)"[^>]*>([^<]*)</option>', select)
    assert options == [("0", "Below level 1")] + [(str(n), f"Level {n}") for n in (1, 2, 3, 4)]
    table = _between(page.text, 'data-testid="enterprises-table"', "</table>")
    e1 = _between(table, f'data-enterprise="{site.world.ids["e1"]}"', "</tr>")
    assert "Level 2" in _text(e1)
    assert not LEVEL_ZH.search(_text(table)), _text(table)
    # the filter by level still works in English
    only = client.get("/smart/enterprises", params={"level": 2})
    assert only.status_code == 200 and site.world.names["e1"] in only.text


def test_enterprise_list_keeps_chinese_levels_in_chinese(site: Site) -> None:  # noqa: F811
    client = client_for(site, "analyst")
    client.cookies.set("gaodi_lang", "zh")
    page = client.get("/smart/enterprises")
    select = _text(_between(page.text, '<select name="level">', "</select>"))
    assert "未达一级" in select and "四级" in select and "Level" not in select
    table = _text(_between(page.text, 'data-testid="enterprises-table"', "</table>"))
    assert "二级" in table and "Level 2" not in table


def test_result_page_names_level_and_dimensions_in_english(site: Site) -> None:  # noqa: F811
    e1 = site.world.ids["e1"]
    client = client_for(site, "enterprise")
    client.cookies.set("gaodi_lang", "en")
    page = client.get(f"/smart/enterprises/{e1}")
    assert page.status_code == 200
    html = page.text
    level = re.search(r'data-testid="level">([^<]*)<', html)
    assert level is not None and level[1] == "Level 2"
    dims = _dimension_names()
    table = _text(_between(html, 'data-testid="dimensions"', "</table>"))
    certificate = _text(_between(html, 'data-testid="certificate"', "</section>"))
    for _code, zh, en in dims:
        assert en in table and en in certificate
        assert zh not in table and zh not in certificate
    # the radar chart's indicators (the options smart.js hands to ECharts) are the English names
    radar = re.search(r'<script type="application/json" id="radar-data">(.*?)</script>', html)
    assert radar is not None
    assert [i["name"] for i in json.loads(radar[1])["indicators"]] == [en for _, _, en in dims]
    # history and target name the levels in English; English punctuation between English words
    history = _text(_between(html, 'data-testid="history"', "</table>"))
    assert "Level 2" in history and not LEVEL_ZH.search(history), history
    gap = _text(_between(html, 'data-testid="gap"', "</header>"))
    assert re.search(r"Target Level \d", gap) and not LEVEL_ZH.search(gap), gap
    text = _text(html)
    assert "Source: " in text and "Points still needed: " in text
    assert "：" not in certificate and "：" not in _text(
        _between(html, 'data-testid="gap"', "</p>")
    )
    # the JSON twin in English names the dimensions the same way
    twin = client.get(f"/api/v1/smart/enterprises/{e1}").json()
    assert [d["name"] for d in twin["result"]["dimensions"]] == [en for _, _, en in dims]


def test_result_page_keeps_published_names_in_chinese(site: Site) -> None:  # noqa: F811
    e1 = site.world.ids["e1"]
    client = client_for(site, "enterprise")
    client.cookies.set("gaodi_lang", "zh")
    html = client.get(f"/smart/enterprises/{e1}").text
    level = re.search(r'data-testid="level">([^<]*)<', html)
    assert level is not None and level[1] == "二级"
    dims = _dimension_names()
    radar = re.search(r'<script type="application/json" id="radar-data">(.*?)</script>', html)
    assert radar is not None
    assert [i["name"] for i in json.loads(radar[1])["indicators"]] == [zh for _, zh, _ in dims]
    table = _text(_between(html, 'data-testid="dimensions"', "</table>"))
    assert all(zh in table for _, zh, _ in dims) and "Level" not in table
    assert "还需得分：" in _text(html) and "填报来源：" in _text(html)


def test_history_chart_and_questionnaire_sections_in_english(site: Site) -> None:  # noqa: F811
    """The history chart's level labels and the questionnaire's section headings were still
    the published Chinese (二级; 数字化基础…) on English pages."""
    e1 = site.world.ids["e1"]
    client = client_for(site, "enterprise")
    client.cookies.set("gaodi_lang", "en")
    html = client.get(f"/smart/enterprises/{e1}").text
    found = re.search(r'<script type="application/json" id="history-data">(.*?)</script>', html)
    assert found is not None
    levels = json.loads(found[1])["levels"]
    assert levels and all(re.fullmatch(r"Level \d|Below level 1", n) for n in levels), levels
    form = client.get(f"/smart/enterprises/{e1}/assess").text
    pairs = re.findall(
        r'data-dimension="([^"]+)"[^>]*>\s*<header class="card-head"><h2>([^<]*)<', form
    )
    english = {code: en for code, _, en in _dimension_names()}  # the scored ones
    scored = [(code, heading) for code, heading in pairs if code in english]
    assert scored and all(heading == english[code] for code, heading in scored), pairs
    assert not LEVEL_ZH.search(" ".join(h for _, h in pairs))
    assert not re.search(r"[\u4e00-\u9fff]", " ".join(h for _, h in pairs)), pairs

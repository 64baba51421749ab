"""The regions pages speak the reader's language around their data: an English page printed the
panel's unit as stored, in Chinese brackets (Panel measure output（亿元）, City total（亿元）, Size
（亿元）, the bubble chart's "Size (亿元)"), and the peer group by its Chinese label (Peer group
规划对标城市（北京、上海、深圳、杭州）) although the group carries an English one. English pages
now say "(100m yuan)", as the map and the measure filter of the same pages do, and the group's
English label; Chinese pages keep （亿元） and the Chinese label.

The city, panel and peers are tests/regions/test_views.py's.
"""

from __future__ import annotations

import html
import json
import re

from tests.regions.test_views import client_for, site  # noqa: F401  (the module's city)
from tests.web.conftest import Site

FULL_WIDTH = re.compile(r"[（）：；，。、]")


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))


def _provenance(html: str) -> str:
    found = re.search(r'data-testid="provenance">(.*?)</p>', html, re.S)
    assert found is not None
    return _text(found[1])


def _labels(client, group: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The group's (Chinese, English) label as the pages' JSON twin offers it."""
    twin = client.get("/api/v1/regions/specialisation", params={"group": group}).json()
    g = next(g for g in twin["availability"]["groups"] if g["key"] == group)
    return g["label_zh"], g["label_en"]


def test_english_regions_pages_use_english_units_and_peer_labels(site: Site) -> None:  # noqa: F811
    client = client_for(site, "analyst")
    client.cookies.set("gaodi_lang", "zh")
    plan_zh, plan_en = _labels(client, "plan")
    client.cookies.set("gaodi_lang", "en")
    for path in ("/regions", "/regions/peers", "/regions/opportunities"):
        page = client.get(path, params={"group": "plan"})
        assert page.status_code == 200, path
        said = _provenance(page.text)
        assert "output (100m yuan)" in said, (path, said)
        if path != "/regions/opportunities":  # (there only when peers' growth is weighed)
            assert f"Peer group {plan_en}" in said, (path, said)
        assert plan_zh not in said and "亿元" not in said, (path, said)
        assert not FULL_WIDTH.search(said), (path, said)
    page = client.get("/regions", params={"group": "plan"})
    text = _text(page.text)
    assert "City total (100m yuan)" in text and "Size (100m yuan)" in text
    assert "亿元" not in text
    peers = re.search(r"Peers: ([^<]*)<", page.text)
    assert peers is not None and "、" not in peers[1]
    # the bubble chart's options and its JSON twin: the size in English words
    chart = re.search(r'<script type="application/json" id="bubble-data">(.*?)</script>', page.text)
    assert chart is not None
    options = json.loads(chart[1])
    assert options["size_name"] == "Size (100m yuan)"
    assert options["points"] and all(
        re.fullmatch(r".+ \(\d+\)", p["name"]) for p in options["points"]
    ), options["points"]
    twin = client.get("/api/v1/regions/specialisation", params={"group": "plan"}).json()
    assert twin["chart"]["size_name"] == "Size (100m yuan)"
    # a custom group is named in English too
    custom = client.get("/regions", params={"group": "custom", "peers": "110000,310000"})
    assert "Peer group Peers of your choice" in _provenance(custom.text)


def test_chinese_regions_pages_keep_chinese_units_and_labels(site: Site) -> None:  # noqa: F811
    client = client_for(site, "analyst")
    client.cookies.set("gaodi_lang", "zh")
    plan_zh, plan_en = _labels(client, "plan")
    page = client.get("/regions", params={"group": "plan"})
    said = _provenance(page.text)
    assert "（亿元）" in said and f"{plan_zh}" in said and plan_en not in said
    text = _text(page.text)
    assert "（亿元）" in text and "100m yuan" not in text
    chart = re.search(r'<script type="application/json" id="bubble-data">(.*?)</script>', page.text)
    assert chart is not None and json.loads(chart[1])["size_name"] == "规模（亿元）"


def test_english_linkages_form_has_english_punctuation(site: Site) -> None:  # noqa: F811
    client = client_for(site, "analyst")
    client.cookies.set("gaodi_lang", "en")
    page = client.get("/regions/linkages")
    assert page.status_code == 200
    labels = [
        _text(m)
        for m in re.findall(r'<label for="(?:flows|final_demand)">(.*?)</label>', page.text, re.S)
    ]
    assert len(labels) == 2
    assert all(" (CSV: " in label and "; multi-regional: " in label for label in labels), labels
    assert not FULL_WIDTH.search(" ".join(labels)), labels
    client.cookies.set("gaodi_lang", "zh")
    zh = client.get("/regions/linkages").text
    assert "（CSV：" in zh


def test_the_bundled_linkages_example_names_its_sectors_in_the_pages_language(
    site: Site,  # noqa: F811
) -> None:
    # the English page named the example's sectors 部门1 and 部门2
    client = client_for(site, "analyst")
    client.cookies.set("gaodi_lang", "en")
    english = client.get("/regions/linkages").text
    assert "Sector 1" in english and "Sector 2" in english and "部门" not in english
    rows = client.get("/api/v1/regions/linkages").json()["result"]["rows"]
    assert [r["sector"] for r in rows] == ["Sector 1", "Sector 2"]
    client.cookies.set("gaodi_lang", "zh")
    rows = client.get("/api/v1/regions/linkages").json()["result"]["rows"]
    assert [r["sector"] for r in rows] == ["部门1", "部门2"]

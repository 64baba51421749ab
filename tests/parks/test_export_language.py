"""/parks.xlsx is written in the reader's language: a workbook downloaded from the Chinese UI
has every line in Chinese words (级别 国家级, checks 是/否, no below_land, rank_share,
(uncertain), cap_multiple: null or English notes in 说明); one downloaded from the English UI
has English sheets, headers and words.

The city is tests/parks/test_service.py's hand-made one (甲 national, 乙 provincial, 丙
national); the download is opened back with openpyxl.
"""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.parks.test_views import client  # noqa: F401  (the hand-made city, signed in)

HAN = re.compile(r"[\u4e00-\u9fff]")
#: two English words in a row, or a code as the rule files and the evaluation write it
ENGLISH = re.compile(
    r"[A-Za-z]{2,}[ _:]+[A-Za-z]{2,}|\b(?:True|False|None|null|national|provincial|"
    r"uncertain|confirmed|below_land|no_land|rank_share|per_mu|note|source)\b"
)


def _download(c: TestClient, lang: str):  # type: ignore[no-untyped-def]
    c.cookies.set("gaodi_lang", lang)
    response = c.get("/parks.xlsx", params={"year": 2023, "scheme": "default"})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _rows(ws) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_chinese_workbook_is_chinese(client: tuple[TestClient, dict[str, int]]) -> None:  # noqa: F811
    c, _ids = client
    wb = _download(c, "zh")
    assert wb.sheetnames == ["说明", "园区排名", "能级进度", "功能定位", "企业"]
    ranking = _rows(wb["园区排名"])
    assert {r["级别"] for r in ranking} == {"国家级", "省级"}
    positioning = _rows(wb["功能定位"])
    checks = [r[k] for r in positioning for k in ("个数符合", "聚焦") if r[k] is not None]
    assert checks and set(checks) <= {"是", "否"}
    assert {r["级别"] for r in positioning} == {"国家级", "省级"}
    info = [
        (str(a), "" if b is None else str(b)) for a, b in wb["说明"].iter_rows(values_only=True)
    ]
    for label, value in info:
        assert HAN.search(label), label
        assert not ENGLISH.search(label) and not ENGLISH.search(value), (label, value)
    said = dict(info)
    assert said["未参评企业"] == "缺少“单位能耗增加值”数据：1家；无用地数据：1家"
    assert "尚未与官方原文核对" in said["评价方案"]
    assert said["分类规则"].startswith("按组内排名比例：前20%为A类")
    assert "亩均评价方案（版本" in said["规则文件"] and "园区能级目标（版本" in said["规则文件"]
    assert said["参评用地门槛"].startswith("用地3亩及以上")
    # the rule file's English-only notes are pointed to, not printed
    assert any("维护者注释" in v for _k, v in info)
    for ws in wb.worksheets[1:]:  # every header in Chinese (A-D are the class letters)
        for h in next(ws.iter_rows(max_row=1, values_only=True)):
            assert str(h) in ("A", "B", "C", "D") or HAN.search(str(h)), h


def test_english_workbook_is_english(client: tuple[TestClient, dict[str, int]]) -> None:  # noqa: F811
    c, _ids = client
    wb = _download(c, "en")
    assert wb.sheetnames == ["Notes", "Park ranking", "Tier progress", "Positioning", "Enterprises"]
    ranking = _rows(wb["Park ranking"])
    assert {r["Level"] for r in ranking} == {"national", "provincial"}
    positioning = _rows(wb["Positioning"])
    checks = [r[k] for r in positioning for k in ("Counts match", "Focused") if r[k] is not None]
    assert checks and set(checks) <= {"Yes", "No"}
    for ws in wb.worksheets[1:]:
        for h in next(ws.iter_rows(max_row=1, values_only=True)):
            assert not HAN.search(str(h)), h
    info = {str(a): str(b) for a, b in wb["Notes"].iter_rows(values_only=True)}
    assert all(not HAN.search(k) for k in info)
    assert info["Not evaluated"].endswith("; no land recorded: 1 firm")
    assert "not confirmed against the official text" in info["Scheme"]
    assert "（" not in info["Scheme"] and "，" not in info["Scheme"]
    assert info["Method"] and not HAN.search(info["Classes"])


def _provenance(html: str) -> str:
    found = re.search(r'<p class="muted small" data-testid="provenance">(.*?)</p>', html, re.S)
    assert found is not None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found[1]))


def test_parks_page_names_rule_files_in_words(client: tuple[TestClient, dict[str, int]]) -> None:  # noqa: F811
    c, _ids = client
    c.cookies.set("gaodi_lang", "zh")
    html = c.get("/parks", params={"year": 2023}).text
    said = _provenance(html)
    assert "per_mu/" not in said and "parks/tiers" not in said and "parks/positioning" not in said
    assert "亩均评价方案 v2022-gaodi.3" in said and "园区能级目标 v2021-plan" in said
    assert "园区功能定位规则 v" in said


def test_english_parks_page_has_no_chinese_tiers_or_punctuation(
    client: tuple[TestClient, dict[str, int]],  # noqa: F811
) -> None:
    c, _ids = client
    c.cookies.set("gaodi_lang", "en")
    html = c.get("/parks", params={"year": 2023}).text
    said = _provenance(html)
    assert not re.search(r"[（），：]", said), said
    assert "(v2022-gaodi.3, not confirmed against the official text)" in said
    assert "per-mu scheme rules v2022-gaodi.3" in said and "park tier targets v2021-plan" in said
    unquoted = re.sub(r"“[^”]*”", "", html)  # the plan's own words are quoted as written
    assert "千亿" not in unquoted and "3000亿" not in unquoted
    assert "Years to reach the 100 bn and 300 bn yuan tiers" in html
    assert "Tier progress (100 bn / 300 bn yuan)" in html
    tiers = re.search(r'data-testid="tier-progress">(.*?)</table>', html, re.S)
    assert tiers is not None and not re.search(r"[（）：]", tiers[1])
    kpis = re.search(r'<section class="kpi-grid">(.*?)</section>', html, re.S)
    assert kpis is not None and "(target 2023)" in kpis[1] and "（" not in kpis[1]
    # a firm left out for a missing figure names the indicator, not its id
    assert "figure missing: Value added per tonne of standard coal: 1" in kpis[1]
    assert "value_added_per_energy" not in kpis[1]


def test_english_park_pages_give_units_and_groups_in_english(
    client: tuple[TestClient, dict[str, int]],  # noqa: F811
) -> None:
    c, ids = client
    c.cookies.set("gaodi_lang", "en")
    html = c.get(f"/parks/{ids['P甲']}", params={"year": 2023}).text
    assert "10k yuan/mu" in html and "万元/亩" not in html
    assert "Above-scale industrial enterprises" in html and "规上工业企业" not in html
    html = c.get("/parks", params={"year": 2023}).text
    assert "10k yuan/mu" in html and "万元/亩" not in html
    html = c.get("/parks/excluded", params={"year": 2023}).text
    assert "above-scale and smaller firms are ranked separately" in html
    assert "规上" not in html
    c.cookies.set("gaodi_lang", "zh")
    html = c.get(f"/parks/{ids['P甲']}", params={"year": 2023}).text
    assert "万元/亩" in html and "规上工业企业" in html
    assert "规上、规下企业分别排序" in c.get("/parks/excluded", params={"year": 2023}).text

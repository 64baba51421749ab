"""A park office's 园区 page, its JSON, parks.xlsx and the monthly report's parks section count
the office's own firms, not the city's (audit 6, R1); ranks say their city-wide base (R9); the
JSON links carry the page's year and scheme (R20); the workbook has number formats (R2) and
English words in English (R3); tier bars are named (Q9).

The city is tests/parks/test_service.py's hand-made one. Worked out by hand from its table:
park 甲 has A1–A5; A1, A2, A3 (规上) and A4 (规下) are evaluated, A5 has no land. The city
evaluates seven (A1–A4, B1, C1, D1) and leaves out two (A5 no land, B2 no energy figure). Among
the six 规上 firms D1 alone is class A (⌊0.2 × 6⌋ = 1), so 甲's three 规上 firms are B; A4 is
alone among 规下 and B. Every park (甲, 乙, 丙) has an evaluated firm: three parks are ranked.
甲's output grows 500 → 720 亿元 over 2021–2023: 20 % a year.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from gaodi.accounts import service as accounts
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.parks import service
from gaodi.reports.lang import Lang
from gaodi.reports.model import Paragraph, Table
from gaodi.reports.park import build_park, monthly_park_blocks
from tests.parks.test_service import city  # noqa: F401  (the hand-made city)
from tests.parks.test_views import PASSWORD, client  # noqa: F401  (the same, signed in)
from tests.web.helpers import login

#: 甲's own firms, by hand (see the module's note)
JIA_EVALUATED = 4
JIA_LEFT_OUT = {"no_land": 1}
JIA_CLASSES = {
    "above_scale": {"A": 0, "B": 3, "C": 0, "D": 0},
    "below_scale": {"A": 0, "B": 1, "C": 0, "D": 0},
}
RANKED_PARKS = 3


def _office(ids: dict[str, int]) -> Principal:
    return Principal(username="po", role="park_office", park_ids=frozenset({ids["P甲"]}))


@pytest.fixture
def office(
    client: tuple[TestClient, dict[str, int]],  # noqa: F811
) -> Iterator[tuple[TestClient, dict[str, int]]]:
    """The hand-made city's web app, signed in as 甲's park office."""
    admin, ids = client
    with session_scope(admin.app.state.engine, actor="test") as s:  # type: ignore[attr-defined]
        accounts.create_user(
            s, "jia-office", "park_office", PASSWORD, parks=["甲园区"], principal=SYSTEM
        )
    c = TestClient(admin.app, base_url="http://testserver")
    login(c, "jia-office", PASSWORD)
    yield c, ids


def test_a_park_office_counts_its_own_firms(db: Engine, city: dict[str, int]) -> None:  # noqa: F811
    with session_scope(db) as s:
        mine = service.evaluate(s, _office(city), year=2023)
        everyone = service.evaluate(s, SYSTEM, year=2023)
    assert mine.n_evaluated == JIA_EVALUATED
    assert mine.not_evaluated == JIA_LEFT_OUT
    assert mine.class_counts == JIA_CLASSES
    assert mine.counts_scope == "scope" and everyone.counts_scope == "city"
    # the city's figures are unchanged for the administrator
    assert everyone.n_evaluated == 7 and sum(everyone.not_evaluated.values()) == 2
    # ranks stay city-wide, and say their base
    assert mine.ranked_parks == everyone.ranked_parks == RANKED_PARKS
    jia = next(p for p in everyone.parks if p.id == city["P甲"])
    assert [p.rank for p in mine.parks] == [jia.rank]


def test_the_office_page_and_its_excluded_page_agree(
    office: tuple[TestClient, dict[str, int]],
) -> None:
    c, _ids = office
    html = c.get("/parks", params={"year": 2023}).text
    kpi = re.search(r'data-testid="evaluated-kpi"(.*?)</div></div>', html, re.S)
    assert kpi is not None
    assert "权限范围内" in kpi[1] and f'<div class="kpi-value">{JIA_EVALUATED}</div>' in kpi[1]
    assert "无用地数据：1" in kpi[1] and "缺少" not in kpi[1]  # B2 (park 乙) is not 甲's
    api = c.get("/api/v1/parks", params={"year": 2023}).json()["result"]
    assert (api["n_evaluated"], api["not_evaluated"]) == (JIA_EVALUATED, JIA_LEFT_OUT)
    left_out = c.get("/api/v1/parks/excluded", params={"year": 2023}).json()
    assert left_out["counts"] == JIA_LEFT_OUT and left_out["total"] == 1
    # the tier targets are the city's, and say so
    targets = re.findall(r'<div class="kpi-label">(.*?)</div>', html)
    assert targets and all(t.startswith("全市 · ") for t in targets if "级" in t)
    assert f"排名为全市{RANKED_PARKS}个参评园区中的名次" in html
    own = c.get(f"/parks/{_ids['P甲']}", params={"year": 2023}).text
    note = re.search(r'data-testid="rank-base">(.*?)</div>', own)
    assert note is not None and note[1] == f"全市{RANKED_PARKS}个参评园区中"


def test_the_office_workbook_counts_its_own_firms(
    office: tuple[TestClient, dict[str, int]],
) -> None:
    c, _ids = office
    c.cookies.set("gaodi_lang", "zh")
    got = c.get("/parks.xlsx", params={"year": 2023, "scheme": "default"})
    info = dict(load_workbook(io.BytesIO(got.content))["说明"].iter_rows(values_only=True))
    assert info["参评企业"] == JIA_EVALUATED
    assert info["未参评企业"] == "无用地数据：1家"
    assert str(info["企业数范围"]).startswith("本账号可查看的企业")
    assert info["排名范围"] == f"全市{RANKED_PARKS}个参评园区中的名次"


def test_the_monthly_parks_section_counts_the_office_firms(
    db: Engine,
    city: dict[str, int],  # noqa: F811
) -> None:
    tr = Lang("zh")
    with session_scope(db) as s:
        blocks = monthly_park_blocks(s, _office(city), 2023, tr)
    text = next(b.text for b in blocks if isinstance(b, Paragraph))
    assert f"权限范围内参评企业{JIA_EVALUATED}家" in text and "全市园区能级" in text
    classes = next(b for b in blocks if isinstance(b, Table) and "分类" in b.caption)
    assert "权限范围内" in classes.caption
    by_segment = {row[0]: row[1:] for row in classes.rows}
    assert by_segment == {
        "规上工业企业": [0, 3, 0, 0],
        "规下工业企业": [0, 1, 0, 0],
    }


def test_the_park_report_says_the_rank_against_the_city(
    db: Engine,
    city: dict[str, int],  # noqa: F811
) -> None:
    with session_scope(db) as s:
        rank = next(p.rank for p in service.evaluate(s, SYSTEM).parks if p.id == city["P甲"])
        zh = build_park(s, _office(city), city["P甲"], "zh")
        en = build_park(s, _office(city), city["P甲"], "en")
    said = " ".join(b.text for b in zh.blocks if isinstance(b, Paragraph))
    assert f"在全市{RANKED_PARKS}个参评园区中排第{rank}名" in said
    assert "在1个园区中" not in said
    said_en = " ".join(b.text for b in en.blocks if isinstance(b, Paragraph))
    assert f"rank {rank} of the city's {RANKED_PARKS} parks with a score" in said_en


def _twin(html: str) -> tuple[str, dict[str, list[str]]]:
    link = re.search(r'<a href="(/api/v1/[^"]*)" data-testid="json-link">', html)
    assert link is not None
    parts = urlsplit(link[1].replace("&amp;", "&"))
    return parts.path, parse_qs(parts.query)


def test_json_links_carry_the_page_parameters(
    client: tuple[TestClient, dict[str, int]],  # noqa: F811
) -> None:
    c, ids = client
    path, query = _twin(c.get("/parks", params={"year": 2021}).text)
    assert (path, query) == ("/api/v1/parks", {"scheme": ["default"], "year": ["2021"]})
    assert c.get(path, params=query).json()["result"]["provenance"]["year"] == 2021
    page = c.get("/parks/excluded", params={"year": 2021, "reason": "no_land"}).text
    path, query = _twin(page)
    assert path == "/api/v1/parks/excluded"
    assert query["year"] == ["2021"] and query["reason"] == ["no_land"]
    park = c.get(f"/parks/{ids['P甲']}", params={"year": 2021, "class": "B"}).text
    path, query = _twin(park)
    assert path == f"/api/v1/parks/{ids['P甲']}"
    assert query["year"] == ["2021"] and query["scheme"] == ["default"]
    assert query["class"] == ["B"]
    twin = c.get(path, params=query).json()
    assert twin["enterprises"]["provenance"]["year"] == 2021


def test_workbook_number_formats(client: tuple[TestClient, dict[str, int]]) -> None:  # noqa: F811
    c, _ids = client
    c.cookies.set("gaodi_lang", "zh")
    wb = load_workbook(io.BytesIO(c.get("/parks.xlsx", params={"year": 2023}).content))
    tiers = wb["能级进度"]
    head = [cell.value for cell in tiers[1]]
    jia = next(row for row in tiers.iter_rows(min_row=2) if row[0].value == "甲园区")
    growth = jia[head.index("年均增速")]
    assert growth.value == pytest.approx(0.2) and growth.number_format == "0.0%"  # 20.0%
    assert jia[head.index("增速起始年")].number_format == "0"  # 2021, not 2,021
    assert jia[head.index("产值（亿元）")].number_format == "#,##0.00"
    ranking = wb["园区排名"]
    head = [cell.value for cell in ranking[1]]
    rd = head.index("R&D经费支出占主营业务收入比重")  # a share: no (比重) beside it
    first = ranking[2]
    assert first[rd].number_format == "0.00%"
    assert first[head.index("亩均税收（万元/亩）")].number_format == "#,##0.00"
    assert first[head.index("参评企业")].number_format == "#,##0"
    assert ranking.auto_filter.ref == ranking.dimensions
    shares = wb["功能定位"]
    head = [cell.value for cell in shares[1]]
    for row in shares.iter_rows(min_row=2):
        cell = row[head.index("声明产业合计占比")]
        assert cell.value is None or cell.number_format.endswith("%")


def test_english_workbook_notes_say_units_in_english(
    client: tuple[TestClient, dict[str, int]],  # noqa: F811
) -> None:
    c, _ids = client
    c.cookies.set("gaodi_lang", "en")
    wb = load_workbook(io.BytesIO(c.get("/parks.xlsx", params={"year": 2023}).content))
    notes = [str(b) for a, b in wb["Notes"].iter_rows(values_only=True) if a == "Method"]
    assert any("money in 10k yuan" in n for n in notes), notes
    assert any("at least 3 mu of land (above-scale and below-scale" in n for n in notes), notes
    for note in notes:
        assert not re.search("万元|亩|规上|规下", note), note
    page = c.get("/parks", params={"year": 2023}).text
    assert "money in 10k yuan" in page and "money in 万元" not in page


def test_tier_bars_are_named(client: tuple[TestClient, dict[str, int]]) -> None:  # noqa: F811
    c, _ids = client
    c.cookies.set("gaodi_lang", "zh")
    html = c.get("/parks", params={"year": 2023}).text
    bars = re.findall(r'<div class="tier-bar[^"]*" role="progressbar"([^>]*)>', html)
    assert bars and all('aria-label="' in b for b in bars)
    # 甲: 720 of 1000 亿元 toward 千亿 (72%)
    assert any(re.search(r'aria-label="甲园区 · 千亿[^"]*72%"', b) for b in bars), bars

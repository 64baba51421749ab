"""Every public citation is shown one way (gaodi/core/provenance.py): the same words on the
pages, in the JSON API, in Excel and in Word, the address (http/https only) as a real link.

The expected words are written out by hand here ("来源：名称（网址）" / "Source: name (address)",
"来源：未注明" / "Source: not given"), not computed with ``describe()``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from gaodi.chains.models import Chain
from gaodi.clusters.models import Cluster
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.enterprises.models import Enterprise, EnterpriseYear, IndustryMargin
from gaodi.parks.models import Park
from gaodi.plans.models import Plan
from gaodi.regions.models import IndustryCode
from gaodi.smart.models import Recognition
from gaodi.ui.web.templating import citation
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

CHAIN_URL = "https://www.miit.gov.cn/zwgk/a.html"
CHAIN_SOURCE = f"工信部公告 2023 {CHAIN_URL}"
CHAIN_ZH = f"来源：工信部公告 2023（{CHAIN_URL}）"
CHAIN_EN = f"Source: 工信部公告 2023 ({CHAIN_URL})"
CLUSTER_URL = "https://gxt.example.gov.cn/jq/2023.html"
CLUSTER_ZH = f"来源：省工信厅集群名单（{CLUSTER_URL}）"
PARK_URL = "http://fgw.example.gov.cn/yq?id=7&y=2023"
PARK_ZH = f"来源：省开发区目录（{PARK_URL}）"
RECOGNITION_URL = "https://www.miit.gov.cn/jgsj/zbys/2023.html"
RECOGNITION_ZH = f"来源：2023 年智能制造示范工厂揭榜单位名单（{RECOGNITION_URL}）"
MARGIN_URL = "https://www.stats.gov.cn/sj/ndsj/2023/indexch.htm"
MARGIN_ZH = f"来源：中国统计年鉴 2023 表 13-5（{MARGIN_URL}）"
MARGIN_EN = f"Source: 中国统计年鉴 2023 表 13-5 ({MARGIN_URL})"
PLAN_URL = "https://www.changsha.gov.cn/zfxxgk/plan2021.html"
PLAN_ZH = f"来源：长沙市先进制造业高地三年行动计划（{PLAN_URL}）"
#: chain B: an address that must not become a link, and markup that must stay text
HOSTILE = "javascript:alert(1) <script>alert(2)</script>"
HOSTILE_ZH = "来源：javascript:alert(1) <script>alert(2)</script>"


@dataclass
class Cited:
    """One ``data-testid="citation"`` element: its text and the links inside it."""

    text: str = ""
    links: list[dict[str, str | None]] = field(default_factory=list)


class _Citations(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[Cited] = []
        self._depth = 0  # > 0 inside a citation span

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if self._depth:
            self._depth += tag != "br"
            if tag == "a":
                self.found[-1].links.append(a)
        elif a.get("data-testid") == "citation":
            self.found.append(Cited())
            self._depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.found[-1].text += data


def citations(html: str) -> list[Cited]:
    parser = _Citations()
    parser.feed(html)
    return parser.found


def only(html: str, words: str) -> Cited:
    """The one citation on the page whose text is ``words``."""
    hits = [c for c in citations(html) if c.text == words]
    assert len(hits) == 1, [c.text for c in citations(html)]
    return hits[0]


def assert_linked(cited: Cited, url: str) -> None:
    assert cited.links == [{"href": url, "rel": "noopener noreferrer", "target": "_blank"}], (
        cited.links
    )


@pytest.fixture(scope="module")
def cited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The seeded site with a cited chain, cluster, park, recognition and industry margin, a
    hostile source on chain B and none on park B."""
    site = make_site(tmp_path_factory.mktemp("web-citations"))
    w = site.world
    with session_scope(site.engine, actor="test") as s:
        s.get(Chain, w.ids["chain_a"]).source = CHAIN_SOURCE
        s.get(Chain, w.ids["chain_b"]).source = HOSTILE
        s.get(Cluster, w.ids["cluster"]).source = f"省工信厅集群名单：{CLUSTER_URL}"
        s.get(Park, w.ids["park_a"]).source = f"省开发区目录 {PARK_URL}"
        s.get(Plan, w.ids["plan"]).source_name = f"长沙市先进制造业高地三年行动计划 {PLAN_URL}"
        if s.get(IndustryCode, "34") is None:  # the seed has no code list: the two it needs
            s.add(IndustryCode(code="34", name="通用设备制造业", level="division"))
            s.flush()
            s.add(
                IndustryCode(code="341", name="锅炉及原动设备制造", level="group", parent_code="34")
            )
            s.flush()
        e1 = s.get(Enterprise, w.ids["e1"])
        e1.industry_code = "341"
        for y in s.query(EnterpriseYear).filter_by(enterprise_id=e1.id, year=2023):
            y.profit = 500.0  # 500 / 5000 = 10 % against the industry's 8 %
        s.add(
            IndustryMargin(
                industry_code="34", year=2023, margin=0.08,
                source_name="中国统计年鉴 2023 表 13-5", source_url=MARGIN_URL,
            )
        )  # fmt: skip
        s.add(
            Recognition(
                kind="factory", enterprise_id=e1.id, name=e1.name, title="测试示范工厂",
                year=2023, level="national", issuer="工业和信息化部",
                source=f"2023 年智能制造示范工厂揭榜单位名单 {RECOGNITION_URL}",
            )
        )  # fmt: skip
    yield site
    site.engine.dispose()


@pytest.fixture(scope="module")
def admin(cited: Site) -> TestClient:
    client = cited.client()
    login(client, cited.world.users["admin"], PASSWORD)
    return client


def en(client: TestClient, url: str) -> str:
    response = client.get(url, cookies={"gaodi_lang": "en"})
    assert response.status_code == 200, response.text[:300]
    return response.text


def zh(client: TestClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return response.text


# ------------------------------------------------------------------------------------ the filter
def test_filter_escapes_and_links_only_web_addresses() -> None:
    hostile = citations(str(citation(HOSTILE)))
    assert [c.text for c in hostile] == [HOSTILE_ZH] and hostile[0].links == []
    assert "<script>" not in str(citation(HOSTILE)) and "&lt;script&gt;" in str(citation(HOSTILE))
    # a javascript: address given as the URL column stays words too
    as_column = citations(str(citation({"name": "x", "url": "javascript:alert(1)"}, "en")))
    assert as_column[0].text == "Source: x (javascript:alert(1))" and as_column[0].links == []
    # an address with quotes cannot break out of the attribute
    quoted = str(citation('公示 https://a.example/p"onmouseover="x'))
    assert '"onmouseover' not in quoted and "&#34;onmouseover=&#34;x" in quoted
    assert [c.text for c in citations(str(citation(None)))] == ["来源：未注明"]
    assert [c.text for c in citations(str(citation(None, "en")))] == ["Source: not given"]


# ------------------------------------------------------------------------------------- the pages
def test_chain_page_in_both_languages(cited: Site, admin: TestClient) -> None:
    url = f"/chains/{cited.world.ids['chain_a']}"
    assert_linked(only(zh(admin, url), CHAIN_ZH), CHAIN_URL)
    assert_linked(only(en(admin, url), CHAIN_EN), CHAIN_URL)


def test_hostile_source_is_text(cited: Site, admin: TestClient) -> None:
    html = zh(admin, f"/chains/{cited.world.ids['chain_b']}")
    assert only(html, HOSTILE_ZH).links == []
    assert "<script>alert(2)" not in html and 'href="javascript' not in html


def test_plan_page_and_json(cited: Site, admin: TestClient) -> None:
    plan = cited.world.ids["plan"]
    assert_linked(only(zh(admin, f"/plans/drafts/{plan}"), PLAN_ZH), PLAN_URL)
    body = admin.get(f"/api/v1/plans/drafts/{plan}").json()
    assert body["citation"]["url"] == PLAN_URL and body["citation"]["text"] == PLAN_ZH


def test_cluster_page(admin: TestClient) -> None:
    assert_linked(only(zh(admin, "/clusters"), CLUSTER_ZH), CLUSTER_URL)


def test_park_pages(cited: Site, admin: TestClient) -> None:
    assert_linked(only(zh(admin, f"/parks/{cited.world.ids['park_a']}"), PARK_ZH), PARK_URL)
    no_source = only(en(admin, f"/parks/{cited.world.ids['park_b']}"), "Source: not given")
    assert no_source.links == []


def test_recognition_list(admin: TestClient) -> None:
    assert_linked(only(zh(admin, "/smart/recognitions"), RECOGNITION_ZH), RECOGNITION_URL)


def test_industry_margin_on_the_profile(cited: Site, admin: TestClient) -> None:
    url = f"/enterprises/{cited.world.ids['e1']}"
    html = zh(admin, url)
    assert_linked(only(html, MARGIN_ZH), MARGIN_URL)
    assert MARGIN_ZH in html  # the reason of 盈利能力高于行业水平 cites it in the same words
    assert_linked(only(en(admin, url), MARGIN_EN), MARGIN_URL)


# ------------------------------------------------------------------------------------ JSON shape
def test_api_returns_one_citation_shape(cited: Site, admin: TestClient) -> None:
    chain = admin.get(f"/api/v1/chains/{cited.world.ids['chain_a']}").json()
    ref = chain["diagnosis"]["chain"]
    assert ref["citation"] == {
        "name": "工信部公告 2023", "url": CHAIN_URL, "text": CHAIN_ZH, "text_en": CHAIN_EN,
    }  # fmt: skip
    clusters = admin.get("/api/v1/clusters").json()
    rows = [c for g in clusters["result"]["groups"] for c in g["clusters"]]
    row = next(c for c in rows if c["id"] == cited.world.ids["cluster"])
    assert row["source"] == f"省工信厅集群名单：{CLUSTER_URL}"  # the old field stays
    assert (row["citation"]["url"], row["citation"]["text"]) == (CLUSTER_URL, CLUSTER_ZH)
    park = admin.get(f"/api/v1/parks/{cited.world.ids['park_b']}").json()
    assert park["enterprises"]["park"]["citation"] == {
        "name": None, "url": None, "text": "来源：未注明", "text_en": "Source: not given",
    }  # fmt: skip
    recognitions = admin.get("/api/v1/smart/recognitions").json()["rows"]
    assert [r["citation"]["text"] for r in recognitions] == [RECOGNITION_ZH]
    profile = admin.get(f"/api/v1/enterprises/{cited.world.ids['e1']}").json()
    assert profile["profile"]["margin_citation"]["text_en"] == MARGIN_EN


# -------------------------------------------------------------------------------------- exports
def _cells(data: bytes) -> dict[str, object]:
    """Every non-empty cell's text -> the cell (all sheets)."""
    wb = load_workbook(io.BytesIO(data))
    return {
        str(c.value): c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value
    }


def test_excel_exports_show_the_words_and_link(cited: Site, admin: TestClient) -> None:
    response = admin.get("/smart/recognitions.xlsx")
    assert response.status_code == 200
    cell = _cells(response.content)[RECOGNITION_ZH]
    assert cell.hyperlink.target == RECOGNITION_URL  # type: ignore[attr-defined]
    response = admin.get("/parks.xlsx")
    assert response.status_code == 200
    cells = _cells(response.content)
    assert cells[PARK_ZH].hyperlink.target == PARK_URL  # type: ignore[attr-defined]
    assert cells["来源：未注明"].hyperlink is None  # type: ignore[attr-defined]

    from gaodi.chains import service
    from gaodi.chains.export import diagnosis_workbook

    with session_scope(cited.engine) as s:
        wb = diagnosis_workbook(
            [service.diagnose(s, SYSTEM, cited.world.ids[k]) for k in ("chain_a", "chain_b")]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    cells = _cells(buffer.getvalue())
    assert cells[CHAIN_ZH].hyperlink.target == CHAIN_URL  # type: ignore[attr-defined]
    assert cells[CHAIN_EN].hyperlink.target == CHAIN_URL  # type: ignore[attr-defined]
    hostile = cells[HOSTILE_ZH]  # text, not a formula, not a link
    assert hostile.data_type == "s" and hostile.hyperlink is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(("lang", "words"), [("zh", CHAIN_ZH), ("en", CHAIN_EN)])
def test_word_chain_report_shows_the_words(
    cited: Site, tmp_path: Path, lang: str, words: str
) -> None:
    from gaodi.reports.chain import build_chain
    from gaodi.reports.render import render

    with session_scope(cited.engine) as s:
        report = build_chain(s, SYSTEM, cited.world.ids["chain_a"], lang)
    path = render(report, "docx", tmp_path / f"chain-{lang}.docx")
    texts = [p.text for p in Document(str(path)).paragraphs]
    assert words in texts


def test_word_park_report_shows_the_words(cited: Site, tmp_path: Path) -> None:
    from gaodi.reports.park import build_park
    from gaodi.reports.render import render

    with session_scope(cited.engine) as s:
        cited_park = build_park(s, SYSTEM, cited.world.ids["park_a"], "zh")
        bare_park = build_park(s, SYSTEM, cited.world.ids["park_b"], "en")
    texts = [
        p.text for p in Document(str(render(cited_park, "docx", tmp_path / "a.docx"))).paragraphs
    ]
    assert PARK_ZH in texts
    texts = [
        p.text for p in Document(str(render(bare_park, "docx", tmp_path / "b.docx"))).paragraphs
    ]
    assert "Source: not given" in texts

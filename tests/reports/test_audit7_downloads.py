"""Audit seven's download and wording findings, on the small demo city (its clock says
2024-01-15): English pages and files carry no Chinese placeholders or punctuation (masked firm
names, the unassigned appeals' group, the tier sentence's separator, GB/T 39116 capability
words), and workbooks say what they are, who made them and when.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from gaodi.accounts import service as accounts
from gaodi.core.permissions import Principal
from gaodi.db import session_scope
from tests.reports.workbooks import book_of, demo_client, demo_site, sheet_rows

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def site(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with demo_site(
        demo_template, tmp_path_factory, "audit7-downloads", accounts.demo_accounts
    ) as site:
        yield site


def _cells(book: Any) -> list[str]:
    return [str(v) for ws in book.worksheets for r in sheet_rows(ws) for v in r if v is not None]


def test_masked_firms_are_named_in_english_in_english_sentences(site: Any) -> None:
    """A park office sees the chain's recommendations with the firms of other parks masked:
    （他处企业） in Chinese, "(an enterprise elsewhere)" in English (finding 2)."""
    from gaodi.chains import loaders, service

    office = Principal("office", "park_office", park_ids=frozenset({1}))
    zh, en = [], []
    with session_scope(site[0], actor="test") as s:
        for chain_id in loaders.readable_chain_names(s, office):
            result = service.diagnose(s, office, chain_id)
            for r in result.recommendations:
                zh.append(r.reason_zh)
                en.append(r.reason_en)
            for d in result.links:
                en += [d.reason_en, d.risk_reason_en]
    assert any("（他处企业）" in t for t in zh)
    assert any("(an enterprise elsewhere)" in t for t in en)
    assert not [t for t in en if "他处企业" in t]


def test_unassigned_appeals_are_named_in_english_and_median_says_days_once(site: Any) -> None:
    """The English statistics page and its file call the group "(not assigned)", and the
    median's header is "Median days" (finding 3)."""
    english = demo_client(site, "demo-admin", "en")
    page = english.get("/appeals/stats").text
    assert "(not assigned)" in page
    assert "未交办" not in page
    book = book_of(english.get("/export/xlsx/appeals/stats"))
    cells = _cells(book)
    assert "(not assigned)" in cells
    assert not [c for c in cells if "未交办" in c]
    headers = [c for c in cells if c.startswith("Median days")]
    assert headers and set(headers) == {"Median days"}
    chinese = demo_client(site, "demo-admin")
    assert "（未交办）" in chinese.get("/appeals/stats").text
    zh_cells = _cells(book_of(chinese.get("/export/xlsx/appeals/stats")))
    assert "（未交办）" in zh_cells
    assert "办结天数中位数（天）" in zh_cells


def test_english_tier_sentence_has_no_chinese_semicolon(site: Any) -> None:
    """The monthly report's 亩均 sentence joins the park tiers with "; " in English, 「；」 in
    Chinese (finding 4)."""
    from gaodi.reports.lang import Lang
    from gaodi.reports.park import monthly_park_blocks

    admin = Principal("cli:root", "admin")
    with session_scope(site[0], actor="test") as s:
        en = monthly_park_blocks(s, admin, None, Lang("en"))
        zh = monthly_park_blocks(s, admin, None, Lang("zh"))
    en_text, zh_text = en[0].text, zh[0].text
    assert "City-wide park tiers:" in en_text
    assert "; " in en_text.split("City-wide park tiers:")[1]
    assert not CJK.search(en_text.split("City-wide park tiers:")[1])
    assert "；" in zh_text


def _disposition(response: Any) -> tuple[str, str]:
    """The ASCII ``filename`` and the UTF-8 ``filename*`` of a download."""
    from urllib.parse import unquote

    header = response.headers["content-disposition"]
    plain = re.search(r'filename="([^"]+)"', header)
    utf8 = re.search(r"filename\*=UTF-8''([^;]+)", header)
    assert plain and utf8, header
    return plain.group(1), unquote(utf8.group(1))


def test_smart_registry_words_are_english_on_the_english_page_and_file(site: Any) -> None:
    """GB/T 39116 capability and scenario words, kinds, levels, categories and the demo
    source are English on the English pages and in their files, the same words in both
    (finding 6)."""
    from gaodi.smart import service

    english_names = service.subdomain_names_en()
    chinese = demo_client(site, "demo-admin")
    zh_rows = chinese.get("/api/v1/smart/providers").json()["rows"]
    zh_words = {w for r in zh_rows for w in r["capability_names"]}
    assert zh_words and all(CJK.search(w) for w in zh_words)
    english = demo_client(site, "demo-admin", "en")
    page = english.get("/smart/providers").text
    assert not [w for w in zh_words if w in page]
    book = book_of(english.get("/smart/providers.xlsx"))
    rows = sheet_rows(book.worksheets[0])
    header = rows[1]
    capabilities = header.index("Capabilities (GB/T 39116)")
    category = header.index("Category")
    body = rows[2:]
    assert len(body) == len(zh_rows)
    words = {w for r in body for w in str(r[capabilities]).split(", ") if w}
    assert words and words <= set(english_names.values())
    for r in body:  # the page shows each row's category and capabilities in the same words
        assert r[category] in page and not CJK.search(r[category])
        assert str(r[capabilities]) in page

    rec_page = english.get("/smart/recognitions").text
    assert "示例数据" not in rec_page and "synthetic demo data" in rec_page
    for kind in ("智能制造标杆企业", "省级", "市级"):
        assert kind not in rec_page
    rec = book_of(english.get("/smart/recognitions.xlsx"))
    rec_rows = sheet_rows(rec.worksheets[0])
    scenarios, source = rec_rows[1].index("Scenarios"), rec_rows[1].index("Source")
    assert rec_rows[2:]
    for r in rec_rows[2:]:
        assert not CJK.search(str(r[scenarios])) and not CJK.search(str(r[source]))
    # the Chinese page keeps the Chinese words
    assert "能力" in chinese.get("/smart/providers").text
    assert "示例数据（合成），非真实认定名单" in chinese.get("/smart/recognitions").text


def test_smart_registry_files_are_named_and_say_who_made_them(site: Any) -> None:
    """The registry's files say their title, the user who exported them and the city's day
    in their properties, and are named what_whose_when with an ASCII twin (finding 5)."""
    response = demo_client(site, "demo-park", "en").get("/smart/providers.xlsx")
    plain, name = _disposition(response)
    assert re.fullmatch(r"smart-providers_park-\d+(-\d+)*_2024-01-15\.xlsx", plain), plain
    assert name.startswith("Smart-manufacturing solution providers_")
    assert name.endswith("_2024-01-15.xlsx") and "_city_" not in name
    props = book_of(response).properties
    assert props.title == "Smart-manufacturing solution providers"
    assert props.creator == "demo-park (Park office)"
    assert props.lastModifiedBy == "demo-park (Park office)"
    assert props.created.date().isoformat() == "2024-01-15"
    response = demo_client(site, "demo-admin").get("/smart/platforms.xlsx")
    plain, name = _disposition(response)
    assert plain == "smart-platforms_city_2024-01-15.xlsx"
    assert name == "公共服务平台_全市_2024-01-15.xlsx"
    props = book_of(response).properties
    assert (props.title, props.creator) == ("公共服务平台", "demo-admin（管理员）")


def test_parks_workbook_says_its_title_and_who_made_it(site: Any) -> None:
    """parks.xlsx: its title is its name, its author the user who downloaded it (finding 5)."""
    response = demo_client(site, "demo-park", "en").get("/parks.xlsx?scheme=default&year=2023")
    _plain, name = _disposition(response)
    props = book_of(response).properties
    assert props.title == name.removesuffix(".xlsx")
    assert props.title.startswith("Per-mu evaluation of parks_") and "2023" in props.title
    assert props.creator == props.lastModifiedBy == "demo-park (Park office)"
    assert props.created.date().isoformat() == "2024-01-15"


def test_data_exchange_downloads_are_named_what_whose_when(site: Any) -> None:
    """/data/export and /data/template: what_whose_when with an ASCII twin, the title and the
    user in the workbook's properties (finding 5)."""
    admin = demo_client(site, "demo-admin")
    response = admin.get("/data/export/parks")
    plain, name = _disposition(response)
    assert (plain, name) == ("parks_city_2024-01-15.xlsx", "园区_全市_2024-01-15.xlsx")
    props = book_of(response).properties
    assert (props.title, props.creator) == ("园区_全市_2024-01-15", "demo-admin（管理员）")
    assert props.lastModifiedBy == "demo-admin（管理员）"
    assert props.created.date().isoformat() == "2024-01-15"

    english = demo_client(site, "demo-park", "en")
    response = english.get("/data/template/parks.xlsx")
    plain, name = _disposition(response)
    assert re.fullmatch(r"parks-template_park-\d+(-\d+)*_2024-01-15\.xlsx", plain), plain
    assert name.startswith("Parks import template_") and name.endswith("_2024-01-15.xlsx")
    props = book_of(response).properties
    assert props.title == name.removesuffix(".xlsx")
    assert props.creator == "demo-park (Park office)"


def test_cli_parks_workbook_names_the_operator(demo_db: Any, tmp_path: Path) -> None:
    """`gaodi parks evaluate --format xlsx`: the workbook's author is 系统管理员（命令行） and
    its title the evaluation and its year (finding 5)."""
    from typer.testing import CliRunner

    from gaodi.cli import app

    out = tmp_path / "parks.xlsx"
    done = CliRunner().invoke(app, ["parks", "evaluate", "--year", "2023", "-o", str(out)])
    assert done.exit_code == 0, done.output
    props = load_workbook(out).properties
    assert props.creator == props.lastModifiedBy == "系统管理员（命令行）"
    assert props.title == "园区亩均效益评价（2023年）"
    # the chains', plans' and enterprises' CLI workbooks too
    for command, title in (
        (["chains", "list"], "产业链概览"),
        (["chains", "diagnose"], "产业链诊断"),
        (["plan", "status"], "行动计划看板"),
        (["enterprises", "rank", "--year", "2023"], "头羊排序（2023年）"),
        (["enterprises", "eligibility", "--year", "2023"], "梯度培育（2023年数据）"),
    ):
        out = tmp_path / f"{command[1]}-{command[0]}.xlsx"
        done = CliRunner().invoke(app, [*command, "-o", str(out)])
        assert done.exit_code == 0, (command, done.output)
        props = load_workbook(out).properties
        assert (props.title, props.creator) == (title, "系统管理员（命令行）"), command
    out = tmp_path / "providers.xlsx"
    done = CliRunner().invoke(app, ["smart", "export", "providers", str(out)])
    assert done.exit_code == 0, done.output
    props = load_workbook(out).properties
    assert (props.title, props.creator) == ("智能制造系统解决方案供应商", "系统管理员（命令行）")


def test_counts_of_firms_are_written_as_the_headline_figures(site: Any) -> None:
    """The 园区 page writes its not-evaluated counts as it writes 参评企业 (thousands separated,
    家 in Chinese); the enterprise list and its export's 企业数 write the total alike
    (finding 7)."""
    admin = demo_client(site, "demo-admin")
    parks = admin.get("/parks").text
    note = re.search(
        r'data-testid="evaluated-kpi".*?<div class="kpi-note">(.*?)</div>', parks, re.S
    )
    assert note, parks[:300]
    counts = re.findall(r"：([\d,]+)(家?)", note.group(1))
    assert counts and all(unit == "家" for _n, unit in counts), note.group(1)
    api = admin.get("/api/v1/parks").json()
    expected = {f"{n:,}" for n in api["result"]["not_evaluated"].values()}
    assert {n for n, _unit in counts} == expected

    total = admin.get("/api/v1/enterprises").json()["result"]["total"]
    assert total >= 1000  # so that the separator shows
    assert f"共 {total:,} 家企业" in admin.get("/enterprises").text
    book = book_of(admin.get("/export/xlsx/enterprises"))
    about = {r[0]: r[1] for r in sheet_rows(book.worksheets[0]) if r and r[0] is not None}
    assert about["企业数"] == f"{total:,}家"
